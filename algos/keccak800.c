/* SPDX-License-Identifier: MIT */
#include "keccak800.h"

#include <string.h>

#include "endian.h"

/*
 * Round constants RC[i] = sum over j = 0..5 of rc(j + 7i) << (2^j - 1), rc the
 * LFSR x^8 + x^6 + x^5 + x^4 + 1 of FIPS 202 §3.2.5, kept to the low 32 bits
 * (w = 32). The values are the table of docs/pow.md §4.6; tests/test_odocrypt.c
 * rederives them from the LFSR.
 */
const uint32_t keccak800_rc[KECCAK800_ROUNDS] = {
	0x00000001, 0x00008082, 0x0000808a, 0x80008000, 0x0000808b, 0x80000001,
	0x80008081, 0x00008009, 0x0000008a, 0x00000088, 0x80008009, 0x8000000a,
	0x8000808b, 0x0000008b, 0x00008089, 0x00008003, 0x00008002, 0x00000080,
	0x0000800a, 0x8000000a, 0x80008081, 0x00008080,
};

/* FIPS 202 §3.2.2 offsets mod 32, by lane index x + 5y (docs/pow.md §4.6). */
const uint8_t keccak800_rho[KECCAK800_LANES] = {
	0, 1, 30, 28, 27, 4, 12, 6, 23, 20, 3, 10, 11, 25, 7, 9, 13, 15, 21, 8, 18, 2, 29, 24, 14,
};

/*
 * theta, rho, pi and chi for the output row Y: lane X of that row after pi is
 * the source lane (x, y) = (3(Y - 3X) mod 5, X), rotated by its rho offset
 * (docs/pow.md §4.6); s0..s4 are those source lane indices.
 */
#define KECCAK800_ROW(Y, s0, s1, s2, s3, s4)                                 \
	do {                                                                 \
		uint32_t b0 = rotl32(a[s0] ^ d[(s0) % 5], keccak800_rho[s0]); \
		uint32_t b1 = rotl32(a[s1] ^ d[(s1) % 5], keccak800_rho[s1]); \
		uint32_t b2 = rotl32(a[s2] ^ d[(s2) % 5], keccak800_rho[s2]); \
		uint32_t b3 = rotl32(a[s3] ^ d[(s3) % 5], keccak800_rho[s3]); \
		uint32_t b4 = rotl32(a[s4] ^ d[(s4) % 5], keccak800_rho[s4]); \
		e[5 * (Y) + 0] = b0 ^ (~b1 & b2);                            \
		e[5 * (Y) + 1] = b1 ^ (~b2 & b3);                            \
		e[5 * (Y) + 2] = b2 ^ (~b3 & b4);                            \
		e[5 * (Y) + 3] = b3 ^ (~b4 & b0);                            \
		e[5 * (Y) + 4] = b4 ^ (~b0 & b1);                            \
	} while (0)

/* One round from a into e, iota with rc. */
static inline __attribute__((always_inline)) void
keccak800_round(const uint32_t a[KECCAK800_LANES], uint32_t e[KECCAK800_LANES], uint32_t rc)
{
	uint32_t c[5], d[5];

	for (unsigned x = 0; x < 5; x++)
		c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
	d[0] = c[4] ^ rotl32(c[1], 1);
	d[1] = c[0] ^ rotl32(c[2], 1);
	d[2] = c[1] ^ rotl32(c[3], 1);
	d[3] = c[2] ^ rotl32(c[4], 1);
	d[4] = c[3] ^ rotl32(c[0], 1);
	KECCAK800_ROW(0, 0, 6, 12, 18, 24);
	KECCAK800_ROW(1, 3, 9, 10, 16, 22);
	KECCAK800_ROW(2, 1, 7, 13, 19, 20);
	KECCAK800_ROW(3, 4, 5, 11, 17, 23);
	KECCAK800_ROW(4, 2, 8, 14, 15, 21);
	e[0] ^= rc;
}

void keccak800_permute(uint32_t state[KECCAK800_LANES], unsigned rounds)
{
	uint32_t a[KECCAK800_LANES], e[KECCAK800_LANES];
	unsigned r;

	if (rounds == 0 || rounds > KECCAK800_ROUNDS)
		rounds = KECCAK800_ROUNDS;
	r = KECCAK800_ROUNDS - rounds;
	memcpy(a, state, sizeof(a));
	if (rounds & 1) {
		keccak800_round(a, e, keccak800_rc[r++]);
		memcpy(a, e, sizeof(e));
	}
	/* Two rounds per step, a -> e -> a, so no round copies its state. */
	for (; r < KECCAK800_ROUNDS; r += 2) {
		keccak800_round(a, e, keccak800_rc[r]);
		keccak800_round(e, a, keccak800_rc[r + 1]);
	}
	memcpy(state, a, sizeof(a));
}

void keccak800_permute_bytes(uint8_t buf[KECCAK800_STATE_LEN], unsigned rounds)
{
	uint32_t a[KECCAK800_LANES];

	for (unsigned i = 0; i < KECCAK800_LANES; i++)
		a[i] = le32_load(buf + 4 * i);
	keccak800_permute(a, rounds);
	for (unsigned i = 0; i < KECCAK800_LANES; i++)
		le32_store(buf + 4 * i, a[i]);
}
