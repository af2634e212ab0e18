/* SPDX-License-Identifier: MIT */
/*
 * SHA-256d scan with AVX-512 (docs/pow.md §3.1): thirty-two nonces at
 * once, one per 32-bit lane of two zmm; the lane code is sha256d_lanes.h on
 * vec_avx512x2.h, where rotates are vprord and the three-input functions
 * (Ch, Maj, the sigma XORs) one ternary-logic op. A SHA-256 round is one
 * chain of dependent vector operations; with sixteen lanes the core waits on
 * that chain (Zen 5: 27 MH/s), with two independent halves it has twice the
 * work in flight (36 MH/s per thread-CPU-second).
 */
#include "sha256d.h"

#include "vec_avx512x2.h"

#include "sha256d_lanes.h"

unsigned sha256d_scan_avx512(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			     uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return sha256d_lanes_scan(vctx, target, first, last, hits, max_hits);
}
