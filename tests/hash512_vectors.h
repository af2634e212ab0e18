/* SPDX-License-Identifier: MIT */
#ifndef QM_HASH512_VECTORS_H
#define QM_HASH512_VECTORS_H

/*
 * Checks a one-shot 512-bit hash against every primitives.json entry of one
 * kind ({"primitive": prim, "input": hex, "output": 64 hex bytes}), one TAP
 * line each. static inline so it counts in the including test's TAP plan.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tvec.h"

typedef void hash512_fn(const void *in, size_t len, uint8_t out[64]);

static inline void test_hash512_primitive(json_t *v, const char *prim, hash512_fn *fn)
{
	size_t i = 0, len;
	json_t *o;

	while ((o = tvec_next_primitive(v, prim, &i))) {
		uint8_t *in = tvec_hex_alloc(o, "input", &len), want[64], got[64];

		tvec_hex(o, "output", want, 64);
		fn(in, len, got);
		tap_ok(!memcmp(got, want, 64), "%s", tvec_str(o, "id"));
		free(in);
	}
}

#endif
