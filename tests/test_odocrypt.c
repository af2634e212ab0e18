/* SPDX-License-Identifier: MIT */
/*
 * Odocrypt building blocks against tests/vectors/primitives.json:
 * Keccak-p[800] (and its round constants rederived from the LFSR), the
 * OdoCrypt cipher, its key schedule, the round-by-round traces, epoch keys;
 * then the mining context across an epoch boundary.
 */
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "cpu.h"
#include "endian.h"
#include "hex.h"
#include "keccak800.h"
#include "odocrypt.h"
#include "sha256.h"
#include "tap.h"
#include "tvec.h"

static uint64_t tvec_u64(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v)) {
		printf("Bail out! vector field %s is not an integer\n", key);
		exit(99);
	}
	return (uint64_t)json_integer_value(v);
}

/* Ten words written as 16 hex digits each, most significant first. */
static int words_equal(json_t *arr, const uint64_t w[ODOCRYPT_WORDS])
{
	if (json_array_size(arr) != ODOCRYPT_WORDS)
		return 0;
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
		uint8_t be[8];
		json_t *s = json_array_get(arr, i);
		if (!json_is_string(s) || hex_decode(json_string_value(s), be, 8))
			return 0;
		if (be64_load(be) != w[i])
			return 0;
	}
	return 1;
}

/* An array of integers equal to the n entries at p (stride in entries of width). */
static int ints_equal(json_t *arr, const void *p, size_t width, size_t n)
{
	if (json_array_size(arr) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i);
		uint64_t x = width == 1   ? ((const uint8_t *)p)[i]
			     : width == 2 ? ((const uint16_t *)p)[i]
					  : ((const uint64_t *)p)[i];
		if (!json_is_integer(v) || (uint64_t)json_integer_value(v) != x)
			return 0;
	}
	return 1;
}

/* FIPS 202 §3.2.5: rc(t) from the LFSR x^8 + x^6 + x^5 + x^4 + 1. */
static unsigned lfsr_rc(unsigned t)
{
	unsigned r = 1;

	for (unsigned i = 0; i < t % 255; i++) {
		r <<= 1;
		if (r & 0x100)
			r ^= 0x171;
	}
	return r & 1;
}

static void test_keccak(json_t *v)
{
	int ok = 1;
	for (unsigned i = 0; i < KECCAK800_ROUNDS; i++) {
		uint32_t rc = 0;
		for (unsigned j = 0; j <= 5; j++)
			rc |= (uint32_t)lfsr_rc(j + 7 * i) << ((1u << j) - 1);
		ok &= rc == keccak800_rc[i];
	}
	tap_ok(ok, "keccak800 round constants match the LFSR of FIPS 202 §3.2.5");

	size_t i = 0;
	json_t *o;
	while ((o = tvec_next_primitive(v, "keccak_p800", &i))) {
		uint8_t buf[KECCAK800_STATE_LEN], want[KECCAK800_STATE_LEN];
		tvec_hex(o, "input", buf, sizeof(buf));
		tvec_hex(o, "output", want, sizeof(want));
		keccak800_permute_bytes(buf, (unsigned)tvec_u64(o, "rounds"));
		tap_ok(!memcmp(buf, want, sizeof(buf)), "%s", tvec_str(o, "id"));
	}
}

static void test_cipher(json_t *v)
{
	size_t i = 0;
	json_t *o;
	struct odocrypt_cipher *c = malloc(sizeof(*c));

	while ((o = tvec_next_primitive(v, "odocrypt_cipher", &i))) {
		uint8_t buf[ODOCRYPT_BLOCK_LEN], want[ODOCRYPT_BLOCK_LEN];
		tvec_hex(o, "plaintext", buf, sizeof(buf));
		tvec_hex(o, "ciphertext", want, sizeof(want));
		odocrypt_cipher_init(c, (uint32_t)tvec_u64(o, "key"));
		odocrypt_encrypt(c, buf, buf);
		tap_ok(!memcmp(buf, want, sizeof(buf)), "%s", tvec_str(o, "id"));
	}
	free(c);
}

