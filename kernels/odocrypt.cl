/* SPDX-License-Identifier: MIT */
/*
 * Odocrypt (docs/pow.md §4): the 80-byte header encrypted with the
 * 640-bit cipher of the epoch's key (§4.5), padded to 100 bytes and run
 * through Keccak-p[800] with 12 rounds (§4.6). One work-item per nonce. The
 * ABI is in common.cl.
 *
 * The cipher's tables depend on the key only, so the host builds them
 * (algos/odocrypt.c odocrypt_kernel_data) and passes them as the data
 * argument; each work-group copies them into local memory. The host rebuilds
 * them only when a header selects a key it has not got on the device.
 */

/* The layout of struct odocrypt_kernel_tables (algos/odocrypt.h): 23744 bytes. */
struct odo_tables {
	ulong pbox_mask[2][6][5]; /* M0, M1: masks of the six swap layers of each P-box */
	ushort sbox_large[10][1024]; /* S10, shifted left by 6 */
	ushort round_key[84];        /* K */
	uchar sbox_small[40][64];    /* S6 */
	uchar pbox_rot[2][5][5];     /* R0, R1: rotations of the five rotation layers */
	uchar mix_rot[6];            /* Q */
};

#define ODO_TABLE_WORDS (sizeof(struct odo_tables) / sizeof(ulong))

/* Swap the bits of a and b where mask is set. */
#define ODO_SWAP(a, b, mask)                                                                       \
	do {                                                                                       \
		ulong d_ = ((a) ^ (b)) & (mask);                                                   \
		(a) ^= d_;                                                                         \
		(b) ^= d_;                                                                         \
	} while (0)
#define ODO_ROT(a, n) ((a) = rotate((a), (ulong)(n)))

/* One layer of masked swaps on the pairs (a0, a1) .. (a8, a9); m is its row of 5 masks. */
#define ODO_SWAPS(m, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9)                                       \
	do {                                                                                       \
		ODO_SWAP(a0, a1, (m)[0]);                                                          \
		ODO_SWAP(a2, a3, (m)[1]);                                                          \
		ODO_SWAP(a4, a5, (m)[2]);                                                          \
		ODO_SWAP(a6, a7, (m)[3]);                                                          \
		ODO_SWAP(a8, a9, (m)[4]);                                                          \
	} while (0)
/* The rotations of the even positions a0, a2, .. a8; r is the row of 5 counts. */
#define ODO_ROTS(r, a0, a2, a4, a6, a8)                                                            \
	do {                                                                                       \
		ODO_ROT(a0, (r)[0]);                                                               \
		ODO_ROT(a2, (r)[1]);                                                               \
		ODO_ROT(a4, (r)[2]);                                                               \
		ODO_ROT(a6, (r)[3]);                                                               \
		ODO_ROT(a8, (r)[4]);                                                               \
	} while (0)

/*
 * A P-box (§4.5): five times swaps, shuffle (new w[3i mod 10] = old w[i]),
 * rotation of the even positions; then a sixth layer of swaps. The shuffle is
 * a renaming: after s shuffles position k holds the word that started at
 * 7^s k mod 10, so the layers see the words in the orders 0123456789,
 * 0741852963, 0987654321, 0369258147, 0123456789, 0741852963, which is also
 * the order the P-box leaves them in.
 */
#define ODO_PBOX(m, r, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9)                                     \
	do {                                                                                       \
		ODO_SWAPS((m)[0], w0, w1, w2, w3, w4, w5, w6, w7, w8, w9);                         \
		ODO_ROTS((r)[0], w0, w4, w8, w2, w6);                                              \
		ODO_SWAPS((m)[1], w0, w7, w4, w1, w8, w5, w2, w9, w6, w3);                         \
		ODO_ROTS((r)[1], w0, w8, w6, w4, w2);                                              \
		ODO_SWAPS((m)[2], w0, w9, w8, w7, w6, w5, w4, w3, w2, w1);                         \
		ODO_ROTS((r)[2], w0, w6, w2, w8, w4);                                              \
		ODO_SWAPS((m)[3], w0, w3, w6, w9, w2, w5, w8, w1, w4, w7);                         \
		ODO_ROTS((r)[3], w0, w2, w4, w6, w8);                                              \
		ODO_SWAPS((m)[4], w0, w1, w2, w3, w4, w5, w6, w7, w8, w9);                         \
		ODO_ROTS((r)[4], w0, w4, w8, w2, w6);                                              \
		ODO_SWAPS((m)[5], w0, w7, w4, w1, w8, w5, w2, w9, w6, w3);                         \
	} while (0)

