/* SPDX-License-Identifier: MIT */
/*
 * Qubit with four nonces in flight (docs/pow.md §3.4), AVX-512 and VAES.
 * The algorithms are those of the single-lane files, whose comments cite the
 * specifications (luffa.c, cubehash.c, shavite.c, simd.c, echo.c); here every
 * 64-byte value between stages is four 512-bit registers x[0..3], x[c]
 * holding bytes 16c .. 16c+15 of lane l in its 128-bit lane l. A 16-byte chunk
 * is an AES state for SHAvite-3 and ECHO (VAESENC runs the four lanes' blocks
 * at once) and four state words for CubeHash, so those stages need no
 * shuffles between lanes. SIMD-512 runs per lane (simd_avx2.c).
 */
#include "qubit_x4.h"

#include <immintrin.h>

/* Inlined whole: array arguments then stay in registers. */
#define QX4_INLINE static inline __attribute__((always_inline))

/* Register i of x = chunk i of each lane; in[l] / out[l] are the lanes' 64 bytes. */
static inline void x4_transpose(__m512i r[4])
{
	__m512i t0 = _mm512_shuffle_i64x2(r[0], r[1], 0x44);
	__m512i t1 = _mm512_shuffle_i64x2(r[0], r[1], 0xee);
	__m512i t2 = _mm512_shuffle_i64x2(r[2], r[3], 0x44);
	__m512i t3 = _mm512_shuffle_i64x2(r[2], r[3], 0xee);

	r[0] = _mm512_shuffle_i64x2(t0, t2, 0x88);
	r[1] = _mm512_shuffle_i64x2(t0, t2, 0xdd);
	r[2] = _mm512_shuffle_i64x2(t1, t3, 0x88);
	r[3] = _mm512_shuffle_i64x2(t1, t3, 0xdd);
}

static inline void x4_load(const uint8_t in[4][64], __m512i x[4])
{
	for (unsigned l = 0; l < 4; l++)
		x[l] = _mm512_loadu_si512(in[l]);
	x4_transpose(x);
}

static inline void x4_store(const __m512i x[4], uint8_t out[4][64])
{
	__m512i r[4] = { x[0], x[1], x[2], x[3] };

	x4_transpose(r);
	for (unsigned l = 0; l < 4; l++)
		_mm512_storeu_si512(out[l], r[l]);
}

/* The same 16 bytes in every lane. */
static inline __m512i x4_bcast(const void *p)
{
	return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)p));
}

/* ---- CubeHash-512 (cubehash.c): a[q] = x_0jklm, b[q] = x_1jklm for jk = q. ---- */

/*
 * One round on named registers (an array would live in memory); the swaps on
 * j and k are which register a result goes to, those on l and m shuffle
 * within each 128-bit lane (swap2: l, swap1: m).
 */
#define CUBEHASH_X4_ROUND(a0, a1, a2, a3, b0, b1, b2, b3)                                       \
	do {                                                                                    \
		b0 = _mm512_add_epi32(b0, a0);                                                  \
		b1 = _mm512_add_epi32(b1, a1);                                                  \
		b2 = _mm512_add_epi32(b2, a2);                                                  \
		b3 = _mm512_add_epi32(b3, a3);                                                  \
		__m512i t0_ = _mm512_xor_si512(_mm512_rol_epi32(a2, 7), b0);                    \
		__m512i t1_ = _mm512_xor_si512(_mm512_rol_epi32(a3, 7), b1);                    \
		__m512i t2_ = _mm512_xor_si512(_mm512_rol_epi32(a0, 7), b2);                    \
		__m512i t3_ = _mm512_xor_si512(_mm512_rol_epi32(a1, 7), b3);                    \
		b0 = _mm512_add_epi32(_mm512_shuffle_epi32(b0, _MM_PERM_BADC), t0_);            \
		b1 = _mm512_add_epi32(_mm512_shuffle_epi32(b1, _MM_PERM_BADC), t1_);            \
		b2 = _mm512_add_epi32(_mm512_shuffle_epi32(b2, _MM_PERM_BADC), t2_);            \
		b3 = _mm512_add_epi32(_mm512_shuffle_epi32(b3, _MM_PERM_BADC), t3_);            \
		a0 = _mm512_xor_si512(_mm512_rol_epi32(t1_, 11), b0);                           \
		a1 = _mm512_xor_si512(_mm512_rol_epi32(t0_, 11), b1);                           \
		a2 = _mm512_xor_si512(_mm512_rol_epi32(t3_, 11), b2);                           \
		a3 = _mm512_xor_si512(_mm512_rol_epi32(t2_, 11), b3);                           \
		b0 = _mm512_shuffle_epi32(b0, _MM_PERM_CDAB);                                   \
		b1 = _mm512_shuffle_epi32(b1, _MM_PERM_CDAB);                                   \
		b2 = _mm512_shuffle_epi32(b2, _MM_PERM_CDAB);                                   \
		b3 = _mm512_shuffle_epi32(b3, _MM_PERM_CDAB);                                   \
	} while (0)

/*
 * Rounds on two groups of four lanes, interleaved: one round is a chain of
 * eight dependent operations, so a single group leaves most of the vector
 * units idle.
 */
static inline void cubehash_2x4_rounds(__m512i a[4], __m512i b[4], __m512i c[4], __m512i d[4],
				       unsigned rounds)
{
	__m512i a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
	__m512i b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
	__m512i c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
	__m512i d0 = d[0], d1 = d[1], d2 = d[2], d3 = d[3];

	for (unsigned n = 0; n < rounds; n++) {
		CUBEHASH_X4_ROUND(a0, a1, a2, a3, b0, b1, b2, b3);
		CUBEHASH_X4_ROUND(c0, c1, c2, c3, d0, d1, d2, d3);
	}
	a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
	b[0] = b0, b[1] = b1, b[2] = b2, b[3] = b3;
	c[0] = c0, c[1] = c1, c[2] = c2, c[3] = c3;
	d[0] = d0, d[1] = d1, d[2] = d2, d[3] = d3;
}

/* CubeHash16/32-512 of x[g] (64 bytes: two blocks, then the padding block), g = 0, 1. */
static inline void cubehash_2x4(__m512i x[2][4])
{
	__m512i a[2][4], b[2][4];

	for (unsigned g = 0; g < 2; g++) {
		for (unsigned q = 0; q < 4; q++) {
			a[g][q] = x4_bcast(cubehash512_iv + 4 * q);
			b[g][q] = x4_bcast(cubehash512_iv + 16 + 4 * q);
		}
	}
	for (unsigned blk = 0; blk < 2; blk++) {
		for (unsigned g = 0; g < 2; g++) {
			a[g][0] = _mm512_xor_si512(a[g][0], x[g][2 * blk]);
			a[g][1] = _mm512_xor_si512(a[g][1], x[g][2 * blk + 1]);
		}
		cubehash_2x4_rounds(a[0], b[0], a[1], b[1], 16);
	}
	/* Padding block: byte 0x80 into word 0; finalization flips x_11111 (word 31). */
	for (unsigned g = 0; g < 2; g++)
		a[g][0] = _mm512_xor_si512(a[g][0], _mm512_set4_epi32(0, 0, 0, 0x80));
	cubehash_2x4_rounds(a[0], b[0], a[1], b[1], 16);
	for (unsigned g = 0; g < 2; g++)
		b[g][3] = _mm512_xor_si512(b[g][3], _mm512_set4_epi32(1, 0, 0, 0));
	cubehash_2x4_rounds(a[0], b[0], a[1], b[1], 160);
	for (unsigned g = 0; g < 2; g++) {
		for (unsigned q = 0; q < 4; q++)
			x[g][q] = a[g][q];
	}
}

