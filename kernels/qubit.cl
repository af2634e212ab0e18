/* SPDX-License-Identifier: MIT */
/*
 * Qubit (docs/pow.md §3.4): Luffa-512, CubeHash-512, SHAvite-3-512,
 * SIMD-512 and ECHO-512, each over the previous 64-byte digest (Luffa over
 * the 80-byte header); the PoW hash is the first 32 bytes of ECHO's digest.
 * One work-item per nonce. The ABI is in common.cl; the algorithms follow the
 * specifications cited in algos/luffa.c, cubehash.c, shavite.c, simd.c and
 * echo.c, whose portable code this kernel computes bit for bit.
 *
 * Each work-group first fills its local memory with what is the same for
 * every nonce: the AES T-tables (SHAvite-3 and ECHO), the powers of the SIMD
 * NTT root, the Luffa state after header bytes 0..63 and the SIMD message
 * expansion of the final (length) block of a 64-byte message.
 *
 * Byte order between the stages: Luffa reads and writes big-endian words;
 * the four others read and write little-endian words, which is how the
 * header words arrive (common.cl).
 */

/* ---- AES round (FIPS-197 §5.1), T-table form, shared by SHAvite-3 and ECHO ---- */

/* The S-box values of FIPS-197 §5.1.1 (Figure 7). */
#define QUBIT_SBOX_LIST(X)                                                                         \
	X(0x63) X(0x7c) X(0x77) X(0x7b) X(0xf2) X(0x6b) X(0x6f) X(0xc5) X(0x30) X(0x01) X(0x67)    \
	X(0x2b) X(0xfe) X(0xd7) X(0xab) X(0x76) X(0xca) X(0x82) X(0xc9) X(0x7d) X(0xfa) X(0x59)    \
	X(0x47) X(0xf0) X(0xad) X(0xd4) X(0xa2) X(0xaf) X(0x9c) X(0xa4) X(0x72) X(0xc0) X(0xb7)    \
	X(0xfd) X(0x93) X(0x26) X(0x36) X(0x3f) X(0xf7) X(0xcc) X(0x34) X(0xa5) X(0xe5) X(0xf1)    \
	X(0x71) X(0xd8) X(0x31) X(0x15) X(0x04) X(0xc7) X(0x23) X(0xc3) X(0x18) X(0x96) X(0x05)    \
	X(0x9a) X(0x07) X(0x12) X(0x80) X(0xe2) X(0xeb) X(0x27) X(0xb2) X(0x75) X(0x09) X(0x83)    \
	X(0x2c) X(0x1a) X(0x1b) X(0x6e) X(0x5a) X(0xa0) X(0x52) X(0x3b) X(0xd6) X(0xb3) X(0x29)    \
	X(0xe3) X(0x2f) X(0x84) X(0x53) X(0xd1) X(0x00) X(0xed) X(0x20) X(0xfc) X(0xb1) X(0x5b)    \
	X(0x6a) X(0xcb) X(0xbe) X(0x39) X(0x4a) X(0x4c) X(0x58) X(0xcf) X(0xd0) X(0xef) X(0xaa)    \
	X(0xfb) X(0x43) X(0x4d) X(0x33) X(0x85) X(0x45) X(0xf9) X(0x02) X(0x7f) X(0x50) X(0x3c)    \
	X(0x9f) X(0xa8) X(0x51) X(0xa3) X(0x40) X(0x8f) X(0x92) X(0x9d) X(0x38) X(0xf5) X(0xbc)    \
	X(0xb6) X(0xda) X(0x21) X(0x10) X(0xff) X(0xf3) X(0xd2) X(0xcd) X(0x0c) X(0x13) X(0xec)    \
	X(0x5f) X(0x97) X(0x44) X(0x17) X(0xc4) X(0xa7) X(0x7e) X(0x3d) X(0x64) X(0x5d) X(0x19)    \
	X(0x73) X(0x60) X(0x81) X(0x4f) X(0xdc) X(0x22) X(0x2a) X(0x90) X(0x88) X(0x46) X(0xee)    \
	X(0xb8) X(0x14) X(0xde) X(0x5e) X(0x0b) X(0xdb) X(0xe0) X(0x32) X(0x3a) X(0x0a) X(0x49)    \
	X(0x06) X(0x24) X(0x5c) X(0xc2) X(0xd3) X(0xac) X(0x62) X(0x91) X(0x95) X(0xe4) X(0x79)    \
	X(0xe7) X(0xc8) X(0x37) X(0x6d) X(0x8d) X(0xd5) X(0x4e) X(0xa9) X(0x6c) X(0x56) X(0xf4)    \
	X(0xea) X(0x65) X(0x7a) X(0xae) X(0x08) X(0xba) X(0x78) X(0x25) X(0x2e) X(0x1c) X(0xa6)    \
	X(0xb4) X(0xc6) X(0xe8) X(0xdd) X(0x74) X(0x1f) X(0x4b) X(0xbd) X(0x8b) X(0x8a) X(0x70)    \
	X(0x3e) X(0xb5) X(0x66) X(0x48) X(0x03) X(0xf6) X(0x0e) X(0x61) X(0x35) X(0x57) X(0xb9)    \
	X(0x86) X(0xc1) X(0x1d) X(0x9e) X(0xe1) X(0xf8) X(0x98) X(0x11) X(0x69) X(0xd9) X(0x8e)    \
	X(0x94) X(0x9b) X(0x1e) X(0x87) X(0xe9) X(0xce) X(0x55) X(0x28) X(0xdf) X(0x8c) X(0xa1)    \
	X(0x89) X(0x0d) X(0xbf) X(0xe6) X(0x42) X(0x68) X(0x41) X(0x99) X(0x2d) X(0x0f) X(0xb0)    \
	X(0x54) X(0xbb) X(0x16)

