/* SPDX-License-Identifier: MIT */
/*
 * scrypt(N=1024, r=1, p=1) of the header with password = salt = header
 * (docs/pow.md §3.2, RFC 7914), one work-item per nonce. The ABI and the
 * SHA-256 helpers are in common.cl.
 */

#define SCRYPT_N 1024
/* One 128-byte block X is 8 uint4; V holds N of them per work-item (RFC 7914 §5). */
#define SCRYPT_BLOCK_VEC 8
/*
 * Lookup gap G (the host's -DQM_LOOKUP_GAP, --lookup-gap): V keeps only every
 * G-th block, and a read of block j recomputes it from block j - j mod G with
 * j mod G more BlockMix calls: 1/G of the memory for (G - 1) / 2 extra
 * BlockMix calls per read on average.
 */
#ifndef QM_LOOKUP_GAP
#define QM_LOOKUP_GAP 1
#endif
#define SCRYPT_V_BLOCKS ((SCRYPT_N + QM_LOOKUP_GAP - 1) / QM_LOOKUP_GAP)
#define SCRYPT_SCRATCH_LEN (SCRYPT_V_BLOCKS * SCRYPT_BLOCK_VEC * 16)

__kernel void qm_info(__global uint *info)
{
	info[0] = SCRYPT_SCRATCH_LEN;
}

/*
 * HMAC-SHA256 states after the key block (RFC 2104 §2). The 80-byte password
 * is longer than a block, so the key is SHA-256(password), zero-padded.
 */
QM_INLINE void scrypt_hmac_key(const uint hw[20], uint ipad[8], uint opad[8])
{
	uint key[8], blk[16];

	qm_sha256_init(key);
	qm_sha256_compress(key, hw);
	for (int i = 0; i < 4; i++)
		blk[i] = hw[16 + i];
	blk[4] = 0x80000000u;
	for (int i = 5; i < 15; i++)
		blk[i] = 0;
	blk[15] = 80 * 8;
	qm_sha256_compress(key, blk);

	for (int i = 0; i < 16; i++)
		blk[i] = (i < 8 ? key[i] : 0) ^ 0x36363636u;
	qm_sha256_init(ipad);
	qm_sha256_compress(ipad, blk);
	for (int i = 0; i < 16; i++)
		blk[i] = (i < 8 ? key[i] : 0) ^ 0x5c5c5c5cu;
	qm_sha256_init(opad);
	qm_sha256_compress(opad, blk);
}

/* Outer HMAC step: st = SHA-256(opad block || inner digest), 96 bytes in all. */
QM_INLINE void scrypt_hmac_outer(const uint opad[8], const uint inner[8], uint st[8])
{
	uint blk[16];

	for (int i = 0; i < 8; i++) {
		st[i] = opad[i];
		blk[i] = inner[i];
	}
	blk[8] = 0x80000000u;
	for (int i = 9; i < 15; i++)
		blk[i] = 0;
	blk[15] = (64 + 32) * 8;
	qm_sha256_compress(st, blk);
}

/* Salsa20/8 core with feed-forward (RFC 7914 §3) of b xor bx, into b. */
QM_INLINE void scrypt_salsa_xor(uint b[16], const uint bx[16])
{
	uint x[16];

	for (int i = 0; i < 16; i++) {
		b[i] ^= bx[i];
		x[i] = b[i];
	}
/* The Salsa20 quarter-round on (a, b, c, d). */
#define SCRYPT_QR(a, b, c, d)                                                                      \
	do {                                                                                       \
		x[b] ^= rotate(x[a] + x[d], 7u);                                                   \
		x[c] ^= rotate(x[b] + x[a], 9u);                                                   \
		x[d] ^= rotate(x[c] + x[b], 13u);                                                  \
		x[a] ^= rotate(x[d] + x[c], 18u);                                                  \
	} while (0)
	for (int r = 0; r < 8; r += 2) {
		/* Column round, then row round. */
		SCRYPT_QR(0, 4, 8, 12);
		SCRYPT_QR(5, 9, 13, 1);
		SCRYPT_QR(10, 14, 2, 6);
		SCRYPT_QR(15, 3, 7, 11);
		SCRYPT_QR(0, 1, 2, 3);
		SCRYPT_QR(5, 6, 7, 4);
		SCRYPT_QR(10, 11, 8, 9);
		SCRYPT_QR(15, 12, 13, 14);
	}
#undef SCRYPT_QR
	for (int i = 0; i < 16; i++)
		b[i] += x[i];
}

/* BlockMix with r = 1 (RFC 7914 §4): X0 = Salsa(X0 ^ X1), X1 = Salsa(X1 ^ X0). */
QM_INLINE void scrypt_blockmix(uint x[32])
{
	scrypt_salsa_xor(x, x + 16);
	scrypt_salsa_xor(x + 16, x);
}

__kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first, uint last,
		      __global uint *hits, volatile __global uint *hit_count, uint max_hits,
		      __global uint4 *scratch, __global const ulong *data)
{
	if (get_global_id(0) > (size_t)(last - first))
		return;
	uint nonce = first + (uint)get_global_id(0);
	size_t gid = get_global_id(0), items = get_global_size(0);
	uint hw[20] = {
		qm_bswap32(hdr_lo.s0), qm_bswap32(hdr_lo.s1), qm_bswap32(hdr_lo.s2),
		qm_bswap32(hdr_lo.s3), qm_bswap32(hdr_lo.s4), qm_bswap32(hdr_lo.s5),
		qm_bswap32(hdr_lo.s6), qm_bswap32(hdr_lo.s7), qm_bswap32(hdr_lo.s8),
		qm_bswap32(hdr_lo.s9), qm_bswap32(hdr_lo.sa), qm_bswap32(hdr_lo.sb),
		qm_bswap32(hdr_lo.sc), qm_bswap32(hdr_lo.sd), qm_bswap32(hdr_lo.se),
		qm_bswap32(hdr_lo.sf), qm_bswap32(hdr_hi.s0), qm_bswap32(hdr_hi.s1),
		qm_bswap32(hdr_hi.s2), qm_bswap32(nonce),
	};
	uint ipad[8], opad[8], inner[8], st[8], blk[16], x[32];

	scrypt_hmac_key(hw, ipad, opad);

	/*
	 * B = PBKDF2-HMAC-SHA256(P = S = header, c = 1, dkLen = 128): blocks
	 * T_1..T_4 = HMAC(header || INT(i)) (RFC 8018 §5.2). The first 64
	 * header bytes after the key block are common to all four.
	 */
	uint mid[8];
	for (int i = 0; i < 8; i++)
		mid[i] = ipad[i];
	qm_sha256_compress(mid, hw);
	for (uint i = 1; i <= 4; i++) {
		for (int k = 0; k < 8; k++)
			inner[k] = mid[k];
		for (int k = 0; k < 4; k++)
			blk[k] = hw[16 + k];
		blk[4] = i;
		blk[5] = 0x80000000u;
		for (int k = 6; k < 15; k++)
			blk[k] = 0;
		blk[15] = (64 + 80 + 4) * 8;
		qm_sha256_compress(inner, blk);
		scrypt_hmac_outer(opad, inner, st);
		/* X is B read as little-endian words. */
		for (int k = 0; k < 8; k++)
			x[(i - 1) * 8 + k] = qm_bswap32(st[k]);
	}

	/* ROMix (RFC 7914 §5); V is interleaved across work-items so reads coalesce. */
	for (uint i = 0; i < SCRYPT_N; i++) {
		if (i % QM_LOOKUP_GAP == 0) {
			size_t slot = i / QM_LOOKUP_GAP;
			for (int k = 0; k < SCRYPT_BLOCK_VEC; k++)
				scratch[(slot * SCRYPT_BLOCK_VEC + k) * items + gid] =
					(uint4)(x[4 * k], x[4 * k + 1], x[4 * k + 2], x[4 * k + 3]);
		}
		scrypt_blockmix(x);
	}
	for (uint i = 0; i < SCRYPT_N; i++) {
		/* Integerify: the first word of the last 64-byte half, mod N. */
		uint j = x[16] & (SCRYPT_N - 1);
		size_t slot = j / QM_LOOKUP_GAP;
		uint v[32];
		for (int k = 0; k < SCRYPT_BLOCK_VEC; k++) {
			uint4 q = scratch[(slot * SCRYPT_BLOCK_VEC + k) * items + gid];
			v[4 * k] = q.x;
			v[4 * k + 1] = q.y;
			v[4 * k + 2] = q.z;
			v[4 * k + 3] = q.w;
		}
		for (uint r = j % QM_LOOKUP_GAP; r; r--)
			scrypt_blockmix(v);
		for (int k = 0; k < 32; k++)
			x[k] ^= v[k];
		scrypt_blockmix(x);
	}

	/* PBKDF2-HMAC-SHA256(P = header, S = X, c = 1, dkLen = 32): HMAC(X || INT(1)). */
	for (int k = 0; k < 8; k++)
		inner[k] = ipad[k];
	for (int k = 0; k < 16; k++)
		blk[k] = qm_bswap32(x[k]);
	qm_sha256_compress(inner, blk);
	for (int k = 0; k < 16; k++)
		blk[k] = qm_bswap32(x[16 + k]);
	qm_sha256_compress(inner, blk);
	blk[0] = 1;
	blk[1] = 0x80000000u;
	for (int k = 2; k < 15; k++)
		blk[k] = 0;
	blk[15] = (64 + 128 + 4) * 8;
	qm_sha256_compress(inner, blk);
	scrypt_hmac_outer(opad, inner, st);

	uint hash[8];
	for (int i = 0; i < 8; i++)
		hash[i] = qm_bswap32(st[i]);
	if (hash[7] <= target.s7 && qm_hash_le_target(hash, target))
		qm_hit(hits, hit_count, max_hits, nonce);
}
