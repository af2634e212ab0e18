/* SPDX-License-Identifier: MIT */
#include "sched_run.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "calib.h"
#include "device.h"
#include "gbt_info.h"
#include "log.h"
#include "options.h"
#include "rpc.h"
#include "schedule.h"
#include "source.h"
#include "stats.h"

#define SCHED_TICK_MS 100
/* How long an OpenCL device mines an algorithm it has no rate for, to measure it. */
#define SCHED_PROBE_S 8.0
/* Weight of a new live measurement in the refined rate. */
#define SCHED_RATE_ALPHA 0.2
/* At start-up, how long the first choice waits for every source to have work. */
#define SCHED_START_WAIT_S 5.0
/*
 * How long a source may be without work before its algorithm counts as down:
 * a node clears its board between a found block and the next template, a pool
 * between a drop and the reconnect; that is no reason to switch.
 */
#define SCHED_DOWN_GRACE_S 10.0
/* Seconds on an algorithm before its live rate is trusted (set-up, self-test, warm-up). */
#define SCHED_RATE_SETTLE_S 3.0

/* One candidate algorithm: its source and the board that source publishes on. */
struct sched_slot {
	const struct algo *algo;
	struct options sub;             /* cfg with this algorithm's pools; shares cfg's strings */
	struct job_board board;
	struct source *source;          /* NULL until built */
	double weight;
	/* Read by the deciding thread only. */
	uint64_t seen_gen;
	struct job *job;                /* the board's current job (a reference), or NULL */
	uint32_t nbits;
	double target_frac, diff;       /* of the last job: kept while down within the grace */
	double down_since;              /* when the board lost its job (0: it has one) */
	atomic_uint submitted;          /* shares routed to this source */
};

/* Devices that mine one algorithm together: every CPU device, or one OpenCL device. */
struct sched_group {
	char name[DEVICE_NAME_LEN + 8];
	struct job_board board;
	unsigned *devices;              /* indexes into sr->devices */
	unsigned device_count;
	int current;                    /* slot mined, -1: none */
	double since_s;                 /* when current was chosen */
	uint64_t published_gen;         /* slot generation copied to board */
	int published_slot;
	double rate[SCHED_MAX_ALGOS];   /* H/s of the whole group; 0 unknown */
	int is_rate_measured[SCHED_MAX_ALGOS];
	uint64_t hashes[SCHED_MAX_ALGOS];   /* done on each algorithm */
	double seconds[SCHED_MAX_ALGOS];    /* spent on each algorithm */
	uint64_t last_hashes;
	enum sched_reason last_reason;
	int last_best;
};

struct sched_run {
	const struct options *cfg;
	struct stats *stats;
	struct calib *calib;
	struct device *const *devices;
	unsigned device_count;
	const volatile sig_atomic_t *stop_requested;
	struct sched_slot slots[SCHED_MAX_ALGOS];
	unsigned slot_count;
	struct sched_group *groups;
	unsigned group_count;
	unsigned *device_group;         /* group of each device */
	struct sched_policy policy;
	struct source mux;
	pthread_t thread;
	int is_started;
	double start_s;                 /* when the deciding thread started */
	atomic_int is_stopping;
	atomic_int pinned;              /* slot every group mines (sched_run_pin), -1: choose */
	atomic_uint switches;           /* changes of a group's algorithm after its first */
	/* Guards the groups' current, since_s and figures read by sched_run_status/_info. */
	pthread_mutex_t status_lock;
};

/* --- the source the miner sees: routes shares by algorithm ---------------- */

static struct sched_slot *slot_of(struct sched_run *sr, const struct algo *a)
{
	for (unsigned i = 0; i < sr->slot_count; i++)
		if (sr->slots[i].algo == a)
			return &sr->slots[i];
	return NULL;
}

static int mux_start(struct source *src)
{
	(void)src;
	return 0;
}

