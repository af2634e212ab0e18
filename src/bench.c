/* SPDX-License-Identifier: MIT */
#include "bench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "endian.h"
#include "log.h"
#include "opencl.h"
#include "sha256.h"
#include "stats.h"
#include "topo.h"

#define BENCH_REPORT_S 3.0

struct bench_shared {
	const struct algo *algo;
	const struct algo_impl *impl;
	struct topo *topo;
	unsigned threads;
	atomic_int is_stopping;
	struct stats stats;
};

struct bench_arg {
	struct bench_shared *sh;
	unsigned index;
};

/* The fixed header of thread index: SHA-256 of a label, then the version nibble. */
static void bench_header(const struct algo *a, unsigned index, uint8_t header[HEADER_LEN])
{
	sha256("quintminer-benchmark-a", 22, header);
	sha256("quintminer-benchmark-b", 22, header + 32);
	memset(header + 64, 0, 16);
	le32_store(header, 0x20000002u | a->version_bits);
	le32_store(header + NTIME_OFFSET, 1764000000u);
	le32_store(header + NBITS_OFFSET, 0x1d00ffffu ^ index);
}

static void *bench_thread(void *varg)
{
	struct bench_arg *arg = varg;
	struct bench_shared *sh = arg->sh;
	const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };
	uint8_t header[HEADER_LEN], target[HASH_LEN] = { 0 };
	uint32_t hits[8], nonce = 0;
	double range = 256;
	void *ctx;

	/* Bound first, so the context's pages are first touched on the worker's NUMA node. */
	if (sh->topo)
		topo_bind_worker(sh->topo, arg->index, sh->threads);
	ctx = algo_ctx_new(sh->algo);
	if (!ctx)
		return NULL;
	bench_header(sh->algo, arg->index, header);
	if (sh->algo->prepare(ctx, &params, header))
		goto out;
	while (!atomic_load_explicit(&sh->is_stopping, memory_order_relaxed)) {
		uint32_t span = (uint32_t)range;
		double t0 = stats_now();
		sh->impl->scan(ctx, target, nonce, nonce + span - 1, hits, 8);
		double dt = stats_now() - t0;
		stats_add_hashes(&sh->stats, arg->index, span);
		nonce += span;
		if (dt > 0) {
			range = 0.5 * range + 0.5 * span * 0.05 / dt;
			if (range < 16)
				range = 16;
			if (range > 1 << 24)
				range = 1 << 24;
		}
	}
out:
	algo_ctx_free(ctx);
	return NULL;
}

int bench_run(const struct algo *a, const struct algo_impl *impl, unsigned threads,
	      double seconds, struct topo *topo, const volatile sig_atomic_t *stop,
	      const struct bench_observer *obs, struct bench_result *out)
{
	struct bench_shared sh = { .algo = a, .impl = impl, .topo = topo, .threads = threads };
	pthread_t *tids = calloc(threads, sizeof(*tids));
	struct bench_arg *args = calloc(threads, sizeof(*args));
	unsigned started = 0;
	int rc = -1;

	if (!tids || !args || stats_init(&sh.stats, threads))
		goto out;
	atomic_init(&sh.is_stopping, 0);
	if (obs && obs->on_run)
		obs->on_run(obs->ctx, &sh.stats, a->name, impl->name);
	double start = stats_now(), next_report = start + BENCH_REPORT_S;
	for (; started < threads; started++) {
		args[started].sh = &sh;
		args[started].index = started;
		if (pthread_create(&tids[started], NULL, bench_thread, &args[started])) {
			log_err("benchmark: cannot start thread %u", started);
			goto stop;
		}
	}
	rc = 0;
	for (;;) {
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
		double now = stats_now();
		if ((stop && *stop) || now - start >= seconds)
			break;
		if (obs && obs->on_tick)
			obs->on_tick(obs->ctx);
		if (now >= next_report) {
			char rate[32];
			stats_format_rate((double)stats_total_hashes(&sh.stats) / (now - start), rate,
					  sizeof(rate));
			log_info("%s/%s: %u thread%s, %s", a->name, impl->name, threads,
				 threads == 1 ? "" : "s", rate);
			next_report += BENCH_REPORT_S;
		}
	}
stop:
	atomic_store(&sh.is_stopping, 1);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (!rc) {
		out->algo = a->name;
		snprintf(out->impl, sizeof(out->impl), "%s", impl->name);
		out->threads = threads;
		out->hashes = stats_total_hashes(&sh.stats);
		out->seconds = stats_now() - start;
		out->hashrate = out->seconds > 0 ? (double)out->hashes / out->seconds : 0;
	}
out:
	if (obs && obs->on_run && sh.stats.threads)
		obs->on_run(obs->ctx, NULL, a->name, impl->name);
	if (sh.stats.threads)
		stats_release(&sh.stats);
	free(tids);
	free(args);
	return rc;
}

