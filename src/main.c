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
#include "options.h"
#include "cpu.h"
#include "hex.h"
#include "job_board.h"
#include "log.h"
#include "miner.h"
#include "opencl.h"
#include "source.h"
#include "stats.h"
#include "topo.h"
#include "work.h"

#define EXIT_USAGE 2

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

static int run_cpu_features(const struct options *cfg)
{
	unsigned flags = cpu_features();
	char names[256];

	cpu_features_str(flags, names, sizeof(names));
	printf("CPU features: %s\n", names[0] ? names : "(none)");
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		const char *why;
		const struct algo_impl *impl = algo_select(a, flags, cfg->cpu_impl, &why);
		printf("%-9s %-9s (built:", a->name, impl ? impl->name : "none");
		for (unsigned k = 0; k < a->n_impls; k++)
			printf(" %s", a->impls[k].name);
		printf(")%s%s\n", impl ? "" : " - ", impl ? "" : why);
	}
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
	double diff_factor;           /* pool difficulty units per work_target_to_diff unit */
	struct job_board *board;      /* mining only */
	struct miner *miner;          /* mining only */
	struct api *api;
};

static int glue_pause(void *ctx, int is_paused)
{
	struct api_glue *g = ctx;

	if (!g->board)
		return -1;
	job_board_pause(g->board, is_paused);
	return 0;
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
 * Without a report from the source: the first pool is the one in use, up
 * while it gives work; the current job's targets give the share and the
 * network difficulty.
 */
static int glue_pool(void *ctx, unsigned index, struct api_pool_info *out)
{
	struct api_glue *g = ctx;
	uint64_t generation;
	struct job *job = g->board && index == 0 ? job_board_get(g->board, &generation) : NULL;

	out->is_active = index == 0;
	snprintf(out->state, sizeof(out->state), "%s",
		 index ? "idle" : job ? "connected" : g->board && job_board_is_paused(g->board) ? "paused"
										: "connecting");
	out->latency_ms = -1;
	if (job) {
		out->difficulty = work_target_to_diff(job->share_target) * g->diff_factor;
		out->net_difficulty = work_target_to_diff(job->block_target);
	}
	job_unref(job);
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
	}
	if (api_start(&glue->api, cfg, &hooks, topo, mode, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

/* Logs where each worker runs (topo.h) and keeps the plan for binding. */
static void placement_log(struct topo *topo, unsigned threads)
{
	if (!topo || topo_plan(topo, threads))
		return;
	for (unsigned i = 0; i < threads; i++) {
		char where[160];
		topo_place_describe(topo_place(topo, i), where, sizeof(where));
		log_info("worker %u -> %s", i, where);
	}
}

static int run_benchmark(const struct options *cfg, struct topo *topo)
{
	struct api_glue glue = { 0 };
	struct bench_result results[64];
	unsigned n = 0, flags = cpu_features();
	unsigned threads = default_threads(cfg, topo);
	double seconds = cfg->time_limit_s;
	int is_every_impl = cfg->cpu_impl && !strcmp(cfg->cpu_impl, "all");
	struct opencl_config oc = opencl_config_of(cfg);
	unsigned devices[OPTIONS_MAX_DEVICES], device_count;
	int rc = pick_opencl_devices(cfg, devices, &device_count);

	if (rc)
		return rc;
	placement_log(topo, threads);
	if (api_open(cfg, topo, &glue, "benchmark"))
		return 1;
	struct bench_observer obs = { .ctx = glue.api, .on_run = bench_on_run,
				      .on_tick = bench_on_tick };
	for (unsigned i = 0; i < algo_count && !stop_requested; i++) {
		const struct algo *a = algo_table[i];
		if (!cfg->is_all_algos && a != cfg->algo)
			continue;
		for (unsigned k = 0; k < a->n_impls && !stop_requested && !cfg->no_cpu; k++) {
			const char *why, *want = is_every_impl ? a->impls[k].name : cfg->cpu_impl;
			if (!is_every_impl && k > 0)
				break;
			const struct algo_impl *impl = algo_select(a, flags, want, &why);
			if (!impl) {
				if (is_every_impl) {
					log_info("%s/%s: skipped (%s)", a->name, a->impls[k].name, why);
					continue;
				}
				log_err("%s: %s%s%s", a->name, cfg->cpu_impl ? cfg->cpu_impl : "",
					cfg->cpu_impl ? ": " : "", why);
				rc = 1;
				break;
			}
			log_info("benchmark %s with the %s implementation on %u thread%s for %g s",
				 a->name, impl->name, threads, threads == 1 ? "" : "s", seconds);
			if (n >= sizeof(results) / sizeof(results[0]) ||
			    bench_run(a, impl, threads, seconds, topo, &stop_requested,
				      glue.api ? &obs : NULL, &results[n])) {
				rc = 1;
				break;
			}
			n++;
		}
		unsigned added = 0;
		if (device_count && !stop_requested &&
		    bench_opencl(a, &oc, devices, device_count, seconds, &stop_requested,
				 results + n, sizeof(results) / sizeof(results[0]) - n, &added))
			rc = 1;
		n += added;
	}
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

static int run_mine(const struct options *cfg, struct topo *topo)
{
	const char *why;
	const struct algo_impl *impl = algo_select(cfg->algo, cpu_features(), cfg->cpu_impl, &why);
	struct job_board board;
	struct stats stats;
	struct source *src = NULL;
	struct miner miner = { 0 };
	struct api_glue glue = {
		.board = &board, .miner = &miner,
		.diff_factor = cfg->diff_factor > 0 ? cfg->diff_factor : cfg->algo->share_scale,
	};
	int rc = 1;

	struct opencl_config oc = opencl_config_of(cfg);
	unsigned devices[OPTIONS_MAX_DEVICES], gpus = 0;

	if (!impl && !cfg->no_cpu) {
		log_err("%s: %s", cfg->algo->name, why);
		return 1;
	}
	unsigned threads = cfg->no_cpu ? 0 : default_threads(cfg, topo);
	rc = pick_opencl_devices(cfg, devices, &gpus);
	if (rc)
		return rc;
	rc = 1;
	job_board_init(&board);
	if (stats_init(&stats, threads + gpus)) {
		job_board_release(&board);
		return 1;
	}
	stats.diff_factor = cfg->source == SOURCE_STRATUM ? cfg->diff_factor : 1;
	stats.is_json = cfg->is_json;
	struct source_env env = { .cfg = cfg, .algo = cfg->algo, .board = &board, .stats = &stats,
				  .stop_requested = &stop_requested };
	if (cfg->source == SOURCE_STRATUM ? stratum_source_new(&src, &env)
					       : gbt_source_new(&src, &env)) {
		stats_release(&stats);
		job_board_release(&board);
		return 1;
	}
	if (threads)
		log_info("mining %s with the %s implementation on %u thread%s%s", cfg->algo->name,
			 impl->name, threads, threads == 1 ? "" : "s", gpus ? " and OpenCL" : "");
	else
		log_info("mining %s on %u OpenCL device%s only", cfg->algo->name, gpus,
			 gpus == 1 ? "" : "s");
	placement_log(topo, threads);
	if (api_open(cfg, topo, &glue, "mining"))
		goto out;
	api_set_stats(glue.api, &stats, cfg->algo->name, impl->name);
	if (src->ops->start(src)) {
		rc = stop_requested ? 0 : 1; /* a stop while waiting for the pool or node */
		goto out;
	}
	miner.algo = cfg->algo;
	miner.impl = impl;
	miner.board = &board;
	miner.stats = &stats;
	miner.source = src;
	miner.topo = topo;
	miner.thread_count = threads;
	miner.gpu_count = gpus;
	miner.gpu_devices = devices;
	miner.opencl = &oc;
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
			stats_report(&stats);
		}
	}
	miner_stop(&miner);
	rc = 0;
out:
	api_stop(glue.api);
	if (src)
		src->ops->free(src);
	if (miner.threads)
		miner_stop(&miner);
	stats_summary(&stats);
	stats_release(&stats);
	job_board_release(&board);
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
		rc = cfg.mode == MODE_BENCHMARK ? run_benchmark(&cfg, topo) : run_mine(&cfg, topo);
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
