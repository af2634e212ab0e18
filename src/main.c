/* SPDX-License-Identifier: MIT */
/*
 * quintminer: options -> config -> the chosen mode. Owns the process state
 * (signal flag, log level) and is the only place that exits.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "algo.h"
#include "api.h"
#include "bench.h"
#include "calib.h"
#include "options.h"
#include "cpu.h"
#include "device.h"
#include "hex.h"
#include "job_board.h"
#include "log.h"
#include "miner.h"
#include "opencl.h"
#include "source.h"
#include "sched_run.h"
#include "stats.h"
#include "topo.h"
#include "work.h"

#define EXIT_USAGE 2
#define PLAN_WAIT_S 20.0 /* --plan: how long to wait for the pools' first jobs */

static volatile sig_atomic_t stop_requested, status_requested, reopen_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		status_requested = 1;
	else if (sig == SIGHUP)
		reopen_requested = 1;
	else
		stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The OpenCL settings the options give, for the scanners. */
static struct opencl_config opencl_config_of(const struct options *cfg)
{
	return (struct opencl_config){ .kernel_dir = cfg->kernel_dir,
				       .kernel_ms = cfg->gpu_kernel_ms,
				       .intensity = cfg->intensity,
				       .lookup_gap = cfg->lookup_gap };
}

/*
 * The OpenCL devices of the run into devices[] (OPTIONS_MAX_DEVICES) and
 * *count: none without --opencl or --opencl-devices. Returns 0, EXIT_USAGE
 * for a named device that does not exist, 1 when --opencl finds no device.
 */
static int pick_opencl_devices(const struct options *cfg, unsigned *devices, unsigned *count)
{
	char err[512];

	*count = 0;
	if (!cfg->use_opencl)
		return 0;
	if (opencl_select(cfg->opencl_devices, cfg->opencl_device_count, devices,
			  OPTIONS_MAX_DEVICES, count, err, sizeof(err))) {
		log_err("%s: %s", cfg->opencl_device_count ? "--opencl-devices" : "--opencl", err);
		return cfg->opencl_device_count ? EXIT_USAGE : 1;
	}
	return 0;
}

/* --opencl-list: every platform and device, with the index the other options take. */
static int run_opencl_list(void)
{
	unsigned count = 0, platform = UINT32_MAX;
	char err[512];

	if (opencl_device_count(&count, err, sizeof(err))) {
		log_err("--opencl-list: %s", err);
		return 1;
	}
	if (count == 0)
		printf("no OpenCL device\n");
	for (unsigned d = 0; d < count; d++) {
		struct opencl_device_info info;
		if (opencl_device_info(d, &info, err, sizeof(err))) {
			log_err("--opencl-list: %s", err);
			return 1;
		}
		if (info.platform_index != platform) {
			platform = info.platform_index;
			printf("platform %u: %s\n", platform, info.platform);
		}
		printf("  device %u: %s%s, %u compute units, %u MHz, %llu MiB memory\n", d,
		       info.name, info.is_cpu ? " (cpu)" : "", info.compute_units, info.clock_mhz,
		       (unsigned long long)(info.global_mem_len >> 20));
		if (info.is_cpu)
			printf("    the CPU itself: --opencl leaves it out; --opencl-devices %u uses "
			       "it\n", d);
	}
	fflush(stdout);
	return 0;
}

/* --hash ... --opencl-devices N: the hash as device N's kernel computes it. */
static int opencl_hash(const struct options *cfg, uint8_t hash[HASH_LEN])
{
	struct opencl_config oc = opencl_config_of(cfg);
	struct opencl_scanner *s = NULL;
	unsigned devices[OPTIONS_MAX_DEVICES], count;
	char err[8192];

	int rc = pick_opencl_devices(cfg, devices, &count);
	if (rc)
		return rc;
	if (opencl_scanner_new_with(&s, devices[0], cfg->algo, &oc, err, sizeof(err))) {
		log_err("OpenCL device %u: %s", devices[0], err);
		return 1;
	}
	if (opencl_scanner_hash(s, &cfg->params, cfg->hash_header, hash)) {
		log_err("%s: %s", opencl_scanner_name(s), opencl_scanner_error(s));
		rc = 1;
	}
	opencl_scanner_free(s);
	return rc;
}

