/* SPDX-License-Identifier: MIT */
/*
 * SHA-256d scan with the SHA extensions (docs/pow.md §3.1): each
 * sha256rnds2 does two FIPS 180-4 §6.2.2 rounds on a state held as ABEF and
 * CDGH, sha256msg1/msg2 extend the schedule four words at a time. The round
 * chain is one long dependency, so SHA256D_SHANI_WAYS nonces are hashed side
 * by side to keep the unit busy. Rounds 0..1 of the header's second block
 * (header words only) are done once per call, and the second hash stops
 * after rounds 60..61: F then holds round 60's new e, which rounds 62..63
 * only move to h, the last state word the pre-check needs.
 */
#include "sha256d.h"

#include <immintrin.h>

#include "endian.h"
#include "lane_walk.h"
#include "sha256.h"

#define SHA256D_SHANI_WAYS 2

/*
 * Per-call constants: states as ABEF/CDGH and the message in groups of four
 * words, W[4g..4g+3] in group g, with FIPS 180-4 §5.1.1 padding.
 */
struct sha256d_shani_pre {
	__m128i mid_abef, mid_cdgh;   /* midstate of header bytes 0..63 */
	__m128i iv_abef, iv_cdgh;
	__m128i r2_abef;              /* ABEF after rounds 0..1 of the second block */
	__m128i wk23;                 /* K2 + W2 in word 0, K3 in word 1 (+ W3 per nonce) */
	__m128i b2_m[4];              /* header's second block, W3 (the nonce) zero */
	__m128i b2_wk[4];             /* b2_m + K */
	__m128i h2_m[4];              /* second hash's block, W0..W7 (the first hash) zero */
	__m128i h2_wk[4];             /* h2_m + K */
};

static inline __m128i sha256d_shani_k(int group)
{
	return _mm_loadu_si128((const __m128i *)(const void *)(sha256_k + 4 * group));
}

/* State words a..h as the ABEF and CDGH operands of sha256rnds2. */
static inline void sha256d_shani_split(const uint32_t s[8], __m128i *abef, __m128i *cdgh)
{
	*abef = _mm_set_epi32((int)s[0], (int)s[1], (int)s[4], (int)s[5]);
	*cdgh = _mm_set_epi32((int)s[2], (int)s[3], (int)s[6], (int)s[7]);
}

static void sha256d_shani_pre_init(struct sha256d_shani_pre *p, const struct sha256d_ctx *ctx)
{
	const uint8_t *tail = ctx->header + 64;

	sha256d_shani_split(ctx->midstate, &p->mid_abef, &p->mid_cdgh);
	sha256d_shani_split(sha256_iv, &p->iv_abef, &p->iv_cdgh);
	/* Padding for 80 bytes and for 32 bytes (FIPS 180-4 §5.1.1). */
	p->b2_m[0] = _mm_set_epi32(0, (int)be32_load(tail + 8), (int)be32_load(tail + 4),
				   (int)be32_load(tail));
	p->b2_m[1] = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
	p->b2_m[2] = _mm_setzero_si128();
	p->b2_m[3] = _mm_set_epi32(HEADER_LEN * 8, 0, 0, 0);
	p->h2_m[0] = p->h2_m[1] = _mm_setzero_si128();
	p->h2_m[2] = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
	p->h2_m[3] = _mm_set_epi32(HASH_LEN * 8, 0, 0, 0);
	for (int g = 0; g < 4; g++) {
		p->b2_wk[g] = _mm_add_epi32(p->b2_m[g], sha256d_shani_k(g));
		p->h2_wk[g] = _mm_add_epi32(p->h2_m[g], sha256d_shani_k(g));
	}
	p->r2_abef = _mm_sha256rnds2_epu32(p->mid_cdgh, p->mid_abef, p->b2_wk[0]);
	p->wk23 = _mm_shuffle_epi32(p->b2_wk[0], 0x0e);
}

/* Statement X(j, s) once per way j. */
#define SHA256D_SHANI_EACH(X, s) X(0, s) X(1, s)