/* xtime (FIPS-197 §4.2.1): multiplication by x in GF(2^8) mod x^8 + x^4 + x^3 + x + 1. */
#define QUBIT_XTIME(s) ((((s) << 1) ^ (((s) >> 7) * 0x1b)) & 0xff)
/*
 * T0[x] (FIPS-197 §5.2.1): MixColumns' first column (2, 1, 1, 3) times S(x),
 * one row per byte, row 0 least significant; T_r is T0 rotated left by 8r.
 */
#define QUBIT_T0(s) ((uint)QUBIT_XTIME(s) | (uint)(s) << 8 | (uint)(s) << 16 |                    \
		     (uint)(QUBIT_XTIME(s) ^ (s)) << 24)
#define QUBIT_T0_ENTRY(s) QUBIT_T0(s),

__constant uint qubit_aes_t0[256] = { QUBIT_SBOX_LIST(QUBIT_T0_ENTRY) };

/*
 * out = MixColumns(ShiftRows(SubBytes(in))) ^ key on the AES state held as
 * four little-endian column words (algos/aes_round.h), t the four T-tables in
 * local memory.
 */
QM_INLINE void qubit_aes(__local const uint (*t)[256], uint out[4], const uint in[4],
			 uint k0, uint k1, uint k2, uint k3)
{
	out[0] = t[0][in[0] & 0xff] ^ t[1][(in[1] >> 8) & 0xff] ^ t[2][(in[2] >> 16) & 0xff] ^
		 t[3][in[3] >> 24] ^ k0;
	out[1] = t[0][in[1] & 0xff] ^ t[1][(in[2] >> 8) & 0xff] ^ t[2][(in[3] >> 16) & 0xff] ^
		 t[3][in[0] >> 24] ^ k1;
	out[2] = t[0][in[2] & 0xff] ^ t[1][(in[3] >> 8) & 0xff] ^ t[2][(in[0] >> 16) & 0xff] ^
		 t[3][in[1] >> 24] ^ k2;
	out[3] = t[0][in[3] & 0xff] ^ t[1][(in[0] >> 8) & 0xff] ^ t[2][(in[1] >> 16) & 0xff] ^
		 t[3][in[2] >> 24] ^ k3;
}

/* ---- Luffa-512 (Luffa specification v2.0) ---- */

/* Starting variables V_0..V_4 (spec Appendix A). */
__constant uint luffa_iv[5][8] = {
	{ 0x6d251e69u, 0x44b051e0u, 0x4eaa6fb4u, 0xdbf78465u,
	  0x6e292011u, 0x90152df4u, 0xee058139u, 0xdef610bbu },
	{ 0xc3b44b95u, 0xd9d2f256u, 0x70eee9a0u, 0xde099fa3u,
	  0x5d9b0557u, 0x8fc944b3u, 0xcf1ccf0eu, 0x746cd581u },
	{ 0xf7efc89du, 0x5dba5781u, 0x04016ce5u, 0xad659c05u,
	  0x0306194fu, 0x666d1836u, 0x24aa230au, 0x8b264ae7u },
	{ 0x858075d5u, 0x36d79cceu, 0xe571f7d7u, 0x204b1f67u,
	  0x35870c6au, 0x57e9e923u, 0x14bcb808u, 0x7cde72ceu },
	{ 0x6c68e9beu, 0x5ec41e22u, 0xc825b7c7u, 0xaffb4363u,
	  0xf5df3999u, 0x0fc688f1u, 0xb07224ccu, 0x03e86ceau },
};

/*
 * Step constants (spec §4.4, Appendix B): luffa_rc[j][r][0] is added to a_0
 * and luffa_rc[j][r][1] to a_4 of chain j in step r.
 */