static int run_hash(const struct options *cfg)
{
	uint8_t hash[HASH_LEN];
	char hex[2 * HASH_LEN + 1];

	if (cfg->opencl_device_count) {
		int rc = opencl_hash(cfg, hash);
		if (rc)
			return rc;
	} else {
		cfg->algo->hash(&cfg->params, cfg->hash_header, hash);
	}
	hex_encode_display(hash, HASH_LEN, hex); /* as DigiByte Core prints it */
	printf("%s\n", hex);
	return 0;
}

/*
 * The calibration of this run (src/calib.h): --cpu-impl forces a choice
 * ("all" is the benchmark's and forces nothing), --recalibrate redoes it,
 * the cache file is found through the environment.
 */
static int calib_for(struct calib *c, const struct options *cfg)
{
	char path[4096];
	int has_path = calib_default_path(path, sizeof(path)) == 0;
	const struct calib_config cc = {
		.cpu_flags = cpu_features(),
		.force = cfg->cpu_impl && strcmp(cfg->cpu_impl, "all") ? cfg->cpu_impl : NULL,
		.cache_path = has_path ? path : NULL,
		.is_recalibrate = cfg->is_recalibrate,
	};

	if (!has_path)
		log_debug("neither XDG_CACHE_HOME nor HOME is set: the calibration is not cached");
	if (calib_init(c, &cc)) {
		log_err("out of memory");
		return -1;
	}
	return 0;
}

/* device_cpu_impl_fn over the calibration. */
static const struct algo_impl *calib_impl_for(void *opaque, const struct algo *a, char *err,
					      size_t err_len)
{
	return calib_impl(opaque, a, err, err_len);
}

static int run_cpu_features(const struct options *cfg)
{
	unsigned flags = cpu_features();
	char names[256], model[64];
	struct calib calib;

	cpu_features_str(flags, names, sizeof(names));
	cpu_model(model, sizeof(model));
	printf("CPU features: %s (%s)\n", names[0] ? names : "(none)", model);
	if (calib_for(&calib, cfg))
		return 1;
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		const struct calib_algo *e = calib_get(&calib, a);
		char err[256];
		const struct algo_impl *impl = calib_impl(&calib, a, err, sizeof(err));

		printf("%-9s %-9s (", a->name, impl ? impl->name : "none");
		for (unsigned k = 0; k < a->n_impls; k++) {
			const struct calib_impl *ci = &e->impls[k];
			char rate[32];
			stats_format_rate(ci->rate, rate, sizeof(rate));
			printf("%s%s %s", k ? ", " : "", ci->impl->name,
			       ci->state == CALIB_USABLE ? rate
			       : ci->state == CALIB_NO_CPU ? "not on this CPU"
							   : "failed its self-test");
		}
		printf("; %s; %s)%s%s\n", e->is_cached ? "cached" : "measured now",
		       cfg->cpu_impl && impl ? "forced" : "fastest chosen", impl ? "" : " - ",
		       impl ? "" : err);
	}
	calib_release(&calib);
	return 0;
}

