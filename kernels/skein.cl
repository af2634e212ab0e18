/* SPDX-License-Identifier: MIT */
/*
 * Skein (docs/pow.md §3.3): SHA-256(Skein-512-512(header)), one
 * work-item per nonce. Skein-512 per the Skein 1.3 paper: Threefish-512
 * ("Threefish", "The Key Schedule") inside UBI ("Unique Block Iteration").
 * The ABI and the SHA-256 helpers are in common.cl.
 */

/* Skein 1.3 §3.3.2: key schedule constant C240. */
#define SKEIN_C240 0x1BD11BDAA9FC1A22UL
/* Tweak word 1 (§3.4): block type in bits 120..125, First bit 126, Final bit 127. */
#define SKEIN_FIRST (1UL << 62)
#define SKEIN_FINAL (1UL << 63)
#define SKEIN_TYPE_MSG (48UL << 56)
#define SKEIN_TYPE_OUT (63UL << 56)

/* Skein 1.3 Appendix B.2: the chaining value after the config block of Skein-512-512. */
__constant ulong skein_iv[8] = {
	0x4903ADFF749C51CEUL, 0x0D95DE399746DF03UL, 0x8FD1934127C79BCEUL, 0x9A255629FF352CB1UL,
	0x5DB62599DF6CA7B0UL, 0xEABE394CA9D5C3F4UL, 0x991112C71A75B523UL, 0xAE18A40B660FCC33UL,
};

__kernel void qm_info(__global uint *info)
{
	info[0] = 0;
}

/* MIX (§3.3.1): y0 = x0 + x1, y1 = (x1 <<< r) xor y0. */
#define SKEIN_MIX(a, b, r)                                                                         \
	do {                                                                                       \
		x[a] += x[b];                                                                      \
		x[b] = rotate(x[b], (ulong)(r)) ^ x[a];                                            \
	} while (0)

/*
 * Four rounds with rotation rows r0..r3 (Table 4, rows d mod 8). The word
 * permutation pi = (2, 1, 4, 7, 6, 5, 0, 3) is applied by renaming: after
 * four permutations the words are back in place.
 */
#define SKEIN_ROUNDS4(r0a, r0b, r0c, r0d, r1a, r1b, r1c, r1d, r2a, r2b, r2c, r2d, r3a, r3b, r3c,  \
		      r3d)                                                                         \
	do {                                                                                       \
		SKEIN_MIX(0, 1, r0a);                                                              \
		SKEIN_MIX(2, 3, r0b);                                                              \
		SKEIN_MIX(4, 5, r0c);                                                              \
		SKEIN_MIX(6, 7, r0d);                                                              \
		SKEIN_MIX(2, 1, r1a);                                                              \
		SKEIN_MIX(4, 7, r1b);                                                              \
		SKEIN_MIX(6, 5, r1c);                                                              \
		SKEIN_MIX(0, 3, r1d);                                                              \
		SKEIN_MIX(4, 1, r2a);                                                              \
		SKEIN_MIX(6, 3, r2b);                                                              \
		SKEIN_MIX(0, 5, r2c);                                                              \
		SKEIN_MIX(2, 7, r2d);                                                              \
		SKEIN_MIX(6, 1, r3a);                                                              \
		SKEIN_MIX(0, 7, r3b);                                                              \
		SKEIN_MIX(2, 5, r3c);                                                              \
		SKEIN_MIX(4, 3, r3d);                                                              \
	} while (0)

/* Subkey s (§3.3.2) added to the state. */
#define SKEIN_SUBKEY(s)                                                                            \
	do {                                                                                       \
		for (int i_ = 0; i_ < 8; i_++)                                                     \
			x[i_] += k[((s) + i_) % 9];                                                \
		x[5] += t[(s) % 3];                                                                \
		x[6] += t[((s) + 1) % 3];                                                          \
		x[7] += (ulong)(s);                                                                \
	} while (0)

/*
 * UBI step (§3.4): chain = Threefish-512(key = chain, tweak = (pos, t1), m)
 * xor m, for one 64-byte block m of eight little-endian words.
 */
