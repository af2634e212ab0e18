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

static void *bench_thread(void *varg)
{
	struct bench_arg *arg = varg;
	struct bench_shared *sh = arg->sh;
	const struct algo_params params = { .odo_interval = ODO_INTERVAL_MAINNET };
	uint8_t header[HEADER_LEN], target[HASH_LEN] = { 0 };
	uint32_t hits[8], nonce = 0;
	double range = 256;
	void *ctx = algo_ctx_new(sh->algo);

	if (sh->topo)
		topo_bind_worker(sh->topo, arg->index, sh->threads);
	if (!ctx)
		return NULL;
	/* A fixed header per thread: SHA-256 of a label, then the version nibble. */
	sha256("quintminer-benchmark-a", 22, header);
	sha256("quintminer-benchmark-b", 22, header + 32);
	memset(header + 64, 0, 16);
	le32_store(header, 0x20000002u | sh->algo->version_bits);
	le32_store(header + NTIME_OFFSET, 1764000000u);
	le32_store(header + NBITS_OFFSET, 0x1d00ffffu ^ arg->index);
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
	      struct bench_result *out)
{
	struct bench_shared sh = { .algo = a, .impl = impl, .topo = topo, .threads = threads };
	pthread_t *tids = calloc(threads, sizeof(*tids));
	struct bench_arg *args = calloc(threads, sizeof(*args));
	unsigned started = 0;
	int rc = -1;

	if (!tids || !args || stats_init(&sh.stats, threads))
		goto out;
	atomic_init(&sh.is_stopping, 0);
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
		out->impl = impl->name;
		out->threads = threads;
		out->hashes = stats_total_hashes(&sh.stats);
		out->seconds = stats_now() - start;
		out->hashrate = out->seconds > 0 ? (double)out->hashes / out->seconds : 0;
	}
out:
	if (sh.stats.threads)
		stats_release(&sh.stats);
	free(tids);
	free(args);
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
