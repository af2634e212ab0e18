/* SPDX-License-Identifier: MIT */
#include "sha256d.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "endian.h"
#include "sha256.h"

/* SHA-256d (digibyte-pow.md §3.1). */
static void sha256d_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
			 uint8_t out[HASH_LEN])
{
	sha256d(header, HEADER_LEN, out);
}

static int sha256d_prepare(void *vctx, const struct algo_params *params,
			   const uint8_t header[HEADER_LEN])
{
	struct sha256d_ctx *ctx = vctx;

	memcpy(ctx->header, header, HEADER_LEN);
	memcpy(ctx->midstate, sha256_iv, sizeof(ctx->midstate));
	sha256_compress(ctx->midstate, header);
	return 0;
}

unsigned sha256d_scan_portable(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			       uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct sha256d_ctx *ctx = vctx;
	/* Second block of the header: bytes 64..79, then FIPS 180-4 padding for 80 bytes. */
	uint8_t block2[64] = { 0 }, block3[64] = { 0 };
	uint32_t target_top = le32_load(target + 28);
	unsigned n = 0;

	memcpy(block2, ctx->header + 64, 16);
	block2[16] = 0x80;
	be32_store(block2 + 60, HEADER_LEN * 8);
	block3[32] = 0x80;
	be32_store(block3 + 60, 32 * 8);

	for (uint32_t nonce = first;; nonce++) {
		uint32_t st[8];
		uint8_t hash[HASH_LEN];

		le32_store(block2 + 12, nonce);
		memcpy(st, ctx->midstate, sizeof(st));
		sha256_compress(st, block2);
		sha256_state_store(st, block3);
		memcpy(st, sha256_iv, sizeof(st));
		sha256_compress(st, block3);
		/* Most significant word of the little-endian hash is the last state word. */
		uint32_t top = __builtin_bswap32(st[7]);
		if (top <= target_top) {
			sha256_state_store(st, hash);
			if (hash_le_target(hash, target) && n < max_hits)
				hits[n++] = nonce;
		}
		if (nonce == last)
			break;
	}
	return n;
}

static const struct algo_impl sha256d_impls[] = {
	{ .name = "portable", .cpu_needs = 0, .lanes = 1, .scan = sha256d_scan_portable },
};

const struct algo algo_sha256d = {
	.name = "sha256d",
	.node_name = "sha256d",
	.version_bits = 0x200,
	.hash = sha256d_hash,
	.ctx_size = sizeof(struct sha256d_ctx),
	.prepare = sha256d_prepare,
	.impls = sha256d_impls,
	.n_impls = sizeof(sha256d_impls) / sizeof(sha256d_impls[0]),
	.share_scale = 1.0,
	.kernel = "sha256d.cl",
};
