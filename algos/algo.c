/* SPDX-License-Identifier: MIT */
#include "algo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cpu.h"
#include "endian.h"
#include "sha256.h"

/* THE list of algorithms (style.md §7): tests, --benchmark and -a walk it. */
const struct algo *const algo_table[] = {
	&algo_sha256d,
	&algo_scrypt,
	&algo_skein,
	&algo_qubit,
	&algo_odocrypt,
};
const unsigned algo_count = sizeof(algo_table) / sizeof(algo_table[0]);

const struct algo *algo_find(const char *name)
{
	for (unsigned i = 0; i < algo_count; i++) {
		if (!strcasecmp(name, algo_table[i]->name) ||
		    (algo_table[i]->node_name && !strcasecmp(name, algo_table[i]->node_name)))
			return algo_table[i];
	}
	return NULL;
}

const struct algo_impl *algo_impl_find(const struct algo *a, const char *name)
{
	for (unsigned i = 0; i < a->n_impls; i++) {
		if (!strcmp(a->impls[i].name, name))
			return &a->impls[i];
	}
	return NULL;
}

int bits_to_target(uint32_t nbits, uint8_t target[HASH_LEN])
{
	/* docs/pow.md §5 (arith_uint256::SetCompact). */
	unsigned size = nbits >> 24;
	uint32_t word = nbits & 0x007fffff;
	int is_negative, is_overflow, is_zero = 1;

	memset(target, 0, HASH_LEN);
	if (size <= 3) {
		word >>= 8 * (3 - size);
		target[0] = (uint8_t)word;
		target[1] = (uint8_t)(word >> 8);
		target[2] = (uint8_t)(word >> 16);
	} else {
		for (unsigned i = 0; i < 3; i++) {
			unsigned pos = size - 3 + i;
			if (pos < HASH_LEN)
				target[pos] = (uint8_t)(word >> (8 * i));
		}
	}
	is_negative = word != 0 && (nbits & 0x00800000) != 0;
	is_overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) ||
				    (word > 0xffff && size > 32));
	for (unsigned i = 0; i < HASH_LEN; i++)
		is_zero &= target[i] == 0;
	return is_negative || is_overflow || is_zero ? -1 : 0;
}

void *algo_ctx_new(const struct algo *a)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, a->ctx_size ? a->ctx_size : 64))
		return NULL;
	memset(p, 0, a->ctx_size ? a->ctx_size : 64);
	return p;
}

void algo_ctx_free(void *ctx)
{
	free(ctx);
}

/*
 * Fixed self-test headers: pseudo-random bytes from SHA-256 over a label, with
 * the algorithm's version nibble, so every impl sees realistic input.
 */
static void selftest_header(const struct algo *a, unsigned which, uint8_t header[HEADER_LEN])
{
	char label[64];
	uint8_t block[32];

	for (unsigned off = 0; off < HEADER_LEN; off += 32) {
		size_t n = (size_t)snprintf(label, sizeof(label), "quintminer-selftest/%s/%u/%u",
					    a->name, which, off);
		sha256(label, n, block);
		memcpy(header + off, block, HEADER_LEN - off < 32 ? HEADER_LEN - off : 32);
	}
	le32_store(header, 0x20000002u | a->version_bits);
}

/* The portable hash of every nonce of first..first+span-1 into hashes[]. */
static void selftest_hashes(const struct algo *a, const struct algo_params *params,
			    uint8_t header[HEADER_LEN], uint32_t first, unsigned span,
			    uint8_t (*hashes)[HASH_LEN])
{
	for (unsigned k = 0; k < span; k++) {
		le32_store(header + NONCE_OFFSET, first + k);
		a->hash(params, header, hashes[k]);
	}
}

/*
 * Scans first..first+span-1 against target through path and compares the
 * hits with the nonces whose portable hash meets it. 0 when equal.
 */
static int selftest_range(const struct algo_scan_path *path,
			  uint8_t (*hashes)[HASH_LEN], uint32_t *hits, uint32_t first,
			  unsigned span, const uint8_t target[HASH_LEN], const char **why)
{
	unsigned n = 0, expect = 0;

	if (path->scan(path->opaque, target, first, first + (span - 1), hits, span, &n)) {
		*why = "the scan did not run";
		return -1;
	}
	for (unsigned k = 0; k < span; k++) {
		if (!hash_le_target(hashes[k], target))
			continue;
		if (expect < n && hits[expect] < first + k)
			break; /* an extra nonce before this one */
		if (expect >= n || hits[expect] != first + k) {
			*why = "a nonce the portable hash accepts was not reported";
			return -1;
		}
		expect++;
	}
	if (n != expect) {
		*why = "a nonce the portable hash rejects was reported";
		return -1;
	}
	return 0;
}

