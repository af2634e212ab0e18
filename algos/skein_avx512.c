/* SPDX-License-Identifier: MIT */
/*
 * Skein scan, AVX-512: 16 nonces per step. Threefish-512 runs on two groups
 * of eight 64-bit lanes; the 64-byte Skein outputs of both groups are then
 * transposed into sixteen 32-bit lanes for one lane-wise SHA-256.
 */
#include "skein.h"

#include <immintrin.h>

#include "endian.h"
#include "sha256.h"

enum { SKEIN_AVX512_LANES = 16 };

#define SKEIN_AVX512_MIX(a, b, r)                                                                  \
	do {                                                                                       \
		a = _mm512_add_epi64(a, b);                                                        \
		b = _mm512_xor_si512(_mm512_rol_epi64(b, r), a);                                   \
	} while (0)

#define SKEIN_AVX512_ROUNDS8(x, subkey, s)                                                         \
	do {                                                                                       \
		SKEIN512_ROUNDS4(SKEIN_AVX512_MIX, x, SKEIN512_R0, SKEIN512_R1, SKEIN512_R2,       \
				 SKEIN512_R3);                                                     \
		subkey(x, s);                                                                      \
		SKEIN512_ROUNDS4(SKEIN_AVX512_MIX, x, SKEIN512_R4, SKEIN512_R5, SKEIN512_R6,       \
				 SKEIN512_R7);                                                     \
		subkey(x, (s) + 1);                                                                \
	} while (0)

#define SKEIN_AVX512_72ROUNDS(x, subkey)                                                           \
	do {                                                                                       \
		SKEIN_AVX512_ROUNDS8(x, subkey, 1);                                                \
		SKEIN_AVX512_ROUNDS8(x, subkey, 3);                                                \
		SKEIN_AVX512_ROUNDS8(x, subkey, 5);                                                \
		SKEIN_AVX512_ROUNDS8(x, subkey, 7);                                                \
		SKEIN_AVX512_ROUNDS8(x, subkey, 9);                                                \
		SKEIN_AVX512_ROUNDS8(x, subkey, 11);                                               \
		SKEIN_AVX512_ROUNDS8(x, subkey, 13);                                               \
		SKEIN_AVX512_ROUNDS8(x, subkey, 15);                                               \
		SKEIN_AVX512_ROUNDS8(x, subkey, 17);                                               \
	} while (0)

/* Second message block: the per-job subkeys ctx->ks, the same in every lane. */
#define SKEIN_AVX512_SUBKEY_MSG(x, s)                                                              \
	do {                                                                                       \
		for (unsigned i_ = 0; i_ < SKEIN512_WORDS; i_++)                                   \
			x[i_] = _mm512_add_epi64(x[i_], _mm512_set1_epi64((long long)ks[s][i_]));  \
	} while (0)

/* Tweak word i of the output block: t_0 = position 8, t_1 = Out | First | Final. */
static inline __m512i skein_avx512_out_tweak(unsigned i)
{
	const uint64_t t0 = SKEIN_OUT_POS, t1 = SKEIN_OUT_T1;

	return _mm512_set1_epi64((long long)(i == 0 ? t0 : i == 1 ? t1 : t0 ^ t1));
}

/* Output block: the key k[0..8] is each lane's chaining value and its parity word. */
#define SKEIN_AVX512_SUBKEY_OUT(x, s)                                                              \
	do {                                                                                       \
		for (unsigned i_ = 0; i_ < SKEIN512_WORDS; i_++)                                   \
			x[i_] = _mm512_add_epi64(x[i_], k[((s) + i_) % 9]);                        \
		x[5] = _mm512_add_epi64(x[5], skein_avx512_out_tweak((s) % 3));                    \
		x[6] = _mm512_add_epi64(x[6], skein_avx512_out_tweak(((s) + 1) % 3));              \
		x[7] = _mm512_add_epi64(x[7], _mm512_set1_epi64(s));                               \
	} while (0)

/*
 * Skein-512-512 of eight headers that differ only in the nonce: nonce_hi
 * holds each lane's nonce in its high 32 bits (header bytes 76..79 are the
 * high half of word 1 of the second block). y gets the 64-byte outputs.
 */
