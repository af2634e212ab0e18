/* SPDX-License-Identifier: MIT */
/*
 * Qubit with four nonces in flight (digibyte-pow.md §3.4), AVX-512 and VAES.
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
static inline void cubehash_x4_rounds(__m512i a[4], __m512i b[4], unsigned rounds)
{
	__m512i a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
	__m512i b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];

	for (unsigned n = 0; n < rounds; n++) {
		b0 = _mm512_add_epi32(b0, a0);
		b1 = _mm512_add_epi32(b1, a1);
		b2 = _mm512_add_epi32(b2, a2);
		b3 = _mm512_add_epi32(b3, a3);
		__m512i t0 = _mm512_xor_si512(_mm512_rol_epi32(a2, 7), b0);
		__m512i t1 = _mm512_xor_si512(_mm512_rol_epi32(a3, 7), b1);
		__m512i t2 = _mm512_xor_si512(_mm512_rol_epi32(a0, 7), b2);
		__m512i t3 = _mm512_xor_si512(_mm512_rol_epi32(a1, 7), b3);
		b0 = _mm512_add_epi32(_mm512_shuffle_epi32(b0, _MM_PERM_BADC), t0);
		b1 = _mm512_add_epi32(_mm512_shuffle_epi32(b1, _MM_PERM_BADC), t1);
		b2 = _mm512_add_epi32(_mm512_shuffle_epi32(b2, _MM_PERM_BADC), t2);
		b3 = _mm512_add_epi32(_mm512_shuffle_epi32(b3, _MM_PERM_BADC), t3);
		a0 = _mm512_xor_si512(_mm512_rol_epi32(t1, 11), b0);
		a1 = _mm512_xor_si512(_mm512_rol_epi32(t0, 11), b1);
		a2 = _mm512_xor_si512(_mm512_rol_epi32(t3, 11), b2);
		a3 = _mm512_xor_si512(_mm512_rol_epi32(t2, 11), b3);
		b0 = _mm512_shuffle_epi32(b0, _MM_PERM_CDAB);
		b1 = _mm512_shuffle_epi32(b1, _MM_PERM_CDAB);
		b2 = _mm512_shuffle_epi32(b2, _MM_PERM_CDAB);
		b3 = _mm512_shuffle_epi32(b3, _MM_PERM_CDAB);
	}
	a[0] = a0, a[1] = a1, a[2] = a2, a[3] = a3;
	b[0] = b0, b[1] = b1, b[2] = b2, b[3] = b3;
}

/* CubeHash16/32-512 of x (64 bytes: two blocks, then the padding block). */
static inline void cubehash_x4(__m512i x[4])
{
	__m512i a[4], b[4];

	for (unsigned q = 0; q < 4; q++) {
		a[q] = x4_bcast(cubehash512_iv + 4 * q);
		b[q] = x4_bcast(cubehash512_iv + 16 + 4 * q);
	}
	for (unsigned blk = 0; blk < 2; blk++) {
		a[0] = _mm512_xor_si512(a[0], x[2 * blk]);
		a[1] = _mm512_xor_si512(a[1], x[2 * blk + 1]);
		cubehash_x4_rounds(a, b, 16);
	}
	/* Padding block: byte 0x80 into word 0; finalization flips x_11111 (word 31). */
	a[0] = _mm512_xor_si512(a[0], _mm512_set4_epi32(0, 0, 0, 0x80));
	cubehash_x4_rounds(a, b, 16);
	b[3] = _mm512_xor_si512(b[3], _mm512_set4_epi32(1, 0, 0, 0));
	cubehash_x4_rounds(a, b, 160);
	for (unsigned q = 0; q < 4; q++)
		x[q] = a[q];
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

static inline void shavite_x4(__m512i x[4])
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i rk[SHAVITE_X4_RK], p[4];
	unsigned inj = 0;

	for (unsigned v = 0; v < 4; v++) {
		rk[v] = x[v];
		rk[v + 4] = x4_bcast(shavite_x4_pad[v]);
	}
	for (unsigned v = 8; v < SHAVITE_X4_RK; v++) {
		if ((v / 8) % 2 == 0) {
			__m512i w7 = _mm512_alignr_epi8(rk[v - 1], rk[v - 2], 4);
			rk[v] = _mm512_xor_si512(rk[v - 8], w7);
			continue;
		}
		__m512i t = _mm512_shuffle_epi32(rk[v - 8], _MM_SHUFFLE(0, 3, 2, 1));
		rk[v] = _mm512_xor_si512(_mm512_aesenc_epi128(t, zero), rk[v - 1]);
		if (inj < SHAVITE512_INJECTS && shavite512_injects[inj].word == 4 * v) {
			const unsigned *w = shavite512_injects[inj].which;
			__m512i c = _mm512_set4_epi32((int)~shavite_x4_cnt[w[3]],
						      (int)shavite_x4_cnt[w[2]],
						      (int)shavite_x4_cnt[w[1]],
						      (int)shavite_x4_cnt[w[0]]);
			rk[v] = _mm512_xor_si512(rk[v], c);
			inj++;
		}
	}
	for (unsigned i = 0; i < 4; i++)
		p[i] = x4_bcast(shavite512_iv + 4 * i);
	for (unsigned r = 0; r < SHAVITE_X4_ROUNDS; r++) {
		__m512i p3 = p[3];

		p[0] = _mm512_xor_si512(p[0], shavite_x4_f4(p[1], rk + 8 * r));
		p[2] = _mm512_xor_si512(p[2], shavite_x4_f4(p[3], rk + 8 * r + 4));
		p[3] = p[2];
		p[2] = p[1];
		p[1] = p[0];
		p[0] = p3;
	}
	for (unsigned i = 0; i < 4; i++)
		x[i] = _mm512_xor_si512(x4_bcast(shavite512_iv + 4 * i), p[i]);
}