static void mux_submit(struct source *src, struct share *share)
{
	struct sched_run *sr = src->priv;
	struct sched_slot *s = slot_of(sr, share->job->algo);

	if (!s || !s->source) {
		stats_share_stale(sr->stats, "no source for its algorithm");
		share_free(share);
		return;
	}
	atomic_fetch_add(&s->submitted, 1);
	s->source->ops->submit(s->source, share);
}

static void mux_free(struct source *src)
{
	(void)src;
}

static const struct source_ops mux_ops = {
	.name = "scheduler",
	.start = mux_start,
	.submit = mux_submit,
	.free = mux_free,
};

/* --- building ------------------------------------------------------------ */

static int algo_index(const struct algo *a)
{
	for (unsigned i = 0; i < algo_count; i++)
		if (algo_table[i] == a)
			return (int)i;
	return -1;
}

/*
 * The options a slot's source reads: cfg with this algorithm, its pools as
 * the failover list (or the one node), its own share difficulty factor.
 */
static void slot_options(const struct options *cfg, struct sched_slot *s)
{
	s->sub = *cfg;
	s->sub.algo = s->algo;
	s->sub.is_auto = 0;
	s->sub.pool_count = 0;
	if (cfg->diff_factor == 0)
		s->sub.diff_factor = s->algo->share_scale;
	if (!cfg->pool_count) {
		/* One node (-o) for every algorithm: a longpoll each would starve its RPC threads. */
		s->sub.is_shared_node = 1;
		return;
	}
	s->sub.url_count = 0;
	for (unsigned i = 0; i < cfg->pool_count && s->sub.url_count < OPTIONS_MAX_URLS; i++) {
		const struct options_pool *p = &cfg->pools[i];
		if (p->algo != s->algo)
			continue;
		if (!s->sub.url_count) {
			if (p->user)
				s->sub.user = p->user;
			if (p->pass)
				s->sub.pass = p->pass;
		}
		s->sub.urls[s->sub.url_count++] = p->url;
	}
	/* The pool defaults of src/options.c: no user, password "x". */
	static char no_user[] = "", default_pass[] = "x";
	if (!s->sub.user)
		s->sub.user = no_user;
	if (!s->sub.pass)
		s->sub.pass = default_pass;
}

static int has_pool_for(const struct options *cfg, const struct algo *a)
{
	if (!cfg->pool_count)
		return 1;
	for (unsigned i = 0; i < cfg->pool_count; i++)
		if (cfg->pools[i].algo == a)
			return 1;
	return 0;
}

/* Groups: every CPU device together, each other device alone. */
static int build_groups(struct sched_run *sr)
{
	sr->groups = calloc(sr->device_count ? sr->device_count : 1, sizeof(*sr->groups));
	sr->device_group = calloc(sr->device_count ? sr->device_count : 1, sizeof(unsigned));
	if (!sr->groups || !sr->device_group)
		return -1;
	int cpu_group = -1;
	for (unsigned i = 0; i < sr->device_count; i++) {
		struct device *d = sr->devices[i];
		unsigned g;
		if (d->kind == DEVICE_CPU && cpu_group >= 0) {
			g = (unsigned)cpu_group;
		} else {
			g = sr->group_count++;
			struct sched_group *grp = &sr->groups[g];
			grp->devices = calloc(sr->device_count, sizeof(unsigned));
			if (!grp->devices)
				return -1;
			job_board_init(&grp->board);
			grp->current = -1;
			grp->published_slot = -1;
			grp->last_best = -2;
			if (d->kind == DEVICE_CPU) {
				cpu_group = (int)g;
				snprintf(grp->name, sizeof(grp->name), "cpu");
			} else {
				snprintf(grp->name, sizeof(grp->name), "%s #%u",
					 device_kind_name(d->kind), i);
			}
		}
		sr->groups[g].devices[sr->groups[g].device_count++] = i;
		sr->device_group[i] = g;
	}
	return 0;
}

