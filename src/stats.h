/* SPDX-License-Identifier: MIT */
#ifndef QM_STATS_H
#define QM_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct share;

/*
 * Hash, share and block counters, and what a miner's user reads from them:
 * one line per share result, the periodic hash-rate line, the exit summary.
 * Per-thread hash counters are cache-line padded and written only by their
 * worker; share counters are atomics that sources update. Every rate is
 * hashes actually done over the time actually taken.
 *
 * With is_json, share results and the summary also go to standard output as
 * one JSON object per line (the summary last); the log stays on stderr.
 */

struct stats_thread {
	_Alignas(64) atomic_uint_fast64_t hashes;
	atomic_uint hw_errors;  /* hits the portable re-check rejected */
	char pad[64 - sizeof(atomic_uint_fast64_t) - sizeof(atomic_uint)];
};

/* Rejected and stale shares counted by the reason the pool or node gave. */
#define STATS_REASONS_MAX 16
#define STATS_REASON_LEN 48
struct stats_reason {
	int is_stale;                   /* 1: stale, 0: rejected */
	char text[STATS_REASON_LEN];    /* as given, cut to length; "other" once the table is full */
	unsigned count;
};

struct stats {
	unsigned thread_count;
	struct stats_thread *threads;
	atomic_uint accepted, rejected, stale;
	atomic_uint found;              /* verified shares handed to the source (each ends up
					 * accepted, rejected or stale) */
	atomic_uint block_candidates;   /* shares that met the block target when found */
	atomic_uint blocks;             /* blocks the pool or node accepted */
	double start_s;                 /* monotonic seconds at init: uptime */
	double mining_start_s;          /* when the workers started (0: not yet): average rate */
	double diff_factor;             /* pool difficulty factor (share difficulty in logs) */
	int is_json;                    /* share results and summary as JSON on stdout */
	/* The periodic line: the state of the last one (main's thread only). */
	double last_report_s;
	uint64_t last_report_hashes;
	uint64_t *last_thread_hashes;
	pthread_mutex_t reasons_lock;   /* a leaf lock; shares are rare, never the hot path */
	unsigned reason_count;
	struct stats_reason reasons[STATS_REASONS_MAX];
};

/*
 * Returns 0, or -1 on out-of-memory. diff_factor starts at 1 and is_json at
 * 0: the caller sets them before the workers start.
 */
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

/* Counts a hardware error of thread t; returns its count so far. */
static inline unsigned stats_add_hw_error(struct stats *s, unsigned t)
{
	return atomic_fetch_add_explicit(&s->threads[t].hw_errors, 1, memory_order_relaxed) + 1;
}

/*
 * Records the pool's or node's answer on a share and logs it on one line:
 *   accepted 12/13 (92.3%)  diff 0.02 (share 0.0871)  job a1  38 ms
 *   rejected (23: Low difficulty share)  accepted 12/14 (85.7%)  diff 0.02 ...
 * green or red on a terminal; a share that is a block also says "block
 * accepted". share may be NULL (nothing but the outcome is known);
 * answer_ms < 0: unknown. Thread-safe.
 */
void stats_share_result(struct stats *s, const struct share *share, int is_accepted,
			const char *reason, double answer_ms);

/* A share the pool will not see (its job is gone, the queue is full). Thread-safe. */
void stats_share_stale(struct stats *s, const char *why);

/* A share that meets the block target, when it is found: "block candidate". Thread-safe. */
void stats_block_candidate(struct stats *s, const struct share *share);

/*
 * The periodic line (hash rate overall and per thread since the last one,
 * share totals). Main's thread only.
 */
void stats_report(struct stats *s);

/* The exit summary: uptime, average hash rate, shares by outcome, blocks. */
void stats_summary(struct stats *s);

/* Copies up to max reason counters into out; returns how many. Thread-safe. */
unsigned stats_reasons(struct stats *s, struct stats_reason *out, unsigned max);

/* Formats a hash rate with units ("12.34 kH/s") into buf. */
void stats_format_rate(double hps, char *buf, unsigned len);

#endif
