/* SPDX-License-Identifier: MIT */
/*
 * SHA-256d scan with AVX2 (docs/pow.md §3.1): eight nonces at once, one
 * per 32-bit lane; the lane code is sha256d_lanes.h on vec_avx2.h.
 */
#include "sha256d.h"

#include "vec_avx2.h"

#include "sha256d_lanes.h"

unsigned sha256d_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return sha256d_lanes_scan(vctx, target, first, last, hits, max_hits);
}