int sched_run_new(struct sched_run **out, const struct options *cfg, struct stats *stats,
		  struct calib *calib, struct device *const *devices, unsigned device_count,
		  const volatile sig_atomic_t *stop_requested)
{
	struct sched_run *sr = calloc(1, sizeof(*sr));

	*out = NULL;
	if (!sr) {
		log_err("out of memory");
		return -1;
	}
	sr->cfg = cfg;
	sr->stats = stats;
	sr->calib = calib;
	sr->devices = devices;
	sr->device_count = device_count;
	sr->stop_requested = stop_requested;
	sr->policy.switch_margin = cfg->switch_margin_pct / 100.0;
	sr->policy.min_dwell_s = cfg->min_dwell_s;
	sr->mux.ops = &mux_ops;
	sr->mux.priv = sr;
	pthread_mutex_init(&sr->status_lock, NULL);
	atomic_init(&sr->is_stopping, 0);
	atomic_init(&sr->pinned, -1);
	atomic_init(&sr->switches, 0);
	if (build_groups(sr)) {
		log_err("out of memory");
		sched_run_free(sr);
		return -1;
	}
	for (unsigned i = 0; i < algo_count && sr->slot_count < SCHED_MAX_ALGOS; i++) {
		const struct algo *a = algo_table[i];
		if (!(cfg->algo_mask & (1u << i)) || !has_pool_for(cfg, a))
			continue;
		struct sched_slot *s = &sr->slots[sr->slot_count++];
		s->algo = a;
		s->weight = cfg->algo_weight[i];
		job_board_init(&s->board);
		atomic_init(&s->submitted, 0);
		slot_options(cfg, s);
		struct source_env env = { .cfg = &s->sub, .algo = a, .board = &s->board,
					  .stats = stats, .stop_requested = stop_requested };
		int rc = cfg->source == SOURCE_NODE ? gbt_source_new(&s->source, &env)
						    : stratum_source_new(&s->source, &env);
		if (rc) {
			log_err("scheduler: no source for %s", a->name);
			sched_run_free(sr);
			return -1;
		}
	}
	if (!sr->slot_count) {
		log_err("scheduler: no algorithm has a pool or node");
		sched_run_free(sr);
		return -1;
	}
	for (unsigned g = 0; g < sr->group_count; g++) {
		struct sched_group *grp = &sr->groups[g];
		unsigned cpus = 0;
		for (unsigned k = 0; k < grp->device_count; k++)
			cpus += sr->devices[grp->devices[k]]->kind == DEVICE_CPU;
		for (unsigned s = 0; s < sr->slot_count && cpus && calib; s++)
			grp->rate[s] = calib_rate(calib, sr->slots[s].algo) * cpus;
	}
	*out = sr;
	return 0;
}

struct source *sched_run_source(struct sched_run *sr)
{
	return &sr->mux;
}

struct job_board *sched_run_board(struct sched_run *sr, unsigned device)
{
	return &sr->groups[sr->device_group[device]].board;
}

/* --- deciding ------------------------------------------------------------ */

/*
 * Whether slot s's algorithm can be mined or chosen: it has work, or lost it
 * less than SCHED_DOWN_GRACE_S ago.
 */
static int slot_is_live(const struct sched_slot *s, double now)
{
	return s->job || (s->target_frac > 0 && now - s->down_since < SCHED_DOWN_GRACE_S);
}

/* Takes each slot's newest job; returns 1 when a difficulty or a source's liveness changed. */
static int read_slots(struct sched_run *sr, double now)
{
	int changed = 0;

	for (unsigned i = 0; i < sr->slot_count; i++) {
		struct sched_slot *s = &sr->slots[i];
		int was_live = slot_is_live(s, now);
		if (job_board_generation(&s->board) != s->seen_gen) {
			uint32_t was_nbits = s->nbits;
			int had_job = s->job != NULL;
			job_unref(s->job);
			s->job = job_board_get(&s->board, &s->seen_gen);
			if (!s->job) {
				if (had_job)
					s->down_since = now; /* nbits and target kept for the grace */
				continue;
			}
			s->down_since = 0;
			s->nbits = s->job->nbits;
			if (sched_target_frac_from_nbits(s->nbits, &s->target_frac)) {
				log_warn("scheduler: %s: the job's nBits %08x is not a target; left "
					 "out", s->algo->name, s->nbits);
				s->target_frac = 0;
			}
			s->diff = sched_diff_from_target_frac(s->target_frac);
			changed |= was_nbits != s->nbits;
		}
		changed |= was_live != slot_is_live(s, now);
	}
	return changed;
}

