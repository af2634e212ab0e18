/* SPDX-License-Identifier: MIT */
#ifndef QM_AES_ROUND_H
#define QM_AES_ROUND_H

#include <stdint.h>

/*
 * One AES encryption round (FIPS-197 §5.1: SubBytes, ShiftRows, MixColumns,
 * AddRoundKey), portable and table-based, for the SHA-3 candidates that are
 * built from AES rounds (SHAvite-3, ECHO).
 *
 * State layout: the 16 state bytes in FIPS-197 input order (byte 4c + r is
 * row r of column c), held as four little-endian 32-bit words, one per column:
 * state[c] = le32_load(block + 4c). This is the same layout as an x86 XMM
 * register loaded from those 16 bytes, so aes_round() computes exactly what
 * the AESENC instruction computes.
 *
 * Constant-time: no. The round reads key- and data-dependent table entries;
 * that is fine for proof-of-work hashing of public data. All functions are
 * pure and thread-safe.
 */

/* The AES S-box (FIPS-197 §5.1.1, Figure 7). */
extern const uint8_t aes_sbox[256];

/*
 * aes_round_t[r][x]: the column that input byte x in row r contributes after
 * SubBytes and MixColumns (FIPS-197 §5.2.1 "T-tables"), little-endian by row.
 * aes_round_t[r] is aes_round_t[0] rotated left by 8r bits.
 */
extern const uint32_t aes_round_t[4][256];

/* out = MixColumns(ShiftRows(SubBytes(in))) xor key; out must not alias in. */
static inline void aes_round_to(uint32_t out[4], const uint32_t in[4], const uint32_t key[4])
{
	for (int c = 0; c < 4; c++)
		out[c] = aes_round_t[0][in[c] & 0xff] ^
			 aes_round_t[1][(in[(c + 1) & 3] >> 8) & 0xff] ^
			 aes_round_t[2][(in[(c + 2) & 3] >> 16) & 0xff] ^
			 aes_round_t[3][in[(c + 3) & 3] >> 24] ^ key[c];
}

/* One AES round in place: state = MixColumns(ShiftRows(SubBytes(state))) xor key. */
static inline void aes_round(uint32_t state[4], const uint32_t key[4])
{
	uint32_t t[4];

	aes_round_to(t, state, key);
	state[0] = t[0];
	state[1] = t[1];
	state[2] = t[2];
	state[3] = t[3];
}

/* One AES round with an all-zero round key (AESENC with key 0), in place. */
static inline void aes_round_nokey(uint32_t state[4])
{
	static const uint32_t zero[4];

	aes_round(state, zero);
}

#endif