static inline void skein_avx512_skein4(const struct skein_ctx *ctx, __m512i nonce_hi,
				       __m512i y[SKEIN512_WORDS])
{
	const uint64_t(*ks)[SKEIN512_WORDS] = ctx->ks;
	__m512i x[SKEIN512_WORDS], k[9];
	__m512i m1 = _mm512_or_si512(_mm512_set1_epi64((long long)ctx->m1), nonce_hi);

	/* Second block: m = (m0, m1, 0, ..., 0) plus subkey 0. */
	x[0] = _mm512_set1_epi64((long long)(ctx->m0 + ks[0][0]));
	x[1] = _mm512_add_epi64(m1, _mm512_set1_epi64((long long)ks[0][1]));
	for (unsigned i = 2; i < SKEIN512_WORDS; i++)
		x[i] = _mm512_set1_epi64((long long)ks[0][i]);
	SKEIN_AVX512_72ROUNDS(x, SKEIN_AVX512_SUBKEY_MSG);
	/* UBI feed-forward: the chaining value is x xor m. */
	x[0] = _mm512_xor_si512(x[0], _mm512_set1_epi64((long long)ctx->m0));
	x[1] = _mm512_xor_si512(x[1], m1);

	/* Output block: message zero, so it starts as subkey 0 and needs no feed-forward. */
	k[8] = _mm512_set1_epi64((long long)SKEIN512_C240);
	for (unsigned i = 0; i < SKEIN512_WORDS; i++) {
		k[i] = x[i];
		k[8] = _mm512_xor_si512(k[8], x[i]);
		y[i] = x[i];
	}
	y[5] = _mm512_add_epi64(y[5], skein_avx512_out_tweak(0));
	y[6] = _mm512_add_epi64(y[6], skein_avx512_out_tweak(1));
	SKEIN_AVX512_72ROUNDS(y, SKEIN_AVX512_SUBKEY_OUT);
}

/* SHA-256 on sixteen 32-bit lanes (FIPS 180-4 §4.1.2, §6.2.2). */
#define SKEIN_AVX512_ADD(a, b) _mm512_add_epi32(a, b)
#define SKEIN_AVX512_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define SKEIN_AVX512_ROTR32(x, r) _mm512_ror_epi32(x, r)
/* Ch(e, f, g) = e ? f : g and Maj(a, b, c) as ternary-logic truth tables. */
#define SKEIN_AVX512_CH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xca)
#define SKEIN_AVX512_MAJ(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xe8)

static inline __m512i skein_avx512_bswap32(__m512i x)
{
	const __m128i idx = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

	return _mm512_shuffle_epi8(x, _mm512_broadcast_i32x4(idx));
}

/* Round t: T1 = h + S1(e) + Ch(e, f, g) + K[t] + W[t] (kw), T2 = S0(a) + Maj(a, b, c). */
#define SKEIN_AVX512_SHA_ROUND(a, b, c, d, e, f, g, h, kw)                                         \
	do {                                                                                       \
		__m512i s1_ =                                                                      \
			SKEIN_AVX512_XOR3(SKEIN_AVX512_ROTR32(e, 6), SKEIN_AVX512_ROTR32(e, 11),   \
					  SKEIN_AVX512_ROTR32(e, 25));                             \
		__m512i s0_ =                                                                      \
			SKEIN_AVX512_XOR3(SKEIN_AVX512_ROTR32(a, 2), SKEIN_AVX512_ROTR32(a, 13),   \
					  SKEIN_AVX512_ROTR32(a, 22));                             \
		__m512i t1_ = SKEIN_AVX512_ADD(SKEIN_AVX512_ADD(h, s1_),                           \
					       SKEIN_AVX512_ADD(SKEIN_AVX512_CH(e, f, g), kw));    \
		d = SKEIN_AVX512_ADD(d, t1_);                                                      \
		h = SKEIN_AVX512_ADD(t1_, SKEIN_AVX512_ADD(s0_, SKEIN_AVX512_MAJ(a, b, c)));       \
	} while (0)

