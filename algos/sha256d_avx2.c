/* SPDX-License-Identifier: MIT */
/*
 * SHA-256d scan with AVX2 (digibyte-pow.md §3.1): eight nonces at once, one
 * per 32-bit lane, FIPS 180-4 §6.2.2 on vectors. Each lane group starts from
 * the nonce-independent work prepare left in struct sha256d_ctx (rounds 0..3
 * of the header's second block, constant schedule terms), and the second hash
 * stops after round 60, whose new e is the last state word: the one the
 * most-significant-word pre-check needs. Candidates are checked in full by
 * sha256d_check_nonce.
 */
#include "sha256d.h"

#include <immintrin.h>

#include "endian.h"
#include "sha256.h"

#define SHA256D_AVX2_LANES 8

static inline __m256i sha256d_avx2_ror(__m256i x, int n)
{
	return _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - n));
}

/* FIPS 180-4 §4.1.2. */
static inline __m256i sha256d_avx2_bsig0(__m256i x)
{
	return _mm256_xor_si256(_mm256_xor_si256(sha256d_avx2_ror(x, 2), sha256d_avx2_ror(x, 13)),
				sha256d_avx2_ror(x, 22));
}

static inline __m256i sha256d_avx2_bsig1(__m256i x)
{
	return _mm256_xor_si256(_mm256_xor_si256(sha256d_avx2_ror(x, 6), sha256d_avx2_ror(x, 11)),
				sha256d_avx2_ror(x, 25));
}

static inline __m256i sha256d_avx2_ssig0(__m256i x)
{
	return _mm256_xor_si256(_mm256_xor_si256(sha256d_avx2_ror(x, 7), sha256d_avx2_ror(x, 18)),
				_mm256_srli_epi32(x, 3));
}

static inline __m256i sha256d_avx2_ssig1(__m256i x)
{
	return _mm256_xor_si256(_mm256_xor_si256(sha256d_avx2_ror(x, 17), sha256d_avx2_ror(x, 19)),
				_mm256_srli_epi32(x, 10));
}

/* Ch(e, f, g) = g ^ (e & (f ^ g)). */
static inline __m256i sha256d_avx2_ch(__m256i e, __m256i f, __m256i g)
{
	return _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g)));
}

/* Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); b ^ c is the previous round's a ^ b. */
static inline __m256i sha256d_avx2_maj(__m256i a, __m256i b, __m256i c)
{
	return _mm256_xor_si256(b, _mm256_and_si256(_mm256_xor_si256(a, b),
						    _mm256_xor_si256(b, c)));
}

static inline __m256i sha256d_avx2_add3(__m256i x, __m256i y, __m256i z)
{
	return _mm256_add_epi32(_mm256_add_epi32(x, y), z);
}

static inline __m256i sha256d_avx2_bswap(__m256i x)
{
	const __m256i idx = _mm256_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3,
					    12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);

	return _mm256_shuffle_epi8(x, idx);
}

static inline __m256i sha256d_avx2_k(int t)
{
	return _mm256_set1_epi32((int)sha256_k[t]);
}

static inline __m256i sha256d_avx2_set1(uint32_t x)
{
	return _mm256_set1_epi32((int)x);
}

/*
 * One round on a..h with kw = K[t] + W[t]: only d and h change (d += T1,
 * h = T1 + T2); the caller rotates the names instead of moving the words.
 */
#define SHA256D_AVX2_RND(a, b, c, d, e, f, g, h, kw)                                              \
	do {                                                                                      \
		__m256i t1_ = sha256d_avx2_add3(_mm256_add_epi32(h, (kw)),                        \
						sha256d_avx2_ch(e, f, g), sha256d_avx2_bsig1(e)); \
		d = _mm256_add_epi32(d, t1_);                                                     \
		h = _mm256_add_epi32(t1_, _mm256_add_epi32(sha256d_avx2_bsig0(a),                 \
							   sha256d_avx2_maj(a, b, c)));           \
	} while (0)

