/* SPDX-License-Identifier: MIT */
/*
 * ECHO-512 compression with AES-NI (docs/pow.md §3.4), the same algorithm
 * as echo.c: AESENC is exactly one AES round (SubBytes, ShiftRows, MixColumns,
 * AddRoundKey), so BIG.SubWords is two AESENCs per word; BIG.ShiftRows is
 * register renaming and BIG.MixColumns is AES MixColumns across four
 * registers, sixteen bytes at a time.
 */
#include "echo.h"

#include <immintrin.h>

#define ECHO_AESNI_ROUNDS 10

/* Multiplication by x in GF(2^8) on sixteen bytes (FIPS-197 §4.2.1 xtime). */
static inline __m128i echo_aesni_xtime(__m128i x)
{
	__m128i carry = _mm_cmpgt_epi8(_mm_setzero_si128(), x);

	return _mm_xor_si128(_mm_add_epi8(x, x), _mm_and_si128(carry, _mm_set1_epi8(0x1b)));
}

/* BIG.MixColumns on one column: b_r = a_r ^ t ^ 2 (a_r ^ a_(r+1)), t = a_0 ^ .. ^ a_3. */
static inline void echo_aesni_mix(__m128i *a0, __m128i *a1, __m128i *a2, __m128i *a3)
{
	__m128i t = _mm_xor_si128(_mm_xor_si128(*a0, *a1), _mm_xor_si128(*a2, *a3));
	__m128i b0 = _mm_xor_si128(*a0, echo_aesni_xtime(_mm_xor_si128(*a0, *a1)));
	__m128i b1 = _mm_xor_si128(*a1, echo_aesni_xtime(_mm_xor_si128(*a1, *a2)));
	__m128i b2 = _mm_xor_si128(*a2, echo_aesni_xtime(_mm_xor_si128(*a2, *a3)));
	__m128i b3 = _mm_xor_si128(*a3, echo_aesni_xtime(_mm_xor_si128(*a3, *a0)));

	*a0 = _mm_xor_si128(b0, t);
	*a1 = _mm_xor_si128(b1, t);
	*a2 = _mm_xor_si128(b2, t);
	*a3 = _mm_xor_si128(b3, t);
}

void echo512_compress_aesni(uint32_t v[8][4], const uint8_t block[ECHO512_BLOCK_LEN],
			    uint64_t counter_bits)
{
	const __m128i zero = _mm_setzero_si128(), one = _mm_cvtsi64_si128(1);
	__m128i w[16], m[8];
	/* The 128-bit counter key; its high half stays zero below 2^64 bits. */
	__m128i k = _mm_cvtsi64_si128((long long)counter_bits);

	for (unsigned i = 0; i < 8; i++) {
		w[i] = _mm_loadu_si128((const __m128i *)v[i]);
		m[i] = _mm_loadu_si128((const __m128i *)(block + 16 * i));
		w[i + 8] = m[i];
	}
	for (unsigned round = 0; round < ECHO_AESNI_ROUNDS; round++) {
		__m128i s[16];

		/* BIG.SubWords, with BIG.ShiftRows folded into where each word lands. */
		for (unsigned i = 0; i < 16; i++) {
			unsigned r = i % 4, col = i / 4;
			__m128i x = _mm_aesenc_si128(w[i], k);
			s[r + 4 * ((col + 4 - r) % 4)] = _mm_aesenc_si128(x, zero);
			k = _mm_add_epi64(k, one);
		}
		for (unsigned col = 0; col < 4; col++)
			echo_aesni_mix(&s[4 * col], &s[4 * col + 1], &s[4 * col + 2], &s[4 * col + 3]);
		for (unsigned i = 0; i < 16; i++)
			w[i] = s[i];
	}
	for (unsigned i = 0; i < 8; i++) {
		__m128i x = _mm_xor_si128(_mm_xor_si128(w[i], w[i + 8]), m[i]);
		x = _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)v[i]));
		_mm_storeu_si128((__m128i *)v[i], x);
	}
}
