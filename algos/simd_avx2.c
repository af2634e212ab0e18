/* SPDX-License-Identifier: MIT */
/*
 * SIMD-512 with AVX2 (digibyte-pow.md §3.4), the same algorithm as simd.c:
 * the eight Feistel ladders are the eight 32-bit lanes of one register per
 * state register A, B, C, D, so a step is a few vector operations and the
 * permutation p is one lane permute. The NTT is simd.c's 16 x 16 decomposition
 * with each row of sixteen values in two registers; the inner code packs the
 * 16-bit products with packus and lane permutes.
 */
#include "simd.h"

#include <immintrin.h>

/* Partial reduction modulo 257 per lane: (x & 255) - (x >> 8), see simd.c. */
static inline __m256i simd_avx2_red(__m256i x)
{
	return _mm256_sub_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0xff)),
				_mm256_srai_epi32(x, 8));
}

static inline unsigned simd_avx2_rev4(unsigned i)
{
	return (i & 1) << 3 | (i & 2) << 1 | (i & 4) >> 1 | (i & 8) >> 3;
}

/* Sixteen 16-point DFTs with root 2 along the rows (as simd_dft16_rows in simd.c). */
static inline void simd_avx2_dft16(__m256i m[16][2])
{
	for (unsigned half = 1; half < 16; half <<= 1) {
		for (unsigned i = 0; i < 16; i += 2 * half) {
			for (unsigned j = 0; j < half; j++) {
				__m128i e = _mm_cvtsi32_si128((int)(j * (8 / half)));
				for (unsigned c = 0; c < 2; c++) {
					__m256i u = m[i + j][c];
					__m256i t = _mm256_sll_epi32(m[i + j + half][c], e);
					m[i + j + half][c] = simd_avx2_red(_mm256_sub_epi32(u, t));
					m[i + j][c] = simd_avx2_red(_mm256_add_epi32(u, t));
				}
			}
		}
	}
}

/* Transposes the 8 x 8 block r[0..7] (rows) of 32-bit values in place. */
static inline void simd_avx2_transpose8(__m256i r[8])
{
	__m256i a[8], b[8];

	for (unsigned k = 0; k < 8; k += 2) {
		a[k] = _mm256_unpacklo_epi32(r[k], r[k + 1]);
		a[k + 1] = _mm256_unpackhi_epi32(r[k], r[k + 1]);
	}
	for (unsigned k = 0; k < 8; k += 4) {
		b[k] = _mm256_unpacklo_epi64(a[k], a[k + 2]);
		b[k + 1] = _mm256_unpackhi_epi64(a[k], a[k + 2]);
		b[k + 2] = _mm256_unpacklo_epi64(a[k + 1], a[k + 3]);
		b[k + 3] = _mm256_unpackhi_epi64(a[k + 1], a[k + 3]);
	}
	for (unsigned k = 0; k < 4; k++) {
		r[k] = _mm256_permute2x128_si256(b[k], b[k + 4], 0x20);
		r[k + 4] = _mm256_permute2x128_si256(b[k], b[k + 4], 0x31);
	}
}

/* 16-bit halves of the inner code: x * mul, low 16 bits, as 32-bit lanes. */
static inline __m256i simd_avx2_mul16(__m256i x, int mul)
{
	return _mm256_and_si256(_mm256_mullo_epi32(x, _mm256_set1_epi32(mul)),
				_mm256_set1_epi32(0xffff));
}

void simd512_expand_avx2(const uint8_t block[SIMD512_BLOCK_LEN], int is_final,
			 uint32_t w[SIMD512_STEPS][8])
{
	__m256i m[16][2], t[16][2], z[SIMD512_STEPS];

	/* m[rev4(j2)][c] = x[16 j2 + 8c .. + 7], the tweak X^255 (+ X^253) in row 15. */
	for (unsigned j2 = 0; j2 < 16; j2++) {
		for (unsigned c = 0; c < 2; c++) {
			m[simd_avx2_rev4(j2)][c] =
				j2 < SIMD512_BLOCK_LEN / 16 ?
					_mm256_cvtepu8_epi32(_mm_loadl_epi64(
						(const __m128i *)(block + 16 * j2 + 8 * c))) :
					_mm256_setzero_si256();
		}
	}
	m[15][1] = _mm256_setr_epi32(0, 0, 0, 0, 0, is_final ? 1 : 0, 0, 1);
	simd_avx2_dft16(m);

	/* Twiddles, then t[rev4(j1)][i1 / 8] lane i1 % 8 = m[i1][j1 / 8] lane j1 % 8. */
	for (unsigned i1 = 0; i1 < 16; i1++) {
		for (unsigned c = 0; c < 2; c++) {
			__m256i tw = _mm256_loadu_si256((const __m256i *)&simd512_twiddle[i1][8 * c]);
			m[i1][c] = simd_avx2_red(simd_avx2_red(_mm256_mullo_epi32(m[i1][c], tw)));
		}
	}
	for (unsigned a = 0; a < 2; a++) {
		for (unsigned c = 0; c < 2; c++) {
			__m256i r[8];
			for (unsigned k = 0; k < 8; k++)
				r[k] = m[8 * a + k][c];
			simd_avx2_transpose8(r);
			for (unsigned k = 0; k < 8; k++)
				t[simd_avx2_rev4(8 * c + k)][a] = r[k];
		}
	}
	simd_avx2_dft16(t); /* t[i2][c] lane k = y[16 i2 + 8c + k] */

	/* Lift to [-128, 128]. */
	for (unsigned i = 0; i < 16; i++) {
		for (unsigned c = 0; c < 2; c++) {
			__m256i r = simd_avx2_red(t[i][c]);
			__m256i big = _mm256_cmpgt_epi32(r, _mm256_set1_epi32(128));
			t[i][c] = _mm256_sub_epi32(r, _mm256_and_si256(big, _mm256_set1_epi32(257)));
		}
	}

	/* Groups 0..15: pairs (y[16g + 2j], y[16g + 2j + 1]) times 185 = row g packed. */
	for (unsigned g = 0; g < 16; g++) {
		__m256i p = _mm256_packus_epi32(simd_avx2_mul16(t[g][0], 185),
						simd_avx2_mul16(t[g][1], 185));
		z[g] = _mm256_permute4x64_epi64(p, 0xd8);
	}
	/*
	 * Groups 16 + r and 24 + r: pairs (row r, row r + 8) times 233, even and
	 * odd columns: x[k] = lo(t[r][k]) | lo(t[r + 8][k]) << 16.
	 */
	const __m256i even_odd = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
	for (unsigned r = 0; r < 8; r++) {
		__m256i x[2];
		for (unsigned c = 0; c < 2; c++) {
			__m256i lo = simd_avx2_mul16(t[r][c], 233);
			__m256i hi = _mm256_slli_epi32(simd_avx2_mul16(t[r + 8][c], 233), 16);
			x[c] = _mm256_permutevar8x32_epi32(_mm256_or_si256(lo, hi), even_odd);
		}
		z[16 + r] = _mm256_permute2x128_si256(x[0], x[1], 0x20);
		z[24 + r] = _mm256_permute2x128_si256(x[0], x[1], 0x31);
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
