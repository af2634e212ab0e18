/* SPDX-License-Identifier: MIT */
#include "cubehash.h"

#include <string.h>

#include "endian.h"

/*
 * References are to the CubeHash specification (2.B.1). The state is 32
 * 32-bit words x_00000 .. x_11111 (index bits written as in the spec); input
 * and output bytes map to the words little-endian.
 */

#define CUBEHASH_R 16
#define CUBEHASH_B 32
#define CUBEHASH_FINAL_ROUNDS (10 * CUBEHASH_R)

/* Computed by the rule in cubehash.h (spec "Initialization"); checked by the tests. */
const uint32_t cubehash512_iv[32] = {
	0x2aea2a61, 0x50f494d4, 0x2d538b8b, 0x4167d83e,
	0x3fee2313, 0xc701cf8c, 0xcc39968e, 0x50ac5695,
	0x4d42c787, 0xa647a8b3, 0x97cf0bef, 0x825b4537,
	0xeef864d2, 0xf22090c4, 0xd0e5cd33, 0xa23911ae,
	0xfcd398d9, 0x148fe485, 0x1b017bef, 0xb6444532,
	0x6a536159, 0x2ff5781c, 0x91fa7934, 0x0dbadea9,
	0xd65c8a2b, 0xa5a70e75, 0xb1c62456, 0xbc796576,
	0x1921c8f7, 0xe7989af1, 0x7795d246, 0xd43e3b44,
};

/*
 * One round (spec "The round function"), ten steps:
 *  1. x_1jklm += x_0jklm      2. x_0jklm <<<= 7         3. swap x_00klm, x_01klm
 *  4. x_0jklm ^= x_1jklm      5. swap x_1jk0m, x_1jk1m  6. x_1jklm += x_0jklm
 *  7. x_0jklm <<<= 11         8. swap x_0j0lm, x_0j1lm  9. x_0jklm ^= x_1jklm
 * 10. swap x_1jkl0, x_1jkl1
 * Steps 2-3 and 7-8 are fused: a rotation written to the swapped position.
 */
static inline void cubehash_round(uint32_t x[32])
{
	uint32_t t[16];

	for (int i = 0; i < 16; i++)
		x[16 + i] += x[i];
	for (int i = 0; i < 16; i++)
		t[i] = rotl32(x[i ^ 8], 7);
	for (int i = 0; i < 16; i++)
		x[i] = t[i] ^ x[16 + i];
	for (int i = 0; i < 16; i++)
		t[i] = x[16 + (i ^ 2)];
	for (int i = 0; i < 16; i++)
		x[16 + i] = t[i] + x[i];
	for (int i = 0; i < 16; i++)
		t[i] = rotl32(x[i ^ 4], 11);
	for (int i = 0; i < 16; i++)
		x[i] = t[i] ^ x[16 + i];
	for (int i = 0; i < 16; i++)
		t[i] = x[16 + (i ^ 1)];
	memcpy(x + 16, t, sizeof(t));
}

void cubehash_rounds(uint32_t x[32], unsigned rounds)
{
	for (unsigned n = 0; n < rounds; n++)
		cubehash_round(x);
}

static void cubehash_block(uint32_t x[32], const uint8_t block[CUBEHASH_B])
{
	for (int i = 0; i < CUBEHASH_B / 4; i++)
		x[i] ^= le32_load(block + 4 * i);
	cubehash_rounds(x, CUBEHASH_R);
}

/*
 * Padding (spec "Padding"): a 1 bit (byte 0x80), then zeros up to a multiple
 * of b bytes. Finalization: x_11111 ^= 1, then 10r rounds; the digest is the
 * first h/8 bytes of the state.
 */
void cubehash512(const void *in, size_t len, uint8_t out[CUBEHASH512_OUT_LEN])
{
	const uint8_t *p = in;
	uint8_t last[CUBEHASH_B] = { 0 };
	uint32_t x[32];

	memcpy(x, cubehash512_iv, sizeof(x));
	for (; len >= CUBEHASH_B; p += CUBEHASH_B, len -= CUBEHASH_B)
		cubehash_block(x, p);
	memcpy(last, p, len);
	last[len] = 0x80;
	cubehash_block(x, last);
	x[31] ^= 1;
	cubehash_rounds(x, CUBEHASH_FINAL_ROUNDS);
	for (int i = 0; i < CUBEHASH512_OUT_LEN / 4; i++)
		le32_store(out + 4 * i, x[i]);
}
