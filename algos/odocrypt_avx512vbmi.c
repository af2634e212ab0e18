/* SPDX-License-Identifier: MIT */
/*
 * Odocrypt scan, AVX-512 with VBMI: sixteen nonces per step in two groups of
 * eight, nonce j of the step in 64-bit lane j mod 8 of the .lo (j < 8) or .hi
 * vector of each word (vec_avx512x2.h). The P-boxes and the mix are those of
 * odocrypt_avx512.c, once per group. The S-boxes look up in registers
 * instead of gathering from memory (a vpgatherdd zmm costs ~17 cycles here,
 * a vpermi2b under one): word i of both groups, 64 16-bit fields, becomes
 * byte vectors of indices, one field a byte, for byte permutes whose tables
 * come from struct odocrypt_fast:
 *
 *   - S6: vpermb of a 64-byte table, one per field position (four, merged
 *     under byte masks);
 *   - the high byte of S10 << 6: eight 128-entry vpermi2b, one per value of
 *     index bits 7..9, then a blend tree on those three bits;
 *   - the two bits of its low byte, packed four entries a byte: two
 *     vpermi2b by index bits 2..8, a blend on bit 9, and vpmultishiftqb
 *     takes each byte's entry (index bits 0, 1) into bits 6, 7.
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

/* Byte 2w + 1 of a vector: the .hi group's field in a byte pair (16-bit word w). */
#define ODO_ODD_BYTES 0xaaaaaaaaaaaaaaaaull
/* The byte pairs of field position p (word w, p = w mod 4): 0x0303... << 2p. */
#define ODO_FIELD_BYTES 0x0303030303030303ull

/* 128 entries of a byte table by index bits 0..6 (vpermi2b ignores bit 7). */
static inline __m512i odo_lookup128(const uint8_t *table, __m512i idx)
{
	return _mm512_permutex2var_epi8(_mm512_loadu_si512(table), idx,
					_mm512_loadu_si512(table + 64));
}

/* Word i of both groups through the S-boxes of §4.5. */
static inline struct vec_avx512x2 odocrypt_lanes_sbox(const struct odocrypt_fast *f, unsigned i,
						      struct vec_avx512x2 x)
{
	const __mmask64 odd = ODO_ODD_BYTES;

	/*
	 * Byte 2w: field w of .lo, byte 2w + 1: field w of .hi; of each field,
	 * s: bits 0..7 (the S6 index in 0..5), l: bits 6..13 (S10 index bits
	 * 0..7), h: bits 8..15 (S10 index bits 2..9).
	 */
	__m512i s = _mm512_mask_blend_epi8(odd, x.lo, _mm512_slli_epi16(x.hi, 8));
	__m512i l = _mm512_mask_blend_epi8(odd, _mm512_srli_epi16(x.lo, 6),
					   _mm512_slli_epi16(x.hi, 2));
	__m512i h = _mm512_mask_blend_epi8(odd, _mm512_srli_epi16(x.lo, 8), x.hi);
	__mmask64 b7 = _mm512_movepi8_mask(l);
	__mmask64 b8 = _mm512_test_epi8_mask(h, _mm512_set1_epi8(0x40));
	__mmask64 b9 = _mm512_movepi8_mask(h);

	/* High byte of S10 << 6: candidate j for index bits 7..9 = j, then select. */
	const uint8_t *top = f->sbox_large_top[i];
	__m512i c0 = _mm512_mask_blend_epi8(b7, odo_lookup128(top, l), odo_lookup128(top + 128, l));
	__m512i c1 = _mm512_mask_blend_epi8(b7, odo_lookup128(top + 256, l),
					    odo_lookup128(top + 384, l));
	__m512i c2 = _mm512_mask_blend_epi8(b7, odo_lookup128(top + 512, l),
					    odo_lookup128(top + 640, l));
	__m512i c3 = _mm512_mask_blend_epi8(b7, odo_lookup128(top + 768, l),
					    odo_lookup128(top + 896, l));
	__m512i hi = _mm512_mask_blend_epi8(b9, _mm512_mask_blend_epi8(b8, c0, c1),
					    _mm512_mask_blend_epi8(b8, c2, c3));

	/*
	 * Bits 6, 7 of the low byte: byte index / 4 of the packed table, then
	 * entry index mod 4 of that byte: byte j of a qword takes its bits 2k,
	 * 2k + 1 (k = index bits 0, 1) into bits 6, 7 by taking qword bits
	 * 8j + 2k.. of the bytes rotated left by 6.
	 */
	const uint8_t *low2 = f->sbox_large_low2[i];
	__m512i packed = _mm512_mask_blend_epi8(b9, odo_lookup128(low2, h),
						odo_lookup128(low2 + 128, h));
	const __m512i byte_pos = _mm512_set1_epi64(0x3830282018100800); /* 8j in byte j */
	/* (2l & 6) | 8j */
	__m512i shift = _mm512_ternarylogic_epi64(_mm512_add_epi8(l, l), _mm512_set1_epi8(6),
						  byte_pos, 0xea);
	__m512i lo2 = _mm512_multishift_epi64_epi8(shift, _mm512_rol_epi64(packed, 6));

	/* S6[4i + p] at field position p, by vpermb (index bits 0..5). */
	const uint8_t(*small)[ODOCRYPT_SMALL_SIZE] = f->c.sbox_small + 4 * i;
	__m512i lo = _mm512_permutexvar_epi8(s, _mm512_loadu_si512(small[0]));
	for (unsigned p = 1; p < 4; p++)
		lo = _mm512_mask_permutexvar_epi8(lo, ODO_FIELD_BYTES << 2 * p, s,
						  _mm512_loadu_si512(small[p]));
	/* (lo2 & 0xc0) | lo */
	lo = _mm512_ternarylogic_epi64(lo2, _mm512_set1_epi8((char)0xc0), lo, 0xea);

	/* Back to 16-bit fields: low byte lo, high byte hi. */
	return (struct vec_avx512x2){
		_mm512_mask_blend_epi8(odd, lo, _mm512_slli_epi16(hi, 8)),
		_mm512_mask_blend_epi8(odd, _mm512_srli_epi16(lo, 8), hi),
	};
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