/* ---- ECHO-512 (echo.c, echo_aesni.c) ---- */

#define ECHO_X4_ROUNDS 10

/* Multiplication by x in GF(2^8) on every byte (FIPS-197 §4.2.1 xtime). */
static inline __m512i echo_x4_xtime(__m512i x)
{
	__mmask64 carry = _mm512_movepi8_mask(x);

	return _mm512_xor_si512(_mm512_add_epi8(x, x),
				_mm512_maskz_mov_epi8(carry, _mm512_set1_epi8(0x1b)));
}

/* BIG.MixColumns on one column: b_r = a_r ^ t ^ 2 (a_r ^ a_(r+1)), t = a_0 ^ .. ^ a_3. */
static inline void echo_x4_mix(__m512i *a0, __m512i *a1, __m512i *a2, __m512i *a3)
{
	__m512i t = _mm512_xor_si512(_mm512_xor_si512(*a0, *a1), _mm512_xor_si512(*a2, *a3));
	__m512i x0 = echo_x4_xtime(_mm512_xor_si512(*a0, *a1));
	__m512i x1 = echo_x4_xtime(_mm512_xor_si512(*a1, *a2));
	__m512i x2 = echo_x4_xtime(_mm512_xor_si512(*a2, *a3));
	__m512i x3 = echo_x4_xtime(_mm512_xor_si512(*a3, *a0));

	*a0 = _mm512_ternarylogic_epi32(*a0, t, x0, 0x96);
	*a1 = _mm512_ternarylogic_epi32(*a1, t, x1, 0x96);
	*a2 = _mm512_ternarylogic_epi32(*a2, t, x2, 0x96);
	*a3 = _mm512_ternarylogic_epi32(*a3, t, x3, 0x96);
}

/*
 * ECHO-512 of x (64 bytes): one compression of the padded block, counter 512
 * bits (echo.h, echo512_with): chaining words all 512, message words x[0..3]
 * and the padding 0x80, zeros, the digest size 512 (16 bits at byte 110) and
 * the bit count 512 (at byte 112). Writes the first 64 output bytes to x.
 */
static inline void echo_x4(__m512i x[4])
{
	static const uint32_t pad[4][4] = {
		{ 0x80, 0, 0, 0 },
		{ 0, 0, 0, 0 },
		{ 0, 0, 0, 0x02000000 },
		{ 0x200, 0, 0, 0 },
	};
	const __m512i zero = _mm512_setzero_si512();
	const __m512i one = _mm512_set4_epi32(0, 0, 0, 1);
	const __m512i iv = _mm512_set4_epi32(0, 0, 0, 512);
	__m512i w[16];
	__m512i k = _mm512_set4_epi32(0, 0, 0, 512);

	for (unsigned i = 0; i < 4; i++) {
		w[i] = iv;
		w[i + 4] = iv;
		w[i + 8] = x[i];
		w[i + 12] = x4_bcast(pad[i]);
	}
	for (unsigned round = 0; round < ECHO_X4_ROUNDS; round++) {
		__m512i s[16];

		for (unsigned i = 0; i < 16; i++) {
			unsigned r = i % 4, col = i / 4;
			__m512i t = _mm512_aesenc_epi128(w[i], k);
			s[r + 4 * ((col + 4 - r) % 4)] = _mm512_aesenc_epi128(t, zero);
			k = _mm512_add_epi64(k, one);
		}
		for (unsigned col = 0; col < 4; col++)
			echo_x4_mix(&s[4 * col], &s[4 * col + 1], &s[4 * col + 2], &s[4 * col + 3]);
		for (unsigned i = 0; i < 16; i++)
			w[i] = s[i];
	}
	for (unsigned i = 0; i < 4; i++)
		x[i] = _mm512_ternarylogic_epi32(_mm512_xor_si512(iv, x[i]), w[i], w[i + 8], 0x96);
}

