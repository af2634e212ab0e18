/* SPDX-License-Identifier: MIT */
/*
 * Every algorithm in the table x every implementation x every header vector
 * in tests/vectors/<algo>.json: the reference hash, the target test, and
 * the scan of each impl (hits at the first and last lane, at the end of a
 * range, at nonce 0xffffffff, at hash == target; solved vectors from
 * scan_from). An impl the CPU lacks is a named SKIP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "cpu.h"
#include "endian.h"
#include "hex.h"
#include "lane_walk.h"
#include "tap.h"
#include "tvec.h"

static void vector_params(json_t *o, struct algo_params *p)
{
	json_t *key = json_object_get(o, "odo_key");

	memset(p, 0, sizeof(*p));
	p->network = ALGO_NETWORK_MAINNET;
	if (json_is_integer(key)) {
		p->has_odo_key = 1;
		p->odo_key = (uint32_t)json_integer_value(key);
	}
}

/* Scan [first, last] with target and compare with the reference, hit by hit. */
static int scan_matches(const struct algo *a, const struct algo_impl *impl, void *ctx,
			const struct algo_params *p, uint8_t header[HEADER_LEN],
			const uint8_t target[HASH_LEN], uint32_t first, uint32_t last)
{
	/* Room for every nonce of the ranges below (up to 2 * lanes + 3), so none is cut off. */
	uint32_t hits[256];
	unsigned expect = 0, n;

	if (a->prepare(ctx, p, header))
		return 0;
	n = impl->scan(ctx, target, first, last, hits, sizeof(hits) / sizeof(hits[0]));
	for (uint32_t nonce = first;; nonce++) {
		uint8_t h[HASH_LEN];
		le32_store(header + NONCE_OFFSET, nonce);
		a->hash(p, header, h);
		if (hash_le_target(h, target)) {
			if (expect >= n || hits[expect] != nonce)
				return 0;
			expect++;
		}
		if (nonce == last)
			break;
	}
	return n == expect;
}

/* Target that exactly equals the hash of nonce (the equality case). */
static void target_of(const struct algo *a, const struct algo_params *p,
		      uint8_t header[HEADER_LEN], uint32_t nonce, uint8_t target[HASH_LEN])
{
	le32_store(header + NONCE_OFFSET, nonce);
	a->hash(p, header, target);
}

static void test_impl_vector(const struct algo *a, const struct algo_impl *impl, void *ctx,
			     json_t *o, int full)
{
	const char *id = tvec_str(o, "id");
	uint8_t header[HEADER_LEN], want[HASH_LEN], target[HASH_LEN];
	struct algo_params p;
	uint32_t hit;

	vector_params(o, &p);
	tvec_hex(o, "header", header, HEADER_LEN);
	tvec_hex(o, "pow_hash", want, HASH_LEN);
	uint32_t nonce = le32_load(header + NONCE_OFFSET);

	/* hash == target passes; one less fails. */
	int ok = a->prepare(ctx, &p, header) == 0 &&
		 impl->scan(ctx, want, nonce, nonce, &hit, 1) == 1 && hit == nonce;
	uint8_t below[HASH_LEN];
	memcpy(below, want, HASH_LEN);
	int borrow = 1;
	for (int k = 0; k < HASH_LEN && borrow; k++)
		borrow = below[k]-- == 0;
	if (!borrow)
		ok &= impl->scan(ctx, below, nonce, nonce, &hit, 1) == 0;
	tap_ok(ok, "%s %s: scan hits at hash == target, misses at target - 1", a->name, id);

	json_t *from = json_object_get(o, "scan_from");
	if (json_is_integer(from)) {
		uint32_t start = (uint32_t)json_integer_value(from);
		uint8_t bits_be[4], bt[HASH_LEN];
		tvec_hex(o, "bits", bits_be, 4);
		bits_to_target(be32_load(bits_be), bt);
		unsigned n = 0;
		ok = a->prepare(ctx, &p, header) == 0;
		if (ok)
			n = impl->scan(ctx, bt, start, nonce, &hit, 1);
		tap_ok(ok && n == 1 && hit == nonce, "%s %s: solved scan from %u finds %u first",
		       a->name, id, start, nonce);
	}
	if (!full)
		return;

	uint32_t lanes = impl->lanes ? impl->lanes : 1;
	uint32_t span = 2 * lanes + 3;
	uint32_t first = nonce & ~(lanes - 1);
	struct {
		const char *what;
		uint32_t first, pick;
	} cases[] = {
		{ "first lane", first, first },
		{ "last lane", first, first + lanes - 1 },
		{ "end of range", first, first + span - 1 },
		{ "nonce 0xffffffff", 0xffffffffu - span + 1, 0xffffffffu },
		{ "unaligned start", first + 1, first + lanes },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		target_of(a, &p, header, cases[c].pick, target);
		tap_ok(scan_matches(a, impl, ctx, &p, header, target, cases[c].first,
				    cases[c].first + span - 1),
		       "%s %s %s: hit in %s", a->name, impl->name, id, cases[c].what);
	}
}

