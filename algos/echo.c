/* SPDX-License-Identifier: MIT */
#include "echo.h"

#include <string.h>

#include "aes_round.h"
#include "endian.h"

/*
 * ECHO-512 as in the round-2 ECHO specification (Benadjila et al., 2009):
 *
 * - Chaining value: 1024 bits, eight 128-bit words, each initialised to the
 *   digest size in bits (512) as a 128-bit little-endian integer.
 * - Compression: the state is the 4x4 matrix of 128-bit words w[0..15],
 *   column-major (w[4c + r] is row r of column c): w[0..7] = chaining value,
 *   w[8..15] = the 1024-bit message block. Ten BIG.ROUNDs of BIG.SubWords,
 *   BIG.ShiftRows, BIG.MixColumns, then BIG.Final:
 *   v'[i] = v[i] ^ m[i] ^ w[i] ^ w[i + 8] for i = 0..7 (m = the block).
 * - BIG.SubWords: each word in order 0..15 goes through two AES rounds, the
 *   first keyed with the counter k (128-bit little-endian; it starts at the
 *   block's counter and is incremented after each word, across rounds), the
 *   second with the salt (zero here).
 * - Padding and digest: see echo512_with() in echo.h.
 */

#define ECHO512_ROUNDS 10

/* xtime on four packed bytes: multiplication by x in GF(2^8) (FIPS-197 §4.2.1). */
static inline uint32_t echo_xtime4(uint32_t x)
{
	return ((x & 0x7f7f7f7fu) << 1) ^ (((x >> 7) & 0x01010101u) * 0x1b);
}

/*
 * BIG.MixColumns on one column of four words: AES MixColumns applied to the
 * four bytes at each byte position of the words, 4 bytes at a time.
 * b_r = a_r ^ t ^ 2 (a_r ^ a_(r+1)) with t = a_0 ^ a_1 ^ a_2 ^ a_3.
 */
static inline void echo_mix_column(uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
	for (unsigned k = 0; k < 4; k++) {
		uint32_t a0 = w0[k], a1 = w1[k], a2 = w2[k], a3 = w3[k];
		uint32_t t = a0 ^ a1 ^ a2 ^ a3;
		w0[k] = a0 ^ t ^ echo_xtime4(a0 ^ a1);
		w1[k] = a1 ^ t ^ echo_xtime4(a1 ^ a2);
		w2[k] = a2 ^ t ^ echo_xtime4(a2 ^ a3);
		w3[k] = a3 ^ t ^ echo_xtime4(a3 ^ a0);
	}
}

void echo512_compress(uint32_t v[8][4], const uint8_t block[ECHO512_BLOCK_LEN],
		      uint64_t counter_bits)
{
	uint32_t w[ECHO_WORDS][4], m[8][4];
	uint64_t k = counter_bits;

	for (unsigned i = 0; i < 8; i++) {
		for (unsigned c = 0; c < 4; c++)
			m[i][c] = le32_load(block + 16 * i + 4 * c);
	}
	memcpy(w, v, sizeof(m));
	memcpy(w + 8, m, sizeof(m));

	for (unsigned round = 0; round < ECHO512_ROUNDS; round++) {
		uint32_t s[ECHO_WORDS][4];

		/* BIG.SubWords, then BIG.ShiftRows: row r rotates left by r words. */
		for (unsigned i = 0; i < ECHO_WORDS; i++, k++) {
			const uint32_t key[4] = { (uint32_t)k, (uint32_t)(k >> 32), 0, 0 };
			unsigned r = i % 4, col = i / 4;
			uint32_t *dst = s[r + 4 * ((col + 4 - r) % 4)];
			aes_round_to(dst, w[i], key);
			aes_round_nokey(dst);
		}
		for (unsigned col = 0; col < 4; col++)
			echo_mix_column(s[4 * col], s[4 * col + 1], s[4 * col + 2], s[4 * col + 3]);
		memcpy(w, s, sizeof(w));
	}
	for (unsigned i = 0; i < 8; i++) {
		for (unsigned c = 0; c < 4; c++)
			v[i][c] ^= m[i][c] ^ w[i][c] ^ w[i + 8][c];
	}
}

void echo512(const void *in, size_t len, uint8_t out[64])
{
	echo512_with(echo512_compress, in, len, out);
}
