/* SPDX-License-Identifier: MIT */
#include "luffa.h"

#include <string.h>

#include "endian.h"

/*
 * References are to "Hash Function Luffa, Specification Ver. 2.0" (15 Sep 2009).
 * A 256-bit value is eight 32-bit words a_0..a_7; message words and output
 * words are big-endian (spec §2.2).
 */

/* Starting variables V_0..V_4 (spec Appendix A). */
static const uint32_t luffa_iv[5][8] = {
	{ 0x6d251e69, 0x44b051e0, 0x4eaa6fb4, 0xdbf78465,
	  0x6e292011, 0x90152df4, 0xee058139, 0xdef610bb },
	{ 0xc3b44b95, 0xd9d2f256, 0x70eee9a0, 0xde099fa3,
	  0x5d9b0557, 0x8fc944b3, 0xcf1ccf0e, 0x746cd581 },
	{ 0xf7efc89d, 0x5dba5781, 0x04016ce5, 0xad659c05,
	  0x0306194f, 0x666d1836, 0x24aa230a, 0x8b264ae7 },
	{ 0x858075d5, 0x36d79cce, 0xe571f7d7, 0x204b1f67,
	  0x35870c6a, 0x57e9e923, 0x14bcb808, 0x7cde72ce },
	{ 0x6c68e9be, 0x5ec41e22, 0xc825b7c7, 0xaffb4363,
	  0xf5df3999, 0x0fc688f1, 0xb07224cc, 0x03e86cea },
};

/*
 * Step constants of Q_j (spec §4.4 AddConstant, values as tabulated in
 * Appendix B for w = 5), transposed for the lane layout below:
 * luffa512_rc[r][0][j] = C_{j,r,0} is added to a_0 and luffa512_rc[r][1][j] =
 * C_{j,r,4} to a_4 of chain j in step r. Lanes 5..7 stay zero.
 */
const uint32_t luffa512_rc[8][2][8] = {
	{ { 0x303994a6, 0xb6de10ed, 0xfc20d9d2, 0xb213afa5, 0xf0d2e9e3 },
	  { 0xe0337818, 0x01685f3d, 0xe25e72c1, 0xe028c9bf, 0x5090d577 } },
	{ { 0xc0e65299, 0x70f47aae, 0x34552e25, 0xc84ebe95, 0xac11d7fa },
	  { 0x441ba90d, 0x05a17cf4, 0xe623bb72, 0x44756f91, 0x2d1925ab } },
	{ { 0x6cc33a12, 0x0707a3d4, 0x7ad8818f, 0x4e608a22, 0x1bcb66f2 },
	  { 0x7f34d442, 0xbd09caca, 0x5c58a4a4, 0x7e8fce32, 0xb46496ac } },
	{ { 0xdc56983e, 0x1c1e8f51, 0x8438764a, 0x56d858fe, 0x6f2d9bc9 },
	  { 0x9389217f, 0xf4272b28, 0x1e38e2e7, 0x956548be, 0xd1925ab0 } },
	{ { 0x1e00108f, 0x707a3d45, 0xbb6de032, 0x343b138f, 0x78602649 },
	  { 0xe5a8bce6, 0x144ae5cc, 0x78e38b9d, 0xfe191be2, 0x29131ab6 } },
	{ { 0x7800423d, 0xaeb28562, 0xedb780c8, 0xd0ec4e3d, 0x8edae952 },
	  { 0x5274baf4, 0xfaa7ae2b, 0x27586719, 0x3cb226e5, 0x0fc053c3 } },
	{ { 0x8f5b7882, 0xbaca1589, 0xd9847356, 0x2ceb4882, 0x3b6ba548 },
	  { 0x26889ba7, 0x2e48f1c1, 0x36eda57f, 0x5944a28e, 0x3f014f0c } },
	{ { 0x96e1db12, 0x40a46f3e, 0xa2c78434, 0xb3ad2208, 0xedae9520 },
	  { 0x9a226e9d, 0xb923c704, 0x703aace7, 0xa1c4c355, 0xfc053c31 } },
};

