/* SPDX-License-Identifier: MIT */
/*
 * C_512 of SHAvite-3-512 with AES-NI; the same algorithm as shavite.c, whose
 * comments cite the specification. AESENC(x, k) is exactly AESRound(x) ^ k, so
 * F' (x ^ k_0, then four AES rounds separated by k_1, k_2, k_3) is one XOR and
 * four AESENCs, and each nonlinear expansion step is one AESENC with key 0.
 * A 128-bit register holds four consecutive words of rk or of the state.
 */
#include "shavite.h"

#include <immintrin.h>

#define SHAVITE_AESNI_ROUNDS 14
/* rk as 128-bit vectors: 8 per round (two F', four keys each). */
#define SHAVITE_AESNI_RK (SHAVITE_AESNI_ROUNDS * 8)

static inline __m128i shavite_aesni_f4(__m128i x, const __m128i k[4])
{
	x = _mm_xor_si128(x, k[0]);
	x = _mm_aesenc_si128(x, k[1]);
	x = _mm_aesenc_si128(x, k[2]);
	x = _mm_aesenc_si128(x, k[3]);
	return _mm_aesenc_si128(x, _mm_setzero_si128());
}

/* The counter words for an injection point, the last one complemented. */
static inline __m128i shavite_aesni_count(const struct shavite512_inject *in,
					  const uint32_t cnt[4])
{
	return _mm_set_epi32((int)~cnt[in->which[3]], (int)cnt[in->which[2]],
			     (int)cnt[in->which[1]], (int)cnt[in->which[0]]);
}

void shavite512_compress_aesni(uint32_t h[16], const uint8_t block[SHAVITE512_BLOCK_LEN],
			       const uint32_t cnt[4])
{
	const __m128i zero = _mm_setzero_si128();
	__m128i rk[SHAVITE_AESNI_RK], p[4];
	unsigned inj = 0;

	for (unsigned v = 0; v < 8; v++)
		rk[v] = _mm_loadu_si128((const __m128i *)(block + 16 * v));
	for (unsigned v = 8; v < SHAVITE_AESNI_RK; v++) {
		if ((v / 8) % 2 == 0) {
			/* rk[i] = rk[i-32] ^ rk[i-7]: words i-7..i-4 straddle two vectors. */
			__m128i w7 = _mm_alignr_epi8(rk[v - 1], rk[v - 2], 4);

			rk[v] = _mm_xor_si128(rk[v - 8], w7);
			continue;
		}
		/* (rk[i-31], rk[i-30], rk[i-29], rk[i-32]): rotate the vector by one word. */
		__m128i t = _mm_shuffle_epi32(rk[v - 8], _MM_SHUFFLE(0, 3, 2, 1));

		rk[v] = _mm_xor_si128(_mm_aesenc_si128(t, zero), rk[v - 1]);
		if (inj < SHAVITE512_INJECTS && shavite512_injects[inj].word == 4 * v) {
			rk[v] = _mm_xor_si128(rk[v], shavite_aesni_count(&shavite512_injects[inj], cnt));
			inj++;
		}
	}
	for (unsigned i = 0; i < 4; i++)
		p[i] = _mm_loadu_si128((const __m128i *)(h + 4 * i));
	for (unsigned r = 0; r < SHAVITE_AESNI_ROUNDS; r++) {
		__m128i p3 = p[3];

		p[0] = _mm_xor_si128(p[0], shavite_aesni_f4(p[1], rk + 8 * r));
		p[2] = _mm_xor_si128(p[2], shavite_aesni_f4(p[3], rk + 8 * r + 4));
		p[3] = p[2];
		p[2] = p[1];
		p[1] = p[0];
		p[0] = p3;
	}
	for (unsigned i = 0; i < 4; i++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(h + 4 * i));

		_mm_storeu_si128((__m128i *)(h + 4 * i), _mm_xor_si128(x, p[i]));
	}
}