/* ---- SHAvite-3-512 (shavite.c, shavite_aesni.c) ---- */

#define SHAVITE_X4_ROUNDS 14
#define SHAVITE_X4_RK (SHAVITE_X4_ROUNDS * 8)

/*
 * The HAIFA block of a 64-byte message (shavite.c, shavite512_haifa): bytes
 * 64..127 are 0x80, zeros, the bit count 512 at byte 110 (128 bits) and the
 * digest size 512 at byte 126, both little-endian; the counter is 512.
 */
static const uint32_t shavite_x4_pad[4][4] = {
	{ 0x80, 0, 0, 0 },
	{ 0, 0, 0, 0 },
	{ 0, 0, 0, 0x02000000 },
	{ 0, 0, 0, 0x02000000 },
};
static const uint32_t shavite_x4_cnt[4] = { 512, 0, 0, 0 };

static inline __m512i shavite_x4_f4(__m512i x, const __m512i k[4])
{
	const __m512i zero = _mm512_setzero_si512();

	x = _mm512_xor_si512(x, k[0]);
	x = _mm512_aesenc_epi128(x, k[1]);
	x = _mm512_aesenc_epi128(x, k[2]);
	x = _mm512_aesenc_epi128(x, k[3]);
	return _mm512_aesenc_epi128(x, zero);
}

/*
 * The message expansion in blocks of 16 units (128 bits, four words) from
 * unit 8 on: 8 of the nonlinear step, then 8 of the linear step; the last
 * block (units 104..111) has the nonlinear half only. The counter enters
 * after the nonlinear step of four units (shavite512_injects); inj[u] is
 * what unit 8 + u takes, zero for the others, so the expansion can be a
 * loop (unrolled, it was most of the scan's code).
 */
#define SHAVITE_X4_NL_UNITS (SHAVITE_X4_RK - 8)

struct shavite_x4_consts {
	__m512i inj[SHAVITE_X4_NL_UNITS];
};

static void shavite_x4_consts_init(struct shavite_x4_consts *k)
{
	for (unsigned u = 0; u < SHAVITE_X4_NL_UNITS; u++)
		k->inj[u] = _mm512_setzero_si512();
	for (unsigned i = 0; i < SHAVITE512_INJECTS; i++) {
		const unsigned *w = shavite512_injects[i].which;

		k->inj[shavite512_injects[i].word / 4 - 8] =
			_mm512_set4_epi32((int)~shavite_x4_cnt[w[3]], (int)shavite_x4_cnt[w[2]],
					  (int)shavite_x4_cnt[w[1]], (int)shavite_x4_cnt[w[0]]);
	}
}

/*
 * SHAvite-3-512 of x[g] for two groups g of four lanes, interleaved: F' is a
 * chain of four AES rounds and each round waits for the one before.
 */
static inline void shavite_2x4(const struct shavite_x4_consts *k, __m512i x[2][4])
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i rk[2][SHAVITE_X4_RK], p[2][4];

#pragma GCC unroll 2
	for (unsigned g = 0; g < 2; g++) {
#pragma GCC unroll 4
		for (unsigned v = 0; v < 4; v++) {
			rk[g][v] = x[g][v];
			rk[g][v + 4] = x4_bcast(shavite_x4_pad[v]);
		}
	}
#pragma GCC unroll 1
	for (unsigned v0 = 8; v0 < SHAVITE_X4_RK; v0 += 16) {
#pragma GCC unroll 8
		for (unsigned v = v0; v < v0 + 8; v++) {
#pragma GCC unroll 2
			for (unsigned g = 0; g < 2; g++) {
				__m512i t = _mm512_shuffle_epi32(rk[g][v - 8], _MM_SHUFFLE(0, 3, 2, 1));

				rk[g][v] = _mm512_ternarylogic_epi32(_mm512_aesenc_epi128(t, zero),
								     rk[g][v - 1], k->inj[v - 8],
								     0x96);
			}
		}
		if (v0 + 8 == SHAVITE_X4_RK)
			break;
#pragma GCC unroll 8
		for (unsigned v = v0 + 8; v < v0 + 16; v++) {
#pragma GCC unroll 2
			for (unsigned g = 0; g < 2; g++) {
				__m512i w7 = _mm512_alignr_epi8(rk[g][v - 1], rk[g][v - 2], 4);

				rk[g][v] = _mm512_xor_si512(rk[g][v - 8], w7);
			}
		}
	}
#pragma GCC unroll 2
	for (unsigned g = 0; g < 2; g++) {
#pragma GCC unroll 4
		for (unsigned i = 0; i < 4; i++)
			p[g][i] = x4_bcast(shavite512_iv + 4 * i);
	}
#pragma GCC unroll 14
	for (unsigned r = 0; r < SHAVITE_X4_ROUNDS; r++) {
#pragma GCC unroll 2
		for (unsigned g = 0; g < 2; g++) {
			__m512i p3 = p[g][3];

			p[g][0] = _mm512_xor_si512(p[g][0], shavite_x4_f4(p[g][1], rk[g] + 8 * r));
			p[g][2] = _mm512_xor_si512(p[g][2], shavite_x4_f4(p[g][3], rk[g] + 8 * r + 4));
			p[g][3] = p[g][2];
			p[g][2] = p[g][1];
			p[g][1] = p[g][0];
			p[g][0] = p3;
		}
	}
#pragma GCC unroll 2
	for (unsigned g = 0; g < 2; g++) {
#pragma GCC unroll 4
		for (unsigned i = 0; i < 4; i++)
			x[g][i] = _mm512_xor_si512(x4_bcast(shavite512_iv + 4 * i), p[g][i]);
	}
}

/* ---- ECHO-512 (echo.c, echo_aesni.c) ---- */

#define ECHO_X4_ROUNDS 10

/*
 * BIG.MixColumns on one column, rows 0 .. nrows - 1 of the result:
 * b_r = a_r ^ t ^ 2 (a_r ^ a_(r+1)), t = a_0 ^ .. ^ a_3, where 2 x is the
 * multiplication in GF(2^8) modulo the AES polynomial (FIPS-197 §4.2.1,
 * xtime), which GF2P8MULB computes on every byte.
 */