/* Round t with t % 8 == i, on the state words v0..v7 in scope. */
#define R0(kw) SHA256D_AVX2_RND(v0, v1, v2, v3, v4, v5, v6, v7, kw)
#define R1(kw) SHA256D_AVX2_RND(v7, v0, v1, v2, v3, v4, v5, v6, kw)
#define R2(kw) SHA256D_AVX2_RND(v6, v7, v0, v1, v2, v3, v4, v5, kw)
#define R3(kw) SHA256D_AVX2_RND(v5, v6, v7, v0, v1, v2, v3, v4, kw)
#define R4(kw) SHA256D_AVX2_RND(v4, v5, v6, v7, v0, v1, v2, v3, kw)
#define R5(kw) SHA256D_AVX2_RND(v3, v4, v5, v6, v7, v0, v1, v2, kw)
#define R6(kw) SHA256D_AVX2_RND(v2, v3, v4, v5, v6, v7, v0, v1, kw)
#define R7(kw) SHA256D_AVX2_RND(v1, v2, v3, v4, v5, v6, v7, v0, kw)

/* Rounds t..t+7 (t % 8 == 0) from the schedule w[]. */
#define R8W(t)                                                             \
	do {                                                               \
		R0(_mm256_add_epi32(w[(t)], sha256d_avx2_k(t)));           \
		R1(_mm256_add_epi32(w[(t) + 1], sha256d_avx2_k((t) + 1))); \
		R2(_mm256_add_epi32(w[(t) + 2], sha256d_avx2_k((t) + 2))); \
		R3(_mm256_add_epi32(w[(t) + 3], sha256d_avx2_k((t) + 3))); \
		R4(_mm256_add_epi32(w[(t) + 4], sha256d_avx2_k((t) + 4))); \
		R5(_mm256_add_epi32(w[(t) + 5], sha256d_avx2_k((t) + 5))); \
		R6(_mm256_add_epi32(w[(t) + 6], sha256d_avx2_k((t) + 6))); \
		R7(_mm256_add_epi32(w[(t) + 7], sha256d_avx2_k((t) + 7))); \
	} while (0)

/* FIPS 180-4 §6.2.2 step 1 for one word. */
static inline __m256i sha256d_avx2_sched(const __m256i w[64], int t)
{
	return _mm256_add_epi32(sha256d_avx2_add3(sha256d_avx2_ssig1(w[t - 2]), w[t - 7],
						  sha256d_avx2_ssig0(w[t - 15])), w[t - 16]);
}

/*
 * SHA-256d of the nonces base..base+7, one per lane, as far as word 7 of the
 * second hash; returns the lanes whose hash's most significant 32 bits (that
 * word byte-swapped) are <= target_top, as a bit mask.
 */
