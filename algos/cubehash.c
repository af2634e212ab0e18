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
 * The state as eight vectors of four words (GNU C generic vectors: SSE2 on
 * x86-64, plain scalar code elsewhere): a[q] = x_0jklm and b[q] = x_1jklm for
 * jk = q, lm = the lane.
 */
typedef uint32_t cubehash_v4 __attribute__((vector_size(16)));

static inline cubehash_v4 cubehash_rotl(cubehash_v4 v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

/* Lane permutations: swap the lanes whose l (swap2) or m (swap1) bit differs. */
static inline cubehash_v4 cubehash_swap2(cubehash_v4 v)
{
	return (cubehash_v4){ v[2], v[3], v[0], v[1] };
}

static inline cubehash_v4 cubehash_swap1(cubehash_v4 v)
{
	return (cubehash_v4){ v[1], v[0], v[3], v[2] };
}

/*
 * The round function (spec "The round function"), ten steps:
 *  1. x_1jklm += x_0jklm      2. x_0jklm <<<= 7         3. swap x_00klm, x_01klm
 *  4. x_0jklm ^= x_1jklm      5. swap x_1jk0m, x_1jk1m  6. x_1jklm += x_0jklm
 *  7. x_0jklm <<<= 11         8. swap x_0j0lm, x_0j1lm  9. x_0jklm ^= x_1jklm
 * 10. swap x_1jkl0, x_1jkl1
 * Swaps on j and k exchange whole vectors; swaps on l and m permute lanes.
 */
void cubehash_rounds(uint32_t x[32], unsigned rounds)
{
	cubehash_v4 a[4], b[4], t;

	memcpy(a, x, sizeof(a));
	memcpy(b, x + 16, sizeof(b));
	for (unsigned n = 0; n < rounds; n++) {
		for (int q = 0; q < 4; q++)
			b[q] += a[q];
		t = cubehash_rotl(a[0], 7);
		a[0] = cubehash_rotl(a[2], 7);
		a[2] = t;
		t = cubehash_rotl(a[1], 7);
		a[1] = cubehash_rotl(a[3], 7);
		a[3] = t;
		for (int q = 0; q < 4; q++) {
			a[q] ^= b[q];
			b[q] = cubehash_swap2(b[q]) + a[q];
		}
		t = cubehash_rotl(a[0], 11);
		a[0] = cubehash_rotl(a[1], 11);
		a[1] = t;
		t = cubehash_rotl(a[2], 11);
		a[2] = cubehash_rotl(a[3], 11);
		a[3] = t;
		for (int q = 0; q < 4; q++) {
			a[q] ^= b[q];
			b[q] = cubehash_swap1(b[q]);
		}
	}
	memcpy(x, a, sizeof(a));
	memcpy(x + 16, b, sizeof(b));
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
