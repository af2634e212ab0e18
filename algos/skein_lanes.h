/* SPDX-License-Identifier: MIT */
#ifndef QM_SKEIN_LANES_H
#define QM_SKEIN_LANES_H

/*
 * Skein scan on VLANES32 nonces per step, written once for skein_avx2.c and
 * skein_avx512.c in the vocabulary of vec_<isa>.h, which they include first.
 * Threefish-512 runs on two groups of VLANES32 / 2 64-bit lanes; the 64-byte
 * Skein outputs of both groups are then transposed into VLANES32 32-bit
 * lanes for one word-sliced SHA-256 (sha256_lanes.h). Everything here is
 * static inline (style.md §1).
 */
#include "skein.h"

#include "endian.h"
#include "lane_walk.h"
#include "sha256.h"
#include "sha256_lanes.h"

#define SKEIN_LANES_MIX(a, b, r)                                                                   \
	do {                                                                                       \
		a = VADD64(a, b);                                                                  \
		b = VXOR(VROL64(b, r), a);                                                         \
	} while (0)

#define SKEIN_LANES_ROUNDS8(x, subkey, s)                                                          \
	do {                                                                                       \
		SKEIN512_ROUNDS4(SKEIN_LANES_MIX, x, SKEIN512_R0, SKEIN512_R1, SKEIN512_R2,        \
				 SKEIN512_R3);                                                     \
		subkey(x, s);                                                                      \
		SKEIN512_ROUNDS4(SKEIN_LANES_MIX, x, SKEIN512_R4, SKEIN512_R5, SKEIN512_R6,        \
				 SKEIN512_R7);                                                     \
		subkey(x, (s) + 1);                                                                \
	} while (0)

/*
 * Rounds 1..72 as a loop of nine: unrolled, the two blocks of both groups
 * were ~9000 instructions, more than the op cache holds, and the scan ran
 * at the decoders' pace.
 */
#define SKEIN_LANES_72ROUNDS(x, subkey)                                                            \
	do {                                                                                       \
		_Pragma("GCC unroll 1") for (unsigned s_ = 1; s_ < 19; s_ += 2)                    \
			SKEIN_LANES_ROUNDS8(x, subkey, s_);                                        \
	} while (0)

/* Second message block: the per-job subkeys ctx->ks, the same in every lane. */
#define SKEIN_LANES_SUBKEY_MSG(x, s)                                                               \
	do {                                                                                       \
		_Pragma("GCC unroll 8") for (unsigned i_ = 0; i_ < SKEIN512_WORDS; i_++)           \
			x[i_] = VADD64(x[i_], VSET1_64(ks[s][i_]));                                \
	} while (0)

/*
 * Output block: the key k[0..8] is each lane's chaining value and its parity
 * word, stored twice over (kk[i] = kk[i + 9] = k[i]) so that subkey s reads
 * kk[s % 9 + i]; tw holds the tweak words t_0, t_1, t_2 twice over
 * (t_0 = position 8, t_1 = Out | First | Final).
 */
#define SKEIN_LANES_SUBKEY_OUT(x, s)                                                               \
	do {                                                                                       \
		const VEC *k_ = kk + (s) % 9;                                                      \
		const VEC *t_ = tw + (s) % 3;                                                      \
		_Pragma("GCC unroll 8") for (unsigned i_ = 0; i_ < SKEIN512_WORDS; i_++)           \
			x[i_] = VADD64(x[i_], k_[i_]);                                             \
		x[5] = VADD64(x[5], t_[0]);                                                        \
		x[6] = VADD64(x[6], t_[1]);                                                        \
		x[7] = VADD64(x[7], VSET1_64(s));                                                  \
	} while (0)

/*
 * Skein-512-512 of VLANES32 / 2 headers that differ only in the nonce:
 * nonce_hi holds each lane's nonce in its high 32 bits (header bytes 76..79
 * are the high half of word 1 of the second block). y gets the 64-byte
 * outputs.
 */
static inline void skein_lanes_skein512(const struct skein_ctx *ctx, VEC nonce_hi,
					VEC y[SKEIN512_WORDS])
{
	const uint64_t(*ks)[SKEIN512_WORDS] = ctx->ks;
	const uint64_t t0 = SKEIN_OUT_POS, t1 = SKEIN_OUT_T1;
	const VEC tw[6] = { VSET1_64(t0), VSET1_64(t1), VSET1_64(t0 ^ t1),
			    VSET1_64(t0), VSET1_64(t1), VSET1_64(t0 ^ t1) };
	VEC x[SKEIN512_WORDS], kk[18];
	VEC m1 = VOR(VSET1_64(ctx->m1), nonce_hi);

	/* Second block: m = (m0, m1, 0, ..., 0) plus subkey 0. */
	x[0] = VSET1_64(ctx->m0 + ks[0][0]);
	x[1] = VADD64(m1, VSET1_64(ks[0][1]));
	for (unsigned i = 2; i < SKEIN512_WORDS; i++)
		x[i] = VSET1_64(ks[0][i]);
	SKEIN_LANES_72ROUNDS(x, SKEIN_LANES_SUBKEY_MSG);
	/* UBI feed-forward: the chaining value is x xor m. */
	x[0] = VXOR(x[0], VSET1_64(ctx->m0));
	x[1] = VXOR(x[1], m1);

	/* Output block: message zero, so it starts as subkey 0 and needs no feed-forward. */
	kk[8] = VSET1_64(SKEIN512_C240);
	for (unsigned i = 0; i < SKEIN512_WORDS; i++) {
		kk[i] = x[i];
		kk[8] = VXOR(kk[8], x[i]);
		y[i] = x[i];
	}
	for (unsigned i = 0; i < 9; i++)
		kk[9 + i] = kk[i];
	y[5] = VADD64(y[5], tw[0]);
	y[6] = VADD64(y[6], tw[1]);
	SKEIN_LANES_72ROUNDS(y, SKEIN_LANES_SUBKEY_OUT);
}

