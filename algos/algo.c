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

int algo_selftest(const struct algo *a, const struct algo_impl *impl, void *ctx)
{
	/* A range that crosses several lane groups and ends off a lane boundary. */
	enum { SPAN = 37 };
	const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };
	uint8_t header[HEADER_LEN], hash[HASH_LEN], target[HASH_LEN];
	uint32_t hits[SPAN];

	for (unsigned which = 0; which < 2; which++) {
		selftest_header(a, which, header);
		uint32_t first = which ? 0xffffffffu - (SPAN - 1) : 1000;

		if (a->prepare(ctx, &params, header))
			return -1;
		/* Target = the hash of one nonce in the range: it must hit (equality). */
		uint32_t pick = first + 3 + 11 * which;
		le32_store(header + NONCE_OFFSET, pick);
		a->hash(&params, header, hash);
		memcpy(target, hash, HASH_LEN);

		unsigned n = impl->scan(ctx, target, first, first + SPAN - 1, hits, SPAN);
		unsigned expect = 0;
		for (uint32_t k = 0; k < SPAN; k++) {
			uint8_t h[HASH_LEN];
			le32_store(header + NONCE_OFFSET, first + k);
			a->hash(&params, header, h);
			if (hash_le_target(h, target)) {
				if (expect >= n || hits[expect] != first + k)
					return -1;
				expect++;
			}
		}
		if (n != expect)
			return -1;
	}
	return 0;
}

const struct algo_impl *algo_select(const struct algo *a, unsigned cpu_flags, const char *force,
				    const char **why)
{
	void *ctx = algo_ctx_new(a);
	const struct algo_impl *chosen = NULL;

	*why = "no implementation is usable on this CPU";
	if (!ctx) {
		*why = "out of memory";
		return NULL;
	}
	for (unsigned i = 0; i < a->n_impls && !chosen; i++) {
		const struct algo_impl *impl = &a->impls[i];
		if (force && strcmp(force, impl->name))
			continue;
		if ((impl->cpu_needs & cpu_flags) != impl->cpu_needs) {
			*why = "the CPU lacks the features the implementation needs";
			continue;
		}
		if (algo_selftest(a, impl, ctx)) {
			*why = "the implementation failed its self-test";
			continue;
		}
		chosen = impl;
	}
	if (force && !chosen && !algo_impl_find(a, force))
		*why = "no implementation of that name";
	algo_ctx_free(ctx);
	return chosen;
}
