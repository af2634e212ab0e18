/* SPDX-License-Identifier: MIT */
#ifndef QM_SHA256D_LANES_H
#define QM_SHA256D_LANES_H

/*
 * SHA-256d scan on VLANES32 nonces at once, one per 32-bit lane
 * (docs/pow.md §3.1), written once for sha256d_avx2.c and
 * sha256d_avx512.c in the vocabulary of vec_<isa>.h, which they include
 * first. Each lane group starts from the nonce-independent work prepare left
 * in struct sha256d_ctx (rounds 0..3 of the header's second block, constant
 * schedule terms), and the second hash stops after round 60, whose new e is
 * the last state word: the one the most-significant-word pre-check needs.
 * Candidates are checked in full by sha256d_check_nonce. Everything here is
 * static inline (style.md §1).
 */
#include "sha256d.h"

#include "endian.h"
#include "lane_walk.h"
#include "sha256.h"
#include "sha256_lanes.h"

/* The state words in scope, named as in round 0. */
#define SHA256D_LANES_V v0, v1, v2, v3, v4, v5, v6, v7

/* Round t, i = t % 8 (a literal), on the state words in scope. */
#define SHA256D_LANES_R(i, kw) SHA256_LANES_ROUND(i, SHA256D_LANES_V, kw)

/* K[t] + W[t] from the 64-word schedule w[] in scope. */
#define SHA256D_LANES_KW(t) VADD32(w[t], sha256_lanes_k(t))

/*
 * SHA-256d of the nonces base..base + VLANES32 - 1, one per lane, as far as
 * word 7 of the second hash; returns the lanes whose hash's most significant
 * 32 bits (that word byte-swapped) are <= target_top, as a bit mask.
 */