/* K[t + j] + W[t + j] of the padding block, from the context. */
#define SKEIN_LANES_KW_PAD(j) VSET1(ctx->sha_pad_wk[t + (j)])

/*
 * SHA-256 of one 64-byte message per lane, w[0..15] its big-endian words,
 * into st: the message block, then the fixed padding block whose K + W the
 * context holds.
 */
static inline void skein_lanes_sha256(const struct skein_ctx *ctx, const VEC w[16], VEC st[8])
{
	VEC s[8];

	for (unsigned i = 0; i < 8; i++)
		st[i] = VSET1(sha256_iv[i]);
	sha256_lanes_compress(st, w);
	for (unsigned i = 0; i < 8; i++)
		s[i] = st[i];
	for (unsigned t = 0; t < 64; t += 8)
		SHA256_LANES_ROUNDS8(SHA256_LANES_S(s), SKEIN_LANES_KW_PAD, 0);
	for (unsigned i = 0; i < 8; i++)
		st[i] = VADD32(st[i], s[i]);
}

/*
 * The SHA-256 message words of the lanes' Skein outputs: word 2j is the low
 * and word 2j + 1 the high half of 64-bit word j, byte-swapped because
 * Skein writes words little-endian and SHA-256 reads them big-endian (FIPS
 * 180-4 §3.1). shufps takes, per 128 bits, lanes a0 a1 of ya then b0 b1 of
 * yb: the lane order the scan's nonce offsets expect.
 */
static inline void skein_lanes_transpose(const VEC ya[SKEIN512_WORDS],
					 const VEC yb[SKEIN512_WORDS], VEC w[16])
{
	for (unsigned j = 0; j < SKEIN512_WORDS; j++) {
		w[2 * j] = VBSWAP32(VSHUFPS(ya[j], yb[j], 0x88));
		w[2 * j + 1] = VBSWAP32(VSHUFPS(ya[j], yb[j], 0xdd));
	}
}

/* The scan (algo_scan_fn) of the including ISA file. */
static inline unsigned skein_lanes_scan(void *vctx, const uint8_t target[HASH_LEN],
					uint32_t first, uint32_t last, uint32_t *hits,
					unsigned max_hits)
{
	const struct skein_ctx *ctx = vctx;
	const VEC target_top = VSET1(le32_load(target + 28));
	/*
	 * Lane offsets of the two Threefish groups. The transpose puts 64-bit
	 * lanes a0 a1 b0 b1 a2 a3 b2 b3 ... into SHA-256 lanes 0, 1, 2, ..., so
	 * 64-bit lane i of group a takes nonce + 4 (i / 2) + i % 2 (+0 +1 +4
	 * +5 ...), and group b the same + 2.
	 */
	const VEC iota = VIOTA64();
	const VEC off_a = VOR(VSLL64(VSRL64(iota, 1), 2), VAND(iota, VSET1_64(1)));
	const VEC off_b = VADD64(off_a, VSET1_64(2));
	unsigned n = 0;

	struct lane_walk lw = lane_walk_begin(first, last);
	do {
		VEC b64 = VSET1_64(lw.base);
		/* (base + off) << 32 drops the carry out of bit 31: nonces wrap mod 2^32. */
		VEC nonce_a = VSLL64(VADD64(b64, off_a), 32);
		VEC nonce_b = VSLL64(VADD64(b64, off_b), 32);
		VEC ya[SKEIN512_WORDS], yb[SKEIN512_WORDS], w[16], st[8];

		skein_lanes_skein512(ctx, nonce_a, ya);
		skein_lanes_skein512(ctx, nonce_b, yb);
		skein_lanes_transpose(ya, yb, w);
		skein_lanes_sha256(ctx, w, st);

		/* Pre-check the most significant word of the hash: bswap of state word 7. */
		unsigned mask = VCMPLEU32(VBSWAP32(st[7]), target_top) &
				lane_walk_mask(&lw, VLANES32);
		if (mask) {
			uint32_t words[8][VLANES32];
			for (unsigned i = 0; i < 8; i++)
				VSTOREU(words[i], st[i]);
			for (unsigned k = 0; k < VLANES32; k++) {
				uint32_t lane[8];
				uint8_t hash[HASH_LEN];
				if (!(mask >> k & 1))
					continue;
				for (unsigned i = 0; i < 8; i++)
					lane[i] = words[i][k];
				sha256_state_store(lane, hash);
				if (hash_le_target(hash, target) && n < max_hits)
					hits[n++] = lw.base + k;
			}
		}
	} while (lane_walk_next(&lw, VLANES32));
	return n;
}

#endif