/* Word i through the S-boxes: per 16-bit field f, S6[4i + f] on the low 6 bits, S10[i] above. */
QM_INLINE ulong odo_sbox(__local const struct odo_tables *t, uint i, ulong x)
{
	__local const uchar(*small)[64] = t->sbox_small + 4 * i;
	__local const ushort *large = t->sbox_large[i];

	return (ulong)(small[0][x & 63] | large[(x >> 6) & 1023]) |
	       (ulong)(small[1][(x >> 16) & 63] | large[(x >> 22) & 1023]) << 16 |
	       (ulong)(small[2][(x >> 32) & 63] | large[(x >> 38) & 1023]) << 32 |
	       (ulong)(small[3][(x >> 48) & 63] | large[x >> 54]) << 48;
}

/* The linear mix's part for one word: the XOR of its six rotations by Q. */
QM_INLINE ulong odo_rots(const uchar q[6], ulong x)
{
	return rotate(x, (ulong)q[0]) ^ rotate(x, (ulong)q[1]) ^ rotate(x, (ulong)q[2]) ^
	       rotate(x, (ulong)q[3]) ^ rotate(x, (ulong)q[4]) ^ rotate(x, (ulong)q[5]);
}

/*
 * The cipher of §4.5 on the ten little-endian words of the block: pre-mix,
 * then 84 rounds of P-box 0, S-boxes, P-box 1, linear mix (new word i = word
 * i + 1 xor the rotations of word i) and round key (bit i of K[r] into word
 * i), with the words renamed by the P-boxes as ODO_PBOX describes.
 */
QM_INLINE void odo_encrypt(__local const struct odo_tables *t, ulong w[10])
{
	ulong w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4];
	ulong w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8], w9 = w[9];
	ulong x = w0 ^ w1 ^ w2 ^ w3 ^ w4 ^ w5 ^ w6 ^ w7 ^ w8 ^ w9;
	uchar q[6];

	for (int i = 0; i < 6; i++)
		q[i] = t->mix_rot[i];
	/* Pre-mix: every word xor the folded XOR of all words. */
	x ^= x >> 32;
	w0 ^= x, w1 ^= x, w2 ^= x, w3 ^= x, w4 ^= x;
	w5 ^= x, w6 ^= x, w7 ^= x, w8 ^= x, w9 ^= x;
	for (int r = 0; r < 84; r++) {
		ODO_PBOX(t->pbox_mask[0], t->pbox_rot[0], w0, w1, w2, w3, w4, w5, w6, w7, w8, w9);
		ulong s0 = odo_sbox(t, 0, w0), s1 = odo_sbox(t, 1, w7), s2 = odo_sbox(t, 2, w4);
		ulong s3 = odo_sbox(t, 3, w1), s4 = odo_sbox(t, 4, w8), s5 = odo_sbox(t, 5, w5);
		ulong s6 = odo_sbox(t, 6, w2), s7 = odo_sbox(t, 7, w9), s8 = odo_sbox(t, 8, w6);
		ulong s9 = odo_sbox(t, 9, w3);
		ODO_PBOX(t->pbox_mask[1], t->pbox_rot[1], s0, s1, s2, s3, s4, s5, s6, s7, s8, s9);
		/* Logical order s0 s7 s4 s1 s8 s5 s2 s9 s6 s3. */
		ulong k = t->round_key[r];
		w0 = s7 ^ odo_rots(q, s0) ^ (k & 1);
		w1 = s4 ^ odo_rots(q, s7) ^ ((k >> 1) & 1);
		w2 = s1 ^ odo_rots(q, s4) ^ ((k >> 2) & 1);
		w3 = s8 ^ odo_rots(q, s1) ^ ((k >> 3) & 1);
		w4 = s5 ^ odo_rots(q, s8) ^ ((k >> 4) & 1);
		w5 = s2 ^ odo_rots(q, s5) ^ ((k >> 5) & 1);
		w6 = s9 ^ odo_rots(q, s2) ^ ((k >> 6) & 1);
		w7 = s6 ^ odo_rots(q, s9) ^ ((k >> 7) & 1);
		w8 = s3 ^ odo_rots(q, s6) ^ ((k >> 8) & 1);
		w9 = s0 ^ odo_rots(q, s3) ^ ((k >> 9) & 1);
	}
	w[0] = w0, w[1] = w1, w[2] = w2, w[3] = w3, w[4] = w4;
	w[5] = w5, w[6] = w6, w[7] = w7, w[8] = w8, w[9] = w9;
}

/* Keccak round constants of rounds 10..21 (FIPS 202 §3.2.5, low 32 bits). */
__constant uint odo_keccak_rc[12] = {
	0x80008009u, 0x8000000au, 0x8000808bu, 0x0000008bu, 0x00008089u, 0x00008003u,
	0x00008002u, 0x00000080u, 0x0000800au, 0x8000000au, 0x80008081u, 0x00008080u,
};

