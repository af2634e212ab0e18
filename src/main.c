/* SPDX-License-Identifier: MIT */
/*
 * quintminer: options -> config -> the chosen mode. Owns the process state
 * (signal flag, log level) and is the only place that exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "algo.h"
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

#define STATUS_INTERVAL_S 10.0
#define EXIT_USAGE 2
#define PLAN_WAIT_S 20.0 /* --plan: how long to wait for the pools' first jobs */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
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

static int run_benchmark(const struct options *cfg, struct topo *topo)
{
	struct bench_result results[64];
	struct calib calib;
	struct opencl_config oc = opencl_config_of(cfg);
	unsigned gpus[OPTIONS_MAX_DEVICES], gpu_count, n = 0;
	int rc = pick_opencl_devices(cfg, gpus, &gpu_count);

	if (rc)
		return rc;
	if (calib_for(&calib, cfg))
		return 1;
	const struct bench_config bc = {
		.threads = cfg->no_cpu ? 0 : default_threads(cfg, topo),
		.seconds = cfg->time_limit_s,
		.topo = topo,
		.calib = &calib,
		.is_every_impl = cfg->cpu_impl && !strcmp(cfg->cpu_impl, "all"),
		.gpus = gpus,
		.gpu_count = gpu_count,
		.opencl = &oc,
		.stop = &stop_requested,
	};
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
	if (start_sources(cfg, &stats, &calib, devices, device_count, &board, &src, &sched,
			  &boards, &rc))
		goto out;
	miner.algo = cfg->algo;
	miner.board = &board;
	miner.boards = boards;
	miner.stats = &stats;
	miner.source = sched ? sched_run_source(sched) : src;
	miner.topo = topo;
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
		if (now - stats.last_report_s >= STATUS_INTERVAL_S && !cfg->is_quiet)
			report_status(sched, &stats);
	}
	miner_stop(&miner);
	rc = 0;
out:
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
	options_release(&cfg);
	return rc;
}