__constant uint luffa_rc[5][8][2] = {
	{ { 0x303994a6u, 0xe0337818u }, { 0xc0e65299u, 0x441ba90du }, { 0x6cc33a12u, 0x7f34d442u },
	  { 0xdc56983eu, 0x9389217fu }, { 0x1e00108fu, 0xe5a8bce6u }, { 0x7800423du, 0x5274baf4u },
	  { 0x8f5b7882u, 0x26889ba7u }, { 0x96e1db12u, 0x9a226e9du } },
	{ { 0xb6de10edu, 0x01685f3du }, { 0x70f47aaeu, 0x05a17cf4u }, { 0x0707a3d4u, 0xbd09cacau },
	  { 0x1c1e8f51u, 0xf4272b28u }, { 0x707a3d45u, 0x144ae5ccu }, { 0xaeb28562u, 0xfaa7ae2bu },
	  { 0xbaca1589u, 0x2e48f1c1u }, { 0x40a46f3eu, 0xb923c704u } },
	{ { 0xfc20d9d2u, 0xe25e72c1u }, { 0x34552e25u, 0xe623bb72u }, { 0x7ad8818fu, 0x5c58a4a4u },
	  { 0x8438764au, 0x1e38e2e7u }, { 0xbb6de032u, 0x78e38b9du }, { 0xedb780c8u, 0x27586719u },
	  { 0xd9847356u, 0x36eda57fu }, { 0xa2c78434u, 0x703aace7u } },
	{ { 0xb213afa5u, 0xe028c9bfu }, { 0xc84ebe95u, 0x44756f91u }, { 0x4e608a22u, 0x7e8fce32u },
	  { 0x56d858feu, 0x956548beu }, { 0x343b138fu, 0xfe191be2u }, { 0xd0ec4e3du, 0x3cb226e5u },
	  { 0x2ceb4882u, 0x5944a28eu }, { 0xb3ad2208u, 0xa1c4c355u } },
	{ { 0xf0d2e9e3u, 0x5090d577u }, { 0xac11d7fau, 0x2d1925abu }, { 0x1bcb66f2u, 0xb46496acu },
	  { 0x6f2d9bc9u, 0xd1925ab0u }, { 0x78602649u, 0x29131ab6u }, { 0x8edae952u, 0x0fc053c3u },
	  { 0x3b6ba548u, 0x3f014f0cu }, { 0xedae9520u, 0xfc053c31u } },
};

/* Multiplication by x in GF((2^32)^8) mod x^8 + x^4 + x^3 + x + 1 (spec §3.2). */
QM_INLINE void luffa_mul2(uint a[8])
{
	uint t = a[7];

	a[7] = a[6];
	a[6] = a[5];
	a[5] = a[4];
	a[4] = a[3] ^ t;
	a[3] = a[2] ^ t;
	a[2] = a[1];
	a[1] = a[0] ^ t;
	a[0] = t;
}

/*
 * SubCrumb (spec §4.2) on the columns (b0, b1, b2, b3) of four words, the
 * S-box {13, 14, 0, 1, 5, 10, 7, 6, 11, 3, 9, 12, 15, 8, 2, 4} in algebraic
 * normal form (the same factoring as algos/luffa.c).
 */
#define LUFFA_SUB_CRUMB(a0, a1, a2, a3)                                                            \
	do {                                                                                       \
		uint o01_ = (a0) | (a1);                                                           \
		uint c_ = ((a1) & (a2)) ^ ((a3) & (o01_ ^ ((a0) & (a2))));                         \
		uint y2_ = ~((a1) ^ (a3) ^ ((a2) & o01_) ^ ((a3) & (a1) & ~(a0)) ^ ((a2) & (a3))); \
		uint y0_ = ~((a0) ^ (a1) ^ c_);                                                    \
		uint y1_ = (a0) ^ (a3) ^ ((a0) & (a1)) ^ c_;                                       \
		uint y3_ = y2_ ^ (a2) ^ (a3) ^ ((a0) & (a3));                                      \
		(a0) = y0_;                                                                        \
		(a1) = y1_;                                                                        \
		(a2) = y2_;                                                                        \
		(a3) = y3_;                                                                        \
	} while (0)

/* MixWord (spec §4.3), sigma = 2, 14, 10, 1. */
#define LUFFA_MIX_WORD(l, r)                                                                       \
	do {                                                                                       \
		(r) ^= (l);                                                                        \
		(l) = rotate((l), 2u) ^ (r);                                                       \
		(r) = rotate((r), 14u) ^ (l);                                                      \
		(l) = rotate((l), 10u) ^ (r);                                                      \
		(r) = rotate((r), 1u);                                                             \
	} while (0)

/* Q_j (spec §4.1, §4.5): the tweak, then eight steps of SubCrumb, MixWord, AddConstant. */
QM_INLINE void luffa_q(uint a[8], uint j)
{
	for (int i = 4; i < 8; i++)
		a[i] = rotate(a[i], j);
#pragma unroll
	for (int r = 0; r < 8; r++) {
		LUFFA_SUB_CRUMB(a[0], a[1], a[2], a[3]);
		LUFFA_SUB_CRUMB(a[5], a[6], a[7], a[4]);
		for (int k = 0; k < 4; k++)
			LUFFA_MIX_WORD(a[k], a[k + 4]);
		a[0] ^= luffa_rc[j][r][0];
		a[4] ^= luffa_rc[j][r][1];
	}
}

/*
 * The round function (spec §3.2) for the message block of eight big-endian
 * words m: message injection MI for w = 5 (§3.2.3), then Q_j on each chain.
 */
QM_INLINE void luffa_round(uint v[5][8], const uint m_in[8])
{
	uint m[8], t[8], w[5][8];

	for (int i = 0; i < 8; i++) {
		m[i] = m_in[i];
		t[i] = v[0][i] ^ v[1][i] ^ v[2][i] ^ v[3][i] ^ v[4][i];
	}
	luffa_mul2(t);
	for (int j = 0; j < 5; j++)
		for (int i = 0; i < 8; i++)
			v[j][i] ^= t[i];
	for (int j = 0; j < 5; j++) {
		for (int i = 0; i < 8; i++)
			w[j][i] = v[j][i];
		luffa_mul2(w[j]);
		for (int i = 0; i < 8; i++)
			w[j][i] ^= v[(j + 1) % 5][i];
	}
	for (int j = 0; j < 5; j++) {
		for (int i = 0; i < 8; i++)
			v[j][i] = w[j][i];
		luffa_mul2(v[j]);
		for (int i = 0; i < 8; i++)
			v[j][i] ^= w[(j + 4) % 5][i] ^ m[i];
		luffa_mul2(m);
	}
	for (uint j = 0; j < 5; j++)
		luffa_q(v[j], j);
}