/* Eight rounds; KW(j) is K[t + j] + W[t + j] for j = o..o+7 (§6.2.2 step 3). */
#define SKEIN_AVX512_SHA_ROUNDS8(s, KW, o)                                                         \
	do {                                                                                       \
		SKEIN_AVX512_SHA_ROUND(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],             \
				       KW((o) + 0));                                               \
		SKEIN_AVX512_SHA_ROUND(s[7], s[0], s[1], s[2], s[3], s[4], s[5], s[6],             \
				       KW((o) + 1));                                               \
		SKEIN_AVX512_SHA_ROUND(s[6], s[7], s[0], s[1], s[2], s[3], s[4], s[5],             \
				       KW((o) + 2));                                               \
		SKEIN_AVX512_SHA_ROUND(s[5], s[6], s[7], s[0], s[1], s[2], s[3], s[4],             \
				       KW((o) + 3));                                               \
		SKEIN_AVX512_SHA_ROUND(s[4], s[5], s[6], s[7], s[0], s[1], s[2], s[3],             \
				       KW((o) + 4));                                               \
		SKEIN_AVX512_SHA_ROUND(s[3], s[4], s[5], s[6], s[7], s[0], s[1], s[2],             \
				       KW((o) + 5));                                               \
		SKEIN_AVX512_SHA_ROUND(s[2], s[3], s[4], s[5], s[6], s[7], s[0], s[1],             \
				       KW((o) + 6));                                               \
		SKEIN_AVX512_SHA_ROUND(s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[0],             \
				       KW((o) + 7));                                               \
	} while (0)

/* The next sixteen message words W[t..t+15] from W[t-16..t-1], in place (§6.2.2 step 1). */
static inline void skein_avx512_sha256_expand(__m512i w[16])
{
	for (unsigned j = 0; j < 16; j++) {
		__m512i x = w[(j + 1) & 15], y = w[(j + 14) & 15];
		__m512i s0 = SKEIN_AVX512_XOR3(SKEIN_AVX512_ROTR32(x, 7),
					       SKEIN_AVX512_ROTR32(x, 18), _mm512_srli_epi32(x, 3));
		__m512i s1 =
			SKEIN_AVX512_XOR3(SKEIN_AVX512_ROTR32(y, 17), SKEIN_AVX512_ROTR32(y, 19),
					  _mm512_srli_epi32(y, 10));

		w[j] = SKEIN_AVX512_ADD(SKEIN_AVX512_ADD(s1, w[(j + 9) & 15]),
					SKEIN_AVX512_ADD(s0, w[j]));
	}
}

#define SKEIN_AVX512_KW(j) SKEIN_AVX512_ADD(w[j], _mm512_set1_epi32((int)sha256_k[t + (j)]))
#define SKEIN_AVX512_KW_PAD(j) _mm512_set1_epi32((int)ctx->sha_pad_wk[t + (j)])

/*
 * SHA-256 of one 64-byte message per lane, w[0..15] its big-endian words
 * (clobbered), into st: the message block, then the fixed padding block
 * whose K + W the context holds.
 */
static inline void skein_avx512_sha256(const struct skein_ctx *ctx, __m512i w[16], __m512i st[8])
{
	__m512i s[8], mid[8];

	for (unsigned i = 0; i < 8; i++)
		s[i] = _mm512_set1_epi32((int)sha256_iv[i]);
	for (unsigned t = 0; t < 64; t += 16) {
		if (t)
			skein_avx512_sha256_expand(w);
		SKEIN_AVX512_SHA_ROUNDS8(s, SKEIN_AVX512_KW, 0);
		SKEIN_AVX512_SHA_ROUNDS8(s, SKEIN_AVX512_KW, 8);
	}
	for (unsigned i = 0; i < 8; i++) {
		mid[i] = SKEIN_AVX512_ADD(s[i], _mm512_set1_epi32((int)sha256_iv[i]));
		s[i] = mid[i];
	}
	for (unsigned t = 0; t < 64; t += 8)
		SKEIN_AVX512_SHA_ROUNDS8(s, SKEIN_AVX512_KW_PAD, 0);
	for (unsigned i = 0; i < 8; i++)
		st[i] = SKEIN_AVX512_ADD(s[i], mid[i]);
}

