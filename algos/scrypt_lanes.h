/* SPDX-License-Identifier: MIT */
#ifndef QM_SCRYPT_LANES_H
#define QM_SCRYPT_LANES_H

/*
 * scrypt scan on VLANES32 nonces at once, written once for scrypt_sse41.c,
 * scrypt_avx2.c and scrypt_avx512.c in the vocabulary of vec_<isa>.h. The
 * nonces form SCRYPT_LANES_GROUPS groups; a VEC holds one diagonal row
 * (scrypt.h) of SCRYPT_LANES_PER_VEC hashes, one per 128-bit lane. ROMix
 * runs `groups` (1, 2 or 4) groups at a time with their Salsa20/8 steps
 * interleaved, in 4 / groups passes over one scratchpad of groups x
 * SCRYPT_LANES_PER_VEC x 128 KiB: fewer groups keep the scratchpad inside a
 * smaller L2 at the cost of less interleaving (the impl table offers each
 * width; src/ picks by the core's L2). The PBKDF2 steps run on all lanes at
 * once with the word-sliced SHA-256 of sha256_lanes.h (a VEC holds one
 * message or state word of each lane).
 *
 * Where the widths really differ, the including file provides, before it
 * includes this header (after scrypt.h and its vec_<isa>.h):
 *
 *   static inline void scrypt_lanes_xor_v(VEC x[8], const VEC *vg);
 *
 * ROMix step 3's Integerify and XOR for one group (RFC 7914 §5): for each
 * hash h of the vectors, j = word 16 of its block mod N (slot 0 of row 4 in
 * 128-bit lane h), then its rows ^= those of V[j], row r of V[j] being lane
 * h of vg[j * 8 + r]. Everything here is static inline (style.md §1).
 */
#include <string.h>

#include "endian.h"
#include "lane_walk.h"
#include "sha256.h"
#include "sha256_lanes.h"

enum {
	SCRYPT_LANES_PER_VEC = VLANES32 / 4,
	SCRYPT_LANES_GROUPS = 4,
};

/* b ^ rotl(p + q, r): one step of a Salsa20 quarter-round, on every lane. */
#define SCRYPT_LANES_STEP(b, p, q, r) VXOR(b, VROL32(VADD32(p, q), r))

/*
 * The ROMix code is inlined into each scan so `groups` is a constant there
 * (its loops unroll, its arrays live in registers); left to itself the
 * compiler keeps one out-of-line copy for all widths.
 */
#define SCRYPT_LANES_INLINE static inline __attribute__((always_inline))

