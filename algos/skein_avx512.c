/* SPDX-License-Identifier: MIT */
/*
 * Skein scan, AVX-512: 32 nonces per step, Threefish-512 on two groups of
 * sixteen 64-bit lanes, then SHA-256 on thirty-two 32-bit lanes; the lane
 * code is skein_lanes.h on vec_avx512x2.h, two zmm per vector, so every
 * round has two independent chains in flight (Zen 5: 10.0 -> 11.4..12.2
 * MH/s per thread-CPU-second against one zmm per vector).
 */
#include "skein.h"

#include "vec_avx512x2.h"

#include "skein_lanes.h"

unsigned skein_scan_avx512(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return skein_lanes_scan(vctx, target, first, last, hits, max_hits);
}
