/* SPDX-License-Identifier: MIT */
/*
 * Odocrypt scan, AVX-512 with VBMI: sixteen nonces per step in two groups of
 * eight, nonce j of the step in 64-bit lane j mod 8 of the .lo (j < 8) or .hi
 * vector of each word (vec_avx512x2.h). The P-boxes and the mix are those of
 * odocrypt_avx512.c, once per group. The S-boxes look up in registers
 * instead of gathering from memory (a vpgatherdd zmm costs ~17 cycles here,
 * a vpermi2b under one): word i of both groups, 64 16-bit fields, becomes
 * two byte vectors, the low and the high byte of each field, and byte
 * permutes look up in tables of struct odocrypt_fast (odocrypt.h):
 *
 *   - the high byte of S10 << 6: eight 128-entry vpermi2b by the high byte
 *     (S10 index bits 2..8), then a blend tree on index bits 0, 1 and 9;
 *   - the two bits of its low byte, packed four entries a byte: two vpermi2b
 *     by the high byte, a blend on bit 9, then vpmultishiftqb takes each
 *     byte's entry (index bits 0, 1) into bits 6, 7;
 *   - S6 (index bits 0..5 of the low byte): two vpermi2b of two boxes each.
 *
 * Keccak-p[800] then runs on each group as in odocrypt_avx512.c.
 */
#include "odocrypt.h"

#include "vec_avx512x2.h"

#include "odocrypt_zmm.h"

#define ODOCRYPT_LANES_SWAP(a, b, mask)                \
	do {                                           \
		ODOCRYPT_ZMM_SWAP((a).lo, (b).lo, mask); \
		ODOCRYPT_ZMM_SWAP((a).hi, (b).hi, mask); \
	} while (0)
#define ODOCRYPT_LANES_ROT(a, shift)                \
	do {                                        \
		ODOCRYPT_ZMM_ROT((a).lo, shift);    \
		ODOCRYPT_ZMM_ROT((a).hi, shift);    \
	} while (0)

/* 128 entries of a byte table by index bits 0..6 (vpermi2b ignores bit 7). */
static inline __attribute__((always_inline)) __m512i odocrypt_lookup128(const uint8_t *table,
									__m512i idx)
{
	return _mm512_permutex2var_epi8(_mm512_loadu_si512(table), idx,
					_mm512_loadu_si512(table + 64));
}

