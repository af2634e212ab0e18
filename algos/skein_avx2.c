/* SPDX-License-Identifier: MIT */
/*
 * Skein scan, AVX2: 8 nonces per step. Threefish-512 runs on two groups of
 * four 64-bit lanes; the 64-byte Skein outputs of both groups are then
 * transposed into eight 32-bit lanes for one lane-wise SHA-256.
 */
#include "skein.h"

#include <immintrin.h>

#include "endian.h"
#include "sha256.h"

enum { SKEIN_AVX2_LANES = 8 };

/* Byte i of a 128-bit shuffle that rotates each 64-bit half left by r bytes. */
#define SKEIN_AVX2_ROTB(i, r) ((i) / 8 * 8 + (((i) - (r)) & 7))

/* Rotate each 64-bit lane left by r: one byte shuffle when r is a multiple of 8. */
static inline __m256i skein_avx2_rotl64(__m256i x, const int r)
{
	if (r % 8 == 0) {
		const int b = r / 8;
		const __m128i idx = _mm_setr_epi8(
			SKEIN_AVX2_ROTB(0, b), SKEIN_AVX2_ROTB(1, b), SKEIN_AVX2_ROTB(2, b),
			SKEIN_AVX2_ROTB(3, b), SKEIN_AVX2_ROTB(4, b), SKEIN_AVX2_ROTB(5, b),
			SKEIN_AVX2_ROTB(6, b), SKEIN_AVX2_ROTB(7, b), SKEIN_AVX2_ROTB(8, b),
			SKEIN_AVX2_ROTB(9, b), SKEIN_AVX2_ROTB(10, b), SKEIN_AVX2_ROTB(11, b),
			SKEIN_AVX2_ROTB(12, b), SKEIN_AVX2_ROTB(13, b), SKEIN_AVX2_ROTB(14, b),
			SKEIN_AVX2_ROTB(15, b));
		return _mm256_shuffle_epi8(x, _mm256_broadcastsi128_si256(idx));
	}
	return _mm256_or_si256(_mm256_slli_epi64(x, r), _mm256_srli_epi64(x, 64 - r));
}

#define SKEIN_AVX2_MIX(a, b, r)                                                                    \
	do {                                                                                       \
		a = _mm256_add_epi64(a, b);                                                        \
		b = _mm256_xor_si256(skein_avx2_rotl64(b, r), a);                                  \
	} while (0)

#define SKEIN_AVX2_ROUNDS8(x, subkey, s)                                                           \
	do {                                                                                       \
		SKEIN512_ROUNDS4(SKEIN_AVX2_MIX, x, SKEIN512_R0, SKEIN512_R1, SKEIN512_R2,         \
				 SKEIN512_R3);                                                     \
		subkey(x, s);                                                                      \
		SKEIN512_ROUNDS4(SKEIN_AVX2_MIX, x, SKEIN512_R4, SKEIN512_R5, SKEIN512_R6,         \
				 SKEIN512_R7);                                                     \
		subkey(x, (s) + 1);                                                                \
	} while (0)

#define SKEIN_AVX2_72ROUNDS(x, subkey)                                                             \
	do {                                                                                       \
		SKEIN_AVX2_ROUNDS8(x, subkey, 1);                                                  \
		SKEIN_AVX2_ROUNDS8(x, subkey, 3);                                                  \
		SKEIN_AVX2_ROUNDS8(x, subkey, 5);                                                  \
		SKEIN_AVX2_ROUNDS8(x, subkey, 7);                                                  \
		SKEIN_AVX2_ROUNDS8(x, subkey, 9);                                                  \
		SKEIN_AVX2_ROUNDS8(x, subkey, 11);                                                 \
		SKEIN_AVX2_ROUNDS8(x, subkey, 13);                                                 \
		SKEIN_AVX2_ROUNDS8(x, subkey, 15);                                                 \
		SKEIN_AVX2_ROUNDS8(x, subkey, 17);                                                 \
	} while (0)

/* Second message block: the per-job subkeys ctx->ks, the same in every lane. */
#define SKEIN_AVX2_SUBKEY_MSG(x, s)                                                                \
	do {                                                                                       \
		for (unsigned i_ = 0; i_ < SKEIN512_WORDS; i_++)                                   \
			x[i_] = _mm256_add_epi64(x[i_], _mm256_set1_epi64x((long long)ks[s][i_])); \
	} while (0)

