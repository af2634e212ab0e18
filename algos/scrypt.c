/* SPDX-License-Identifier: MIT */
#include "scrypt.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "endian.h"
#include "sha256.h"

/* One Salsa20 quarter-round on words a, b, c, d of x (Salsa20 spec §3). */
static inline void scrypt_quarter(uint32_t x[16], int a, int b, int c, int d)
{
	x[b] ^= rotl32(x[a] + x[d], 7);
	x[c] ^= rotl32(x[b] + x[a], 9);
	x[d] ^= rotl32(x[c] + x[b], 13);
	x[a] ^= rotl32(x[d] + x[c], 18);
}

void scrypt_salsa20_8_xor(uint32_t b[16], const uint32_t bx[16])
{
	uint32_t x[16];

	for (int i = 0; i < 16; i++)
		x[i] = b[i] ^= bx[i];
	/* RFC 7914 §3: four double rounds, column round then row round. */
	for (int r = 0; r < 8; r += 2) {
		scrypt_quarter(x, 0, 4, 8, 12);
		scrypt_quarter(x, 5, 9, 13, 1);
		scrypt_quarter(x, 10, 14, 2, 6);
		scrypt_quarter(x, 15, 3, 7, 11);
		scrypt_quarter(x, 0, 1, 2, 3);
		scrypt_quarter(x, 5, 6, 7, 4);
		scrypt_quarter(x, 10, 11, 8, 9);
		scrypt_quarter(x, 15, 12, 13, 14);
	}
	for (int i = 0; i < 16; i++)
		b[i] += x[i];
}

void scrypt_blockmix(uint32_t x[SCRYPT_BLOCK_WORDS])
{
	/* RFC 7914 §4 with r = 1: Y0 = H(X1 ^ X0), Y1 = H(Y0 ^ X1); B' = (Y0, Y1). */
	scrypt_salsa20_8_xor(x, x + 16);
	scrypt_salsa20_8_xor(x + 16, x);
}

void scrypt_romix_fill(uint32_t x[SCRYPT_BLOCK_WORDS], uint32_t *v)
{
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
		memcpy(v + i * SCRYPT_BLOCK_WORDS, x, SCRYPT_BLOCK_WORDS * sizeof(x[0]));
		scrypt_blockmix(x);
	}
}

void scrypt_romix_mix(uint32_t x[SCRYPT_BLOCK_WORDS], const uint32_t *v)
{
	for (uint32_t i = 0; i < SCRYPT_N; i++) {
		/* Integerify (RFC 7914 §5): the first word of the last 64-byte half. */
		const uint32_t *vj = v + (x[16] & (SCRYPT_N - 1)) * SCRYPT_BLOCK_WORDS;
		for (unsigned k = 0; k < SCRYPT_BLOCK_WORDS; k++)
			x[k] ^= vj[k];
		scrypt_blockmix(x);
	}
}

void scrypt_pbkdf2_in(const uint8_t header[HEADER_LEN], uint32_t x[SCRYPT_BLOCK_WORDS])
{
	uint8_t b[SCRYPT_BLOCK_WORDS * 4];

	pbkdf2_sha256(header, HEADER_LEN, header, HEADER_LEN, 1, b, sizeof(b));
	for (unsigned k = 0; k < SCRYPT_BLOCK_WORDS; k++)
		x[k] = le32_load(b + 4 * k);
}

void scrypt_pbkdf2_out(const uint8_t header[HEADER_LEN], const uint32_t x[SCRYPT_BLOCK_WORDS],
		       uint8_t out[HASH_LEN])
{
	uint8_t b[SCRYPT_BLOCK_WORDS * 4];

	for (unsigned k = 0; k < SCRYPT_BLOCK_WORDS; k++)
		le32_store(b + 4 * k, x[k]);
	pbkdf2_sha256(header, HEADER_LEN, b, sizeof(b), 1, out, HASH_LEN);
}

/* scrypt(N = 1024, r = 1, p = 1) of the header (docs/pow.md §3.2). */
static void scrypt_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
			uint8_t out[HASH_LEN])
{
	uint32_t x[SCRYPT_BLOCK_WORDS], v[SCRYPT_PAD_WORDS];

	scrypt_pbkdf2_in(header, x);
	scrypt_romix_fill(x, v);
	scrypt_romix_mix(x, v);
	scrypt_pbkdf2_out(header, x, out);
}

/* FIPS 180-4 §5.1.1 padding of a final block: 0x80 after used bytes, bit length at the end. */
static void scrypt_pad_block(uint8_t block[64], size_t used, uint64_t total_len)
{
	memset(block + used, 0, 64 - used);
	block[used] = 0x80;
	be64_store(block + 56, total_len * 8);
}

