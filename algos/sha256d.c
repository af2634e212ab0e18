/* SPDX-License-Identifier: MIT */
#include "sha256d.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "endian.h"
#include "sha256.h"

/* SHA-256d (docs/pow.md §3.1). */
static void sha256d_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
			 uint8_t out[HASH_LEN])
{
	sha256d(header, HEADER_LEN, out);
}

/* FIPS 180-4 §4.1.2 functions, for the precomputation below. */
static uint32_t sha256d_bsig0(uint32_t x)
{
	return rotr32(x, 2) ^ rotr32(x, 13) ^ rotr32(x, 22);
}

static uint32_t sha256d_bsig1(uint32_t x)
{
	return rotr32(x, 6) ^ rotr32(x, 11) ^ rotr32(x, 25);
}

static uint32_t sha256d_ssig0(uint32_t x)
{
	return rotr32(x, 7) ^ rotr32(x, 18) ^ (x >> 3);
}

static uint32_t sha256d_ssig1(uint32_t x)
{
	return rotr32(x, 17) ^ rotr32(x, 19) ^ (x >> 10);
}

/* One round of FIPS 180-4 §6.2.2 step 3 on s = a..h, with kw = K[t] + W[t]. */
static void sha256d_round(uint32_t s[8], uint32_t kw)
{
	uint32_t t1 = s[7] + sha256d_bsig1(s[4]) + ((s[4] & s[5]) ^ (~s[4] & s[6])) + kw;
	uint32_t t2 = sha256d_bsig0(s[0]) + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));

	memmove(s + 1, s, 7 * sizeof(s[0]));
	s[4] += t1;
	s[0] = t1 + t2;
}

/*
 * Nonce-independent part of schedule words W16..W32 (FIPS 180-4 §6.2.2
 * step 1): for each, the sum of the terms sigma1(W[t-2]), W[t-7],
 * sigma0(W[t-15]), W[t-16] whose input depends on no word set in var_mask.
 * block holds the 16 message words, those in var_mask zero.
 */
static void sha256d_schedule_consts(const uint32_t block[16], uint64_t var_mask,
				    uint32_t wc[17])
{
	uint32_t w[33];

	memcpy(w, block, 16 * sizeof(w[0]));
	for (int t = 16; t <= 32; t++) {
		uint32_t c = 0;

		if (!(var_mask >> (t - 2) & 1))
			c += sha256d_ssig1(w[t - 2]);
		if (!(var_mask >> (t - 7) & 1))
			c += w[t - 7];
		if (!(var_mask >> (t - 15) & 1))
			c += sha256d_ssig0(w[t - 15]);
		if (!(var_mask >> (t - 16) & 1))
			c += w[t - 16];
		if (var_mask >> (t - 2) & 1 || var_mask >> (t - 7) & 1 ||
		    var_mask >> (t - 15) & 1 || var_mask >> (t - 16) & 1)
			var_mask |= UINT64_C(1) << t;
		w[t] = c;
		wc[t - 16] = c;
	}
}

static int sha256d_prepare(void *vctx, const struct algo_params *params,
			   const uint8_t header[HEADER_LEN])
{
	struct sha256d_ctx *ctx = vctx;
	/* FIPS 180-4 §5.1.1 padding of the 80-byte header and of the 32-byte hash. */
	uint32_t b2[16] = { [4] = 0x80000000, [15] = HEADER_LEN * 8 };
	uint32_t h2[16] = { [8] = 0x80000000, [15] = HASH_LEN * 8 };

	memcpy(ctx->header, header, HEADER_LEN);
	memcpy(ctx->midstate, sha256_iv, sizeof(ctx->midstate));
	sha256_compress(ctx->midstate, header);

	/* Header words 16..18; W3, the nonce, stays 0 here and is added per lane. */
	for (int i = 0; i < 3; i++)
		b2[i] = be32_load(header + 64 + 4 * i);
	memcpy(ctx->b2_state, ctx->midstate, sizeof(ctx->b2_state));
	for (int t = 0; t < 4; t++)
		sha256d_round(ctx->b2_state, sha256_k[t] + b2[t]);
	for (int t = 0; t < 16; t++)
		ctx->b2_kw[t] = sha256_k[t] + b2[t];
	sha256d_schedule_consts(b2, 1u << 3, ctx->b2_wc);

	memcpy(ctx->h2_state, sha256_iv, sizeof(ctx->h2_state));
	sha256d_round(ctx->h2_state, sha256_k[0]);
	for (int t = 0; t < 16; t++)
		ctx->h2_kw[t] = sha256_k[t] + h2[t];
	sha256d_schedule_consts(h2, 0xff, ctx->h2_wc);
	return 0;
}