static unsigned default_threads(const struct options *cfg, struct topo *topo)
{
	if (cfg->threads)
		return cfg->threads;
	if (topo)
		return topo_core_count(topo);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* --- the API's view of this process (api.h hooks) ------------------------ */

struct api_glue {
	double diff_factor;           /* --diff-factor, or 0: the job's algorithm's own */
	struct job_board *board;      /* mining only */
	/* With the scheduler: the device groups' boards, one per device (set once started). */
	_Atomic(struct job_board **) boards;
	unsigned board_count;
	_Atomic(struct sched_run *) sched; /* -a auto: set once started */
	_Atomic(struct source *) src; /* -a ALGO: the work source, set once started */
	int is_auto;                  /* -a auto: a source per algorithm, each with its pools */
	struct miner *miner;          /* mining only */
	struct api *api;
};

static int glue_pause(void *ctx, int is_paused)
{
	struct api_glue *g = ctx;
	struct job_board **boards = atomic_load(&g->boards);

	if (!g->board)
		return -1;
	job_board_pause(g->board, is_paused);
	for (unsigned i = 0; boards && i < g->board_count; i++)
		job_board_pause(boards[i], is_paused);
	return 0;
}

static int glue_scheduler(void *ctx, struct api_sched_info *out)
{
	struct api_glue *g = ctx;
	struct sched_run *sched = atomic_load(&g->sched);
	int is_pinned;

	if (!sched)
		return -1;
	sched_run_info(sched, out->algo, sizeof(out->algo), &is_pinned, &out->switches,
		       &out->since_s);
	snprintf(out->mode, sizeof(out->mode), "%s", is_pinned ? "pinned" : "auto");
	return 0;
}

/* ?name=ALGO pins the scheduler to ALGO; ?name=auto lets it choose again. */
static int glue_switch_algo(void *ctx, const char *name, char *err, size_t err_len)
{
	struct api_glue *g = ctx;
	struct sched_run *sched = atomic_load(&g->sched);
	const struct algo *a = strcmp(name, "auto") ? algo_find(name) : NULL;

	if (!sched) {
		snprintf(err, err_len, "the scheduler has not started yet");
		return -1;
	}
	if (strcmp(name, "auto") && !a) {
		snprintf(err, err_len, "'%.40s' is not an algorithm (or 'auto')", name);
		return -1;
	}
	return sched_run_pin(sched, a, err, err_len);
}

static void glue_quit(void *ctx)
{
	(void)ctx;
	stop_requested = 1;
}

static unsigned glue_hw_errors(void *ctx)
{
	struct api_glue *g = ctx;

	return g->miner ? atomic_load(&g->miner->bad_hits) : 0;
}

/*
 * The source's report where it gives one (stratum: state, round trip and
 * answers per pool). Without one (the scheduler's sources, a node): the first
 * pool is the one in use, up while it gives work. The current job's targets
 * give the active pool's share and network difficulty (with the scheduler,
 * the first device group's job).
 */
static int glue_pool(void *ctx, unsigned index, struct api_pool_info *out)
{
	struct api_glue *g = ctx;
	struct job_board **boards = atomic_load(&g->boards);
	struct job_board *board = boards ? boards[0] : g->board;
	struct source *src = atomic_load(&g->src);
	struct source_pool_info info;
	int has_info = src && src->ops->pool_info && !src->ops->pool_info(src, index, &info);
	uint64_t generation;
	struct job *job;

	out->latency_ms = -1;
	out->accepted = out->rejected = -1;
	if (has_info) {
		out->is_active = info.is_active;
		out->latency_ms = info.latency_ms;
		out->accepted = info.accepted;
		out->rejected = info.rejected;
		snprintf(out->state, sizeof(out->state), "%s",
			 source_pool_state_name(info.state));
	} else {
		out->is_active = index == 0;
	}
	job = board && out->is_active ? job_board_get(board, &generation) : NULL;
	if (!has_info)
		snprintf(out->state, sizeof(out->state), "%s",
			 index ? "idle" : job ? "connected"
			 : board && job_board_is_paused(board) ? "paused" : "connecting");
	if (job) {
		double f = g->diff_factor > 0 ? g->diff_factor
				: job->algo ? job->algo->share_scale : 1;
		out->difficulty = work_target_to_diff(job->share_target) * f;
		out->net_difficulty = work_target_to_diff(job->block_target);
	}
	job_unref(job);
	return 0;
}

/* POST /control/pool?index=N: the stratum source's thread leaves its pool for pool N. */
static int glue_switch_pool(void *ctx, unsigned index, char *err, size_t err_len)
{
	struct api_glue *g = ctx;
	struct source *src = atomic_load(&g->src);

	if (g->is_auto) {
		snprintf(err, err_len, "with -a auto each algorithm mines on its own pools (config "
			 "file); switching pools is not supported with the scheduler");
		return -1;
	}
	if (!src) {
		snprintf(err, err_len, "the work source has not started yet");
		return -1;
	}
	if (!src->ops->switch_pool) {
		snprintf(err, err_len, "the %s source cannot switch pools", src->ops->name);
		return -1;
	}
	if (src->ops->switch_pool(src, index, err, err_len))
		return -1;
	log_info("API: switching to pool %u (index %u)", index + 1, index);
	return 0;
}

static void bench_on_run(void *ctx, struct stats *stats, const char *algo, const char *impl)
{
	api_set_stats(ctx, stats, algo, impl);
}

static void bench_on_tick(void *ctx)
{
	api_tick(ctx);
}

static int api_open(const struct options *cfg, struct topo *topo, struct api_glue *glue,
		    const char *mode)
{
	struct api_hooks hooks = { .ctx = glue, .hw_errors = glue_hw_errors, .quit = glue_quit };
	char err[256];

	if (glue->board) {
		hooks.pause = glue_pause;
		hooks.pool = glue_pool;
		hooks.switch_pool = glue_switch_pool;
	}
	if (cfg->is_auto && glue->board) {
		hooks.scheduler = glue_scheduler;
		hooks.switch_algo = glue_switch_algo;
	}
	if (api_start(&glue->api, cfg, &hooks, topo, mode, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/*
 * Logs where each worker runs (topo.h) and keeps the plan for binding. With
 * the algorithm and impl to mine (may be NULL): the impl each worker runs in
 * its L2 share where the impl has a scratchpad (device_cpu_fit_impl).
 */
static void placement_log(struct topo *topo, unsigned threads, const struct algo *a,
			  const struct algo_impl *impl, int is_impl_exact)
{
	if (!topo || topo_plan(topo, threads))
		return;
	for (unsigned i = 0; i < threads; i++) {
		const struct topo_place *p = topo_place(topo, i);
		const struct algo_impl *run =
			a && impl ? device_cpu_fit_impl(a, impl, is_impl_exact ? 0 : p->l2_share_bytes)
				  : NULL;
		char where[160], lanes[128] = "";
		topo_place_describe(p, where, sizeof(where));
		if (run && run->scratch_bytes)
			snprintf(lanes, sizeof(lanes), "; %s %s, %zu KiB scratchpad%s", a->name,
				 run->name, run->scratch_bytes / 1024,
				 run != impl ? " (fits the L2 share)" : "");
		log_info("worker %u -> %s%s", i, where, lanes);
	}
}

static int run_benchmark(const struct options *cfg, struct topo *topo)
{
	struct api_glue glue = { 0 };
	struct bench_result results[64];
	struct calib calib;
	struct opencl_config oc = opencl_config_of(cfg);
	unsigned gpus[OPTIONS_MAX_DEVICES], gpu_count, n = 0;
	int rc = pick_opencl_devices(cfg, gpus, &gpu_count);

	if (rc)
		return rc;
	if (calib_for(&calib, cfg))
		return 1;
	struct bench_observer obs = { .on_run = bench_on_run, .on_tick = bench_on_tick };
	struct bench_config bc = {
		.threads = cfg->no_cpu ? 0 : default_threads(cfg, topo),
		.seconds = cfg->time_limit_s,
		.topo = topo,
		.calib = &calib,
		.is_every_impl = cfg->cpu_impl && !strcmp(cfg->cpu_impl, "all"),
		.is_fit_l2 = cfg->is_fit_l2,
		.gpus = gpus,
		.gpu_count = gpu_count,
		.opencl = &oc,
		.stop = &stop_requested,
	};
	placement_log(topo, bc.threads, NULL, NULL, 0);
	if (api_open(cfg, topo, &glue, "benchmark")) {
		calib_release(&calib);
		return 1;
	}
	obs.ctx = glue.api;
	bc.obs = glue.api ? &obs : NULL;
	for (unsigned i = 0; i < algo_count && !stop_requested; i++) {
		const struct algo *a = algo_table[i];
		if (!cfg->is_all_algos && a != cfg->algo)
			continue;
		if (bench_algo(&bc, a, results, sizeof(results) / sizeof(results[0]), &n))
			rc = 1;
	}
	calib_release(&calib);
	/* With --json only JSON goes to stdout (| jq works); the table is then on stderr. */
	FILE *table = cfg->is_json ? stderr : stdout;
	/* The impl column is as wide as its longest entry (OpenCL device names are long). */
	int impl_width = 9;
	for (unsigned i = 0; i < n; i++) {
		int len = (int)strlen(results[i].impl);
		impl_width = len > impl_width ? len : impl_width;
	}
	fprintf(table, "\n%-9s %-*s %7s %14s %9s %16s\n", "algo", impl_width, "impl", "threads",
		"hashes", "seconds", "hashrate");
	for (unsigned i = 0; i < n; i++) {
		char rate[32];
		stats_format_rate(results[i].hashrate, rate, sizeof(rate));
		fprintf(table, "%-9s %-*s %7u %14llu %9.2f %16s\n", results[i].algo, impl_width,
			results[i].impl, results[i].threads, (unsigned long long)results[i].hashes,
			results[i].seconds, rate);
	}
	fflush(table);
	if (cfg->is_json) {
		for (unsigned i = 0; i < n; i++)
			bench_print_json(&results[i]);
	}
	api_stop(glue.api);
	return n ? rc : 1;
}

/* The status line, and with the scheduler what each device group mines. */
static void report_status(struct sched_run *sched, struct stats *stats)
{
	char line[1024];

	stats_report(stats);
	if (sched) {
		sched_run_status(sched, line, sizeof(line));
		log_info("sched: %s", line);
	}
}

/* --plan: the CPU's calibrated rates against every algorithm's current difficulty. */
static int run_plan(const struct options *cfg, struct topo *topo)
{
	struct calib calib;
	int rc;

	if (calib_for(&calib, cfg))
		return 1;
	rc = sched_run_plan(cfg, &calib, default_threads(cfg, topo), PLAN_WAIT_S, &stop_requested);
	calib_release(&calib);
	return rc;
}

/*
 * Starts the work: one source for -a ALGO, or with the scheduler (-a auto, a
 * list) a source per algorithm and a board per device group (src/sched_run.h).
 * Returns 0, or -1 (logged; *rc says the exit status).
 */
static int start_sources(const struct options *cfg, struct stats *stats, struct calib *calib,
			 struct device **devices, unsigned device_count, struct job_board *board,
			 struct source **src, struct sched_run **sched, struct job_board ***boards,
			 int *rc)
{
	if (cfg->is_auto) {
		*boards = calloc(device_count, sizeof(**boards));
		if (!*boards || sched_run_new(sched, cfg, stats, calib, devices, device_count,
					      &stop_requested))
			return -1;
		for (unsigned i = 0; i < device_count; i++)
			(*boards)[i] = sched_run_board(*sched, i);
		if (sched_run_start(*sched)) {
			*rc = stop_requested ? 0 : 1; /* a stop while waiting for a pool or node */
			return -1;
		}
		return 0;
	}
	struct source_env env = { .cfg = cfg, .algo = cfg->algo, .board = board, .stats = stats,
				  .stop_requested = &stop_requested };
	if (cfg->source == SOURCE_STRATUM ? stratum_source_new(src, &env)
					       : gbt_source_new(src, &env))
		return -1;
	if ((*src)->ops->start(*src)) {
		*rc = stop_requested ? 0 : 1; /* a stop while waiting for the pool or node */
		return -1;
	}
	return 0;
}

static int run_mine(const struct options *cfg, struct topo *topo)
{
	struct calib calib;
	char err[512];
	struct device **devices = NULL;
	unsigned device_count = 0;
	struct job_board board;
	struct job_board **boards = NULL;
	struct stats stats;
	struct source *src = NULL;
	struct sched_run *sched = NULL;
	struct miner miner = { 0 };
	struct api_glue glue = { .board = &board, .miner = &miner, .diff_factor = cfg->diff_factor,
				 .is_auto = cfg->is_auto };
	int rc = 1;

	struct opencl_config oc = opencl_config_of(cfg);
	unsigned gpus[OPTIONS_MAX_DEVICES], gpu_count = 0;

	rc = pick_opencl_devices(cfg, gpus, &gpu_count);
	if (rc)
		return rc;
	rc = 1;
	if (calib_for(&calib, cfg))
		return 1;
	unsigned threads = cfg->no_cpu ? 0 : default_threads(cfg, topo);
	/* With the scheduler, each algorithm is calibrated when it is first asked for. */
	const struct algo_impl *impl = cfg->algo && threads ? calib_impl(&calib, cfg->algo, err,
									 sizeof(err))
							    : NULL;
	if ((cfg->algo && threads && !impl) ||
	    device_list_new(&devices, &device_count, threads, calib_impl_for, &calib, gpus,
			    gpu_count, &oc, err, sizeof(err))) {
		log_err("%s", err);
		calib_release(&calib);
		return 1;
	}
	job_board_init(&board);
	if (stats_init(&stats, device_count)) {
		job_board_release(&board);
		device_list_free(devices, device_count);
		calib_release(&calib);
		return 1;
	}
	stats.diff_factor = cfg->source == SOURCE_STRATUM && cfg->diff_factor ? cfg->diff_factor : 1;
	stats.is_json = cfg->is_json;
	if (impl)
		log_info("mining %s with the %s implementation on %u thread%s%s", cfg->algo->name,
			 impl->name, threads, threads == 1 ? "" : "s",
			 device_count > threads ? " and OpenCL" : "");
	else if (cfg->algo)
		log_info("mining %s on %u OpenCL device%s only", cfg->algo->name, device_count,
			 device_count == 1 ? "" : "s");
	else
		log_info("mining with the scheduler on %u thread%s%s", threads,
			 threads == 1 ? "" : "s", device_count > threads ? " and OpenCL" : "");
	placement_log(topo, threads, cfg->algo, impl, cfg->cpu_impl != NULL || !cfg->is_fit_l2);
	if (api_open(cfg, topo, &glue, "mining"))
		goto out;
	api_set_stats(glue.api, &stats, cfg->algo ? cfg->algo->name : "auto",
		      impl ? impl->name : device_count ? devices[0]->name : "");
	if (start_sources(cfg, &stats, &calib, devices, device_count, &board, &src, &sched,
			  &boards, &rc))
		goto out;
	glue.board_count = device_count;
	atomic_store(&glue.boards, boards);
	atomic_store(&glue.sched, sched);
	atomic_store(&glue.src, src);
	miner.algo = cfg->algo;
	miner.board = &board;
	miner.boards = boards;
	miner.stats = &stats;
	miner.source = sched ? sched_run_source(sched) : src;
	miner.topo = topo;
	miner.is_impl_exact = cfg->cpu_impl != NULL || !cfg->is_fit_l2;
	miner.devices = devices;
	miner.device_count = device_count;
	stats.mining_start_s = stats.last_report_s = stats_now();
	if (miner_start(&miner))
		goto out;

	double start = stats.mining_start_s;
	while (!stop_requested) {
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
		double now = stats_now();
		if (cfg->time_limit_s > 0 && now - start >= cfg->time_limit_s) {
			log_info("time limit of %g s reached", cfg->time_limit_s);
			break;
		}
		api_tick(glue.api);
		if (reopen_requested) {
			reopen_requested = 0;
			if (cfg->log_file && log_reopen_file())
				log_warn("--log-file %s: cannot reopen: %s", cfg->log_file,
					 strerror(errno));
		}
		if (status_requested ||
		    (cfg->status_interval_s && now - stats.last_report_s >= cfg->status_interval_s &&
		     !cfg->is_quiet)) {
			status_requested = 0;
			report_status(sched, &stats);
		}
	}
	miner_stop(&miner);
	rc = 0;
out:
	api_stop(glue.api);
	if (miner.workers)
		miner_stop(&miner);
	if (src)
		src->ops->free(src);
	sched_run_free(sched);
	free(boards);
	stats_summary(&stats);
	stats_release(&stats);
	job_board_release(&board);
	device_list_free(devices, device_count);
	calib_release(&calib);
	return rc;
}

int main(int argc, char **argv)
{
	struct options cfg;
	struct topo *topo = NULL;
	char err[512];
	int rc;

	if (options_parse(&cfg, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "quintminer: %s\n", err);
		fprintf(stderr, "Try 'quintminer --help' for more information.\n");
		options_release(&cfg);
		return EXIT_USAGE;
	}
	log_set_level(cfg.is_debug ? LOG_DEBUG : LOG_INFO);
	log_set_color(cfg.use_color && isatty(STDERR_FILENO) && !getenv("NO_COLOR"));
	for (unsigned i = 0; i < cfg.warning_count; i++)
		log_warn("%s", cfg.warnings[i]);
	if (cfg.log_file && log_open_file(cfg.log_file)) {
		fprintf(stderr, "quintminer: --log-file %s: %s\n", cfg.log_file, strerror(errno));
		options_release(&cfg);
		return EXIT_USAGE;
	}
	if (cfg.use_syslog)
		log_set_syslog("quintminer");
	install_signals();

	switch (cfg.mode) {
	case MODE_HELP:
		options_usage();
		rc = 0;
		break;
	case MODE_VERSION:
		printf("quintminer %s\n", QM_VERSION);
		rc = 0;
		break;
	case MODE_HASH:
		rc = run_hash(&cfg);
		break;
	case MODE_CPU_FEATURES:
		rc = run_cpu_features(&cfg);
		break;
	case MODE_OPENCL_LIST:
		rc = run_opencl_list();
		break;
	case MODE_BENCHMARK:
	case MODE_MINE:
	case MODE_PLAN:
		if (topo_new(&topo))
			log_warn("no CPU topology: threads will not be bound");
		if (topo && cfg.cpu_affinity && topo_restrict(topo, cfg.cpu_affinity, err, sizeof(err))) {
			fprintf(stderr, "quintminer: %s\n", err);
			topo_free(topo);
			rc = EXIT_USAGE;
			break;
		}
		if (topo)
			topo_set_priority(topo, cfg.cpu_priority);
		if (topo) {
			char desc[160];
			topo_describe(topo, desc, sizeof(desc));
			log_info("CPU: %s", desc);
		}
		rc = cfg.mode == MODE_BENCHMARK ? run_benchmark(&cfg, topo)
		     : cfg.mode == MODE_PLAN    ? run_plan(&cfg, topo)
						: run_mine(&cfg, topo);
		if (rc && stop_requested)
			rc = 0; /* a requested stop ends the run as asked, whatever it was doing */
		topo_free(topo);
		break;
	default:
		rc = 1;
	}
	log_close_file();
	options_release(&cfg);
	return rc;
}