static void test_algo(const struct algo *a, unsigned cpu)
{
	char file[64];
	json_t *v;
	size_t i;
	json_t *o;

	snprintf(file, sizeof(file), "%s.json", a->name);
	v = tvec_load(file);
	tap_ok(json_array_size(v) > 0, "%s: vectors present", a->name);

	json_array_foreach(v, i, o) {
		struct algo_params p;
		uint8_t header[HEADER_LEN], want[HASH_LEN], got[HASH_LEN], bits_be[4], tgt[HASH_LEN];
		uint8_t want_tgt[HASH_LEN];
		char hex[2 * HASH_LEN + 1];

		vector_params(o, &p);
		tvec_hex(o, "header", header, HEADER_LEN);
		tvec_hex(o, "pow_hash", want, HASH_LEN);
		a->hash(&p, header, got);
		hex_encode(got, HASH_LEN, hex);
		tap_ok(!memcmp(got, want, HASH_LEN), "%s %s: reference hash (%s)", a->name,
		       tvec_str(o, "id"), hex);

		tvec_hex(o, "bits", bits_be, 4);
		tvec_hex(o, "target", want_tgt, HASH_LEN);
		bytes_reverse(want_tgt, HASH_LEN);
		int valid = bits_to_target(be32_load(bits_be), tgt) == 0;
		int meets = valid && hash_le_target(want, tgt);
		tap_ok(!memcmp(tgt, want_tgt, HASH_LEN) &&
			       meets == json_is_true(json_object_get(o, "meets_target")),
		       "%s %s: target and meets_target", a->name, tvec_str(o, "id"));
	}

	for (unsigned k = 0; k < a->n_impls; k++) {
		const struct algo_impl *impl = &a->impls[k];
		if ((impl->cpu_needs & cpu) != impl->cpu_needs) {
			tap_skip("%s %s: this CPU lacks what the impl needs", a->name, impl->name);
			continue;
		}
		void *ctx = algo_ctx_new(a);
		tap_ok(ctx && algo_selftest(a, impl, ctx) == 0, "%s %s: self-test", a->name,
		       impl->name);
		json_array_foreach(v, i, o)
			test_impl_vector(a, impl, ctx, o, i < 4);
		algo_ctx_free(ctx);
	}
	json_decref(v);
}

/*
 * The lane scans' walker: every nonce of first..last in exactly one group's
 * in-range lanes, in order, the last group ending at last (0xffffffff too).
 */
static void test_lane_walk(void)
{
	const struct {
		uint32_t first, last;
	} ranges[] = {
		{ 0, 0 }, { 7, 7 }, { 0, 15 }, { 0, 16 }, { 3, 40 },
		{ 0xfffffff0u, 0xffffffffu }, { 0xffffffe3u, 0xffffffffu }, { 0xffffffffu, 0xffffffffu },
	};
	const unsigned lanes[] = { 1, 2, 8, 16 };

	for (size_t l = 0; l < sizeof(lanes) / sizeof(lanes[0]); l++) {
		for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
			uint32_t first = ranges[r].first, last = ranges[r].last, next = first;
			uint64_t visited = 0;
			int ok = 1;
			struct lane_walk w = lane_walk_begin(first, last);

			do {
				uint32_t mask = lane_walk_mask(&w, lanes[l]) & ((1u << lanes[l]) - 1);

				ok &= w.base == next && mask == (1u << lane_walk_count(&w, lanes[l])) - 1;
				visited += lane_walk_count(&w, lanes[l]);
				next = w.base + lane_walk_count(&w, lanes[l]);
			} while (lane_walk_next(&w, lanes[l]) && visited <= 64);
			tap_ok(ok && visited == (uint64_t)last - first + 1 && next == last + 1,
			       "lane walk of %u lanes over %#x..%#x: each nonce once", lanes[l], first,
			       last);
		}
	}
}

int main(void)
{
	unsigned cpu = cpu_features();
	char names[256];

	cpu_features_str(cpu, names, sizeof(names));
	tap_diag("CPU features: %s", names);
	test_lane_walk();
	/* QM_TEST_ALGO=name narrows a run while working on one algorithm. */
	const char *only = getenv("QM_TEST_ALGO");
	for (unsigned i = 0; i < algo_count; i++) {
		if (!only || !strcmp(only, algo_table[i]->name))
			test_algo(algo_table[i], cpu);
	}
	return tap_done();
}
