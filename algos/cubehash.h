/* SPDX-License-Identifier: MIT */
#ifndef QM_CUBEHASH_H
#define QM_CUBEHASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * CubeHash16/32-512 as tweaked for round 2 of the SHA-3 competition (D. J.
 * Bernstein, "CubeHash specification (2.B.1)", 2009, and the round-2 tweak
 * note): r = 16 rounds per b = 32-byte block, h = 512 output bits, 10r
 * initialization and 10r finalization rounds. The second stage of the Qubit
 * chain (docs/pow.md §3.4). Portable GNU C (generic vectors, SSE2 on
 * x86-64); thread-safe; cannot fail.
 */

#define CUBEHASH512_OUT_LEN 64

/*
 * The state after initialization: x_0 = h/8 = 64, x_1 = b = 32, x_2 = r = 16,
 * the other words 0, then 10r = 160 rounds. Exposed so that the tests can
 * recompute it from that definition.
 */
extern const uint32_t cubehash512_iv[32];

/* Applies rounds rounds of the CubeHash round function to the 32-word state x. */
void cubehash_rounds(uint32_t x[32], unsigned rounds);

/* One-shot CubeHash16/32-512 of len bytes. */
void cubehash512(const void *in, size_t len, uint8_t out[CUBEHASH512_OUT_LEN]);

#endif