static void test_schedule_one(json_t *o, const struct odocrypt_cipher *c)
{
	const char *id = tvec_str(o, "id");
	struct odocrypt_lcg g;
	json_t *arr = json_object_get(o, "lcg_first");
	int ok = json_array_size(arr) == 8;

	odocrypt_lcg_init(&g, c->key);
	for (size_t k = 0; ok && k < 8; k++) {
		uint8_t be[4];
		json_t *s = json_array_get(arr, k);
		ok = json_is_string(s) && !hex_decode(json_string_value(s), be, 4) &&
		     be32_load(be) == odocrypt_lcg_next32(&g);
	}
	tap_ok(ok, "%s: lcg_first", id);

	/* Digests: the 40 small boxes as bytes; the 10 large ones as 16-bit little-endian. */
	uint8_t want[32], got[32], le[2];
	struct sha256 s;
	tvec_hex(o, "sbox1_sha256", want, 32);
	sha256(c->sbox_small, sizeof(c->sbox_small), got);
	tap_ok(!memcmp(got, want, 32), "%s: sbox1_sha256", id);
	tvec_hex(o, "sbox2_sha256", want, 32);
	sha256_init(&s);
	for (unsigned b = 0; b < ODOCRYPT_LARGE_SBOXES; b++) {
		for (unsigned e = 0; e < ODOCRYPT_LARGE_SIZE; e++) {
			le[0] = (uint8_t)c->sbox_large[b][e];
			le[1] = (uint8_t)(c->sbox_large[b][e] >> 8);
			sha256_update(&s, le, 2);
		}
	}
	sha256_final(&s, got);
	tap_ok(!memcmp(got, want, 32), "%s: sbox2_sha256", id);

	tap_ok(ints_equal(json_object_get(o, "sbox1_0"), c->sbox_small[0], 1, 64) &&
		       ints_equal(json_object_get(o, "sbox1_39"), c->sbox_small[39], 1, 64) &&
		       ints_equal(json_object_get(o, "sbox2_0_first32"), c->sbox_large[0], 2, 32) &&
		       ints_equal(json_object_get(o, "sbox2_9_last32"), c->sbox_large[9] + 992, 2,
				  32),
	       "%s: S-box samples", id);

	json_t *full1 = json_object_get(o, "sbox1"), *full2 = json_object_get(o, "sbox2");
	if (full1 && full2) {
		ok = json_array_size(full1) == ODOCRYPT_SMALL_SBOXES &&
		     json_array_size(full2) == ODOCRYPT_LARGE_SBOXES;
		for (unsigned b = 0; ok && b < ODOCRYPT_SMALL_SBOXES; b++)
			ok = ints_equal(json_array_get(full1, b), c->sbox_small[b], 1, 64);
		for (unsigned b = 0; ok && b < ODOCRYPT_LARGE_SBOXES; b++)
			ok = ints_equal(json_array_get(full2, b), c->sbox_large[b], 2, 1024);
		tap_ok(ok, "%s: complete S-boxes", id);
	}

	json_t *pbox = json_object_get(o, "pbox");
	for (unsigned p = 0; p < 2; p++) {
		json_t *pb = json_array_get(pbox, p);
		json_t *mask = json_object_get(pb, "mask"), *rot = json_object_get(pb, "rotation");
		ok = json_array_size(mask) == ODOCRYPT_PBOX_SWAPS &&
		     json_array_size(rot) == ODOCRYPT_PBOX_ROTS;
		for (unsigned j = 0; ok && j < ODOCRYPT_PBOX_SWAPS; j++) {
			json_t *row = json_array_get(mask, j);
			ok = json_array_size(row) == ODOCRYPT_PAIRS;
			for (unsigned k = 0; ok && k < ODOCRYPT_PAIRS; k++) {
				uint8_t be[8];
				json_t *m = json_array_get(row, k);
				ok = json_is_string(m) &&
				     !hex_decode(json_string_value(m), be, 8) &&
				     be64_load(be) == c->pbox_mask[p][j][k];
			}
		}
		for (unsigned j = 0; ok && j < ODOCRYPT_PBOX_ROTS; j++) {
			ok = ints_equal(json_array_get(rot, j), c->pbox_rot[p][j], 1,
					ODOCRYPT_PAIRS);
		}
		tap_ok(ok, "%s: P-box %u masks and rotations", id, p);
	}
	tap_ok(ints_equal(json_object_get(o, "rotations"), c->mix_rot, 1, ODOCRYPT_MIX_ROTS),
	       "%s: mix rotations", id);
	tap_ok(ints_equal(json_object_get(o, "round_keys"), c->round_key, 2, ODOCRYPT_ROUNDS),
	       "%s: round keys", id);
}

