/* SPDX-License-Identifier: MIT */
#ifndef QM_VEC_AVX512X2_H
#define QM_VEC_AVX512X2_H

/*
 * The vector vocabulary (see vec_avx2.h) on AVX-512 (F, BW, VL) with two
 * zmm per VEC: thirty-two 32-bit lanes, the low sixteen in .lo. Every
 * operation is done on both halves next to each other, so a lane-parallel
 * header written for one dependency chain gets two independent ones: for
 * code whose rounds are one long chain of 2-cycle vector operations
 * (SHA-256, Threefish) that doubles the work in flight. Only what
 * sha256d_lanes.h and skein_lanes.h need is spelled here. Include it only from a file compiled with the AVX-512
 * flags; everything here is a macro or static inline (style.md §1).
 */
#include <immintrin.h>
#include <stdint.h>

struct vec_avx512x2 {
	__m512i lo, hi;
};

#define VEC struct vec_avx512x2
#define VBYTES 64
#define VLANES32 32

static inline VEC vec_avx512x2_add32(VEC a, VEC b)
{
	return (VEC){ _mm512_add_epi32(a.lo, b.lo), _mm512_add_epi32(a.hi, b.hi) };
}

/* op(a, b) on both halves, as a function named vec_avx512x2_<name>. */
#define VEC_AVX512X2_BINARY(name, op)                                   \
	static inline VEC vec_avx512x2_##name(VEC a, VEC b)             \
	{                                                               \
		return (VEC){ op(a.lo, b.lo), op(a.hi, b.hi) };         \
	}
VEC_AVX512X2_BINARY(add64, _mm512_add_epi64)
VEC_AVX512X2_BINARY(xor, _mm512_xor_si512)
VEC_AVX512X2_BINARY(and, _mm512_and_si512)
VEC_AVX512X2_BINARY(or, _mm512_or_si512)

static inline VEC vec_avx512x2_set1_64(uint64_t x)
{
	__m512i s = _mm512_set1_epi64((long long)x);

	return (VEC){ s, s };
}

static inline VEC vec_avx512x2_set1(uint32_t x)
{
	__m512i s = _mm512_set1_epi32((int)x);

	return (VEC){ s, s };
}

/* The three-input functions, by truth table over (a, b, c) = (0xf0, 0xcc, 0xaa). */
#define VEC_AVX512X2_TERNARY(name, imm)                                              	static inline VEC vec_avx512x2_##name(VEC a, VEC b, VEC c)                   	{                                                                            		return (VEC){ _mm512_ternarylogic_epi32(a.lo, b.lo, c.lo, imm),      			      _mm512_ternarylogic_epi32(a.hi, b.hi, c.hi, imm) };    	}
VEC_AVX512X2_TERNARY(xor3, 0x96)
VEC_AVX512X2_TERNARY(ch, 0xca)
VEC_AVX512X2_TERNARY(maj, 0xe8)

static inline unsigned vec_avx512x2_cmpleu32(VEC a, VEC b)
{
	return (unsigned)_mm512_cmple_epu32_mask(a.lo, b.lo) |
	       (unsigned)_mm512_cmple_epu32_mask(a.hi, b.hi) << 16;
}

#define VADD32(a, b) vec_avx512x2_add32(a, b)
/* n must be a constant (an immediate); x is evaluated twice, so no side effects. */
#define VSRL32(x, n) ((VEC){ _mm512_srli_epi32((x).lo, n), _mm512_srli_epi32((x).hi, n) })
#define VROR32(x, n) ((VEC){ _mm512_ror_epi32((x).lo, n), _mm512_ror_epi32((x).hi, n) })
#define VSET1(x) vec_avx512x2_set1((uint32_t)(x))
#define VADD64(a, b) vec_avx512x2_add64(a, b)
#define VXOR(a, b) vec_avx512x2_xor(a, b)
#define VAND(a, b) vec_avx512x2_and(a, b)
#define VOR(a, b) vec_avx512x2_or(a, b)
#define VSRL64(x, n) ((VEC){ _mm512_srli_epi64((x).lo, n), _mm512_srli_epi64((x).hi, n) })
#define VSLL64(x, n) ((VEC){ _mm512_slli_epi64((x).lo, n), _mm512_slli_epi64((x).hi, n) })
#define VROL64(x, n) ((VEC){ _mm512_rol_epi64((x).lo, n), _mm512_rol_epi64((x).hi, n) })
#define VSET1_64(x) vec_avx512x2_set1_64((uint64_t)(x))
/* Within each 128-bit lane: shufps of a and b. */
#define VSHUFPS(a, b, imm)                                                                   \
	((VEC){ _mm512_castps_si512(_mm512_shuffle_ps(_mm512_castsi512_ps((a).lo),           \
						      _mm512_castsi512_ps((b).lo), imm)),    \
		_mm512_castps_si512(_mm512_shuffle_ps(_mm512_castsi512_ps((a).hi),           \
						      _mm512_castsi512_ps((b).hi), imm)) })
/* The 32 words of v at p, low half first (p unaligned). */
#define VSTOREU(p, v)                                                            \
	do {                                                                     \
		_mm512_storeu_si512((void *)(p), (v).lo);                        \
		_mm512_storeu_si512((void *)((char *)(p) + 64), (v).hi);         \
	} while (0)
/* Lane k holds k: the 64-bit lane numbers, then the 32-bit ones. */
#define VIOTA64()                                               \
	((VEC){ _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7),      \
		_mm512_setr_epi64(8, 9, 10, 11, 12, 13, 14, 15) })
#define VIOTA32()                                                                         \
	((VEC){ _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),  \
		_mm512_setr_epi32(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, \
				  30, 31) })
/* a ^ b ^ c; Ch(e, f, g) = e ? f : g; Maj(a, b, c) (FIPS 180-4 §4.1.2). */
#define VXOR3(a, b, c) vec_avx512x2_xor3(a, b, c)
#define VCH(e, f, g) vec_avx512x2_ch(e, f, g)
#define VMAJ(a, b, c) vec_avx512x2_maj(a, b, c)
/* Bit k set where 32-bit lane k of a <= that of b, unsigned. */
#define VCMPLEU32(a, b) vec_avx512x2_cmpleu32(a, b)

/* Each 32-bit word byte-swapped. */
static inline VEC vec_avx512x2_bswap32(VEC x)
{
	const __m512i idx = _mm512_broadcast_i32x4(
		_mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));

	return (VEC){ _mm512_shuffle_epi8(x.lo, idx), _mm512_shuffle_epi8(x.hi, idx) };
}

#define VBSWAP32(x) vec_avx512x2_bswap32(x)

#endif
