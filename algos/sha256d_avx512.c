/* SPDX-License-Identifier: MIT */
/*
 * SHA-256d scan with AVX-512 (digibyte-pow.md §3.1): sixteen nonces at once,
 * one per 32-bit lane, FIPS 180-4 §6.2.2 on vectors; rotates are vprord and
 * the three-input functions (Ch, Maj, the sigma XORs) one ternary-logic op.
 * Each lane group starts from the nonce-independent work prepare left in
 * struct sha256d_ctx (rounds 0..3 of the header's second block, constant
 * schedule terms), and the second hash stops after round 60, whose new e is
 * the last state word: the one the most-significant-word pre-check needs.
 * Candidates are checked in full by sha256d_check_nonce.
 */
#include "sha256d.h"

#include <immintrin.h>

#include "endian.h"
#include "sha256.h"

#define SHA256D_AVX512_LANES 16

/* FIPS 180-4 §4.1.2; 0x96 is the ternary-logic table of x ^ y ^ z. */
static inline __m512i sha256d_avx512_bsig0(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 2), _mm512_ror_epi32(x, 13),
					 _mm512_ror_epi32(x, 22), 0x96);
}

static inline __m512i sha256d_avx512_bsig1(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 6), _mm512_ror_epi32(x, 11),
					 _mm512_ror_epi32(x, 25), 0x96);
}

static inline __m512i sha256d_avx512_ssig0(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 7), _mm512_ror_epi32(x, 18),
					 _mm512_srli_epi32(x, 3), 0x96);
}

static inline __m512i sha256d_avx512_ssig1(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 17), _mm512_ror_epi32(x, 19),
					 _mm512_srli_epi32(x, 10), 0x96);
}

/* Ch(e, f, g) = e ? f : g bitwise: table 0xca. */
static inline __m512i sha256d_avx512_ch(__m512i e, __m512i f, __m512i g)
{
	return _mm512_ternarylogic_epi32(e, f, g, 0xca);
}

/* Maj(a, b, c): table 0xe8. */
static inline __m512i sha256d_avx512_maj(__m512i a, __m512i b, __m512i c)
{
	return _mm512_ternarylogic_epi32(a, b, c, 0xe8);
}

static inline __m512i sha256d_avx512_add3(__m512i x, __m512i y, __m512i z)
{
	return _mm512_add_epi32(_mm512_add_epi32(x, y), z);
}

/* Byte swap in AVX512F: bytes 3 and 1 from x rotated right by 8, 2 and 0 from left. */
static inline __m512i sha256d_avx512_bswap(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_set1_epi32((int)0xff00ff00u),
					 _mm512_ror_epi32(x, 8), _mm512_rol_epi32(x, 8), 0xca);
}

static inline __m512i sha256d_avx512_k(int t)
{
	return _mm512_set1_epi32((int)sha256_k[t]);
}

static inline __m512i sha256d_avx512_set1(uint32_t x)
{
	return _mm512_set1_epi32((int)x);
}

/*
 * One round on a..h with kw = K[t] + W[t]: only d and h change (d += T1,
 * h = T1 + T2); the caller rotates the names instead of moving the words.
 */
#define SHA256D_AVX512_RND(a, b, c, d, e, f, g, h, kw)                                    \
	do {                                                                              \
		__m512i t1_ = sha256d_avx512_add3(_mm512_add_epi32(h, (kw)),              \
						  sha256d_avx512_ch(e, f, g),             \
						  sha256d_avx512_bsig1(e));               \
		d = _mm512_add_epi32(d, t1_);                                             \
		h = _mm512_add_epi32(t1_, _mm512_add_epi32(sha256d_avx512_bsig0(a),       \
							   sha256d_avx512_maj(a, b, c))); \
	} while (0)

