/* SPDX-License-Identifier: MIT */
#ifndef QM_SKEIN512_H
#define QM_SKEIN512_H

#include <stddef.h>
#include <stdint.h>

/*
 * Skein-512, portable, from "The Skein Hash Function Family", version 1.3
 * (1 Oct 2010), section 3: Threefish-512 ("A Full Specification of
 * Threefish"), UBI chaining ("... of UBI") and the simple hash Skein-512-512
 * with no key, personalisation or tree ("... of Skein", "Simple Hashing").
 * Words are 64-bit little-endian ("Bit and Byte Order": ToInt, ToBytes).
 * Sections and tables of the paper are cited by their titles. All functions
 * are pure and thread-safe.
 */

#define SKEIN512_BLOCK_LEN 64
#define SKEIN512_WORDS 8

/* Key schedule constant C240 ("The Key Schedule"; version 1.3 value). */
#define SKEIN512_C240 0x1BD11BDAA9FC1A22ull

/*
 * The second tweak word t1: bits 64..127 of the 128-bit tweak ("The fields
 * in the tweak value"). Position bits 64..95 stay zero here (no input reaches
 * 2^64 bytes); Type is bits 120..125, First bit 126, Final bit 127. Type
 * values from "Values for the type field".
 */
#define SKEIN512_T1_FIRST (1ull << 62)
#define SKEIN512_T1_FINAL (1ull << 63)
#define SKEIN512_T1_TYPE(t) ((uint64_t)(t) << 56)
#define SKEIN512_TYPE_CFG 4
#define SKEIN512_TYPE_MSG 48
#define SKEIN512_TYPE_OUT 63

/*
 * Rotation constants R_{d,j} of Threefish-512 ("Rotation constants R_{d,j}",
 * N_w = 8): row d (used by rounds d mod 8), j = 0..3, as literal lists so
 * SIMD code gets them as immediates.
 */
#define SKEIN512_R0 46, 36, 19, 37
#define SKEIN512_R1 33, 27, 14, 42
#define SKEIN512_R2 17, 49, 36, 39
#define SKEIN512_R3 44, 9, 54, 56
#define SKEIN512_R4 39, 30, 34, 24
#define SKEIN512_R5 13, 50, 10, 17
#define SKEIN512_R6 25, 29, 39, 43
#define SKEIN512_R7 8, 35, 56, 22

/*
 * Four Threefish-512 rounds on words x[0..7] with rotation rows ra..rd
 * (SKEIN512_R0..R3 or SKEIN512_R4..R7), for any word type: MIX(x0, x1, r)
 * is the caller's MIX, x0 += x1 then x1 = (x1 <<< r) ^ x0.
 *
 * The word permutation pi = {2, 1, 4, 7, 6, 5, 0, 3} ("Values for the word
 * permutation pi(i)": after a round, word i takes the value of word pi(i))
 * is folded into which words each MIX takes instead of moving words. After
 * k rounds logical word i sits in physical word P_k[i], P_k[i] =
 * P_{k-1}[pi(i)]: P_0 = id, P_1 = {2,1,4,7,6,5,0,3}, P_2 = {4,1,6,3,0,5,2,7},
 * P_3 = {6,1,0,7,2,5,4,3}, P_4 = id. Round k mixes the pairs
 * (P_k[2j], P_k[2j+1]), and after four rounds every word is back in place
 * for the next subkey.
 */
#define SKEIN512_ROUNDS4(MIX, x, ra, rb, rc, rd) SKEIN512_ROUNDS4_(MIX, x, ra, rb, rc, rd)
#define SKEIN512_ROUNDS4_(MIX, x, a0, a1, a2, a3, b0, b1, b2, b3, c0, c1, c2, c3, d0, d1, d2, d3)  \
	do {                                                                                       \
		MIX((x)[0], (x)[1], a0);                                                           \
		MIX((x)[2], (x)[3], a1);                                                           \
		MIX((x)[4], (x)[5], a2);                                                           \
		MIX((x)[6], (x)[7], a3);                                                           \
		MIX((x)[2], (x)[1], b0);                                                           \
		MIX((x)[4], (x)[7], b1);                                                           \
		MIX((x)[6], (x)[5], b2);                                                           \
		MIX((x)[0], (x)[3], b3);                                                           \
		MIX((x)[4], (x)[1], c0);                                                           \
		MIX((x)[6], (x)[3], c1);                                                           \
		MIX((x)[0], (x)[5], c2);                                                           \
		MIX((x)[2], (x)[7], c3);                                                           \
		MIX((x)[6], (x)[1], d0);                                                           \
		MIX((x)[0], (x)[7], d1);                                                           \
		MIX((x)[2], (x)[5], d2);                                                           \
		MIX((x)[4], (x)[3], d3);                                                           \
	} while (0)

/*
 * Chaining value that starts Skein-512-512: G0 = UBI of the 32-byte
 * configuration string (schema "SHA3", version 1, output 512 bits, no tree)
 * under a zero key, type Cfg ("The Configuration String", "Simple
 * Hashing"). It is the value the paper lists among its precomputed initial
 * chaining values; tests/test_skein.c derives it again by that procedure.
 */
extern const uint64_t skein512_512_iv[SKEIN512_WORDS];

/* Threefish-512 encryption of in under key and tweak; out may alias in. */
void skein512_threefish(const uint64_t key[SKEIN512_WORDS], const uint64_t tweak[2],
			const uint64_t in[SKEIN512_WORDS], uint64_t out[SKEIN512_WORDS]);

/*
 * One UBI block: chain = Threefish(chain, tweak, m) xor m, where the
 * tweak is position pos (bytes processed including this block) and t1
 * (type, first and final flags, SKEIN512_T1_*).
 */
void skein512_ubi(uint64_t chain[SKEIN512_WORDS], const uint64_t m[SKEIN512_WORDS], uint64_t pos,
		  uint64_t t1);

/* Loads a 64-byte block as eight little-endian words (BytesToWords). */
void skein512_load_block(const uint8_t block[SKEIN512_BLOCK_LEN], uint64_t m[SKEIN512_WORDS]);

/*
 * The output function of Skein-512-512 ("The Output Function"): UBI of the
 * 8-byte counter 0 with type Out under chain, written as 64 bytes.
 */
void skein512_output(const uint64_t chain[SKEIN512_WORDS], uint8_t out[64]);

/* Skein-512-512 of len bytes at in, one-shot ("Simple Hashing"). */
void skein512_512(const void *in, size_t len, uint8_t out[64]);

#endif
