/* SPDX-License-Identifier: MIT */
#include "simd.h"

#include <string.h>

#include "endian.h"

/*
 * SIMD-512 as specified in "SIMD Is a Message Digest" (Leurent, Bouillaguet,
 * Fouque), version 1.1 of the round-2 submission: the compression function is
 * a Davies-Meyer-like construction over four registers A, B, C, D of eight
 * 32-bit words (eight parallel Feistel ladders), keyed by a message expansion
 * that is an NTT over F_257 followed by an inner code and a permutation.
 *
 * Mode (spec §"mode of operation"): the message is cut into 128-byte blocks,
 * the last one padded with zero bytes (no padding bit; an empty message has no
 * data block at all); then one final block holding the message length in bits,
 * 64-bit little-endian in bytes 0..7 and zeros elsewhere, is compressed with
 * the final variant of the message expansion. The digest is the first 512 bits
 * of the chaining value (A and B), words little-endian.
 */

/* Size of the NTT (spec: n = 256 for SIMD-512) and its root of unity. */
#define SIMD_NTT_N 256
#define SIMD_NTT_ALPHA 41 /* 41 has order 256 in F_257 */
#define SIMD_P 257

/*
 * The initial chaining value. Spec: the IV of SIMD-512 is the compression of
 * the ASCII string "SIMD-512 v1.1", zero-padded to a block, under an all-zero
 * chaining value (ordinary, non-final compression). tests/test_qubit_simd_echo.c
 * recomputes it that way.
 */
const uint32_t simd512_iv[SIMD512_STATE_WORDS] = {
	0x0ba16b95, 0x72f999ad, 0x9fecc2ae, 0xba3264fc, 0x5e894929, 0x8e9f30e5, 0x2f1daa37,
	0xf0f2c558, 0xac506643, 0xa90635a5, 0xe25b878b, 0xaab7878f, 0x88817f7a, 0x0a02892b,
	0x559a7550, 0x598f657e, 0x7eef60a1, 0x6b70e3e8, 0x9c1714d1, 0xb958e2a8, 0xab02675e,
	0xed1c014f, 0xcd8d65bb, 0xfdb7a257, 0x09254899, 0xd699c7bc, 0x9019b6dc, 0x2b9022e4,
	0x8fa14956, 0x21bf9bd3, 0xb94d0943, 0x6ffddc22,
};

/*
 * Rotation constants of the four rounds (spec v1.1, tweaked values): step k of
 * round r uses r1 = pi[r][k mod 4] and r2 = pi[r][(k + 1) mod 4]. The four
 * final steps use the constants of the last round.
 */
static const uint8_t simd_pi[4][4] = {
	{ 3, 23, 17, 27 },
	{ 28, 19, 22, 7 },
	{ 29, 9, 15, 5 },
	{ 4, 13, 10, 25 },
};

/*
 * The permutations between the Feistel ladders (spec v1.1): step i uses
 * p(j) = j xor simd_perm_xor[i mod 7], for all 36 steps.
 */
static const uint8_t simd_perm_xor[7] = { 1, 6, 2, 3, 5, 7, 4 };

/* Which inner-code word group Z feeds step i (spec v1.1, the permutation of W). */
static const uint8_t simd_w_order[32] = {
	4,  6,  0,  2,  7,  5,  3,  1,  15, 11, 12, 8,  9,  13, 10, 14,
	17, 18, 23, 20, 22, 21, 16, 19, 30, 24, 25, 31, 27, 29, 28, 26,
};

static inline unsigned simd_mulmod(unsigned a, unsigned b)
{
	return a * b % SIMD_P;
}

/* Reverses the 8 low bits of i (NTT input order). */
static inline unsigned simd_rev8(unsigned i)
{
	i = (i & 0x0f) << 4 | (i & 0xf0) >> 4;
	i = (i & 0x33) << 2 | (i & 0xcc) >> 2;
	return (i & 0x55) << 1 | (i & 0xaa) >> 1;
}

/*
 * y[i] = sum_j x[j] * alpha^(i*j) mod 257 for i = 0..255, where x is the block
 * (bytes as integers, x[128..255] = 0) plus the spec's tweak polynomial: X^255
 * for ordinary blocks, X^255 + X^253 for the final block. Iterative radix-2
 * decimation in time; every value stays in [0, 256].
 */
static void simd_ntt(const uint8_t block[SIMD512_BLOCK_LEN], int is_final,
		     unsigned y[SIMD_NTT_N])
{
	unsigned x[SIMD_NTT_N] = { 0 };

	for (unsigned j = 0; j < SIMD512_BLOCK_LEN; j++)
		x[j] = block[j];
	x[255] = 1;
	if (is_final)
		x[253] = 1;
	for (unsigned j = 0; j < SIMD_NTT_N; j++)
		y[simd_rev8(j)] = x[j];

	/* omega_len = alpha^(256 / len), the root of unity of each stage. */
	unsigned root = SIMD_NTT_ALPHA;
	unsigned roots[8];
	for (int s = 7; s >= 0; s--) {
		roots[s] = root;
		root = simd_mulmod(root, root);
	}
	for (unsigned s = 0, half = 1; half < SIMD_NTT_N; s++, half <<= 1) {
		unsigned w = 1;
		for (unsigned j = 0; j < half; j++) {
			for (unsigned i = j; i < SIMD_NTT_N; i += 2 * half) {
				unsigned u = y[i], v = simd_mulmod(y[i + half], w);
				y[i] = (u + v) % SIMD_P;
				y[i + half] = (u + SIMD_P - v) % SIMD_P;
			}
			w = simd_mulmod(w, roots[s]);
		}
	}
}

