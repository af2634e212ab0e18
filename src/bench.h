/* SPDX-License-Identifier: MIT */
#ifndef QM_BENCH_H
#define QM_BENCH_H

#include <signal.h>
#include <stdint.h>

#include "algo.h"

struct calib;
struct source;
struct source_env;
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
 * --benchmark: a work source with one fixed job (the algorithm's version
 * nibble, a share target nothing meets), mined by the same job board,
 * workers, devices, thread placement, range adaptation and statistics as
 * real work (src/miner.c), so it measures what mines. Rates are only
 * comparable within one run.
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
 * The benchmark source: start() publishes the fixed job of env->algo on
 * env->board; submit() drops shares (none is expected). Returns 0 and *out,
 * or -1 on out-of-memory.
 */
int bench_source_new(struct source **out, const struct source_env *env);

struct opencl_config;

struct bench_config {
	unsigned threads;             /* CPU workers */
	double seconds;               /* per row */
	struct topo *topo;            /* may be NULL: threads unbound */
	struct calib *calib;          /* the CPU implementation per algorithm */
	int is_every_impl;            /* --cpu-impl all: a row per impl the CPU has */
	int is_fit_l2;                /* --fit-l2: CPU devices narrow their impl to the L2 */
	/* Then a row per OpenCL device gpus[0..gpu_count) (from opencl_select). */
	const unsigned *gpus;
	unsigned gpu_count;
	const struct opencl_config *opencl; /* how their kernels are built and launched */
	const volatile sig_atomic_t *stop;
	const struct bench_observer *obs; /* may be NULL */
};

/*
 * Benchmarks a: the CPU workers together (one row, or one per
 * implementation), then each OpenCL device alone, each for cfg->seconds
 * after a short warm-up. Appends the rows to out[*count..max). An
 * implementation the CPU lacks and a device without a kernel for a are
 * skipped (logged). Returns 0, or -1 (logged) if a row could not be run.
 */
int bench_algo(const struct bench_config *cfg, const struct algo *a, struct bench_result *out,
	       unsigned max, unsigned *count);

/* Prints one result as a JSON object on one line to stdout. */
void bench_print_json(const struct bench_result *r);

#endif