/* For every group: rows out..out+3 = Salsa20/8(rows out.. ^ rows in..). */
SCRYPT_LANES_INLINE void scrypt_lanes_salsa(VEC x[SCRYPT_LANES_GROUPS][8], int out, int in,
				      const int groups)
{
	VEC a[SCRYPT_LANES_GROUPS], b[SCRYPT_LANES_GROUPS];
	VEC c[SCRYPT_LANES_GROUPS], d[SCRYPT_LANES_GROUPS];

#pragma GCC unroll 4
	for (int g = 0; g < groups; g++) {
		a[g] = x[g][out] = VXOR(x[g][out], x[g][in]);
		b[g] = x[g][out + 1] = VXOR(x[g][out + 1], x[g][in + 1]);
		c[g] = x[g][out + 2] = VXOR(x[g][out + 2], x[g][in + 2]);
		d[g] = x[g][out + 3] = VXOR(x[g][out + 3], x[g][in + 3]);
	}
#pragma GCC unroll 4
	for (int i = 0; i < 8; i += 2) {
		/* Column round: the columns are the lanes of rows a, b, c, d. */
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			b[g] = SCRYPT_LANES_STEP(b[g], a[g], d[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			c[g] = SCRYPT_LANES_STEP(c[g], b[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			d[g] = SCRYPT_LANES_STEP(d[g], c[g], b[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++) {
			a[g] = SCRYPT_LANES_STEP(a[g], d[g], c[g], 18);
			/* Rotate lanes: rows a, d, c, b now hold the Salsa20 rows as lanes. */
			b[g] = VSHUF32(b[g], _MM_SHUFFLE(2, 1, 0, 3));
			c[g] = VSHUF32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = VSHUF32(d[g], _MM_SHUFFLE(0, 3, 2, 1));
		}
		/* Row round, then the lanes rotated back. */
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			d[g] = SCRYPT_LANES_STEP(d[g], a[g], b[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			c[g] = SCRYPT_LANES_STEP(c[g], d[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			b[g] = SCRYPT_LANES_STEP(b[g], c[g], d[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++) {
			a[g] = SCRYPT_LANES_STEP(a[g], b[g], c[g], 18);
			b[g] = VSHUF32(b[g], _MM_SHUFFLE(0, 3, 2, 1));
			c[g] = VSHUF32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = VSHUF32(d[g], _MM_SHUFFLE(2, 1, 0, 3));
		}
	}
#pragma GCC unroll 4
	for (int g = 0; g < groups; g++) {
		x[g][out] = VADD32(x[g][out], a[g]);
		x[g][out + 1] = VADD32(x[g][out + 1], b[g]);
		x[g][out + 2] = VADD32(x[g][out + 2], c[g]);
		x[g][out + 3] = VADD32(x[g][out + 3], d[g]);
	}
}

/*
 * ROMix (RFC 7914 §5) of `groups` groups at once (a constant where inlined);
 * diag in the layout of scrypt_diag_pack, from the first of those groups.
 */
SCRYPT_LANES_INLINE void scrypt_lanes_romix(uint32_t *diag, uint32_t *pad, const int groups)
{
	VEC x[SCRYPT_LANES_GROUPS][8];
	/* Group g's block i, row r, is the vector at v[(g * N + i) * 8 + r]. */
	VEC *v = (VEC *)pad;

	for (int g = 0; g < groups; g++) {
		for (int r = 0; r < 8; r++)
			x[g][r] = VLOAD(diag + (g * 8 + r) * VLANES32);
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++) {
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++)
				VSTORE(v + (g * SCRYPT_N + i) * 8 + r, x[g][r]);
		}
		scrypt_lanes_salsa(x, 0, 4, groups);
		scrypt_lanes_salsa(x, 4, 0, groups);
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < groups; g++)
			scrypt_lanes_xor_v(x[g], v + g * SCRYPT_N * 8);
		scrypt_lanes_salsa(x, 0, 4, groups);
		scrypt_lanes_salsa(x, 4, 0, groups);
	}
	for (int g = 0; g < groups; g++) {
		for (int r = 0; r < 8; r++)
			VSTORE(diag + (g * 8 + r) * VLANES32, x[g][r]);
	}
}

/* The 16 message words of a 64-byte block the same in every lane (big-endian words). */
static inline void scrypt_lanes_block_set1(VEC w[16], const uint8_t block[64])
{
	for (int k = 0; k < 16; k++)
		w[k] = VSET1(be32_load(block + 4 * k));
}

/*
 * The HMAC outer hash of every lane: st (inner digests) becomes SHA-256 from
 * the opad states over them, one padded block of 32 bytes after the 64 of
 * the key (FIPS 180-4 §5.1.1).
 */
static inline void scrypt_lanes_hmac_outer(const VEC outer[8], VEC st[8])
{
	VEC w[16];

	memcpy(w, st, 8 * sizeof(w[0]));
	w[8] = VSET1(0x80000000u);
	for (int k = 9; k < 15; k++)
		w[k] = VZERO();
	w[15] = VSET1((64 + 32) * 8);
	memcpy(st, outer, 8 * sizeof(st[0]));
	sha256_lanes_compress(st, w);
}

struct scrypt_lanes_hmac {
	VEC inner[8];
	VEC outer[8];
};

/*
 * Step 1 (as scrypt_lane_in) for the nonces nonce + k, k < VLANES32 (spare
 * lanes past the end of a range hash nonces that are never reported): the
 * HMAC states into hm, the blocks word-sliced into xs[word * VLANES32 + lane].
 */
static inline void scrypt_lanes_pbkdf2_in(const struct scrypt_ctx *ctx, uint32_t nonce,
					  struct scrypt_lanes_hmac *hm, uint32_t *xs)
{
	VEC *xv = (VEC *)xs;
	const VEC nonce_be = VBSWAP32(VADD32(VSET1(nonce), VIOTA32()));
	/* Header bytes 76..79, the nonce, are word 3 of the last 16 header bytes. */
	const int nonce_word = (NONCE_OFFSET - 64) / 4;
	VEC key[8], head[8], w[16];

	/* K = SHA-256(header) from the per-job midstate. */
	for (int k = 0; k < 8; k++)
		key[k] = VSET1(ctx->key_midstate[k]);
	scrypt_lanes_block_set1(w, ctx->key_tail);
	w[nonce_word] = nonce_be;
	sha256_lanes_compress(key, w);

	/* The HMAC states after K ^ ipad and K ^ opad (RFC 2104). */
	for (int k = 0; k < 16; k++)
		w[k] = VSET1(0x36363636);
	for (int k = 0; k < 8; k++) {
		w[k] = VXOR(key[k], w[k]);
		hm->inner[k] = VSET1(sha256_iv[k]);
		hm->outer[k] = hm->inner[k];
	}
	sha256_lanes_compress(hm->inner, w);
	for (int k = 0; k < 16; k++)
		w[k] = VXOR(w[k], VSET1(0x36363636 ^ 0x5c5c5c5c));
	sha256_lanes_compress(hm->outer, w);

	/* T_i = HMAC(K, header || INT(i)), header bytes 0..63 once. */
	memcpy(head, hm->inner, sizeof(head));
	scrypt_lanes_block_set1(w, ctx->header);
	sha256_lanes_compress(head, w);
	for (int i = 1; i <= 4; i++) {
		VEC st[8];

		scrypt_lanes_block_set1(w, ctx->salt_tail);
		w[nonce_word] = nonce_be;
		w[(HEADER_LEN - 64) / 4] = VSET1(i);
		memcpy(st, head, sizeof(st));
		sha256_lanes_compress(st, w);
		scrypt_lanes_hmac_outer(hm->outer, st);
		for (int k = 0; k < 8; k++)
			VSTORE(xv + 8 * (i - 1) + k, VBSWAP32(st[k]));
	}
}

/*
 * Step 4 and the target test of lanes 0..count-1 (nonces nonce + k), their
 * blocks word-sliced in xs; hits appended to hits[n..max_hits) in nonce
 * order. Returns the new n.
 */
static inline unsigned scrypt_lanes_pbkdf2_out(const struct scrypt_lanes_hmac *hm,
					       const uint32_t *xs, unsigned count, uint32_t nonce,
					       const uint8_t target[HASH_LEN], uint32_t *hits,
					       unsigned n, unsigned max_hits)
{
	const VEC *xv = (const VEC *)xs;
	VEC st[8], w[16];

	/* HMAC(K, X || INT(1)): X in two blocks, then INT(1) and the padding of 196 bytes. */
	memcpy(st, hm->inner, sizeof(st));
	for (int half = 0; half < 2; half++) {
		for (int k = 0; k < 16; k++)
			w[k] = VBSWAP32(VLOAD(xv + 16 * half + k));
		sha256_lanes_compress(st, w);
	}
	w[0] = VSET1(1);
	w[1] = VSET1(0x80000000u);
	for (int k = 2; k < 15; k++)
		w[k] = VZERO();
	w[15] = VSET1((64 + SCRYPT_BLOCK_WORDS * 4 + 4) * 8);
	sha256_lanes_compress(st, w);
	scrypt_lanes_hmac_outer(hm->outer, st);

	/* The hash is st big-endian: its most significant little-endian word is bswap(st[7]). */
	unsigned cand = VCMPLEU32(VBSWAP32(st[7]), VSET1(le32_load(target + 28)));
	cand &= (1u << count) - 1;
	if (!cand)
		return n;
	_Alignas(VBYTES) uint32_t words[8][VLANES32];
	for (int k = 0; k < 8; k++)
		VSTORE(words[k], st[k]);
	for (unsigned k = 0; k < count; k++) {
		uint8_t hash[HASH_LEN];

		if (!(cand >> k & 1))
			continue;
		for (int i = 0; i < 8; i++)
			be32_store(hash + 4 * i, words[i][k]);
		if (hash_le_target(hash, target) && n < max_hits)
			hits[n++] = nonce + k;
	}
	return n;
}

/*
 * The scan (algo_scan_fn) of the including ISA file, ROMix on `groups`
 * groups at a time (1, 2 or 4; a constant in each caller).
 */
SCRYPT_LANES_INLINE unsigned scrypt_lanes_scan(void *vctx, const uint8_t target[HASH_LEN],
					 uint32_t first, uint32_t last, uint32_t *hits,
					 unsigned max_hits, const int groups)
{
	struct scrypt_ctx *ctx = vctx;
	struct scrypt_lanes_hmac hm;
	_Alignas(VBYTES) uint32_t xs[VLANES32 * SCRYPT_BLOCK_WORDS];
	_Alignas(VBYTES) uint32_t diag[VLANES32 * SCRYPT_BLOCK_WORDS];
	unsigned n = 0;

	struct lane_walk w = lane_walk_begin(first, last);
	do {
		scrypt_lanes_pbkdf2_in(ctx, w.base, &hm, xs);
		scrypt_diag_pack(diag, xs, 1, VLANES32, VLANES32, SCRYPT_LANES_PER_VEC);
		for (int g = 0; g < SCRYPT_LANES_GROUPS; g += groups)
			scrypt_lanes_romix(diag + g * 8 * VLANES32, ctx->pad, groups);
		scrypt_diag_unpack(xs, diag, 1, VLANES32, VLANES32, SCRYPT_LANES_PER_VEC);
		n = scrypt_lanes_pbkdf2_out(&hm, xs, lane_walk_count(&w, VLANES32), w.base, target,
					    hits, n, max_hits);
	} while (lane_walk_next(&w, VLANES32));
	return n;
}

/*
 * The three scans (algo_scan_fn) of an ISA file: scrypt_scan_<isa> with all
 * four groups interleaved, _g2 and _g1 with two and one at a time.
 */
#define SCRYPT_LANES_SCANS(isa)                                                            \
	unsigned scrypt_scan_##isa(void *vctx, const uint8_t target[HASH_LEN], uint32_t first, \
				   uint32_t last, uint32_t *hits, unsigned max_hits)            \
	{                                                                                  \
		return scrypt_lanes_scan(vctx, target, first, last, hits, max_hits, 4);    \
	}                                                                                  \
	unsigned scrypt_scan_##isa##_g2(void *vctx, const uint8_t target[HASH_LEN],        \
					uint32_t first, uint32_t last, uint32_t *hits,     \
					unsigned max_hits)                                 \
	{                                                                                  \
		return scrypt_lanes_scan(vctx, target, first, last, hits, max_hits, 2);    \
	}                                                                                  \
	unsigned scrypt_scan_##isa##_g1(void *vctx, const uint8_t target[HASH_LEN],        \
					uint32_t first, uint32_t last, uint32_t *hits,     \
					unsigned max_hits)                                 \
	{                                                                                  \
		return scrypt_lanes_scan(vctx, target, first, last, hits, max_hits, 1);    \
	}

#endif