/* ---- CubeHash16/32-512 (CubeHash specification 2.B.1, round-2 tweak) ---- */

/* The state after initialization (h/8 = 64, b = 32, r = 16, then 10r rounds). */
__constant uint cubehash_iv[32] = {
	0x2aea2a61u, 0x50f494d4u, 0x2d538b8bu, 0x4167d83eu, 0x3fee2313u, 0xc701cf8cu, 0xcc39968eu,
	0x50ac5695u, 0x4d42c787u, 0xa647a8b3u, 0x97cf0befu, 0x825b4537u, 0xeef864d2u, 0xf22090c4u,
	0xd0e5cd33u, 0xa23911aeu, 0xfcd398d9u, 0x148fe485u, 0x1b017befu, 0xb6444532u, 0x6a536159u,
	0x2ff5781cu, 0x91fa7934u, 0x0dbadea9u, 0xd65c8a2bu, 0xa5a70e75u, 0xb1c62456u, 0xbc796576u,
	0x1921c8f7u, 0xe7989af1u, 0x7795d246u, 0xd43e3b44u,
};

/*
 * n rounds of the round function ("The round function", ten steps) on the
 * words x[16i + 8j + 4k + 2l + m] = x_ijklm; a = x_0...., b = x_1.... The
 * swaps of steps 3, 5, 8 and 10 are index arithmetic: step 3 swaps on j
 * (index bit 8), step 5 on l (bit 2), step 8 on k (bit 4), step 10 on m
 * (bit 1).
 */
QM_INLINE void cubehash_rounds(uint x[32], int n)
{
	for (int r = 0; r < n; r++) {
		uint t[16], u[16];

#pragma unroll
		for (int i = 0; i < 16; i++)
			x[16 + i] += x[i];                                   /* 1 */
#pragma unroll
		for (int i = 0; i < 16; i++)
			t[i] = rotate(x[i ^ 8], 7u) ^ x[16 + i];             /* 2, 3, 4 */
#pragma unroll
		for (int i = 0; i < 16; i++)
			u[i] = x[16 + (i ^ 2)] + t[i];                       /* 5, 6 */
#pragma unroll
		for (int i = 0; i < 16; i++)
			x[i] = rotate(t[i ^ 4], 11u) ^ u[i];                 /* 7, 8, 9 */
#pragma unroll
		for (int i = 0; i < 16; i++)
			x[16 + i] = u[i ^ 1];                                /* 10 */
	}
}

/*
 * CubeHash-512 of the 64-byte message in (16 little-endian words): two
 * blocks, the padding block (0x80, zeros), x_11111 ^= 1 and 10r rounds
 * (spec "Padding", "Finalization").
 */
QM_INLINE void cubehash512_64(const uint in[16], uint out[16])
{
	uint x[32];

	for (int i = 0; i < 32; i++)
		x[i] = cubehash_iv[i];
	for (int b = 0; b < 2; b++) {
		for (int i = 0; i < 8; i++)
			x[i] ^= in[8 * b + i];
		cubehash_rounds(x, 16);
	}
	x[0] ^= 0x80u;
	cubehash_rounds(x, 16);
	x[31] ^= 1u;
	cubehash_rounds(x, 160);
	for (int i = 0; i < 16; i++)
		out[i] = x[i];
}

/*
 * Luffa-512 from the state v after the first 64 header bytes: the block of
 * header bytes 64..79 with its padding (a 1 bit, spec §3.1), then the two
 * blank rounds of the finalization (§3.3); out gets Z_0 || Z_1 as
 * big-endian words, i.e. the digest bytes read as little-endian words.
 */
QM_INLINE void luffa512_tail(uint v[5][8], uint4 hdr_hi, uint nonce, uint out[16])
{
	uint m[8] = { qm_bswap32(hdr_hi.s0), qm_bswap32(hdr_hi.s1), qm_bswap32(hdr_hi.s2),
		      qm_bswap32(nonce), 0x80000000u, 0, 0, 0 };

	luffa_round(v, m);
	for (int i = 0; i < 8; i++)
		m[i] = 0;
	for (int k = 0; k < 2; k++) {
		luffa_round(v, m);
		for (int i = 0; i < 8; i++)
			out[8 * k + i] = qm_bswap32(v[0][i] ^ v[1][i] ^ v[2][i] ^ v[3][i] ^ v[4][i]);
	}
}

/* ---- SHAvite-3-512 (Biham, Dunkelman, tweaked round-2 version), salt 0 ---- */

/* IV_512 (spec, table of IVs). */
__constant uint shavite_iv[16] = {
	0x72fccdd8u, 0x79ca4727u, 0x128a077bu, 0x40d55aecu, 0xd1901a06u, 0x430ae307u,
	0xb29f5cd1u, 0xdf07fbfcu, 0x8e45d73du, 0x681ab538u, 0xbde86578u, 0xdd577e47u,
	0xe275eadeu, 0x502d9fcdu, 0xb9357178u, 0x022a4b9au,
};

