/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "log.h"
#include "work.h"

double stats_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int stats_init(struct stats *s, unsigned thread_count)
{
	unsigned n = thread_count ? thread_count : 1;

	memset(s, 0, sizeof(*s));
	s->threads = aligned_alloc(64, sizeof(*s->threads) * n);
	s->last_thread_hashes = calloc(n, sizeof(*s->last_thread_hashes));
	if (!s->threads || !s->last_thread_hashes) {
		stats_release(s);
		return -1;
	}
	s->thread_count = thread_count;
	for (unsigned i = 0; i < thread_count; i++) {
		atomic_init(&s->threads[i].hashes, 0);
		atomic_init(&s->threads[i].hw_errors, 0);
	}
	atomic_init(&s->accepted, 0);
	atomic_init(&s->rejected, 0);
	atomic_init(&s->stale, 0);
	atomic_init(&s->found, 0);
	atomic_init(&s->block_candidates, 0);
	atomic_init(&s->blocks, 0);
	s->start_s = stats_now();
	s->last_report_s = s->start_s;
	s->diff_factor = 1;
	pthread_mutex_init(&s->reasons_lock, NULL);
	s->reason_count = 0;
	return 0;
}

void stats_release(struct stats *s)
{
	free(s->threads);
	s->threads = NULL;
	free(s->last_thread_hashes);
	s->last_thread_hashes = NULL;
	pthread_mutex_destroy(&s->reasons_lock);
}

/* Counts one rejected or stale share under its reason. */
static void stats_count_reason(struct stats *s, int is_stale, const char *reason)
{
	unsigned i;

	pthread_mutex_lock(&s->reasons_lock);
	for (i = 0; i < s->reason_count; i++) {
		if (s->reasons[i].is_stale == is_stale &&
		    !strncmp(s->reasons[i].text, reason, STATS_REASON_LEN - 1))
			break;
	}
	if (i == s->reason_count) {
		/* A pool that makes up a new reason per share must not grow the table. */
		if (i == STATS_REASONS_MAX) {
			reason = "other";
			for (i = 0; i < s->reason_count; i++) {
				if (s->reasons[i].is_stale == is_stale &&
				    !strcmp(s->reasons[i].text, reason))
					break;
			}
			if (i == STATS_REASONS_MAX)
				i = STATS_REASONS_MAX - 1; /* the last slot absorbs the rest */
		}
		if (i == s->reason_count) {
			s->reasons[i].is_stale = is_stale;
			snprintf(s->reasons[i].text, sizeof(s->reasons[i].text), "%s", reason);
			s->reasons[i].count = 0;
			s->reason_count++;
		}
	}
	s->reasons[i].count++;
	pthread_mutex_unlock(&s->reasons_lock);
}

unsigned stats_reasons(struct stats *s, struct stats_reason *out, unsigned max)
{
	unsigned n;

	pthread_mutex_lock(&s->reasons_lock);
	n = s->reason_count < max ? s->reason_count : max;
	memcpy(out, s->reasons, n * sizeof(*out));
	pthread_mutex_unlock(&s->reasons_lock);
	return n;
}

uint64_t stats_total_hashes(struct stats *s)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < s->thread_count; i++)
		sum += atomic_load_explicit(&s->threads[i].hashes, memory_order_relaxed);
	return sum;
}

