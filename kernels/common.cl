/* SPDX-License-Identifier: MIT */
/*
 * Shared by every kernel: the host passes this file and the algorithm's own
 * kernel file to the compiler as one program (common.cl first). It holds
 * SHA-256 (FIPS 180-4), the byte-order helper, the target test and the hit
 * append.
 *
 * The kernel ABI, the same in every kernel file (src/opencl.c sets it up):
 *
 *   __kernel void qm_info(__global uint *info)
 *	info[0] = bytes of scratch memory the scan needs per work-item (0: none).
 *
 *   __kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first, uint last,
 *			   __global uint *hits, volatile __global uint *hit_count,
 *			   uint max_hits, __global uint4 *scratch, __global const ulong *data)
 *	One work-item per nonce: nonce = first + get_global_id(0). The global
 *	size is rounded up to the work-group size, so work-items past last do
 *	nothing. hdr_lo/hdr_hi are the 80 header bytes read as 20 little-endian
 *	words (word 19, the nonce, is replaced); target is the 32-byte
 *	little-endian target as 8 little-endian words, s7 the most significant.
 *	A nonce whose hash is <= target is appended to hits through atomic_inc
 *	on *hit_count; slots at or past max_hits are not written, but
 *	*hit_count still counts them, so the host knows when hits were lost.
 *	scratch holds info[0] bytes for each work-item of the launch (NULL when
 *	info[0] is 0). data holds the algorithm's per-key tables
 *	(algo->kernel_data_len bytes, little-endian, filled on the host by
 *	algo->kernel_data for the key algo->kernel_key selects; NULL when the
 *	algorithm has none). It changes only between launches.
 */

/*
 * Helpers are forced inline: a call inside the work-item loop stops PoCL from
 * vectorizing it across work-items, and GPUs keep the state in registers.
 */
#define QM_INLINE static inline __attribute__((always_inline))

/* FIPS 180-4 §4.2.2: the SHA-256 round constants. */
__constant uint qm_sha256_k[64] = {
	0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
	0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
	0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
	0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
	0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
	0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
	0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
	0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
	0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
	0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
	0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

/* FIPS 180-4 §5.3.3: the initial hash value. */
__constant uint qm_sha256_iv[8] = {
	0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
	0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};

/* SHA-256 reads message words big-endian (FIPS 180-4 §3.1); headers are little-endian. */
QM_INLINE uint qm_bswap32(uint x)
{
	return rotate(x & 0x00ff00ffu, 24u) | rotate(x & 0xff00ff00u, 8u);
}

#define QM_ROTR32(x, n) rotate((x), (uint)(32 - (n)))

QM_INLINE void qm_sha256_init(uint st[8])
{
	for (int i = 0; i < 8; i++)
		st[i] = qm_sha256_iv[i];
}

/*
 * One SHA-256 compression (FIPS 180-4 §6.2.2) of the 16 big-endian words
 * blk into st. The schedule is kept as a ring of 16 words.
 */
QM_INLINE void qm_sha256_compress(uint st[8], const uint blk[16])
{
	uint w[16];
	uint a = st[0], b = st[1], c = st[2], d = st[3];
	uint e = st[4], f = st[5], g = st[6], h = st[7];

	for (int i = 0; i < 16; i++)
		w[i] = blk[i];
#pragma unroll
	for (int t = 0; t < 64; t++) {
		if (t >= 16) {
			uint w2 = w[(t - 2) & 15], w15 = w[(t - 15) & 15];
			uint s0 = QM_ROTR32(w15, 7) ^ QM_ROTR32(w15, 18) ^ (w15 >> 3);
			uint s1 = QM_ROTR32(w2, 17) ^ QM_ROTR32(w2, 19) ^ (w2 >> 10);
			w[t & 15] += s1 + w[(t - 7) & 15] + s0;
		}
		/* Ch(e, f, g) and Maj(a, b, c) as bit selects (§4.1.2). */
		uint t1 = h + (QM_ROTR32(e, 6) ^ QM_ROTR32(e, 11) ^ QM_ROTR32(e, 25)) +
			  bitselect(g, f, e) + qm_sha256_k[t] + w[t & 15];
		uint t2 = (QM_ROTR32(a, 2) ^ QM_ROTR32(a, 13) ^ QM_ROTR32(a, 22)) +
			  bitselect(b, a, b ^ c);
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}

/*
 * 1 if hash <= target, both as 8 little-endian words with word 7 the most
 * significant (docs/pow.md §1, §5): compared most significant word first.
 */
QM_INLINE int qm_hash_le_target(const uint hash[8], uint8 target)
{
	uint t[8] = { target.s0, target.s1, target.s2, target.s3,
		      target.s4, target.s5, target.s6, target.s7 };

	for (int i = 7; i >= 0; i--) {
		if (hash[i] != t[i])
			return hash[i] < t[i];
	}
	return 1;
}

/* Appends nonce to hits; the slot is reserved atomically and bounds-checked. */
QM_INLINE void qm_hit(__global uint *hits, volatile __global uint *hit_count, uint max_hits,
		      uint nonce)
{
	uint slot = atomic_inc(hit_count);

	if (slot < max_hits)
		hits[slot] = nonce;
}
