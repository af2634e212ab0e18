/* SPDX-License-Identifier: MIT */
/*
 * scrypt scan, SSE4.1: 4 nonces at once, one hash per group of xmm rows in
 * diagonal order (scrypt.h), the four hashes' Salsa20/8 steps interleaved;
 * the lane code is scrypt_lanes.h on vec_sse41.h.
 */
#include "scrypt.h"

#include "vec_sse41.h"

/* ROMix step 3 for one group (scrypt_lanes.h): one hash per xmm. */
static inline void scrypt_lanes_xor_v(__m128i x[8], const __m128i *vg)
{
	/* Integerify: word 16 is slot 0 of row 4. */
	uint32_t j = (uint32_t)_mm_cvtsi128_si32(x[4]) & (SCRYPT_N - 1);
	const __m128i *vj = vg + j * 8;

#pragma GCC unroll 8
	for (int r = 0; r < 8; r++)
		x[r] = _mm_xor_si128(x[r], _mm_load_si128(vj + r));
}

#include "scrypt_lanes.h"

/* All four groups interleaved, then two, then one (scrypt_lanes.h): smaller scratchpads. */
unsigned scrypt_scan_sse41(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return scrypt_lanes_scan(vctx, target, first, last, hits, max_hits, 4);
}

unsigned scrypt_scan_sse41_g2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return scrypt_lanes_scan(vctx, target, first, last, hits, max_hits, 2);
}

unsigned scrypt_scan_sse41_g1(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return scrypt_lanes_scan(vctx, target, first, last, hits, max_hits, 1);
}
