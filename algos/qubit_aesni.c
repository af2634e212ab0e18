/* SPDX-License-Identifier: MIT */
/*
 * Qubit scan with the AES-NI stages (docs/pow.md §3.4): SHAvite-3-512 and
 * ECHO-512, the two stages built from AES rounds, use AESENC
 * (shavite_aesni.c, echo_aesni.c); Luffa, CubeHash and SIMD are the portable
 * ones. One nonce at a time.
 */
#include "qubit.h"

unsigned qubit_scan_aesni(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			  uint32_t last, uint32_t *hits, unsigned max_hits)
{
	static const struct qubit_stages stages = {
		.shavite = shavite512_compress_aesni,
		.simd_expand = simd512_expand,
		.simd_compress = simd512_compress_expanded,
		.echo = echo512_compress_aesni,
	};

	return qubit_scan_chain(vctx, target, first, last, hits, max_hits, &stages);
}
