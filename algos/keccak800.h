/* SPDX-License-Identifier: MIT */
#ifndef QM_KECCAK800_H
#define QM_KECCAK800_H

#include <stdint.h>

/*
 * Keccak-p[800, n]: the Keccak permutation on 25 lanes of 32 bits
 * (FIPS 202 §3.3 with w = 32), reduced to its last n rounds as Odocrypt
 * uses it (docs/pow.md §4.6: n = 12 runs round indices 10..21).
 * Portable; no state beyond the caller's buffer; thread-safe.
 */

#define KECCAK800_LANES 25
#define KECCAK800_STATE_LEN 100 /* bytes */
#define KECCAK800_ROUNDS 22     /* Keccak-f[800]: 12 + 2 * log2(32) */
#define KECCAK800_ODO_ROUNDS 12

/* Round constants of rounds 0..21 (FIPS 202 §3.2.5, low 32 bits; docs/pow.md §4.6). */
extern const uint32_t keccak800_rc[KECCAK800_ROUNDS];

/* rho offsets by lane index x + 5y (docs/pow.md §4.6). */
extern const uint8_t keccak800_rho[KECCAK800_LANES];

/*
 * Applies the last `rounds` (1..22) rounds of Keccak-f[800] to the lanes
 * a[x + 5y]; any other count runs all 22.
 */
void keccak800_permute(uint32_t a[KECCAK800_LANES], unsigned rounds);

/* The same on a 100-byte buffer whose lanes are little-endian (docs/pow.md §4.6). */
void keccak800_permute_bytes(uint8_t buf[KECCAK800_STATE_LEN], unsigned rounds);

#endif
