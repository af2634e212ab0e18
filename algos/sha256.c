/* SPDX-License-Identifier: MIT */
#include "sha256.h"

#include <string.h>

#include "endian.h"

/* FIPS 180-4 §5.3.3 */
const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* FIPS 180-4 §4.2.2 */
const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (rotr32(x, 2) ^ rotr32(x, 13) ^ rotr32(x, 22))
#define BSIG1(x) (rotr32(x, 6) ^ rotr32(x, 11) ^ rotr32(x, 25))
#define SSIG0(x) (rotr32(x, 7) ^ rotr32(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (rotr32(x, 17) ^ rotr32(x, 19) ^ ((x) >> 10))

void sha256_compress(uint32_t state[8], const uint8_t block[64])
{
	uint32_t w[64];

	for (int i = 0; i < 16; i++)
		w[i] = be32_load(block + 4 * i);
	for (int i = 16; i < 64; i++)
		w[i] = SSIG1(w[i - 2]) + w[i - 7] + SSIG0(w[i - 15]) + w[i - 16];

	uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
	uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + BSIG1(e) + CH(e, f, g) + sha256_k[i] + w[i];
		uint32_t t2 = BSIG0(a) + MAJ(a, b, c);
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	state[4] += e;
	state[5] += f;
	state[6] += g;
	state[7] += h;
}

void sha256_init(struct sha256 *s)
{
	memcpy(s->state, sha256_iv, sizeof(s->state));
	s->len = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = s->len % 64;

	s->len += len;
	if (used) {
		size_t take = 64 - used < len ? 64 - used : len;
		memcpy(s->buf + used, p, take);
		p += take;
		len -= take;
		if (used + take < 64)
			return;
		sha256_compress(s->state, s->buf);
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_compress(s->state, p);
	memcpy(s->buf, p, len);
}

void sha256_state_store(const uint32_t state[8], uint8_t out[32])
{
	for (int i = 0; i < 8; i++)
		be32_store(out + 4 * i, state[i]);
}

void sha256_final(struct sha256 *s, uint8_t out[32])
{
	/* FIPS 180-4 §5.1.1: 0x80, zeros, then the bit length big-endian. */
	size_t used = s->len % 64;
	uint64_t bits = s->len * 8;

	s->buf[used++] = 0x80;
	if (used > 56) {
		memset(s->buf + used, 0, 64 - used);
		sha256_compress(s->state, s->buf);
		used = 0;
	}
	memset(s->buf + used, 0, 56 - used);
	be64_store(s->buf + 56, bits);
	sha256_compress(s->state, s->buf);
	sha256_state_store(s->state, out);
}

void sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, out);
}

void sha256d(const void *data, size_t len, uint8_t out[32])
{
	uint8_t first[32];

	sha256(data, len, first);
	sha256(first, sizeof(first), out);
}

void hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		 uint8_t out[32])
{
	uint8_t k[64] = { 0 }, pad[64], inner[32];
	struct sha256 s;

	if (key_len > 64)
		sha256(key, key_len, k);
	else
		memcpy(k, key, key_len);

	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&s);
	sha256_update(&s, pad, 64);
	sha256_update(&s, msg, msg_len);
	sha256_final(&s, inner);

	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&s);
	sha256_update(&s, pad, 64);
	sha256_update(&s, inner, 32);
	sha256_final(&s, out);
}

void pbkdf2_sha256(const uint8_t *pass, size_t pass_len, const uint8_t *salt, size_t salt_len,
		   uint32_t iterations, uint8_t *out, size_t out_len)
{
	/* RFC 8018 §5.2 with HMAC-SHA256 as the PRF. */
	uint8_t k[64] = { 0 }, ipad[64], opad[64];
	struct sha256 inner_iv, outer_iv, s;

	if (pass_len > 64)
		sha256(pass, pass_len, k);
	else
		memcpy(k, pass, pass_len);
	for (int i = 0; i < 64; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	sha256_init(&inner_iv);
	sha256_update(&inner_iv, ipad, 64);
	sha256_init(&outer_iv);
	sha256_update(&outer_iv, opad, 64);

	for (uint32_t block = 1; out_len; block++) {
		uint8_t ctr[4], u[32], t[32];

		be32_store(ctr, block);
		s = inner_iv;
		sha256_update(&s, salt, salt_len);
		sha256_update(&s, ctr, 4);
		sha256_final(&s, u);
		s = outer_iv;
		sha256_update(&s, u, 32);
		sha256_final(&s, u);
		memcpy(t, u, 32);
		for (uint32_t i = 1; i < iterations; i++) {
			s = inner_iv;
			sha256_update(&s, u, 32);
			sha256_final(&s, u);
			s = outer_iv;
			sha256_update(&s, u, 32);
			sha256_final(&s, u);
			for (int j = 0; j < 32; j++)
				t[j] ^= u[j];
		}
		size_t take = out_len < 32 ? out_len : 32;
		memcpy(out, t, take);
		out += take;
		out_len -= take;
	}
}
