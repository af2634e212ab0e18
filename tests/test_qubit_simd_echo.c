/* SPDX-License-Identifier: MIT */
/*
 * SIMD-512 and ECHO-512 (the last two Qubit stages, docs/pow.md §3.4)
 * against tests/vectors/primitives.json: every simd512 and echo512 entry,
 * and the simd512, echo512 and pow_hash stages of every qubit_chain entry, each
 * fed the vector's previous stage.
 */
#include <stdlib.h>
#include <string.h>

#include "echo.h"
#include "simd.h"
#include "tap.h"
#include "tvec.h"
#include "hash512_vectors.h"

static void test_chain(json_t *v)
{
	size_t i = 0;
	json_t *o;

	while ((o = tvec_next_primitive(v, "qubit_chain", &i))) {
		uint8_t shavite[64], simd[64], echo[64], pow[32], got[64];
		tvec_hex(o, "shavite512", shavite, 64);
		tvec_hex(o, "simd512", simd, 64);
		tvec_hex(o, "echo512", echo, 64);
		tvec_hex(o, "pow_hash", pow, 32);
		simd512(shavite, 64, got);
		tap_ok(!memcmp(got, simd, 64), "%s simd512 stage", tvec_str(o, "id"));
		echo512(simd, 64, got);
		tap_ok(!memcmp(got, echo, 64), "%s echo512 stage", tvec_str(o, "id"));
		tap_ok(!memcmp(got, pow, 32), "%s pow_hash", tvec_str(o, "id"));
	}
}

/* The IV is derived as the spec says: C(0, "SIMD-512 v1.1" zero-padded). */
static void test_simd_iv(void)
{
	uint32_t h[SIMD512_STATE_WORDS] = { 0 };
	uint8_t block[SIMD512_BLOCK_LEN] = "SIMD-512 v1.1";

	simd512_compress(h, block, 0);
	tap_ok(!memcmp(h, simd512_iv, sizeof(h)), "simd512 IV derivation");
}

/* Lengths around the block and padding boundaries run cleanly (for the sanitizer build). */
static void test_lengths(void)
{
	static const size_t lens[] = { 0, 1, 109, 110, 127, 128, 129, 255, 256, 300 };
	uint8_t buf[300], a[64], b[64];

	for (size_t k = 0; k < sizeof(buf); k++)
		buf[k] = (uint8_t)(k * 7 + 1);
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		uint8_t *copy = malloc(lens[k] ? lens[k] : 1);
		memcpy(copy, buf, lens[k]);
		echo512(buf, lens[k], a);
		echo512(copy, lens[k], b);
		int ok = !memcmp(a, b, 64);
		simd512(buf, lens[k], a);
		simd512(copy, lens[k], b);
		tap_ok(ok && !memcmp(a, b, 64), "length %zu around a block boundary", lens[k]);
		free(copy);
	}
}

int main(void)
{
	json_t *v = tvec_load("primitives.json");

	test_hash512_primitive(v, "simd512", simd512);
	test_hash512_primitive(v, "echo512", echo512);
	test_chain(v);
	test_simd_iv();
	test_lengths();
	json_decref(v);
	return tap_done();
}