static inline unsigned sha256d_avx2_lanes(const struct sha256d_ctx *ctx, uint32_t base,
					  uint32_t target_top)
{
	__m256i w[64];
	__m256i v0, v1, v2, v3, v4, v5, v6, v7;
	__m256i nonce = _mm256_add_epi32(sha256d_avx2_set1(base),
					 _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
	/* The nonce is stored little-endian; W3 reads it big-endian. */
	__m256i w3 = sha256d_avx2_bswap(nonce);

	/* First hash, second block: from the state after round 3, plus W3. */
	v4 = _mm256_add_epi32(sha256d_avx2_set1(ctx->b2_state[0]), w3);
	v5 = sha256d_avx2_set1(ctx->b2_state[1]);
	v6 = sha256d_avx2_set1(ctx->b2_state[2]);
	v7 = sha256d_avx2_set1(ctx->b2_state[3]);
	v0 = _mm256_add_epi32(sha256d_avx2_set1(ctx->b2_state[4]), w3);
	v1 = sha256d_avx2_set1(ctx->b2_state[5]);
	v2 = sha256d_avx2_set1(ctx->b2_state[6]);
	v3 = sha256d_avx2_set1(ctx->b2_state[7]);
	R4(sha256d_avx2_set1(ctx->b2_kw[4]));
	R5(sha256d_avx2_set1(ctx->b2_kw[5]));
	R6(sha256d_avx2_set1(ctx->b2_kw[6]));
	R7(sha256d_avx2_set1(ctx->b2_kw[7]));
	R0(sha256d_avx2_set1(ctx->b2_kw[8]));
	R1(sha256d_avx2_set1(ctx->b2_kw[9]));
	R2(sha256d_avx2_set1(ctx->b2_kw[10]));
	R3(sha256d_avx2_set1(ctx->b2_kw[11]));
	R4(sha256d_avx2_set1(ctx->b2_kw[12]));
	R5(sha256d_avx2_set1(ctx->b2_kw[13]));
	R6(sha256d_avx2_set1(ctx->b2_kw[14]));
	R7(sha256d_avx2_set1(ctx->b2_kw[15]));

	/*
	 * Schedule: W3 is the only varying word of the block, so W16, W17 are
	 * constant and W18..W32 have the few varying terms written out (the
	 * rest is in b2_wc).
	 */
	w[16] = sha256d_avx2_set1(ctx->b2_wc[0]);
	w[17] = sha256d_avx2_set1(ctx->b2_wc[1]);
	w[18] = _mm256_add_epi32(sha256d_avx2_set1(ctx->b2_wc[2]), sha256d_avx2_ssig0(w3));
	w[19] = _mm256_add_epi32(sha256d_avx2_set1(ctx->b2_wc[3]), w3);
	for (int t = 20; t < 25; t++)
		w[t] = _mm256_add_epi32(sha256d_avx2_set1(ctx->b2_wc[t - 16]),
					sha256d_avx2_ssig1(w[t - 2]));
	for (int t = 25; t < 33; t++)
		w[t] = sha256d_avx2_add3(sha256d_avx2_set1(ctx->b2_wc[t - 16]),
					 sha256d_avx2_ssig1(w[t - 2]), w[t - 7]);
	for (int t = 33; t < 64; t++)
		w[t] = sha256d_avx2_sched(w, t);
	for (int t = 16; t < 64; t += 8)
		R8W(t);

	/* The first hash is the second hash's message, W0..W7. */
	w[0] = _mm256_add_epi32(v0, sha256d_avx2_set1(ctx->midstate[0]));
	w[1] = _mm256_add_epi32(v1, sha256d_avx2_set1(ctx->midstate[1]));
	w[2] = _mm256_add_epi32(v2, sha256d_avx2_set1(ctx->midstate[2]));
	w[3] = _mm256_add_epi32(v3, sha256d_avx2_set1(ctx->midstate[3]));
	w[4] = _mm256_add_epi32(v4, sha256d_avx2_set1(ctx->midstate[4]));
	w[5] = _mm256_add_epi32(v5, sha256d_avx2_set1(ctx->midstate[5]));
	w[6] = _mm256_add_epi32(v6, sha256d_avx2_set1(ctx->midstate[6]));
	w[7] = _mm256_add_epi32(v7, sha256d_avx2_set1(ctx->midstate[7]));

	/* Second hash: from the IV after round 0, plus W0. */
	v7 = _mm256_add_epi32(sha256d_avx2_set1(ctx->h2_state[0]), w[0]);
	v0 = sha256d_avx2_set1(ctx->h2_state[1]);
	v1 = sha256d_avx2_set1(ctx->h2_state[2]);
	v2 = sha256d_avx2_set1(ctx->h2_state[3]);
	v3 = _mm256_add_epi32(sha256d_avx2_set1(ctx->h2_state[4]), w[0]);
	v4 = sha256d_avx2_set1(ctx->h2_state[5]);
	v5 = sha256d_avx2_set1(ctx->h2_state[6]);
	v6 = sha256d_avx2_set1(ctx->h2_state[7]);
	R1(_mm256_add_epi32(w[1], sha256d_avx2_k(1)));
	R2(_mm256_add_epi32(w[2], sha256d_avx2_k(2)));
	R3(_mm256_add_epi32(w[3], sha256d_avx2_k(3)));
	R4(_mm256_add_epi32(w[4], sha256d_avx2_k(4)));
	R5(_mm256_add_epi32(w[5], sha256d_avx2_k(5)));
	R6(_mm256_add_epi32(w[6], sha256d_avx2_k(6)));
	R7(_mm256_add_epi32(w[7], sha256d_avx2_k(7)));
	R0(sha256d_avx2_set1(ctx->h2_kw[8]));
	R1(sha256d_avx2_set1(ctx->h2_kw[9]));
	R2(sha256d_avx2_set1(ctx->h2_kw[10]));
	R3(sha256d_avx2_set1(ctx->h2_kw[11]));
	R4(sha256d_avx2_set1(ctx->h2_kw[12]));
	R5(sha256d_avx2_set1(ctx->h2_kw[13]));
	R6(sha256d_avx2_set1(ctx->h2_kw[14]));
	R7(sha256d_avx2_set1(ctx->h2_kw[15]));

	/* W8..W15 are padding: their terms are in h2_wc. */
	for (int t = 16; t < 18; t++)
		w[t] = sha256d_avx2_add3(sha256d_avx2_set1(ctx->h2_wc[t - 16]),
					 sha256d_avx2_ssig0(w[t - 15]), w[t - 16]);
	for (int t = 18; t < 23; t++)
		w[t] = _mm256_add_epi32(sha256d_avx2_add3(sha256d_avx2_set1(ctx->h2_wc[t - 16]),
							  sha256d_avx2_ssig1(w[t - 2]),
							  sha256d_avx2_ssig0(w[t - 15])),
					w[t - 16]);
	w[23] = _mm256_add_epi32(sha256d_avx2_add3(sha256d_avx2_set1(ctx->h2_wc[7]),
						   sha256d_avx2_ssig1(w[21]), w[16]),
				 w[7]);
	for (int t = 24; t < 31; t++)
		w[t] = sha256d_avx2_add3(sha256d_avx2_set1(ctx->h2_wc[t - 16]),
					 sha256d_avx2_ssig1(w[t - 2]), w[t - 7]);
	w[31] = _mm256_add_epi32(sha256d_avx2_add3(sha256d_avx2_set1(ctx->h2_wc[15]),
						   sha256d_avx2_ssig1(w[29]), w[24]),
				 sha256d_avx2_ssig0(w[16]));
	for (int t = 32; t < 61; t++)
		w[t] = sha256d_avx2_sched(w, t);
	for (int t = 16; t < 56; t += 8)
		R8W(t);
	R0(_mm256_add_epi32(w[56], sha256d_avx2_k(56)));
	R1(_mm256_add_epi32(w[57], sha256d_avx2_k(57)));
	R2(_mm256_add_epi32(w[58], sha256d_avx2_k(58)));
	R3(_mm256_add_epi32(w[59], sha256d_avx2_k(59)));

	/*
	 * Round 60 as far as its new e (d + T1): rounds 61..63 only move it
	 * to h, so it plus IV word 7 is the last state word.
	 */
	__m256i t1 = sha256d_avx2_add3(_mm256_add_epi32(v3, _mm256_add_epi32(w[60],
									    sha256d_avx2_k(60))),
				       sha256d_avx2_ch(v0, v1, v2), sha256d_avx2_bsig1(v0));
	__m256i h7 = sha256d_avx2_add3(v7, t1, sha256d_avx2_set1(sha256_iv[7]));

	/* Word 7 is stored big-endian in hash bytes 28..31, the top (digibyte-pow.md §1). */
	__m256i top = sha256d_avx2_bswap(h7);
	__m256i le = _mm256_cmpeq_epi32(_mm256_min_epu32(top, sha256d_avx2_set1(target_top)), top);

	return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(le));
}

unsigned sha256d_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct sha256d_ctx *ctx = vctx;
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	if (max_hits == 0)
		return 0;
	/* left: nonces after base still in range; a short last group is masked. */
	for (uint32_t base = first, left = last - first;; base += SHA256D_AVX2_LANES,
		      left -= SHA256D_AVX2_LANES) {
		unsigned mask = sha256d_avx2_lanes(ctx, base, target_top);

		if (left < SHA256D_AVX2_LANES - 1)
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
		if (left < SHA256D_AVX2_LANES)
			break;
	}
	return n;
}
