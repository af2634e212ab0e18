/* SPDX-License-Identifier: MIT */
#ifndef QM_SHA256_LANES_H
#define QM_SHA256_LANES_H

/*
 * Word-sliced SHA-256 (FIPS 180-4 §4.1.2, §6.2.2) for the SIMD scans: a VEC
 * holds one state or message word of VLANES32 independent messages, one per
 * 32-bit lane. Written once in the vocabulary of vec_<isa>.h, which the
 * including file (compiled for that ISA) includes first; everything here is
 * a macro or static inline, so each ISA file gets its own copy and nothing
 * wide reaches baseline code (style.md §1).
 */
#include "sha256.h"

/* §4.1.2 (4.4)..(4.7). */
static inline VEC sha256_lanes_bsig0(VEC x)
{
	return VXOR3(VROR32(x, 2), VROR32(x, 13), VROR32(x, 22));
}

static inline VEC sha256_lanes_bsig1(VEC x)
{
	return VXOR3(VROR32(x, 6), VROR32(x, 11), VROR32(x, 25));
}

static inline VEC sha256_lanes_ssig0(VEC x)
{
	return VXOR3(VROR32(x, 7), VROR32(x, 18), VSRL32(x, 3));
}

static inline VEC sha256_lanes_ssig1(VEC x)
{
	return VXOR3(VROR32(x, 17), VROR32(x, 19), VSRL32(x, 10));
}

static inline VEC sha256_lanes_add3(VEC x, VEC y, VEC z)
{
	return VADD32(VADD32(x, y), z);
}

/* K[t] in every lane. */
static inline VEC sha256_lanes_k(unsigned t)
{
	return VSET1(sha256_k[t]);
}

/* §6.2.2 step 1: W[t] from W[t - 2], W[t - 7], W[t - 15] and W[t - 16]. */
static inline VEC sha256_lanes_w(VEC w2, VEC w7, VEC w15, VEC w16)
{
	return VADD32(sha256_lanes_add3(sha256_lanes_ssig1(w2), w7, sha256_lanes_ssig0(w15)), w16);
}

/*
 * One round (§6.2.2 step 3) on a..h with kw = K[t] + W[t]: only d and h
 * change (d += T1, h = T1 + T2); the caller rotates the names instead of
 * moving the words.
 */
#define SHA256_LANES_RND(a, b, c, d, e, f, g, h, kw)                                          \
	do {                                                                                  \
		VEC t1_ = sha256_lanes_add3(VADD32(h, (kw)), VCH(e, f, g),                    \
					    sha256_lanes_bsig1(e));                           \
		d = VADD32(d, t1_);                                                           \
		h = VADD32(t1_, VADD32(sha256_lanes_bsig0(a), VMAJ(a, b, c)));                \
	} while (0)

/*
 * The state words are passed as one macro argument s that expands to their
 * eight names as in round 0 (SHA256_LANES_S for an array): named words, not
 * an array, keep GCC's schedule of the sha256d scan as it was measured.
 */
#define SHA256_LANES_S(st) (st)[0], (st)[1], (st)[2], (st)[3], (st)[4], (st)[5], (st)[6], (st)[7]

/* Round t with t % 8 == i (a literal) on the state words s. */
#define SHA256_LANES_ROUND(i, s, kw) SHA256_LANES_ROUND_(i, s, kw)
#define SHA256_LANES_ROUND_(i, a, b, c, d, e, f, g, h, kw)                                    \
	SHA256_LANES_R##i(a, b, c, d, e, f, g, h, kw)
#define SHA256_LANES_R0(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(a, b, c, d, e, f, g, h, kw)
#define SHA256_LANES_R1(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(h, a, b, c, d, e, f, g, kw)
#define SHA256_LANES_R2(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(g, h, a, b, c, d, e, f, kw)
#define SHA256_LANES_R3(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(f, g, h, a, b, c, d, e, kw)
#define SHA256_LANES_R4(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(e, f, g, h, a, b, c, d, kw)
#define SHA256_LANES_R5(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(d, e, f, g, h, a, b, c, kw)
#define SHA256_LANES_R6(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(c, d, e, f, g, h, a, b, kw)
#define SHA256_LANES_R7(a, b, c, d, e, f, g, h, kw) SHA256_LANES_RND(b, c, d, e, f, g, h, a, kw)

/* Rounds t..t+7 (t % 8 == 0) on the state words s, KW(o + j) being K[t + j] + W[t + j]. */
#define SHA256_LANES_ROUNDS8(s, KW, o) SHA256_LANES_ROUNDS8_(s, KW, o)
#define SHA256_LANES_ROUNDS8_(a, b, c, d, e, f, g, h, KW, o)                                  \
	do {                                                                                  \
		SHA256_LANES_R0(a, b, c, d, e, f, g, h, KW((o) + 0));                         \
		SHA256_LANES_R1(a, b, c, d, e, f, g, h, KW((o) + 1));                         \
		SHA256_LANES_R2(a, b, c, d, e, f, g, h, KW((o) + 2));                         \
		SHA256_LANES_R3(a, b, c, d, e, f, g, h, KW((o) + 3));                         \
		SHA256_LANES_R4(a, b, c, d, e, f, g, h, KW((o) + 4));                         \
		SHA256_LANES_R5(a, b, c, d, e, f, g, h, KW((o) + 5));                         \
		SHA256_LANES_R6(a, b, c, d, e, f, g, h, KW((o) + 6));                         \
		SHA256_LANES_R7(a, b, c, d, e, f, g, h, KW((o) + 7));                         \
	} while (0)

/* K[t + j] + W[t + j] with w[0..15] the schedule words t..t+15 (in sha256_lanes_compress). */
#define SHA256_LANES_KW16(j) VADD32(w[j], sha256_lanes_k(t + (j)))

/*
 * The compression function (§6.2.2): st += the 64 rounds on st for the
 * message block[0..15] (big-endian words). The schedule is extended in a
 * copy, sixteen words at a time.
 */
static inline void sha256_lanes_compress(VEC st[8], const VEC block[16])
{
	VEC s[8], w[16];

	for (unsigned i = 0; i < 8; i++)
		s[i] = st[i];
	for (unsigned j = 0; j < 16; j++)
		w[j] = block[j];
	for (unsigned t = 0; t < 64; t += 16) {
		if (t) {
#pragma GCC unroll 16
			for (unsigned j = 0; j < 16; j++)
				w[j] = sha256_lanes_w(w[(j + 14) % 16], w[(j + 9) % 16],
						      w[(j + 1) % 16], w[j]);
		}
		SHA256_LANES_ROUNDS8(SHA256_LANES_S(s), SHA256_LANES_KW16, 0);
		SHA256_LANES_ROUNDS8(SHA256_LANES_S(s), SHA256_LANES_KW16, 8);
	}
	for (unsigned i = 0; i < 8; i++)
		st[i] = VADD32(st[i], s[i]);
}

#endif