int sha256d_check_nonce(const struct sha256d_ctx *ctx, const uint8_t target[HASH_LEN],
			uint32_t nonce)
{
	uint8_t block[64] = { 0 };
	uint32_t st[8];
	uint8_t hash[HASH_LEN];

	memcpy(block, ctx->header + 64, 16);
	le32_store(block + 12, nonce);
	block[16] = 0x80;
	be32_store(block + 60, HEADER_LEN * 8);
	memcpy(st, ctx->midstate, sizeof(st));
	sha256_compress(st, block);
	memset(block, 0, sizeof(block));
	sha256_state_store(st, block);
	block[32] = 0x80;
	be32_store(block + 60, HASH_LEN * 8);
	memcpy(st, sha256_iv, sizeof(st));
	sha256_compress(st, block);
	sha256_state_store(st, hash);
	return hash_le_target(hash, target);
}

unsigned sha256d_scan_portable(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			       uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct sha256d_ctx *ctx = vctx;
	/* Second block of the header: bytes 64..79, then FIPS 180-4 padding for 80 bytes. */
	uint8_t block2[64] = { 0 }, block3[64] = { 0 };
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	memcpy(block2, ctx->header + 64, 16);
	block2[16] = 0x80;
	be32_store(block2 + 60, HEADER_LEN * 8);
	block3[32] = 0x80;
	be32_store(block3 + 60, 32 * 8);

	for (uint32_t nonce = first;; nonce++) {
		uint32_t st[8];
		uint8_t hash[HASH_LEN];

		le32_store(block2 + 12, nonce);
		memcpy(st, ctx->midstate, sizeof(st));
		sha256_compress(st, block2);
		sha256_state_store(st, block3);
		memcpy(st, sha256_iv, sizeof(st));
		sha256_compress(st, block3);
		/* Most significant word of the little-endian hash is the last state word. */
		uint32_t top = __builtin_bswap32(st[7]);
		if (top <= target_top) {
			sha256_state_store(st, hash);
			if (hash_le_target(hash, target) && n < max_hits)
				hits[n++] = nonce;
		}
		if (nonce == last)
			break;
	}
	return n;
}

/*
 * Best first, as measured single-threaded on a Xeon with all three (on AMD
 * Zen 5 too: avx512 36 MH/s, shani 18 MH/s per thread-CPU-second).
 */
static const struct algo_impl sha256d_impls[] = {
#if HAVE_AVX512
	{ .name = "avx512", .lanes = 32, .scan = sha256d_scan_avx512,
	  .cpu_needs = CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_AVX2 | CPU_BMI2 },
#endif
#if HAVE_SHANI
	{ .name = "shani", .cpu_needs = CPU_SHA | CPU_SSE41, .lanes = 2,
	  .scan = sha256d_scan_shani },
#endif
#if HAVE_AVX2
	{ .name = "avx2", .cpu_needs = CPU_AVX2 | CPU_BMI2, .lanes = 8, .scan = sha256d_scan_avx2 },
#endif
	{ .name = "portable", .cpu_needs = 0, .lanes = 1, .scan = sha256d_scan_portable },
};

const struct algo algo_sha256d = {
	.name = "sha256d",
	.node_name = "sha256d",
	.version_bits = 0x200,
	.hash = sha256d_hash,
	.ctx_size = sizeof(struct sha256d_ctx),
	.prepare = sha256d_prepare,
	.impls = sha256d_impls,
	.n_impls = sizeof(sha256d_impls) / sizeof(sha256d_impls[0]),
	.share_scale = 1.0,
	.kernel = "sha256d.cl",
};