static int scrypt_prepare(void *vctx, const struct algo_params *params,
			  const uint8_t header[HEADER_LEN])
{
	struct scrypt_ctx *ctx = vctx;

	memcpy(ctx->header, header, HEADER_LEN);
	/* The HMAC key, hashed because it is over 64 bytes: its first block holds no nonce. */
	memcpy(ctx->key_midstate, sha256_iv, sizeof(ctx->key_midstate));
	sha256_compress(ctx->key_midstate, header);
	memcpy(ctx->key_tail, header + 64, HEADER_LEN - 64);
	scrypt_pad_block(ctx->key_tail, HEADER_LEN - 64, HEADER_LEN);
	/* Inner hash of step 1: ipad block, header, INT(i) (RFC 8018 §5.2). */
	memcpy(ctx->salt_tail, header + 64, HEADER_LEN - 64);
	scrypt_pad_block(ctx->salt_tail, HEADER_LEN - 64 + 4, 64 + HEADER_LEN + 4);
	return 0;
}

/* The HMAC outer hash: st (an inner digest) becomes SHA-256 from the opad state over it. */
static void scrypt_hmac_outer(const uint32_t outer[8], uint32_t st[8])
{
	uint8_t block[64];

	sha256_state_store(st, block);
	scrypt_pad_block(block, 32, 64 + 32);
	memcpy(st, outer, 8 * sizeof(st[0]));
	sha256_compress(st, block);
}

void scrypt_lane_in(const struct scrypt_ctx *ctx, uint32_t nonce, struct scrypt_hmac *hmac,
		    uint32_t x[SCRYPT_BLOCK_WORDS])
{
	uint8_t block[64];
	uint32_t key[8], head[8];

	/* K = SHA-256(header) (RFC 2104 §2: keys longer than the block are hashed). */
	memcpy(block, ctx->key_tail, sizeof(block));
	le32_store(block + NONCE_OFFSET - 64, nonce);
	memcpy(key, ctx->key_midstate, sizeof(key));
	sha256_compress(key, block);

	/* The inner and outer states after K ^ ipad and K ^ opad (K zero-padded to 64). */
	sha256_state_store(key, block);
	memset(block + 32, 0, 32);
	for (int i = 0; i < 64; i++)
		block[i] ^= 0x36;
	memcpy(hmac->inner, sha256_iv, sizeof(hmac->inner));
	sha256_compress(hmac->inner, block);
	for (int i = 0; i < 64; i++)
		block[i] ^= 0x36 ^ 0x5c;
	memcpy(hmac->outer, sha256_iv, sizeof(hmac->outer));
	sha256_compress(hmac->outer, block);

	/* Step 1: T_i = HMAC(K, header || INT(i)) for i = 1..4; header bytes 0..63 once. */
	memcpy(head, hmac->inner, sizeof(head));
	sha256_compress(head, ctx->header);
	memcpy(block, ctx->salt_tail, sizeof(block));
	le32_store(block + NONCE_OFFSET - 64, nonce);
	for (uint32_t i = 1; i <= 4; i++) {
		uint32_t st[8];

		be32_store(block + HEADER_LEN - 64, i);
		memcpy(st, head, sizeof(st));
		sha256_compress(st, block);
		scrypt_hmac_outer(hmac->outer, st);
		/* The digest is st big-endian; X reads its bytes as little-endian words. */
		for (int w = 0; w < 8; w++)
			x[8 * (i - 1) + w] = __builtin_bswap32(st[w]);
	}
}

void scrypt_lane_out(const struct scrypt_hmac *hmac, const uint32_t x[SCRYPT_BLOCK_WORDS],
		     uint32_t state[8])
{
	uint8_t block[64];

	/* Step 4: HMAC(K, X || INT(1)), X as 128 little-endian bytes; one PBKDF2 block. */
	memcpy(state, hmac->inner, 8 * sizeof(state[0]));
	for (unsigned half = 0; half < 2; half++) {
		for (unsigned w = 0; w < 16; w++)
			le32_store(block + 4 * w, x[16 * half + w]);
		sha256_compress(state, block);
	}
	be32_store(block, 1);
	scrypt_pad_block(block, 4, 64 + SCRYPT_BLOCK_WORDS * 4 + 4);
	sha256_compress(state, block);
	scrypt_hmac_outer(hmac->outer, state);
}

/* Where word s of diagonal row r (0..7) of lane h of group g lies in diag (scrypt.h). */
static inline unsigned scrypt_diag_index(unsigned g, unsigned h, unsigned r, unsigned s,
					 unsigned per_vec)
{
	return ((g * 8 + r) * per_vec + h) * 4 + s;
}

/* The block word at diagonal row r, slot s. */
static inline unsigned scrypt_diag_word(unsigned r, unsigned s)
{
	return (r / 4) * 16 + (4 * (r % 4) + 5 * s) % 16;
}

