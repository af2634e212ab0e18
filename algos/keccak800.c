/* SPDX-License-Identifier: MIT */
#include "keccak800.h"

#include "endian.h"

/*
 * Round constants RC[i] = sum over j = 0..5 of rc(j + 7i) << (2^j - 1), rc the
 * LFSR x^8 + x^6 + x^5 + x^4 + 1 of FIPS 202 §3.2.5, kept to the low 32 bits
 * (w = 32). The values are the table of digibyte-pow.md §4.6; tests/test_odocrypt.c
 * rederives them from the LFSR.
 */
const uint32_t keccak800_rc[KECCAK800_ROUNDS] = {
	0x00000001, 0x00008082, 0x0000808a, 0x80008000, 0x0000808b, 0x80000001,
	0x80008081, 0x00008009, 0x0000008a, 0x00000088, 0x80008009, 0x8000000a,
	0x8000808b, 0x0000008b, 0x00008089, 0x00008003, 0x00008002, 0x00000080,
	0x0000800a, 0x8000000a, 0x80008081, 0x00008080,
};

/* FIPS 202 §3.2.2 offsets mod 32, by lane index x + 5y (digibyte-pow.md §4.6). */
const uint8_t keccak800_rho[KECCAK800_LANES] = {
	0, 1, 30, 28, 27, 4, 12, 6, 23, 20, 3, 10, 11, 25, 7, 9, 13, 15, 21, 8, 18, 2, 29, 24, 14,
};

void keccak800_permute(uint32_t a[KECCAK800_LANES], unsigned rounds)
{
	if (rounds == 0 || rounds > KECCAK800_ROUNDS)
		rounds = KECCAK800_ROUNDS;
	for (unsigned r = KECCAK800_ROUNDS - rounds; r < KECCAK800_ROUNDS; r++) {
		uint32_t c[5], b[KECCAK800_LANES];

		/* theta */
		for (unsigned x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (unsigned x = 0; x < 5; x++) {
			uint32_t d = c[(x + 4) % 5] ^ rotl32(c[(x + 1) % 5], 1);
			for (unsigned y = 0; y < 25; y += 5)
				a[x + y] ^= d;
		}
		/* rho and pi: lane (x, y) moves to (y, 2x + 3y mod 5) */
		for (unsigned x = 0; x < 5; x++) {
			for (unsigned y = 0; y < 5; y++) {
				unsigned i = x + 5 * y;
				b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl32(a[i], keccak800_rho[i]);
			}
		}
		/* chi along each row, then iota */
		for (unsigned y = 0; y < 25; y += 5) {
			for (unsigned x = 0; x < 5; x++)
				a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
		}
		a[0] ^= keccak800_rc[r];
	}
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
