/* SPDX-License-Identifier: MIT */
/*
 * scrypt scan, AVX2: 8 nonces at once, as 4 independent groups of 2 hashes
 * whose Salsa20/8 steps are interleaved; a ymm holds one diagonal row
 * (scrypt.h) of two hashes, one per 128-bit lane. PBKDF2 stays per lane.
 */
#include "config.h"
#if HAVE_AVX2

#include "scrypt.h"

#include <immintrin.h>

enum {
	SCRYPT_AVX2_PER_VEC = 2,
	SCRYPT_AVX2_GROUPS = 4,
	SCRYPT_AVX2_LANES = SCRYPT_AVX2_PER_VEC * SCRYPT_AVX2_GROUPS,
};

/* b ^ rotl(p + q, r): one step of a Salsa20 quarter-round, on every lane. */
static inline __m256i scrypt_avx2_step(__m256i b, __m256i p, __m256i q, int r)
{
	__m256i t = _mm256_add_epi32(p, q);

	t = _mm256_or_si256(_mm256_slli_epi32(t, r), _mm256_srli_epi32(t, 32 - r));
	return _mm256_xor_si256(b, t);
}

/* For every group: rows out..out+3 = Salsa20/8(rows out.. ^ rows in..). */
static inline void scrypt_avx2_salsa(__m256i x[SCRYPT_AVX2_GROUPS][8], int out, int in)
{
	__m256i a[SCRYPT_AVX2_GROUPS], b[SCRYPT_AVX2_GROUPS];
	__m256i c[SCRYPT_AVX2_GROUPS], d[SCRYPT_AVX2_GROUPS];

#pragma GCC unroll 4
	for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
		a[g] = x[g][out] = _mm256_xor_si256(x[g][out], x[g][in]);
		b[g] = x[g][out + 1] = _mm256_xor_si256(x[g][out + 1], x[g][in + 1]);
		c[g] = x[g][out + 2] = _mm256_xor_si256(x[g][out + 2], x[g][in + 2]);
		d[g] = x[g][out + 3] = _mm256_xor_si256(x[g][out + 3], x[g][in + 3]);
	}
