/* SPDX-License-Identifier: MIT */
/*
 * SHA-256d (docs/pow.md §3.1): SHA-256(SHA-256(header)), one work-item
 * per nonce. The ABI and the SHA-256 helpers are in common.cl.
 */

__kernel void qm_info(__global uint *info)
{
	info[0] = 0;
}

__kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first, uint last,
		      __global uint *hits, volatile __global uint *hit_count, uint max_hits,
		      __global uint4 *scratch, __global const ulong *data)
{
	/*
	 * The first 64 header bytes hold no nonce, so their compression (the
	 * midstate) is the same for every work-item: one per group computes it.
	 */
	__local uint midstate[8];
	uint st[8], w[16];

	if (get_local_id(0) == 0) {
		uint blk[16] = {
			qm_bswap32(hdr_lo.s0), qm_bswap32(hdr_lo.s1), qm_bswap32(hdr_lo.s2),
			qm_bswap32(hdr_lo.s3), qm_bswap32(hdr_lo.s4), qm_bswap32(hdr_lo.s5),
			qm_bswap32(hdr_lo.s6), qm_bswap32(hdr_lo.s7), qm_bswap32(hdr_lo.s8),
			qm_bswap32(hdr_lo.s9), qm_bswap32(hdr_lo.sa), qm_bswap32(hdr_lo.sb),
			qm_bswap32(hdr_lo.sc), qm_bswap32(hdr_lo.sd), qm_bswap32(hdr_lo.se),
			qm_bswap32(hdr_lo.sf),
		};
		qm_sha256_init(st);
		qm_sha256_compress(st, blk);
		for (int i = 0; i < 8; i++)
			midstate[i] = st[i];
	}
	barrier(CLK_LOCAL_MEM_FENCE);
	if (get_global_id(0) > (size_t)(last - first))
		return;
	uint nonce = first + (uint)get_global_id(0);

	/* Second block: header bytes 64..79, then padding for 80 bytes (640 bits). */
	for (int i = 0; i < 8; i++)
		st[i] = midstate[i];
	w[0] = qm_bswap32(hdr_hi.s0);
	w[1] = qm_bswap32(hdr_hi.s1);
	w[2] = qm_bswap32(hdr_hi.s2);
	w[3] = qm_bswap32(nonce);
	w[4] = 0x80000000u;
	for (int i = 5; i < 15; i++)
		w[i] = 0;
	w[15] = 640;
	qm_sha256_compress(st, w);

	/* SHA-256 of the 32-byte digest: one block, padding for 256 bits. */
	for (int i = 0; i < 8; i++)
		w[i] = st[i];
	w[8] = 0x80000000u;
	for (int i = 9; i < 15; i++)
		w[i] = 0;
	w[15] = 256;
	qm_sha256_init(st);
	qm_sha256_compress(st, w);

	/* The digest's big-endian words, read back as little-endian hash words. */
	uint hash[8];
	for (int i = 0; i < 8; i++)
		hash[i] = qm_bswap32(st[i]);
	if (hash[7] <= target.s7 && qm_hash_le_target(hash, target))
		qm_hit(hits, hit_count, max_hits, nonce);
}