/* Two rounds of way j with K + W in the low half of wk[j]; cdgh takes the new ABEF. */
#define SHA256D_SHANI_RNDS_A(j, s) cdgh[j] = _mm_sha256rnds2_epu32(cdgh[j], abef[j], wk[j]);
/* The next two, with the high half; abef, the old ABEF, is now CDGH and takes the new. */
#define SHA256D_SHANI_RNDS_B(j, s) \
	abef[j] = _mm_sha256rnds2_epu32(abef[j], cdgh[j], _mm_shuffle_epi32(wk[j], 0x0e));
#define SHA256D_SHANI_RNDS4()                               \
	do {                                                \
		SHA256D_SHANI_EACH(SHA256D_SHANI_RNDS_A, 0) \
		SHA256D_SHANI_EACH(SHA256D_SHANI_RNDS_B, 0) \
	} while (0)

/*
 * Schedule words 4g..4g+3 of way j into slot s = g % 4, over W[4g-16..4g-13]
 * (FIPS 180-4 §6.2.2 step 1), and wk[j] = K + W for them; k holds K.
 */
#define SHA256D_SHANI_SCHED(j, s)                                                            \
	m[j][s] = _mm_sha256msg2_epu32(                                                      \
		_mm_add_epi32(_mm_sha256msg1_epu32(m[j][s], m[j][((s) + 1) & 3]),            \
			      _mm_alignr_epi8(m[j][((s) + 3) & 3], m[j][((s) + 2) & 3], 4)), \
		m[j][((s) + 3) & 3]);                                                        \
	wk[j] = _mm_add_epi32(m[j][s], k);

/* Rounds 4g..4g+3 (g % 4 == s) with the schedule. */
#define SHA256D_SHANI_GROUP(g, s)                          \
	do {                                               \
		__m128i k = sha256d_shani_k(g);            \
		SHA256D_SHANI_EACH(SHA256D_SHANI_SCHED, s) \
		SHA256D_SHANI_RNDS4();                     \
	} while (0)

#define SHA256D_SHANI_WK_CONST(j, s) wk[j] = kw;
#define SHA256D_SHANI_WK_MSG(j, s) wk[j] = _mm_add_epi32(m[j][s], sha256d_shani_k(s));

/* First hash, second block of nonce base + j from round 2 on; W3 = the nonce. */
#define SHA256D_SHANI_B2_START(j, s)                                                        \
	{                                                                                   \
		int w3 = (int)__builtin_bswap32(base + (j));                                \
		m[j][0] = _mm_insert_epi32(p->b2_m[0], w3, 3);                              \
		m[j][1] = p->b2_m[1];                                                       \
		m[j][2] = p->b2_m[2];                                                       \
		m[j][3] = p->b2_m[3];                                                       \
		cdgh[j] = p->r2_abef;                                                       \
		abef[j] = _mm_sha256rnds2_epu32(p->mid_abef, p->r2_abef,                    \
						_mm_add_epi32(p->wk23,                      \
							      _mm_set_epi32(0, 0, w3, 0))); \
	}

/* Feed-forward, then the first hash a..h as the second hash's W0..W3, W4..W7. */
#define SHA256D_SHANI_H2_START(j, s)                                                   \
	{                                                                              \
		__m128i x_abef = _mm_add_epi32(abef[j], p->mid_abef);                  \
		__m128i x_cdgh = _mm_add_epi32(cdgh[j], p->mid_cdgh);                  \
		m[j][0] = _mm_shuffle_epi32(_mm_unpackhi_epi64(x_cdgh, x_abef), 0x1b); \
		m[j][1] = _mm_shuffle_epi32(_mm_unpacklo_epi64(x_cdgh, x_abef), 0x1b); \
		m[j][2] = p->h2_m[2];                                                  \
		m[j][3] = p->h2_m[3];                                                  \
		abef[j] = p->iv_abef;                                                  \
		cdgh[j] = p->iv_cdgh;                                                  \
	}

