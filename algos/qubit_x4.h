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
/* SIMD-512 runs on the AVX2 code (simd_avx2.c), the rest on AVX-512 and VAES. */
#define QUBIT_X4_CPU_NEEDS                                                                    \
	(CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_VAES | CPU_AES | CPU_AVX2 | CPU_BMI2)

/* Luffa-512 of the prepared header with nonces nonce .. nonce + 3 (wrapping). */
void qubit_x4_luffa_vaes(const struct qubit_ctx *ctx, uint32_t nonce, uint8_t out[4][64]);
/* CubeHash-512, SHAvite-3-512 of eight 64-byte messages (two interleaved groups of four). */
void qubit_x8_cubehash_vaes(const uint8_t in[8][64], uint8_t out[8][64]);
void qubit_x8_shavite_vaes(const uint8_t in[8][64], uint8_t out[8][64]);
/* SIMD-512, ECHO-512 of four 64-byte messages. */
void qubit_x4_simd_vaes(const struct qubit_ctx *ctx, const uint8_t in[4][64], uint8_t out[4][64]);
void qubit_x4_echo_vaes(const uint8_t in[4][64], uint8_t out[4][64]);

#endif
