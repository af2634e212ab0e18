/* SPDX-License-Identifier: MIT */
/*
 * scrypt scan, AVX-512: 16 nonces at once, as 4 independent groups of 4
 * hashes whose Salsa20/8 steps are interleaved; a zmm holds one diagonal row
 * (scrypt.h) of four hashes, one per 128-bit lane. The PBKDF2 steps run on
 * all 16 lanes at once too, with a word-sliced SHA-256 (a zmm holds one
 * message or state word of each lane).
 */
#include "config.h"
#if HAVE_AVX512

#include "scrypt.h"

#include <immintrin.h>
#include <string.h>

#include "endian.h"
#include "sha256.h"

enum {
	SCRYPT_AVX512_PER_VEC = 4,
	SCRYPT_AVX512_GROUPS = 4,
	SCRYPT_AVX512_LANES = SCRYPT_AVX512_PER_VEC * SCRYPT_AVX512_GROUPS,
};

/* b ^ rotl(p + q, r): one step of a Salsa20 quarter-round, on every lane. */
static inline __m512i scrypt_avx512_step(__m512i b, __m512i p, __m512i q, int r)
{
	/* The variable-count rotate: as fast, and r need not fold to a constant. */
	return _mm512_xor_si512(b, _mm512_rolv_epi32(_mm512_add_epi32(p, q), _mm512_set1_epi32(r)));
}

/* For every group: rows out..out+3 = Salsa20/8(rows out.. ^ rows in..). */
static inline void scrypt_avx512_salsa(__m512i x[SCRYPT_AVX512_GROUPS][8], int out, int in)
{
	__m512i a[SCRYPT_AVX512_GROUPS], b[SCRYPT_AVX512_GROUPS];
	__m512i c[SCRYPT_AVX512_GROUPS], d[SCRYPT_AVX512_GROUPS];

#pragma GCC unroll 4
	for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
		a[g] = x[g][out] = _mm512_xor_si512(x[g][out], x[g][in]);
		b[g] = x[g][out + 1] = _mm512_xor_si512(x[g][out + 1], x[g][in + 1]);
		c[g] = x[g][out + 2] = _mm512_xor_si512(x[g][out + 2], x[g][in + 2]);
		d[g] = x[g][out + 3] = _mm512_xor_si512(x[g][out + 3], x[g][in + 3]);
	}
#pragma GCC unroll 4
	for (int i = 0; i < 8; i += 2) {
		/* Column round: the columns are the lanes of rows a, b, c, d. */
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++)
			b[g] = scrypt_avx512_step(b[g], a[g], d[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++)
			c[g] = scrypt_avx512_step(c[g], b[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++)
			d[g] = scrypt_avx512_step(d[g], c[g], b[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
			a[g] = scrypt_avx512_step(a[g], d[g], c[g], 18);
			/* Rotate lanes: rows a, d, c, b now hold the Salsa20 rows as lanes. */
			b[g] = _mm512_shuffle_epi32(b[g], _MM_SHUFFLE(2, 1, 0, 3));
			c[g] = _mm512_shuffle_epi32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = _mm512_shuffle_epi32(d[g], _MM_SHUFFLE(0, 3, 2, 1));
		}
		/* Row round, then the lanes rotated back. */
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++)
			d[g] = scrypt_avx512_step(d[g], a[g], b[g], 7);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++)
			c[g] = scrypt_avx512_step(c[g], d[g], a[g], 9);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++)
			b[g] = scrypt_avx512_step(b[g], c[g], d[g], 13);
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
			a[g] = scrypt_avx512_step(a[g], b[g], c[g], 18);
			b[g] = _mm512_shuffle_epi32(b[g], _MM_SHUFFLE(0, 3, 2, 1));
			c[g] = _mm512_shuffle_epi32(c[g], _MM_SHUFFLE(1, 0, 3, 2));
			d[g] = _mm512_shuffle_epi32(d[g], _MM_SHUFFLE(2, 1, 0, 3));
		}
	}
#pragma GCC unroll 4
	for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
		x[g][out] = _mm512_add_epi32(x[g][out], a[g]);
		x[g][out + 1] = _mm512_add_epi32(x[g][out + 1], b[g]);
		x[g][out + 2] = _mm512_add_epi32(x[g][out + 2], c[g]);
		x[g][out + 3] = _mm512_add_epi32(x[g][out + 3], d[g]);
	}
}