static void test_schedule(json_t *v)
{
	size_t i = 0;
	json_t *o;
	struct odocrypt_cipher *c = malloc(sizeof(*c));

	while ((o = tvec_next_primitive(v, "odocrypt_key_schedule", &i))) {
		odocrypt_cipher_init(c, (uint32_t)tvec_u64(o, "key"));
		test_schedule_one(o, c);
	}
	free(c);
}

static void test_trace_one(json_t *o, const struct odocrypt_cipher *c)
{
	const char *id = tvec_str(o, "id");
	uint8_t header[HEADER_LEN], block[ODOCRYPT_BLOCK_LEN], want[KECCAK800_STATE_LEN];
	uint8_t buf[KECCAK800_STATE_LEN] = { 0 }, hash[HASH_LEN];
	uint64_t w[ODOCRYPT_WORDS];

	tvec_hex(o, "header", header, HEADER_LEN);
	tvec_hex(o, "plain80", block, ODOCRYPT_BLOCK_LEN);
	tap_ok(!memcmp(header, block, HEADER_LEN), "%s: plain80 is the header", id);
	odocrypt_load(w, block);
	tap_ok(words_equal(json_object_get(o, "state_unpacked"), w), "%s: state_unpacked", id);
	odocrypt_premix(w);
	tap_ok(words_equal(json_object_get(o, "state_premix"), w), "%s: state_premix", id);

	/* The sub-steps of round 0's first P-box. */
	uint64_t t[ODOCRYPT_WORDS];
	json_t *sub = json_object_get(o, "round0_pbox0_substeps");
	int ok = json_array_size(sub) == ODOCRYPT_PBOX_SWAPS;
	memcpy(t, w, sizeof(t));
	for (unsigned s = 0; ok && s < ODOCRYPT_PBOX_ROTS; s++) {
		json_t *step = json_array_get(sub, s);
		odocrypt_swaps(t, c->pbox_mask[0][s]);
		ok &= words_equal(json_object_get(step, "after_swaps"), t);
		odocrypt_shuffle(t);
		ok &= words_equal(json_object_get(step, "after_shuffle"), t);
		odocrypt_rotate_even(t, c->pbox_rot[0][s]);
		ok &= words_equal(json_object_get(step, "after_rot"), t);
	}
	odocrypt_swaps(t, c->pbox_mask[0][ODOCRYPT_PBOX_SWAPS - 1]);
	ok = ok && words_equal(json_object_get(json_array_get(sub, 5), "after_final_swaps"), t);
	tap_ok(ok, "%s: round 0 P-box 0 sub-steps", id);

	json_t *steps = json_object_get(o, "round0_steps");
	odocrypt_pbox(c, 0, w);
	ok = words_equal(json_object_get(steps, "after_pbox0"), w);
	odocrypt_sboxes(c, w);
	ok &= words_equal(json_object_get(steps, "after_sboxes"), w);
	odocrypt_pbox(c, 1, w);
	ok &= words_equal(json_object_get(steps, "after_pbox1"), w);
	odocrypt_mix(c, w);
	ok &= words_equal(json_object_get(steps, "after_rotations"), w);
	odocrypt_add_round_key(c, 0, w);
	ok &= words_equal(json_object_get(steps, "after_roundkey"), w);
	tap_ok(ok, "%s: round 0 steps", id);

	json_t *rounds = json_object_get(o, "state_after_round");
	ok = json_array_size(rounds) == ODOCRYPT_ROUNDS &&
	     words_equal(json_array_get(rounds, 0), w);
	for (unsigned r = 1; ok && r < ODOCRYPT_ROUNDS; r++) {
		odocrypt_round(c, r, w);
		ok = words_equal(json_array_get(rounds, r), w);
	}
	tap_ok(ok, "%s: state after each of the 84 rounds", id);

	odocrypt_store(w, block);
	tvec_hex(o, "cipher80", want, ODOCRYPT_BLOCK_LEN);
	tap_ok(!memcmp(block, want, ODOCRYPT_BLOCK_LEN), "%s: cipher80", id);
	memcpy(buf, block, ODOCRYPT_BLOCK_LEN);
	buf[ODOCRYPT_BLOCK_LEN] = 0x01;
	tvec_hex(o, "keccak_in", want, KECCAK800_STATE_LEN);
	tap_ok(!memcmp(buf, want, KECCAK800_STATE_LEN), "%s: keccak_in", id);
	keccak800_permute_bytes(buf, KECCAK800_ODO_ROUNDS);
	tvec_hex(o, "keccak_out", want, KECCAK800_STATE_LEN);
	tap_ok(!memcmp(buf, want, KECCAK800_STATE_LEN), "%s: keccak_out", id);
	tvec_hex(o, "pow_hash", want, HASH_LEN);
	odocrypt_hash(c, header, hash);
	tap_ok(!memcmp(hash, want, HASH_LEN) && !memcmp(buf, want, HASH_LEN), "%s: pow_hash", id);
}

