/* SPDX-License-Identifier: MIT */
#ifndef QM_SHA256D_H
#define QM_SHA256D_H

#include <stdint.h>

#include "algo.h"

/*
 * Per-job context shared by the sha256d scan implementations: the midstate
 * of the first 64 header bytes (they hold no nonce) and the header itself.
 *
 * The b2_ fields are the nonce-independent work of the compression of the
 * header's second block (W0..W2 = header words 16..18, W3 = the nonce,
 * W4..W15 = FIPS 180-4 §5.1.1 padding for 80 bytes); the h2_ fields the same
 * for the one-block second hash (W0..W7 = the first hash, W8..W15 = padding
 * for 32 bytes). The lane-parallel scans start from them:
 *  - b2_state: a..h after round 3 with W3 left out: a and e still need + W3;
 *  - h2_state: a..h after round 0 from the IV with W0 left out (a, e: + W0);
 *  - *_kw[t] = K[t] + W[t] for the rounds whose W[t] is padding or header;
 *  - *_wc[t - 16] = the sum of the FIPS 180-4 §6.2.2 schedule terms of
 *    W[t] (t = 16..32) whose inputs do not depend on the nonce.
 */
struct sha256d_ctx {
	uint32_t midstate[8];
	uint8_t header[HEADER_LEN];
	uint32_t b2_state[8];
	uint32_t b2_kw[16];
	uint32_t b2_wc[17];
	uint32_t h2_state[8];
	uint32_t h2_kw[16];
	uint32_t h2_wc[17];
};

/*
 * Full check of one candidate nonce of a prepared header: 1 if its SHA-256d
 * is <= target (32 bytes, little-endian). For the SIMD scans' candidates.
 */
int sha256d_check_nonce(const struct sha256d_ctx *ctx, const uint8_t target[HASH_LEN],
			uint32_t nonce);

/* Scan implementations, one per ISA file. */
algo_scan_fn sha256d_scan_portable;
algo_scan_fn sha256d_scan_shani;
algo_scan_fn sha256d_scan_avx2;
algo_scan_fn sha256d_scan_avx512;

#endif
