/* SPDX-License-Identifier: MIT */
#include "work.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "log.h"
#include "sha256.h"

struct job *job_new(void)
{
	struct job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	atomic_init(&job->refs, 1);
	atomic_init(&job->work_next, 0);
	return job;
}

int job_set_coinbase(struct job *job, const uint8_t *coinb1, size_t len1, const uint8_t *coinb2,
		     size_t len2)
{
	uint8_t *a, *b;

	if (len1 + len2 > JOB_COINBASE_MAX)
		return -1;
	a = malloc(len1 ? len1 : 1);
	b = malloc(len2 ? len2 : 1);
	if (!a || !b) {
		free(a);
		free(b);
		return -1;
	}
	memcpy(a, coinb1, len1);
	memcpy(b, coinb2, len2);
	free(job->coinb1);
	free(job->coinb2);
	job->coinb1 = a;
	job->coinb2 = b;
	job->coinb1_len = len1;
	job->coinb2_len = len2;
	return 0;
}

struct job *job_ref(struct job *job)
{
	atomic_fetch_add_explicit(&job->refs, 1, memory_order_relaxed);
	return job;
}

void job_unref(struct job *job)
{
	if (!job)
		return;
	if (atomic_fetch_sub_explicit(&job->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(job->coinb1);
	free(job->coinb2);
	free(job);
}

void job_set_ntime_roll(struct job *job, uint32_t max_time, uint32_t roll_s)
{
	uint32_t max = roll_s < UINT32_MAX - job->ntime ? job->ntime + roll_s : UINT32_MAX;

	job->ntime_max = max < max_time ? max : max_time;
	if (job->ntime_max < job->ntime)
		job->ntime_max = job->ntime;
}

/* log2 of the extranonce2 values per ntime; 64 or more: the counter never leaves ntime. */
static unsigned job_extranonce2_bits(const struct job *job)
{
	return 8 * (unsigned)(job->extranonce2_len < 8 ? job->extranonce2_len : 8);
}

/* ntime values the job allows beyond its own (0: no rolling). */
static uint32_t job_ntime_span(const struct job *job)
{
	return job->ntime_max > job->ntime ? job->ntime_max - job->ntime : 0;
}

uint64_t job_work_units(const struct job *job)
{
	unsigned bits = job_extranonce2_bits(job);
	uint64_t times = (uint64_t)job_ntime_span(job) + 1;

	if (bits >= 64 || times > (UINT64_MAX >> bits))
		return UINT64_MAX;
	return times << bits;
}

int job_work_unit(const struct job *job, uint64_t unit, uint64_t *extranonce2, uint32_t *ntime)
{
	unsigned bits = job_extranonce2_bits(job);
	uint64_t roll = bits >= 64 ? 0 : unit >> bits;

	if (roll > job_ntime_span(job))
		return -1;
	*extranonce2 = bits >= 64 ? unit : unit & ((1ull << bits) - 1);
	*ntime = job->ntime + (uint32_t)roll;
	return 0;
}

int job_take_work(struct job *job, uint64_t *extranonce2, uint32_t *ntime)
{
	uint64_t unit = atomic_fetch_add_explicit(&job->work_next, 1, memory_order_relaxed);

	return job_work_unit(job, unit, extranonce2, ntime);
}

int work_next_header(struct job *job, uint64_t *extranonce2, uint8_t header[HEADER_LEN])
{
	uint32_t ntime;

	if (job_take_work(job, extranonce2, &ntime))
		return -1;
	if (ntime == job->ntime + 1 && *extranonce2 == 0)
		log_info("job %s: its extranonce2 space is used up; rolling ntime, at most to "
			 "%08x (+%u s)", job->id, (unsigned)job->ntime_max,
			 (unsigned)(job->ntime_max - job->ntime));
	return work_header(job, *extranonce2, ntime, header);
}

void work_extranonce2_bytes(const struct job *job, uint64_t extranonce2, uint8_t *out)
{
	/* Big-endian counter, so its hex is the number the pool sees (docs/protocols.md §1). */
	for (size_t i = 0; i < job->extranonce2_len; i++) {
		size_t shift = 8 * (job->extranonce2_len - 1 - i);
		out[i] = shift < 64 ? (uint8_t)(extranonce2 >> shift) : 0;
	}
}

long work_coinbase(const struct job *job, uint64_t extranonce2, uint8_t *buf, size_t cap)
{
	size_t len = job->coinb1_len + job->extranonce1_len + job->extranonce2_len +
		     job->coinb2_len;
	uint8_t *p = buf;

	if (len > cap)
		return -1;
	memcpy(p, job->coinb1, job->coinb1_len);
	p += job->coinb1_len;
	memcpy(p, job->extranonce1, job->extranonce1_len);
	p += job->extranonce1_len;
	work_extranonce2_bytes(job, extranonce2, p);
	p += job->extranonce2_len;
	memcpy(p, job->coinb2, job->coinb2_len);
	return (long)len;
}

void work_merkle_root(const struct job *job, const uint8_t coinbase_txid[HASH_LEN],
		      uint8_t root[HASH_LEN])
{
	uint8_t pair[2 * HASH_LEN];

	memcpy(root, coinbase_txid, HASH_LEN);
	for (unsigned i = 0; i < job->merkle_count; i++) {
		memcpy(pair, root, HASH_LEN);
		memcpy(pair + HASH_LEN, job->merkle[i], HASH_LEN);
		sha256d(pair, sizeof(pair), root);
	}
}

int work_header(const struct job *job, uint64_t extranonce2, uint32_t ntime,
		uint8_t header[HEADER_LEN])
{
	static const size_t cap = JOB_COINBASE_MAX + JOB_EXTRANONCE1_MAX + JOB_EXTRANONCE2_MAX;
	uint8_t *coinbase = malloc(cap), txid[HASH_LEN], root[HASH_LEN];
	long len;
	int rc = -1;

	if (!coinbase)
		return -1;
	if (ntime < job->ntime || ntime > (job->ntime_max > job->ntime ? job->ntime_max : job->ntime))
		goto out;
	len = work_coinbase(job, extranonce2, coinbase, cap);
	if (len < 0)
		goto out;
	sha256d(coinbase, (size_t)len, txid);
	work_merkle_root(job, txid, root);

	/* docs/pow.md §1: version, prevhash, root, ntime, nbits, nonce; all LE. */
	le32_store(header, job->version);
	memcpy(header + 4, job->prevhash, HASH_LEN);
	memcpy(header + 36, root, HASH_LEN);
	le32_store(header + NTIME_OFFSET, ntime);
	le32_store(header + NBITS_OFFSET, job->nbits);
	le32_store(header + NONCE_OFFSET, 0);
	rc = 0;
out:
	free(coinbase);
	return rc;
}

/* Little-endian 256-bit target <-> double, exact enough for difficulty arithmetic. */
static double target_to_double(const uint8_t t[HASH_LEN])
{
	double v = 0;

	for (int i = HASH_LEN - 1; i >= 0; i--)
		v = v * 256.0 + t[i];
	return v;
}

void work_diff_to_target(double diff, double factor, uint8_t target[HASH_LEN])
{
	/* target = 0xFFFF * 2^208 * factor / diff (docs/protocols.md §1), capped. */
	double v = diff > 0 && factor > 0 ? ldexp(65535.0, 208) * factor / diff : INFINITY;

	if (!(v < ldexp(1.0, 256))) {
		memset(target, 0xff, HASH_LEN);
		return;
	}
	/* Peel off base-256 digits from the top; the 53-bit mantissa fills the top ~7 bytes. */
	for (int i = HASH_LEN - 1; i >= 0; i--) {
		double scale = ldexp(1.0, 8 * i);
		double digit = floor(v / scale);
		if (digit > 255)
			digit = 255;
		target[i] = (uint8_t)digit;
		v -= digit * scale;
		if (v < 0)
			v = 0;
	}
}

double work_target_to_diff(const uint8_t target[HASH_LEN])
{
	double t = target_to_double(target);

	return t > 0 ? ldexp(65535.0, 208) / t : INFINITY;
}

void share_free(struct share *share)
{
	if (!share)
		return;
	job_unref(share->job);
	free(share);
}
