/* SPDX-License-Identifier: MIT */
#ifndef QM_JOB_BOARD_H
#define QM_JOB_BOARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "work.h"

/*
 * The job board: where a source publishes its current job and workers pick
 * it up. A generation counter (C11 atomic) tells workers cheaply that work
 * changed; they call job_board_get only then. Lock order: board->lock is a
 * leaf lock (nothing else is taken while holding it).
 *
 * Every function is thread-safe except init and release, which the owner
 * (main) calls before the first and after the last user.
 */
struct job_board {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *current;          /* NULL: no valid work (workers idle) */
	atomic_uint_fast64_t generation;
	int is_stopping;
	int is_paused;                /* job_board_pause: workers see no job */
};

void job_board_init(struct job_board *b);
void job_board_release(struct job_board *b);
/* Publishes job (takes over the caller's reference); NULL clears the board. */
void job_board_publish(struct job_board *b, struct job *job);
/* Returns a new reference to the current job (or NULL) and its generation. */
struct job *job_board_get(struct job_board *b, uint64_t *generation);
/* Blocks until the generation differs from seen, the board stops, or timeout_ms passes. */
void job_board_wait(struct job_board *b, uint64_t seen, unsigned timeout_ms);
/*
 * Pauses (is_paused 1) or resumes mining: while paused job_board_get returns
 * NULL, so workers finish their current range and wait; sources keep
 * publishing, and resuming hands out the newest job.
 */
void job_board_pause(struct job_board *b, int is_paused);
int job_board_is_paused(struct job_board *b);
/* Wakes every waiter for shutdown. */
void job_board_stop(struct job_board *b);
static inline uint64_t job_board_generation(struct job_board *b)
{
	return atomic_load_explicit(&b->generation, memory_order_acquire);
}

#endif