static inline __attribute__((always_inline)) void echo_x4_mix(__m512i a[4], unsigned nrows)
{
	const __m512i two = _mm512_set1_epi8(2);
	__m512i u[4], t;

#pragma GCC unroll 4
	for (unsigned r = 0; r < 4; r++)
		u[r] = _mm512_xor_si512(a[r], a[(r + 1) % 4]);
	t = _mm512_xor_si512(u[0], u[2]);
#pragma GCC unroll 4
	for (unsigned r = 0; r < nrows; r++)
		a[r] = _mm512_ternarylogic_epi32(a[r], t, _mm512_gf2p8mul_epi8(u[r], two), 0x96);
}

/* Word i = row i % 4, column i / 4 of the state; BIG.ShiftRows moves it to this index. */
static inline unsigned echo_x4_shifted(unsigned i)
{
	unsigned r = i % 4, col = i / 4;

	return r + 4 * ((col + 4 - r) % 4);
}

/* The counter key of word i in round `round` (echo.c): 512 + 16 round + i, 64 bits. */
static inline __m512i echo_x4_key(unsigned round, unsigned i)
{
	return _mm512_set4_epi32(0, 0, 0, (int)(512 + 16 * round + i));
}

/*
 * The state words of ECHO-512 over one 64-byte message (echo.h, echo512_with:
 * one compression of the padded block, counter 512 bits): words 0..7 the
 * chaining value, all 512; 8..11 the message; 12..15 the padding 0x80, zeros,
 * the digest size 512 (16 bits at byte 110) and the bit count 512 (at byte
 * 112). Only words 8..11 differ between lanes, so BIG.SubWords and ShiftRows
 * of the first round are per scan for the twelve others (first[], at their
 * shifted index; the entries for words 8..11 are unused).
 */
static const uint32_t echo_x4_pad[4][4] = {
	{ 0x80, 0, 0, 0 },
	{ 0, 0, 0, 0 },
	{ 0, 0, 0, 0x02000000 },
	{ 0x200, 0, 0, 0 },
};

struct echo_x4_consts {
	__m512i first[16];
};

static void echo_x4_consts_init(struct echo_x4_consts *k)
{
	const __m512i zero = _mm512_setzero_si512();

	for (unsigned i = 0; i < 16; i++) {
		__m512i w = i < 8 ? _mm512_set4_epi32(0, 0, 0, 512) : x4_bcast(echo_x4_pad[i % 4]);

		if (i / 4 == 2)
			w = zero;
		w = _mm512_aesenc_epi128(_mm512_aesenc_epi128(w, echo_x4_key(0, i)), zero);
		k->first[echo_x4_shifted(i)] = w;
	}
}

/*
 * ECHO-512 of x (64 bytes a lane); writes the first nchunks 16-byte chunks of
 * the output to x (4: the whole 64 bytes; 2: the 32 bytes of Qubit's PoW
 * hash). Output chunk c is chaining word c ^ state words c and 8 + c (the
 * feed-forward), so the last round needs columns 0 and 2 only, rows below
 * nchunks.
 */
static inline __attribute__((always_inline)) void echo_x4(const struct echo_x4_consts *k,
							  __m512i x[4], unsigned nchunks)
{
	const __m512i zero = _mm512_setzero_si512();
	const __m512i iv = _mm512_set4_epi32(0, 0, 0, 512);
	const __m512i one = _mm512_set4_epi32(0, 0, 0, 1);
	__m512i w[16], key = echo_x4_key(1, 0);

	/* Round 0: the message words through BIG.SubWords, the rest per scan. */
#pragma GCC unroll 16
	for (unsigned i = 0; i < 16; i++)
		w[i] = k->first[i];
#pragma GCC unroll 4
	for (unsigned c = 0; c < 4; c++) {
		unsigned i = 8 + c;

		w[echo_x4_shifted(i)] = _mm512_aesenc_epi128(
			_mm512_aesenc_epi128(x[c], echo_x4_key(0, i)), zero);
	}
#pragma GCC unroll 4
	for (unsigned col = 0; col < 4; col++)
		echo_x4_mix(w + 4 * col, 4);
	/* Rounds 1 .. 8, a loop: the code stays small, the state in registers. */
#pragma GCC unroll 1
	for (unsigned round = 1; round < ECHO_X4_ROUNDS - 1; round++) {
		__m512i s[16];

#pragma GCC unroll 16
		for (unsigned i = 0; i < 16; i++) {
			s[echo_x4_shifted(i)] =
				_mm512_aesenc_epi128(_mm512_aesenc_epi128(w[i], key), zero);
			key = _mm512_add_epi64(key, one);
		}
#pragma GCC unroll 4
		for (unsigned col = 0; col < 4; col++)
			echo_x4_mix(s + 4 * col, 4);
#pragma GCC unroll 16
		for (unsigned i = 0; i < 16; i++)
			w[i] = s[i];
	}
	/* Round 9: columns 0 and 2 (the words that BIG.ShiftRows moves there). */
	{
		__m512i s[2][4];

#pragma GCC unroll 2
		for (unsigned h = 0; h < 2; h++) {
#pragma GCC unroll 4
			for (unsigned r = 0; r < 4; r++) {
				unsigned i = r + 4 * ((2 * h + r) % 4);

				__m512i ki = _mm512_add_epi64(key, _mm512_set4_epi32(0, 0, 0, (int)i));

				s[h][r] = _mm512_aesenc_epi128(_mm512_aesenc_epi128(w[i], ki), zero);
			}
			echo_x4_mix(s[h], nchunks);
		}
#pragma GCC unroll 4
		for (unsigned r = 0; r < nchunks; r++) {
			w[r] = s[0][r];
			w[8 + r] = s[1][r];
		}
	}
#pragma GCC unroll 4
	for (unsigned c = 0; c < nchunks; c++)
		x[c] = _mm512_ternarylogic_epi32(_mm512_xor_si512(iv, x[c]), w[c], w[c + 8], 0x96);
}

/* The two uses, out of line: ECHO's code is large and the scan runs it twice per step. */
static __attribute__((noinline)) void echo_x4_32(const struct echo_x4_consts *k, __m512i x[4])
{
	echo_x4(k, x, 2);
}

static __attribute__((noinline)) void echo_x4_64(const struct echo_x4_consts *k, __m512i x[4])
{
	echo_x4(k, x, 4);
}

/* ---- Luffa-512 (luffa.c) ---- */

/*
 * Word i of chains Q_0..Q_3 is z_i (128-bit lane j = chain j, dword l = lane
 * l); word i of Q_4 is q_i (dword l = lane l). Every step of Q_j is then the
 * same vertical operation on z and q, and MI's chain rotations are valignd.
 * The macros below use GNU C vector operators, valid on both types.
 */
#define LX4_ROLZ(v, n) _mm512_rol_epi32((v), (n))
#define LX4_ROLQ(v, n) _mm_rol_epi32((v), (n))
#define LX4_ROLY(v, n) _mm256_rol_epi32((v), (n))

