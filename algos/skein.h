/* SPDX-License-Identifier: MIT */
#ifndef QM_SKEIN_H
#define QM_SKEIN_H

#include <stdint.h>

#include "algo.h"
#include "skein512.h"

/*
 * DigiByte's Skein PoW (docs/pow.md §3.3): SHA-256(Skein-512-512(header)).
 *
 * The 80-byte header is two Skein blocks: bytes 0..63 (no nonce) and bytes
 * 64..79 padded with zeros, then the output block. prepare() runs the first
 * block once per job; a scan runs, per nonce, the second block, the output
 * block and two SHA-256 compressions (the 64-byte Skein output and its
 * padding block).
 */

/* Tweaks of the last message block (position 80, Final) and of the output block. */
#define SKEIN_MSG2_POS HEADER_LEN
#define SKEIN_MSG2_T1 (SKEIN512_T1_FINAL | SKEIN512_T1_TYPE(SKEIN512_TYPE_MSG))
#define SKEIN_OUT_POS 8
#define SKEIN_OUT_T1 (SKEIN512_T1_FIRST | SKEIN512_T1_FINAL | SKEIN512_T1_TYPE(SKEIN512_TYPE_OUT))

/* Per-job context shared by the skein scan implementations; filled by prepare. */
struct skein_ctx {
	/* Chaining value after the first block (header bytes 0..63). */
	uint64_t chain[SKEIN512_WORDS];
	/* Words 0 and 1 of the second block: bytes 64..71, and 72..75 (nBits) with the
	 * nonce (bytes 76..79) left zero in the high half. Words 2..7 are zero. */
	uint64_t m0, m1;
	/* Subkeys 0..18 of the second block's Threefish: key and tweak are per job. */
	uint64_t ks[19][SKEIN512_WORDS];
	/* SHA-256 K[t] + W[t] of the padding block of the 64-byte Skein output
	 * (FIPS 180-4 §5.1.1), whose message schedule is the same for every nonce. */
	uint32_t sha_pad_wk[64];
};

/* Scan implementations, one per ISA file. */
algo_scan_fn skein_scan_portable;
algo_scan_fn skein_scan_avx2;
algo_scan_fn skein_scan_avx512;

#endif
