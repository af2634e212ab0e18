/* SPDX-License-Identifier: MIT */
#ifndef QM_SIMD_H
#define QM_SIMD_H

#include <stddef.h>
#include <stdint.h>

/*
 * SIMD-512, the SHA-3 round-2 candidate of Leurent, Bouillaguet and Fouque
 * ("SIMD Is a Message Digest", version 1.1, the tweaked round-2 submission),
 * as the Qubit chain uses it (docs/pow.md §3.4). Portable, with an AVX2
 * compression in simd_avx2.c. All functions are pure and thread-safe.
 */

#define SIMD512_BLOCK_LEN 128
#define SIMD512_STATE_WORDS 32
/* Steps of the compression that take expanded message words (four rounds of eight). */
#define SIMD512_STEPS 32

/* SIMD-512 of len bytes at in; out gets the 64-byte digest. */
void simd512(const void *in, size_t len, uint8_t out[64]);

/*
 * One compression: h (the 1024-bit chaining value as 32 words A0..A7 B0..B7
 * C0..C7 D0..D7) is replaced by C(h, block). is_final selects the compression
 * of the final (length) block, which differs in the message expansion.
 */
void simd512_compress(uint32_t h[SIMD512_STATE_WORDS], const uint8_t block[SIMD512_BLOCK_LEN],
		      int is_final);

/*
 * The same in two parts, for a block compressed many times (the final block
 * of every 64-byte message is the same): an expand function fills
 * w[step][ladder] with the message expansion of block, and a compress_expanded
 * function compresses block with it. simd512_compress(h, b, f) is
 * simd512_expand(b, f, w) then simd512_compress_expanded(h, b, w).
 */
typedef void simd512_expand_fn(const uint8_t block[SIMD512_BLOCK_LEN], int is_final,
			       uint32_t w[SIMD512_STEPS][8]);
typedef void simd512_compress_expanded_fn(uint32_t h[SIMD512_STATE_WORDS],
					  const uint8_t block[SIMD512_BLOCK_LEN],
					  const uint32_t w[SIMD512_STEPS][8]);

simd512_expand_fn simd512_expand;
simd512_compress_expanded_fn simd512_compress_expanded;
/* AVX2 (algos/simd_avx2.c): built only with HAVE_AVX2, run only where the CPU has AVX2. */
simd512_expand_fn simd512_expand_avx2;
simd512_compress_expanded_fn simd512_compress_expanded_avx2;

/*
 * The final block of a len-byte message: the length in bits, 64-bit little-endian,
 * then zeros (compressed with is_final set).
 */
void simd512_len_block(uint64_t len, uint8_t block[SIMD512_BLOCK_LEN]);

/* The initial chaining value of SIMD-512 (see simd.c for how it is derived). */
extern const uint32_t simd512_iv[SIMD512_STATE_WORDS];

/* alpha^(i j) mod 257, lifted to [-128, 128], for the 16 x 16 NTT (see simd.c). */
extern const int16_t simd512_twiddle[16][16];

/*
 * The step constants, shared with the ISA implementations; static here so that
 * the compiler folds them into immediates.
 *
 * Rotations of the four rounds (spec v1.1, tweaked values): step k of round r
 * uses r1 = pi[r][k mod 4] and r2 = pi[r][(k + 1) mod 4]; the four final steps
 * use those of the last round.
 */
static const uint8_t simd512_pi[4][4] = {
	{ 3, 23, 17, 27 },
	{ 28, 19, 22, 7 },
	{ 29, 9, 15, 5 },
	{ 4, 13, 10, 25 },
};

/* The permutations between the ladders (spec v1.1): step i uses p(j) = j xor perm_xor[i mod 7]. */
static const uint8_t simd512_perm_xor[7] = { 1, 6, 2, 3, 5, 7, 4 };

/* Which inner-code word group Z feeds step i (spec v1.1, the permutation of W). */
static const uint8_t simd512_w_order[SIMD512_STEPS] = {
	4,  6,  0,  2,  7,  5,  3,  1,  15, 11, 12, 8,  9,  13, 10, 14,
	17, 18, 23, 20, 22, 21, 16, 19, 30, 24, 25, 31, 27, 29, 28, 26,
};

#endif