/* target = value - 1 (little-endian); returns -1 if value is zero. */
static int target_below(const uint8_t value[HASH_LEN], uint8_t target[HASH_LEN])
{
	memcpy(target, value, HASH_LEN);
	for (unsigned i = 0; i < HASH_LEN; i++) {
		if (target[i]--)
			return 0;
	}
	return -1;
}

int algo_selftest_path(const struct algo *a, const struct algo_scan_path *path, const char **why)
{
	const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };
	unsigned span = path->span ? path->span : ALGO_SELFTEST_SPAN;
	uint8_t header[HEADER_LEN], target[HASH_LEN], (*hashes)[HASH_LEN] = NULL;
	uint32_t *hits = NULL;
	int rc = -1;

	if (span > ALGO_SELFTEST_MAX_SPAN)
		span = ALGO_SELFTEST_MAX_SPAN;
	hashes = malloc(span * sizeof(*hashes));
	hits = malloc(span * sizeof(*hits));
	*why = "out of memory";
	if (!hashes || !hits)
		goto out;
	for (unsigned which = 0; which < 2; which++) {
		uint32_t first = which ? 0xffffffffu - (span - 1) : 1000;
		const uint8_t *lowest, *highest;

		selftest_header(a, which, header);
		if (path->prepare(path->opaque, &params, header)) {
			*why = "prepare failed on the self-test header";
			goto out;
		}
		selftest_hashes(a, &params, header, first, span, hashes);
		unsigned tail = span < ALGO_SELFTEST_SPAN ? span : ALGO_SELFTEST_SPAN;
		lowest = hashes[0];
		highest = hashes[span - 1];
		for (unsigned k = 1; k < span; k++) {
			if (hash_le_target(hashes[k], lowest))
				lowest = hashes[k];
			if (k >= span - tail && hash_le_target(highest, hashes[k]))
				highest = hashes[k];
		}
		/* Planted: the hash of one nonce as the target, so equality must hit. */
		if (selftest_range(path, hashes, hits, first, span,
				   hashes[(3 + 11 * which) % span], why))
			goto out;
		/*
		 * Every nonce meets the largest hash: the first and last lane
		 * hit. Over the range's last ALGO_SELFTEST_SPAN nonces only, so
		 * a device with few hit slots need not split its launch.
		 */
		if (selftest_range(path, hashes + (span - tail), hits, first + (span - tail), tail,
				   highest, why))
			goto out;
		/* Just below the smallest hash: nothing may hit. */
		if (!target_below(lowest, target) &&
		    selftest_range(path, hashes, hits, first, span, target, why))
			goto out;
	}
	rc = 0;
out:
	free(hashes);
	free(hits);
	return rc;
}

struct impl_path {
	const struct algo *algo;
	const struct algo_impl *impl;
	void *ctx;
};

static int impl_path_prepare(void *opaque, const struct algo_params *params,
			     const uint8_t header[HEADER_LEN])
{
	struct impl_path *p = opaque;

	return p->algo->prepare(p->ctx, params, header);
}

static int impl_path_scan(void *opaque, const uint8_t target[HASH_LEN], uint32_t first,
			  uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count)
{
	struct impl_path *p = opaque;

	*hit_count = p->impl->scan(p->ctx, target, first, last, hits, max_hits);
	return 0;
}

int algo_selftest(const struct algo *a, const struct algo_impl *impl, void *ctx)
{
	struct impl_path p = { .algo = a, .impl = impl, .ctx = ctx };
	const struct algo_scan_path path = {
		.opaque = &p, .prepare = impl_path_prepare, .scan = impl_path_scan,
	};
	const char *why;

	return algo_selftest_path(a, &path, &why);
}

int algo_impl_check(const struct algo *a, const struct algo_impl *impl, unsigned cpu_flags,
		    const char **why)
{
	struct impl_path p = { .algo = a, .impl = impl };
	const struct algo_scan_path path = {
		.opaque = &p, .prepare = impl_path_prepare, .scan = impl_path_scan,
	};
	int rc;

	if ((impl->cpu_needs & cpu_flags) != impl->cpu_needs) {
		*why = "the CPU lacks the features it needs";
		return -1;
	}
	p.ctx = algo_ctx_new(a);
	if (!p.ctx) {
		*why = "out of memory";
		return -1;
	}
	rc = algo_selftest_path(a, &path, why);
	algo_ctx_free(p.ctx);
	return rc;
}