/* Round t with t % 8 == i, on the state words v0..v7 in scope. */
#define R0(kw) SHA256D_AVX512_RND(v0, v1, v2, v3, v4, v5, v6, v7, kw)
#define R1(kw) SHA256D_AVX512_RND(v7, v0, v1, v2, v3, v4, v5, v6, kw)
#define R2(kw) SHA256D_AVX512_RND(v6, v7, v0, v1, v2, v3, v4, v5, kw)
#define R3(kw) SHA256D_AVX512_RND(v5, v6, v7, v0, v1, v2, v3, v4, kw)
#define R4(kw) SHA256D_AVX512_RND(v4, v5, v6, v7, v0, v1, v2, v3, kw)
#define R5(kw) SHA256D_AVX512_RND(v3, v4, v5, v6, v7, v0, v1, v2, kw)
#define R6(kw) SHA256D_AVX512_RND(v2, v3, v4, v5, v6, v7, v0, v1, kw)
#define R7(kw) SHA256D_AVX512_RND(v1, v2, v3, v4, v5, v6, v7, v0, kw)

/* Rounds t..t+7 (t % 8 == 0) from the schedule w[]. */
#define R8W(t)                                                               \
	do {                                                                 \
		R0(_mm512_add_epi32(w[(t)], sha256d_avx512_k(t)));           \
		R1(_mm512_add_epi32(w[(t) + 1], sha256d_avx512_k((t) + 1))); \
		R2(_mm512_add_epi32(w[(t) + 2], sha256d_avx512_k((t) + 2))); \
		R3(_mm512_add_epi32(w[(t) + 3], sha256d_avx512_k((t) + 3))); \
		R4(_mm512_add_epi32(w[(t) + 4], sha256d_avx512_k((t) + 4))); \
		R5(_mm512_add_epi32(w[(t) + 5], sha256d_avx512_k((t) + 5))); \
		R6(_mm512_add_epi32(w[(t) + 6], sha256d_avx512_k((t) + 6))); \
		R7(_mm512_add_epi32(w[(t) + 7], sha256d_avx512_k((t) + 7))); \
	} while (0)

/* FIPS 180-4 §6.2.2 step 1 for one word. */
static inline __m512i sha256d_avx512_sched(const __m512i w[64], int t)
{
	return _mm512_add_epi32(sha256d_avx512_add3(sha256d_avx512_ssig1(w[t - 2]), w[t - 7],
						  sha256d_avx512_ssig0(w[t - 15])), w[t - 16]);
}

/*
 * SHA-256d of the nonces base..base+15, one per lane, as far as word 7 of the
 * second hash; returns the lanes whose hash's most significant 32 bits (that
 * word byte-swapped) are <= target_top, as a bit mask.
 */
