/* SPDX-License-Identifier: MIT */
#ifndef QM_BENCH_H
#define QM_BENCH_H

#include <signal.h>
#include <stdint.h>

#include "algo.h"

struct stats;
struct topo;

/*
 * Who watches a benchmark (the API): on_run gets each run's counters when it
 * starts and NULL before they are freed; on_tick is called from the
 * benchmark's loop every few tens of milliseconds.
 */
struct bench_observer {
	void *ctx;
	void (*on_run)(void *ctx, struct stats *stats, const char *algo, const char *impl);
	void (*on_tick)(void *ctx);
};

/*
 * --benchmark: hashes a fixed header (the algorithm's version nibble, a
 * target nothing meets) on N threads for a time, printing a hash-rate line
 * every few seconds. Rates are only comparable within one run.
 */
struct bench_result {
	const char *algo;
	char impl[112];    /* "avx2", "opencl:<device name>" */
	unsigned threads;
	uint64_t hashes;
	double seconds;
	double hashrate;   /* H/s */
};

/*
 * Runs impl of a on threads threads for seconds (or until *stop is set).
 * topo may be NULL (threads unbound), obs too. Returns 0 and fills *out, or -1.
 */
int bench_run(const struct algo *a, const struct algo_impl *impl, unsigned threads,
	      double seconds, struct topo *topo, const volatile sig_atomic_t *stop,
	      const struct bench_observer *obs, struct bench_result *out);

/*
 * --opencl: runs a's kernel, built and launched as cfg says, on each of the
 * device_count OpenCL devices (indices from opencl_select), one after the
 * other, for seconds each (or until *stop), driven by one host thread.
 * Appends one result per device to out (at most max) and counts them in
 * *count. An algorithm without a kernel is skipped (logged, returns 0).
 * Returns -1 (logged) if a device fails.
 */
struct opencl_config;
int bench_opencl(const struct algo *a, const struct opencl_config *cfg, const unsigned *devices,
		 unsigned device_count, double seconds, const volatile sig_atomic_t *stop,
		 struct bench_result *out, unsigned max, unsigned *count);

/* Prints one result as a JSON object on one line to stdout. */
void bench_print_json(const struct bench_result *r);

#endif
