/* SPDX-License-Identifier: MIT */
#ifndef QM_VEC_AVX2_H
#define QM_VEC_AVX2_H

/*
 * The vector vocabulary the lane-parallel headers (sha256_lanes.h,
 * sha256d_lanes.h, ...) are written in, on AVX2: VEC is a ymm, eight 32-bit
 * or four 64-bit lanes. vec_sse41.h and vec_avx512.h spell the same names
 * for their width; the rotates and three-input functions of the ISAs without
 * ternary logic come from vec_emul.h. Include it only from a file compiled
 * with the AVX2 flags; everything here is a macro or static inline, so no
 * AVX2 instruction reaches baseline code (style.md §1).
 */
#include <immintrin.h>

#define VEC __m256i
#define VBYTES 32
#define VLANES32 8

#define VADD32(a, b) _mm256_add_epi32(a, b)
#define VADD64(a, b) _mm256_add_epi64(a, b)
#define VXOR(a, b) _mm256_xor_si256(a, b)
#define VAND(a, b) _mm256_and_si256(a, b)
#define VOR(a, b) _mm256_or_si256(a, b)
#define VSRL32(x, n) _mm256_srli_epi32(x, n)
#define VSLL32(x, n) _mm256_slli_epi32(x, n)
#define VSRL64(x, n) _mm256_srli_epi64(x, n)
#define VSLL64(x, n) _mm256_slli_epi64(x, n)
#define VSET1(x) _mm256_set1_epi32((int)(x))
#define VSET1_64(x) _mm256_set1_epi64x((long long)(x))
#define VZERO() _mm256_setzero_si256()
#define VLOAD(p) _mm256_load_si256((const __m256i *)(p))
#define VSTORE(p, v) _mm256_store_si256((__m256i *)(p), v)
#define VSTOREU(p, v) _mm256_storeu_si256((__m256i *)(p), v)
/* Lane k holds k: the 32-bit and the 64-bit lane numbers. */
#define VIOTA32() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define VIOTA64() _mm256_setr_epi64x(0, 1, 2, 3)
/* Within each 128-bit lane: the 32-bit words of x by imm; shufps of a and b. */
#define VSHUF32(x, imm) _mm256_shuffle_epi32(x, imm)
#define VSHUFPS(a, b, imm)                                                                  \
	_mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), \
					      imm))

/* Byte i of a 128-bit shuffle that rotates each 64-bit half left by r bytes. */
#define VEC_AVX2_ROTB(i, r) ((i) / 8 * 8 + (((i) - (r)) & 7))

/* Rotate each 64-bit lane left by r: one byte shuffle when r is a multiple of 8. */
static inline __m256i vec_avx2_rol64(__m256i x, const int r)
{
	if (r % 8 == 0) {
		const int b = r / 8;
		const __m128i idx = _mm_setr_epi8(
			VEC_AVX2_ROTB(0, b), VEC_AVX2_ROTB(1, b), VEC_AVX2_ROTB(2, b),
			VEC_AVX2_ROTB(3, b), VEC_AVX2_ROTB(4, b), VEC_AVX2_ROTB(5, b),
			VEC_AVX2_ROTB(6, b), VEC_AVX2_ROTB(7, b), VEC_AVX2_ROTB(8, b),
			VEC_AVX2_ROTB(9, b), VEC_AVX2_ROTB(10, b), VEC_AVX2_ROTB(11, b),
			VEC_AVX2_ROTB(12, b), VEC_AVX2_ROTB(13, b), VEC_AVX2_ROTB(14, b),
			VEC_AVX2_ROTB(15, b));
		return _mm256_shuffle_epi8(x, _mm256_broadcastsi128_si256(idx));
	}
	return _mm256_or_si256(_mm256_slli_epi64(x, r), _mm256_srli_epi64(x, 64 - r));
}

/* Each 32-bit word byte-swapped. */
static inline __m256i vec_avx2_bswap32(__m256i x)
{
	const __m256i idx = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
					     3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

	return _mm256_shuffle_epi8(x, idx);
}

/* Bit k set where 32-bit lane k of a <= that of b, unsigned. */
static inline unsigned vec_avx2_cmpleu32(__m256i a, __m256i b)
{
	__m256i le = _mm256_cmpeq_epi32(_mm256_min_epu32(a, b), a);

	return (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(le));
}

#define VROL64(x, n) vec_avx2_rol64(x, n)
#define VBSWAP32(x) vec_avx2_bswap32(x)
#define VCMPLEU32(a, b) vec_avx2_cmpleu32(a, b)

/* VXOR3, VROR32, VROL32, VCH, VMAJ. */
#include "vec_emul.h"

#endif