/* SubCrumb (luffa.c, luffa_sub_crumb) on four named words. */
#define LX4_SUB_CRUMB(a0, a1, a2, a3)                                                          \
	do {                                                                                   \
		__typeof__(a0) o01_ = (a0) | (a1);                                             \
		__typeof__(a0) c_ = ((a1) & (a2)) ^ ((a3) & (o01_ ^ ((a0) & (a2))));          \
		__typeof__(a0) y2_ = ~((a1) ^ (a3) ^ ((a2) & o01_) ^ ((a3) & (a1) & ~(a0)) ^  \
				       ((a2) & (a3)));                                         \
		__typeof__(a0) y3_ = y2_ ^ (a2) ^ (a3) ^ ((a0) & (a3));                        \
		__typeof__(a0) y1_ = (a0) ^ (a3) ^ ((a0) & (a1)) ^ c_;                         \
		(a0) = ~((a0) ^ (a1) ^ c_);                                                    \
		(a1) = y1_;                                                                    \
		(a2) = y2_;                                                                    \
		(a3) = y3_;                                                                    \
	} while (0)

/* MixWord (luffa.c, luffa_mix_word), sigma = 2, 14, 10, 1. */
#define LX4_MIX(l, r, ROL)                                                                        \
	do {                                                                                   \
		(r) ^= (l);                                                                    \
		(l) = ROL(l, 2) ^ (r);                                                         \
		(r) = ROL(r, 14) ^ (l);                                                        \
		(l) = ROL(l, 10) ^ (r);                                                        \
		(r) = ROL(r, 1);                                                               \
	} while (0)

#define LX4_STEP(a, rc0, rc4, ROL)                                                             \
	do {                                                                                   \
		LX4_SUB_CRUMB(a[0], a[1], a[2], a[3]);                                         \
		LX4_SUB_CRUMB(a[5], a[6], a[7], a[4]);                                         \
		LX4_MIX(a[0], a[4], ROL);                                                         \
		LX4_MIX(a[1], a[5], ROL);                                                         \
		LX4_MIX(a[2], a[6], ROL);                                                         \
		LX4_MIX(a[3], a[7], ROL);                                                         \
		a[0] ^= (rc0);                                                                 \
		a[4] ^= (rc4);                                                                 \
	} while (0)

/* Multiplication by x in GF((2^32)^8) (luffa.c, luffa_mul2) on eight named words. */
#define LX4_MUL2(a)                                                                            \
	do {                                                                                   \
		__typeof__(a[0]) t_ = a[7];                                                    \
		a[7] = a[6];                                                                   \
		a[6] = a[5];                                                                   \
		a[5] = a[4];                                                                   \
		a[4] = a[3] ^ t_;                                                              \
		a[3] = a[2] ^ t_;                                                              \
		a[2] = a[1];                                                                   \
		a[1] = a[0] ^ t_;                                                              \
		a[0] = t_;                                                                     \
	} while (0)

/*
 * Per scan: the step constants, and the state after the first MI (message
 * injection) of the last block with the nonce word taken as zero. MI is
 * linear and the nonce is word 3 of the block, which 2^j M puts in word 3 + j
 * of chain j (luffa.c, luffa_mul2: word 3 moves up by one per doubling), so
 * per nonce the first MI is an XOR into z_3..z_6 and q_7.
 */
struct luffa_x4_consts {
	__m512i z_rc[8][2];
	__m256i q_rc[8][2]; /* chain 4 of eight lanes */
	__m512i z_mi[8];
	__m128i q_mi[8];
};

static inline __m512i lx4_per_chain(const uint32_t c[4])
{
	return _mm512_set_epi32((int)c[3], (int)c[3], (int)c[3], (int)c[3], (int)c[2], (int)c[2],
				(int)c[2], (int)c[2], (int)c[1], (int)c[1], (int)c[1], (int)c[1],
				(int)c[0], (int)c[0], (int)c[0], (int)c[0]);
}

/*
 * Q_j on every chain of both groups of four lanes: chains 0..3 of group g in
 * zg, chain 4 of the eight lanes in q. The tweak rotates a_4..a_7 of chain j
 * by j bits; then 8 steps.
 */
QX4_INLINE void luffa_2x4_q(__m512i za[8], __m512i zb[8], __m256i q[8],
			    const struct luffa_x4_consts *k)
{
	const __m512i tweak = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);

#pragma GCC unroll 4
	for (unsigned i = 4; i < 8; i++) {
		za[i] = _mm512_rolv_epi32(za[i], tweak);
		zb[i] = _mm512_rolv_epi32(zb[i], tweak);
		q[i] = _mm256_rol_epi32(q[i], 4);
	}
#pragma GCC unroll 1
	for (unsigned r = 0; r < 8; r++) {
		LX4_STEP(za, k->z_rc[r][0], k->z_rc[r][1], LX4_ROLZ);
		LX4_STEP(zb, k->z_rc[r][0], k->z_rc[r][1], LX4_ROLZ);
		LX4_STEP(q, k->q_rc[r][0], k->q_rc[r][1], LX4_ROLY);
	}
}

/* Block l of a zmm whose four blocks are equal, or the xmm itself. */
static inline __m512i lx4_bcast(__m128i x)
{
	return _mm512_broadcast_i32x4(x);
}

/*
 * MI (luffa.c, luffa_round) for w = 5, all on 256-bit values:
 * t = 2 (V_0 ^ .. ^ V_4); U_j = V_j ^ t; W_j = 2 U_j ^ U_(j+1);
 * X_j = 2 W_j ^ W_(j-1); V_j = X_j ^ 2^j M (mz, mq; NULL: a blank round).
 */
QX4_INLINE void luffa_x4_mi(__m512i z[8], __m128i q[8], const __m512i *mz, const __m128i *mq)
{
	__m512i t[8], zz[8];
	__m128i qq[8];

#pragma GCC unroll 8
	for (unsigned i = 0; i < 8; i++) {
		__m512i x = _mm512_xor_si512(z[i], _mm512_shuffle_i64x2(z[i], z[i], 0xb1));
		t[i] = _mm512_ternarylogic_epi32(x, _mm512_shuffle_i64x2(x, x, 0x4e),
						 lx4_bcast(q[i]), 0x96);
	}
	LX4_MUL2(t);
#pragma GCC unroll 8
	for (unsigned i = 0; i < 8; i++) {
		z[i] ^= t[i];
		q[i] ^= _mm512_castsi512_si128(t[i]);
		zz[i] = z[i];
		qq[i] = q[i];
	}
	LX4_MUL2(zz);
	LX4_MUL2(qq);
	/* W: chain j takes U_(j+1): chains 1, 2, 3 of z and then q; q takes chain 0. */
#pragma GCC unroll 8
	for (unsigned i = 0; i < 8; i++) {
		__m512i w = _mm512_xor_si512(
			zz[i], _mm512_alignr_epi32(_mm512_castsi128_si512(q[i]), z[i], 4));
		qq[i] ^= _mm512_castsi512_si128(z[i]);
		z[i] = w;
	}
	/* now z, qq hold W */
#pragma GCC unroll 8
	for (unsigned i = 0; i < 8; i++) {
		zz[i] = z[i];
		q[i] = qq[i];
	}
	LX4_MUL2(zz);
	LX4_MUL2(qq);
	/* X: chain j takes W_(j-1): q's W_4 then chains 0, 1, 2; q takes chain 3. */
#pragma GCC unroll 8
	for (unsigned i = 0; i < 8; i++) {
		__m512i x = _mm512_xor_si512(zz[i], _mm512_alignr_epi32(z[i], lx4_bcast(q[i]), 12));
		__m128i y = qq[i] ^ _mm512_extracti32x4_epi32(z[i], 3);

		if (mz) {
			x ^= mz[i];
			y ^= mq[i];
		}
		z[i] = x;
		q[i] = y;
	}
}

