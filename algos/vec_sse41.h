/* SPDX-License-Identifier: MIT */
#ifndef QM_VEC_SSE41_H
#define QM_VEC_SSE41_H

/*
 * The vector vocabulary of the lane-parallel headers (see vec_avx2.h) on
 * SSE4.1 (with SSSE3's pshufb): VEC is an xmm, four 32-bit lanes; only the
 * 32-bit words are spelled here, as only scrypt_sse41.c uses them. Include it
 * only from a file compiled with the SSE4.1 flags; everything here is a
 * macro or static inline (style.md §1).
 */
#include <immintrin.h>

#define VEC __m128i
#define VBYTES 16
#define VLANES32 4

#define VADD32(a, b) _mm_add_epi32(a, b)
#define VXOR(a, b) _mm_xor_si128(a, b)
#define VAND(a, b) _mm_and_si128(a, b)
#define VOR(a, b) _mm_or_si128(a, b)
#define VSRL32(x, n) _mm_srli_epi32(x, n)
#define VSLL32(x, n) _mm_slli_epi32(x, n)
#define VSET1(x) _mm_set1_epi32((int)(x))
#define VZERO() _mm_setzero_si128()
#define VLOAD(p) _mm_load_si128((const __m128i *)(p))
#define VSTORE(p, v) _mm_store_si128((__m128i *)(p), v)
#define VSTOREU(p, v) _mm_storeu_si128((__m128i *)(p), v)
/* Lane k holds k. */
#define VIOTA32() _mm_setr_epi32(0, 1, 2, 3)
/* The 32-bit words of x by imm. */
#define VSHUF32(x, imm) _mm_shuffle_epi32(x, imm)

/* Each 32-bit word byte-swapped. */
static inline __m128i vec_sse41_bswap32(__m128i x)
{
	return _mm_shuffle_epi8(x, _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8,
						 15, 14, 13, 12));
}

/* Bit k set where 32-bit lane k of a <= that of b, unsigned. */
static inline unsigned vec_sse41_cmpleu32(__m128i a, __m128i b)
{
	__m128i le = _mm_cmpeq_epi32(_mm_min_epu32(a, b), a);

	return (unsigned)_mm_movemask_ps(_mm_castsi128_ps(le));
}

#define VBSWAP32(x) vec_sse41_bswap32(x)
#define VCMPLEU32(a, b) vec_sse41_cmpleu32(a, b)

/* VXOR3, VROR32, VROL32, VCH, VMAJ. */
#include "vec_emul.h"

#endif