/* F' (spec C_512): four AES rounds, round key k[4r..4r+3] xored in before round r. */
QM_INLINE void shavite_f4(__local const uint (*t)[256], uint out[4], const uint in[4],
			  const uint k[16])
{
	uint x[4], y[4];

	for (int i = 0; i < 4; i++)
		x[i] = in[i] ^ k[i];
	qubit_aes(t, y, x, k[4], k[5], k[6], k[7]);
	qubit_aes(t, x, y, k[8], k[9], k[10], k[11]);
	qubit_aes(t, y, x, k[12], k[13], k[14], k[15]);
	qubit_aes(t, out, y, 0, 0, 0, 0);
}

/*
 * The message expansion of C_512 one chunk of 32 words at a time (rk holds
 * chunk c - 1 and becomes chunk c, in place: every word read is either still
 * the previous chunk's or already the new one, as the recurrences need).
 * Odd chunks are nonlinear,
 *   rk[i..i+3] = AESRound_0(rk[i-31], rk[i-30], rk[i-29], rk[i-32]) ^ rk[i-4..i-1],
 * with the counter injected at words 32, 164, 316 and 440; even chunks are
 * linear, rk[i] = rk[i-32] ^ rk[i-7].
 */
QM_INLINE void shavite_next_chunk(__local const uint (*t)[256], uint rk[32], int c,
				  const uint cnt[4])
{
	if ((c & 1) == 0) {
		for (int p = 0; p < 32; p++)
			rk[p] ^= rk[(p + 25) & 31];
		return;
	}
	for (int p = 0; p < 32; p += 4) {
		uint x[4] = { rk[p + 1], rk[p + 2], rk[p + 3], rk[p] }, y[4];

		qubit_aes(t, y, x, 0, 0, 0, 0);
		for (int n = 0; n < 4; n++)
			rk[p + n] = y[n] ^ rk[(p + 28 + n) & 31];
		/* Word 32c + p against the injection points (word, counter word order). */
		int w = 32 * c + p;
		if (w == 32 || w == 164 || w == 316 || w == 440) {
			int s = w == 32 ? 0 : w == 164 ? 1 : w == 316 ? 2 : 3;
			/* which[] = 0123, 3210, 2301, 1032: n xor 0, 3, 2, 1 */
			int x_or = s == 0 ? 0 : 4 - s;
			for (int n = 0; n < 4; n++)
				rk[p + n] ^= cnt[n ^ x_or];
			rk[p + 3] = ~rk[p + 3];
		}
	}
}

/*
 * SHAvite-3-512 of a 64-byte message (HAIFA, spec "padding and counter"):
 * one block of the message, 0x80, zeros, the bit length 512 (128 bits LE at
 * byte 110) and the digest size 512 (16 bits LE at byte 126); counter 512.
 * C_512: 14 rounds of the Feistel network on (P0, P1, P2, P3),
 * P0 ^= F'(P1, rk[32i..]), P2 ^= F'(P3, rk[32i+16..]), rotate; then h ^= P.
 */
QM_INLINE void shavite512_64(__local const uint (*t)[256], const uint in[16], uint out[16])
{
	const uint cnt[4] = { 512, 0, 0, 0 };
	uint rk[32], p[4][4];

	for (int i = 0; i < 16; i++)
		rk[i] = in[i];
	rk[16] = 0x80u;
	for (int i = 17; i < 32; i++)
		rk[i] = 0;
	rk[27] = 512u << 16; /* bytes 110..111 of the 128-bit bit count */
	rk[31] = 512u << 16; /* bytes 126..127: the digest size */
	for (int i = 0; i < 16; i++)
		p[i / 4][i % 4] = shavite_iv[i];
	for (int r = 0; r < 14; r++) {
		uint f[4], q[4];

		if (r)
			shavite_next_chunk(t, rk, r, cnt);
		shavite_f4(t, f, p[1], rk);
		for (int i = 0; i < 4; i++)
			p[0][i] ^= f[i];
		shavite_f4(t, f, p[3], rk + 16);
		for (int i = 0; i < 4; i++) {
			p[2][i] ^= f[i];
			q[i] = p[3][i];
			p[3][i] = p[2][i];
			p[2][i] = p[1][i];
			p[1][i] = p[0][i];
			p[0][i] = q[i];
		}
	}
	for (int i = 0; i < 16; i++)
		out[i] = shavite_iv[i] ^ p[i / 4][i % 4];
}

/* ---- SIMD-512 ("SIMD Is a Message Digest" v1.1, round-2 tweak) ---- */

/* The IV: the compression of "SIMD-512 v1.1" under a zero chaining value (algos/simd.c). */
__constant uint simd_iv[32] = {
	0x0ba16b95u, 0x72f999adu, 0x9fecc2aeu, 0xba3264fcu, 0x5e894929u, 0x8e9f30e5u, 0x2f1daa37u,
	0xf0f2c558u, 0xac506643u, 0xa90635a5u, 0xe25b878bu, 0xaab7878fu, 0x88817f7au, 0x0a02892bu,
	0x559a7550u, 0x598f657eu, 0x7eef60a1u, 0x6b70e3e8u, 0x9c1714d1u, 0xb958e2a8u, 0xab02675eu,
	0xed1c014fu, 0xcd8d65bbu, 0xfdb7a257u, 0x09254899u, 0xd699c7bcu, 0x9019b6dcu, 0x2b9022e4u,
	0x8fa14956u, 0x21bf9bd3u, 0xb94d0943u, 0x6ffddc22u,
};

