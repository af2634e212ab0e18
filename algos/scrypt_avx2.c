/* SPDX-License-Identifier: MIT */
/*
 * scrypt scan, AVX2: 8 nonces at once, as 4 independent groups of 2 hashes
 * whose Salsa20/8 steps are interleaved; a ymm holds one diagonal row
 * (scrypt.h) of two hashes, one per 128-bit lane. The lane code is
 * scrypt_lanes.h on vec_avx2.h.
 */
#include "scrypt.h"

#include "vec_avx2.h"

/* ROMix step 3 for one group (scrypt_lanes.h): two hashes per ymm, one per 128-bit lane. */
static inline void scrypt_lanes_xor_v(__m256i x[8], const __m256i *vg)
{
	/* Integerify: word 16 is slot 0 of row 4, in each 128-bit lane. */
	uint32_t j0 = (uint32_t)_mm256_extract_epi32(x[4], 0) & (SCRYPT_N - 1);
	uint32_t j1 = (uint32_t)_mm256_extract_epi32(x[4], 4) & (SCRYPT_N - 1);
	const __m128i *v0 = (const __m128i *)(vg + j0 * 8);
	const __m128i *v1 = (const __m128i *)(vg + j1 * 8) + 1;

#pragma GCC unroll 8
	for (int r = 0; r < 8; r++) {
		__m256i t = _mm256_castsi128_si256(_mm_load_si128(v0 + 2 * r));
		t = _mm256_inserti128_si256(t, _mm_load_si128(v1 + 2 * r), 1);
		x[r] = _mm256_xor_si256(x[r], t);
	}
}

#include "scrypt_lanes.h"

SCRYPT_LANES_SCANS(avx2)
