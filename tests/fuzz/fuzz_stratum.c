/* SPDX-License-Identifier: MIT */
/*
 * Stratum lines from a pool: the input is split at '\n' into up to 32 lines,
 * each parsed with stratum_parse and applied to one session the way the
 * source applies it (a response to id 1 is a subscribe result, then
 * set_difficulty, set_extranonce, notify -> bind -> header), so the fuzzer
 * reaches the session's state as well as the parser.
 */
#include "fuzz.h"

#include <string.h>

#include "algo.h"
#include "stratum.h"
#include "work.h"

#define FUZZ_STRATUM_LINES 32

static void apply_line(struct stratum_session *s, const char *line, size_t len)
{
	struct stratum_msg msg;
	struct stratum_subscribe sub;
	char why[128];
	int is_new_block;

	if (stratum_parse(line, len, &msg, why, sizeof(why)) != STRATUM_OK) {
		/* A refused line leaves nothing behind (stratum.h). */
		FUZZ_CHECK(msg.job == NULL);
		return;
	}
	switch (msg.kind) {
	case STRATUM_MSG_RESPONSE:
		if (msg.has_id && msg.id == 1 && !stratum_parse_subscribe(line, len, &sub)) {
			FUZZ_CHECK(sub.extranonce1_len <= JOB_EXTRANONCE1_MAX);
			stratum_session_subscribed(s, &sub);
		}
		break;
	case STRATUM_MSG_SET_DIFFICULTY:
		stratum_session_set_difficulty(s, msg.diff);
		break;
	case STRATUM_MSG_SET_EXTRANONCE:
		stratum_session_set_extranonce(s, msg.extranonce1, msg.extranonce1_len,
					       msg.extranonce2_len);
		break;
	case STRATUM_MSG_NOTIFY: {
		struct job *job = msg.job;
		uint8_t header[HEADER_LEN];
		uint64_t en2;
		uint32_t height;

		msg.job = NULL;
		FUZZ_CHECK(job != NULL);
		stratum_coinbase_height(job->coinb1, job->coinb1_len, &height);
		if (stratum_session_bind_job(s, job, &is_new_block)) {
			job_unref(job);
			break;
		}
		FUZZ_CHECK(stratum_session_job_is_valid(s, job));
		work_next_header(job, &en2, header);
		/* The last unit of work is at ntime_max; past it, nothing. */
		{
			uint64_t last = job_work_units(job) - 1;
			uint32_t ntime;

			FUZZ_CHECK(job_work_unit(job, last, &en2, &ntime) == 0);
			FUZZ_CHECK(job->extranonce2_len >= 8 || ntime == job->ntime_max);
			FUZZ_CHECK(job->extranonce2_len >= 8 ||
				   job_work_unit(job, last + 1, &en2, &ntime) == -1);
		}
		job_unref(job);
		break;
	}
	default:
		break;
	}
	stratum_msg_release(&msg);
}

int fuzz_stratum(const uint8_t *data, size_t len)
{
	const struct algo *algo = algo_find("sha256d");
	struct algo_params params = { 0 };
	struct stratum_session s;
	const char *p = (const char *)data, *end = p + len;

	FUZZ_CHECK(algo != NULL);
	stratum_session_init(&s, algo, &params, 1.0);
	s.ntime_roll_s = 60;
	for (unsigned n = 0; n < FUZZ_STRATUM_LINES && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t line_len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		apply_line(&s, p, line_len);
		p += line_len + (nl != NULL);
	}
	stratum_session_release(&s);
	return 0;
}

FUZZ_ENTRY(fuzz_stratum)