/* Z = V_0 ^ .. ^ V_4 (spec §3.3), chunks 2h, 2h + 1 of each lane's output into x. */
QX4_INLINE void luffa_x4_out(const __m512i z[8], const __m128i q[8], __m512i x[2])
{
	/* dword 4l + k of chunk c is word 4c + k of lane l: dword 4k + l of blocks Z_(4c+k). */
	const __m512i idx = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
	const __m512i bswap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
	__m512i zo[8];

#pragma GCC unroll 8
	for (unsigned i = 0; i < 8; i++) {
		__m512i y = _mm512_xor_si512(z[i], _mm512_shuffle_i64x2(z[i], z[i], 0xb1));
		zo[i] = _mm512_ternarylogic_epi32(y, _mm512_shuffle_i64x2(y, y, 0x4e),
						  lx4_bcast(q[i]), 0x96);
	}
	for (unsigned c = 0; c < 2; c++) {
		__m512i a = _mm512_mask_blend_epi32(0x00f0, zo[4 * c], zo[4 * c + 1]);

		a = _mm512_mask_blend_epi32(0x0f00, a, zo[4 * c + 2]);
		a = _mm512_mask_blend_epi32(0xf000, a, zo[4 * c + 3]);
		x[c] = _mm512_shuffle_epi8(_mm512_permutexvar_epi32(idx, a), bswap);
	}
}

static void luffa_x4_consts_init(struct luffa_x4_consts *k, const struct qubit_ctx *ctx)
{
	__m512i mz[8];
	__m128i m[8], mq[8];

	for (unsigned r = 0; r < 8; r++) {
		for (unsigned h = 0; h < 2; h++) {
			k->z_rc[r][h] = lx4_per_chain(luffa512_rc[r][h]);
			k->q_rc[r][h] = _mm256_set1_epi32((int)luffa512_rc[r][h][4]);
		}
	}
	for (unsigned i = 0; i < 8; i++) {
		const uint32_t c[4] = { ctx->luffa.v[0][i], ctx->luffa.v[1][i], ctx->luffa.v[2][i],
					ctx->luffa.v[3][i] };

		k->z_mi[i] = lx4_per_chain(c);
		k->q_mi[i] = _mm_set1_epi32((int)ctx->luffa.v[4][i]);
	}
	/* The last block (header bytes 64..79, then the padding 0x80: word 4 = 0x80000000), nonce 0. */
	for (unsigned i = 0; i < 8; i++)
		m[i] = _mm_setzero_si128();
	for (unsigned i = 0; i < 3; i++)
		m[i] = _mm_set1_epi32((int)be32_load(ctx->tail + 4 * i));
	m[4] = _mm_set1_epi32((int)0x80000000u);
	/* 2^j M for chains j = 0..3 into the blocks of mz, 16 M for q. */
	for (unsigned i = 0; i < 8; i++)
		mz[i] = _mm512_inserti32x4(_mm512_setzero_si512(), m[i], 0);
	for (unsigned j = 1; j < 4; j++) {
		LX4_MUL2(m);
		for (unsigned i = 0; i < 8; i++)
			mz[i] = _mm512_mask_broadcast_i32x4(mz[i], (__mmask16)(0xf << (4 * j)), m[i]);
	}
	LX4_MUL2(m);
	for (unsigned i = 0; i < 8; i++)
		mq[i] = m[i];
	luffa_x4_mi(k->z_mi, k->q_mi, mz, mq);
}

/*
 * The last Luffa block of lanes nonce .. nonce + 7 (the nonce big-endian in
 * word 3) and the two blank rounds of finalization (luffa.c,
 * luffa512_final): group g = lanes 4g .. 4g + 3 into x[g].
 */
static inline void luffa_2x4(const struct luffa_x4_consts *k, uint32_t nonce, __m512i x[2][4])
{
	const __m128i bswap = _mm_set_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
	__m512i z[2][8];
	__m128i qg[2][8];
	__m256i q[8];

#pragma GCC unroll 2
	for (unsigned g = 0; g < 2; g++) {
		__m128i nv = _mm_shuffle_epi8(
			_mm_add_epi32(_mm_set1_epi32((int)(nonce + 4 * g)), _mm_set_epi32(3, 2, 1, 0)),
			bswap);
		__m512i nz = _mm512_broadcast_i32x4(nv);

#pragma GCC unroll 8
		for (unsigned i = 0; i < 8; i++) {
			z[g][i] = k->z_mi[i];
			qg[g][i] = k->q_mi[i];
		}
		/* 2^j (nonce in word 3) = the nonce in word 3 + j of chain j. */
#pragma GCC unroll 4
		for (unsigned j = 0; j < 4; j++)
			z[g][3 + j] = _mm512_mask_xor_epi32(z[g][3 + j], (__mmask16)(0xf << (4 * j)),
							    z[g][3 + j], nz);
		qg[g][7] = _mm_xor_si128(qg[g][7], nv);
	}
	/* Three rounds, the first one's MI done above; the output after the second and third. */
	for (unsigned round = 0; round < 3; round++) {
		if (round > 0) {
#pragma GCC unroll 2
			for (unsigned g = 0; g < 2; g++)
				luffa_x4_mi(z[g], qg[g], NULL, NULL);
		}
#pragma GCC unroll 8
		for (unsigned i = 0; i < 8; i++)
			q[i] = _mm256_inserti128_si256(_mm256_castsi128_si256(qg[0][i]), qg[1][i], 1);
		luffa_2x4_q(z[0], z[1], q, k);
#pragma GCC unroll 8
		for (unsigned i = 0; i < 8; i++) {
			qg[0][i] = _mm256_castsi256_si128(q[i]);
			qg[1][i] = _mm256_extracti128_si256(q[i], 1);
		}
		if (round > 0) {
#pragma GCC unroll 2
			for (unsigned g = 0; g < 2; g++)
				luffa_x4_out(z[g], qg[g], x[g] + 2 * (round - 1));
		}
	}
}

/* ---- SIMD-512 (simd.c, simd_avx2.c): two lanes per register ---- */

/*
 * simd_avx2.c's code with each 256-bit register widened to two lanes, the low
 * half lane 2p and the high half lane 2p + 1 of pair p: one row of the NTT or
 * one state register A, B, C or D per lane and half. Only the last transpose
 * step and the permutation p cross 128 bits, and stay within each half.
 */
static inline __m512i sx2_red(__m512i x)
{
	return _mm512_sub_epi16(_mm512_and_si512(x, _mm512_set1_epi16(0xff)),
				_mm512_srai_epi16(x, 8));
}

