/* SPDX-License-Identifier: MIT */
#ifndef QM_ECHO_H
#define QM_ECHO_H

#include <stddef.h>
#include <stdint.h>

/*
 * ECHO-512, the SHA-3 round-2 candidate of Benadjila, Billet, Gilbert,
 * Macario-Rat, Peyrin, Robshaw and Seurin, without salt, as the Qubit chain
 * uses it (digibyte-pow.md §3.4). Portable (table-based AES rounds from
 * aes_round.h); all functions are pure and thread-safe.
 */

#define ECHO512_BLOCK_LEN 128
/* The 2048-bit state: 16 AES-sized words, each four little-endian 32-bit columns. */
#define ECHO_WORDS 16

/* ECHO-512 of len bytes at in; out gets the 64-byte digest. */
void echo512(const void *in, size_t len, uint8_t out[64]);

/*
 * One ECHO-512 compression: v (the 1024-bit chaining value, eight 128-bit
 * words in aes_round.h layout) is replaced by the compression of block with
 * counter counter_bits (the number of message bits hashed up to and including
 * this block, 0 for a block holding only padding) and a zero salt.
 */
void echo512_compress(uint32_t v[8][4], const uint8_t block[ECHO512_BLOCK_LEN],
		      uint64_t counter_bits);

#endif
