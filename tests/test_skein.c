/* SPDX-License-Identifier: MIT */
/* Skein-512-512 and the Skein PoW chain against tests/vectors/primitives.json. */
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "endian.h"
#include "sha256.h"
#include "skein512.h"
#include "tap.h"
#include "tvec.h"

/*
 * The initial chaining value by the procedure of Skein 1.3 ("The
 * Configuration String", "Simple Hashing"): UBI of the 32-byte configuration
 * string, zero-padded to a block, under a zero key, type Cfg, position 32.
 */
static void test_iv(void)
{
	uint8_t cfg[SKEIN512_BLOCK_LEN] = { 0 };
	uint64_t g[SKEIN512_WORDS] = { 0 }, m[SKEIN512_WORDS];

	le32_store(cfg, 0x33414853u); /* schema "SHA3" */
	cfg[4] = 1;		      /* version 1, two bytes */
	le64_store(cfg + 8, 512);     /* output length in bits; tree fields 0 */
	skein512_load_block(cfg, m);
	skein512_ubi(g, m, 32,
		     SKEIN512_T1_FIRST | SKEIN512_T1_FINAL | SKEIN512_T1_TYPE(SKEIN512_TYPE_CFG));
	tap_ok(!memcmp(g, skein512_512_iv, sizeof(g)), "skein512_512_iv from the config block");
}

static void test_skein512(json_t *v)
{
	size_t i = 0, len;
	json_t *o;

	while ((o = tvec_next_primitive(v, "skein512", &i))) {
		uint8_t *in = tvec_hex_alloc(o, "input", &len), want[64], got[64];
		tvec_hex(o, "output", want, 64);
		skein512_512(in, len, got);
		tap_ok(!memcmp(got, want, 64), "%s", tvec_str(o, "id"));
		free(in);
	}
	i = 0;
	while ((o = tvec_next_primitive(v, "skein_chain", &i))) {
		uint8_t header[HEADER_LEN], want_sk[64], want_pow[HASH_LEN], sk[64], pow[HASH_LEN];
		tvec_hex(o, "header", header, HEADER_LEN);
		tvec_hex(o, "skein512", want_sk, 64);
		tvec_hex(o, "pow_hash", want_pow, HASH_LEN);
		skein512_512(header, HEADER_LEN, sk);
		sha256(sk, sizeof(sk), pow);
		tap_ok(!memcmp(sk, want_sk, 64) && !memcmp(pow, want_pow, HASH_LEN), "%s",
		       tvec_str(o, "id"));
		/* The same through algo_skein's reference hash. */
		const struct algo_params p = { .network = ALGO_NETWORK_MAINNET };
		algo_skein.hash(&p, header, pow);
		tap_ok(!memcmp(pow, want_pow, HASH_LEN), "%s (algo_skein.hash)", tvec_str(o, "id"));
	}
}

int main(void)
{
	json_t *v = tvec_load("primitives.json");

	test_iv();
	test_skein512(v);
	json_decref(v);
	return tap_done();
}