QM_INLINE void skein_ubi(ulong chain[8], const ulong m[8], ulong pos, ulong t1)
{
	ulong k[9], t[3] = { pos, t1, pos ^ t1 }, x[8];

	k[8] = SKEIN_C240;
	for (int i = 0; i < 8; i++) {
		k[i] = chain[i];
		k[8] ^= chain[i];
		x[i] = m[i];
	}
	SKEIN_SUBKEY(0);
#pragma unroll
	for (int s = 1; s < 18; s += 2) {
		SKEIN_ROUNDS4(46, 36, 19, 37, 33, 27, 14, 42, 17, 49, 36, 39, 44, 9, 54, 56);
		SKEIN_SUBKEY(s);
		SKEIN_ROUNDS4(39, 30, 34, 24, 13, 50, 10, 17, 25, 29, 39, 43, 8, 35, 56, 22);
		SKEIN_SUBKEY(s + 1);
	}
	for (int i = 0; i < 8; i++)
		chain[i] = x[i] ^ m[i];
}

__kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first, uint last,
		      __global uint *hits, volatile __global uint *hit_count, uint max_hits,
		      __global uint4 *scratch, __global const ulong *data)
{
	/* The first message block (header bytes 0..63) holds no nonce: one per group. */
	__local ulong midstate[8];
	ulong chain[8], m[8];

	if (get_local_id(0) == 0) {
		ulong b[8] = {
			upsample(hdr_lo.s1, hdr_lo.s0), upsample(hdr_lo.s3, hdr_lo.s2),
			upsample(hdr_lo.s5, hdr_lo.s4), upsample(hdr_lo.s7, hdr_lo.s6),
			upsample(hdr_lo.s9, hdr_lo.s8), upsample(hdr_lo.sb, hdr_lo.sa),
			upsample(hdr_lo.sd, hdr_lo.sc), upsample(hdr_lo.sf, hdr_lo.se),
		};
		for (int i = 0; i < 8; i++)
			chain[i] = skein_iv[i];
		skein_ubi(chain, b, 64, SKEIN_TYPE_MSG | SKEIN_FIRST);
		for (int i = 0; i < 8; i++)
			midstate[i] = chain[i];
	}
	barrier(CLK_LOCAL_MEM_FENCE);
	if (get_global_id(0) > (size_t)(last - first))
		return;
	uint nonce = first + (uint)get_global_id(0);

	/* Last message block: header bytes 64..79, zero-padded; 80 bytes in all. */
	for (int i = 0; i < 8; i++) {
		chain[i] = midstate[i];
		m[i] = 0;
	}
	m[0] = upsample(hdr_hi.s1, hdr_hi.s0);
	m[1] = upsample(nonce, hdr_hi.s2);
	skein_ubi(chain, m, 80, SKEIN_TYPE_MSG | SKEIN_FINAL);
	/* Output stage (§3.5.3): UBI of the 8-byte counter 0. */
	m[0] = 0;
	m[1] = 0;
	skein_ubi(chain, m, 8, SKEIN_TYPE_OUT | SKEIN_FIRST | SKEIN_FINAL);

	/* SHA-256 of the 64 output bytes (little-endian words), then its padding block. */
	uint st[8], w[16];
	for (int i = 0; i < 8; i++) {
		w[2 * i] = qm_bswap32((uint)chain[i]);
		w[2 * i + 1] = qm_bswap32((uint)(chain[i] >> 32));
	}
	qm_sha256_init(st);
	qm_sha256_compress(st, w);
	w[0] = 0x80000000u;
	for (int i = 1; i < 15; i++)
		w[i] = 0;
	w[15] = 64 * 8;
	qm_sha256_compress(st, w);

	uint hash[8];
	for (int i = 0; i < 8; i++)
		hash[i] = qm_bswap32(st[i]);
	if (hash[7] <= target.s7 && qm_hash_le_target(hash, target))
		qm_hit(hits, hit_count, max_hits, nonce);
}
