/* SPDX-License-Identifier: MIT */
#ifndef QM_DEADLINE_H
#define QM_DEADLINE_H

#include <stdint.h>
#include <time.h>

/*
 * Time for timeouts, intervals and back-off. Header-only; every function is
 * thread-safe.
 */

/* Milliseconds on the monotonic clock, which does not jump when the wall clock is set. */
static inline uint64_t deadline_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The CLOCK_REALTIME instant timeout_ms from now, for pthread_cond_timedwait. */
static inline struct timespec deadline_after_ms(unsigned timeout_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

#endif
