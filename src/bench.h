/* SPDX-License-Identifier: MIT */
#ifndef QM_BENCH_H
#define QM_BENCH_H

#include <signal.h>
#include <stdint.h>

#include "algo.h"

struct topo;

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
 * topo may be NULL (threads unbound). Returns 0 and fills *out, or -1.
 */
int bench_run(const struct algo *a, const struct algo_impl *impl, unsigned threads,
	      double seconds, struct topo *topo, const volatile sig_atomic_t *stop,
	      struct bench_result *out);

/*
 * --opencl: runs a's kernel on every OpenCL device, one after the other,
 * for seconds each (or until *stop), driven by one host thread. Appends one
 * result per device to out (at most max) and counts them in *count. An
 * algorithm without a kernel is skipped (logged, returns 0). Returns -1
 * (logged) if there is no device or a device fails.
 */
int bench_opencl(const struct algo *a, const char *kernel_dir, double seconds,
		 const volatile sig_atomic_t *stop, struct bench_result *out, unsigned max,
		 unsigned *count);

/* Prints one result as a JSON object on one line to stdout. */
void bench_print_json(const struct bench_result *r);

#endif