static void test_trace(json_t *v)
{
	size_t i = 0;
	json_t *o;
	struct odocrypt_cipher *c = malloc(sizeof(*c));

	while ((o = tvec_next_primitive(v, "odocrypt_trace", &i))) {
		odocrypt_cipher_init(c, (uint32_t)tvec_u64(o, "key"));
		test_trace_one(o, c);
	}
	free(c);
}

static void test_odo_key(json_t *v)
{
	size_t i = 0;
	json_t *o;

	while ((o = tvec_next_primitive(v, "odo_key", &i))) {
		uint32_t time = (uint32_t)tvec_u64(o, "time");
		uint32_t interval = (uint32_t)tvec_u64(o, "interval");
		uint32_t key = (uint32_t)tvec_u64(o, "key");
		struct algo_params p = { .network = ALGO_NETWORK_MAINNET };
		uint8_t header[HEADER_LEN] = { 0 };
		int has_network = 0;

		/* The network whose epoch the vector names (each of them, through the map). */
		for (int n = ALGO_NETWORK_MAINNET; n <= ALGO_NETWORK_REGTEST_717; n++) {
			if (odocrypt_epoch_s((enum algo_network)n) == interval) {
				p.network = (enum algo_network)n;
				has_network = 1;
			}
		}
		le32_store(header + NTIME_OFFSET, time);
		tap_ok(has_network && odocrypt_key_for_time(time, interval) == key &&
			       odocrypt_key(&p, header) == key,
		       "%s", tvec_str(o, "id"));
	}
}

/* The header vector of odocrypt.json with this id. */
static json_t *find_vector(json_t *v, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(v, i, o) {
		if (!strcmp(tvec_str(o, "id"), id))
			return o;
	}
	printf("Bail out! vector %s missing\n", id);
	exit(99);
}

/*
 * Prepares the header of vector o (key derived from nTime on mainnet, not
 * forced), scans nonces around the vector's and checks: the hit at the
 * vector's nonce with target = its pow_hash, the miss at pow_hash - 1, and
 * every hit of a wider target against the reference hash.
 */