/* ROMix (RFC 7914 §5) of every lane; diag in the layout of scrypt_diag_pack. */
static void scrypt_avx512_romix(uint32_t *diag, uint32_t *pad)
{
	enum { ROW_WORDS = 4 * SCRYPT_AVX512_PER_VEC };
	__m512i x[SCRYPT_AVX512_GROUPS][8];
	/* Group g's block i, row r, is the zmm at v[(g * N + i) * 8 + r]. */
	__m512i *v = (__m512i *)pad;

	for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
		for (int r = 0; r < 8; r++)
			x[g][r] = _mm512_load_si512(
				(const __m512i *)(diag + (g * 8 + r) * ROW_WORDS));
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++)
				_mm512_store_si512(v + (g * SCRYPT_N + i) * 8 + r, x[g][r]);
		}
		scrypt_avx512_salsa(x, 0, 4);
		scrypt_avx512_salsa(x, 4, 0);
	}
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
#pragma GCC unroll 4
		for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
			/*
			 * Integerify: word 16 is slot 0 of row 4, in each 128-bit
			 * lane; row r of V[j] of hash h is lane h of v[(g * N + j) * 8 + r].
			 */
			const __m512i x4 = x[g][4];
			const uint32_t j[SCRYPT_AVX512_PER_VEC] = {
				(uint32_t)_mm_cvtsi128_si32(_mm512_castsi512_si128(x4)),
				(uint32_t)_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(x4, 1)),
				(uint32_t)_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(x4, 2)),
				(uint32_t)_mm_cvtsi128_si32(_mm512_extracti32x4_epi32(x4, 3)),
			};
			const __m128i *vj[SCRYPT_AVX512_PER_VEC];
			for (int h = 0; h < SCRYPT_AVX512_PER_VEC; h++) {
				uint32_t jh = j[h] & (SCRYPT_N - 1);
				vj[h] = (const __m128i *)(v + (g * SCRYPT_N + jh) * 8) + h;
			}
#pragma GCC unroll 8
			for (int r = 0; r < 8; r++) {
				__m512i t = _mm512_castsi128_si512(_mm_load_si128(vj[0] + 4 * r));
				t = _mm512_inserti32x4(t, _mm_load_si128(vj[1] + 4 * r), 1);
				t = _mm512_inserti32x4(t, _mm_load_si128(vj[2] + 4 * r), 2);
				t = _mm512_inserti32x4(t, _mm_load_si128(vj[3] + 4 * r), 3);
				x[g][r] = _mm512_xor_si512(x[g][r], t);
			}
		}
		scrypt_avx512_salsa(x, 0, 4);
		scrypt_avx512_salsa(x, 4, 0);
	}
	for (int g = 0; g < SCRYPT_AVX512_GROUPS; g++) {
		for (int r = 0; r < 8; r++)
			_mm512_store_si512((__m512i *)(diag + (g * 8 + r) * ROW_WORDS), x[g][r]);
	}
}

/* SHA-256 on 16 lanes (FIPS 180-4 §4.1.2, §6.2.2); ternary logic for Ch, Maj and 3-way xor. */
static inline __m512i scrypt_avx512_xor3(__m512i a, __m512i b, __m512i c)
{
	return _mm512_ternarylogic_epi32(a, b, c, 0x96);
}

static inline __m512i scrypt_avx512_ror(__m512i x, int r)
{
	return _mm512_rorv_epi32(x, _mm512_set1_epi32(r));
}

static inline __m512i scrypt_avx512_sigma(__m512i x, int r1, int r2, int shift)
{
	return scrypt_avx512_xor3(scrypt_avx512_ror(x, r1), scrypt_avx512_ror(x, r2),
				  _mm512_srli_epi32(x, shift));
}

static inline __m512i scrypt_avx512_big_sigma(__m512i x, int r1, int r2, int r3)
{
	return scrypt_avx512_xor3(scrypt_avx512_ror(x, r1), scrypt_avx512_ror(x, r2),
				  scrypt_avx512_ror(x, r3));
}

static inline __m512i scrypt_avx512_ch(__m512i e, __m512i f, __m512i g)
{
	return _mm512_ternarylogic_epi32(e, f, g, 0xca);
}

static inline __m512i scrypt_avx512_maj(__m512i a, __m512i b, __m512i c)
{
	return _mm512_ternarylogic_epi32(a, b, c, 0xe8);
}

