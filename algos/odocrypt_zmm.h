/* SPDX-License-Identifier: MIT */
#ifndef QM_ODOCRYPT_ZMM_H
#define QM_ODOCRYPT_ZMM_H

/*
 * Pieces of the Odocrypt scan on one zmm of eight blocks (block j in 64-bit
 * lane j), shared by odocrypt_avx512.c (one such vector per word) and
 * odocrypt_avx512vbmi.c (two, side by side): the masked swap and the
 * rotation of the P-boxes, the linear mix with the round key, and the
 * Keccak-p[800] stage with the target check. Include it only from a file
 * compiled with the AVX-512 (F, BW, VL) flags, after odocrypt.h; everything
 * here is a macro or static inline (style.md §1).
 */
#include <immintrin.h>

#include "odocrypt.h"

#include "endian.h"
#include "keccak800.h"

/* a, b = bits of b where mask is set, else a; and the other way round (§4.5 masked swap). */
#define ODOCRYPT_ZMM_SWAP(a, b, mask)                                                   \
	do {                                                                            \
		__m512i m_ = _mm512_set1_epi64((long long)(mask));                      \
		__m512i t_ = _mm512_ternarylogic_epi64(a, b, m_, 0xd8); /* m ? b : a */ \
		b = _mm512_ternarylogic_epi64(b, a, m_, 0xd8);                          \
		a = t_;                                                                 \
	} while (0)
#define ODOCRYPT_ZMM_ROT(a, shift) \
	((a) = _mm512_rolv_epi64((a), _mm512_set1_epi64((long long)(shift).left)))

/* next ^ the six rotations of x ^ the round-key bit (§4.5 linear mix, round key). */
static inline __m512i odocrypt_zmm_mix(const struct odocrypt_fast *f, __m512i next, __m512i x,
				       const uint64_t *key_bit)
{
	const struct odocrypt_shift *q = f->mix_shift;
	__m512i r0 = _mm512_rolv_epi64(x, _mm512_set1_epi64((long long)q[0].left));
	__m512i r1 = _mm512_rolv_epi64(x, _mm512_set1_epi64((long long)q[1].left));
	__m512i r2 = _mm512_rolv_epi64(x, _mm512_set1_epi64((long long)q[2].left));
	__m512i r3 = _mm512_rolv_epi64(x, _mm512_set1_epi64((long long)q[3].left));
	__m512i r4 = _mm512_rolv_epi64(x, _mm512_set1_epi64((long long)q[4].left));
	__m512i r5 = _mm512_rolv_epi64(x, _mm512_set1_epi64((long long)q[5].left));
	__m512i t = _mm512_ternarylogic_epi64(r0, r1, r2, 0x96);
	__m512i u = _mm512_ternarylogic_epi64(r3, r4, r5, 0x96);
	__m512i v = _mm512_ternarylogic_epi64(t, u, next, 0x96);
	return _mm512_xor_si512(v, _mm512_set1_epi64((long long)*key_bit));
}

/*
 * Keccak-p[800] rounds on eight states, lane (x, y) of state j in 32-bit lane
 * j of a[x + 5y] (docs/pow.md §4.6). KECCAK256_ROW is theta's column
 * parity applied, rho, pi and chi for output row Y from source lanes s0..s4
 * (as in keccak800.c); the rotations are immediates.
 */
#define KECCAK256_ROT(v, n) ((n) ? _mm256_rol_epi32((v), (n)) : (v))
#define KECCAK256_ROW(Y, s0, s1, s2, s3, s4, r0, r1, r2, r3, r4)                       \
	do {                                                                           \
		__m256i b0 = KECCAK256_ROT(_mm256_xor_si256(a[s0], d[(s0) % 5]), r0); \
		__m256i b1 = KECCAK256_ROT(_mm256_xor_si256(a[s1], d[(s1) % 5]), r1); \
		__m256i b2 = KECCAK256_ROT(_mm256_xor_si256(a[s2], d[(s2) % 5]), r2); \
		__m256i b3 = KECCAK256_ROT(_mm256_xor_si256(a[s3], d[(s3) % 5]), r3); \
		__m256i b4 = KECCAK256_ROT(_mm256_xor_si256(a[s4], d[(s4) % 5]), r4); \
		/* chi: b0 ^ (~b1 & b2) */                                             \
		e[5 * (Y) + 0] = _mm256_ternarylogic_epi32(b0, b1, b2, 0xd2);          \
		e[5 * (Y) + 1] = _mm256_ternarylogic_epi32(b1, b2, b3, 0xd2);          \
		e[5 * (Y) + 2] = _mm256_ternarylogic_epi32(b2, b3, b4, 0xd2);          \
		e[5 * (Y) + 3] = _mm256_ternarylogic_epi32(b3, b4, b0, 0xd2);          \
		e[5 * (Y) + 4] = _mm256_ternarylogic_epi32(b4, b0, b1, 0xd2);          \
	} while (0)