/* Rotations r1, r2 of step k of round r: pi[r][k mod 4], pi[r][(k + 1) mod 4]. */
__constant uchar simd_pi[4][4] = {
	{ 3, 23, 17, 27 }, { 28, 19, 22, 7 }, { 29, 9, 15, 5 }, { 4, 13, 10, 25 },
};
/* Step i permutes the ladders by p(j) = j xor perm_xor[i mod 7]. */
__constant uchar simd_perm_xor[7] = { 1, 6, 2, 3, 5, 7, 4 };
/* Which inner-code word group feeds step i. */
__constant uchar simd_w_order[32] = {
	4,  6,  0,  2,  7,  5,  3,  1,  15, 11, 12, 8,  9,  13, 10, 14,
	17, 18, 23, 20, 22, 21, 16, 19, 30, 24, 25, 31, 27, 29, 28, 26,
};

#define SIMD_P 257
/* 41 has order 256 in F_257: the root of the 256-point NTT. */
#define SIMD_ALPHA 41

/* alpha^k mod 257 lifted to [-128, 128] (square and multiply). */
QM_INLINE int simd_pow_lifted(uint k)
{
	int r = 1, b = SIMD_ALPHA;

	for (; k; k >>= 1) {
		if (k & 1)
			r = r * b % SIMD_P;
		b = b * b % SIMD_P;
	}
	return r > 128 ? r - SIMD_P : r;
}

/* Partial reduction modulo 257 (256 = -1). */
QM_INLINE int simd_red(int x)
{
	return (x & 0xff) - (x >> 8);
}

QM_INLINE uint simd_rev4(uint i)
{
	return (i & 1) << 3 | (i & 2) << 1 | (i & 4) >> 1 | (i & 8) >> 3;
}

/* Sixteen 16-point DFTs with root 2 along the rows, inputs in bit-reversed row order. */
QM_INLINE void simd_dft16_rows(int m[16][16])
{
	for (uint span = 1; span < 16; span <<= 1) {
		for (uint i = 0; i < 16; i += 2 * span) {
			for (uint j = 0; j < span; j++) {
				uint e = j * (8 / span);
				for (int c = 0; c < 16; c++) {
					int u = m[i + j][c], t = m[i + j + span][c] << e;
					m[i + j + span][c] = simd_red(u - t);
					m[i + j][c] = simd_red(u + t);
				}
			}
		}
	}
}

/*
 * The message expansion of the 128-byte block blk (32 little-endian words):
 * the NTT over F_257 of the bytes plus the tweak X^255 (and X^253 for the
 * final block), as 16 x 16 DFTs with twiddles tw[i1 j1] = alpha^(i1 j1);
 * then the inner code (185 or 233) and the permutation of the word groups.
 * w[8 i + j] is the word of step i, ladder j.
 */
QM_INLINE void simd_expand(__local const int *tw, const uint blk[32], int is_final, uint w[256])
{
	int m[16][16], t[16][16];

	for (uint j2 = 0; j2 < 16; j2++) {
		for (uint j1 = 0; j1 < 16; j1++) {
			uint k = 16 * j2 + j1;
			m[simd_rev4(j2)][j1] = k < 128 ? (blk[k >> 2] >> (8 * (k & 3))) & 0xff : 0;
		}
	}
	m[simd_rev4(15)][15] = 1;
	if (is_final)
		m[simd_rev4(15)][13] = 1;
	simd_dft16_rows(m);
	for (uint i1 = 0; i1 < 16; i1++) {
		for (uint j1 = 0; j1 < 16; j1++)
			t[simd_rev4(j1)][i1] = simd_red(simd_red(m[i1][j1] * tw[i1 * j1]));
	}
	simd_dft16_rows(t);
	/* t[i2][i1] = y[i1 + 16 i2], lifted to [-128, 128]. */
	for (int i = 0; i < 16; i++) {
		for (int c = 0; c < 16; c++) {
			int r = simd_red(t[i][c]);
			t[i][c] = r > 128 ? r - SIMD_P : r;
		}
	}
	for (uint i = 0; i < 32; i++) {
		uint g = simd_w_order[i];
		for (uint j = 0; j < 8; j++) {
			int lo, hi, mul;
			if (g < 16) {
				uint a = 16 * g + 2 * j;
				lo = t[a >> 4][a & 15];
				hi = t[(a + 1) >> 4][(a + 1) & 15];
				mul = 185;
			} else {
				uint a = g < 24 ? 16 * g + 2 * j - 256 : 16 * g + 2 * j - 383;
				lo = t[a >> 4][a & 15];
				hi = t[(a + 128) >> 4][(a + 128) & 15];
				mul = 233;
			}
			w[8 * i + j] = ((uint)(lo * mul) & 0xffffu) | ((uint)(hi * mul) & 0xffffu) << 16;
		}
	}
}