static inline unsigned sha256d_lanes_mask(const struct sha256d_ctx *ctx, uint32_t base,
					  uint32_t target_top)
{
	VEC w[64];
	VEC v0, v1, v2, v3, v4, v5, v6, v7;
	/* The nonce is stored little-endian; W3 reads it big-endian. */
	VEC w3 = VBSWAP32(VADD32(VSET1(base), VIOTA32()));

	/* First hash, second block: from the state after round 3, plus W3. */
	v4 = VADD32(VSET1(ctx->b2_state[0]), w3);
	v5 = VSET1(ctx->b2_state[1]);
	v6 = VSET1(ctx->b2_state[2]);
	v7 = VSET1(ctx->b2_state[3]);
	v0 = VADD32(VSET1(ctx->b2_state[4]), w3);
	v1 = VSET1(ctx->b2_state[5]);
	v2 = VSET1(ctx->b2_state[6]);
	v3 = VSET1(ctx->b2_state[7]);
	SHA256D_LANES_R(4, VSET1(ctx->b2_kw[4]));
	SHA256D_LANES_R(5, VSET1(ctx->b2_kw[5]));
	SHA256D_LANES_R(6, VSET1(ctx->b2_kw[6]));
	SHA256D_LANES_R(7, VSET1(ctx->b2_kw[7]));
	SHA256D_LANES_R(0, VSET1(ctx->b2_kw[8]));
	SHA256D_LANES_R(1, VSET1(ctx->b2_kw[9]));
	SHA256D_LANES_R(2, VSET1(ctx->b2_kw[10]));
	SHA256D_LANES_R(3, VSET1(ctx->b2_kw[11]));
	SHA256D_LANES_R(4, VSET1(ctx->b2_kw[12]));
	SHA256D_LANES_R(5, VSET1(ctx->b2_kw[13]));
	SHA256D_LANES_R(6, VSET1(ctx->b2_kw[14]));
	SHA256D_LANES_R(7, VSET1(ctx->b2_kw[15]));

	/*
	 * Schedule: W3 is the only varying word of the block, so W16, W17 are
	 * constant and W18..W32 have the few varying terms written out (the
	 * rest is in b2_wc).
	 */
	w[16] = VSET1(ctx->b2_wc[0]);
	w[17] = VSET1(ctx->b2_wc[1]);
	w[18] = VADD32(VSET1(ctx->b2_wc[2]), sha256_lanes_ssig0(w3));
	w[19] = VADD32(VSET1(ctx->b2_wc[3]), w3);
	for (int t = 20; t < 25; t++)
		w[t] = VADD32(VSET1(ctx->b2_wc[t - 16]), sha256_lanes_ssig1(w[t - 2]));
	for (int t = 25; t < 33; t++)
		w[t] = sha256_lanes_add3(VSET1(ctx->b2_wc[t - 16]), sha256_lanes_ssig1(w[t - 2]),
					 w[t - 7]);
	for (int t = 33; t < 64; t++)
		w[t] = sha256_lanes_w(w[t - 2], w[t - 7], w[t - 15], w[t - 16]);
	for (int t = 16; t < 64; t += 8)
		SHA256_LANES_ROUNDS8(SHA256D_LANES_V, SHA256D_LANES_KW, t);

	/* The first hash is the second hash's message, W0..W7. */
	w[0] = VADD32(v0, VSET1(ctx->midstate[0]));
	w[1] = VADD32(v1, VSET1(ctx->midstate[1]));
	w[2] = VADD32(v2, VSET1(ctx->midstate[2]));
	w[3] = VADD32(v3, VSET1(ctx->midstate[3]));
	w[4] = VADD32(v4, VSET1(ctx->midstate[4]));
	w[5] = VADD32(v5, VSET1(ctx->midstate[5]));
	w[6] = VADD32(v6, VSET1(ctx->midstate[6]));
	w[7] = VADD32(v7, VSET1(ctx->midstate[7]));

	/* Second hash: from the IV after round 0, plus W0. */
	v7 = VADD32(VSET1(ctx->h2_state[0]), w[0]);
	v0 = VSET1(ctx->h2_state[1]);
	v1 = VSET1(ctx->h2_state[2]);
	v2 = VSET1(ctx->h2_state[3]);
	v3 = VADD32(VSET1(ctx->h2_state[4]), w[0]);
	v4 = VSET1(ctx->h2_state[5]);
	v5 = VSET1(ctx->h2_state[6]);
	v6 = VSET1(ctx->h2_state[7]);
	SHA256D_LANES_R(1, SHA256D_LANES_KW(1));
	SHA256D_LANES_R(2, SHA256D_LANES_KW(2));
	SHA256D_LANES_R(3, SHA256D_LANES_KW(3));
	SHA256D_LANES_R(4, SHA256D_LANES_KW(4));
	SHA256D_LANES_R(5, SHA256D_LANES_KW(5));
	SHA256D_LANES_R(6, SHA256D_LANES_KW(6));
	SHA256D_LANES_R(7, SHA256D_LANES_KW(7));
	SHA256D_LANES_R(0, VSET1(ctx->h2_kw[8]));
	SHA256D_LANES_R(1, VSET1(ctx->h2_kw[9]));
	SHA256D_LANES_R(2, VSET1(ctx->h2_kw[10]));
	SHA256D_LANES_R(3, VSET1(ctx->h2_kw[11]));
	SHA256D_LANES_R(4, VSET1(ctx->h2_kw[12]));
	SHA256D_LANES_R(5, VSET1(ctx->h2_kw[13]));
	SHA256D_LANES_R(6, VSET1(ctx->h2_kw[14]));
	SHA256D_LANES_R(7, VSET1(ctx->h2_kw[15]));

	/* W8..W15 are padding: their terms are in h2_wc. */
	for (int t = 16; t < 18; t++)
		w[t] = sha256_lanes_add3(VSET1(ctx->h2_wc[t - 16]), sha256_lanes_ssig0(w[t - 15]),
					 w[t - 16]);
	for (int t = 18; t < 23; t++)
		w[t] = VADD32(sha256_lanes_add3(VSET1(ctx->h2_wc[t - 16]),
						sha256_lanes_ssig1(w[t - 2]),
						sha256_lanes_ssig0(w[t - 15])),
			      w[t - 16]);
	w[23] = VADD32(sha256_lanes_add3(VSET1(ctx->h2_wc[7]), sha256_lanes_ssig1(w[21]), w[16]),
		       w[7]);
	for (int t = 24; t < 31; t++)
		w[t] = sha256_lanes_add3(VSET1(ctx->h2_wc[t - 16]), sha256_lanes_ssig1(w[t - 2]),
					 w[t - 7]);
	w[31] = VADD32(sha256_lanes_add3(VSET1(ctx->h2_wc[15]), sha256_lanes_ssig1(w[29]), w[24]),
		       sha256_lanes_ssig0(w[16]));
	for (int t = 32; t < 61; t++)
		w[t] = sha256_lanes_w(w[t - 2], w[t - 7], w[t - 15], w[t - 16]);
	for (int t = 16; t < 56; t += 8)
		SHA256_LANES_ROUNDS8(SHA256D_LANES_V, SHA256D_LANES_KW, t);
	SHA256D_LANES_R(0, SHA256D_LANES_KW(56));
	SHA256D_LANES_R(1, SHA256D_LANES_KW(57));
	SHA256D_LANES_R(2, SHA256D_LANES_KW(58));
	SHA256D_LANES_R(3, SHA256D_LANES_KW(59));

	/*
	 * Round 60 as far as its new e (d + T1): rounds 61..63 only move it
	 * to h, so it plus IV word 7 is the last state word.
	 */
	VEC t1 = sha256_lanes_add3(VADD32(v3, SHA256D_LANES_KW(60)), VCH(v0, v1, v2),
				   sha256_lanes_bsig1(v0));
	VEC h7 = sha256_lanes_add3(v7, t1, VSET1(sha256_iv[7]));

	/* Word 7 is stored big-endian in hash bytes 28..31, the top (docs/pow.md §1). */
	return VCMPLEU32(VBSWAP32(h7), VSET1(target_top));
}

/* The scan (algo_scan_fn) of the including ISA file. */
static inline unsigned sha256d_lanes_scan(void *vctx, const uint8_t target[HASH_LEN],
					  uint32_t first, uint32_t last, uint32_t *hits,
					  unsigned max_hits)
{
	const struct sha256d_ctx *ctx = vctx;
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	if (max_hits == 0)
		return 0;
	struct lane_walk w = lane_walk_begin(first, last);
	do {
		unsigned mask = sha256d_lanes_mask(ctx, w.base, target_top) &
				lane_walk_mask(&w, VLANES32);

		while (mask) {
			uint32_t nonce = w.base + (uint32_t)__builtin_ctz(mask);

			mask &= mask - 1;
			if (sha256d_check_nonce(ctx, target, nonce)) {
				hits[n++] = nonce;
				if (n == max_hits)
					return n;
			}
		}
	} while (lane_walk_next(&w, VLANES32));
	return n;
}

#endif