/* The representative of v (in [0, 256]) in [-128, 128]. */
static inline int simd_lift(unsigned v)
{
	return v > 128 ? (int)v - SIMD_P : (int)v;
}

/* Inner code: two lifted values times 185 or 233 modulo 2^16, packed low first. */
static inline uint32_t simd_inner(unsigned lo, unsigned hi, int mul)
{
	return ((uint32_t)(simd_lift(lo) * mul) & 0xffff) |
	       ((uint32_t)(simd_lift(hi) * mul) & 0xffff) << 16;
}

/*
 * Message expansion (spec §"message expansion"): the NTT, then the inner code
 * Z[i][j] for i = 0..31 (groups), j = 0..7 (ladders):
 *   i < 16:       (y[16i + 2j],       y[16i + 2j + 1])   times 185
 *   16 <= i < 24: (y[16i + 2j - 256], y[16i + 2j - 128]) times 233
 *   24 <= i:      (y[16i + 2j - 383], y[16i + 2j - 255]) times 233
 * and step i takes the group Z[simd_w_order[i]].
 */
static void simd_expand(const uint8_t block[SIMD512_BLOCK_LEN], int is_final, uint32_t w[32][8])
{
	unsigned y[SIMD_NTT_N];

	simd_ntt(block, is_final, y);
	for (unsigned i = 0; i < 32; i++) {
		uint32_t *z = w[i];
		for (unsigned j = 0; j < 8; j++) {
			unsigned g = simd_w_order[i], a;
			if (g < 16) {
				a = 16 * g + 2 * j;
				z[j] = simd_inner(y[a], y[a + 1], 185);
			} else {
				a = g < 24 ? 16 * g + 2 * j - 256 : 16 * g + 2 * j - 383;
				z[j] = simd_inner(y[a], y[a + 128], 233);
			}
		}
	}
}

static inline uint32_t simd_if(uint32_t a, uint32_t b, uint32_t c)
{
	return c ^ (a & (b ^ c));
}

static inline uint32_t simd_maj(uint32_t a, uint32_t b, uint32_t c)
{
	return (a & b) | (c & (a | b));
}

/*
 * One step on the eight ladders (spec §"step update"):
 *   D_j <- ((D_j + W_j + phi(A_j, B_j, C_j)) <<< r2) + (A_p(j) <<< r1)
 *   (A_j, B_j, C_j, D_j) <- (D_j, A_j <<< r1, B_j, C_j)
 * Done in place: a gets A <<< r1 and d the new A; the caller renames the
 * registers (a, b, c, d) -> (d, a, b, c) for the next step.
 */
static inline void simd_step(uint32_t *a, const uint32_t *b, const uint32_t *c, uint32_t *d,
			     const uint32_t w[8], int is_maj, unsigned r1, unsigned r2,
			     unsigned pxor)
{
	uint32_t ra[8];

	for (unsigned j = 0; j < 8; j++)
		ra[j] = rotl32(a[j], r1);
	for (unsigned j = 0; j < 8; j++) {
		uint32_t f = is_maj ? simd_maj(a[j], b[j], c[j]) : simd_if(a[j], b[j], c[j]);
		d[j] = rotl32(d[j] + w[j] + f, r2) + ra[j ^ pxor];
	}
	memcpy(a, ra, sizeof(ra));
}

void simd512_compress(uint32_t h[SIMD512_STATE_WORDS], const uint8_t block[SIMD512_BLOCK_LEN],
		      int is_final)
{
	uint32_t w[32][8], st[4][8];
	uint32_t *a = st[0], *b = st[1], *c = st[2], *d = st[3], *t;

	simd_expand(block, is_final, w);
	/* The state is the chaining value xor the message block (32 words LE). */
	for (unsigned i = 0; i < SIMD512_STATE_WORDS; i++)
		st[i / 8][i % 8] = h[i] ^ le32_load(block + 4 * i);

	/* Four rounds of eight steps: IF for steps 0-3 of a round, MAJ for 4-7. */
	for (unsigned i = 0; i < 32; i++) {
		unsigned k = i % 8;
		const uint8_t *pi = simd_pi[i / 8];
		simd_step(a, b, c, d, w[i], k >= 4, pi[k % 4], pi[(k + 1) % 4],
			  simd_perm_xor[i % 7]);
		t = d, d = c, c = b, b = a, a = t;
	}
	/* Feed-forward: four IF steps whose message words are the chaining value. */
	for (unsigned i = 0; i < 4; i++) {
		simd_step(a, b, c, d, h + 8 * i, 0, simd_pi[3][i], simd_pi[3][(i + 1) % 4],
			  simd_perm_xor[(32 + i) % 7]);
		t = d, d = c, c = b, b = a, a = t;
	}
	/* 36 renames bring the registers back to st[0..3] = A, B, C, D. */
	memcpy(h, st, sizeof(st));
}

void simd512(const void *in, size_t len, uint8_t out[64])
{
	const uint8_t *p = in;
	uint32_t h[SIMD512_STATE_WORDS];
	uint8_t block[SIMD512_BLOCK_LEN];

	memcpy(h, simd512_iv, sizeof(h));
	for (size_t off = 0; off < len; off += SIMD512_BLOCK_LEN) {
		size_t n = len - off < SIMD512_BLOCK_LEN ? len - off : SIMD512_BLOCK_LEN;
		memset(block, 0, sizeof(block));
		memcpy(block, p + off, n);
		simd512_compress(h, block, 0);
	}
	memset(block, 0, sizeof(block));
	le64_store(block, (uint64_t)len * 8);
	simd512_compress(h, block, 1);
	for (unsigned i = 0; i < 16; i++)
		le32_store(out + 4 * i, h[i]);
}
