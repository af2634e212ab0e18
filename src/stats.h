/* SPDX-License-Identifier: MIT */
#ifndef QM_STATS_H
#define QM_STATS_H

#include <stdatomic.h>
#include <stdint.h>

/*
 * Hash, share and block counters. Per-thread hash counters are cache-line
 * padded and written only by their worker; share counters are atomics that
 * sources update. Rates are computed by whoever prints them.
 */

struct stats_thread {
	_Alignas(64) atomic_uint_fast64_t hashes;
	char pad[64 - sizeof(atomic_uint_fast64_t)];
};

struct stats {
	unsigned thread_count;
	struct stats_thread *threads;
	atomic_uint accepted, rejected, stale, blocks;
	double start_s;                 /* monotonic seconds at init */
};

/* Returns 0, or -1 on out-of-memory. */
int stats_init(struct stats *s, unsigned thread_count);
void stats_release(struct stats *s);

/* Monotonic clock in seconds. */
double stats_now(void);

/* Adds n hashes to thread t's counter (relaxed; the worker is the only writer). */
static inline void stats_add_hashes(struct stats *s, unsigned t, uint64_t n)
{
	atomic_fetch_add_explicit(&s->threads[t].hashes, n, memory_order_relaxed);
}

uint64_t stats_total_hashes(struct stats *s);

/*
 * Records a share outcome and logs it as "accepted"/"rejected (reason)"
 * with running totals; is_stale counts it under stale as well.
 */
void stats_share_result(struct stats *s, int is_accepted, const char *reason);
void stats_share_stale(struct stats *s, const char *why);

/* Formats a hash rate with units ("12.34 kH/s") into buf. */
void stats_format_rate(double hps, char *buf, unsigned len);

#endif
