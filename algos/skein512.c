/* SPDX-License-Identifier: MIT */
#include "skein512.h"

#include <string.h>

#include "endian.h"

const uint64_t skein512_512_iv[SKEIN512_WORDS] = {
	0x4903ADFF749C51CEull, 0x0D95DE399746DF03ull, 0x8FD1934127C79BCEull, 0x9A255629FF352CB1ull,
	0x5DB62599DF6CA7B0ull, 0xEABE394CA9D5C3F4ull, 0x991112C71A75B523ull, 0xAE18A40B660FCC33ull,
};

/* MIX: y0 = x0 + x1, y1 = (x1 <<< r) xor y0. */
#define SKEIN512_MIX(a, b, r)                                                                      \
	do {                                                                                       \
		a += b;                                                                            \
		b = rotl64(b, r) ^ a;                                                              \
	} while (0)

/* Adds subkey s ("The Key Schedule"): k is the extended key, t the extended tweak. */
#define SKEIN512_SUBKEY(x, k, t, s)                                                                \
	do {                                                                                       \
		for (unsigned i_ = 0; i_ < 8; i_++)                                                \
			x[i_] += k[((s) + i_) % 9];                                                \
		x[5] += t[(s) % 3];                                                                \
		x[6] += t[((s) + 1) % 3];                                                          \
		x[7] += (s);                                                                       \
	} while (0)

/* Eight rounds (rows 0..3 then 4..7 of R) and the subkeys s and s + 1 after them. */
#define SKEIN512_ROUNDS8(x, k, t, s)                                                               \
	do {                                                                                       \
		SKEIN512_ROUNDS4(SKEIN512_MIX, x, SKEIN512_R0, SKEIN512_R1, SKEIN512_R2,           \
				 SKEIN512_R3);                                                     \
		SKEIN512_SUBKEY(x, k, t, s);                                                       \
		SKEIN512_ROUNDS4(SKEIN512_MIX, x, SKEIN512_R4, SKEIN512_R5, SKEIN512_R6,           \
				 SKEIN512_R7);                                                     \
		SKEIN512_SUBKEY(x, k, t, (s) + 1);                                                 \
	} while (0)

void skein512_threefish(const uint64_t key[SKEIN512_WORDS], const uint64_t tweak[2],
			const uint64_t in[SKEIN512_WORDS], uint64_t out[SKEIN512_WORDS])
{
	uint64_t k[9], t[3], x[8];

	/* k_8 = C240 xor k_0..k_7, t_2 = t_0 xor t_1 ("The Key Schedule"). */
	k[8] = SKEIN512_C240;
	for (unsigned i = 0; i < 8; i++) {
		k[i] = key[i];
		k[8] ^= key[i];
		x[i] = in[i];
	}
	t[0] = tweak[0];
	t[1] = tweak[1];
	t[2] = tweak[0] ^ tweak[1];

	/* 72 rounds: subkey 0, then after every four rounds subkeys 1..18. */
	SKEIN512_SUBKEY(x, k, t, 0);
	SKEIN512_ROUNDS8(x, k, t, 1);
	SKEIN512_ROUNDS8(x, k, t, 3);
	SKEIN512_ROUNDS8(x, k, t, 5);
	SKEIN512_ROUNDS8(x, k, t, 7);
	SKEIN512_ROUNDS8(x, k, t, 9);
	SKEIN512_ROUNDS8(x, k, t, 11);
	SKEIN512_ROUNDS8(x, k, t, 13);
	SKEIN512_ROUNDS8(x, k, t, 15);
	SKEIN512_ROUNDS8(x, k, t, 17);
	memcpy(out, x, sizeof(x));
}

void skein512_ubi(uint64_t chain[SKEIN512_WORDS], const uint64_t m[SKEIN512_WORDS], uint64_t pos,
		  uint64_t t1)
{
	const uint64_t tweak[2] = { pos, t1 };
	uint64_t c[SKEIN512_WORDS];

	skein512_threefish(chain, tweak, m, c);
	for (unsigned i = 0; i < SKEIN512_WORDS; i++)
		chain[i] = c[i] ^ m[i];
}

void skein512_load_block(const uint8_t block[SKEIN512_BLOCK_LEN], uint64_t m[SKEIN512_WORDS])
{
	for (unsigned i = 0; i < SKEIN512_WORDS; i++)
		m[i] = le64_load(block + 8 * i);
}

void skein512_output(const uint64_t chain[SKEIN512_WORDS], uint8_t out[64])
{
	/* ToBytes(0, 8) padded with zeros to one block; position 8. */
	const uint64_t zero[SKEIN512_WORDS] = { 0 };
	uint64_t h[SKEIN512_WORDS];

	memcpy(h, chain, sizeof(h));
	skein512_ubi(h, zero, 8,
		     SKEIN512_T1_FIRST | SKEIN512_T1_FINAL | SKEIN512_T1_TYPE(SKEIN512_TYPE_OUT));
	for (unsigned i = 0; i < SKEIN512_WORDS; i++)
		le64_store(out + 8 * i, h[i]);
}

void skein512_512(const void *in, size_t len, uint8_t out[64])
{
	const uint8_t *p = in;
	uint64_t h[SKEIN512_WORDS], m[SKEIN512_WORDS];
	uint64_t first = SKEIN512_T1_FIRST, type = SKEIN512_T1_TYPE(SKEIN512_TYPE_MSG);
	uint8_t last[SKEIN512_BLOCK_LEN] = { 0 };
	size_t done = 0;

	memcpy(h, skein512_512_iv, sizeof(h));
	/* Every block but the last; the last holds 1..64 bytes (one zero block if empty). */
	while (len - done > SKEIN512_BLOCK_LEN) {
		skein512_load_block(p + done, m);
		done += SKEIN512_BLOCK_LEN;
		skein512_ubi(h, m, done, type | first);
		first = 0;
	}
	if (len > done)
		memcpy(last, p + done, len - done);
	skein512_load_block(last, m);
	skein512_ubi(h, m, len, type | first | SKEIN512_T1_FINAL);
	skein512_output(h, out);
}
