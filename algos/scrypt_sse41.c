/* SPDX-License-Identifier: MIT */
/*
 * scrypt scan, SSE4.1: 4 nonces at once, one hash per group of xmm rows in
 * diagonal order (scrypt.h), the four hashes' Salsa20/8 steps interleaved.
 * PBKDF2 stays per lane.
 */
#include "config.h"
#if HAVE_SSE41

#include "scrypt.h"

#include <immintrin.h>

enum {
	SCRYPT_SSE41_PER_VEC = 1,
	SCRYPT_SSE41_GROUPS = 4,
	SCRYPT_SSE41_LANES = SCRYPT_SSE41_PER_VEC * SCRYPT_SSE41_GROUPS,
};

/* b ^ rotl(p + q, r): one step of a Salsa20 quarter-round, on every lane. */
static inline __m128i scrypt_sse41_step(__m128i b, __m128i p, __m128i q, int r)
{
	__m128i t = _mm_add_epi32(p, q);

	t = _mm_or_si128(_mm_slli_epi32(t, r), _mm_srli_epi32(t, 32 - r));
	return _mm_xor_si128(b, t);
}

/* For every group: rows out..out+3 = Salsa20/8(rows out.. ^ rows in..). */
static inline void scrypt_sse41_salsa(__m128i x[SCRYPT_SSE41_GROUPS][8], int out, int in)
{
	__m128i a[SCRYPT_SSE41_GROUPS], b[SCRYPT_SSE41_GROUPS];
	__m128i c[SCRYPT_SSE41_GROUPS], d[SCRYPT_SSE41_GROUPS];

#pragma GCC unroll 4
	for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
		a[g] = x[g][out] = _mm_xor_si128(x[g][out], x[g][in]);
		b[g] = x[g][out + 1] = _mm_xor_si128(x[g][out + 1], x[g][in + 1]);
		c[g] = x[g][out + 2] = _mm_xor_si128(x[g][out + 2], x[g][in + 2]);
		d[g] = x[g][out + 3] = _mm_xor_si128(x[g][out + 3], x[g][in + 3]);
	}
#pragma GCC unroll 4
	for (int i = 0; i < 8; i += 2) {
		/* Column round: the columns are the lanes of rows a, b, c, d. */
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++)
			b[g] = scrypt_sse41_step(b[g], a[g], d[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++)
			c[g] = scrypt_sse41_step(c[g], b[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++)
			d[g] = scrypt_sse41_step(d[g], c[g], b[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
			a[g] = scrypt_sse41_step(a[g], d[g], c[g], 18);
			/* Rotate lanes so the rows line up as (a, d, c, b). */
			b[g] = _mm_shuffle_epi32(b[g], _MM_SHUFFLE(2, 1, 0, 3));
			c[g] = _mm_shuffle_epi32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = _mm_shuffle_epi32(d[g], _MM_SHUFFLE(0, 3, 2, 1));
		}
		/* Row round. */
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++)
			d[g] = scrypt_sse41_step(d[g], a[g], b[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++)
			c[g] = scrypt_sse41_step(c[g], d[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++)
			b[g] = scrypt_sse41_step(b[g], c[g], d[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
			a[g] = scrypt_sse41_step(a[g], b[g], c[g], 18);
			b[g] = _mm_shuffle_epi32(b[g], _MM_SHUFFLE(0, 3, 2, 1));
			c[g] = _mm_shuffle_epi32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = _mm_shuffle_epi32(d[g], _MM_SHUFFLE(2, 1, 0, 3));
		}
	}
#pragma GCC unroll 4
	for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
		x[g][out] = _mm_add_epi32(x[g][out], a[g]);
		x[g][out + 1] = _mm_add_epi32(x[g][out + 1], b[g]);
		x[g][out + 2] = _mm_add_epi32(x[g][out + 2], c[g]);
		x[g][out + 3] = _mm_add_epi32(x[g][out + 3], d[g]);
	}
}

/* ROMix (RFC 7914 §5) of every lane; diag in the layout of scrypt_diag_pack. */
static void scrypt_sse41_romix(uint32_t *diag, uint32_t *pad)
{
	enum { ROW_WORDS = 4 * SCRYPT_SSE41_PER_VEC };
	__m128i x[SCRYPT_SSE41_GROUPS][8];
	/* Group g's block i, row r, is the xmm at v[(g * N + i) * 8 + r]. */
	__m128i *v = (__m128i *)pad;

	for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
		for (int r = 0; r < 8; r++)
			x[g][r] = _mm_load_si128((const __m128i *)(diag + (g * 8 + r) * ROW_WORDS));
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++)
				_mm_store_si128(v + (g * SCRYPT_N + i) * 8 + r, x[g][r]);
		}
		scrypt_sse41_salsa(x, 0, 4);
		scrypt_sse41_salsa(x, 4, 0);
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
			/* Integerify: word 16 is slot 0 of row 4. */
			uint32_t j = (uint32_t)_mm_cvtsi128_si32(x[g][4]) & (SCRYPT_N - 1);
			const __m128i *vj = v + (g * SCRYPT_N + j) * 8;
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++)
				x[g][r] = _mm_xor_si128(x[g][r], _mm_load_si128(vj + r));
		}
		scrypt_sse41_salsa(x, 0, 4);
		scrypt_sse41_salsa(x, 4, 0);
	}
	for (int g = 0; g < SCRYPT_SSE41_GROUPS; g++) {
		for (int r = 0; r < 8; r++)
			_mm_store_si128((__m128i *)(diag + (g * 8 + r) * ROW_WORDS), x[g][r]);
	}
}

unsigned scrypt_scan_sse41(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			  uint32_t last, uint32_t *hits, unsigned max_hits)
{
	struct scrypt_ctx *ctx = vctx;
	struct scrypt_hmac hmac[SCRYPT_SSE41_LANES];
	uint32_t x[SCRYPT_SSE41_LANES * SCRYPT_BLOCK_WORDS];
	_Alignas(16) uint32_t diag[SCRYPT_SSE41_LANES * SCRYPT_BLOCK_WORDS];
	unsigned n = 0;

	for (uint32_t nonce = first;; nonce += SCRYPT_SSE41_LANES) {
		/* A short last group fills its spare lanes with its first nonce. */
		uint32_t left = last - nonce;
		unsigned count = left < SCRYPT_SSE41_LANES ? left + 1 : SCRYPT_SSE41_LANES;

		for (unsigned k = 0; k < SCRYPT_SSE41_LANES; k++)
			scrypt_lane_in(ctx, nonce + (k < count ? k : 0), &hmac[k],
				       x + k * SCRYPT_BLOCK_WORDS);
		scrypt_diag_pack(diag, x, SCRYPT_BLOCK_WORDS, 1, SCRYPT_SSE41_LANES,
				 SCRYPT_SSE41_PER_VEC);
		scrypt_sse41_romix(diag, ctx->pad);
		scrypt_diag_unpack(x, diag, SCRYPT_BLOCK_WORDS, 1, SCRYPT_SSE41_LANES,
				   SCRYPT_SSE41_PER_VEC);
		n = scrypt_lanes_out(hmac, x, count, nonce, target, hits, n, max_hits);
		if (left < SCRYPT_SSE41_LANES)
			break;
	}
	return n;
}

#endif