/*
 * One step on the eight ladders: D_j <- ((D_j + W_j + phi(A, B, C)_j) <<< r2)
 * + (A_p(j) <<< r1), then a <- A <<< r1; phi is IF or MAJ. The caller renames
 * the registers between steps (algos/simd.c simd_step).
 */
QM_INLINE void simd_step(uint a[8], const uint b[8], const uint c[8], uint d[8], const uint w[8],
			 int is_maj, uint r1, uint r2, uint pxor)
{
	uint ra[8];

	for (uint j = 0; j < 8; j++)
		ra[j] = rotate(a[j], r1);
	for (uint j = 0; j < 8; j++) {
		uint f = is_maj ? (a[j] & b[j]) | (c[j] & (a[j] | b[j])) : bitselect(c[j], b[j], a[j]);
		d[j] = rotate(d[j] + w[j] + f, r2) + ra[j ^ pxor];
	}
	for (uint j = 0; j < 8; j++)
		a[j] = ra[j];
}

/* Round r: four IF steps, four MAJ steps, register order rotating each step. */
QM_INLINE void simd_round(uint s[4][8], const uint *w, uint r)
{
	__constant const uchar *pi = simd_pi[r];
	uint first = 8 * r;

	simd_step(s[0], s[1], s[2], s[3], w + 0, 0, pi[0], pi[1], simd_perm_xor[(first + 0) % 7]);
	simd_step(s[3], s[0], s[1], s[2], w + 8, 0, pi[1], pi[2], simd_perm_xor[(first + 1) % 7]);
	simd_step(s[2], s[3], s[0], s[1], w + 16, 0, pi[2], pi[3], simd_perm_xor[(first + 2) % 7]);
	simd_step(s[1], s[2], s[3], s[0], w + 24, 0, pi[3], pi[0], simd_perm_xor[(first + 3) % 7]);
	simd_step(s[0], s[1], s[2], s[3], w + 32, 1, pi[0], pi[1], simd_perm_xor[(first + 4) % 7]);
	simd_step(s[3], s[0], s[1], s[2], w + 40, 1, pi[1], pi[2], simd_perm_xor[(first + 5) % 7]);
	simd_step(s[2], s[3], s[0], s[1], w + 48, 1, pi[2], pi[3], simd_perm_xor[(first + 6) % 7]);
	simd_step(s[1], s[2], s[3], s[0], w + 56, 1, pi[3], pi[0], simd_perm_xor[(first + 7) % 7]);
}

/* The compression: state = h ^ block, four rounds, four feed-forward IF steps keyed by h. */
QM_INLINE void simd_compress(uint h[32], const uint blk[32], const uint w[256])
{
	uint s[4][8];

	for (int i = 0; i < 32; i++)
		s[i / 8][i % 8] = h[i] ^ blk[i];
	for (uint r = 0; r < 4; r++)
		simd_round(s, w + 64 * r, r);
	simd_step(s[0], s[1], s[2], s[3], h + 0, 0, 4, 13, simd_perm_xor[32 % 7]);
	simd_step(s[3], s[0], s[1], s[2], h + 8, 0, 13, 10, simd_perm_xor[33 % 7]);
	simd_step(s[2], s[3], s[0], s[1], h + 16, 0, 10, 25, simd_perm_xor[34 % 7]);
	simd_step(s[1], s[2], s[3], s[0], h + 24, 0, 25, 4, simd_perm_xor[35 % 7]);
	for (int i = 0; i < 32; i++)
		h[i] = s[i / 8][i % 8];
}

/*
 * SIMD-512 of a 64-byte message: the block zero-padded to 128 bytes, then
 * the final block (the bit length, 512), whose expansion w_final is the same
 * for every message of this length.
 */
QM_INLINE void simd512_64(__local const int *tw, __local const uint *w_final, const uint in[16],
			  uint out[16])
{
	uint h[32], blk[32], w[256];

	for (int i = 0; i < 32; i++) {
		h[i] = simd_iv[i];
		blk[i] = i < 16 ? in[i] : 0;
	}
	simd_expand(tw, blk, 0, w);
	simd_compress(h, blk, w);
	for (int i = 0; i < 256; i++)
		w[i] = w_final[i];
	for (int i = 0; i < 32; i++)
		blk[i] = i ? 0 : 512;
	simd_compress(h, blk, w);
	for (int i = 0; i < 16; i++)
		out[i] = h[i];
}

/* ---- ECHO-512 (Benadjila et al., round-2 specification), salt 0 ---- */

/* xtime on four packed bytes (FIPS-197 §4.2.1). */
QM_INLINE uint echo_xtime4(uint x)
{
	return ((x & 0x7f7f7f7fu) << 1) ^ (((x >> 7) & 0x01010101u) * 0x1bu);
}

/*
 * ECHO-512 of a 64-byte message, first 256 bits of the digest: one block
 * holding the message, 0x80, the digest size 512 (16 bits LE at byte 110)
 * and the bit length 512 (128 bits LE at byte 112), counter 512. The state
 * w[0..15] is the chaining value (eight words of 512) and the block; ten
 * BIG.ROUNDs (BIG.SubWords: two AES rounds per word, the first keyed by the
 * counter, incremented per word; BIG.ShiftRows; BIG.MixColumns), then
 * BIG.Final: v[i] ^= m[i] ^ w[i] ^ w[i + 8].
 */
