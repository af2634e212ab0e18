/* SPDX-License-Identifier: MIT */
/*
 * Odocrypt scan, AVX-512 (F, BW): eight nonces per step, nonce j of the step
 * in 64-bit lane j of each of the ten word vectors. The P-boxes are bit
 * selects and variable rotations; the small S-boxes are 16-bit permutes from
 * two registers, the large ones 32-bit gathers. Keccak-p[800] then runs on
 * the eight lanes at once, one 32-bit lane per nonce.
 */
#include "odocrypt.h"

#include "vec_avx512.h"

#include "odocrypt_zmm.h"

#define ODOCRYPT_LANES_SWAP(a, b, mask) ODOCRYPT_ZMM_SWAP(a, b, mask)
#define ODOCRYPT_LANES_ROT(a, shift) ODOCRYPT_ZMM_ROT(a, shift)

/* Word i of eight lanes through the S-boxes of §4.5. */
static inline __m512i odocrypt_lanes_sbox(const struct odocrypt_fast *f, unsigned i, __m512i x)
{
	/* S6[4i + f] on field f, lane word e having f = e mod 4; permutes use index bits 0..5. */
	__m512i small = x;
	for (unsigned k = 0; k < 4; k++) {
		const uint16_t *t = f->sbox_small16[4 * i + k];
		small = _mm512_mask2_permutex2var_epi16(_mm512_loadu_si512(t), small,
							(__mmask32)(0x11111111u << k),
							_mm512_loadu_si512(t + 32));
	}
	/* S10[i] << 6 by the index bits 6..15 of the even and the odd fields of each dword. */
	const __m512i lo10 = _mm512_set1_epi32(ODOCRYPT_LARGE_SIZE - 1);
	__m512i even = _mm512_and_si512(_mm512_srli_epi32(x, ODOCRYPT_SMALL_BITS), lo10);
	__m512i odd = _mm512_srli_epi32(x, 16 + ODOCRYPT_SMALL_BITS);
	__m512i ge = _mm512_i32gather_epi32(even, f->sbox_large_hi[i], 2);
	__m512i go = _mm512_i32gather_epi32(odd, f->sbox_large_hi[i], 2);
	__m512i u = _mm512_or_si512(small, _mm512_slli_epi32(go, 16));
	/* (ge & 0xffff) | u */
	return _mm512_ternarylogic_epi32(ge, _mm512_set1_epi32(0xffff), u, 0xea);
}

/* odocrypt_lanes.h: the linear mix and the round key. */
static inline __m512i odocrypt_lanes_mix(const struct odocrypt_fast *f, __m512i next,
					 __m512i x, const uint64_t *key_bit)
{
	return odocrypt_zmm_mix(f, next, x, key_bit);
}

#include "odocrypt_lanes.h"

/* odocrypt_lanes.h: Keccak-p[800] on the eight lanes at once. */
static inline unsigned odocrypt_lanes_hits(const __m512i w[ODOCRYPT_WORDS], uint64_t start,
					   unsigned count, const uint8_t target[HASH_LEN],
					   uint32_t *hits, unsigned n, unsigned max_hits)
{
	return odocrypt_zmm_hits(w, start, count, target, hits, n, max_hits);
}

unsigned odocrypt_scan_avx512(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			      uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return odocrypt_lanes_scan(vctx, target, first, last, hits, max_hits);
}