static inline __m512i sx2_lift(__m512i x)
{
	__mmask32 big = _mm512_cmpgt_epi16_mask(x, _mm512_set1_epi16(128));

	return _mm512_mask_sub_epi16(x, big, x, _mm512_set1_epi16(257));
}

static inline __attribute__((always_inline)) void sx2_bfly(__m512i *u, __m512i *v, int e)
{
	__m512i t = _mm512_sub_epi16(_mm512_and_si512(_mm512_slli_epi16(*v, e),
						      _mm512_set1_epi16(0xff)),
				     _mm512_srai_epi16(*v, 8 - e));

	*v = sx2_red(_mm512_sub_epi16(*u, t));
	*u = sx2_red(_mm512_add_epi16(*u, t));
}

/* simd_avx2_dft16: 16-point DFTs with root 2 along the rows. */
static inline __attribute__((always_inline)) void sx2_dft16(__m512i m[16])
{
#pragma GCC unroll 128
	for (unsigned k = 0; k < 16; k += 2)
		sx2_bfly(&m[k], &m[k + 1], 0);
#pragma GCC unroll 128
	for (unsigned k = 0; k < 16; k += 4) {
		sx2_bfly(&m[k], &m[k + 2], 0);
		sx2_bfly(&m[k + 1], &m[k + 3], 4);
	}
#pragma GCC unroll 128
	for (unsigned k = 0; k < 16; k += 8) {
		sx2_bfly(&m[k], &m[k + 4], 0);
		sx2_bfly(&m[k + 1], &m[k + 5], 2);
		sx2_bfly(&m[k + 2], &m[k + 6], 4);
		sx2_bfly(&m[k + 3], &m[k + 7], 6);
	}
#pragma GCC unroll 128
	for (unsigned k = 0; k < 8; k++)
		sx2_bfly(&m[k], &m[k + 8], (int)k);
}

/* simd_avx2_transpose16 in each half: out[k] = column k of the half's 16 x 16 rows. */
static inline void sx2_transpose16(const __m512i m[16], __m512i out[16])
{
	const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
	const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
	__m512i c[2][8];

#pragma GCC unroll 128
	for (unsigned h = 0; h < 2; h++) {
		const __m512i *r = m + 8 * h;
		__m512i a[8], b[8];

#pragma GCC unroll 128
		for (unsigned k = 0; k < 4; k++) {
			a[2 * k] = _mm512_unpacklo_epi16(r[2 * k], r[2 * k + 1]);
			a[2 * k + 1] = _mm512_unpackhi_epi16(r[2 * k], r[2 * k + 1]);
		}
#pragma GCC unroll 128
		for (unsigned k = 0; k < 2; k++) {
			b[4 * k] = _mm512_unpacklo_epi32(a[4 * k], a[4 * k + 2]);
			b[4 * k + 1] = _mm512_unpackhi_epi32(a[4 * k], a[4 * k + 2]);
			b[4 * k + 2] = _mm512_unpacklo_epi32(a[4 * k + 1], a[4 * k + 3]);
			b[4 * k + 3] = _mm512_unpackhi_epi32(a[4 * k + 1], a[4 * k + 3]);
		}
#pragma GCC unroll 128
		for (unsigned k = 0; k < 4; k++) {
			c[h][2 * k] = _mm512_unpacklo_epi64(b[k], b[k + 4]);
			c[h][2 * k + 1] = _mm512_unpackhi_epi64(b[k], b[k + 4]);
		}
	}
#pragma GCC unroll 128
	for (unsigned k = 0; k < 8; k++) {
		out[k] = _mm512_permutex2var_epi64(c[0][k], lo, c[1][k]);
		out[k + 8] = _mm512_permutex2var_epi64(c[0][k], hi, c[1][k]);
	}
}

static inline unsigned sx2_rev4(unsigned i)
{
	return (i & 1) << 3 | (i & 2) << 1 | (i & 4) >> 1 | (i & 8) >> 3;
}

/*
 * Message expansion (simd_avx2.c, simd512_expand_avx2) of a block whose first
 * 64 bytes are rows[0..3] (cvtepu8 of chunks 0..3) and whose rest is zero,
 * not final: z[g] is group g of both lanes.
 */
static inline void sx2_expand(const __m512i rows[4], __m512i z[SIMD512_STEPS])
{
	__m512i m[16], t[16], cols[16];

#pragma GCC unroll 128
	for (unsigned j2 = 0; j2 < 16; j2++)
		m[sx2_rev4(j2)] = j2 < 4 ? rows[j2] : _mm512_setzero_si512();
	/* The tweak X^255 of an ordinary block: lane 15 of row 15, in both halves. */
	m[15] = _mm512_broadcast_i64x4(
		_mm256_setr_epi16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
	sx2_dft16(m);
#pragma GCC unroll 128
	for (unsigned i1 = 0; i1 < 16; i1++)
		m[i1] = sx2_red(_mm512_mullo_epi16(
			sx2_lift(m[i1]),
			_mm512_broadcast_i64x4(
				_mm256_loadu_si256((const __m256i *)simd512_twiddle[i1]))));
	sx2_transpose16(m, cols);
#pragma GCC unroll 128
	for (unsigned j1 = 0; j1 < 16; j1++)
		t[sx2_rev4(j1)] = cols[j1];
	sx2_dft16(t);
#pragma GCC unroll 128
	for (unsigned i = 0; i < 16; i++)
		t[i] = sx2_lift(t[i]);
#pragma GCC unroll 128
	for (unsigned g = 0; g < 16; g++)
		z[g] = _mm512_mullo_epi16(t[g], _mm512_set1_epi16(185));
#pragma GCC unroll 128
	for (unsigned r = 0; r < 8; r++) {
		__m512i lo = _mm512_mullo_epi16(t[r], _mm512_set1_epi16(233));
		__m512i hi = _mm512_mullo_epi16(t[r + 8], _mm512_set1_epi16(233));

		z[16 + r] = _mm512_mask_blend_epi16(0xaaaaaaaa, lo, _mm512_slli_epi32(hi, 16));
		z[24 + r] = _mm512_mask_blend_epi16(0xaaaaaaaa, _mm512_srli_epi32(lo, 16), hi);
	}
}

/* Pairs of lanes in flight: two groups of four lanes. */
#define SX2_PAIRS 4

/*
 * The permutation p of step i (simd_avx2_step): dword j of each 8-dword half
 * takes dword j ^ pxor. Within 128 bits (pxor < 4) that is vpshufd, one
 * cycle; across 128 bits a vpermd, whose latency (5 cycles on Zen 5) is on
 * the chain of dependent steps.
 */
static inline __attribute__((always_inline)) __m512i sx2_perm(__m512i x, int pxor)
{
	switch (pxor) {
	case 1:
		return _mm512_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1));
	case 2:
		return _mm512_shuffle_epi32(x, _MM_SHUFFLE(1, 0, 3, 2));
	case 3:
		return _mm512_shuffle_epi32(x, _MM_SHUFFLE(0, 1, 2, 3));
	default: {
		const __m512i perm = _mm512_set_epi32(
			8 + (7 ^ pxor), 8 + (6 ^ pxor), 8 + (5 ^ pxor), 8 + (4 ^ pxor),
			8 + (3 ^ pxor), 8 + (2 ^ pxor), 8 + (1 ^ pxor), 8 + (0 ^ pxor), 7 ^ pxor,
			6 ^ pxor, 5 ^ pxor, 4 ^ pxor, 3 ^ pxor, 2 ^ pxor, 1 ^ pxor, 0 ^ pxor);

		return _mm512_permutexvar_epi32(perm, x);
	}
	}
}

