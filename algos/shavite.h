/* SPDX-License-Identifier: MIT */
#ifndef QM_SHAVITE_H
#define QM_SHAVITE_H

#include <stddef.h>
#include <stdint.h>

/*
 * SHAvite-3-512 as tweaked for round 2 of the SHA-3 competition (E. Biham,
 * O. Dunkelman, "The SHAvite-3 Hash Function", tweaked version, 2009): the
 * HAIFA mode over C_512, a 14-round, 4-branch Feistel cipher whose round
 * functions are four keyed AES rounds each, with a 1024-bit message block, a
 * 128-bit bit counter and no salt (salt = 0). The third stage of the Qubit
 * chain (docs/pow.md §3.4). Portable C over aes_round.h; thread-safe;
 * cannot fail.
 */

#define SHAVITE512_OUT_LEN 64
#define SHAVITE512_BLOCK_LEN 128

/* One-shot SHAvite-3-512 of len bytes, salt 0. */
void shavite512(const void *in, size_t len, uint8_t out[SHAVITE512_OUT_LEN]);

/*
 * C_512(h, block, cnt) with salt 0: h is the 16-word chaining value (words
 * little-endian from the digest bytes), cnt the 128-bit bit counter as four
 * little-endian words. Updates h in place.
 */
typedef void shavite512_compress_fn(uint32_t h[16], const uint8_t block[SHAVITE512_BLOCK_LEN],
				    const uint32_t cnt[4]);

shavite512_compress_fn shavite512_compress_portable;
/* AES-NI (algos/shavite_aesni.c): built only with HAVE_AESNI; see shavite512_impls. */
shavite512_compress_fn shavite512_compress_aesni;

/*
 * The implementations of C_512 this build has, best first, portable last;
 * use the first whose cpu_needs (enum cpu_flags) cpu_features() provides.
 */
struct shavite512_impl {
	const char *name;
	unsigned cpu_needs;
	shavite512_compress_fn *compress;
};
extern const struct shavite512_impl shavite512_impls[];
extern const unsigned shavite512_n_impls;

/*
 * Where the 128-bit counter enters the message expansion of C_512 (tweaked
 * version): at word index word of rk, rk[word + n] ^= cnt[which[n]] for
 * n = 0..3, and rk[word + 3] is then complemented. Shared by the
 * implementations of C_512.
 */
#define SHAVITE512_INJECTS 4
struct shavite512_inject {
	unsigned word;
	unsigned which[4];
};
extern const struct shavite512_inject shavite512_injects[SHAVITE512_INJECTS];

/* IV_512, the initial chaining value of SHAvite-3-512 (spec, table of IVs). */
extern const uint32_t shavite512_iv[16];

/* SHAvite-3-512 over a given compression function (HAIFA padding and counter). */
void shavite512_haifa(shavite512_compress_fn *compress, const void *in, size_t len,
		      uint8_t out[SHAVITE512_OUT_LEN]);

#endif
