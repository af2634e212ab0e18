/* SPDX-License-Identifier: MIT */
#include "shavite.h"

#include <string.h>

#include "aes_round.h"
#include "config.h"
#include "cpu.h"
#include "endian.h"

/*
 * References are to "The SHAvite-3 Hash Function" (Biham, Dunkelman), the
 * tweaked version of round 2 of the SHA-3 competition. All 128-bit values are
 * four 32-bit words loaded little-endian from the byte string, so that a word
 * quadruple is an AES state in FIPS-197 byte order (aes_round.h). The AES
 * round is AESRound as the specification defines it (FIPS-197 SubBytes,
 * ShiftRows, MixColumns, AddRoundKey); the round-2 reference code and its
 * published test files differ from it (docs/pow.md §3.4) and do not apply.
 */

#define SHAVITE_ROUNDS 14
#define SHAVITE_RK_WORDS (SHAVITE_ROUNDS * 32)
/* HAIFA padding: 0x80, zeros, 128-bit bit count, 16-bit digest size. */
#define SHAVITE_COUNT_OFFSET 110
#define SHAVITE_SIZE_OFFSET 126
#define SHAVITE_DIGEST_BITS 512

/* IV_512: the initial chaining value for a 512-bit digest (spec, table of IVs). */
const uint32_t shavite512_iv[16] = {
	0x72fccdd8, 0x79ca4727, 0x128a077b, 0x40d55aec,
	0xd1901a06, 0x430ae307, 0xb29f5cd1, 0xdf07fbfc,
	0x8e45d73d, 0x681ab538, 0xbde86578, 0xdd577e47,
	0xe275eade, 0x502d9fcd, 0xb9357178, 0x022a4b9a,
};

/*
 * E^4 / F': four AES rounds keyed with k[0..15]: x = AESRound(x ^ k_r) for
 * r = 0..3, each AESRound with an all-zero round key.
 */
static inline void shavite_f4(uint32_t out[4], const uint32_t in[4], const uint32_t k[16])
{
	uint32_t x[4];

	for (int i = 0; i < 4; i++)
		x[i] = in[i] ^ k[i];
	for (int r = 0; r < 4; r++) {
		if (r)
			for (int i = 0; i < 4; i++)
				x[i] ^= k[4 * r + i];
		aes_round_nokey(x);
	}
	memcpy(out, x, sizeof(x));
}

const struct shavite512_inject shavite512_injects[SHAVITE512_INJECTS] = {
	{ 32, { 0, 1, 2, 3 } },
	{ 164, { 3, 2, 1, 0 } },
	{ 316, { 2, 3, 0, 1 } },
	{ 440, { 1, 0, 3, 2 } },
};

/*
 * Message expansion of C_512 (salt 0): rk[0..31] is the message; then
 * alternately 32 words of the nonlinear step and 32 of the linear step, 448
 * words in all. Nonlinear, per group of four at i:
 *   rk[i..i+3] = AESRound_0(rk[i-31], rk[i-30], rk[i-29], rk[i-32]) ^ rk[i-4..i-1]
 * (the salt, zero here, would be added before the AES round); linear:
 *   rk[i] = rk[i-32] ^ rk[i-7].
 */
static void shavite_expand(uint32_t rk[SHAVITE_RK_WORDS],
			   const uint8_t block[SHAVITE512_BLOCK_LEN], const uint32_t cnt[4])
{
	unsigned inj = 0;

	for (int i = 0; i < 32; i++)
		rk[i] = le32_load(block + 4 * i);
	for (unsigned i = 32; i < SHAVITE_RK_WORDS; i += 32) {
		if ((i / 32) % 2 == 0) {
			for (unsigned k = i; k < i + 32; k++)
				rk[k] = rk[k - 32] ^ rk[k - 7];
			continue;
		}
		for (unsigned k = i; k < i + 32; k += 4) {
			uint32_t t[4] = { rk[k - 31], rk[k - 30], rk[k - 29], rk[k - 32] };

			aes_round_nokey(t);
			for (int n = 0; n < 4; n++)
				rk[k + n] = t[n] ^ rk[k - 4 + n];
			if (inj < SHAVITE512_INJECTS && shavite512_injects[inj].word == k) {
				for (int n = 0; n < 4; n++)
					rk[k + n] ^= cnt[shavite512_injects[inj].which[n]];
				rk[k + 3] = ~rk[k + 3];
				inj++;
			}
		}
	}
}