static int straddle_scan(const struct algo_impl *impl, void *ctx, json_t *o)
{
	const struct algo *a = &algo_odocrypt;
	const struct algo_params p = { .network = ALGO_NETWORK_MAINNET };
	uint8_t header[HEADER_LEN], want[HASH_LEN], below[HASH_LEN], h[HASH_LEN];
	uint32_t hits[16], hit;

	tvec_hex(o, "header", header, HEADER_LEN);
	tvec_hex(o, "pow_hash", want, HASH_LEN);
	uint32_t nonce = le32_load(header + NONCE_OFFSET);
	if (odocrypt_key(&p, header) != (uint32_t)tvec_u64(o, "odo_key") ||
	    a->prepare(ctx, &p, header))
		return 0;
	if (impl->scan(ctx, want, nonce, nonce, &hit, 1) != 1 || hit != nonce)
		return 0;
	memcpy(below, want, HASH_LEN);
	for (int k = 0, borrow = 1; k < HASH_LEN && borrow; k++)
		borrow = below[k]-- == 0;
	if (impl->scan(ctx, below, nonce, nonce, &hit, 1) != 0)
		return 0;

	/* Target: the hash of nonce + 5, so a few of the 12 nonces hit. */
	uint32_t first = nonce - 3, last = nonce + 8;
	uint8_t target[HASH_LEN];
	le32_store(header + NONCE_OFFSET, nonce + 5);
	a->hash(&p, header, target);
	unsigned n = impl->scan(ctx, target, first, last, hits, 16), expect = 0;
	for (uint32_t x = first; x <= last; x++) {
		le32_store(header + NONCE_OFFSET, x);
		a->hash(&p, header, h);
		if (hash_le_target(h, target)) {
			if (expect >= n || hits[expect] != x)
				return 0;
			expect++;
		}
	}
	return n == expect;
}

/*
 * One context, one job whose nTime crosses a mainnet epoch boundary: the
 * last second of an epoch, the first of the next, back, and forward again.
 * Each header is hashed with its own key, and each key is built once.
 */
static void test_epoch_straddle(unsigned cpu)
{
	const struct algo *a = &algo_odocrypt;
	json_t *v = tvec_load("odocrypt.json");
	json_t *last = find_vector(v, "odocrypt-11-epoch-last-second");
	json_t *next = find_vector(v, "odocrypt-12-epoch-next");

	tap_ok(tvec_u64(last, "time") + 1 == tvec_u64(next, "time") &&
		       tvec_u64(last, "odo_key") != tvec_u64(next, "odo_key"),
	       "epoch vectors are one second apart across a key change");
	for (unsigned k = 0; k < a->n_impls; k++) {
		const struct algo_impl *impl = &a->impls[k];
		if ((impl->cpu_needs & cpu) != impl->cpu_needs) {
			tap_skip("odocrypt %s: this CPU lacks what the impl needs", impl->name);
			continue;
		}
		struct odocrypt_ctx *ctx = algo_ctx_new(a);
		int ok = ctx != NULL;
		ok = ok && straddle_scan(impl, ctx, last) && ctx->builds == 1;
		ok = ok && straddle_scan(impl, ctx, next) && ctx->builds == 2;
		tap_ok(ok, "odocrypt %s: scans across an epoch boundary use each header's key",
		       impl->name);
		ok = ok && straddle_scan(impl, ctx, last) && straddle_scan(impl, ctx, next) &&
		     straddle_scan(impl, ctx, last) && ctx->builds == 2;
		tap_ok(ok, "odocrypt %s: going back and forth reuses both cached keys", impl->name);
		algo_ctx_free(ctx);
	}
	json_decref(v);
}

int main(void)
{
	json_t *v = tvec_load("primitives.json");

	test_keccak(v);
	test_cipher(v);
	test_schedule(v);
	test_trace(v);
	test_odo_key(v);
	json_decref(v);
	test_epoch_straddle(cpu_features());
	return tap_done();
}