static inline void scrypt_avx512_sha256(__m512i st[8], const __m512i block[16])
{
	__m512i w[16];
	__m512i a = st[0], b = st[1], c = st[2], d = st[3];
	__m512i e = st[4], f = st[5], g = st[6], h = st[7];

	memcpy(w, block, sizeof(w));
	for (int t = 0; t < 64; t += 16) {
#pragma GCC unroll 16
		for (int k = 0; k < 16; k++) {
			if (t) {
				__m512i s0 = scrypt_avx512_sigma(w[(k + 1) & 15], 7, 18, 3);
				__m512i s1 = scrypt_avx512_sigma(w[(k + 14) & 15], 17, 19, 10);
				w[k] = _mm512_add_epi32(_mm512_add_epi32(w[k], s0),
							_mm512_add_epi32(w[(k + 9) & 15], s1));
			}
			__m512i t1 = _mm512_add_epi32(h, _mm512_set1_epi32((int)sha256_k[t + k]));
			t1 = _mm512_add_epi32(t1, w[k]);
			t1 = _mm512_add_epi32(t1, scrypt_avx512_big_sigma(e, 6, 11, 25));
			t1 = _mm512_add_epi32(t1, scrypt_avx512_ch(e, f, g));
			__m512i t2 = _mm512_add_epi32(scrypt_avx512_big_sigma(a, 2, 13, 22),
						      scrypt_avx512_maj(a, b, c));
			h = g;
			g = f;
			f = e;
			e = _mm512_add_epi32(d, t1);
			d = c;
			c = b;
			b = a;
			a = _mm512_add_epi32(t1, t2);
		}
	}
	st[0] = _mm512_add_epi32(st[0], a);
	st[1] = _mm512_add_epi32(st[1], b);
	st[2] = _mm512_add_epi32(st[2], c);
	st[3] = _mm512_add_epi32(st[3], d);
	st[4] = _mm512_add_epi32(st[4], e);
	st[5] = _mm512_add_epi32(st[5], f);
	st[6] = _mm512_add_epi32(st[6], g);
	st[7] = _mm512_add_epi32(st[7], h);
}

/* Byte swap of every 32-bit word: SHA-256 words are big-endian, scrypt's little-endian. */
static inline __m512i scrypt_avx512_bswap(__m512i v)
{
	const __m128i m = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);

	return _mm512_shuffle_epi8(v, _mm512_broadcast_i32x4(m));
}

/* The 16 message words of a 64-byte block the same in every lane (big-endian words). */
static inline void scrypt_avx512_block_set1(__m512i w[16], const uint8_t block[64])
{
	for (int k = 0; k < 16; k++)
		w[k] = _mm512_set1_epi32((int)be32_load(block + 4 * k));
}

/*
 * The HMAC outer hash of every lane: st (inner digests) becomes SHA-256 from
 * the opad states over them, one padded block of 32 bytes after the 64 of
 * the key (FIPS 180-4 §5.1.1).
 */
static inline void scrypt_avx512_hmac_outer(const __m512i outer[8], __m512i st[8])
{
	__m512i w[16];

	memcpy(w, st, 8 * sizeof(w[0]));
	w[8] = _mm512_set1_epi32((int)0x80000000u);
	for (int k = 9; k < 15; k++)
		w[k] = _mm512_setzero_si512();
	w[15] = _mm512_set1_epi32((64 + 32) * 8);
	memcpy(st, outer, 8 * sizeof(st[0]));
	scrypt_avx512_sha256(st, w);
}

struct scrypt_avx512_hmac {
	__m512i inner[8];
	__m512i outer[8];
};

/*
 * Step 1 (as scrypt_lane_in) for the nonces nonce + k, k = 0..15 (spare
 * lanes past the end of a range hash nonces that are never reported): the
 * HMAC states into hm, the blocks word-sliced into xs[word * 16 + lane].
 */
static void scrypt_avx512_pbkdf2_in(const struct scrypt_ctx *ctx, uint32_t nonce,
				    struct scrypt_avx512_hmac *hm, uint32_t *xs)
{
	__m512i *xv = (__m512i *)xs;
	const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	const __m512i nonces = _mm512_add_epi32(_mm512_set1_epi32((int)nonce), lane);
	const __m512i nonce_be = scrypt_avx512_bswap(nonces);
	/* Header bytes 76..79, the nonce, are word 3 of the last 16 header bytes. */
	const int nonce_word = (NONCE_OFFSET - 64) / 4;
	__m512i key[8], head[8], w[16];

	/* K = SHA-256(header) from the per-job midstate. */
	for (int k = 0; k < 8; k++)
		key[k] = _mm512_set1_epi32((int)ctx->key_midstate[k]);
	scrypt_avx512_block_set1(w, ctx->key_tail);
	w[nonce_word] = nonce_be;
	scrypt_avx512_sha256(key, w);

	/* The HMAC states after K ^ ipad and K ^ opad (RFC 2104). */
	for (int k = 0; k < 16; k++)
		w[k] = _mm512_set1_epi32(0x36363636);
	for (int k = 0; k < 8; k++) {
		w[k] = _mm512_xor_si512(key[k], w[k]);
		hm->inner[k] = _mm512_set1_epi32((int)sha256_iv[k]);
		hm->outer[k] = hm->inner[k];
	}
	scrypt_avx512_sha256(hm->inner, w);
	for (int k = 0; k < 16; k++)
		w[k] = _mm512_xor_si512(w[k], _mm512_set1_epi32(0x36363636 ^ 0x5c5c5c5c));
	scrypt_avx512_sha256(hm->outer, w);