void scrypt_diag_pack(uint32_t *diag, const uint32_t *x, unsigned lane_stride,
		      unsigned word_stride, unsigned lanes, unsigned per_vec)
{
	for (unsigned lane = 0; lane < lanes; lane++) {
		for (unsigned r = 0; r < 8; r++) {
			for (unsigned s = 0; s < 4; s++) {
				unsigned d = scrypt_diag_index(lane / per_vec, lane % per_vec, r, s,
							       per_vec);
				unsigned w = scrypt_diag_word(r, s);
				diag[d] = x[lane * lane_stride + w * word_stride];
			}
		}
	}
}

void scrypt_diag_unpack(uint32_t *x, const uint32_t *diag, unsigned lane_stride,
			unsigned word_stride, unsigned lanes, unsigned per_vec)
{
	for (unsigned lane = 0; lane < lanes; lane++) {
		for (unsigned r = 0; r < 8; r++) {
			for (unsigned s = 0; s < 4; s++) {
				unsigned d = scrypt_diag_index(lane / per_vec, lane % per_vec, r, s,
							       per_vec);
				unsigned w = scrypt_diag_word(r, s);
				x[lane * lane_stride + w * word_stride] = diag[d];
			}
		}
	}
}

unsigned scrypt_scan_portable(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			      uint32_t last, uint32_t *hits, unsigned max_hits)
{
	struct scrypt_ctx *ctx = vctx;
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	for (uint32_t nonce = first;; nonce++) {
		struct scrypt_hmac hmac;
		uint32_t x[SCRYPT_BLOCK_WORDS], st[8];

		scrypt_lane_in(ctx, nonce, &hmac, x);
		scrypt_romix_fill(x, ctx->pad);
		scrypt_romix_mix(x, ctx->pad);
		scrypt_lane_out(&hmac, x, st);
		/* Most significant word of the little-endian hash first. */
		if (__builtin_bswap32(st[7]) <= target_top) {
			uint8_t hash[HASH_LEN];
			sha256_state_store(st, hash);
			if (hash_le_target(hash, target) && n < max_hits)
				hits[n++] = nonce;
		}
		if (nonce == last)
			break;
	}
	return n;
}

/*
 * Each SIMD width three times: all groups of its lanes interleaved in ROMix,
 * then half and a quarter of them at a time (scrypt_lanes.h), so a core whose
 * L2 cannot hold the widest scratchpad can run a narrower one (src/ picks by
 * scratch_bytes and the core's L2 share). Same nonces per step, same ISA.
 */
#define SCRYPT_IMPL(isa_name, needs, n, fn, in_flight)                               \
	{ .name = isa_name, .cpu_needs = needs, .lanes = n, .scan = fn,               \
	  .scratch_bytes = (size_t)(in_flight) * SCRYPT_PAD_BYTES }
#define SCRYPT_AVX512_NEEDS (CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_AVX2 | CPU_BMI2)

static const struct algo_impl scrypt_impls[] = {
#if HAVE_AVX512
	SCRYPT_IMPL("avx512", SCRYPT_AVX512_NEEDS, 16, scrypt_scan_avx512, 16),
	SCRYPT_IMPL("avx512-8", SCRYPT_AVX512_NEEDS, 16, scrypt_scan_avx512_g2, 8),
	SCRYPT_IMPL("avx512-4", SCRYPT_AVX512_NEEDS, 16, scrypt_scan_avx512_g1, 4),
#endif
#if HAVE_AVX2
	SCRYPT_IMPL("avx2", CPU_AVX2 | CPU_BMI2, 8, scrypt_scan_avx2, 8),
	SCRYPT_IMPL("avx2-4", CPU_AVX2 | CPU_BMI2, 8, scrypt_scan_avx2_g2, 4),
	SCRYPT_IMPL("avx2-2", CPU_AVX2 | CPU_BMI2, 8, scrypt_scan_avx2_g1, 2),
#endif
#if HAVE_SSE41
	SCRYPT_IMPL("sse41", CPU_SSSE3 | CPU_SSE41, 4, scrypt_scan_sse41, 4),
	SCRYPT_IMPL("sse41-2", CPU_SSSE3 | CPU_SSE41, 4, scrypt_scan_sse41_g2, 2),
	SCRYPT_IMPL("sse41-1", CPU_SSSE3 | CPU_SSE41, 4, scrypt_scan_sse41_g1, 1),
#endif
	{ .name = "portable", .cpu_needs = 0, .lanes = 1, .scan = scrypt_scan_portable,
	  .scratch_bytes = SCRYPT_PAD_BYTES },
};

const struct algo algo_scrypt = {
	.name = "scrypt",
	.node_name = "scrypt",
	.version_bits = 0x000,
	.hash = scrypt_hash,
	.ctx_size = sizeof(struct scrypt_ctx),
	.prepare = scrypt_prepare,
	.impls = scrypt_impls,
	.n_impls = sizeof(scrypt_impls) / sizeof(scrypt_impls[0]),
	/* Pool difficulty 1 is 2^16 times SHA-256d's target (docs/protocols.md §1). */
	.share_scale = 65536.0,
	.kernel = "scrypt.cl",
};