QM_INLINE void echo512_64(__local const uint (*t)[256], const uint in[16], uint out[8])
{
	uint w[16][4], m[8][4];
	uint k = 512;

	for (int i = 0; i < 8; i++)
		for (int c = 0; c < 4; c++)
			m[i][c] = i < 4 ? in[4 * i + c] : 0;
	m[4][0] = 0x80u;
	m[6][3] = 512u << 16;
	m[7][0] = 512u;
	for (int i = 0; i < 8; i++) {
		for (int c = 0; c < 4; c++) {
			w[i][c] = c ? 0 : 512u;
			w[i + 8][c] = m[i][c];
		}
	}
	for (int rnd = 0; rnd < 10; rnd++) {
		uint s[16][4];

		for (int i = 0; i < 16; i++, k++) {
			uint x[4];
			int r = i % 4, col = i / 4;
			qubit_aes(t, x, w[i], k, 0, 0, 0);
			qubit_aes(t, s[r + 4 * ((col + 4 - r) % 4)], x, 0, 0, 0, 0);
		}
		for (int col = 0; col < 4; col++) {
			for (int c = 0; c < 4; c++) {
				uint a0 = s[4 * col][c], a1 = s[4 * col + 1][c];
				uint a2 = s[4 * col + 2][c], a3 = s[4 * col + 3][c];
				uint x = a0 ^ a1 ^ a2 ^ a3;
				w[4 * col][c] = a0 ^ x ^ echo_xtime4(a0 ^ a1);
				w[4 * col + 1][c] = a1 ^ x ^ echo_xtime4(a1 ^ a2);
				w[4 * col + 2][c] = a2 ^ x ^ echo_xtime4(a2 ^ a3);
				w[4 * col + 3][c] = a3 ^ x ^ echo_xtime4(a3 ^ a0);
			}
		}
	}
	for (int i = 0; i < 2; i++)
		for (int c = 0; c < 4; c++)
			out[4 * i + c] = (c ? 0 : 512u) ^ m[i][c] ^ w[i][c] ^ w[i + 8][c];
}

/* ---- The kernel ---- */

__kernel void qm_info(__global uint *info)
{
	info[0] = 0;
}

__kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first, uint last,
		      __global uint *hits, volatile __global uint *hit_count, uint max_hits,
		      __global uint4 *scratch, __global const ulong *data)
{
	__local uint aes_t[4][256];
	__local int simd_tw[256];
	__local uint simd_w_final[256];
	__local uint luffa_mid[5][8];
	uint lid = (uint)get_local_id(0), lsize = (uint)get_local_size(0);

	/* What every work-item of the group shares; the tables first, in parallel. */
	for (uint i = lid; i < 1024; i += lsize)
		aes_t[i >> 8][i & 255] = rotate(qubit_aes_t0[i & 255], 8u * (i >> 8));
	for (uint i = lid; i < 256; i += lsize)
		simd_tw[i] = simd_pow_lifted(i);
	if (lid == 0) {
		/* Luffa over header bytes 0..63: two blocks of big-endian words. */
		uint v[5][8], m[8];
		uint hw[16] = { hdr_lo.s0, hdr_lo.s1, hdr_lo.s2, hdr_lo.s3, hdr_lo.s4, hdr_lo.s5,
				hdr_lo.s6, hdr_lo.s7, hdr_lo.s8, hdr_lo.s9, hdr_lo.sa, hdr_lo.sb,
				hdr_lo.sc, hdr_lo.sd, hdr_lo.se, hdr_lo.sf };
		for (int j = 0; j < 5; j++)
			for (int i = 0; i < 8; i++)
				v[j][i] = luffa_iv[j][i];
		for (int b = 0; b < 2; b++) {
			for (int i = 0; i < 8; i++)
				m[i] = qm_bswap32(hw[8 * b + i]);
			luffa_round(v, m);
		}
		for (int j = 0; j < 5; j++)
			for (int i = 0; i < 8; i++)
				luffa_mid[j][i] = v[j][i];
	}
	barrier(CLK_LOCAL_MEM_FENCE);
	if (lid == 0) {
		/* The final SIMD block of a 64-byte message: its bit length, 512. */
		uint blk[32], w[256];
		for (int i = 0; i < 32; i++)
			blk[i] = i ? 0 : 512;
		simd_expand(simd_tw, blk, 1, w);
		for (int i = 0; i < 256; i++)
			simd_w_final[i] = w[i];
	}
	barrier(CLK_LOCAL_MEM_FENCE);
	if (get_global_id(0) > (size_t)(last - first))
		return;
	uint nonce = first + (uint)get_global_id(0);

	uint v[5][8], a[16], b[16], hash[8];
	for (int j = 0; j < 5; j++)
		for (int i = 0; i < 8; i++)
			v[j][i] = luffa_mid[j][i];
	luffa512_tail(v, hdr_hi, nonce, a);
	cubehash512_64(a, b);
	shavite512_64(aes_t, b, a);
	simd512_64(simd_tw, simd_w_final, a, b);
	echo512_64(aes_t, b, hash);
	if (hash[7] <= target.s7 && qm_hash_le_target(hash, target))
		qm_hit(hits, hit_count, max_hits, nonce);
}
