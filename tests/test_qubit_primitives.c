/* SPDX-License-Identifier: MIT */
/*
 * The first three Qubit stages (Luffa-512, CubeHash-512, SHAvite-3-512) and
 * the AES round under SHAvite-3 and ECHO, against tests/vectors/primitives.json
 * and the definitions in their specifications.
 */
#include <stdlib.h>
#include <string.h>

#include "aes_round.h"
#include "cpu.h"
#include "cubehash.h"
#include "endian.h"
#include "luffa.h"
#include "shavite.h"
#include "tap.h"
#include "tvec.h"
#include "hash512_vectors.h"

static uint8_t gf256_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	for (; b; b >>= 1) {
		if (b & 1)
			r ^= a;
		a = (uint8_t)((a << 1) ^ ((a >> 7) * 0x1b));
	}
	return r;
}

/* FIPS-197 §5.1.1: multiplicative inverse in GF(2^8), then the affine map. */
static uint8_t sbox_by_formula(uint8_t x)
{
	uint8_t inv = 0, s = 0;

	for (unsigned b = 1; x && b < 256; b++)
		if (gf256_mul(x, (uint8_t)b) == 1)
			inv = (uint8_t)b;
	for (int i = 0; i < 8; i++) {
		unsigned bit = (inv >> i) ^ (inv >> ((i + 4) % 8)) ^ (inv >> ((i + 5) % 8)) ^
			       (inv >> ((i + 6) % 8)) ^ (inv >> ((i + 7) % 8)) ^ (0x63 >> i);
		s |= (uint8_t)((bit & 1) << i);
	}
	return s;
}

static void test_aes_round(void)
{
	/* FIPS-197 Appendix B: start of round 1, round key 1, start of round 2. */
	static const uint8_t in[16] = { 0x19, 0x3d, 0xe3, 0xbe, 0xa0, 0xf4, 0xe2, 0x2b,
					0x9a, 0xc6, 0x8d, 0x2a, 0xe9, 0xf8, 0x48, 0x08 };
	static const uint8_t key[16] = { 0xa0, 0xfa, 0xfe, 0x17, 0x88, 0x54, 0x2c, 0xb1,
					 0x23, 0xa3, 0x39, 0x39, 0x2a, 0x6c, 0x76, 0x05 };
	static const uint8_t want[16] = { 0xa4, 0x9c, 0x7f, 0xf2, 0x68, 0x9f, 0x35, 0x2b,
					  0x6b, 0x5b, 0xea, 0x43, 0x02, 0x6a, 0x50, 0x49 };
	uint32_t s[4], k[4];
	uint8_t got[16];
	int sbox_ok = 1;

	for (int x = 0; x < 256; x++)
		sbox_ok &= aes_sbox[x] == sbox_by_formula((uint8_t)x);
	tap_ok(sbox_ok, "aes_sbox = inverse in GF(2^8) + affine map (FIPS-197 §5.1.1)");
	for (int c = 0; c < 4; c++) {
		s[c] = le32_load(in + 4 * c);
		k[c] = le32_load(key + 4 * c);
	}
	aes_round(s, k);
	for (int c = 0; c < 4; c++)
		le32_store(got + 4 * c, s[c]);
	tap_ok(!memcmp(got, want, 16), "aes_round: FIPS-197 Appendix B round 1");
}

static void test_cubehash_iv(void)
{
	uint32_t x[32] = { CUBEHASH512_OUT_LEN, 32, 16 };

	cubehash_rounds(x, 160);
	tap_ok(!memcmp(x, cubehash512_iv, sizeof(x)), "cubehash512_iv = 160 rounds of (64, 32, 16, 0...)");
}

/* Every C_512 implementation this build and CPU have, on every shavite512 vector. */
static void test_shavite_impls(json_t *v)
{
	unsigned cpu = cpu_features();

	for (unsigned n = 0; n < shavite512_n_impls; n++) {
		const struct shavite512_impl *impl = &shavite512_impls[n];
		size_t i = 0, len;
		json_t *o;

		if ((cpu & impl->cpu_needs) != impl->cpu_needs) {
			tap_skip("shavite512 %s: CPU lacks it", impl->name);
			continue;
		}
		while ((o = tvec_next_primitive(v, "shavite512", &i))) {
			uint8_t *in = tvec_hex_alloc(o, "input", &len), want[64], got[64];

			tvec_hex(o, "output", want, 64);
			shavite512_haifa(impl->compress, in, len, got);
			tap_ok(!memcmp(got, want, 64), "%s (%s)", tvec_str(o, "id"), impl->name);
			free(in);
		}
	}
}

/* The streaming Luffa API: byte by byte, and forked after the first 64 bytes. */
static void test_luffa_streaming(json_t *v)
{
	size_t i = 0, len;
	json_t *o;

	while ((o = tvec_next_primitive(v, "luffa512", &i))) {
		uint8_t *in = tvec_hex_alloc(o, "input", &len), want[64], got[64];
		struct luffa512 s, fork;

		tvec_hex(o, "output", want, 64);
		luffa512_init(&s);
		for (size_t k = 0; k < len; k++)
			luffa512_update(&s, in + k, 1);
		luffa512_final(&s, got);
		tap_ok(!memcmp(got, want, 64), "%s (byte by byte)", tvec_str(o, "id"));
		if (len > 64) {
			luffa512_init(&s);
			luffa512_update(&s, in, 64);
			fork = s;
			luffa512_update(&fork, in + 64, len - 64);
			luffa512_final(&fork, got);
			tap_ok(!memcmp(got, want, 64), "%s (state copied after 64 bytes)",
			       tvec_str(o, "id"));
		}
		free(in);
	}
}

static void test_chain(json_t *v)
{
	static const struct {
		const char *from, *to;
		size_t from_len;
		hash512_fn *fn;
	} stages[] = {
		{ "header", "luffa512", 80, luffa512 },
		{ "luffa512", "cubehash512", 64, cubehash512 },
		{ "cubehash512", "shavite512", 64, shavite512 },
	};
	size_t i = 0;
	json_t *o;

	while ((o = tvec_next_primitive(v, "qubit_chain", &i))) {
		for (size_t k = 0; k < sizeof(stages) / sizeof(stages[0]); k++) {
			uint8_t in[80], want[64], got[64];

			tvec_hex(o, stages[k].from, in, stages[k].from_len);
			tvec_hex(o, stages[k].to, want, 64);
			stages[k].fn(in, stages[k].from_len, got);
			tap_ok(!memcmp(got, want, 64), "%s: %s", tvec_str(o, "id"), stages[k].to);
		}
	}
}

int main(void)
{
	json_t *v = tvec_load("primitives.json");

	test_aes_round();
	test_cubehash_iv();
	test_hash512_primitive(v, "luffa512", luffa512);
	test_luffa_streaming(v);
	test_hash512_primitive(v, "cubehash512", cubehash512);
	test_hash512_primitive(v, "shavite512", shavite512);
	test_shavite_impls(v);
	test_chain(v);
	json_decref(v);
	return tap_done();
}
