/* SPDX-License-Identifier: MIT */
#ifndef QM_LUFFA_H
#define QM_LUFFA_H

#include <stddef.h>
#include <stdint.h>

/*
 * Luffa-512 as submitted to round 2 of the SHA-3 competition ("Hash Function
 * Luffa, Specification Ver. 2.0", De Canniere, Sato, Watanabe, 15 Sep 2009):
 * five 256-bit chains (w = 5), 32-byte message blocks, 512-bit output. The
 * first stage of the Qubit chain (docs/pow.md §3.4). Portable GNU C (generic
 * vectors, SSE2 on x86-64).
 *
 * Streaming use: luffa512_init(), any number of luffa512_update() calls, then
 * luffa512_final(). The state is plain data: copying a struct luffa512 by
 * value forks the hash, which is how a scan keeps the state after the first
 * 64 header bytes (two whole blocks, no nonce) and finishes only the rest.
 * All functions are thread-safe on distinct states and cannot fail.
 */

#define LUFFA512_BLOCK_LEN 32
#define LUFFA512_OUT_LEN 64

struct luffa512 {
	uint32_t v[5][8];               /* chaining values V_0..V_4 (spec §2.2) */
	uint8_t buf[LUFFA512_BLOCK_LEN]; /* pending bytes of an incomplete block */
	size_t buf_len;                 /* how many of buf are used, < 32 */
};

/*
 * Step constants of Q_j (spec §4.4, Appendix B): luffa512_rc[r][0][j] =
 * C_{j,r,0} is added to a_0 and luffa512_rc[r][1][j] = C_{j,r,4} to a_4 of
 * chain j in step r; entries 5..7 are zero.
 */
extern const uint32_t luffa512_rc[8][2][8];

/* Sets s to the starting variables (spec Appendix A). */
void luffa512_init(struct luffa512 *s);

/* Absorbs len bytes of data (any length, any number of calls). */
void luffa512_update(struct luffa512 *s, const void *data, size_t len);

/* Pads, finalizes and writes the 64-byte digest; s is left unusable until init. */
void luffa512_final(struct luffa512 *s, uint8_t out[LUFFA512_OUT_LEN]);

/* One-shot Luffa-512 of len bytes. */
void luffa512(const void *in, size_t len, uint8_t out[LUFFA512_OUT_LEN]);

#endif
