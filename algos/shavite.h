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
 * chain (digibyte-pow.md §3.4). Portable C over aes_round.h; thread-safe;
 * cannot fail.
 */

#define SHAVITE512_OUT_LEN 64

/* One-shot SHAvite-3-512 of len bytes, salt 0. */
void shavite512(const void *in, size_t len, uint8_t out[SHAVITE512_OUT_LEN]);

#endif
