/* SPDX-License-Identifier: MIT */
#ifndef QM_QUEUE_H
#define QM_QUEUE_H

#include <pthread.h>
#include <stddef.h>

/*
 * A small bounded mutex+condvar FIFO of pointers between threads. One lock,
 * a leaf: nothing else is taken while it is held.
 */
struct queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	void **items;
	size_t cap, head, count;
	int is_closed;
};

/* Returns 0, or -1 on out-of-memory. */
int queue_init(struct queue *q, size_t cap);
/* Frees the ring; items still queued are the caller's to drain first. */
void queue_release(struct queue *q);
/* Appends item; returns 0, or -1 when full or closed (caller keeps item). */
int queue_push(struct queue *q, void *item);
/*
 * Pops the oldest item, waiting up to timeout_ms (0: don't wait). Returns
 * NULL on timeout or when closed and empty.
 */
void *queue_pop(struct queue *q, unsigned timeout_ms);
/* Wakes all waiters; later pushes fail. */
void queue_close(struct queue *q);

#endif
