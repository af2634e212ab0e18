/* SPDX-License-Identifier: MIT */
#ifndef QM_SIMD_H
#define QM_SIMD_H

#include <stddef.h>
#include <stdint.h>

/*
 * SIMD-512, the SHA-3 round-2 candidate of Leurent, Bouillaguet and Fouque
 * ("SIMD Is a Message Digest", version 1.1, the tweaked round-2 submission),
 * as the Qubit chain uses it (digibyte-pow.md §3.4). Portable; all functions
 * are pure and thread-safe.
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
 * of every 64-byte message is the same): w[step][ladder] gets the message
 * expansion of block, and simd512_compress_expanded() compresses block with
 * it. simd512_compress(h, b, f) is simd512_expand(b, f, w) then
 * simd512_compress_expanded(h, b, w).
 */
void simd512_expand(const uint8_t block[SIMD512_BLOCK_LEN], int is_final,
		    uint32_t w[SIMD512_STEPS][8]);
void simd512_compress_expanded(uint32_t h[SIMD512_STATE_WORDS],
			       const uint8_t block[SIMD512_BLOCK_LEN],
			       const uint32_t w[SIMD512_STEPS][8]);

/*
 * The final block of a len-byte message: the length in bits, 64-bit little-endian,
 * then zeros (compressed with is_final set).
 */
void simd512_len_block(uint64_t len, uint8_t block[SIMD512_BLOCK_LEN]);

/* The initial chaining value of SIMD-512 (see simd.c for how it is derived). */
extern const uint32_t simd512_iv[SIMD512_STATE_WORDS];

#endif
