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

/* SIMD_POW(k) = alpha^k mod 257 (k < 256), computed by the compiler by square-and-multiply. */
enum {
	SIMD_A1 = SIMD_NTT_ALPHA,
	SIMD_A2 = SIMD_A1 * SIMD_A1 % SIMD_P,
	SIMD_A4 = SIMD_A2 * SIMD_A2 % SIMD_P,
	SIMD_A8 = SIMD_A4 * SIMD_A4 % SIMD_P,
	SIMD_A16 = SIMD_A8 * SIMD_A8 % SIMD_P,
	SIMD_A32 = SIMD_A16 * SIMD_A16 % SIMD_P,
	SIMD_A64 = SIMD_A32 * SIMD_A32 % SIMD_P,
	SIMD_A128 = SIMD_A64 * SIMD_A64 % SIMD_P,
};
#define SIMD_PM(acc, k, bit, a) ((acc) * ((k) & (bit) ? (a) : 1) % SIMD_P)
#define SIMD_POW(k)                                                                          \
	SIMD_PM(SIMD_PM(SIMD_PM(SIMD_PM(SIMD_PM(SIMD_PM(SIMD_PM(SIMD_PM(1, k, 1, SIMD_A1), k, 2, \
	SIMD_A2), k, 4, SIMD_A4), k, 8, SIMD_A8), k, 16, SIMD_A16), k, 32, SIMD_A32), k, 64,     \
	SIMD_A64), k, 128, SIMD_A128)
/* The representative in [-128, 128] of x in [-128, 385]. */
#define SIMD_LIFT(x) ((x) > 128 ? (x) - SIMD_P : (x))

/*
 * simd512_twiddle[i][j] = alpha^(i j) lifted to [-128, 128], for the 16 x 16
 * decomposition of the NTT (small enough for the 16-bit products of the AVX2
 * code).
 */
#define SIMD_TW(i, j) SIMD_LIFT(SIMD_POW((i) * (j)))
#define SIMD_TW4(i, j) SIMD_TW(i, j), SIMD_TW(i, (j) + 1), SIMD_TW(i, (j) + 2), SIMD_TW(i, (j) + 3)
#define SIMD_TW_ROW(i) { SIMD_TW4(i, 0), SIMD_TW4(i, 4), SIMD_TW4(i, 8), SIMD_TW4(i, 12) }
const int16_t simd512_twiddle[16][16] = {
	SIMD_TW_ROW(0),	 SIMD_TW_ROW(1),  SIMD_TW_ROW(2),  SIMD_TW_ROW(3),
	SIMD_TW_ROW(4),	 SIMD_TW_ROW(5),  SIMD_TW_ROW(6),  SIMD_TW_ROW(7),
	SIMD_TW_ROW(8),	 SIMD_TW_ROW(9),  SIMD_TW_ROW(10), SIMD_TW_ROW(11),
	SIMD_TW_ROW(12), SIMD_TW_ROW(13), SIMD_TW_ROW(14), SIMD_TW_ROW(15),
};

/* Reverses the 4 low bits of i (FFT input order). */
static inline unsigned simd_rev4(unsigned i)
{
	return (i & 1) << 3 | (i & 2) << 1 | (i & 4) >> 1 | (i & 8) >> 3;
}

/*
 * Partial reduction modulo 257 (256 = -1): congruent to x, and for |x| <= V it
 * lies in [-V/256 - 1, 255 + V/256].
 */
static inline int simd_red(int x)
{
	return (x & 0xff) - (x >> 8);
}

/* (u, v) <- (u + 2^e v, u - 2^e v) on a row of 16 entries, partially reduced. */
static inline void simd_butterfly_row(int *restrict u, int *restrict v, unsigned e)
{
	for (unsigned c = 0; c < 16; c++) {
		int t = v[c] * (1 << e);
		v[c] = simd_red(u[c] - t);
		u[c] = simd_red(u[c] + t);
	}
}

