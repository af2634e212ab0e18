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

SCRYPT_LANES_SCANS(sse41)
