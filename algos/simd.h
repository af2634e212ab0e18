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

/* SIMD-512 of len bytes at in; out gets the 64-byte digest. */
void simd512(const void *in, size_t len, uint8_t out[64]);

/*
 * One compression: h (the 1024-bit chaining value as 32 words A0..A7 B0..B7
 * C0..C7 D0..D7) is replaced by C(h, block). is_final selects the compression
 * of the final (length) block, which differs in the message expansion.
 */
void simd512_compress(uint32_t h[SIMD512_STATE_WORDS], const uint8_t block[SIMD512_BLOCK_LEN],
		      int is_final);

/* The initial chaining value of SIMD-512 (see simd.c for how it is derived). */
extern const uint32_t simd512_iv[SIMD512_STATE_WORDS];

#endif
