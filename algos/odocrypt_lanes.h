/* SPDX-License-Identifier: MIT */
#ifndef QM_ODOCRYPT_LANES_H
#define QM_ODOCRYPT_LANES_H

/*
 * The Odocrypt cipher (docs/pow.md §4.5) on ODOCRYPT_LANES blocks at
 * once, block j in 64-bit lane j of each of the ten word vectors, written
 * once for odocrypt_avx2.c, odocrypt_avx512.c and odocrypt_avx512vbmi.c (two
 * zmm a vector) in the vocabulary of vec_<isa>.h. Where the widths really
 * differ, the including file provides, before it includes this header
 * (after odocrypt.h and its vec_<isa>.h):
 *
 *   ODOCRYPT_LANES_SWAP(a, b, mask), ODOCRYPT_LANES_ROT(a, shift): the
 *     masked swap and the rotation of ODOCRYPT_PBOX;
 *   static inline VEC odocrypt_lanes_sbox(const struct odocrypt_fast *f,
 *     unsigned i, VEC x): word i through its S-boxes;
 *   static inline VEC odocrypt_lanes_mix(const struct odocrypt_fast *f,
 *     VEC next, VEC x, const uint64_t *key_bit): next ^ the six rotations
 *     of x ^ the round-key bit (the linear mix and the round key);
 *
 * and, before or after it, odocrypt_lanes_hits (declared below): the Keccak
 * stage, per lane or on the vectors. Everything here is static inline
 * (style.md §1).
 */
#include "odocrypt.h"

#include "endian.h"
#include "lane_walk.h"

enum { ODOCRYPT_LANES = VLANES32 / 2 };

/*
 * The ten words of the header (its words base[]) with nonce start + j in
 * lane j: the nonce is bytes 76..79, the high half of word 9.
 */
static inline void odocrypt_lanes_load(VEC w[ODOCRYPT_WORDS], const uint64_t base[ODOCRYPT_WORDS],
				       uint64_t start)
{
	for (unsigned i = 0; i < ODOCRYPT_WORDS - 1; i++)
		w[i] = VSET1_64(base[i]);
	w[9] = VOR(VSET1_64(base[9] & 0xffffffffu),
		   VSLL64(VADD64(VSET1_64(start), VIOTA64()), 32));
}

/* Encrypts the blocks: pre-mix and 84 rounds on w[] (one vector per word). */
static inline void odocrypt_lanes_encrypt(const struct odocrypt_fast *f, VEC w[ODOCRYPT_WORDS])
{
	const struct odocrypt_cipher *c = &f->c;
	VEC w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4];
	VEC w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8], w9 = w[9];

	VEC t = VXOR3(w0, w1, w2);
	t = VXOR3(t, w3, w4);
	t = VXOR3(t, w5, w6);
	t = VXOR3(t, w7, w8);
	t = VXOR(t, w9);
	t = VXOR(t, VSRL64(t, 32));
	w0 = VXOR(w0, t), w1 = VXOR(w1, t), w2 = VXOR(w2, t), w3 = VXOR(w3, t);
	w4 = VXOR(w4, t), w5 = VXOR(w5, t), w6 = VXOR(w6, t), w7 = VXOR(w7, t);
	w8 = VXOR(w8, t), w9 = VXOR(w9, t);

	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++) {
		const uint64_t *kb = f->round_key_bit[r];

		ODOCRYPT_PBOX(ODOCRYPT_LANES_SWAP, ODOCRYPT_LANES_ROT, c->pbox_mask[0],
			      f->pbox_shift[0], w0, w1, w2, w3, w4, w5, w6, w7, w8, w9);
		VEC s0 = odocrypt_lanes_sbox(f, 0, w0), s1 = odocrypt_lanes_sbox(f, 1, w7);
		VEC s2 = odocrypt_lanes_sbox(f, 2, w4), s3 = odocrypt_lanes_sbox(f, 3, w1);
		VEC s4 = odocrypt_lanes_sbox(f, 4, w8), s5 = odocrypt_lanes_sbox(f, 5, w5);
		VEC s6 = odocrypt_lanes_sbox(f, 6, w2), s7 = odocrypt_lanes_sbox(f, 7, w9);
		VEC s8 = odocrypt_lanes_sbox(f, 8, w6), s9 = odocrypt_lanes_sbox(f, 9, w3);
		ODOCRYPT_PBOX(ODOCRYPT_LANES_SWAP, ODOCRYPT_LANES_ROT, c->pbox_mask[1],
			      f->pbox_shift[1], s0, s1, s2, s3, s4, s5, s6, s7, s8, s9);
		/* Logical order s0 s7 s4 s1 s8 s5 s2 s9 s6 s3. */
		w0 = odocrypt_lanes_mix(f, s7, s0, kb + 0);
		w1 = odocrypt_lanes_mix(f, s4, s7, kb + 1);
		w2 = odocrypt_lanes_mix(f, s1, s4, kb + 2);
		w3 = odocrypt_lanes_mix(f, s8, s1, kb + 3);
		w4 = odocrypt_lanes_mix(f, s5, s8, kb + 4);
		w5 = odocrypt_lanes_mix(f, s2, s5, kb + 5);
		w6 = odocrypt_lanes_mix(f, s9, s2, kb + 6);
		w7 = odocrypt_lanes_mix(f, s6, s9, kb + 7);
		w8 = odocrypt_lanes_mix(f, s3, s6, kb + 8);
		w9 = odocrypt_lanes_mix(f, s0, s3, kb + 9);
	}
	w[0] = w0, w[1] = w1, w[2] = w2, w[3] = w3, w[4] = w4;
	w[5] = w5, w[6] = w6, w[7] = w7, w[8] = w8, w[9] = w9;
}

/*
 * Provided by the including file: the PoW hash (§4.2: Keccak-p[800] of the
 * padded ciphertext) of lanes 0..count-1 of w, the blocks of nonces start +
 * j; those <= target are appended to hits[n..max_hits) in nonce order.
 * Returns the new n.
 */
static inline unsigned odocrypt_lanes_hits(const VEC w[ODOCRYPT_WORDS], uint64_t start,
					   unsigned count, const uint8_t target[HASH_LEN],
					   uint32_t *hits, unsigned n, unsigned max_hits);

/* The scan (algo_scan_fn) of the including ISA file. */
static inline unsigned odocrypt_lanes_scan(void *vctx, const uint8_t target[HASH_LEN],
					   uint32_t first, uint32_t last, uint32_t *hits,
					   unsigned max_hits)
{
	const struct odocrypt_ctx *ctx = vctx;
	const struct odocrypt_fast *f = &ctx->slot[ctx->current];
	uint64_t base[ODOCRYPT_WORDS];
	unsigned n = 0;

	odocrypt_load(base, ctx->header);
	struct lane_walk lw = lane_walk_begin(first, last);
	do {
		VEC w[ODOCRYPT_WORDS];

		odocrypt_lanes_load(w, base, lw.base);
		odocrypt_lanes_encrypt(f, w);
		n = odocrypt_lanes_hits(w, lw.base, lane_walk_count(&lw, ODOCRYPT_LANES), target,
					hits, n, max_hits);
	} while (lane_walk_next(&lw, ODOCRYPT_LANES));
	return n;
}

#endif
