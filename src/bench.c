/* SPDX-License-Identifier: MIT */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calib.h"
#include "device.h"
#include "log.h"
#include "miner.h"
#include "sha256.h"
#include "source.h"
#include "stats.h"
#include "work.h"

#define BENCH_REPORT_S 3.0
/* Longest wait for every worker's first range (OpenCL set-up is done before). */
#define BENCH_WARMUP_MAX_S 5.0
#define BENCH_POLL_MS 50

/* --- the source ---------------------------------------------------------- */

/* The fixed job: SHA-256 of labels for the hashes, the algorithm's version nibble. */
static struct job *bench_job(const struct algo *a, const struct algo_params *params)
{
	static const uint8_t coinb1[] = "quintminer-benchmark-coinb1";
	static const uint8_t coinb2[] = "quintminer-benchmark-coinb2";
	struct job *job = job_new();

	if (!job || job_set_coinbase(job, coinb1, sizeof(coinb1) - 1, coinb2, sizeof(coinb2) - 1)) {
		job_unref(job);
		return NULL;
	}
	snprintf(job->id, sizeof(job->id), "benchmark");
	job->algo = a;
	job->params = *params;
	job->version = 0x20000002u | a->version_bits;
	job->nbits = 0x1d00ffffu;
	job->ntime = job->ntime_max = 1764000000u;
	sha256("quintminer-benchmark-prev", 25, job->prevhash);
	job->extranonce1_len = 4;
	job->extranonce2_len = 8; /* every worker its own header, never exhausted */
	memset(job->share_target, 0, HASH_LEN); /* only a zero hash meets it */
	bits_to_target(job->nbits, job->block_target);
	job->diff = work_target_to_diff(job->share_target);
	return job;
}

static int bench_source_start(struct source *src)
{
	const struct algo_params mainnet = { .network = ALGO_NETWORK_MAINNET };
	struct job *job = bench_job(src->env.algo, &mainnet);

	if (!job) {
		log_err("benchmark: out of memory for the job");
		return -1;
	}
	job_board_publish(src->env.board, job);
	return 0;
}

static void bench_source_submit(struct source *src, struct share *share)
{
	(void)src;
	log_info("benchmark: nonce %08x meets the zero target", share->nonce);
	share_free(share);
}

static void bench_source_free(struct source *src)
{
	free(src);
}

static const struct source_ops bench_source_ops = {
	.name = "benchmark",
	.start = bench_source_start,
	.submit = bench_source_submit,
	.free = bench_source_free,
};

int bench_source_new(struct source **out, const struct source_env *env)
{
	struct source *src = calloc(1, sizeof(*src));

	*out = NULL;
	if (!src)
		return -1;
	src->ops = &bench_source_ops;
	src->env = *env;
	*out = src;
	return 0;
}

/* --- one run: the source, the board, the miner ---------------------------- */