	/* T_i = HMAC(K, header || INT(i)), header bytes 0..63 once. */
	memcpy(head, hm->inner, sizeof(head));
	scrypt_avx512_block_set1(w, ctx->header);
	scrypt_avx512_sha256(head, w);
	for (int i = 1; i <= 4; i++) {
		__m512i st[8];

		scrypt_avx512_block_set1(w, ctx->salt_tail);
		w[nonce_word] = nonce_be;
		w[(HEADER_LEN - 64) / 4] = _mm512_set1_epi32(i);
		memcpy(st, head, sizeof(st));
		scrypt_avx512_sha256(st, w);
		scrypt_avx512_hmac_outer(hm->outer, st);
		for (int k = 0; k < 8; k++)
			_mm512_store_si512(xv + 8 * (i - 1) + k, scrypt_avx512_bswap(st[k]));
	}
}

/*
 * Step 4 and the target test of lanes 0..count-1 (nonces nonce + k), their
 * blocks word-sliced in xs; hits appended to hits[n..max_hits) in nonce
 * order. Returns the new n.
 */
static unsigned scrypt_avx512_pbkdf2_out(const struct scrypt_avx512_hmac *hm,
					 const uint32_t *xs, unsigned count, uint32_t nonce,
					 const uint8_t target[HASH_LEN], uint32_t *hits, unsigned n,
					 unsigned max_hits)
{
	const __m512i *xv = (const __m512i *)xs;
	__m512i st[8], w[16];

	/* HMAC(K, X || INT(1)): X in two blocks, then INT(1) and the padding of 196 bytes. */
	memcpy(st, hm->inner, sizeof(st));
	for (int half = 0; half < 2; half++) {
		for (int k = 0; k < 16; k++)
			w[k] = scrypt_avx512_bswap(_mm512_load_si512(xv + 16 * half + k));
		scrypt_avx512_sha256(st, w);
	}
	w[0] = _mm512_set1_epi32(1);
	w[1] = _mm512_set1_epi32((int)0x80000000u);
	for (int k = 2; k < 15; k++)
		w[k] = _mm512_setzero_si512();
	w[15] = _mm512_set1_epi32((64 + SCRYPT_BLOCK_WORDS * 4 + 4) * 8);
	scrypt_avx512_sha256(st, w);
	scrypt_avx512_hmac_outer(hm->outer, st);

	/* The hash is st big-endian: its most significant little-endian word is bswap(st[7]). */
	__mmask16 cand = _mm512_cmple_epu32_mask(scrypt_avx512_bswap(st[7]),
						 _mm512_set1_epi32((int)le32_load(target + 28)));
	cand &= (__mmask16)((1u << count) - 1);
	if (!cand)
		return n;
	_Alignas(64) uint32_t words[8][SCRYPT_AVX512_LANES];
	for (int k = 0; k < 8; k++)
		_mm512_store_si512((__m512i *)words[k], st[k]);
	for (unsigned k = 0; k < count; k++) {
		uint8_t hash[HASH_LEN];

		if (!(cand >> k & 1))
			continue;
		for (int i = 0; i < 8; i++)
			be32_store(hash + 4 * i, words[i][k]);
		if (hash_le_target(hash, target) && n < max_hits)
			hits[n++] = nonce + k;
	}
	return n;
}

unsigned scrypt_scan_avx512(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	struct scrypt_ctx *ctx = vctx;
	struct scrypt_avx512_hmac hm;
	_Alignas(64) uint32_t xs[SCRYPT_AVX512_LANES * SCRYPT_BLOCK_WORDS];
	_Alignas(64) uint32_t diag[SCRYPT_AVX512_LANES * SCRYPT_BLOCK_WORDS];
	unsigned n = 0;

	for (uint32_t nonce = first;; nonce += SCRYPT_AVX512_LANES) {
		uint32_t left = last - nonce;
		unsigned count = left < SCRYPT_AVX512_LANES ? left + 1 : SCRYPT_AVX512_LANES;

		scrypt_avx512_pbkdf2_in(ctx, nonce, &hm, xs);
		scrypt_diag_pack(diag, xs, 1, SCRYPT_AVX512_LANES, SCRYPT_AVX512_LANES,
				 SCRYPT_AVX512_PER_VEC);
		scrypt_avx512_romix(diag, ctx->pad);
		scrypt_diag_unpack(xs, diag, 1, SCRYPT_AVX512_LANES, SCRYPT_AVX512_LANES,
				   SCRYPT_AVX512_PER_VEC);
		n = scrypt_avx512_pbkdf2_out(&hm, xs, count, nonce, target, hits, n, max_hits);
		if (left < SCRYPT_AVX512_LANES)
			break;
	}
	return n;
}

#endif