/* One JSON object on one line of stdout (--json); takes obj. */
static void stats_json_line(json_t *obj)
{
	if (!obj)
		return;
	json_dumpf(obj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(obj);
}

/* The difficulty the share's hash reaches, in the pool's units. */
static double stats_share_diff(const struct stats *s, const struct share *share)
{
	return work_target_to_diff(share->hash) * s->diff_factor;
}

void stats_share_result(struct stats *s, const struct share *share, int is_accepted,
			const char *reason, double answer_ms)
{
	unsigned acc, rej, blocks = 0;
	char detail[160] = "", ms[32] = "";
	int is_block = share && share->is_block && is_accepted;

	if (is_accepted) {
		acc = atomic_fetch_add(&s->accepted, 1) + 1;
		rej = atomic_load(&s->rejected);
	} else {
		rej = atomic_fetch_add(&s->rejected, 1) + 1;
		acc = atomic_load(&s->accepted);
		stats_count_reason(s, 0, reason ? reason : "no reason given");
	}
	if (is_block)
		blocks = atomic_fetch_add(&s->blocks, 1) + 1;
	if (!reason)
		reason = "no reason given";
	if (answer_ms >= 0)
		snprintf(ms, sizeof(ms), "  %.0f ms", answer_ms);
	if (share)
		snprintf(detail, sizeof(detail), "  diff %.4g (share %.4g)  job %s", share->job->diff,
			 stats_share_diff(s, share), share->job->id);
	double pct = 100.0 * acc / (acc + rej);
	if (is_accepted)
		log_result(LOG_TONE_GOOD, "accepted %u/%u (%.1f%%)%s%s", acc, acc + rej, pct, detail,
			   ms);
	else
		log_result(LOG_TONE_BAD, "rejected (%s)  accepted %u/%u (%.1f%%)%s%s", reason, acc,
			   acc + rej, pct, detail, ms);
	if (is_block)
		log_result(LOG_TONE_BLOCK, "*** block accepted (job %s); %u so far ***",
			   share->job->id, blocks);
	if (!s->is_json)
		return;
	json_t *o = json_pack("{s:s, s:s, s:I, s:I}", "type", "share", "result",
			      is_accepted ? "accepted" : "rejected", "accepted", (json_int_t)acc,
			      "submitted", (json_int_t)(acc + rej));
	if (o && !is_accepted)
		json_object_set_new(o, "reason", json_string(reason));
	if (o && share) {
		json_object_set_new(o, "diff", json_real(share->job->diff));
		json_object_set_new(o, "share_diff", json_real(stats_share_diff(s, share)));
		json_object_set_new(o, "job", json_string(share->job->id));
		json_object_set_new(o, "block", json_boolean(is_block));
	}
	if (o && answer_ms >= 0)
		json_object_set_new(o, "answer_ms", json_integer((json_int_t)(answer_ms + 0.5)));
	stats_json_line(o);
}

void stats_share_stale(struct stats *s, const char *why)
{
	unsigned n = atomic_fetch_add(&s->stale, 1) + 1;

	stats_count_reason(s, 1, why ? why : "job gone");
	log_warn("stale share (%s): %u stale so far", why ? why : "job gone", n);
	if (s->is_json)
		stats_json_line(json_pack("{s:s, s:s, s:s, s:I}", "type", "share", "result", "stale",
					  "reason", why ? why : "job gone", "stale", (json_int_t)n));
}

void stats_block_candidate(struct stats *s, const struct share *share)
{
	unsigned n = atomic_fetch_add(&s->block_candidates, 1) + 1;

	log_result(LOG_TONE_BLOCK, "*** block candidate: job %s, share diff %.4g; %u so far ***",
		   share->job->id, stats_share_diff(s, share), n);
	if (s->is_json)
		stats_json_line(json_pack("{s:s, s:s, s:f, s:I}", "type", "block_candidate", "job",
					  share->job->id, "share_diff", stats_share_diff(s, share),
					  "block_candidates", (json_int_t)n));
}

void stats_report(struct stats *s)
{
	double now = stats_now(), dt = now - s->last_report_s;
	uint64_t total = 0;
	char rate[32], line[512];
	size_t used = 0;

	if (dt <= 0)
		return;
	line[0] = '\0';
	for (unsigned i = 0; i < s->thread_count; i++) {
		uint64_t h = atomic_load_explicit(&s->threads[i].hashes, memory_order_relaxed);

		total += h;
		if (used < sizeof(line) - 40) {
			stats_format_rate((double)(h - s->last_thread_hashes[i]) / dt, rate,
					  sizeof(rate));
			used += (size_t)snprintf(line + used, sizeof(line) - used, "%s#%u %s",
						 i ? ", " : "", i, rate);
		}
		/* Hits the portable re-check rejected: a device that computes wrong. */
		unsigned hw = atomic_load_explicit(&s->threads[i].hw_errors, memory_order_relaxed);
		if (hw && used < sizeof(line) - 40)
			used += (size_t)snprintf(line + used, sizeof(line) - used, " %u HW", hw);
		s->last_thread_hashes[i] = h;
	}
	stats_format_rate((double)(total - s->last_report_hashes) / dt, rate, sizeof(rate));
	log_info("hashrate %s (%s) | accepted %u, rejected %u, stale %u, blocks %u", rate, line,
		 atomic_load(&s->accepted), atomic_load(&s->rejected), atomic_load(&s->stale),
		 atomic_load(&s->blocks));
	s->last_report_hashes = total;
	s->last_report_s = now;
}

void stats_summary(struct stats *s)
{
	double now = stats_now(), uptime = now - s->start_s;
	double mined_s = s->mining_start_s > 0 ? now - s->mining_start_s : 0;
	uint64_t hashes = stats_total_hashes(s);
	double rate = mined_s > 0 ? (double)hashes / mined_s : 0;
	unsigned acc = atomic_load(&s->accepted), rej = atomic_load(&s->rejected);
	unsigned stale = atomic_load(&s->stale), cand = atomic_load(&s->block_candidates);
	unsigned blocks = atomic_load(&s->blocks);
	char rate_text[32];

	stats_format_rate(rate, rate_text, sizeof(rate_text));
	log_info("summary: uptime %.1f s, mined %.1f s, %llu hashes, average %s", uptime, mined_s,
		 (unsigned long long)hashes, rate_text);
	log_info("summary: shares: %u accepted, %u rejected, %u stale (%.1f%% accepted); "
		 "blocks: %u candidates, %u accepted", acc, rej, stale,
		 acc + rej + stale ? 100.0 * acc / (acc + rej + stale) : 0.0, cand, blocks);
	if (s->is_json)
		stats_json_line(json_pack("{s:s, s:f, s:I, s:f, s:I, s:I, s:I, s:I, s:I}", "type",
					  "summary", "uptime_s", uptime, "hashes", (json_int_t)hashes,
					  "hashrate", rate, "accepted", (json_int_t)acc, "rejected",
					  (json_int_t)rej, "stale", (json_int_t)stale,
					  "block_candidates", (json_int_t)cand, "blocks",
					  (json_int_t)blocks));
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