/* Folds the devices' measured rate into the group's rate of what it mines. */
static void refine_rate(struct sched_run *sr, struct sched_group *g, double now, double dt)
{
	uint64_t hashes = 0;
	double rate = 0;
	int is_settled = g->current >= 0 && now - g->since_s >= SCHED_RATE_SETTLE_S;

	for (unsigned k = 0; k < g->device_count; k++) {
		struct device *d = sr->devices[g->devices[k]];
		hashes += atomic_load(&sr->stats->threads[g->devices[k]].hashes);
		if (g->current >= 0 && d->algo == sr->slots[g->current].algo)
			rate += atomic_load(&d->rate);
		else
			is_settled = 0;
	}
	pthread_mutex_lock(&sr->status_lock);
	if (g->current >= 0) {
		g->hashes[g->current] += hashes - g->last_hashes;
		g->seconds[g->current] += dt;
	}
	g->last_hashes = hashes;
	if (is_settled && rate > 0) {
		int c = g->current;
		g->rate[c] = g->is_rate_measured[c] || g->rate[c] <= 0
				     ? (g->rate[c] > 0 ? (1 - SCHED_RATE_ALPHA) * g->rate[c] +
								 SCHED_RATE_ALPHA * rate
						       : rate)
				     : rate;
		g->is_rate_measured[c] = 1;
	}
	pthread_mutex_unlock(&sr->status_lock);
}

/* An algorithm a group has no rate for yet, that has work: mine it to measure it. */
static int probe_choice(struct sched_run *sr, struct sched_group *g, double now)
{
	if (g->current >= 0 && g->rate[g->current] <= 0 && now - g->since_s < SCHED_PROBE_S &&
	    sr->slots[g->current].job)
		return g->current;
	for (unsigned s = 0; s < sr->slot_count; s++)
		if (g->rate[s] <= 0 && sr->slots[s].job)
			return (int)s;
	return -1;
}

/* The group mines slot from now on (under the status lock: the status and the API read it). */
static void set_current(struct sched_run *sr, struct sched_group *g, int slot, double now)
{
	pthread_mutex_lock(&sr->status_lock);
	if (g->current >= 0 && slot != g->current)
		atomic_fetch_add(&sr->switches, 1);
	g->current = slot;
	g->since_s = now;
	pthread_mutex_unlock(&sr->status_lock);
}

static void publish(struct sched_run *sr, struct sched_group *g)
{
	struct sched_slot *s = g->current >= 0 ? &sr->slots[g->current] : NULL;
	uint64_t gen = s ? s->seen_gen : 0;

	if (g->published_slot == g->current && g->published_gen == gen)
		return;
	g->published_slot = g->current;
	g->published_gen = gen;
	job_board_publish(&g->board, s && s->job ? job_ref(s->job) : NULL);
}

