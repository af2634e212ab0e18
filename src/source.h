/* SPDX-License-Identifier: MIT */
#ifndef QM_SOURCE_H
#define QM_SOURCE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
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

/* What a source tells about one of its pools (the -o list), for the API. */
enum source_pool_state {
	SOURCE_POOL_IDLE,        /* not tried yet, or left (failover back, switch) */
	SOURCE_POOL_CONNECTING,  /* connecting, subscribing, authorizing */
	SOURCE_POOL_CONNECTED,   /* authorized: mining for it */
	SOURCE_POOL_FAILED,      /* the last attempt failed, or the pool refused us */
};

struct source_pool_info {
	enum source_pool_state state;
	int is_active;           /* the pool the source works for now */
	int is_preferred;        /* the pool it returns to while on another (failover, switch) */
	double latency_ms;       /* last request -> response round trip; < 0 unknown */
	unsigned accepted, rejected; /* answers from this pool */
};

struct source_ops {
	const char *name;
	/* Starts the source's thread(s). Returns 0 or negative (logged by the source). */
	int (*start)(struct source *src);
	/* Takes ownership of share; thread-safe and non-blocking. */
	void (*submit)(struct source *src, struct share *share);
	/* Stops threads, flushes what can be flushed, frees everything including src. */
	void (*free)(struct source *src);
	/*
	 * Optional (NULL: the source cannot say / cannot switch). Thread-safe,
	 * never blocking on the network: for the API's threads.
	 * pool_info: 0 and *out for pool index of the -o list, -1 if none.
	 * switch_pool: asks the source's thread to leave its pool for pool
	 * index (in-flight shares answered or resubmitted as on any reconnect),
	 * which stays preferred until it fails. 0 asked, -1 refused (reason in err).
	 */
	int (*pool_info)(struct source *src, unsigned index, struct source_pool_info *out);
	int (*switch_pool)(struct source *src, unsigned index, char *err, size_t err_len);
};

struct source {
	const struct source_ops *ops;
	struct source_env env;
	void *priv;
};

/* Constructors: return 0 and *out, or negative with the reason logged. */
int stratum_source_new(struct source **out, const struct source_env *env);
int gbt_source_new(struct source **out, const struct source_env *env);

static inline const char *source_pool_state_name(enum source_pool_state state)
{
	switch (state) {
	case SOURCE_POOL_CONNECTING:
		return "connecting";
	case SOURCE_POOL_CONNECTED:
		return "connected";
	case SOURCE_POOL_FAILED:
		return "failed";
	case SOURCE_POOL_IDLE:
		break;
	}
	return "idle";
}

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
