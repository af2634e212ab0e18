/* SPDX-License-Identifier: MIT */
#ifndef QM_SOURCE_H
#define QM_SOURCE_H

#include <signal.h>

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

#endif