static inline unsigned sha256d_avx512_lanes(const struct sha256d_ctx *ctx, uint32_t base,
					  uint32_t target_top)
{
	__m512i w[64];
	__m512i v0, v1, v2, v3, v4, v5, v6, v7;
	__m512i nonce = _mm512_add_epi32(sha256d_avx512_set1(base),
					 _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8,
							  7, 6, 5, 4, 3, 2, 1, 0));
	/* The nonce is stored little-endian; W3 reads it big-endian. */
	__m512i w3 = sha256d_avx512_bswap(nonce);

	/* First hash, second block: from the state after round 3, plus W3. */
	v4 = _mm512_add_epi32(sha256d_avx512_set1(ctx->b2_state[0]), w3);
	v5 = sha256d_avx512_set1(ctx->b2_state[1]);
	v6 = sha256d_avx512_set1(ctx->b2_state[2]);
	v7 = sha256d_avx512_set1(ctx->b2_state[3]);
	v0 = _mm512_add_epi32(sha256d_avx512_set1(ctx->b2_state[4]), w3);
	v1 = sha256d_avx512_set1(ctx->b2_state[5]);
	v2 = sha256d_avx512_set1(ctx->b2_state[6]);
	v3 = sha256d_avx512_set1(ctx->b2_state[7]);
	R4(sha256d_avx512_set1(ctx->b2_kw[4]));
	R5(sha256d_avx512_set1(ctx->b2_kw[5]));
	R6(sha256d_avx512_set1(ctx->b2_kw[6]));
	R7(sha256d_avx512_set1(ctx->b2_kw[7]));
	R0(sha256d_avx512_set1(ctx->b2_kw[8]));
	R1(sha256d_avx512_set1(ctx->b2_kw[9]));
	R2(sha256d_avx512_set1(ctx->b2_kw[10]));
	R3(sha256d_avx512_set1(ctx->b2_kw[11]));
	R4(sha256d_avx512_set1(ctx->b2_kw[12]));
	R5(sha256d_avx512_set1(ctx->b2_kw[13]));
	R6(sha256d_avx512_set1(ctx->b2_kw[14]));
	R7(sha256d_avx512_set1(ctx->b2_kw[15]));

	/*
	 * Schedule: W3 is the only varying word of the block, so W16, W17 are
	 * constant and W18..W32 have the few varying terms written out (the
	 * rest is in b2_wc).
	 */
	w[16] = sha256d_avx512_set1(ctx->b2_wc[0]);
	w[17] = sha256d_avx512_set1(ctx->b2_wc[1]);
	w[18] = _mm512_add_epi32(sha256d_avx512_set1(ctx->b2_wc[2]), sha256d_avx512_ssig0(w3));
	w[19] = _mm512_add_epi32(sha256d_avx512_set1(ctx->b2_wc[3]), w3);
	for (int t = 20; t < 25; t++)
		w[t] = _mm512_add_epi32(sha256d_avx512_set1(ctx->b2_wc[t - 16]),
					sha256d_avx512_ssig1(w[t - 2]));
	for (int t = 25; t < 33; t++)
		w[t] = sha256d_avx512_add3(sha256d_avx512_set1(ctx->b2_wc[t - 16]),
					 sha256d_avx512_ssig1(w[t - 2]), w[t - 7]);
	for (int t = 33; t < 64; t++)
		w[t] = sha256d_avx512_sched(w, t);
	for (int t = 16; t < 64; t += 8)
		R8W(t);

	/* The first hash is the second hash's message, W0..W7. */
	w[0] = _mm512_add_epi32(v0, sha256d_avx512_set1(ctx->midstate[0]));
	w[1] = _mm512_add_epi32(v1, sha256d_avx512_set1(ctx->midstate[1]));
	w[2] = _mm512_add_epi32(v2, sha256d_avx512_set1(ctx->midstate[2]));
	w[3] = _mm512_add_epi32(v3, sha256d_avx512_set1(ctx->midstate[3]));
	w[4] = _mm512_add_epi32(v4, sha256d_avx512_set1(ctx->midstate[4]));
	w[5] = _mm512_add_epi32(v5, sha256d_avx512_set1(ctx->midstate[5]));
	w[6] = _mm512_add_epi32(v6, sha256d_avx512_set1(ctx->midstate[6]));
	w[7] = _mm512_add_epi32(v7, sha256d_avx512_set1(ctx->midstate[7]));

	/* Second hash: from the IV after round 0, plus W0. */
	v7 = _mm512_add_epi32(sha256d_avx512_set1(ctx->h2_state[0]), w[0]);
	v0 = sha256d_avx512_set1(ctx->h2_state[1]);
	v1 = sha256d_avx512_set1(ctx->h2_state[2]);
	v2 = sha256d_avx512_set1(ctx->h2_state[3]);
	v3 = _mm512_add_epi32(sha256d_avx512_set1(ctx->h2_state[4]), w[0]);
	v4 = sha256d_avx512_set1(ctx->h2_state[5]);
	v5 = sha256d_avx512_set1(ctx->h2_state[6]);
	v6 = sha256d_avx512_set1(ctx->h2_state[7]);
	R1(_mm512_add_epi32(w[1], sha256d_avx512_k(1)));
	R2(_mm512_add_epi32(w[2], sha256d_avx512_k(2)));
	R3(_mm512_add_epi32(w[3], sha256d_avx512_k(3)));
	R4(_mm512_add_epi32(w[4], sha256d_avx512_k(4)));
	R5(_mm512_add_epi32(w[5], sha256d_avx512_k(5)));
	R6(_mm512_add_epi32(w[6], sha256d_avx512_k(6)));
	R7(_mm512_add_epi32(w[7], sha256d_avx512_k(7)));
	R0(sha256d_avx512_set1(ctx->h2_kw[8]));
	R1(sha256d_avx512_set1(ctx->h2_kw[9]));
	R2(sha256d_avx512_set1(ctx->h2_kw[10]));
	R3(sha256d_avx512_set1(ctx->h2_kw[11]));
	R4(sha256d_avx512_set1(ctx->h2_kw[12]));
	R5(sha256d_avx512_set1(ctx->h2_kw[13]));
	R6(sha256d_avx512_set1(ctx->h2_kw[14]));
	R7(sha256d_avx512_set1(ctx->h2_kw[15]));

	/* W8..W15 are padding: their terms are in h2_wc. */
	for (int t = 16; t < 18; t++)
		w[t] = sha256d_avx512_add3(sha256d_avx512_set1(ctx->h2_wc[t - 16]),
					 sha256d_avx512_ssig0(w[t - 15]), w[t - 16]);
	for (int t = 18; t < 23; t++)
		w[t] = _mm512_add_epi32(sha256d_avx512_add3(sha256d_avx512_set1(ctx->h2_wc[t - 16]),
							  sha256d_avx512_ssig1(w[t - 2]),
							  sha256d_avx512_ssig0(w[t - 15])),
					w[t - 16]);
	w[23] = _mm512_add_epi32(sha256d_avx512_add3(sha256d_avx512_set1(ctx->h2_wc[7]),
						   sha256d_avx512_ssig1(w[21]), w[16]),
				 w[7]);
	for (int t = 24; t < 31; t++)
		w[t] = sha256d_avx512_add3(sha256d_avx512_set1(ctx->h2_wc[t - 16]),
					 sha256d_avx512_ssig1(w[t - 2]), w[t - 7]);
	w[31] = _mm512_add_epi32(sha256d_avx512_add3(sha256d_avx512_set1(ctx->h2_wc[15]),
						   sha256d_avx512_ssig1(w[29]), w[24]),
				 sha256d_avx512_ssig0(w[16]));
	for (int t = 32; t < 61; t++)
		w[t] = sha256d_avx512_sched(w, t);
	for (int t = 16; t < 56; t += 8)
		R8W(t);
	R0(_mm512_add_epi32(w[56], sha256d_avx512_k(56)));
	R1(_mm512_add_epi32(w[57], sha256d_avx512_k(57)));
	R2(_mm512_add_epi32(w[58], sha256d_avx512_k(58)));
	R3(_mm512_add_epi32(w[59], sha256d_avx512_k(59)));

	/*
	 * Round 60 as far as its new e (d + T1): rounds 61..63 only move it
	 * to h, so it plus IV word 7 is the last state word.
	 */
	__m512i t1 = sha256d_avx512_add3(_mm512_add_epi32(v3, _mm512_add_epi32(w[60],
									    sha256d_avx512_k(60))),
				       sha256d_avx512_ch(v0, v1, v2), sha256d_avx512_bsig1(v0));
	__m512i h7 = sha256d_avx512_add3(v7, t1, sha256d_avx512_set1(sha256_iv[7]));

	/* Word 7 is stored big-endian in hash bytes 28..31, the top (digibyte-pow.md §1). */
	__m512i top = sha256d_avx512_bswap(h7);

	return _mm512_cmple_epu32_mask(top, sha256d_avx512_set1(target_top));
}

unsigned sha256d_scan_avx512(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct sha256d_ctx *ctx = vctx;
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	if (max_hits == 0)
		return 0;
	/* left: nonces after base still in range; a short last group is masked. */
	for (uint32_t base = first, left = last - first;; base += SHA256D_AVX512_LANES,
		      left -= SHA256D_AVX512_LANES) {
		unsigned mask = sha256d_avx512_lanes(ctx, base, target_top);

		if (left < SHA256D_AVX512_LANES - 1)
			mask &= (2u << left) - 1;
		while (mask) {
			uint32_t nonce = base + (uint32_t)__builtin_ctz(mask);

			mask &= mask - 1;
			if (sha256d_check_nonce(ctx, target, nonce)) {
				hits[n++] = nonce;
				if (n == max_hits)
					return n;
			}
		}
		if (left < SHA256D_AVX512_LANES)
			break;
	}
	return n;
}