static void bench_sleep_ms(unsigned ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

static int bench_stopped(const struct bench_config *cfg)
{
	return cfg->stop && *cfg->stop;
}

/*
 * Mines the benchmark job of a on devices (all CPU, or one other) for
 * cfg->seconds after the warm-up and fills one row. Returns 0, or -1
 * (logged).
 */
static int bench_run(const struct bench_config *cfg, const struct algo *a,
		     struct device **devices, unsigned count, struct bench_result *out)
{
	struct job_board board;
	struct stats stats;
	struct source *src = NULL;
	struct miner miner = { 0 };
	int rc = -1, is_observed = 0;

	job_board_init(&board);
	if (stats_init(&stats, count)) {
		job_board_release(&board);
		return -1;
	}
	const struct source_env env = { .algo = a, .board = &board, .stats = &stats,
					.stop_requested = cfg->stop };
	if (bench_source_new(&src, &env) || src->ops->start(src))
		goto out;
	miner.algo = a;
	miner.board = &board;
	miner.stats = &stats;
	miner.source = src;
	miner.topo = devices[0]->kind == DEVICE_CPU ? cfg->topo : NULL;
	/* --cpu-impl NAME or all: the rows show exactly those impls, not narrower ones. */
	miner.is_impl_exact = cfg->is_every_impl || cfg->calib->cfg.force || !cfg->is_fit_l2;
	miner.devices = devices;
	miner.device_count = count;
	if (miner_start(&miner))
		goto out;
	if (cfg->obs && cfg->obs->on_run) {
		cfg->obs->on_run(cfg->obs->ctx, &stats, a->name, devices[0]->name);
		is_observed = 1;
	}

	/*
	 * Warm-up: until every worker has counted a range (bounded: a device
	 * that failed its set-up never does), so set-up is not timed.
	 */
	double start = stats_now();
	for (;;) {
		unsigned ready = 0;
		for (unsigned i = 0; i < count; i++)
			ready += atomic_load(&stats.threads[i].hashes) > 0;
		if (ready == count || bench_stopped(cfg) || stats_now() - start > BENCH_WARMUP_MAX_S)
			break;
		bench_sleep_ms(5);
	}
	uint64_t hashes0 = stats_total_hashes(&stats);
	double t0 = stats_now(), next_report = t0 + BENCH_REPORT_S, now = t0;
	while (!bench_stopped(cfg) && now - t0 < cfg->seconds) {
		double left_ms = (cfg->seconds - (now - t0)) * 1000.0;
		bench_sleep_ms(left_ms < BENCH_POLL_MS ? (unsigned)left_ms + 1 : BENCH_POLL_MS);
		now = stats_now();
		if (cfg->obs && cfg->obs->on_tick)
			cfg->obs->on_tick(cfg->obs->ctx);
		if (now >= next_report) {
			char rate[32];
			stats_format_rate((double)(stats_total_hashes(&stats) - hashes0) / (now - t0), rate,
					  sizeof(rate));
			log_info("%s: %u worker%s, %s", a->name, count, count == 1 ? "" : "s", rate);
			next_report += BENCH_REPORT_S;
		}
	}
	miner_stop(&miner);
	/* The workers are joined: the devices can be read. */
	unsigned threads = 0;
	for (unsigned i = 0; i < count; i++)
		threads += devices[i]->algo == a;
	if (!threads) {
		log_err("%s: no device passed its self-test", a->name);
		goto out;
	}
	out->algo = a->name;
	snprintf(out->impl, sizeof(out->impl), "%s", devices[0]->name);
	out->threads = threads;
	out->hashes = stats_total_hashes(&stats) - hashes0;
	out->seconds = stats_now() - t0;
	out->hashrate = out->seconds > 0 ? (double)out->hashes / out->seconds : 0;
	rc = 0;
out:
	if (miner.workers)
		miner_stop(&miner);
	if (src)
		src->ops->free(src);
	if (is_observed)
		cfg->obs->on_run(cfg->obs->ctx, NULL, a->name, devices[0]->name);
	stats_release(&stats);
	job_board_release(&board);
	return rc;
}

/* --- the rows of one algorithm ------------------------------------------- */

/* device_cpu_impl_fn for one forced implementation (--cpu-impl all). */
static const struct algo_impl *bench_fixed_impl(void *opaque, const struct algo *a, char *err,
						size_t err_len)
{
	(void)a;
	(void)err;
	(void)err_len;
	return opaque;
}

static const struct algo_impl *bench_calib_impl(void *opaque, const struct algo *a, char *err,
						size_t err_len)
{
	return calib_impl(opaque, a, err, err_len);
}

/* One row of cfg->threads CPU workers with impl (NULL: the calibration's choice). */
static int bench_cpu(const struct bench_config *cfg, const struct algo *a,
		     const struct algo_impl *impl, struct bench_result *out)
{
	struct device **devices = NULL;
	unsigned count = 0;
	char err[256];
	int rc;

	if (impl) {
		rc = device_list_new(&devices, &count, cfg->threads, bench_fixed_impl,
				     (void *)impl, NULL, 0, NULL, err, sizeof(err));
	} else {
		impl = calib_impl(cfg->calib, a, err, sizeof(err));
		rc = impl ? device_list_new(&devices, &count, cfg->threads, bench_calib_impl,
					    cfg->calib, NULL, 0, NULL, err, sizeof(err))
			  : -1;
	}
	if (rc) {
		log_err("%s", err);
		return -1;
	}
	log_info("benchmark %s with the %s implementation on %u thread%s for %g s", a->name,
		 impl->name, cfg->threads, cfg->threads == 1 ? "" : "s", cfg->seconds);
	rc = bench_run(cfg, a, devices, count, out);
	device_list_free(devices, count);
	return rc;
}

/* A row per OpenCL device, one device at a time. */
static int bench_opencl(const struct bench_config *cfg, const struct algo *a,
			struct bench_result *out, unsigned max, unsigned *count)
{
	char err[DEVICE_ERR_LEN];
	int rc = 0;

	for (unsigned i = 0; i < cfg->gpu_count && *count < max && !bench_stopped(cfg); i++) {
		unsigned g = cfg->gpus[i];
		struct device *d = NULL;
		if (device_opencl_new(&d, g, cfg->opencl, err, sizeof(err))) {
			log_err("OpenCL device %u: %s", g, err);
			rc = -1;
			continue;
		}
		int set = device_set_algo(d, a);
		if (set == DEVICE_ERR_UNSUPPORTED) {
			log_info("%s; OpenCL skipped", d->err);
			device_free(d);
			return 0;
		}
		if (set) {
			log_err("OpenCL device %u (%s): %s", g, d->name, d->err);
			rc = -1;
		} else {
			log_info("benchmark %s on %s (self-test passed, %u nonces per launch to "
				 "start) for %g s", a->name, d->name, atomic_load(&d->batch),
				 cfg->seconds);
			if (bench_run(cfg, a, &d, 1, &out[*count])) {
				rc = -1;
			} else {
				log_info("%s on %s: %u nonces per launch after tuning", a->name,
					 d->name, atomic_load(&d->batch));
				(*count)++;
			}
		}
		device_free(d);
	}
	return rc;
}

int bench_algo(const struct bench_config *cfg, const struct algo *a, struct bench_result *out,
	       unsigned max, unsigned *count)
{
	unsigned flags = cfg->calib->cfg.cpu_flags;

	/* --no-cpu: no CPU worker, the OpenCL rows alone. */
	for (unsigned k = 0; cfg->threads && k < a->n_impls && *count < max && !bench_stopped(cfg);
	     k++) {
		const struct algo_impl *impl = cfg->is_every_impl ? &a->impls[k] : NULL;
		const char *why;
		if (!cfg->is_every_impl && k > 0)
			break;
		if (impl && algo_impl_check(a, impl, flags, &why)) {
			log_info("%s/%s: skipped (%s)", a->name, impl->name, why);
			continue;
		}
		if (bench_cpu(cfg, a, impl, &out[*count]))
			return -1;
		(*count)++;
	}
	if (cfg->gpu_count && !bench_stopped(cfg) && *count < max)
		return bench_opencl(cfg, a, out, max, count);
	return 0;
}

void bench_print_json(const struct bench_result *r)
{
	printf("{\"algo\":\"%s\",\"impl\":\"%s\",\"threads\":%u,\"hashes\":%llu,"
	       "\"seconds\":%.3f,\"hashrate\":%.1f}\n",
	       r->algo, r->impl, r->threads, (unsigned long long)r->hashes, r->seconds,
	       r->hashrate);
	fflush(stdout);
}
