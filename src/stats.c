/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"

double stats_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int stats_init(struct stats *s, unsigned thread_count)
{
	s->threads = aligned_alloc(64, sizeof(*s->threads) * (thread_count ? thread_count : 1));
	if (!s->threads)
		return -1;
	s->thread_count = thread_count;
	for (unsigned i = 0; i < thread_count; i++)
		atomic_init(&s->threads[i].hashes, 0);
	atomic_init(&s->accepted, 0);
	atomic_init(&s->rejected, 0);
	atomic_init(&s->stale, 0);
	atomic_init(&s->blocks, 0);
	s->start_s = stats_now();
	return 0;
}

void stats_release(struct stats *s)
{
	free(s->threads);
	s->threads = NULL;
}

uint64_t stats_total_hashes(struct stats *s)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < s->thread_count; i++)
		sum += atomic_load_explicit(&s->threads[i].hashes, memory_order_relaxed);
	return sum;
}

void stats_share_result(struct stats *s, int is_accepted, const char *reason)
{
	unsigned acc, rej;

	if (is_accepted) {
		acc = atomic_fetch_add(&s->accepted, 1) + 1;
		rej = atomic_load(&s->rejected);
	} else {
		rej = atomic_fetch_add(&s->rejected, 1) + 1;
		acc = atomic_load(&s->accepted);
	}
	double pct = 100.0 * acc / (acc + rej);
	if (is_accepted)
		log_info("accepted: %u/%u (%.1f%%)", acc, acc + rej, pct);
	else
		log_warn("rejected (%s): %u/%u (%.1f%%)", reason ? reason : "no reason given", acc,
			 acc + rej, pct);
}

void stats_share_stale(struct stats *s, const char *why)
{
	unsigned n = atomic_fetch_add(&s->stale, 1) + 1;

	log_warn("stale share (%s): %u stale so far", why ? why : "job gone", n);
}

void stats_format_rate(double hps, char *buf, unsigned len)
{
	static const char *const units[] = { "H/s", "kH/s", "MH/s", "GH/s", "TH/s" };
	unsigned u = 0;

	while (hps >= 1000.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		hps /= 1000.0;
		u++;
	}
	snprintf(buf, len, "%.2f %s", hps, units[u]);
}