/*
 * Multiplication by x ("0x02") in GF((2^32)^8) = GF(2^32)[x] / (x^8 + x^4 +
 * x^3 + x + 1), a_i being the coefficient of x^i (spec §3.2): shift the words
 * up one place and fold the overflowing a_7 back into x^4, x^3, x and 1.
 */
static inline void luffa_mul2(uint32_t a[8])
{
	uint32_t t = a[7];

	a[7] = a[6];
	a[6] = a[5];
	a[5] = a[4];
	a[4] = a[3] ^ t;
	a[3] = a[2] ^ t;
	a[2] = a[1];
	a[1] = a[0] ^ t;
	a[0] = t;
}

static inline void luffa_xor(uint32_t d[8], const uint32_t s[8])
{
	for (int i = 0; i < 8; i++)
		d[i] ^= s[i];
}

/*
 * Q_0..Q_4 run side by side: lane j of vector a[i] is word a_i of chain j
 * (GNU C generic vectors of eight lanes, lanes 5..7 unused; SSE2 on x86-64,
 * scalar code elsewhere).
 */
typedef uint32_t luffa_v8 __attribute__((vector_size(32)));

/*
 * SubCrumb (spec §4.2): the 4-bit S-box S = {13, 14, 0, 1, 5, 10, 7, 6, 11, 3,
 * 9, 12, 15, 8, 2, 4} applied to the 32 columns (b0, b1, b2, b3) of four
 * words, b0 being the least significant bit of the S-box input and output.
 * Bitsliced: each output bit is its algebraic normal form over the inputs,
 * factored (tests/test_qubit_primitives.c holds the vectors that check it).
 */
static inline void luffa_sub_crumb(luffa_v8 *p0, luffa_v8 *p1, luffa_v8 *p2, luffa_v8 *p3)
{
	luffa_v8 a0 = *p0, a1 = *p1, a2 = *p2, a3 = *p3;
	luffa_v8 o01 = a0 | a1;
	luffa_v8 c = (a1 & a2) ^ (a3 & (o01 ^ (a0 & a2)));
	luffa_v8 y2 = ~(a1 ^ a3 ^ (a2 & o01) ^ (a3 & a1 & ~a0) ^ (a2 & a3));

	*p0 = ~(a0 ^ a1 ^ c);
	*p1 = a0 ^ a3 ^ (a0 & a1) ^ c;
	*p2 = y2;
	*p3 = y2 ^ a2 ^ a3 ^ (a0 & a3);
}

/* A macro, not a function: 32-byte vectors by value would change the ABI. */
#define LUFFA_ROTL(v, n) (((v) << (n)) | ((v) >> (32 - (n))))

/* MixWord (spec §4.3) with sigma_1..4 = 2, 14, 10, 1. */
static inline void luffa_mix_word(luffa_v8 *u, luffa_v8 *v)
{
	luffa_v8 l = *u, r = *v;

	r ^= l;
	l = LUFFA_ROTL(l, 2) ^ r;
	r = LUFFA_ROTL(r, 14) ^ l;
	l = LUFFA_ROTL(l, 10) ^ r;
	r = LUFFA_ROTL(r, 1);
	*u = l;
	*v = r;
}

/*
 * Q_j on every chain j (spec §4.1): the tweak rotates a_4..a_7 of chain j left
 * by j bits (§4.5), then 8 steps of SubCrumb on (a_0, a_1, a_2, a_3) and on
 * (a_5, a_6, a_7, a_4), MixWord on (a_k, a_{k+4}) and AddConstant.
 */
static void luffa_q(uint32_t v[5][8])
{
	static const luffa_v8 tweak = { 0, 1, 2, 3, 4, 0, 0, 0 };
	luffa_v8 a[8], rc;

	for (int i = 0; i < 8; i++)
		a[i] = (luffa_v8){ v[0][i], v[1][i], v[2][i], v[3][i], v[4][i], 0, 0, 0 };
	for (int i = 4; i < 8; i++)
		a[i] = (a[i] << tweak) | (a[i] >> ((32 - tweak) & 31));
	for (int r = 0; r < 8; r++) {
		luffa_sub_crumb(&a[0], &a[1], &a[2], &a[3]);
		luffa_sub_crumb(&a[5], &a[6], &a[7], &a[4]);
		for (int k = 0; k < 4; k++)
			luffa_mix_word(&a[k], &a[k + 4]);
		memcpy(&rc, luffa512_rc[r][0], sizeof(rc));
		a[0] ^= rc;
		memcpy(&rc, luffa512_rc[r][1], sizeof(rc));
		a[4] ^= rc;
	}
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 5; j++)
			v[j][i] = a[i][j];
}

