/* SPDX-License-Identifier: MIT */
#ifndef QM_SCRYPT_H
#define QM_SCRYPT_H

#include <stdint.h>

#include "algo.h"

/*
 * scrypt with N = 1024, r = 1, p = 1 and password = salt = the 80-byte
 * header (docs/pow.md §3.2, RFC 7914). A block X is 128 bytes, held as
 * 32 little-endian words; the ROMix scratchpad V is N blocks (128 KiB).
 */

#define SCRYPT_N 1024u
#define SCRYPT_BLOCK_WORDS 32u
#define SCRYPT_PAD_WORDS (SCRYPT_N * SCRYPT_BLOCK_WORDS)
/* The widest impl (AVX-512) hashes this many nonces at once. */
#define SCRYPT_MAX_LANES 16u
/* Each hash in flight streams over its own scratchpad of this many bytes. */
#define SCRYPT_PAD_BYTES (SCRYPT_PAD_WORDS * 4u)

/*
 * Per-job context shared by the scan implementations. The HMAC key is the
 * whole header, nonce included; being longer than 64 bytes it is first
 * hashed (RFC 2104 §2), so the key, and with it the ipad/opad states and
 * everything PBKDF2 chains on them, changes with every nonce. What does not:
 * the SHA-256 midstate of header bytes 0..63 for hashing that key. The
 * scratchpads of all lanes follow, so scan never allocates.
 */
struct scrypt_ctx {
	uint32_t key_midstate[8];
	uint8_t header[HEADER_LEN];
	uint8_t key_tail[64];   /* header bytes 64..79 padded as the end of an 80-byte message */
	uint8_t salt_tail[64];  /* the same, then INT(i), padded as the end of 64 + 84 bytes */
	_Alignas(64) uint32_t pad[SCRYPT_MAX_LANES * SCRYPT_PAD_WORDS];
};

/* The HMAC-SHA256 states keyed by one header: after K ^ ipad and K ^ opad. */
struct scrypt_hmac {
	uint32_t inner[8];
	uint32_t outer[8];
};

/*
 * The stages of §3.2, exposed for tests/test_scrypt.c and the scans.
 * b = Salsa20/8(b xor bx), the 8-round core with its feed-forward addition.
 */
void scrypt_salsa20_8_xor(uint32_t b[16], const uint32_t bx[16]);

/* BlockMix with r = 1, in place. */
void scrypt_blockmix(uint32_t x[SCRYPT_BLOCK_WORDS]);

/* ROMix step 2 (fills v, SCRYPT_PAD_WORDS words) and step 3, in place on x. */
void scrypt_romix_fill(uint32_t x[SCRYPT_BLOCK_WORDS], uint32_t *v);
void scrypt_romix_mix(uint32_t x[SCRYPT_BLOCK_WORDS], const uint32_t *v);

/* Step 1: x = PBKDF2-HMAC-SHA256(header, header, 1, 128) as 32 LE words. */
void scrypt_pbkdf2_in(const uint8_t header[HEADER_LEN], uint32_t x[SCRYPT_BLOCK_WORDS]);

/* Step 4: out = PBKDF2-HMAC-SHA256(header, x as 128 LE bytes, 1, 32). */
void scrypt_pbkdf2_out(const uint8_t header[HEADER_LEN], const uint32_t x[SCRYPT_BLOCK_WORDS],
		       uint8_t out[HASH_LEN]);

/*
 * The same two PBKDF2 steps for the scans, from a prepared ctx and a nonce:
 * scrypt_lane_in fills the HMAC states of that nonce and its step-1 block x;
 * scrypt_lane_out returns the SHA-256 state of the PoW hash (the hash is
 * that state stored big-endian, so its most significant little-endian word
 * is bswap32(state[7])).
 */
void scrypt_lane_in(const struct scrypt_ctx *ctx, uint32_t nonce, struct scrypt_hmac *hmac,
		    uint32_t x[SCRYPT_BLOCK_WORDS]);
void scrypt_lane_out(const struct scrypt_hmac *hmac, const uint32_t x[SCRYPT_BLOCK_WORDS],
		     uint32_t state[8]);

/*
 * The SIMD scans keep a block in "diagonal" rows: row R (0..3) of a 64-byte
 * half holds its words (4R + 5s) mod 16 for s = 0..3, so a Salsa20 column is
 * one lane of four rows and a row round needs only lane rotations. A vector
 * holds that row for per_vec hashes, one per 128-bit lane. diag is
 * lanes / per_vec groups of 8 such rows (the first half's four, then the
 * second's): word s of row r of lane h of group g is at
 * diag[((g * 8 + r) * per_vec + h) * 4 + s]. Word w of lane k of the other
 * side, x, is at x[k * lane_stride + w * word_stride]: lane after lane
 * (stride SCRYPT_BLOCK_WORDS, 1) or word-sliced for SIMD SHA-256 (1, lanes).
 */
void scrypt_diag_pack(uint32_t *diag, const uint32_t *x, unsigned lane_stride,
		      unsigned word_stride, unsigned lanes, unsigned per_vec);
void scrypt_diag_unpack(uint32_t *x, const uint32_t *diag, unsigned lane_stride,
			unsigned word_stride, unsigned lanes, unsigned per_vec);

/* Scan implementations, one per ISA file. */
algo_scan_fn scrypt_scan_portable;
/* The SIMD scans with all their groups interleaved, then _g2 and _g1 with two and one. */
algo_scan_fn scrypt_scan_sse41, scrypt_scan_sse41_g2, scrypt_scan_sse41_g1;
algo_scan_fn scrypt_scan_avx2, scrypt_scan_avx2_g2, scrypt_scan_avx2_g1;
algo_scan_fn scrypt_scan_avx512, scrypt_scan_avx512_g2, scrypt_scan_avx512_g1;

#endif
