/* SPDX-License-Identifier: MIT */
/*
 * scrypt building blocks (docs/pow.md §3.2) against tests/vectors/primitives.json:
 * Salsa20/8 steps and every stage of scrypt_stages, through the functions of scrypt.h,
 * and the diagonal block layout of the SIMD scans.
 */
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "endian.h"
#include "scrypt.h"
#include "tap.h"
#include "tvec.h"

/* A hex field of 4 * count bytes as little-endian words. */
static void words_of(json_t *o, const char *key, uint32_t *w, size_t count)
{
	uint8_t b[SCRYPT_BLOCK_WORDS * 4];

	tvec_hex(o, key, b, 4 * count);
	for (size_t k = 0; k < count; k++)
		w[k] = le32_load(b + 4 * k);
}

static void test_salsa(json_t *v)
{
	size_t i = 0;
	json_t *o;

	while ((o = tvec_next_primitive(v, "salsa20_8_xor", &i))) {
		uint32_t b[16], bx[16], want[16];
		words_of(o, "b", b, 16);
		words_of(o, "bx", bx, 16);
		words_of(o, "output", want, 16);
		scrypt_salsa20_8_xor(b, bx);
		tap_ok(!memcmp(b, want, sizeof(b)), "%s", tvec_str(o, "id"));
	}
}

static void test_stages(json_t *v, uint32_t *pad)
{
	size_t i = 0;
	json_t *o;

	while ((o = tvec_next_primitive(v, "scrypt_stages", &i))) {
		const char *id = tvec_str(o, "id");
		uint8_t header[HEADER_LEN], hash[HASH_LEN], want_hash[HASH_LEN];
		uint32_t x[SCRYPT_BLOCK_WORDS], y[SCRYPT_BLOCK_WORDS], want[SCRYPT_BLOCK_WORDS];

		tvec_hex(o, "header", header, HEADER_LEN);
		scrypt_pbkdf2_in(header, x);
		words_of(o, "pbkdf2_out", want, SCRYPT_BLOCK_WORDS);
		tap_ok(!memcmp(x, want, sizeof(x)), "%s: pbkdf2_out", id);

		memcpy(y, want, sizeof(y));
		scrypt_blockmix(y);
		words_of(o, "blockmix_once", want, SCRYPT_BLOCK_WORDS);
		tap_ok(!memcmp(y, want, sizeof(y)), "%s: blockmix_once", id);

		words_of(o, "pbkdf2_out", x, SCRYPT_BLOCK_WORDS);
		scrypt_romix_fill(x, pad);
		words_of(o, "after_fill", want, SCRYPT_BLOCK_WORDS);
		tap_ok(!memcmp(x, want, sizeof(x)), "%s: after_fill", id);

		scrypt_romix_mix(x, pad);
		words_of(o, "romix_out", want, SCRYPT_BLOCK_WORDS);
		tap_ok(!memcmp(x, want, sizeof(x)), "%s: romix_out", id);

		scrypt_pbkdf2_out(header, want, hash);
		tvec_hex(o, "pow_hash", want_hash, HASH_LEN);
		tap_ok(!memcmp(hash, want_hash, HASH_LEN), "%s: pow_hash from romix_out", id);

		/* The scan path: prepared context, per-nonce HMAC states, same stages. */
		const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };
		struct scrypt_ctx *ctx = algo_ctx_new(&algo_scrypt);
		struct scrypt_hmac hmac;
		uint32_t st[8];
		int ok = ctx && algo_scrypt.prepare(ctx, &params, header) == 0;
		if (ok) {
			scrypt_lane_in(ctx, le32_load(header + NONCE_OFFSET), &hmac, x);
			words_of(o, "pbkdf2_out", want, SCRYPT_BLOCK_WORDS);
			ok = !memcmp(x, want, sizeof(x));
			words_of(o, "romix_out", x, SCRYPT_BLOCK_WORDS);
			scrypt_lane_out(&hmac, x, st);
			for (int k = 0; k < 8; k++)
				be32_store(hash + 4 * k, st[k]);
			ok &= !memcmp(hash, want_hash, HASH_LEN);
		}
		tap_ok(ok, "%s: scan-path PBKDF2 (prepared midstate)", id);
		algo_ctx_free(ctx);

		algo_scrypt.hash(&params, header, hash);
		tap_ok(!memcmp(hash, want_hash, HASH_LEN), "%s: reference hash", id);
	}
}

/*
 * The diagonal layout the SIMD scans rely on (scrypt.h): pack/unpack are
 * inverse for both strides, and Integerify's word 16 lies at slot 0 of row 4.
 */
static void test_diag(void)
{
	enum { LANES = SCRYPT_MAX_LANES, WORDS = LANES * SCRYPT_BLOCK_WORDS };
	static uint32_t x[WORDS], diag[WORDS], back[WORDS];

	for (unsigned k = 0; k < WORDS; k++)
		x[k] = k * 0x9e3779b9u;
	for (unsigned per_vec = 1; per_vec <= 4; per_vec *= 2) {
		for (int sliced = 0; sliced < 2; sliced++) {
			unsigned ls = sliced ? 1 : SCRYPT_BLOCK_WORDS, ws = sliced ? LANES : 1;
			int ok = 1;

			scrypt_diag_pack(diag, x, ls, ws, LANES, per_vec);
			for (unsigned lane = 0; lane < LANES; lane++) {
				unsigned g = lane / per_vec, h = lane % per_vec;
				uint32_t word16 = x[lane * ls + 16 * ws];
				ok &= diag[((g * 8 + 4) * per_vec + h) * 4] == word16;
			}
			memset(back, 0, sizeof(back));
			scrypt_diag_unpack(back, diag, ls, ws, LANES, per_vec);
			ok &= !memcmp(back, x, sizeof(x));
			tap_ok(ok, "diagonal layout, %u hash(es) per vector, %s", per_vec,
			       sliced ? "word-sliced" : "lane after lane");
		}
	}
}

int main(void)
{
	json_t *v = tvec_load("primitives.json");
	uint32_t *pad = malloc(SCRYPT_PAD_WORDS * sizeof(*pad));

	if (!tap_ok(pad != NULL, "scratchpad allocated"))
		return tap_done();
	test_salsa(v);
	test_stages(v, pad);
	test_diag();
	free(pad);
	json_decref(v);
	return tap_done();
}
