/* SPDX-License-Identifier: MIT */
#ifndef QM_QUBIT_X4_H
#define QM_QUBIT_X4_H

#include <stdint.h>

#include "cpu.h"
#include "qubit.h"

/*
 * Four nonces in flight (qubit_vaes.c): each Qubit stage run on four lanes at
 * once, a 512-bit register holding the same 16-byte chunk of the four lanes'
 * 64-byte values, so the AES-based stages (SHAvite-3, ECHO) run four AES
 * blocks per VAES instruction and the ARX and bitsliced stages (CubeHash,
 * Luffa) use the same layout. The functions below expose each stage on plain
 * arrays, lane l in in[l] / out[l], so tests can check them against the
 * single-lane primitives. They need the CPU features of the "vaes" impl
 * (QUBIT_X4_CPU_NEEDS) and are absent from builds without VAES.
 */
#define QUBIT_X4_LANES 4
/* Nonces per step of the scan: two groups of four. */
#define QUBIT_VAES_LANES 8
/* AVX-512 with VAES, and GFNI for ECHO's MixColumns. */
#define QUBIT_X4_CPU_NEEDS                                                                    \
	(CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_VAES | CPU_AES | CPU_GFNI | CPU_AVX2 |  \
	 CPU_BMI2)

/* Luffa-512 of the prepared header with nonces nonce .. nonce + 7 (wrapping), lane l in out[l]. */
void qubit_x8_luffa_vaes(const struct qubit_ctx *ctx, uint32_t nonce, uint8_t out[8][64]);
/* CubeHash-512, SHAvite-3-512 of eight 64-byte messages (two interleaved groups of four). */
void qubit_x8_cubehash_vaes(const uint8_t in[8][64], uint8_t out[8][64]);
void qubit_x8_shavite_vaes(const uint8_t in[8][64], uint8_t out[8][64]);
/* SIMD-512 of eight 64-byte messages (the final block's expansion from ctx). */
void qubit_x8_simd_vaes(const struct qubit_ctx *ctx, const uint8_t in[8][64], uint8_t out[8][64]);
/*
 * ECHO-512 of four 64-byte messages; len = 64 writes the whole output, len = 32
 * only its first 32 bytes (the rest of out[l] is then undefined), as the scan runs it.
 */
void qubit_x4_echo_vaes(const uint8_t in[4][64], uint8_t out[4][64], unsigned len);

#endif
