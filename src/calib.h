/* SPDX-License-Identifier: MIT */
#ifndef QM_CALIB_H
#define QM_CALIB_H

#include <pthread.h>
#include <stddef.h>

#include "algo.h"

/*
 * The CPU implementation of each algorithm, chosen by measurement on the
 * machine it runs on (issue 8 item 4). For an algorithm, every
 * implementation the CPU has is self-tested (algo_impl_check; a failure is
 * logged with the reason and the implementation left out), the passing ones
 * are timed briefly on one thread (a few short rounds, interleaved, best
 * round kept), and the fastest is chosen. The figures are cached in a small
 * JSON file keyed by the binary's build id, the CPU model and its features,
 * so later starts skip the timing; a forced implementation (--cpu-impl)
 * overrides the choice but not the figures.
 *
 * An algorithm is calibrated the first time it is asked for, under the
 * calibration's lock, so workers switching algorithms (issue 9) may ask from
 * any thread. Rates are H/s of one thread.
 */

enum calib_state {
	CALIB_USABLE,      /* passed its self-test; rate measured (or cached) */
	CALIB_NO_CPU,      /* the CPU lacks what it needs */
	CALIB_FAILED,      /* failed its self-test (why says how) */
};

struct calib_impl {
	const struct algo_impl *impl;
	enum calib_state state;
	const char *why;            /* static string; NULL when usable */
	double rate;                /* H/s on one thread; 0 unless usable */
};

struct calib_algo {
	const struct algo *algo;
	int is_done;
	int is_cached;              /* figures came from the cache file */
	const struct algo_impl *fastest; /* NULL: none usable */
	struct calib_impl *impls;   /* algo->n_impls of them, in table order */
};

struct calib_config {
	unsigned cpu_flags;         /* cpu_features() */
	const char *force;          /* --cpu-impl NAME, or NULL */
	const char *cache_path;     /* NULL: no cache (calibrate every start) */
	int is_recalibrate;         /* --recalibrate: ignore the cache, rewrite it */
	/* Seconds measured per implementation (0: CALIB_DEFAULT_S). */
	double measure_s;
	/* Monotonic seconds; NULL: the real clock. Tests pass their own. */
	double (*clock)(void);
	/* The algorithms (NULL: algo_table); tests pass their own table. */
	const struct algo *const *algos;
	unsigned algo_count;
};

#define CALIB_DEFAULT_S 0.06

struct calib {
	struct calib_config cfg;
	pthread_mutex_t lock;
	struct calib_algo *algos;   /* cfg.algo_count of them */
	char key[256];              /* build id, CPU model and features */
	char path[4096];            /* cfg.cache_path points here */
};

/*
 * The cache file's default path: $XDG_CACHE_HOME/quintminer/calibration.json,
 * else $HOME/.cache/quintminer/calibration.json, into buf. Returns 0, or -1
 * when neither variable is set (no cache).
 */
int calib_default_path(char *buf, size_t len);

/*
 * Sets c up for cfg (copied; the strings and tables it points to must
 * outlive c) and reads the cache file unless cfg->is_recalibrate. Nothing
 * is measured yet. Returns 0, or -1 on out-of-memory.
 */
int calib_init(struct calib *c, const struct calib_config *cfg);
void calib_release(struct calib *c);

/*
 * Calibrates a if it has not been (from the cache, or by self-test and
 * timing, then rewriting the cache) and returns its entry, or NULL if a is
 * not in c's table. Thread-safe; the entry does not change afterwards.
 */
const struct calib_algo *calib_get(struct calib *c, const struct algo *a);

/*
 * The implementation to mine a with: the forced one if cfg->force, else the
 * fastest that passed its self-test. NULL with err filled when there is
 * none. Thread-safe; fits device_cpu_impl_fn with c as opaque.
 */
const struct algo_impl *calib_impl(struct calib *c, const struct algo *a, char *err,
				   size_t err_len);

/* H/s of one CPU thread mining a with calib_impl's choice; 0 if none. Thread-safe. */
double calib_rate(struct calib *c, const struct algo *a);

#endif