/* Tweak word i of the output block: t_0 = position 8, t_1 = Out | First | Final. */
static inline __m256i skein_avx2_out_tweak(unsigned i)
{
	const uint64_t t0 = SKEIN_OUT_POS, t1 = SKEIN_OUT_T1;

	return _mm256_set1_epi64x((long long)(i == 0 ? t0 : i == 1 ? t1 : t0 ^ t1));
}

/* Output block: the key k[0..8] is each lane's chaining value and its parity word. */
#define SKEIN_AVX2_SUBKEY_OUT(x, s)                                                                \
	do {                                                                                       \
		for (unsigned i_ = 0; i_ < SKEIN512_WORDS; i_++)                                   \
			x[i_] = _mm256_add_epi64(x[i_], k[((s) + i_) % 9]);                        \
		x[5] = _mm256_add_epi64(x[5], skein_avx2_out_tweak((s) % 3));                      \
		x[6] = _mm256_add_epi64(x[6], skein_avx2_out_tweak(((s) + 1) % 3));                \
		x[7] = _mm256_add_epi64(x[7], _mm256_set1_epi64x(s));                              \
	} while (0)

/*
 * Skein-512-512 of four headers that differ only in the nonce: nonce_hi
 * holds each lane's nonce in its high 32 bits (header bytes 76..79 are the
 * high half of word 1 of the second block). y gets the 64-byte outputs.
 */
static inline void skein_avx2_skein4(const struct skein_ctx *ctx, __m256i nonce_hi,
				     __m256i y[SKEIN512_WORDS])
{
	const uint64_t(*ks)[SKEIN512_WORDS] = ctx->ks;
	__m256i x[SKEIN512_WORDS], k[9];
	__m256i m1 = _mm256_or_si256(_mm256_set1_epi64x((long long)ctx->m1), nonce_hi);

	/* Second block: m = (m0, m1, 0, ..., 0) plus subkey 0. */
	x[0] = _mm256_set1_epi64x((long long)(ctx->m0 + ks[0][0]));
	x[1] = _mm256_add_epi64(m1, _mm256_set1_epi64x((long long)ks[0][1]));
	for (unsigned i = 2; i < SKEIN512_WORDS; i++)
		x[i] = _mm256_set1_epi64x((long long)ks[0][i]);
	SKEIN_AVX2_72ROUNDS(x, SKEIN_AVX2_SUBKEY_MSG);
	/* UBI feed-forward: the chaining value is x xor m. */
	x[0] = _mm256_xor_si256(x[0], _mm256_set1_epi64x((long long)ctx->m0));
	x[1] = _mm256_xor_si256(x[1], m1);

	/* Output block: message zero, so it starts as subkey 0 and needs no feed-forward. */
	k[8] = _mm256_set1_epi64x((long long)SKEIN512_C240);
	for (unsigned i = 0; i < SKEIN512_WORDS; i++) {
		k[i] = x[i];
		k[8] = _mm256_xor_si256(k[8], x[i]);
		y[i] = x[i];
	}
	y[5] = _mm256_add_epi64(y[5], skein_avx2_out_tweak(0));
	y[6] = _mm256_add_epi64(y[6], skein_avx2_out_tweak(1));
	SKEIN_AVX2_72ROUNDS(y, SKEIN_AVX2_SUBKEY_OUT);
}

/* SHA-256 on eight 32-bit lanes (FIPS 180-4 §4.1.2, §6.2.2). */
#define SKEIN_AVX2_ADD(a, b) _mm256_add_epi32(a, b)
#define SKEIN_AVX2_XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256(a, b), c)
#define SKEIN_AVX2_ROTR32(x, r)                                                                    \
	_mm256_or_si256(_mm256_srli_epi32(x, r), _mm256_slli_epi32(x, 32 - (r)))
/* Ch(e, f, g) = g ^ (e & (f ^ g)); Maj(a, b, c) = (a & b) | (c & (a | b)). */
#define SKEIN_AVX2_CH(e, f, g) _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g)))
#define SKEIN_AVX2_MAJ(a, b, c)                                                                    \
	_mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)))

static inline __m256i skein_avx2_bswap32(__m256i x)
{
	const __m128i idx = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);

	return _mm256_shuffle_epi8(x, _mm256_broadcastsi128_si256(idx));
}