/*
 * The round function (spec §3.2): message injection MI for w = 5 (§3.2.3),
 * then Q_j on each chain. MI, with all operations on 256-bit values:
 *   t = 2 (V_0 ^ ... ^ V_4);  U_j = V_j ^ t;
 *   W_j = 2 U_j ^ U_{j+1};  X_j = 2 W_j ^ W_{j-1}  (indices mod 5);
 *   V_j = X_j ^ 2^j M.
 */
static void luffa_round(uint32_t v[5][8], const uint8_t block[LUFFA512_BLOCK_LEN])
{
	uint32_t m[8], t[8], w[5][8];

	for (int i = 0; i < 8; i++) {
		m[i] = be32_load(block + 4 * i);
		t[i] = v[0][i] ^ v[1][i] ^ v[2][i] ^ v[3][i] ^ v[4][i];
	}
	luffa_mul2(t);
	for (int j = 0; j < 5; j++)
		luffa_xor(v[j], t);
	for (int j = 0; j < 5; j++) {
		memcpy(w[j], v[j], sizeof(w[j]));
		luffa_mul2(w[j]);
		luffa_xor(w[j], v[(j + 1) % 5]);
	}
	for (int j = 0; j < 5; j++) {
		memcpy(v[j], w[j], sizeof(w[j]));
		luffa_mul2(v[j]);
		luffa_xor(v[j], w[(j + 4) % 5]);
		luffa_xor(v[j], m);
		luffa_mul2(m);
	}
	luffa_q(v);
}

void luffa512_init(struct luffa512 *s)
{
	memcpy(s->v, luffa_iv, sizeof(s->v));
	s->buf_len = 0;
}

void luffa512_update(struct luffa512 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (s->buf_len) {
		size_t n = LUFFA512_BLOCK_LEN - s->buf_len;

		if (n > len)
			n = len;
		memcpy(s->buf + s->buf_len, p, n);
		s->buf_len += n;
		p += n;
		len -= n;
		if (s->buf_len < LUFFA512_BLOCK_LEN)
			return;
		luffa_round(s->v, s->buf);
		s->buf_len = 0;
	}
	for (; len >= LUFFA512_BLOCK_LEN; p += LUFFA512_BLOCK_LEN, len -= LUFFA512_BLOCK_LEN)
		luffa_round(s->v, p);
	memcpy(s->buf, p, len);
	s->buf_len = len;
}

/*
 * Padding (spec §3.1): a 1 bit, then zeros up to a multiple of 256 bits, so a
 * last block always exists. Finalization (§3.3) for 512 bits: a blank round
 * (all-zero message block), output Z_0 = V_0 ^ ... ^ V_4, another blank round,
 * output Z_1 likewise; the digest is Z_0 || Z_1 as big-endian words.
 */
void luffa512_final(struct luffa512 *s, uint8_t out[LUFFA512_OUT_LEN])
{
	static const uint8_t blank[LUFFA512_BLOCK_LEN];

	s->buf[s->buf_len] = 0x80;
	memset(s->buf + s->buf_len + 1, 0, LUFFA512_BLOCK_LEN - s->buf_len - 1);
	luffa_round(s->v, s->buf);
	for (int k = 0; k < 2; k++) {
		luffa_round(s->v, blank);
		for (int i = 0; i < 8; i++)
			be32_store(out + 32 * k + 4 * i, s->v[0][i] ^ s->v[1][i] ^ s->v[2][i] ^
								 s->v[3][i] ^ s->v[4][i]);
	}
}

void luffa512(const void *in, size_t len, uint8_t out[LUFFA512_OUT_LEN])
{
	struct luffa512 s;

	luffa512_init(&s);
	luffa512_update(&s, in, len);
	luffa512_final(&s, out);
}
