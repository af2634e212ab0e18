/* SPDX-License-Identifier: MIT */
#ifndef QM_SOURCE_H
#define QM_SOURCE_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>

#include "deadline.h"
#include "job_board.h"

struct options;
struct stats;

/*
 * The interface a work source implements (stratum, getblocktemplate).
 *
 * A source runs its own thread(s). It publishes jobs on env->board (and
 * clears the board when it has no valid work, e.g. while disconnected), and
 * takes verified shares through submit(), which workers call: submit must be
 * thread-safe and must not block on the network (queue the share to the
 * source's thread). It reports share outcomes to env->stats.
 */
struct source_env {
	const struct options *cfg;
	const struct algo *algo;
	struct job_board *board;
	struct stats *stats;
	/* Set by main on SIGINT/SIGTERM: a source waiting inside start() gives up. */
	const volatile sig_atomic_t *stop_requested;
};

struct source;

struct source_ops {
	const char *name;
	/* Starts the source's thread(s). Returns 0 or negative (logged by the source). */
	int (*start)(struct source *src);
	/* Takes ownership of share; thread-safe and non-blocking. */
	void (*submit)(struct source *src, struct share *share);
	/* Stops threads, flushes what can be flushed, frees everything including src. */
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	struct source_env env;
	void *priv;
};

/* Constructors: return 0 and *out, or negative with the reason logged. */
int stratum_source_new(struct source **out, const struct source_env *env);
int gbt_source_new(struct source **out, const struct source_env *env);

/* One step of the reconnect back-off: twice ms, at most max_ms. */
static inline uint64_t source_backoff_ms(uint64_t ms, uint64_t max_ms)
{
	return ms * 2 > max_ms ? max_ms : ms * 2;
}

/*
 * What a source does while it waits: blocks at most ms, handling what comes
 * in meanwhile (shares to submit), and returns nonzero when the source is
 * stopping.
 */
typedef int source_wait_fn(void *arg, unsigned ms);

/*
 * The stop-aware sleep of a source's thread: waits ms milliseconds through
 * wait(arg, ...) calls. Returns 1 if wait said stop before the time was up,
 * else 0.
 */
static inline int source_pause(uint64_t ms, source_wait_fn *wait, void *arg)
{
	uint64_t end = deadline_now_ms() + ms;

	for (;;) {
		uint64_t now = deadline_now_ms();

		if (now >= end)
			return 0;
		if (wait(arg, end - now > UINT_MAX ? UINT_MAX : (unsigned)(end - now)))
			return 1;
	}
}

#endif
