/* SPDX-License-Identifier: MIT */
/*
 * SIMD-512 with AVX2 (docs/pow.md §3.4), the same algorithm as simd.c:
 * the eight Feistel ladders are the eight 32-bit lanes of one register per
 * state register A, B, C, D, so a step is a few vector operations and the
 * permutation p is one lane permute. The NTT is simd.c's 16 x 16 decomposition
 * with each row of sixteen values in one register of 16-bit lanes, which is
 * also the layout the inner code packs into message words.
 */
#include "simd.h"

#include <immintrin.h>

/* Partial reduction modulo 257 (256 = -1) per 16-bit lane: (x & 255) - (x >> 8). */
static inline __m256i simd_avx2_red(__m256i x)
{
	return _mm256_sub_epi16(_mm256_and_si256(x, _mm256_set1_epi16(0xff)),
				_mm256_srai_epi16(x, 8));
}

/* The representative in [-128, 128] of x in [-128, 385]. */
static inline __m256i simd_avx2_lift(__m256i x)
{
	__m256i big = _mm256_cmpgt_epi16(x, _mm256_set1_epi16(128));

	return _mm256_sub_epi16(x, _mm256_and_si256(big, _mm256_set1_epi16(257)));
}

static inline unsigned simd_avx2_rev4(unsigned i)
{
	return (i & 1) << 3 | (i & 2) << 1 | (i & 4) >> 1 | (i & 8) >> 3;
}

/* (u, v) <- (u + 2^e v, u - 2^e v), partially reduced. */
static inline __attribute__((always_inline)) void simd_avx2_bfly(__m256i *u, __m256i *v, int e)
{
	__m256i t = _mm256_sub_epi16(_mm256_and_si256(_mm256_slli_epi16(*v, e),
						      _mm256_set1_epi16(0xff)),
				     _mm256_srai_epi16(*v, 8 - e));

	*v = simd_avx2_red(_mm256_sub_epi16(*u, t));
	*u = simd_avx2_red(_mm256_add_epi16(*u, t));
}

/*
 * Sixteen 16-point DFTs with root 2 along the rows, one row of sixteen 16-bit
 * values per register (as simd_dft16_rows in simd.c). The twiddle 2^e (e < 8)
 * is applied already reduced: v 2^e = ((v << e) & 255) - (v >> (8 - e))
 * modulo 257, exact in 16 bits. Entries in [-128, 385] leave every stage in
 * [-4, 258].
 */
static inline __attribute__((always_inline)) void simd_avx2_dft16(__m256i m[16])
{
	/* Radix-2 stages with half = 1, 2, 4, 8: pairs (k, k + half), e = (k % half) * 8 / half. */
	for (unsigned k = 0; k < 16; k += 2)
		simd_avx2_bfly(&m[k], &m[k + 1], 0);
	for (unsigned k = 0; k < 16; k += 4) {
		simd_avx2_bfly(&m[k], &m[k + 2], 0);
		simd_avx2_bfly(&m[k + 1], &m[k + 3], 4);
	}
	for (unsigned k = 0; k < 16; k += 8) {
		simd_avx2_bfly(&m[k], &m[k + 4], 0);
		simd_avx2_bfly(&m[k + 1], &m[k + 5], 2);
		simd_avx2_bfly(&m[k + 2], &m[k + 6], 4);
		simd_avx2_bfly(&m[k + 3], &m[k + 7], 6);
	}
	simd_avx2_bfly(&m[0], &m[8], 0);
	simd_avx2_bfly(&m[1], &m[9], 1);
	simd_avx2_bfly(&m[2], &m[10], 2);
	simd_avx2_bfly(&m[3], &m[11], 3);
	simd_avx2_bfly(&m[4], &m[12], 4);
	simd_avx2_bfly(&m[5], &m[13], 5);
	simd_avx2_bfly(&m[6], &m[14], 6);
	simd_avx2_bfly(&m[7], &m[15], 7);
}

/*
 * out[k] = column k of the 16 x 16 matrix of 16-bit values m (rows): 8 x 8
 * transposes within the 128-bit lanes, then the off-diagonal blocks swapped.
 */