/*
 * SHA-256d of nonces base..base+WAYS-1 as far as word 7 of the second hash;
 * returns the ways whose hash's most significant 32 bits (that word
 * byte-swapped) are <= target_top, as a bit mask.
 */
static inline unsigned sha256d_shani_ways(const struct sha256d_shani_pre *p, uint32_t base,
					   uint32_t target_top)
{
	__m128i abef[SHA256D_SHANI_WAYS], cdgh[SHA256D_SHANI_WAYS];
	__m128i m[SHA256D_SHANI_WAYS][4], wk[SHA256D_SHANI_WAYS];
	unsigned mask = 0;

	SHA256D_SHANI_EACH(SHA256D_SHANI_B2_START, 0)
	for (int g = 1; g < 4; g++) {
		__m128i kw = p->b2_wk[g];

		SHA256D_SHANI_EACH(SHA256D_SHANI_WK_CONST, 0)
		SHA256D_SHANI_RNDS4();
	}
	for (int g = 4; g < 16; g += 4) {
		SHA256D_SHANI_GROUP(g, 0);
		SHA256D_SHANI_GROUP(g + 1, 1);
		SHA256D_SHANI_GROUP(g + 2, 2);
		SHA256D_SHANI_GROUP(g + 3, 3);
	}

	SHA256D_SHANI_EACH(SHA256D_SHANI_H2_START, 0)
	SHA256D_SHANI_EACH(SHA256D_SHANI_WK_MSG, 0)
	SHA256D_SHANI_RNDS4();
	SHA256D_SHANI_EACH(SHA256D_SHANI_WK_MSG, 1)
	SHA256D_SHANI_RNDS4();
	for (int g = 2; g < 4; g++) {
		__m128i kw = p->h2_wk[g];

		SHA256D_SHANI_EACH(SHA256D_SHANI_WK_CONST, 0)
		SHA256D_SHANI_RNDS4();
	}
	for (int g = 4; g < 12; g += 4) {
		SHA256D_SHANI_GROUP(g, 0);
		SHA256D_SHANI_GROUP(g + 1, 1);
		SHA256D_SHANI_GROUP(g + 2, 2);
		SHA256D_SHANI_GROUP(g + 3, 3);
	}
	SHA256D_SHANI_GROUP(12, 0);
	SHA256D_SHANI_GROUP(13, 1);
	SHA256D_SHANI_GROUP(14, 2);
	{
		__m128i k = sha256d_shani_k(15);

		SHA256D_SHANI_EACH(SHA256D_SHANI_SCHED, 3)
		/* Rounds 60..61 only; the new ABEF lands in cdgh. */
		SHA256D_SHANI_EACH(SHA256D_SHANI_RNDS_A, 0)
	}
	for (int j = 0; j < SHA256D_SHANI_WAYS; j++) {
		/*
		 * F (word 0 of ABEF, now in cdgh) + IV word 7, stored big-endian
		 * in hash bytes 28..31, the top (docs/pow.md §1).
		 */
		uint32_t h7 = (uint32_t)_mm_cvtsi128_si32(cdgh[j]) + sha256_iv[7];

		mask |= (unsigned)(__builtin_bswap32(h7) <= target_top) << j;
	}
	return mask;
}

unsigned sha256d_scan_shani(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct sha256d_ctx *ctx = vctx;
	struct sha256d_shani_pre pre;
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	if (max_hits == 0)
		return 0;
	sha256d_shani_pre_init(&pre, ctx);
	struct lane_walk w = lane_walk_begin(first, last);
	do {
		unsigned mask = sha256d_shani_ways(&pre, w.base, target_top) &
				lane_walk_mask(&w, SHA256D_SHANI_WAYS);

		while (mask) {
			uint32_t nonce = w.base + (uint32_t)__builtin_ctz(mask);

			mask &= mask - 1;
			if (sha256d_check_nonce(ctx, target, nonce)) {
				hits[n++] = nonce;
				if (n == max_hits)
					return n;
			}
		}
	} while (lane_walk_next(&w, SHA256D_SHANI_WAYS));
	return n;
}