static void decide_group(struct sched_run *sr, struct sched_group *g, double now, int changed)
{
	struct sched_input in[SCHED_MAX_ALGOS];
	struct sched_decision d;
	char line[1024];

	for (unsigned s = 0; s < sr->slot_count; s++) {
		const struct sched_slot *sl = &sr->slots[s];
		in[s] = (struct sched_input){ .name = sl->algo->name, .hashrate = g->rate[s],
					      .target_frac = sl->target_frac, .diff = sl->diff,
					      .weight = sl->weight, .is_live = slot_is_live(sl, now) };
	}
	/* The first choice waits a little for every source, so that it is informed. */
	if (g->current < 0 && now - sr->start_s < SCHED_START_WAIT_S) {
		unsigned live = 0;
		for (unsigned s = 0; s < sr->slot_count; s++)
			live += sr->slots[s].job != NULL;
		if (live < sr->slot_count)
			return;
	}
	int pinned = atomic_load(&sr->pinned);
	if (pinned >= 0) {
		/* The API pinned an algorithm: mine it while its source has work. */
		if (pinned != g->current && sr->slots[pinned].job) {
			log_info("sched: %s: %s, as asked through the API", g->name,
				 sr->slots[pinned].algo->name);
			set_current(sr, g, pinned, now);
		}
		publish(sr, g);
		return;
	}
	int probe = probe_choice(sr, g, now);
	if (probe >= 0) {
		if (probe != g->current) {
			log_info("sched: %s: measuring %s (no rate yet) for %.0f s", g->name,
				 sr->slots[probe].algo->name, SCHED_PROBE_S);
			set_current(sr, g, probe, now);
		}
		publish(sr, g);
		return;
	}
	sched_decide(&sr->policy, in, sr->slot_count, g->current, now - g->since_s, &d);
	int is_switch = d.choice != g->current;
	if (is_switch || d.best != g->last_best || (changed && d.reason != g->last_reason)) {
		sched_format(in, sr->slot_count, g->current, &d, line, sizeof(line));
		log_info("sched: %s: %s", g->name, line);
	} else if (changed) {
		sched_format(in, sr->slot_count, g->current, &d, line, sizeof(line));
		log_debug("sched: %s: %s", g->name, line);
	}
	g->last_best = d.best;
	g->last_reason = d.reason;
	if (is_switch)
		set_current(sr, g, d.choice, now);
	publish(sr, g);
}