/* rho offsets mod 32 by lane index x + 5y (FIPS 202 §3.2.2). */
#define ODO_RHO_0 0
#define ODO_RHO_1 1
#define ODO_RHO_2 30
#define ODO_RHO_3 28
#define ODO_RHO_4 27
#define ODO_RHO_5 4
#define ODO_RHO_6 12
#define ODO_RHO_7 6
#define ODO_RHO_8 23
#define ODO_RHO_9 20
#define ODO_RHO_10 3
#define ODO_RHO_11 10
#define ODO_RHO_12 11
#define ODO_RHO_13 25
#define ODO_RHO_14 7
#define ODO_RHO_15 9
#define ODO_RHO_16 13
#define ODO_RHO_17 15
#define ODO_RHO_18 21
#define ODO_RHO_19 8
#define ODO_RHO_20 18
#define ODO_RHO_21 2
#define ODO_RHO_22 29
#define ODO_RHO_23 24
#define ODO_RHO_24 14

/* Source lane s after theta, rotated by its rho offset. */
#define ODO_B(s) rotate(a[s] ^ d[(s) % 5], (uint)ODO_RHO_##s)
/*
 * Output row Y of rho, pi and chi: lane X of the row is source lane
 * (3(Y - 3X) mod 5, X); s0..s4 are those lane indices.
 */
#define ODO_ROW(Y, s0, s1, s2, s3, s4)                                                             \
	do {                                                                                       \
		uint b0 = ODO_B(s0), b1 = ODO_B(s1), b2 = ODO_B(s2), b3 = ODO_B(s3);               \
		uint b4 = ODO_B(s4);                                                               \
		e[5 * (Y) + 0] = b0 ^ (~b1 & b2);                                                  \
		e[5 * (Y) + 1] = b1 ^ (~b2 & b3);                                                  \
		e[5 * (Y) + 2] = b2 ^ (~b3 & b4);                                                  \
		e[5 * (Y) + 3] = b3 ^ (~b4 & b0);                                                  \
		e[5 * (Y) + 4] = b4 ^ (~b0 & b1);                                                  \
	} while (0)

/* Keccak-p[800, 12] (§4.6): rounds 10..21 of Keccak-f[800] on the lanes a[x + 5y]. */
QM_INLINE void odo_keccak(uint a[25])
{
	for (int r = 0; r < 12; r++) {
		uint c[5], d[5], e[25];

		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++)
			d[x] = c[(x + 4) % 5] ^ rotate(c[(x + 1) % 5], 1u);
		ODO_ROW(0, 0, 6, 12, 18, 24);
		ODO_ROW(1, 3, 9, 10, 16, 22);
		ODO_ROW(2, 1, 7, 13, 19, 20);
		ODO_ROW(3, 4, 5, 11, 17, 23);
		ODO_ROW(4, 2, 8, 14, 15, 21);
		e[0] ^= odo_keccak_rc[r];
		for (int i = 0; i < 25; i++)
			a[i] = e[i];
	}
}

__kernel void qm_info(__global uint *info)
{
	info[0] = 0;
}

__kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first, uint last,
		      __global uint *hits, volatile __global uint *hit_count, uint max_hits,
		      __global uint4 *scratch, __global const ulong *data)
{
	__local struct odo_tables tables;
	__local ulong *words = (__local ulong *)&tables;

	for (uint i = (uint)get_local_id(0); i < ODO_TABLE_WORDS; i += (uint)get_local_size(0))
		words[i] = data[i];
	barrier(CLK_LOCAL_MEM_FENCE);
	if (get_global_id(0) > (size_t)(last - first))
		return;
	uint nonce = first + (uint)get_global_id(0);

	/* §4.2: the header as ten little-endian 64-bit words; the nonce is the top of word 9. */
	ulong w[10] = {
		upsample(hdr_lo.s1, hdr_lo.s0), upsample(hdr_lo.s3, hdr_lo.s2),
		upsample(hdr_lo.s5, hdr_lo.s4), upsample(hdr_lo.s7, hdr_lo.s6),
		upsample(hdr_lo.s9, hdr_lo.s8), upsample(hdr_lo.sb, hdr_lo.sa),
		upsample(hdr_lo.sd, hdr_lo.sc), upsample(hdr_lo.sf, hdr_lo.se),
		upsample(hdr_hi.s1, hdr_hi.s0), upsample(nonce, hdr_hi.s2),
	};
	odo_encrypt(&tables, w);

	/* The 100-byte Keccak state: the ciphertext, then 0x01 at byte 80, zeros. */
	uint a[25];
	for (int i = 0; i < 10; i++) {
		a[2 * i] = (uint)w[i];
		a[2 * i + 1] = (uint)(w[i] >> 32);
	}
	a[20] = 1;
	for (int i = 21; i < 25; i++)
		a[i] = 0;
	odo_keccak(a);
	if (a[7] <= target.s7 && qm_hash_le_target(a, target))
		qm_hit(hits, hit_count, max_hits, nonce);
}