/* Round t: T1 = h + S1(e) + Ch(e, f, g) + K[t] + W[t] (kw), T2 = S0(a) + Maj(a, b, c). */
#define SKEIN_AVX2_SHA_ROUND(a, b, c, d, e, f, g, h, kw)                                           \
	do {                                                                                       \
		__m256i s1_ = SKEIN_AVX2_XOR3(SKEIN_AVX2_ROTR32(e, 6), SKEIN_AVX2_ROTR32(e, 11),   \
					      SKEIN_AVX2_ROTR32(e, 25));                           \
		__m256i s0_ = SKEIN_AVX2_XOR3(SKEIN_AVX2_ROTR32(a, 2), SKEIN_AVX2_ROTR32(a, 13),   \
					      SKEIN_AVX2_ROTR32(a, 22));                           \
		__m256i t1_ = SKEIN_AVX2_ADD(SKEIN_AVX2_ADD(h, s1_),                               \
					     SKEIN_AVX2_ADD(SKEIN_AVX2_CH(e, f, g), kw));          \
		d = SKEIN_AVX2_ADD(d, t1_);                                                        \
		h = SKEIN_AVX2_ADD(t1_, SKEIN_AVX2_ADD(s0_, SKEIN_AVX2_MAJ(a, b, c)));             \
	} while (0)

/* Eight rounds; KW(j) is K[t + j] + W[t + j] for j = o..o+7 (§6.2.2 step 3). */
#define SKEIN_AVX2_SHA_ROUNDS8(s, KW, o)                                                           \
	do {                                                                                       \
		SKEIN_AVX2_SHA_ROUND(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], KW((o) + 0)); \
		SKEIN_AVX2_SHA_ROUND(s[7], s[0], s[1], s[2], s[3], s[4], s[5], s[6], KW((o) + 1)); \
		SKEIN_AVX2_SHA_ROUND(s[6], s[7], s[0], s[1], s[2], s[3], s[4], s[5], KW((o) + 2)); \
		SKEIN_AVX2_SHA_ROUND(s[5], s[6], s[7], s[0], s[1], s[2], s[3], s[4], KW((o) + 3)); \
		SKEIN_AVX2_SHA_ROUND(s[4], s[5], s[6], s[7], s[0], s[1], s[2], s[3], KW((o) + 4)); \
		SKEIN_AVX2_SHA_ROUND(s[3], s[4], s[5], s[6], s[7], s[0], s[1], s[2], KW((o) + 5)); \
		SKEIN_AVX2_SHA_ROUND(s[2], s[3], s[4], s[5], s[6], s[7], s[0], s[1], KW((o) + 6)); \
		SKEIN_AVX2_SHA_ROUND(s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[0], KW((o) + 7)); \
	} while (0)

/* The next sixteen message words W[t..t+15] from W[t-16..t-1], in place (§6.2.2 step 1). */
static inline void skein_avx2_sha256_expand(__m256i w[16])
{
	for (unsigned j = 0; j < 16; j++) {
		__m256i x = w[(j + 1) & 15], y = w[(j + 14) & 15];
		__m256i s0 = SKEIN_AVX2_XOR3(SKEIN_AVX2_ROTR32(x, 7), SKEIN_AVX2_ROTR32(x, 18),
					     _mm256_srli_epi32(x, 3));
		__m256i s1 = SKEIN_AVX2_XOR3(SKEIN_AVX2_ROTR32(y, 17), SKEIN_AVX2_ROTR32(y, 19),
					     _mm256_srli_epi32(y, 10));

		w[j] = SKEIN_AVX2_ADD(SKEIN_AVX2_ADD(s1, w[(j + 9) & 15]),
				      SKEIN_AVX2_ADD(s0, w[j]));
	}
}

#define SKEIN_AVX2_KW(j) SKEIN_AVX2_ADD(w[j], _mm256_set1_epi32((int)sha256_k[t + (j)]))
#define SKEIN_AVX2_KW_PAD(j) _mm256_set1_epi32((int)ctx->sha_pad_wk[t + (j)])

/*
 * SHA-256 of one 64-byte message per lane, w[0..15] its big-endian words
 * (clobbered), into st: the message block, then the fixed padding block
 * whose K + W the context holds.
 */