/*
 * The SHA-256 message words of the lanes' Skein outputs: word 2j is the low
 * and word 2j + 1 the high half of 64-bit word j, byte-swapped because
 * Skein writes words little-endian and SHA-256 reads them big-endian (FIPS
 * 180-4 §3.1). shuffle_ps takes, per 128 bits, lanes a0 a1 of ya then b0 b1
 * of yb: the lane order the scan's nonce offsets expect.
 */
static inline void skein_avx512_transpose(const __m512i ya[SKEIN512_WORDS],
					  const __m512i yb[SKEIN512_WORDS], __m512i w[16])
{
	for (unsigned j = 0; j < SKEIN512_WORDS; j++) {
		__m512 a = _mm512_castsi512_ps(ya[j]), b = _mm512_castsi512_ps(yb[j]);
		__m512i lo = _mm512_castps_si512(_mm512_shuffle_ps(a, b, 0x88));
		__m512i hi = _mm512_castps_si512(_mm512_shuffle_ps(a, b, 0xdd));
		w[2 * j] = skein_avx512_bswap32(lo);
		w[2 * j + 1] = skein_avx512_bswap32(hi);
	}
}

unsigned skein_scan_avx512(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct skein_ctx *ctx = vctx;
	const __m512i target_top = _mm512_set1_epi32((int)le32_load(target + 28));
	/*
	 * Lane offsets of the two Threefish groups. The transpose below works
	 * per 128 bits, putting 64-bit lanes a0 a1 b0 b1 a2 a3 b2 b3 ... into
	 * SHA-256 lanes 0..15, so group a takes nonces +0 +1 +4 +5 +8 +9 +12
	 * +13 and group b the others.
	 */
	const __m512i off_a = _mm512_setr_epi64(0, 1, 4, 5, 8, 9, 12, 13);
	const __m512i off_b = _mm512_setr_epi64(2, 3, 6, 7, 10, 11, 14, 15);
	unsigned n = 0;

	for (uint32_t base = first;; base += SKEIN_AVX512_LANES) {
		/* Lanes k <= span hold nonces in range; the rest are computed and ignored. */
		uint32_t span = last - base;
		__m512i b64 = _mm512_set1_epi64((long long)base);
		/* (base + off) << 32 drops the carry out of bit 31: nonces wrap mod 2^32. */
		__m512i nonce_a = _mm512_slli_epi64(_mm512_add_epi64(b64, off_a), 32);
		__m512i nonce_b = _mm512_slli_epi64(_mm512_add_epi64(b64, off_b), 32);
		__m512i ya[SKEIN512_WORDS], yb[SKEIN512_WORDS], w[16], st[8];

		skein_avx512_skein4(ctx, nonce_a, ya);
		skein_avx512_skein4(ctx, nonce_b, yb);
		skein_avx512_transpose(ya, yb, w);
		skein_avx512_sha256(ctx, w, st);

		/* Pre-check the most significant word of the hash: bswap of state word 7. */
		__m512i top = skein_avx512_bswap32(st[7]);
		unsigned mask = _mm512_cmple_epu32_mask(top, target_top);
		if (mask) {
			uint32_t words[8][SKEIN_AVX512_LANES];
			for (unsigned i = 0; i < 8; i++)
				_mm512_storeu_si512((__m512i *)words[i], st[i]);
			for (unsigned k = 0; k < SKEIN_AVX512_LANES && k <= span; k++) {
				uint32_t lane[8];
				uint8_t hash[HASH_LEN];
				if (!(mask >> k & 1))
					continue;
				for (unsigned i = 0; i < 8; i++)
					lane[i] = words[i][k];
				sha256_state_store(lane, hash);
				if (hash_le_target(hash, target) && n < max_hits)
					hits[n++] = base + k;
			}
		}
		if (span < SKEIN_AVX512_LANES)
			break;
	}
	return n;
}
