/* SPDX-License-Identifier: MIT */
#ifndef QM_SHA256_H
#define QM_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), portable. Used by sha256d, scrypt, skein, merkle roots. */

struct sha256 {
	uint32_t state[8];
	uint8_t buf[64];
	uint64_t len;   /* bytes hashed so far */
};

extern const uint32_t sha256_iv[8];
/* Round constants K0..K63 (FIPS 180-4 §4.2.2), for the SIMD paths. */
extern const uint32_t sha256_k[64];

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);

/* One-shot SHA-256 and SHA-256d. */
void sha256(const void *data, size_t len, uint8_t out[32]);
void sha256d(const void *data, size_t len, uint8_t out[32]);

/* One compression of a 64-byte block into state (FIPS 180-4 §6.2.2). */
void sha256_compress(uint32_t state[8], const uint8_t block[64]);

/* Writes state as 32 big-endian bytes (the digest encoding). */
void sha256_state_store(const uint32_t state[8], uint8_t out[32]);

/* HMAC-SHA256 and PBKDF2-HMAC-SHA256 (RFC 2104, RFC 8018); used by scrypt. */
void hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		 uint8_t out[32]);
void pbkdf2_sha256(const uint8_t *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
		   uint32_t iterations, uint8_t *out, size_t out_len);

#endif
