/* SPDX-License-Identifier: MIT */
/* SHA-256 building blocks and compact targets against tests/vectors/primitives.json. */
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "endian.h"
#include "hex.h"
#include "sha256.h"
#include "tap.h"
#include "tvec.h"

static void test_sha256(json_t *v)
{
	size_t i = 0, len;
	json_t *o;

	while ((o = tvec_next_primitive(v, "sha256", &i))) {
		uint8_t *in = tvec_hex_alloc(o, "input", &len), want[32], got[32];
		tvec_hex(o, "output", want, 32);
		sha256(in, len, got);
		tap_ok(!memcmp(got, want, 32), "%s", tvec_str(o, "id"));
		/* The same through the streaming API, one byte at a time. */
		struct sha256 s;
		sha256_init(&s);
		for (size_t k = 0; k < len; k++)
			sha256_update(&s, in + k, 1);
		sha256_final(&s, got);
		tap_ok(!memcmp(got, want, 32), "%s (byte by byte)", tvec_str(o, "id"));
		free(in);
	}
	i = 0;
	while ((o = tvec_next_primitive(v, "sha256d", &i))) {
		uint8_t *in = tvec_hex_alloc(o, "input", &len), want[32], got[32];
		tvec_hex(o, "output", want, 32);
		sha256d(in, len, got);
		tap_ok(!memcmp(got, want, 32), "%s", tvec_str(o, "id"));
		free(in);
	}
	i = 0;
	while ((o = tvec_next_primitive(v, "sha256_compress", &i))) {
		uint8_t in[32], block[64], want[32], got[32];
		uint32_t st[8];
		tvec_hex(o, "state_in", in, 32);
		tvec_hex(o, "block", block, 64);
		tvec_hex(o, "state_out", want, 32);
		for (int k = 0; k < 8; k++)
			st[k] = be32_load(in + 4 * k);
		sha256_compress(st, block);
		sha256_state_store(st, got);
		tap_ok(!memcmp(got, want, 32), "%s", tvec_str(o, "id"));
	}
}

static void test_compact(json_t *v)
{
	size_t i = 0;
	json_t *o;

	while ((o = tvec_next_primitive(v, "compact_target", &i))) {
		uint8_t bits_be[4], want[32], got[32];
		tvec_hex(o, "bits", bits_be, 4);
		tvec_hex(o, "target", want, 32);
		bytes_reverse(want, 32);
		int invalid = json_is_true(json_object_get(o, "negative")) ||
			      json_is_true(json_object_get(o, "overflow"));
		int rc = bits_to_target(be32_load(bits_be), got);
		int is_zero = 1;
		for (int k = 0; k < 32; k++)
			is_zero &= want[k] == 0;
		tap_ok(!memcmp(got, want, 32) && (rc != 0) == (invalid || is_zero), "%s",
		       tvec_str(o, "id"));
	}
	i = 0;
	while ((o = tvec_next_primitive(v, "check_pow", &i))) {
		uint8_t bits_be[4], hash[32], limit[32], target[32];
		tvec_hex(o, "hash", hash, 32);
		tvec_hex(o, "bits", bits_be, 4);
		tvec_hex(o, "pow_limit", limit, 32);
		bytes_reverse(limit, 32);
		int ok = bits_to_target(be32_load(bits_be), target) == 0 &&
			 hash_le_target(target, limit) && hash_le_target(hash, target);
		tap_ok(ok == json_is_true(json_object_get(o, "result")), "%s", tvec_str(o, "id"));
	}
}

int main(void)
{
	json_t *v = tvec_load("primitives.json");

	test_sha256(v);
	test_compact(v);
	json_decref(v);
	return tap_done();
}
