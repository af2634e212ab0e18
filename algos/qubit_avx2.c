/* SPDX-License-Identifier: MIT */
/*
 * Qubit scan with AVX2 SIMD-512 (docs/pow.md §3.4): the SIMD-512 message
 * expansion and compression of simd_avx2.c, with the AES-NI SHAvite-3 and
 * ECHO compressions (shavite_aesni.c, echo_aesni.c) and the portable Luffa and
 * CubeHash. One nonce at a time; listed only where the build has both AVX2 and
 * AES-NI, and selected only where the CPU has both.
 */
#include "qubit.h"

unsigned qubit_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			 uint32_t last, uint32_t *hits, unsigned max_hits)
{
	static const struct qubit_stages stages = {
		.shavite = shavite512_compress_aesni,
		.simd_expand = simd512_expand_avx2,
		.simd_compress = simd512_compress_expanded_avx2,
		.echo = echo512_compress_aesni,
	};

	return qubit_scan_chain(vctx, target, first, last, hits, max_hits, &stages);
}
