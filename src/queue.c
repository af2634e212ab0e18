/* SPDX-License-Identifier: MIT */
#include "queue.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "deadline.h"

int queue_init(struct queue *q, size_t cap)
{
	q->items = calloc(cap ? cap : 1, sizeof(*q->items));
	if (!q->items)
		return -1;
	q->cap = cap ? cap : 1;
	q->head = q->count = 0;
	q->is_closed = 0;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	return 0;
}

void queue_release(struct queue *q)
{
	free(q->items);
	q->items = NULL;
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

int queue_push(struct queue *q, void *item)
{
	int rc = -1;

	pthread_mutex_lock(&q->lock);
	if (!q->is_closed && q->count < q->cap) {
		q->items[(q->head + q->count) % q->cap] = item;
		q->count++;
		pthread_cond_signal(&q->cond);
		rc = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

void *queue_pop(struct queue *q, unsigned timeout_ms)
{
	struct timespec ts = deadline_after_ms(timeout_ms);
	void *item = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->count && !q->is_closed && timeout_ms) {
		if (pthread_cond_timedwait(&q->cond, &q->lock, &ts) == ETIMEDOUT)
			break;
	}
	if (q->count) {
		item = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	pthread_mutex_unlock(&q->lock);
	return item;
}

void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->is_closed = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}
