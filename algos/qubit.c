/* SPDX-License-Identifier: MIT */
#include "qubit.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "qubit_x4.h"

/* The Qubit chain (docs/pow.md §3.4); the PoW hash is ECHO's first 32 bytes. */
static void qubit_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
		       uint8_t out[HASH_LEN])
{
	uint8_t a[64], b[64];

	luffa512(header, HEADER_LEN, a);
	cubehash512(a, sizeof(a), b);
	shavite512(b, sizeof(b), a);
	simd512(a, sizeof(a), b);
	echo512(b, sizeof(b), a);
	memcpy(out, a, HASH_LEN);
}

static int qubit_prepare(void *vctx, const struct algo_params *params,
			 const uint8_t header[HEADER_LEN])
{
	struct qubit_ctx *ctx = vctx;

	luffa512_init(&ctx->luffa);
	luffa512_update(&ctx->luffa, header, 64);
	memcpy(ctx->tail, header + 64, sizeof(ctx->tail));
	simd512_len_block(64, ctx->simd_len_block);
	simd512_expand(ctx->simd_len_block, 1, ctx->simd_len_w);
	return 0;
}

unsigned qubit_scan_portable(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			     uint32_t last, uint32_t *hits, unsigned max_hits)
{
	static const struct qubit_stages stages = {
		.shavite = shavite512_compress_portable,
		.simd_expand = simd512_expand,
		.simd_compress = simd512_compress_expanded,
		.echo = echo512_compress,
	};

	return qubit_scan_chain(vctx, target, first, last, hits, max_hits, &stages);
}

static const struct algo_impl qubit_impls[] = {
#if HAVE_VAES && HAVE_AVX2
	{ .name = "vaes",
	  .cpu_needs = QUBIT_X4_CPU_NEEDS,
	  .lanes = QUBIT_VAES_LANES,
	  .scan = qubit_scan_vaes },
#endif
#if HAVE_AVX2 && HAVE_AESNI
	{ .name = "avx2",
	  .cpu_needs = CPU_AVX2 | CPU_AES | CPU_SSE41,
	  .lanes = 1,
	  .scan = qubit_scan_avx2 },
#endif
#if HAVE_AESNI
	{ .name = "aesni", .cpu_needs = CPU_AES | CPU_SSE41, .lanes = 1, .scan = qubit_scan_aesni },
#endif
	{ .name = "portable", .cpu_needs = 0, .lanes = 1, .scan = qubit_scan_portable },
};

const struct algo algo_qubit = {
	.name = "qubit",
	.node_name = "qubit",
	.version_bits = 0x800,
	.hash = qubit_hash,
	.ctx_size = sizeof(struct qubit_ctx),
	.prepare = qubit_prepare,
	.impls = qubit_impls,
	.n_impls = sizeof(qubit_impls) / sizeof(qubit_impls[0]),
	.share_scale = 1.0,
	.kernel = "qubit.cl",
};