/*
 * C_512(h, block, cnt): the state (P0, P1, P2, P3) starts as h; round i
 * (i = 0..13) does P0 ^= F'(P1, rk[32i..32i+15]), P2 ^= F'(P3, rk[32i+16..
 * 32i+31]), then (P0, P1, P2, P3) = (P3, P0, P1, P2). Feed-forward: h ^= P.
 */
void shavite512_compress_portable(uint32_t h[16], const uint8_t block[SHAVITE512_BLOCK_LEN],
				  const uint32_t cnt[4])
{
	uint32_t rk[SHAVITE_RK_WORDS], p[4][4], f[4];

	shavite_expand(rk, block, cnt);
	memcpy(p, h, sizeof(p));
	for (int r = 0; r < SHAVITE_ROUNDS; r++) {
		uint32_t t[4];

		shavite_f4(f, p[1], rk + 32 * r);
		for (int i = 0; i < 4; i++)
			p[0][i] ^= f[i];
		shavite_f4(f, p[3], rk + 32 * r + 16);
		for (int i = 0; i < 4; i++)
			p[2][i] ^= f[i];
		memcpy(t, p[3], sizeof(t));
		memmove(p[1], p[0], 3 * sizeof(p[0]));
		memcpy(p[0], t, sizeof(t));
	}
	for (int i = 0; i < 16; i++)
		h[i] ^= p[i / 4][i % 4];
}

static void shavite_count(uint32_t cnt[4], uint64_t bits)
{
	cnt[0] = (uint32_t)bits;
	cnt[1] = (uint32_t)(bits >> 32);
	cnt[2] = 0;
	cnt[3] = 0;
}

/*
 * HAIFA (spec, padding and counter): the counter given to C_512 is the number
 * of message bits hashed up to and including the block; a final block that
 * holds no message bits gets counter 0. Padding: 0x80, zeros, the 128-bit
 * message length in bits and the 16-bit digest size, both little-endian, at
 * the end of the last block (an extra block when the message leaves fewer than
 * the 19 bytes these need).
 */
void shavite512_haifa(shavite512_compress_fn *compress, const void *in, size_t len,
		      uint8_t out[SHAVITE512_OUT_LEN])
{
	const uint8_t *p = in;
	uint64_t bits = 0, total_bits = (uint64_t)len * 8;
	uint8_t last[SHAVITE512_BLOCK_LEN];
	uint32_t h[16], cnt[4];

	memcpy(h, shavite512_iv, sizeof(h));
	for (; len >= SHAVITE512_BLOCK_LEN; p += SHAVITE512_BLOCK_LEN, len -= SHAVITE512_BLOCK_LEN) {
		bits += SHAVITE512_BLOCK_LEN * 8;
		shavite_count(cnt, bits);
		compress(h, p, cnt);
	}
	memset(last, 0, sizeof(last));
	memcpy(last, p, len);
	last[len] = 0x80;
	if (len >= SHAVITE_COUNT_OFFSET) {
		shavite_count(cnt, total_bits);
		compress(h, last, cnt);
		memset(last, 0, sizeof(last));
		len = 0;
	}
	le64_store(last + SHAVITE_COUNT_OFFSET, total_bits);
	last[SHAVITE_SIZE_OFFSET] = SHAVITE_DIGEST_BITS & 0xff;
	last[SHAVITE_SIZE_OFFSET + 1] = SHAVITE_DIGEST_BITS >> 8;
	shavite_count(cnt, len ? total_bits : 0);
	compress(h, last, cnt);
	for (int i = 0; i < 16; i++)
		le32_store(out + 4 * i, h[i]);
}

void shavite512(const void *in, size_t len, uint8_t out[SHAVITE512_OUT_LEN])
{
	shavite512_haifa(shavite512_compress_portable, in, len, out);
}

const struct shavite512_impl shavite512_impls[] = {
#if HAVE_AESNI
	{ .name = "aesni", .cpu_needs = CPU_AES | CPU_SSE41,
	  .compress = shavite512_compress_aesni },
#endif
	{ .name = "portable", .cpu_needs = 0, .compress = shavite512_compress_portable },
};
const unsigned shavite512_n_impls = sizeof(shavite512_impls) / sizeof(shavite512_impls[0]);