/* ---- Luffa-512 and SIMD-512, one lane at a time ---- */

static inline void luffa_x4(const struct qubit_ctx *ctx, uint32_t nonce, __m512i x[4])
{
	uint8_t out[4][64];

	for (unsigned l = 0; l < 4; l++) {
		struct luffa512 luffa = ctx->luffa;
		uint8_t tail[sizeof(ctx->tail)];

		memcpy(tail, ctx->tail, sizeof(tail));
		le32_store(tail + NONCE_OFFSET - 64, nonce + l);
		luffa512_update(&luffa, tail, sizeof(tail));
		luffa512_final(&luffa, out[l]);
	}
	x4_load((const uint8_t(*)[64])out, x);
}

static inline void simd_x4(const struct qubit_ctx *ctx, __m512i x[4])
{
	static const struct qubit_stages stages = {
		.simd_expand = simd512_expand_avx2,
		.simd_compress = simd512_compress_expanded_avx2,
	};
	uint8_t buf[4][64];

	x4_store(x, buf);
	for (unsigned l = 0; l < 4; l++)
		qubit_simd512(ctx, &stages, buf[l], buf[l]);
	x4_load((const uint8_t(*)[64])buf, x);
}

/* ---- the stages on plain arrays, for the tests ---- */

void qubit_x4_luffa_vaes(const struct qubit_ctx *ctx, uint32_t nonce, uint8_t out[4][64])
{
	__m512i x[4];

	luffa_x4(ctx, nonce, x);
	x4_store(x, out);
}

void qubit_x4_cubehash_vaes(const uint8_t in[4][64], uint8_t out[4][64])
{
	__m512i x[4];

	x4_load(in, x);
	cubehash_x4(x);
	x4_store(x, out);
}

void qubit_x4_shavite_vaes(const uint8_t in[4][64], uint8_t out[4][64])
{
	__m512i x[4];

	x4_load(in, x);
	shavite_x4(x);
	x4_store(x, out);
}

void qubit_x4_simd_vaes(const struct qubit_ctx *ctx, const uint8_t in[4][64], uint8_t out[4][64])
{
	__m512i x[4];

	x4_load(in, x);
	simd_x4(ctx, x);
	x4_store(x, out);
}

void qubit_x4_echo_vaes(const uint8_t in[4][64], uint8_t out[4][64])
{
	__m512i x[4];

	x4_load(in, x);
	echo_x4(x);
	x4_store(x, out);
}

/*
 * The scan: four consecutive nonces per step; lanes past last are computed
 * and ignored. The most significant word of each lane's PoW hash (bytes
 * 28..31, word 3 of chunk 1) is compared first, the whole hash only then.
 */
unsigned qubit_scan_vaes(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			 uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct qubit_ctx *ctx = vctx;
	const __m512i target_top = _mm512_set1_epi32((int)le32_load(target + 28));
	unsigned n = 0;

	for (uint32_t base = first;; base += QUBIT_X4_LANES) {
		uint32_t span = last - base;
		__m512i x[4];

		luffa_x4(ctx, base, x);
		cubehash_x4(x);
		shavite_x4(x);
		simd_x4(ctx, x);
		echo_x4(x);
		__mmask16 mask = _mm512_mask_cmple_epu32_mask(0x8888, x[1], target_top);
		if (mask) {
			uint8_t out[4][64];

			x4_store(x, out);
			for (unsigned l = 0; l < QUBIT_X4_LANES && l <= span; l++) {
				if ((mask >> (4 * l + 3) & 1) && hash_le_target(out[l], target) &&
				    n < max_hits)
					hits[n++] = base + l;
			}
		}
		if (span < QUBIT_X4_LANES)
			break;
	}
	return n;
}
