/* SPDX-License-Identifier: MIT */
#include "job_board.h"

#include <errno.h>
#include <time.h>

#include "deadline.h"

void job_board_init(struct job_board *b)
{
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->current = NULL;
	atomic_init(&b->generation, 0);
	b->is_stopping = 0;
	b->is_paused = 0;
}

void job_board_release(struct job_board *b)
{
	job_unref(b->current);
	b->current = NULL;
	pthread_cond_destroy(&b->cond);
	pthread_mutex_destroy(&b->lock);
}

void job_board_publish(struct job_board *b, struct job *job)
{
	struct job *old;

	pthread_mutex_lock(&b->lock);
	old = b->current;
	b->current = job;
	atomic_fetch_add_explicit(&b->generation, 1, memory_order_release);
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
	job_unref(old);
}

struct job *job_board_get(struct job_board *b, uint64_t *generation)
{
	struct job *job;

	pthread_mutex_lock(&b->lock);
	job = b->current && !b->is_paused ? job_ref(b->current) : NULL;
	*generation = atomic_load_explicit(&b->generation, memory_order_acquire);
	pthread_mutex_unlock(&b->lock);
	return job;
}

void job_board_wait(struct job_board *b, uint64_t seen, unsigned timeout_ms)
{
	struct timespec ts = deadline_after_ms(timeout_ms);

	pthread_mutex_lock(&b->lock);
	while (!b->is_stopping && job_board_generation(b) == seen) {
		if (pthread_cond_timedwait(&b->cond, &b->lock, &ts) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&b->lock);
}

void job_board_pause(struct job_board *b, int is_paused)
{
	pthread_mutex_lock(&b->lock);
	b->is_paused = is_paused;
	/* A new generation makes every worker look at the board again. */
	atomic_fetch_add_explicit(&b->generation, 1, memory_order_release);
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

int job_board_is_paused(struct job_board *b)
{
	int is_paused;

	pthread_mutex_lock(&b->lock);
	is_paused = b->is_paused;
	pthread_mutex_unlock(&b->lock);
	return is_paused;
}

void job_board_stop(struct job_board *b)
{
	pthread_mutex_lock(&b->lock);
	b->is_stopping = 1;
	atomic_fetch_add_explicit(&b->generation, 1, memory_order_release);
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}