static inline void simd_avx2_transpose16(const __m256i m[16], __m256i out[16])
{
	__m256i c[2][8];

	for (unsigned h = 0; h < 2; h++) {
		const __m256i *r = m + 8 * h;
		__m256i a[8], b[8];
		for (unsigned k = 0; k < 4; k++) {
			a[2 * k] = _mm256_unpacklo_epi16(r[2 * k], r[2 * k + 1]);
			a[2 * k + 1] = _mm256_unpackhi_epi16(r[2 * k], r[2 * k + 1]);
		}
		for (unsigned k = 0; k < 2; k++) {
			b[4 * k] = _mm256_unpacklo_epi32(a[4 * k], a[4 * k + 2]);
			b[4 * k + 1] = _mm256_unpackhi_epi32(a[4 * k], a[4 * k + 2]);
			b[4 * k + 2] = _mm256_unpacklo_epi32(a[4 * k + 1], a[4 * k + 3]);
			b[4 * k + 3] = _mm256_unpackhi_epi32(a[4 * k + 1], a[4 * k + 3]);
		}
		for (unsigned k = 0; k < 4; k++) {
			c[h][2 * k] = _mm256_unpacklo_epi64(b[k], b[k + 4]);
			c[h][2 * k + 1] = _mm256_unpackhi_epi64(b[k], b[k + 4]);
		}
	}
	for (unsigned k = 0; k < 8; k++) {
		out[k] = _mm256_permute2x128_si256(c[0][k], c[1][k], 0x20);
		out[k + 8] = _mm256_permute2x128_si256(c[0][k], c[1][k], 0x31);
	}
}

void simd512_expand_avx2(const uint8_t block[SIMD512_BLOCK_LEN], int is_final,
			 uint32_t w[SIMD512_STEPS][8])
{
	__m256i m[16], t[16], cols[16], z[SIMD512_STEPS];

	/* m[rev4(j2)] = x[16 j2 .. 16 j2 + 15]; the tweak X^255 (+ X^253) is in row 15. */
	for (unsigned j2 = 0; j2 < SIMD512_BLOCK_LEN / 16; j2++)
		m[simd_avx2_rev4(j2)] =
			_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(block + 16 * j2)));
	for (unsigned j2 = SIMD512_BLOCK_LEN / 16; j2 < 15; j2++)
		m[simd_avx2_rev4(j2)] = _mm256_setzero_si256();
	m[15] = _mm256_setr_epi16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, is_final ? 1 : 0, 0, 1);
	simd_avx2_dft16(m); /* m[i1] lane j1 */

	/* Twiddles alpha^(i1 j1) on lifted values: products within 2^14. */
	for (unsigned i1 = 0; i1 < 16; i1++)
		m[i1] = simd_avx2_red(_mm256_mullo_epi16(
			simd_avx2_lift(m[i1]),
			_mm256_loadu_si256((const __m256i *)simd512_twiddle[i1])));
	simd_avx2_transpose16(m, cols);
	for (unsigned j1 = 0; j1 < 16; j1++)
		t[simd_avx2_rev4(j1)] = cols[j1];
	simd_avx2_dft16(t); /* t[i2] lane i1 = y[i1 + 16 i2], in [-4, 258] */
	for (unsigned i = 0; i < 16; i++)
		t[i] = simd_avx2_lift(t[i]);

	/*
	 * Groups 0..15: (y[16g + 2j], y[16g + 2j + 1]) times 185 are the 16-bit
	 * lanes 2j, 2j + 1 of row g: the product, read as 32-bit words. Groups
	 * 16 + r and 24 + r: (row r, row r + 8) times 233 at the even and at the
	 * odd lanes.
	 */
	for (unsigned g = 0; g < 16; g++)
		z[g] = _mm256_mullo_epi16(t[g], _mm256_set1_epi16(185));
	for (unsigned r = 0; r < 8; r++) {
		__m256i lo = _mm256_mullo_epi16(t[r], _mm256_set1_epi16(233));
		__m256i hi = _mm256_mullo_epi16(t[r + 8], _mm256_set1_epi16(233));
		z[16 + r] = _mm256_blend_epi16(lo, _mm256_slli_epi32(hi, 16), 0xaa);
		z[24 + r] = _mm256_blend_epi16(_mm256_srli_epi32(lo, 16), hi, 0xaa);
	}
	for (unsigned i = 0; i < SIMD512_STEPS; i++)
		_mm256_storeu_si256((__m256i *)w[i], z[simd512_w_order[i]]);
}

static inline __m256i simd_avx2_rotl(__m256i x, int r)
{
	return _mm256_or_si256(_mm256_slli_epi32(x, r), _mm256_srli_epi32(x, 32 - r));
}

/*
 * One step on all eight ladders (simd.c simd_step): a gets A <<< r1, d the new
 * A; the caller renames (a, b, c, d) -> (d, a, b, c).
 */
