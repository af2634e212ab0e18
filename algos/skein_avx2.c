/* SPDX-License-Identifier: MIT */
/*
 * Skein scan, AVX2: 8 nonces per step, Threefish-512 on two groups of four
 * 64-bit lanes, then SHA-256 on eight 32-bit lanes; the lane code is
 * skein_lanes.h on vec_avx2.h (where 64-bit rotates by whole bytes are one
 * byte shuffle).
 */
#include "skein.h"

#include "vec_avx2.h"

#include "skein_lanes.h"

unsigned skein_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first, uint32_t last,
			 uint32_t *hits, unsigned max_hits)
{
	return skein_lanes_scan(vctx, target, first, last, hits, max_hits);
}