static inline void skein_avx2_sha256(const struct skein_ctx *ctx, __m256i w[16], __m256i st[8])
{
	__m256i s[8], mid[8];

	for (unsigned i = 0; i < 8; i++)
		s[i] = _mm256_set1_epi32((int)sha256_iv[i]);
	for (unsigned t = 0; t < 64; t += 16) {
		if (t)
			skein_avx2_sha256_expand(w);
		SKEIN_AVX2_SHA_ROUNDS8(s, SKEIN_AVX2_KW, 0);
		SKEIN_AVX2_SHA_ROUNDS8(s, SKEIN_AVX2_KW, 8);
	}
	for (unsigned i = 0; i < 8; i++) {
		mid[i] = SKEIN_AVX2_ADD(s[i], _mm256_set1_epi32((int)sha256_iv[i]));
		s[i] = mid[i];
	}
	for (unsigned t = 0; t < 64; t += 8)
		SKEIN_AVX2_SHA_ROUNDS8(s, SKEIN_AVX2_KW_PAD, 0);
	for (unsigned i = 0; i < 8; i++)
		st[i] = SKEIN_AVX2_ADD(s[i], mid[i]);
}

/*
 * The SHA-256 message words of the lanes' Skein outputs: word 2j is the low
 * and word 2j + 1 the high half of 64-bit word j, byte-swapped because
 * Skein writes words little-endian and SHA-256 reads them big-endian (FIPS
 * 180-4 §3.1). shuffle_ps takes, per 128 bits, lanes a0 a1 of ya then b0 b1
 * of yb: the lane order the scan's nonce offsets expect.
 */
static inline void skein_avx2_transpose(const __m256i ya[SKEIN512_WORDS],
					const __m256i yb[SKEIN512_WORDS], __m256i w[16])
{
	for (unsigned j = 0; j < SKEIN512_WORDS; j++) {
		__m256 a = _mm256_castsi256_ps(ya[j]), b = _mm256_castsi256_ps(yb[j]);
		__m256i lo = _mm256_castps_si256(_mm256_shuffle_ps(a, b, 0x88));
		__m256i hi = _mm256_castps_si256(_mm256_shuffle_ps(a, b, 0xdd));
		w[2 * j] = skein_avx2_bswap32(lo);
		w[2 * j + 1] = skein_avx2_bswap32(hi);
	}
}

unsigned skein_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first, uint32_t last,
			 uint32_t *hits, unsigned max_hits)
{
	const struct skein_ctx *ctx = vctx;
	const __m256i target_top = _mm256_set1_epi32((int)le32_load(target + 28));
	/*
	 * Lane offsets of the two Threefish groups. The transpose below puts
	 * 64-bit lanes a0 a1 b0 b1 a2 a3 b2 b3 into SHA-256 lanes 0..7, so
	 * group a takes nonces +0 +1 +4 +5 and group b +2 +3 +6 +7.
	 */
	const __m256i off_a = _mm256_setr_epi64x(0, 1, 4, 5);
	const __m256i off_b = _mm256_setr_epi64x(2, 3, 6, 7);
	unsigned n = 0;

	for (uint32_t base = first;; base += SKEIN_AVX2_LANES) {
		/* Lanes k <= span hold nonces in range; the rest are computed and ignored. */
		uint32_t span = last - base;
		__m256i b64 = _mm256_set1_epi64x((long long)base);
		/* (base + off) << 32 drops the carry out of bit 31: nonces wrap mod 2^32. */
		__m256i nonce_a = _mm256_slli_epi64(_mm256_add_epi64(b64, off_a), 32);
		__m256i nonce_b = _mm256_slli_epi64(_mm256_add_epi64(b64, off_b), 32);
		__m256i ya[SKEIN512_WORDS], yb[SKEIN512_WORDS], w[16], st[8];

		skein_avx2_skein4(ctx, nonce_a, ya);
		skein_avx2_skein4(ctx, nonce_b, yb);
		skein_avx2_transpose(ya, yb, w);
		skein_avx2_sha256(ctx, w, st);

		/* Pre-check the most significant word of the hash: bswap of state word 7. */
		__m256i top = skein_avx2_bswap32(st[7]);
		__m256i le = _mm256_cmpeq_epi32(_mm256_max_epu32(top, target_top), target_top);
		unsigned mask = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(le));
		if (mask) {
			uint32_t words[8][SKEIN_AVX2_LANES];
			for (unsigned i = 0; i < 8; i++)
				_mm256_storeu_si256((__m256i *)words[i], st[i]);
			for (unsigned k = 0; k < SKEIN_AVX2_LANES && k <= span; k++) {
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
		if (span < SKEIN_AVX2_LANES)
			break;
	}
	return n;
}
