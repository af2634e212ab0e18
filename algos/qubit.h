/* SPDX-License-Identifier: MIT */
#ifndef QM_QUBIT_H
#define QM_QUBIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "algo.h"
#include "cubehash.h"
#include "echo.h"
#include "endian.h"
#include "luffa.h"
#include "shavite.h"
#include "simd.h"

/*
 * DigiByte's Qubit PoW (docs/pow.md §3.4): Luffa-512, CubeHash-512,
 * SHAvite-3-512, SIMD-512, ECHO-512, each over the previous 64-byte output
 * (Luffa over the 80-byte header); the PoW hash is the first 32 bytes of the
 * ECHO-512 output.
 *
 * Header bytes 0..63 are two whole Luffa blocks and hold no nonce: prepare()
 * absorbs them once per job; a scan forks that state per nonce and absorbs
 * only bytes 64..79.
 */

/* Per-job context shared by the qubit scan implementations; filled by prepare. */
struct qubit_ctx {
	struct luffa512 luffa;         /* after absorbing header bytes 0..63 */
	uint8_t tail[HEADER_LEN - 64]; /* header bytes 64..79, nonce last */
	/* SIMD-512's final block for a 64-byte message and its message expansion,
	 * the same for every nonce (and every job). */
	uint8_t simd_len_block[SIMD512_BLOCK_LEN];
	uint32_t simd_len_w[SIMD512_STEPS][8];
};

/* The compression functions an implementation runs the chain with. */
struct qubit_stages {
	shavite512_compress_fn *shavite;
	simd512_expand_fn *simd_expand;
	simd512_compress_expanded_fn *simd_compress;
	echo512_compress_fn *echo;
};

/* SIMD-512 of the 64-byte in, with the final block's expansion from ctx. */
static inline void qubit_simd512(const struct qubit_ctx *ctx, const struct qubit_stages *st,
				 const uint8_t in[64], uint8_t out[64])
{
	uint32_t h[SIMD512_STATE_WORDS], w[SIMD512_STEPS][8];
	uint8_t block[SIMD512_BLOCK_LEN] = { 0 };

	memcpy(h, simd512_iv, sizeof(h));
	memcpy(block, in, 64);
	st->simd_expand(block, 0, w);
	st->simd_compress(h, block, (const uint32_t(*)[8])w);
	st->simd_compress(h, ctx->simd_len_block, ctx->simd_len_w);
	for (unsigned i = 0; i < 16; i++)
		le32_store(out + 4 * i, h[i]);
}

/*
 * The scan loop shared by the implementations, which differ in the stages
 * they pass: per nonce, the prepared Luffa state is forked and finished over
 * header bytes 64..79, then the four other stages run; the most significant
 * word of the PoW hash (bytes 28..31) is compared first.
 */
static inline unsigned qubit_scan_chain(const struct qubit_ctx *ctx,
					const uint8_t target[HASH_LEN], uint32_t first,
					uint32_t last, uint32_t *hits, unsigned max_hits,
					const struct qubit_stages *st)
{
	uint32_t target_top = le32_load(target + 28);
	uint8_t tail[sizeof(ctx->tail)];
	unsigned n = 0;

	memcpy(tail, ctx->tail, sizeof(tail));
	for (uint32_t nonce = first;; nonce++) {
		struct luffa512 luffa = ctx->luffa;
		uint8_t a[64], b[64];

		le32_store(tail + NONCE_OFFSET - 64, nonce);
		luffa512_update(&luffa, tail, sizeof(tail));
		luffa512_final(&luffa, a);
		cubehash512(a, sizeof(a), b);
		shavite512_haifa(st->shavite, b, sizeof(b), a);
		qubit_simd512(ctx, st, a, b);
		echo512_with(st->echo, b, sizeof(b), a);
		if (le32_load(a + 28) <= target_top && hash_le_target(a, target) && n < max_hits)
			hits[n++] = nonce;
		if (nonce == last)
			break;
	}
	return n;
}

/* Scan implementations, one per ISA file. */
algo_scan_fn qubit_scan_portable;
algo_scan_fn qubit_scan_aesni;
algo_scan_fn qubit_scan_avx2;
algo_scan_fn qubit_scan_vaes;

#endif