/* --- OpenCL devices ------------------------------------------------------ */

/* One device: scans ranges of the fixed header, sized to ~50 ms, with a target nothing meets. */
static int bench_device(const struct algo *a, struct opencl_scanner *s, double seconds,
			const volatile sig_atomic_t *stop, struct bench_result *out)
{
	const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };
	uint8_t header[HEADER_LEN], target[HASH_LEN] = { 0 };
	uint32_t hits[8], nonce = 0;
	uint64_t hashes = 0;
	double batch = 2.0 * opencl_scanner_batch(s), range = batch;
	unsigned n;

	bench_header(a, 0, header);
	if (opencl_scanner_prepare(s, &params, header)) {
		log_err("%s: %s", opencl_scanner_name(s), opencl_scanner_error(s));
		return -1;
	}
	double start = stats_now(), next_report = start + BENCH_REPORT_S, now = start;
	while (!(stop && *stop) && now - start < seconds) {
		uint32_t span = (uint32_t)range;
		if (opencl_scanner_scan(s, target, nonce, nonce + span - 1, hits, 8, &n)) {
			log_err("%s: %s", opencl_scanner_name(s), opencl_scanner_error(s));
			return -1;
		}
		double dt = stats_now() - now;
		now += dt;
		hashes += span;
		nonce += span;
		/* Two launches per call at least, so both are in flight (the batch self-tunes). */
		batch = 2.0 * opencl_scanner_batch(s);
		if (dt > 0) {
			range = 0.5 * range + 0.5 * span * 0.05 / dt;
			range = range < batch ? batch : range > (1 << 30) ? (1 << 30) : range;
		}
		if (now >= next_report) {
			char rate[32];
			stats_format_rate((double)hashes / (now - start), rate, sizeof(rate));
			log_info("%s/%s: %s", a->name, opencl_scanner_name(s), rate);
			next_report += BENCH_REPORT_S;
		}
	}
	out->algo = a->name;
	snprintf(out->impl, sizeof(out->impl), "%s", opencl_scanner_name(s));
	out->threads = 1;
	out->hashes = hashes;
	out->seconds = now - start;
	out->hashrate = out->seconds > 0 ? (double)hashes / out->seconds : 0;
	return 0;
}

int bench_opencl(const struct algo *a, const struct opencl_config *cfg, const unsigned *devices,
		 unsigned device_count, double seconds, const volatile sig_atomic_t *stop,
		 struct bench_result *out, unsigned max, unsigned *count)
{
	char err[4096];
	int rc = 0;

	*count = 0;
	for (unsigned i = 0; i < device_count && *count < max && !(stop && *stop); i++) {
		struct opencl_scanner *s = NULL;
		unsigned d = devices[i];
		int built = opencl_scanner_new_with(&s, d, a, cfg, err, sizeof(err));
		if (built == OPENCL_ERR_NO_KERNEL) {
			log_info("%s; OpenCL skipped", err);
			return 0;
		}
		if (built) {
			log_err("OpenCL device %u: %s", d, err);
			rc = -1;
			continue;
		}
		log_info("benchmark %s on OpenCL device %u, %s (%u nonces per launch to start) for "
			 "%.0f s", a->name, d, opencl_scanner_name(s), opencl_scanner_batch(s), seconds);
		if (bench_device(a, s, seconds, stop, &out[*count])) {
			rc = -1;
		} else {
			log_info("%s on %s: %u nonces per launch after tuning", a->name,
				 opencl_scanner_name(s), opencl_scanner_batch(s));
			(*count)++;
		}
		opencl_scanner_free(s);
	}
	return rc;
}

void bench_print_json(const struct bench_result *r)
{
	printf("{\"algo\":\"%s\",\"impl\":\"%s\",\"threads\":%u,\"hashes\":%llu,"
	       "\"seconds\":%.3f,\"hashrate\":%.1f}\n",
	       r->algo, r->impl, r->threads, (unsigned long long)r->hashes, r->seconds,
	       r->hashrate);
	fflush(stdout);
}