#pragma GCC unroll 4
	for (int i = 0; i < 8; i += 2) {
		/* Column round: the columns are the lanes of rows a, b, c, d. */
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++)
			b[g] = scrypt_avx2_step(b[g], a[g], d[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++)
			c[g] = scrypt_avx2_step(c[g], b[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++)
			d[g] = scrypt_avx2_step(d[g], c[g], b[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
			a[g] = scrypt_avx2_step(a[g], d[g], c[g], 18);
			/* Rotate lanes so the rows line up as (a, d, c, b). */
			b[g] = _mm256_shuffle_epi32(b[g], _MM_SHUFFLE(2, 1, 0, 3));
			c[g] = _mm256_shuffle_epi32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = _mm256_shuffle_epi32(d[g], _MM_SHUFFLE(0, 3, 2, 1));
		}
		/* Row round. */
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++)
			d[g] = scrypt_avx2_step(d[g], a[g], b[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++)
			c[g] = scrypt_avx2_step(c[g], d[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++)
			b[g] = scrypt_avx2_step(b[g], c[g], d[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
			a[g] = scrypt_avx2_step(a[g], b[g], c[g], 18);
			b[g] = _mm256_shuffle_epi32(b[g], _MM_SHUFFLE(0, 3, 2, 1));
			c[g] = _mm256_shuffle_epi32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = _mm256_shuffle_epi32(d[g], _MM_SHUFFLE(2, 1, 0, 3));
		}
	}
#pragma GCC unroll 4
	for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
		x[g][out] = _mm256_add_epi32(x[g][out], a[g]);
		x[g][out + 1] = _mm256_add_epi32(x[g][out + 1], b[g]);
		x[g][out + 2] = _mm256_add_epi32(x[g][out + 2], c[g]);
		x[g][out + 3] = _mm256_add_epi32(x[g][out + 3], d[g]);
	}
}

/* ROMix (RFC 7914 §5) of every lane; diag in the layout of scrypt_diag_pack. */
static void scrypt_avx2_romix(uint32_t *diag, uint32_t *pad)
{
	enum { ROW_WORDS = 4 * SCRYPT_AVX2_PER_VEC };
	__m256i x[SCRYPT_AVX2_GROUPS][8];
	/* Group g's block i, row r, is the ymm at v[(g * N + i) * 8 + r]. */
	__m256i *v = (__m256i *)pad;

	for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
		for (int r = 0; r < 8; r++)
			x[g][r] = _mm256_load_si256((const __m256i *)(diag + (g * 8 + r) * ROW_WORDS));
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++)
				_mm256_store_si256(v + (g * SCRYPT_N + i) * 8 + r, x[g][r]);
		}
		scrypt_avx2_salsa(x, 0, 4);
		scrypt_avx2_salsa(x, 4, 0);
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
			/* Integerify: word 16 is slot 0 of row 4, in each 128-bit lane. */
			uint32_t j0 = (uint32_t)_mm256_extract_epi32(x[g][4], 0) & (SCRYPT_N - 1);
			uint32_t j1 = (uint32_t)_mm256_extract_epi32(x[g][4], 4) & (SCRYPT_N - 1);
			const __m128i *v0 = (const __m128i *)(v + (g * SCRYPT_N + j0) * 8);
			const __m128i *v1 = (const __m128i *)(v + (g * SCRYPT_N + j1) * 8) + 1;
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++) {
				__m256i t = _mm256_castsi128_si256(_mm_load_si128(v0 + 2 * r));
				t = _mm256_inserti128_si256(t, _mm_load_si128(v1 + 2 * r), 1);
				x[g][r] = _mm256_xor_si256(x[g][r], t);
			}
		}
		scrypt_avx2_salsa(x, 0, 4);
		scrypt_avx2_salsa(x, 4, 0);
	}
	for (int g = 0; g < SCRYPT_AVX2_GROUPS; g++) {
		for (int r = 0; r < 8; r++)
			_mm256_store_si256((__m256i *)(diag + (g * 8 + r) * ROW_WORDS), x[g][r]);
	}
}

unsigned scrypt_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			  uint32_t last, uint32_t *hits, unsigned max_hits)
{
	struct scrypt_ctx *ctx = vctx;
	struct scrypt_hmac hmac[SCRYPT_AVX2_LANES];
	uint32_t x[SCRYPT_AVX2_LANES * SCRYPT_BLOCK_WORDS];
	_Alignas(32) uint32_t diag[SCRYPT_AVX2_LANES * SCRYPT_BLOCK_WORDS];
	unsigned n = 0;

	for (uint32_t nonce = first;; nonce += SCRYPT_AVX2_LANES) {
		/* A short last group fills its spare lanes with its first nonce. */
		uint32_t left = last - nonce;
		unsigned count = left < SCRYPT_AVX2_LANES ? left + 1 : SCRYPT_AVX2_LANES;

		for (unsigned k = 0; k < SCRYPT_AVX2_LANES; k++)
			scrypt_lane_in(ctx, nonce + (k < count ? k : 0), &hmac[k],
				       x + k * SCRYPT_BLOCK_WORDS);
		scrypt_diag_pack(diag, x, SCRYPT_BLOCK_WORDS, 1, SCRYPT_AVX2_LANES,
				 SCRYPT_AVX2_PER_VEC);
		scrypt_avx2_romix(diag, ctx->pad);
		scrypt_diag_unpack(x, diag, SCRYPT_BLOCK_WORDS, 1, SCRYPT_AVX2_LANES,
				   SCRYPT_AVX2_PER_VEC);
		n = scrypt_lanes_out(hmac, x, count, nonce, target, hits, n, max_hits);
		if (left < SCRYPT_AVX2_LANES)
			break;
	}
	return n;
}

#endif
