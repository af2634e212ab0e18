/* SPDX-License-Identifier: MIT */
/*
 * The four-lane Qubit stages (qubit_x4.h, CubeHash on eight) against tests/vectors/
 * primitives.json and the single-lane primitives: for every qubit_chain entry
 * and every lane, the vector's stage input goes into that lane (the other lanes
 * get other inputs) and each lane's output must equal the vector's next stage
 * (its lane) or the single-lane primitive (the others). Luffa runs from a
 * prepared header with the vector's nonce in each lane in turn, and across the
 * nonce wrap at 0xffffffff. The scan itself is checked by test_algos, which
 * walks every impl of every algorithm.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cpu.h"
#include "qubit_x4.h"
#include "tap.h"
#include "tvec.h"

#if HAVE_VAES && HAVE_AVX2
typedef void x4_fn(const struct qubit_ctx *ctx, const uint8_t in[4][64], uint8_t out[4][64]);
typedef void one_fn(const void *in, size_t len, uint8_t out[64]);

static void x4_echo(const struct qubit_ctx *ctx, const uint8_t in[4][64], uint8_t out[4][64])
{
	qubit_x4_echo_vaes(in, out, 64);
}

/* The PoW hash's 32 bytes only, as the scan computes them; the rest stays as it was. */
static void x4_echo32(const struct qubit_ctx *ctx, const uint8_t in[4][64], uint8_t out[4][64])
{
	uint8_t full[4][64];

	qubit_x4_echo_vaes(in, out, 32);
	qubit_x4_echo_vaes(in, full, 64);
	for (unsigned l = 0; l < QUBIT_X4_LANES; l++)
		memcpy(out[l] + 32, full[l] + 32, 32);
}

/* Lane `lane` gets the vector's input; the others a byte-wise variation of it. */
static void test_stage(json_t *o, const struct qubit_ctx *ctx, const char *from, const char *to,
		       x4_fn *x4, one_fn *one)
{
	uint8_t in[64], want[64];

	tvec_hex(o, from, in, 64);
	tvec_hex(o, to, want, 64);
	for (unsigned lane = 0; lane < QUBIT_X4_LANES; lane++) {
		uint8_t ins[4][64], outs[4][64], ref[64];
		int ok = 1;

		for (unsigned l = 0; l < QUBIT_X4_LANES; l++) {
			memcpy(ins[l], in, 64);
			if (l != lane)
				ins[l][(7 * l) % 64] ^= (uint8_t)(l + 1);
		}
		x4(ctx, (const uint8_t(*)[64])ins, outs);
		for (unsigned l = 0; l < QUBIT_X4_LANES; l++) {
			one(ins[l], 64, ref);
			ok &= !memcmp(outs[l], ref, 64);
		}
		tap_ok(ok && !memcmp(outs[lane], want, 64), "%s: x4 %s, vector in lane %u",
		       tvec_str(o, "id"), to, lane);
	}
}

typedef void x8_fn(const struct qubit_ctx *ctx, const uint8_t in[8][64], uint8_t out[8][64]);

static void x8_cubehash(const struct qubit_ctx *ctx, const uint8_t in[8][64], uint8_t out[8][64])
{
	qubit_x8_cubehash_vaes(in, out);
}

static void x8_shavite(const struct qubit_ctx *ctx, const uint8_t in[8][64], uint8_t out[8][64])
{
	qubit_x8_shavite_vaes(in, out);
}

/* A stage on eight lanes (two interleaved groups), the vector in each lane in turn. */
static void test_x8(json_t *o, const struct qubit_ctx *ctx, const char *from, const char *to,
		    x8_fn *x8, one_fn *one)
{
	uint8_t in[64], want[64];

	tvec_hex(o, from, in, 64);
	tvec_hex(o, to, want, 64);
	for (unsigned lane = 0; lane < 8; lane++) {
		uint8_t ins[8][64], outs[8][64], ref[64];
		int ok = 1;

		for (unsigned l = 0; l < 8; l++) {
			memcpy(ins[l], in, 64);
			if (l != lane)
				ins[l][(7 * l) % 64] ^= (uint8_t)(l + 1);
		}
		x8(ctx, (const uint8_t(*)[64])ins, outs);
		for (unsigned l = 0; l < 8; l++) {
			one(ins[l], 64, ref);
			ok &= !memcmp(outs[l], ref, 64);
		}
		tap_ok(ok && !memcmp(outs[lane], want, 64), "%s: x8 %s, vector in lane %u",
		       tvec_str(o, "id"), to, lane);
	}
}

static void test_luffa(json_t *o, struct qubit_ctx *ctx)
{
	uint8_t header[HEADER_LEN], want[64];
	uint32_t nonce;

	tvec_hex(o, "header", header, HEADER_LEN);
	tvec_hex(o, "luffa512", want, 64);
	nonce = le32_load(header + NONCE_OFFSET);
	algo_qubit.prepare(ctx, NULL, header);
	for (unsigned lane = 0; lane < QUBIT_VAES_LANES; lane++) {
		uint8_t outs[8][64];

		qubit_x8_luffa_vaes(ctx, nonce - lane, outs);
		tap_ok(!memcmp(outs[lane], want, 64), "%s: x8 luffa512, vector in lane %u",
		       tvec_str(o, "id"), lane);
	}
}

/* Lanes 0..7 take nonces 0xfffffffe .. 5: the wrap inside the first group of four. */
static void test_luffa_wrap(json_t *o, struct qubit_ctx *ctx)
{
	uint8_t header[HEADER_LEN], outs[8][64], ref[64];
	int ok = 1;

	tvec_hex(o, "header", header, HEADER_LEN);
	algo_qubit.prepare(ctx, NULL, header);
	qubit_x8_luffa_vaes(ctx, 0xfffffffeu, outs);
	for (unsigned l = 0; l < QUBIT_VAES_LANES; l++) {
		le32_store(header + NONCE_OFFSET, 0xfffffffeu + l);
		luffa512(header, HEADER_LEN, ref);
		ok &= !memcmp(outs[l], ref, 64);
	}
	tap_ok(ok, "x8 luffa512 across the nonce wrap");
}


static void run(json_t *v)
{
	struct qubit_ctx *ctx = tvec_aligned_alloc(sizeof(*ctx));
	size_t i = 0;
	json_t *o, *first = NULL;

	while ((o = tvec_next_primitive(v, "qubit_chain", &i))) {
		if (!first)
			first = o;
		test_luffa(o, ctx);
		test_x8(o, ctx, "luffa512", "cubehash512", x8_cubehash, cubehash512);
		test_x8(o, ctx, "cubehash512", "shavite512", x8_shavite, shavite512);
		test_x8(o, ctx, "shavite512", "simd512", qubit_x8_simd_vaes, simd512);
		test_stage(o, ctx, "simd512", "echo512", x4_echo, echo512);
		test_stage(o, ctx, "simd512", "echo512", x4_echo32, echo512);
	}
	tap_ok(first != NULL, "primitives.json has qubit_chain entries");
	if (first)
		test_luffa_wrap(first, ctx);
	free(ctx);
}
#endif

int main(void)
{
	json_t *v = tvec_load("primitives.json");

#if HAVE_VAES && HAVE_AVX2
	if ((cpu_features() & QUBIT_X4_CPU_NEEDS) == QUBIT_X4_CPU_NEEDS)
		run(v);
	else
		tap_skip("qubit x4 vaes: the CPU lacks AVX-512, VAES, GFNI or AVX2");
#else
	tap_skip("qubit x4 vaes: not built (no VAES in the compiler)");
#endif
	json_decref(v);
	return tap_done();
}
