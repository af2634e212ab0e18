/* SPDX-License-Identifier: MIT */
#ifndef QM_ECHO_H
#define QM_ECHO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "endian.h"

/*
 * ECHO-512, the SHA-3 round-2 candidate of Benadjila, Billet, Gilbert,
 * Macario-Rat, Peyrin, Robshaw and Seurin, without salt, as the Qubit chain
 * uses it (docs/pow.md §3.4). Portable (table-based AES rounds from
 * aes_round.h); an AES-NI compression lives in echo_aesni.c. All functions
 * are pure and thread-safe.
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
typedef void echo512_compress_fn(uint32_t v[8][4], const uint8_t block[ECHO512_BLOCK_LEN],
				 uint64_t counter_bits);
echo512_compress_fn echo512_compress;
/* AES-NI (algos/echo_aesni.c): built only with HAVE_AESNI, run only where the CPU has AES. */
echo512_compress_fn echo512_compress_aesni;

#define ECHO512_DIGEST_BITS 512
/* Padding takes at least 0x80, the 16-bit digest size and the 128-bit length. */
#define ECHO512_PAD_MIN 19

/*
 * The ECHO-512 mode over a compression function (portable or an ISA's):
 * the chaining value starts as eight words each holding the digest size in
 * bits (512) as a 128-bit little-endian integer. The message is padded with
 * 0x80, zeros, the digest size in bits (16 bits LE) and the message length in
 * bits (128 bits LE), which end the last block; the counter of a block is the
 * number of message bits up to its end, or 0 for a block holding no message
 * bits. The digest is the first 512 bits of the final chaining value.
 */
static inline void echo512_with(echo512_compress_fn *compress, const void *in, size_t len,
				uint8_t out[64])
{
	const uint8_t *p = in;
	uint32_t v[8][4];
	uint8_t block[ECHO512_BLOCK_LEN];
	size_t off = 0;

	for (unsigned i = 0; i < 8; i++) {
		v[i][0] = ECHO512_DIGEST_BITS;
		v[i][1] = v[i][2] = v[i][3] = 0;
	}
	for (; len - off >= ECHO512_BLOCK_LEN; off += ECHO512_BLOCK_LEN)
		compress(v, p + off, (uint64_t)(off + ECHO512_BLOCK_LEN) * 8);

	size_t rest = len - off;
	uint64_t counter = rest ? (uint64_t)len * 8 : 0;
	memset(block, 0, sizeof(block));
	memcpy(block, p + off, rest);
	block[rest] = 0x80;
	if (rest + ECHO512_PAD_MIN > ECHO512_BLOCK_LEN) {
		/* The length does not fit: this block holds data, the next only padding. */
		compress(v, block, counter);
		memset(block, 0, sizeof(block));
		counter = 0;
	}
	block[ECHO512_BLOCK_LEN - 18] = (uint8_t)ECHO512_DIGEST_BITS;
	block[ECHO512_BLOCK_LEN - 17] = (uint8_t)(ECHO512_DIGEST_BITS >> 8);
	le64_store(block + ECHO512_BLOCK_LEN - 16, (uint64_t)len * 8);
	compress(v, block, counter);
	for (unsigned i = 0; i < 4; i++) {
		for (unsigned c = 0; c < 4; c++)
			le32_store(out + 16 * i + 4 * c, v[i][c]);
	}
}

#endif