static inline __attribute__((always_inline)) void
simd_avx2_step(__m256i *a, const __m256i *b, const __m256i *c, __m256i *d, __m256i w,
	       int is_maj, int r1, int r2, int pxor)
{
	const __m256i perm = _mm256_setr_epi32(0 ^ pxor, 1 ^ pxor, 2 ^ pxor, 3 ^ pxor, 4 ^ pxor,
					       5 ^ pxor, 6 ^ pxor, 7 ^ pxor);
	__m256i ra = simd_avx2_rotl(*a, r1), f;

	if (is_maj)
		f = _mm256_or_si256(_mm256_and_si256(*a, *b),
				    _mm256_and_si256(*c, _mm256_or_si256(*a, *b)));
	else
		f = _mm256_xor_si256(*c, _mm256_and_si256(*a, _mm256_xor_si256(*b, *c)));
	*d = _mm256_add_epi32(simd_avx2_rotl(_mm256_add_epi32(_mm256_add_epi32(*d, w), f), r2),
			      _mm256_permutevar8x32_epi32(ra, perm));
	*a = ra;
}

static inline __attribute__((always_inline)) void
simd_avx2_round(__m256i s[4], const uint32_t w[8][8], const uint8_t pi[4], unsigned first)
{
	const uint8_t *px = simd512_perm_xor;
	__m256i wv[8];

	for (unsigned k = 0; k < 8; k++)
		wv[k] = _mm256_loadu_si256((const __m256i *)w[k]);
	simd_avx2_step(&s[0], &s[1], &s[2], &s[3], wv[0], 0, pi[0], pi[1], px[(first + 0) % 7]);
	simd_avx2_step(&s[3], &s[0], &s[1], &s[2], wv[1], 0, pi[1], pi[2], px[(first + 1) % 7]);
	simd_avx2_step(&s[2], &s[3], &s[0], &s[1], wv[2], 0, pi[2], pi[3], px[(first + 2) % 7]);
	simd_avx2_step(&s[1], &s[2], &s[3], &s[0], wv[3], 0, pi[3], pi[0], px[(first + 3) % 7]);
	simd_avx2_step(&s[0], &s[1], &s[2], &s[3], wv[4], 1, pi[0], pi[1], px[(first + 4) % 7]);
	simd_avx2_step(&s[3], &s[0], &s[1], &s[2], wv[5], 1, pi[1], pi[2], px[(first + 5) % 7]);
	simd_avx2_step(&s[2], &s[3], &s[0], &s[1], wv[6], 1, pi[2], pi[3], px[(first + 6) % 7]);
	simd_avx2_step(&s[1], &s[2], &s[3], &s[0], wv[7], 1, pi[3], pi[0], px[(first + 7) % 7]);
}

void simd512_compress_expanded_avx2(uint32_t h[SIMD512_STATE_WORDS],
				    const uint8_t block[SIMD512_BLOCK_LEN],
				    const uint32_t w[SIMD512_STEPS][8])
{
	const uint8_t *pi = simd512_pi[3], *px = simd512_perm_xor;
	__m256i s[4], hv[4];

	for (unsigned k = 0; k < 4; k++) {
		hv[k] = _mm256_loadu_si256((const __m256i *)(h + 8 * k));
		s[k] = _mm256_xor_si256(hv[k],
					_mm256_loadu_si256((const __m256i *)(block + 32 * k)));
	}
	simd_avx2_round(s, w + 0, simd512_pi[0], 0);
	simd_avx2_round(s, w + 8, simd512_pi[1], 8);
	simd_avx2_round(s, w + 16, simd512_pi[2], 16);
	simd_avx2_round(s, w + 24, simd512_pi[3], 24);
	simd_avx2_step(&s[0], &s[1], &s[2], &s[3], hv[0], 0, pi[0], pi[1], px[32 % 7]);
	simd_avx2_step(&s[3], &s[0], &s[1], &s[2], hv[1], 0, pi[1], pi[2], px[33 % 7]);
	simd_avx2_step(&s[2], &s[3], &s[0], &s[1], hv[2], 0, pi[2], pi[3], px[34 % 7]);
	simd_avx2_step(&s[1], &s[2], &s[3], &s[0], hv[3], 0, pi[3], pi[0], px[35 % 7]);
	for (unsigned k = 0; k < 4; k++)
		_mm256_storeu_si256((__m256i *)(h + 8 * k), s[k]);
}
