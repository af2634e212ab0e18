/* SPDX-License-Identifier: MIT */
/*
 * scrypt scan, AVX-512: 16 nonces at once, as 4 independent groups of 4
 * hashes whose Salsa20/8 steps are interleaved; a zmm holds one diagonal row
 * (scrypt.h) of four hashes, one per 128-bit lane. The lane code is
 * scrypt_lanes.h on vec_avx512.h.
 */
#include "scrypt.h"

#include "vec_avx512.h"

/* ROMix step 3 for one group (scrypt_lanes.h): four hashes per zmm, one per 128-bit lane. */
static inline void scrypt_lanes_xor_v(__m512i x[8], const __m512i *vg)
{
	/* Integerify: word 16 is slot 0 of row 4, in each 128-bit lane. */
	const __m512i x4 = x[4];
	const uint32_t j[4] = {
		(uint32_t)_mm_cvtsi128_si32(_mm512_castsi512_si128(x4)),
		(uint32_t)_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(x4, 1)),
		(uint32_t)_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(x4, 2)),
		(uint32_t)_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(x4, 3)),
	};
	const __m128i *vj[4];

	for (int h = 0; h < 4; h++)
		vj[h] = (const __m128i *)(vg + (j[h] & (SCRYPT_N - 1)) * 8) + h;
#pragma GCC unroll 8
	for (int r = 0; r < 8; r++) {
		__m512i t = _mm512_castsi128_si512(_mm_load_si128(vj[0] + 4 * r));
		t = _mm512_inserti32x4(t, _mm_load_si128(vj[1] + 4 * r), 1);
		t = _mm512_inserti32x4(t, _mm_load_si128(vj[2] + 4 * r), 2);
		t = _mm512_inserti32x4(t, _mm_load_si128(vj[3] + 4 * r), 3);
		x[r] = _mm512_xor_si512(x[r], t);
	}
}

#include "scrypt_lanes.h"

SCRYPT_LANES_SCANS(avx512)