/* One round a -> e; with is_last only rows 0 and 1 (lanes 0..9: the hash and more). */
static inline __attribute__((always_inline)) void
keccak256_round(const __m256i a[KECCAK800_LANES], __m256i e[KECCAK800_LANES], uint32_t rc,
		int is_last)
{
	__m256i c[5], d[5];

	for (unsigned x = 0; x < 5; x++) {
		c[x] = _mm256_ternarylogic_epi32(a[x], a[x + 5], a[x + 10], 0x96);
		c[x] = _mm256_ternarylogic_epi32(c[x], a[x + 15], a[x + 20], 0x96);
	}
	for (unsigned x = 0; x < 5; x++)
		d[x] = _mm256_xor_si256(c[(x + 4) % 5], _mm256_rol_epi32(c[(x + 1) % 5], 1));
	/* Source lanes from keccak800.c; rho offsets from keccak800_rho. */
	KECCAK256_ROW(0, 0, 6, 12, 18, 24, 0, 12, 11, 21, 14);
	KECCAK256_ROW(1, 3, 9, 10, 16, 22, 28, 20, 3, 13, 29);
	if (!is_last) {
		KECCAK256_ROW(2, 1, 7, 13, 19, 20, 1, 6, 25, 8, 18);
		KECCAK256_ROW(3, 4, 5, 11, 17, 23, 27, 4, 10, 15, 24);
		KECCAK256_ROW(4, 2, 8, 14, 15, 21, 30, 23, 7, 9, 2);
	}
	e[0] = _mm256_xor_si256(e[0], _mm256_set1_epi32((int)rc));
}

/* Keccak-p[800, 12] of the eight padded ciphertexts; lanes 0..7 of a are the hashes. */
static inline void keccak256_odo(__m256i a[KECCAK800_LANES])
{
	__m256i e[KECCAK800_LANES];
	unsigned r = KECCAK800_ROUNDS - KECCAK800_ODO_ROUNDS;

	for (; r < KECCAK800_ROUNDS - 2; r += 2) {
		keccak256_round(a, e, keccak800_rc[r], 0);
		keccak256_round(e, a, keccak800_rc[r + 1], 0);
	}
	keccak256_round(a, e, keccak800_rc[r], 0);
	keccak256_round(e, a, keccak800_rc[r + 1], 1);
}

/*
 * The PoW hash (§4.2: Keccak-p[800] of the padded ciphertext) of lanes
 * 0..count-1 of w, the blocks of nonces start + j; those <= target are
 * appended to hits[n..max_hits) in nonce order. Returns the new n.
 */
static inline unsigned odocrypt_zmm_hits(const __m512i w[ODOCRYPT_WORDS], uint64_t start,
					 unsigned count, const uint8_t target[HASH_LEN],
					 uint32_t *hits, unsigned n, unsigned max_hits)
{
	/* §4.2: ciphertext, byte 80 = 0x01, zeros; lanes 2i, 2i + 1: low, high of w[i]. */
	__m256i a[KECCAK800_LANES];
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
		a[2 * i] = _mm512_cvtepi64_epi32(w[i]);
		a[2 * i + 1] = _mm512_cvtepi64_epi32(_mm512_srli_epi64(w[i], 32));
	}
	a[20] = _mm256_set1_epi32(1);
	a[21] = a[22] = a[23] = a[24] = _mm256_setzero_si256();
	keccak256_odo(a);

	/* Candidates: the most significant hash word (lane 7) is <= the target's. */
	const __m256i target_top = _mm256_set1_epi32((int)le32_load(target + 28));
	unsigned cand = _mm256_cmple_epu32_mask(a[7], target_top);
	cand &= (1u << count) - 1;
	if (!cand)
		return n;
	uint32_t h[HASH_LEN / 4][8];
	for (unsigned i = 0; i < HASH_LEN / 4; i++)
		_mm256_storeu_si256((__m256i *)h[i], a[i]);
	for (unsigned j = 0; j < count; j++) {
		uint8_t hash[HASH_LEN];
		if (!(cand >> j & 1))
			continue;
		for (unsigned i = 0; i < HASH_LEN / 4; i++)
			le32_store(hash + 4 * i, h[i][j]);
		if (hash_le_target(hash, target) && n < max_hits)
			hits[n++] = (uint32_t)(start + j);
	}
	return n;
}

#endif