/* One step (simd_avx2_step); the caller renames (a, b, c, d) -> (d, a, b, c). */
static inline __attribute__((always_inline)) void sx2_step(__m512i *a, const __m512i *b,
							   const __m512i *c, __m512i *d, __m512i w,
							   int is_maj, int r1, int r2, int pxor)
{
	__m512i ra = _mm512_rolv_epi32(*a, _mm512_set1_epi32(r1));
	/* IF(a, b, c) = a ? b : c; MAJ(a, b, c). */
	__m512i f = is_maj ? _mm512_ternarylogic_epi32(*a, *b, *c, 0xe8)
			   : _mm512_ternarylogic_epi32(*a, *b, *c, 0xca);

	*d = _mm512_add_epi32(_mm512_rolv_epi32(_mm512_add_epi32(_mm512_add_epi32(*d, w), f),
						_mm512_set1_epi32(r2)),
			      sx2_perm(ra, pxor));
	*a = ra;
}

/*
 * One round of eight steps (simd_avx2_round) on every pair of lanes, their
 * steps interleaved: each step depends on the one before (8 cycles: rotate,
 * permutation, add), so SX2_PAIRS independent ladders keep the units busy.
 * s[p] is pair p's state, w[p] its eight message words.
 */
#define SX2_STEPS(w, k, i0, i1, i2, i3, is_maj)                                                \
	do {                                                                                   \
		_Pragma("GCC unroll 4") for (unsigned p_ = 0; p_ < SX2_PAIRS; p_++)              \
			sx2_step(&s[p_][i0], &s[p_][i1], &s[p_][i2], &s[p_][i3], w[p_][k], is_maj, \
				 pi[(k) % 4], pi[((k) + 1) % 4], px[(first + (k)) % 7]);         \
	} while (0)

static inline __attribute__((always_inline)) void
sx2_round(__m512i s[SX2_PAIRS][4], const __m512i *const w[SX2_PAIRS], const uint8_t pi[4],
	  unsigned first)
{
	const uint8_t *px = simd512_perm_xor;

	SX2_STEPS(w, 0, 0, 1, 2, 3, 0);
	SX2_STEPS(w, 1, 3, 0, 1, 2, 0);
	SX2_STEPS(w, 2, 2, 3, 0, 1, 0);
	SX2_STEPS(w, 3, 1, 2, 3, 0, 0);
	SX2_STEPS(w, 4, 0, 1, 2, 3, 1);
	SX2_STEPS(w, 5, 3, 0, 1, 2, 1);
	SX2_STEPS(w, 6, 2, 3, 0, 1, 1);
	SX2_STEPS(w, 7, 1, 2, 3, 0, 1);
}

/*
 * simd512_compress_expanded_avx2 on every pair: h[p] is the chaining value,
 * s[p] = h[p] ^ block, w[p] the expanded message in step order.
 */
static inline __attribute__((always_inline)) void
sx2_compress(__m512i h[SX2_PAIRS][4], __m512i s[SX2_PAIRS][4], const __m512i *const w[SX2_PAIRS])
{
#pragma GCC unroll 128
	for (unsigned r = 0; r < 4; r++) {
		const __m512i *wr[SX2_PAIRS];

#pragma GCC unroll 128
		for (unsigned p = 0; p < SX2_PAIRS; p++)
			wr[p] = w[p] + 8 * r;
		sx2_round(s, wr, simd512_pi[r], 8 * r);
	}
	/* Feed-forward: four IF steps whose message words are the chaining value. */
	{
		const uint8_t *pi = simd512_pi[3], *px = simd512_perm_xor;
		const __m512i *hw[SX2_PAIRS];
		const unsigned first = 32;

#pragma GCC unroll 128
		for (unsigned p = 0; p < SX2_PAIRS; p++)
			hw[p] = h[p];
		SX2_STEPS(hw, 0, 0, 1, 2, 3, 0);
		SX2_STEPS(hw, 1, 3, 0, 1, 2, 0);
		SX2_STEPS(hw, 2, 2, 3, 0, 1, 0);
		SX2_STEPS(hw, 3, 1, 2, 3, 0, 0);
	}
#pragma GCC unroll 128
	for (unsigned p = 0; p < SX2_PAIRS; p++) {
#pragma GCC unroll 128
		for (unsigned k = 0; k < 4; k++)
			h[p][k] = s[p][k];
	}
}

/* The final block's expansion (per job in ctx), in both halves, in step order. */
struct simd_x4_consts {
	__m512i len_w[SIMD512_STEPS];
};

static void simd_x4_consts_init(struct simd_x4_consts *k, const struct qubit_ctx *ctx)
{
#pragma GCC unroll 128
	for (unsigned i = 0; i < SIMD512_STEPS; i++)
		k->len_w[i] = _mm512_broadcast_i64x4(
			_mm256_loadu_si256((const __m256i *)ctx->simd_len_w[i]));
}

/*
 * SIMD-512 of the eight lanes of x (two groups of four), as qubit_simd512
 * computes it: pair p = lanes 2p, 2p + 1, from group p / 2.
 */
static inline void simd_2x4(const struct simd_x4_consts *k, __m512i x[2][4])
{
	/* lanes 2p, 2p + 1 of chunks c, c + 1 */
	static const int64_t pick[2][8] = {
		{ 0, 1, 8, 9, 2, 3, 10, 11 },
		{ 4, 5, 12, 13, 6, 7, 14, 15 },
	};
	const __m512i even = _mm512_set_epi64(13, 12, 9, 8, 5, 4, 1, 0);
	const __m512i odd = _mm512_set_epi64(15, 14, 11, 10, 7, 6, 3, 2);
	const __m512i len = _mm512_broadcast_i64x4(_mm256_setr_epi32(512, 0, 0, 0, 0, 0, 0, 0));
	__m512i w[SX2_PAIRS][SIMD512_STEPS], h[SX2_PAIRS][4], s[SX2_PAIRS][4];

	/* The expansions, one pair after the other: a loop, so its code is there once. */
#pragma GCC unroll 1
	for (unsigned p = 0; p < SX2_PAIRS; p++) {
		const __m512i *xg = x[p / 2];
		__m512i rows[4], z[SIMD512_STEPS];

#pragma GCC unroll 4
		for (unsigned c = 0; c < 4; c++) {
			__m512i v = p % 2 ? _mm512_shuffle_i64x2(xg[c], xg[c], 0xee) : xg[c];

			rows[c] = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(v));
		}
		sx2_expand(rows, z);
#pragma GCC unroll 32
		for (unsigned i = 0; i < SIMD512_STEPS; i++)
			w[p][i] = z[simd512_w_order[i]];
	}