/*
 * Sixteen 16-point DFTs at once, with root alpha^16 = 2, along the rows of m:
 * m[k][c] <- sum_r m_in[r][c] * 2^(r*k) for every column c, where the rows of
 * m_in are given in bit-reversed order (m[rev4(r)] holds row r). Radix-2
 * decimation in time: the twiddles 2^e have e < 8, so they are shifts. Each
 * stage ends with a partial reduction: entries in [-260, 260] leave the four
 * stages in [-250, 500].
 */
static void simd_dft16_rows(int m[16][16])
{
	for (unsigned half = 1; half < 16; half <<= 1) {
		for (unsigned i = 0; i < 16; i += 2 * half) {
			for (unsigned j = 0; j < half; j++)
				simd_butterfly_row(m[i + j], m[i + j + half], j * (8 / half));
		}
	}
}

/*
 * y[i] = sum_j x[j] * alpha^(i*j) mod 257 for i = 0..255, lifted to [-128, 128],
 * where x is the block (bytes as integers, x[128..255] = 0) plus the spec's
 * tweak polynomial: X^255 for ordinary blocks, X^255 + X^253 for the final
 * block. The 256-point transform is done as 16 x 16 (j = j1 + 16 j2,
 * i = i1 + 16 i2): DFTs over j2 with root alpha^16 = 2, twiddles
 * alpha^(i1 j1), DFTs over j1 with root 2 again.
 */
static void simd_ntt(const uint8_t block[SIMD512_BLOCK_LEN], int is_final, int y[SIMD_NTT_N])
{
	int m[16][16], t[16][16];

	/* m[rev4(j2)][j1] = x[j1 + 16 j2] */
	memset(m, 0, sizeof(m));
	for (unsigned j2 = 0; j2 < SIMD512_BLOCK_LEN / 16; j2++) {
		for (unsigned j1 = 0; j1 < 16; j1++)
			m[simd_rev4(j2)][j1] = block[16 * j2 + j1];
	}
	m[simd_rev4(15)][15] = 1;
	if (is_final)
		m[simd_rev4(15)][13] = 1;
	simd_dft16_rows(m); /* m[i1][j1] */

	/* m[i1][j1] *= alpha^(i1 j1), then t[rev4(j1)][i1] = m[i1][j1] */
	for (unsigned i1 = 0; i1 < 16; i1++) {
		for (unsigned j1 = 0; j1 < 16; j1++)
			m[i1][j1] = simd_red(simd_red(m[i1][j1] * simd512_twiddle[i1][j1]));
	}
	for (unsigned i1 = 0; i1 < 16; i1++) {
		for (unsigned j1 = 0; j1 < 16; j1++)
			t[simd_rev4(j1)][i1] = m[i1][j1];
	}
	simd_dft16_rows(t); /* t[i2][i1] = y[i1 + 16 i2] */

	for (unsigned i = 0; i < SIMD_NTT_N; i++) {
		int r = simd_red(t[i / 16][i % 16]);
		y[i] = r - (r > 128 ? SIMD_P : 0);
	}
}

/* Inner code: two lifted values times 185 or 233 modulo 2^16, packed low first. */
static inline uint32_t simd_inner(int lo, int hi, int mul)
{
	return ((uint32_t)(lo * mul) & 0xffff) | ((uint32_t)(hi * mul) & 0xffff) << 16;
}

/*
 * Message expansion (spec §"message expansion"): the NTT, lifted, then the inner code
 * Z[i][j] for i = 0..31 (groups), j = 0..7 (ladders):
 *   i < 16:       (y[16i + 2j],       y[16i + 2j + 1])   times 185
 *   16 <= i < 24: (y[16i + 2j - 256], y[16i + 2j - 128]) times 233
 *   24 <= i:      (y[16i + 2j - 383], y[16i + 2j - 255]) times 233
 * and step i takes the group Z[simd512_w_order[i]].
 */
