/* SPDX-License-Identifier: MIT */
#ifndef QM_SHA256D_H
#define QM_SHA256D_H

#include <stdint.h>

#include "algo.h"

/*
 * Per-job context shared by the sha256d scan implementations: the midstate
 * of the first 64 header bytes (they hold no nonce) and the header itself.
 */
struct sha256d_ctx {
	uint32_t midstate[8];
	uint8_t header[HEADER_LEN];
};

/* Scan implementations, one per ISA file. */
algo_scan_fn sha256d_scan_portable;
algo_scan_fn sha256d_scan_shani;
algo_scan_fn sha256d_scan_avx2;
algo_scan_fn sha256d_scan_avx512;

#endif
