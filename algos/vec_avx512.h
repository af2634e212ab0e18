/* SPDX-License-Identifier: MIT */
#ifndef QM_VEC_AVX512_H
#define QM_VEC_AVX512_H

/*
 * The vector vocabulary of the lane-parallel headers (see vec_avx2.h) on
 * AVX-512 (F, BW, VL): VEC is a zmm, sixteen 32-bit or eight 64-bit lanes.
 * Rotates are vprold/vprord/vprolq, which take an immediate: n must be a
 * constant. The three-input functions are one ternary-logic op each, the
 * immediate being the function's truth table over (a, b, c) = (0xf0, 0xcc,
 * 0xaa). Include it only from a file compiled with the AVX-512 flags;
 * everything here is a macro or static inline (style.md §1).
 */
#include <immintrin.h>

#define VEC __m512i
#define VBYTES 64
#define VLANES32 16

#define VADD32(a, b) _mm512_add_epi32(a, b)
#define VADD64(a, b) _mm512_add_epi64(a, b)
#define VXOR(a, b) _mm512_xor_si512(a, b)
#define VAND(a, b) _mm512_and_si512(a, b)
#define VOR(a, b) _mm512_or_si512(a, b)
#define VSRL32(x, n) _mm512_srli_epi32(x, n)
#define VSLL32(x, n) _mm512_slli_epi32(x, n)
#define VSRL64(x, n) _mm512_srli_epi64(x, n)
#define VSLL64(x, n) _mm512_slli_epi64(x, n)
#define VROR32(x, n) _mm512_ror_epi32(x, n)
#define VROL32(x, n) _mm512_rol_epi32(x, n)
#define VROL64(x, n) _mm512_rol_epi64(x, n)
#define VSET1(x) _mm512_set1_epi32((int)(x))
#define VSET1_64(x) _mm512_set1_epi64((long long)(x))
#define VZERO() _mm512_setzero_si512()
#define VLOAD(p) _mm512_load_si512((const void *)(p))
#define VSTORE(p, v) _mm512_store_si512((void *)(p), v)
#define VSTOREU(p, v) _mm512_storeu_si512((void *)(p), v)
/* Lane k holds k: the 32-bit and the 64-bit lane numbers. */
#define VIOTA32() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define VIOTA64() _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7)
/* Within each 128-bit lane: the 32-bit words of x by imm; shufps of a and b. */
#define VSHUF32(x, imm) _mm512_shuffle_epi32(x, imm)
#define VSHUFPS(a, b, imm)                                                                  \
	_mm512_castps_si512(_mm512_shuffle_ps(_mm512_castsi512_ps(a), _mm512_castsi512_ps(b), \
					      imm))
/* a ^ b ^ c; Ch(e, f, g) = e ? f : g; Maj(a, b, c) (FIPS 180-4 §4.1.2). */
#define VXOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define VCH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xca)
#define VMAJ(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xe8)
/* Bit k set where 32-bit lane k of a <= that of b, unsigned. */
#define VCMPLEU32(a, b) ((unsigned)_mm512_cmple_epu32_mask(a, b))

/* Each 32-bit word byte-swapped. */
static inline __m512i vec_avx512_bswap32(__m512i x)
{
	const __m128i idx = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

	return _mm512_shuffle_epi8(x, _mm512_broadcast_i32x4(idx));
}

#define VBSWAP32(x) vec_avx512_bswap32(x)

#endif