void simd512_expand(const uint8_t block[SIMD512_BLOCK_LEN], int is_final,
		    uint32_t w[SIMD512_STEPS][8])
{
	int y[SIMD_NTT_N];

	simd_ntt(block, is_final, y);
	for (unsigned i = 0; i < 32; i++) {
		uint32_t *z = w[i];
		for (unsigned j = 0; j < 8; j++) {
			unsigned g = simd512_w_order[i], a;
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
 * Done in place: a gets A <<< r1 and d the new A, so the next step takes
 * the registers (a, b, c, d) = (d, a, b, c); after a multiple of four steps
 * they are back in place.
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

/*
 * One round of eight steps: IF for the first four, MAJ for the last four;
 * step k uses the rotations pi[k % 4], pi[(k + 1) % 4] and the permutation
 * number (first + k) % 7. The argument order renames the registers. Forced
 * inline so that every rotation and permutation becomes a constant.
 */
static inline __attribute__((always_inline)) void
simd_round(uint32_t s[4][8], const uint32_t w[8][8], const uint8_t pi[4], unsigned first)
{
	simd_step(s[0], s[1], s[2], s[3], w[0], 0, pi[0], pi[1], simd512_perm_xor[(first + 0) % 7]);
	simd_step(s[3], s[0], s[1], s[2], w[1], 0, pi[1], pi[2], simd512_perm_xor[(first + 1) % 7]);
	simd_step(s[2], s[3], s[0], s[1], w[2], 0, pi[2], pi[3], simd512_perm_xor[(first + 2) % 7]);
	simd_step(s[1], s[2], s[3], s[0], w[3], 0, pi[3], pi[0], simd512_perm_xor[(first + 3) % 7]);
	simd_step(s[0], s[1], s[2], s[3], w[4], 1, pi[0], pi[1], simd512_perm_xor[(first + 4) % 7]);
	simd_step(s[3], s[0], s[1], s[2], w[5], 1, pi[1], pi[2], simd512_perm_xor[(first + 5) % 7]);
	simd_step(s[2], s[3], s[0], s[1], w[6], 1, pi[2], pi[3], simd512_perm_xor[(first + 6) % 7]);
	simd_step(s[1], s[2], s[3], s[0], w[7], 1, pi[3], pi[0], simd512_perm_xor[(first + 7) % 7]);
}

void simd512_compress_expanded(uint32_t h[SIMD512_STATE_WORDS],
			       const uint8_t block[SIMD512_BLOCK_LEN],
			       const uint32_t w[SIMD512_STEPS][8])
{
	uint32_t s[4][8];
	const uint8_t *pi = simd512_pi[3];

	/* The state is the chaining value xor the message block (32 words LE). */
	for (unsigned i = 0; i < SIMD512_STATE_WORDS; i++)
		s[i / 8][i % 8] = h[i] ^ le32_load(block + 4 * i);

	simd_round(s, w + 0, simd512_pi[0], 0);
	simd_round(s, w + 8, simd512_pi[1], 8);
	simd_round(s, w + 16, simd512_pi[2], 16);
	simd_round(s, w + 24, simd512_pi[3], 24);
	/* Feed-forward: four IF steps whose message words are the chaining value. */
	simd_step(s[0], s[1], s[2], s[3], h + 0, 0, pi[0], pi[1], simd512_perm_xor[32 % 7]);
	simd_step(s[3], s[0], s[1], s[2], h + 8, 0, pi[1], pi[2], simd512_perm_xor[33 % 7]);
	simd_step(s[2], s[3], s[0], s[1], h + 16, 0, pi[2], pi[3], simd512_perm_xor[34 % 7]);
	simd_step(s[1], s[2], s[3], s[0], h + 24, 0, pi[3], pi[0], simd512_perm_xor[35 % 7]);
	memcpy(h, s, sizeof(s));
}

void simd512_compress(uint32_t h[SIMD512_STATE_WORDS], const uint8_t block[SIMD512_BLOCK_LEN],
		      int is_final)
{
	uint32_t w[SIMD512_STEPS][8];

	simd512_expand(block, is_final, w);
	simd512_compress_expanded(h, block, w);
}

void simd512_len_block(uint64_t len, uint8_t block[SIMD512_BLOCK_LEN])
{
	memset(block, 0, SIMD512_BLOCK_LEN);
	le64_store(block, len * 8);
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
	simd512_len_block(len, block);
	simd512_compress(h, block, 1);
	for (unsigned i = 0; i < 16; i++)
		le32_store(out + 4 * i, h[i]);
}