/* Word i of both groups through the S-boxes of §4.5. */
static inline __attribute__((always_inline)) struct vec_avx512x2
odocrypt_lanes_sbox(const struct odocrypt_fast *f, unsigned i, struct vec_avx512x2 x)
{
	const __mmask64 odd = 0xaaaaaaaaaaaaaaaaull;

	/*
	 * The bytes of both groups' fields in two vectors, with .hi's words
	 * rotated left by 8 bits: s, the low bytes (S6 index in bits 0..5, S10
	 * index bits 0, 1 in 6, 7), field w of .lo at byte 2w, of .hi at 2w + 1;
	 * h, the high bytes (S10 index bits 2..9), field w of .lo at byte 2w + 1,
	 * of .hi at 2w + 2 (mod 8 in each qword). Lookups by h land where the
	 * fields' high bytes are, lookups by s where their low bytes are; b0, b1
	 * are s's bits 6, 7 at h's places (s rotated like .hi).
	 */
	__m512i hi_rot = _mm512_rol_epi64(x.hi, 8);
	__m512i s = _mm512_mask_blend_epi8(odd, x.lo, hi_rot);
	__m512i h = _mm512_mask_blend_epi8(odd, hi_rot, x.lo);
	__m512i s_at_h = _mm512_rol_epi64(s, 8);
	__mmask64 b0 = _mm512_test_epi8_mask(s_at_h, _mm512_set1_epi8(0x40));
	__mmask64 b1 = _mm512_movepi8_mask(s_at_h);
	__mmask64 b9 = _mm512_movepi8_mask(h);

	/* High byte of S10 << 6: eight candidates by index bits 2..8, selected by bits 0, 1, 9. */
	const uint8_t *top = f->sbox_large_top[i];
	__m512i c0 = _mm512_mask_blend_epi8(b0, odocrypt_lookup128(top, h),
					    odocrypt_lookup128(top + 128, h));
	__m512i c1 = _mm512_mask_blend_epi8(b0, odocrypt_lookup128(top + 256, h),
					    odocrypt_lookup128(top + 384, h));
	__m512i c2 = _mm512_mask_blend_epi8(b0, odocrypt_lookup128(top + 512, h),
					    odocrypt_lookup128(top + 640, h));
	__m512i c3 = _mm512_mask_blend_epi8(b0, odocrypt_lookup128(top + 768, h),
					    odocrypt_lookup128(top + 896, h));
	__m512i hi = _mm512_mask_blend_epi8(b9, _mm512_mask_blend_epi8(b1, c0, c1),
					    _mm512_mask_blend_epi8(b1, c2, c3));

	/*
	 * Bits 6, 7 of the low byte: the packed byte of index bits 2..9, then its
	 * entry k = index bits 0, 1 (bits 2k, 2k + 1) into bits 6, 7 at s's place,
	 * one byte lower: byte j of a qword takes qword bits 8 (j + 1) + 2k - 6
	 * .. 8 (j + 1) + 2k + 1.
	 */
	const uint8_t *low2 = f->sbox_large_low2[i];
	__m512i packed = _mm512_mask_blend_epi8(b9, odocrypt_lookup128(low2, h),
						odocrypt_lookup128(low2 + 128, h));
	const __m512i byte_pos = _mm512_set1_epi64(0x3a322a221a120a02); /* 8j + 2 */
	__m512i two_k = _mm512_and_si512(_mm512_srli_epi16(s, 5), _mm512_set1_epi8(6));
	__m512i lo2 = _mm512_multishift_epi64_epi8(_mm512_add_epi8(two_k, byte_pos), packed);

	/*
	 * S6[4i + p] at field position p (word w, p = w mod 4): index bit 6, set
	 * at odd p, picks box 4i + 1 over 4i (4i + 3 over 4i + 2), and a blend
	 * takes the second pair at p = 2, 3.
	 */
	const uint8_t *small = f->c.sbox_small[4 * i];
	const __m512i odd_p = _mm512_set1_epi64(0x4040000040400000);
	__m512i s6 = _mm512_ternarylogic_epi64(s, _mm512_set1_epi8(ODOCRYPT_SMALL_SIZE - 1), odd_p,
					       0xea); /* (s & 63) | odd_p */
	__m512i lo = _mm512_mask_blend_epi8(0xf0f0f0f0f0f0f0f0ull, odocrypt_lookup128(small, s6),
					    odocrypt_lookup128(small + 128, s6));
	/* (lo2 & 0xc0) | lo */
	lo = _mm512_ternarylogic_epi64(lo2, _mm512_set1_epi8((char)0xc0), lo, 0xea);

	/* Back to 16-bit fields, .hi's rotated back. */
	return (struct vec_avx512x2){ _mm512_mask_blend_epi8(odd, lo, hi),
				      _mm512_ror_epi64(_mm512_mask_blend_epi8(odd, hi, lo), 8) };
}

/* odocrypt_lanes.h: the linear mix and the round key, per group. */
static inline struct vec_avx512x2 odocrypt_lanes_mix(const struct odocrypt_fast *f,
						     struct vec_avx512x2 next,
						     struct vec_avx512x2 x, const uint64_t *key_bit)
{
	return (struct vec_avx512x2){ odocrypt_zmm_mix(f, next.lo, x.lo, key_bit),
				      odocrypt_zmm_mix(f, next.hi, x.hi, key_bit) };
}

#include "odocrypt_lanes.h"

/* odocrypt_lanes.h: Keccak-p[800] on each group of eight lanes, .lo first. */
static inline unsigned odocrypt_lanes_hits(const struct vec_avx512x2 w[ODOCRYPT_WORDS],
					   uint64_t start, unsigned count,
					   const uint8_t target[HASH_LEN], uint32_t *hits,
					   unsigned n, unsigned max_hits)
{
	enum { GROUP = ODOCRYPT_LANES / 2 };
	__m512i lo[ODOCRYPT_WORDS], hi[ODOCRYPT_WORDS];

	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		lo[i] = w[i].lo, hi[i] = w[i].hi;
	n = odocrypt_zmm_hits(lo, start, count < GROUP ? count : GROUP, target, hits, n,
			      max_hits);
	if (count > GROUP)
		n = odocrypt_zmm_hits(hi, start + GROUP, count - GROUP, target, hits, n, max_hits);
	return n;
}

unsigned odocrypt_scan_avx512vbmi(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
				  uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return odocrypt_lanes_scan(vctx, target, first, last, hits, max_hits);
}
