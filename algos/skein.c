/* SPDX-License-Identifier: MIT */
#include "skein.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "endian.h"
#include "sha256.h"

/* SHA-256(Skein-512-512(header)) (docs/pow.md §3.3). */
static void skein_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
		       uint8_t out[HASH_LEN])
{
	uint8_t sk[64];

	skein512_512(header, HEADER_LEN, sk);
	sha256(sk, sizeof(sk), out);
}

static uint32_t skein_sigma0(uint32_t x)
{
	return rotr32(x, 7) ^ rotr32(x, 18) ^ (x >> 3);
}

static uint32_t skein_sigma1(uint32_t x)
{
	return rotr32(x, 17) ^ rotr32(x, 19) ^ (x >> 10);
}

/*
 * K[t] + W[t] of the SHA-256 padding block of a 64-byte message (FIPS 180-4
 * §5.1.1: 0x80, zeros, bit length 512), W expanded as in §6.2.2 step 1: the
 * same for every nonce, so the SIMD scans skip its message schedule.
 */
static void skein_pad_schedule(uint32_t wk[64])
{
	uint32_t w[64] = { 0x80000000u };

	w[15] = 64 * 8;
	for (unsigned t = 16; t < 64; t++)
		w[t] = skein_sigma1(w[t - 2]) + w[t - 7] + skein_sigma0(w[t - 15]) + w[t - 16];
	for (unsigned t = 0; t < 64; t++)
		wk[t] = sha256_k[t] + w[t];
}

static int skein_prepare(void *vctx, const struct algo_params *params,
			 const uint8_t header[HEADER_LEN])
{
	struct skein_ctx *ctx = vctx;
	uint64_t m[SKEIN512_WORDS], k[9], t[3];

	/* First UBI message block: bytes 0..63, position 64, First. */
	memcpy(ctx->chain, skein512_512_iv, sizeof(ctx->chain));
	skein512_load_block(header, m);
	skein512_ubi(ctx->chain, m, SKEIN512_BLOCK_LEN,
		     SKEIN512_T1_FIRST | SKEIN512_T1_TYPE(SKEIN512_TYPE_MSG));
	ctx->m0 = le64_load(header + 64);
	ctx->m1 = le32_load(header + 72);

	/* Subkeys of the second block (Skein 1.3, "The Key Schedule"). */
	k[8] = SKEIN512_C240;
	for (unsigned i = 0; i < SKEIN512_WORDS; i++) {
		k[i] = ctx->chain[i];
		k[8] ^= k[i];
	}
	t[0] = SKEIN_MSG2_POS;
	t[1] = SKEIN_MSG2_T1;
	t[2] = t[0] ^ t[1];
	for (unsigned s = 0; s < 19; s++) {
		for (unsigned i = 0; i < SKEIN512_WORDS; i++)
			ctx->ks[s][i] = k[(s + i) % 9];
		ctx->ks[s][5] += t[s % 3];
		ctx->ks[s][6] += t[(s + 1) % 3];
		ctx->ks[s][7] += s;
	}
	skein_pad_schedule(ctx->sha_pad_wk);
	return 0;
}

unsigned skein_scan_portable(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			     uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct skein_ctx *ctx = vctx;
	const uint64_t tweak[2] = { SKEIN_MSG2_POS, SKEIN_MSG2_T1 };
	/* SHA-256 padding block of the 64-byte Skein output (FIPS 180-4 §5.1.1). */
	uint8_t pad[64] = { 0x80 };
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	be32_store(pad + 60, 64 * 8);
	for (uint32_t nonce = first;; nonce++) {
		uint64_t m[SKEIN512_WORDS] = { ctx->m0, ctx->m1 | (uint64_t)nonce << 32 };
		uint64_t h[SKEIN512_WORDS];
		uint8_t sk[64], hash[HASH_LEN];
		uint32_t st[8];

		/* Second block (UBI feed-forward: only words 0 and 1 of m are nonzero). */
		skein512_threefish(ctx->chain, tweak, m, h);
		h[0] ^= m[0];
		h[1] ^= m[1];
		skein512_output(h, sk);
		memcpy(st, sha256_iv, sizeof(st));
		sha256_compress(st, sk);
		sha256_compress(st, pad);
		/* Most significant word of the little-endian hash is the last state word. */
		if (__builtin_bswap32(st[7]) <= target_top) {
			sha256_state_store(st, hash);
			if (hash_le_target(hash, target) && n < max_hits)
				hits[n++] = nonce;
		}
		if (nonce == last)
			break;
	}
	return n;
}

static const struct algo_impl skein_impls[] = {
#if HAVE_AVX512
	{ .name = "avx512",
	  .cpu_needs = CPU_AVX512F | CPU_AVX512VL | CPU_AVX512BW | CPU_BMI2,
	  .lanes = 32,
	  .scan = skein_scan_avx512 },
#endif
#if HAVE_AVX2
	{ .name = "avx2", .cpu_needs = CPU_AVX2 | CPU_BMI2, .lanes = 8, .scan = skein_scan_avx2 },
#endif
	{ .name = "portable", .cpu_needs = 0, .lanes = 1, .scan = skein_scan_portable },
};

const struct algo algo_skein = {
	.name = "skein",
	.node_name = "skein",
	.version_bits = 0x600,
	.hash = skein_hash,
	.ctx_size = sizeof(struct skein_ctx),
	.prepare = skein_prepare,
	.impls = skein_impls,
	.n_impls = sizeof(skein_impls) / sizeof(skein_impls[0]),
	.share_scale = 1.0,
	.kernel = "skein.cl",
};