#pragma GCC unroll 4
	for (unsigned p = 0; p < SX2_PAIRS; p++) {
		const __m512i *xg = x[p / 2];
		const __m512i idx = _mm512_loadu_si512(pick[p % 2]);

#pragma GCC unroll 4
		for (unsigned j = 0; j < 4; j++)
			h[p][j] = _mm512_broadcast_i64x4(
				_mm256_loadu_si256((const __m256i *)(simd512_iv + 8 * j)));
		s[p][0] = _mm512_xor_si512(h[p][0], _mm512_permutex2var_epi64(xg[0], idx, xg[1]));
		s[p][1] = _mm512_xor_si512(h[p][1], _mm512_permutex2var_epi64(xg[2], idx, xg[3]));
		s[p][2] = h[p][2];
		s[p][3] = h[p][3];
	}
	{
		const __m512i *wp[SX2_PAIRS];

#pragma GCC unroll 128
		for (unsigned p = 0; p < SX2_PAIRS; p++)
			wp[p] = w[p];
		sx2_compress(h, s, wp);
	}
	/* The final block: the length, 512 bits, in word 0; its expansion is per job. */
#pragma GCC unroll 128
	for (unsigned p = 0; p < SX2_PAIRS; p++) {
		s[p][0] = _mm512_xor_si512(h[p][0], len);
#pragma GCC unroll 128
		for (unsigned j = 1; j < 4; j++)
			s[p][j] = h[p][j];
	}
	{
		const __m512i *wp[SX2_PAIRS];

#pragma GCC unroll 128
		for (unsigned p = 0; p < SX2_PAIRS; p++)
			wp[p] = k->len_w;
		sx2_compress(h, s, wp);
	}
	/* back to chunks: lanes 0, 1 from pair 2g, lanes 2, 3 from pair 2g + 1 */
#pragma GCC unroll 128
	for (unsigned g = 0; g < 2; g++) {
		const __m512i *h0 = h[2 * g], *h1 = h[2 * g + 1];

		x[g][0] = _mm512_permutex2var_epi64(h0[0], even, h1[0]);
		x[g][1] = _mm512_permutex2var_epi64(h0[0], odd, h1[0]);
		x[g][2] = _mm512_permutex2var_epi64(h0[1], even, h1[1]);
		x[g][3] = _mm512_permutex2var_epi64(h0[1], odd, h1[1]);
	}
}

/* ---- the stages on plain arrays, for the tests ---- */

void qubit_x8_luffa_vaes(const struct qubit_ctx *ctx, uint32_t nonce, uint8_t out[8][64])
{
	struct luffa_x4_consts k;
	__m512i x[2][4];

	luffa_x4_consts_init(&k, ctx);
	luffa_2x4(&k, nonce, x);
	x4_store(x[0], out);
	x4_store(x[1], out + 4);
}

void qubit_x8_cubehash_vaes(const uint8_t in[8][64], uint8_t out[8][64])
{
	__m512i x[2][4];

	x4_load(in, x[0]);
	x4_load(in + 4, x[1]);
	cubehash_2x4(x);
	x4_store(x[0], out);
	x4_store(x[1], out + 4);
}

void qubit_x8_shavite_vaes(const uint8_t in[8][64], uint8_t out[8][64])
{
	struct shavite_x4_consts k;
	__m512i x[2][4];

	shavite_x4_consts_init(&k);
	x4_load(in, x[0]);
	x4_load(in + 4, x[1]);
	shavite_2x4(&k, x);
	x4_store(x[0], out);
	x4_store(x[1], out + 4);
}

void qubit_x8_simd_vaes(const struct qubit_ctx *ctx, const uint8_t in[8][64], uint8_t out[8][64])
{
	struct simd_x4_consts k;
	__m512i x[2][4];

	simd_x4_consts_init(&k, ctx);
	x4_load(in, x[0]);
	x4_load(in + 4, x[1]);
	simd_2x4(&k, x);
	x4_store(x[0], out);
	x4_store(x[1], out + 4);
}

void qubit_x4_echo_vaes(const uint8_t in[4][64], uint8_t out[4][64], unsigned len)
{
	struct echo_x4_consts k;
	__m512i x[4];

	echo_x4_consts_init(&k);
	x4_load(in, x);
	if (len == 32)
		echo_x4_32(&k, x);
	else
		echo_x4_64(&k, x);
	x4_store(x, out);
}

/*
 * The scan: eight consecutive nonces per step, two groups of four lanes
 * (CubeHash and SHAvite-3 interleave them); lanes past last are computed and ignored. The
 * most significant word of each lane's PoW hash (bytes 28..31, word 3 of
 * chunk 1) is compared first, the whole hash only then.
 */
unsigned qubit_scan_vaes(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			 uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct qubit_ctx *ctx = vctx;
	const __m512i target_top = _mm512_set1_epi32((int)le32_load(target + 28));
	/*
	 * The per-scan constants at a fixed place modulo 4 KiB: the stages load
	 * them between their own stack stores, and a load whose address matches
	 * an earlier store's in the low 12 bits waits for it (4K aliasing). This
	 * layout measured up to 10 % faster than the compiler's own.
	 */
	struct {
		struct luffa_x4_consts luffa;
		uint8_t gap[1024];
		struct simd_x4_consts simd;
		struct echo_x4_consts echo;
		struct shavite_x4_consts shavite;
	} kc __attribute__((aligned(4096)));
	unsigned n = 0;

	luffa_x4_consts_init(&kc.luffa, ctx);
	simd_x4_consts_init(&kc.simd, ctx);
	echo_x4_consts_init(&kc.echo);
	shavite_x4_consts_init(&kc.shavite);
	for (uint32_t base = first;; base += QUBIT_VAES_LANES) {
		uint32_t span = last - base;
		__m512i x[2][4];

		luffa_2x4(&kc.luffa, base, x);
		cubehash_2x4(x);
		shavite_2x4(&kc.shavite, x);
		simd_2x4(&kc.simd, x);
		for (unsigned g = 0; g < 2; g++)
			echo_x4_32(&kc.echo, x[g]);
		for (unsigned g = 0; g < 2; g++) {
			__mmask16 mask = _mm512_mask_cmple_epu32_mask(0x8888, x[g][1], target_top);
			uint8_t out[4][64];

			if (!mask)
				continue;
			x4_store(x[g], out);
			for (unsigned l = 0; l < QUBIT_X4_LANES; l++) {
				uint32_t k = QUBIT_X4_LANES * g + l;

				if (k <= span && (mask >> (4 * l + 3) & 1) &&
				    hash_le_target(out[l], target) && n < max_hits)
					hits[n++] = base + k;
			}
		}
		if (span < QUBIT_VAES_LANES)
			break;
	}
	return n;
}