static void *sched_main(void *arg)
{
	struct sched_run *sr = arg;
	double last = stats_now();

	prctl(PR_SET_NAME, "qm-sched", 0, 0, 0);
	while (!atomic_load(&sr->is_stopping)) {
		struct timespec ts = { 0, SCHED_TICK_MS * 1000000L };
		double now = stats_now();
		int changed = read_slots(sr, now);

		for (unsigned g = 0; g < sr->group_count; g++) {
			refine_rate(sr, &sr->groups[g], now, now - last);
			decide_group(sr, &sr->groups[g], now, changed);
		}
		last = now;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int sched_run_start(struct sched_run *sr)
{
	char names[256];
	size_t used = 0;

	for (unsigned i = 0; i < sr->slot_count; i++) {
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
					 sr->slots[i].algo->name);
		if (used >= sizeof(names))
			break;
	}
	log_info("sched: candidates %s; switch margin %.1f%%, minimum dwell %.0f s", names,
		 sr->cfg->switch_margin_pct, sr->cfg->min_dwell_s);
	for (unsigned i = 0; i < sr->slot_count; i++) {
		if (sr->stop_requested && *sr->stop_requested)
			return -1;
		if (sr->slots[i].source->ops->start(sr->slots[i].source)) {
			log_err("scheduler: the %s source did not start", sr->slots[i].algo->name);
			return -1;
		}
	}
	sr->start_s = stats_now();
	if (pthread_create(&sr->thread, NULL, sched_main, sr)) {
		log_err("scheduler: cannot start its thread");
		return -1;
	}
	sr->is_started = 1;
	return 0;
}

void sched_run_status(struct sched_run *sr, char *buf, size_t len)
{
	size_t used = 0;
	double now = stats_now();

	buf[0] = '\0';
	pthread_mutex_lock(&sr->status_lock);
	for (unsigned gi = 0; gi < sr->group_count && used < len; gi++) {
		const struct sched_group *g = &sr->groups[gi];
		used += (size_t)snprintf(buf + used, len - used, "%s%s on %s for %.0f s", gi ? "; " : "",
					 g->name,
					 g->current >= 0 ? sr->slots[g->current].algo->name : "nothing",
					 g->current >= 0 ? now - g->since_s : 0.0);
		for (unsigned s = 0; s < sr->slot_count && used < len; s++) {
			char rate[32];
			if (g->seconds[s] <= 0)
				continue;
			stats_format_rate((double)g->hashes[s] / g->seconds[s], rate, sizeof(rate));
			used += (size_t)snprintf(buf + used, len - used, ", %s %s over %.0f s (%u shares)",
						 sr->slots[s].algo->name, rate, g->seconds[s],
						 atomic_load(&sr->slots[s].submitted));
		}
	}
	pthread_mutex_unlock(&sr->status_lock);
}

void sched_run_info(struct sched_run *sr, char *algo, size_t algo_len, int *is_pinned,
		    unsigned *switches, double *since_s)
{
	pthread_mutex_lock(&sr->status_lock);
	const struct sched_group *g = sr->group_count ? &sr->groups[0] : NULL;
	snprintf(algo, algo_len, "%s",
		 g && g->current >= 0 ? sr->slots[g->current].algo->name : "none");
	*since_s = g && g->current >= 0 ? stats_now() - g->since_s : 0;
	pthread_mutex_unlock(&sr->status_lock);
	*is_pinned = atomic_load(&sr->pinned) >= 0;
	*switches = atomic_load(&sr->switches);
}

int sched_run_pin(struct sched_run *sr, const struct algo *a, char *err, size_t err_len)
{
	if (!a) {
		if (atomic_exchange(&sr->pinned, -1) >= 0)
			log_info("sched: choosing by difficulty again, as asked through the API");
		return 0;
	}
	for (unsigned i = 0; i < sr->slot_count; i++) {
		if (sr->slots[i].algo != a)
			continue;
		uint64_t generation;
		struct job *job = job_board_get(&sr->slots[i].board, &generation);
		job_unref(job);
		if (!job) {
			snprintf(err, err_len, "%s has no work now (its pool or node is down)",
				 a->name);
			return -1;
		}
		atomic_store(&sr->pinned, (int)i);
		return 0;
	}
	snprintf(err, err_len, "%s is not a candidate of this run (-a)", a->name);
	return -1;
}

void sched_run_free(struct sched_run *sr)
{
	if (!sr)
		return;
	atomic_store(&sr->is_stopping, 1);
	if (sr->is_started)
		pthread_join(sr->thread, NULL);
	for (unsigned g = 0; g < sr->group_count; g++)
		job_board_stop(&sr->groups[g].board);
	for (unsigned i = 0; i < sr->slot_count; i++) {
		struct sched_slot *s = &sr->slots[i];
		if (s->source)
			s->source->ops->free(s->source);
		job_unref(s->job);
		job_board_release(&s->board);
	}
	for (unsigned g = 0; g < sr->group_count; g++) {
		job_board_release(&sr->groups[g].board);
		free(sr->groups[g].devices);
	}
	free(sr->groups);
	free(sr->device_group);
	pthread_mutex_destroy(&sr->status_lock);
	free(sr);
}

/* --- --plan ----------------------------------------------------------------- */

/* The node's getmininginfo: every algorithm's difficulty, into diffs (algo_table order). */
static int plan_node_difficulties(const struct options *cfg, double diffs[], char *err,
				  size_t err_len)
{
	struct rpc *r = NULL;
	char *body = NULL;
	long status = 0;
	int rc = -1;

	if (rpc_new(&r, cfg->urls[0], cfg->user, cfg->pass, cfg->rpc_cookie, cfg->no_verify_tls)) {
		snprintf(err, err_len, "cannot set up the connection to %s", cfg->urls[0]);
		return -1;
	}
	if (rpc_call(r, "getmininginfo", "[]", 15000, &body, &status, err, err_len) == RPC_OK &&
	    gbt_info_parse_difficulties(body, strlen(body), cfg->algo, diffs, err, err_len) >= 0)
		rc = 0;
	free(body);
	rpc_free(r);
	return rc;
}

int sched_run_plan(const struct options *cfg, struct calib *calib, unsigned cpu_threads,
		   double wait_s, const volatile sig_atomic_t *stop_requested)
{
	struct sched_input in[SCHED_MAX_ALGOS];
	const char *where[SCHED_MAX_ALGOS];
	unsigned n = 0;
	double diffs[SCHED_MAX_ALGOS] = { 0 };
	char err[512];
	struct sched_run *sr = NULL;
	struct stats quiet_stats = { 0 };

	if (cfg->source == SOURCE_NODE && !cfg->pool_count) {
		if (plan_node_difficulties(cfg, diffs, err, sizeof(err))) {
			log_err("--plan: %s", err);
			return 1;
		}
	} else {
		/* The pools: subscribe to each, take the nBits of its first job. */
		struct options probe = *cfg;
		if (!cfg->is_auto)
			probe.algo_mask = 1u << algo_index(cfg->algo);
		if (stats_init(&quiet_stats, 1))
			return 1;
		if (sched_run_new(&sr, &probe, &quiet_stats, NULL, NULL, 0, stop_requested)) {
			stats_release(&quiet_stats);
			return 1;
		}
		for (unsigned i = 0; i < sr->slot_count; i++)
			if (sr->slots[i].source->ops->start(sr->slots[i].source))
				log_warn("--plan: the %s pool did not start", sr->slots[i].algo->name);
		double start = stats_now();
		for (;;) {
			struct timespec ts = { 0, 100 * 1000000L };
			unsigned have = 0;
			read_slots(sr, stats_now());
			for (unsigned i = 0; i < sr->slot_count; i++)
				have += sr->slots[i].job != NULL;
			if (have == sr->slot_count || stats_now() - start > wait_s ||
			    (stop_requested && *stop_requested))
				break;
			nanosleep(&ts, NULL);
		}
		for (unsigned i = 0; i < sr->slot_count; i++)
			diffs[algo_index(sr->slots[i].algo)] = sr->slots[i].diff;
	}
	for (unsigned i = 0; i < algo_count && n < SCHED_MAX_ALGOS; i++) {
		if (!(cfg->algo_mask & (1u << i)))
			continue;
		in[n] = (struct sched_input){ .name = algo_table[i]->name,
					      .hashrate = calib_rate(calib, algo_table[i]) * cpu_threads,
					      .diff = diffs[i], .weight = cfg->algo_weight[i],
					      .is_live = diffs[i] > 0 };
		sched_target_frac_from_diff(diffs[i], &in[n].target_frac);
		where[n] = cfg->source == SOURCE_NODE && !cfg->pool_count ? "node" : "pool";
		n++;
	}
	sched_run_free(sr);
	if (quiet_stats.threads)
		stats_release(&quiet_stats);

	struct sched_policy policy = { .switch_margin = 0, .min_dwell_s = 0 };
	struct sched_decision d;
	sched_decide(&policy, in, n, -1, 0, &d);
	printf("\n%-9s %16s %16s %14s %8s\n", "algo", "hashrate (cpu)", "difficulty", "blocks/day",
	       "vs best");
	for (unsigned i = 0; i < n; i++) {
		char rate[32];
		stats_format_rate(in[i].hashrate, rate, sizeof(rate));
		if (d.rejected[i] != SCHED_OK) {
			printf("%-9s %16s %16s %14s %8s  (%s)\n", in[i].name, rate, "-", "-", "-",
			       d.rejected[i] == SCHED_NOT_LIVE ? "no difficulty from the "
								 "pool or node"
							       : sched_reason_str(d.rejected[i]));
			continue;
		}
		printf("%-9s %16s %16.6g %14.6g %7.0f%%%s\n", in[i].name, rate, in[i].diff,
		       d.score[i] * 86400.0, 100.0 * d.score[i] / d.score[d.best],
		       (int)i == d.best ? "  <- best" : "");
	}
	if (d.best < 0) {
		printf("\nno recommendation: no algorithm has both a rate and a difficulty\n");
		return 1;
	}
	printf("\nrecommendation: mine %s (%.4g blocks/day on %u CPU thread%s, difficulties from "
	       "the %s)\n",
	       in[d.best].name, d.score[d.best] * 86400.0, cpu_threads, cpu_threads == 1 ? "" : "s",
	       where[d.best]);
	fflush(stdout);
	return 0;
}
