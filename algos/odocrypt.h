/* SPDX-License-Identifier: MIT */
#ifndef QM_ODOCRYPT_H
#define QM_ODOCRYPT_H

#include <stdint.h>

#include "algo.h"

/*
 * Odocrypt (docs/pow.md §4): a keyed 640-bit block cipher whose key is
 * the epoch of the header's nTime, then Keccak-p[800] with 12 rounds.
 *
 * The cipher tables for one key live in a caller-owned struct odocrypt_cipher
 * (no allocation, no globals); building one takes tens of microseconds, so
 * the mining context below keeps two of them and rebuilds only when a job
 * enters an epoch it has not seen. Everything here is thread-safe on distinct
 * structs; a struct odocrypt_cipher is read-only once built.
 */

#define ODOCRYPT_BLOCK_LEN 80      /* the cipher's block: the whole header */
#define ODOCRYPT_WORDS 10          /* 64-bit words of a block */
#define ODOCRYPT_ROUNDS 84
#define ODOCRYPT_SMALL_SBOXES 40   /* 6-bit S-boxes, four per word */
#define ODOCRYPT_SMALL_SIZE 64
#define ODOCRYPT_LARGE_SBOXES 10   /* 10-bit S-boxes, one per word */
#define ODOCRYPT_LARGE_SIZE 1024
#define ODOCRYPT_SMALL_BITS 6      /* low bits of each 16-bit field */
#define ODOCRYPT_PAIRS 5           /* word pairs of a masked swap */
#define ODOCRYPT_PBOX_SWAPS 6      /* masked-swap layers of a P-box */
#define ODOCRYPT_PBOX_ROTS 5       /* rotation layers of a P-box */
#define ODOCRYPT_MIX_ROTS 6        /* rotations of the linear mix */

/*
 * The key is nTime rounded down to a multiple of the network's epoch
 * (docs/pow.md §2, §4.1): ten days on mainnet, shorter on the test chains
 * so that key changes are exercised quickly.
 */
#define ODOCRYPT_EPOCH_MAINNET_S     864000u
#define ODOCRYPT_EPOCH_TESTNET_S     86400u
#define ODOCRYPT_EPOCH_REGTEST_S     4u
#define ODOCRYPT_EPOCH_REGTEST_717_S 60u

/* The key epoch of network, in seconds (mainnet's for an unknown value). */
uint32_t odocrypt_epoch_s(enum algo_network network);

/* The key of nTime under an epoch of epoch_s seconds (§4.1). */
static inline uint32_t odocrypt_key_for_time(uint32_t ntime, uint32_t epoch_s)
{
	return ntime - ntime % epoch_s;
}

/*
 * The key params select for header: the forced one, else the epoch of its
 * nTime on params->network. The descriptor's kernel_key.
 */
uint32_t odocrypt_key(const struct algo_params *params, const uint8_t header[HEADER_LEN]);

/*
 * The generator that expands the key (docs/pow.md §4.3): each call jumps
 * the LCG x -> A x + C ahead by one more step than the last.
 */
struct odocrypt_lcg {
	uint64_t x, m, c;
};

void odocrypt_lcg_init(struct odocrypt_lcg *g, uint32_t key);
/* The upper 32 bits of the next state (next32 of §4.3). */
uint32_t odocrypt_lcg_next32(struct odocrypt_lcg *g);

/* The key schedule of one key (docs/pow.md §4.4), in the spec's terms. */
struct odocrypt_cipher {
	uint32_t key;
	uint8_t sbox_small[ODOCRYPT_SMALL_SBOXES][ODOCRYPT_SMALL_SIZE];  /* S6 */
	uint16_t sbox_large[ODOCRYPT_LARGE_SBOXES][ODOCRYPT_LARGE_SIZE]; /* S10 */
	uint64_t pbox_mask[2][ODOCRYPT_PBOX_SWAPS][ODOCRYPT_PAIRS];      /* M0, M1 */
	uint8_t pbox_rot[2][ODOCRYPT_PBOX_ROTS][ODOCRYPT_PAIRS];         /* R0, R1 */
	uint8_t mix_rot[ODOCRYPT_MIX_ROTS];                              /* Q */
	uint16_t round_key[ODOCRYPT_ROUNDS];                             /* K */
};

/* Builds the tables of key into c (draws in the order of §4.4). Cannot fail. */
void odocrypt_cipher_init(struct odocrypt_cipher *c, uint32_t key);

/* Encrypts one 80-byte block (§4.5); in and out may be the same buffer. */
void odocrypt_encrypt(const struct odocrypt_cipher *c, const uint8_t in[ODOCRYPT_BLOCK_LEN],
		      uint8_t out[ODOCRYPT_BLOCK_LEN]);

/* The PoW hash of header under c (§4.2): encrypt, pad to 100 bytes, Keccak-p[800, 12]. */
void odocrypt_hash(const struct odocrypt_cipher *c, const uint8_t header[HEADER_LEN],
		   uint8_t out[HASH_LEN]);

/*
 * The steps of §4.5 on the ten words w[], exported so the tests can follow
 * the trace of primitives.json; odocrypt_encrypt is load, premix, 84 times
 * odocrypt_round, store.
 */
void odocrypt_load(uint64_t w[ODOCRYPT_WORDS], const uint8_t block[ODOCRYPT_BLOCK_LEN]);
void odocrypt_store(const uint64_t w[ODOCRYPT_WORDS], uint8_t block[ODOCRYPT_BLOCK_LEN]);
void odocrypt_premix(uint64_t w[ODOCRYPT_WORDS]);
void odocrypt_swaps(uint64_t w[ODOCRYPT_WORDS], const uint64_t mask[ODOCRYPT_PAIRS]);
void odocrypt_shuffle(uint64_t w[ODOCRYPT_WORDS]);
void odocrypt_rotate_even(uint64_t w[ODOCRYPT_WORDS], const uint8_t rot[ODOCRYPT_PAIRS]);
/* P-box p (0 or 1): five times swaps, shuffle, rotations; then the last swaps. */
void odocrypt_pbox(const struct odocrypt_cipher *c, unsigned p, uint64_t w[ODOCRYPT_WORDS]);
void odocrypt_sboxes(const struct odocrypt_cipher *c, uint64_t w[ODOCRYPT_WORDS]);
void odocrypt_mix(const struct odocrypt_cipher *c, uint64_t w[ODOCRYPT_WORDS]);
void odocrypt_add_round_key(const struct odocrypt_cipher *c, unsigned r,
			    uint64_t w[ODOCRYPT_WORDS]);
void odocrypt_round(const struct odocrypt_cipher *c, unsigned r, uint64_t w[ODOCRYPT_WORDS]);

/* A rotation left by `left` as two shifts: x << left | x >> right, right = 64 - left. */
struct odocrypt_shift {
	uint64_t left, right;
};

/*
 * Scan-ready tables of one key: the key schedule; the large S-boxes shifted
 * into the high 10 bits of a 16-bit field; the small S-boxes widened to 16
 * bits (entries of the vector permutes); rotation counts and round-key bits
 * as 64-bit words, which vector code broadcasts straight from memory.
 */
struct odocrypt_fast {
	struct odocrypt_cipher c;
	uint16_t sbox_large_hi[ODOCRYPT_LARGE_SBOXES][ODOCRYPT_LARGE_SIZE]; /* S10 << 6 */
	/* Vector gathers read 4 bytes at an entry: the last large entry reads these. */
	uint16_t sbox_small16[ODOCRYPT_SMALL_SBOXES][ODOCRYPT_SMALL_SIZE];
	struct odocrypt_shift pbox_shift[2][ODOCRYPT_PBOX_ROTS][ODOCRYPT_PAIRS];
	struct odocrypt_shift mix_shift[ODOCRYPT_MIX_ROTS];
	uint64_t round_key_bit[ODOCRYPT_ROUNDS][ODOCRYPT_WORDS]; /* bit i of K[r] */
	/*
	 * The large S-boxes as byte tables for in-register lookups (128 entries
	 * from a pair of zmm): the high byte of S10 << 6, entry v in block
	 * (v mod 4) + 4 (v >> 9) of 128, at (v >> 2) mod 128; and the two bits of
	 * its low byte (bits 6, 7), four entries a byte, entry v at bits
	 * 2 (v mod 4) of byte v / 4.
	 */
	uint8_t sbox_large_top[ODOCRYPT_LARGE_SBOXES][ODOCRYPT_LARGE_SIZE];
	uint8_t sbox_large_low2[ODOCRYPT_LARGE_SBOXES][ODOCRYPT_LARGE_SIZE / 4];
};

/*
 * The scan's cipher keeps the ten words in named variables and does the word
 * shuffles of the P-boxes by renaming (§4.5 implementation notes): after s
 * shuffles the word at position k is the one that started at 7^s k mod 10
 * (new w[k] = old w[7k mod 10]), and 7^s mod 10 cycles 1, 7, 9, 3. So the
 * five sub-rounds see the words in the orders 0123456789, 0741852963,
 * 0987654321, 0369258147, 0123456789, and the P-box leaves them in the order
 * 0741852963. ODOCRYPT_PBOX expands to the whole P-box, given SWAP(a, b, mask)
 * and ROT(a, rotation) for the representation at hand; m and r are the mask
 * and rotation tables of the P-box (rows of 5 entries).
 */
#define ODOCRYPT_SWAPS(SWAP, m, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) \
	do {                                                           \
		SWAP(a0, a1, (m)[0]);                                  \
		SWAP(a2, a3, (m)[1]);                                  \
		SWAP(a4, a5, (m)[2]);                                  \
		SWAP(a6, a7, (m)[3]);                                  \
		SWAP(a8, a9, (m)[4]);                                  \
	} while (0)
#define ODOCRYPT_ROTS(ROT, r, a0, a2, a4, a6, a8) \
	do {                                      \
		ROT(a0, (r)[0]);                  \
		ROT(a2, (r)[1]);                  \
		ROT(a4, (r)[2]);                  \
		ROT(a6, (r)[3]);                  \
		ROT(a8, (r)[4]);                  \
	} while (0)
#define ODOCRYPT_PBOX(SWAP, ROT, m, r, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9)          \
	do {                                                                           \
		ODOCRYPT_SWAPS(SWAP, (m)[0], w0, w1, w2, w3, w4, w5, w6, w7, w8, w9); \
		ODOCRYPT_ROTS(ROT, (r)[0], w0, w4, w8, w2, w6);                       \
		ODOCRYPT_SWAPS(SWAP, (m)[1], w0, w7, w4, w1, w8, w5, w2, w9, w6, w3); \
		ODOCRYPT_ROTS(ROT, (r)[1], w0, w8, w6, w4, w2);                       \
		ODOCRYPT_SWAPS(SWAP, (m)[2], w0, w9, w8, w7, w6, w5, w4, w3, w2, w1); \
		ODOCRYPT_ROTS(ROT, (r)[2], w0, w6, w2, w8, w4);                       \
		ODOCRYPT_SWAPS(SWAP, (m)[3], w0, w3, w6, w9, w2, w5, w8, w1, w4, w7); \
		ODOCRYPT_ROTS(ROT, (r)[3], w0, w2, w4, w6, w8);                       \
		ODOCRYPT_SWAPS(SWAP, (m)[4], w0, w1, w2, w3, w4, w5, w6, w7, w8, w9); \
		ODOCRYPT_ROTS(ROT, (r)[4], w0, w4, w8, w2, w6);                       \
		ODOCRYPT_SWAPS(SWAP, (m)[5], w0, w7, w4, w1, w8, w5, w2, w9, w6, w3); \
	} while (0)

/*
 * Per-worker context: two key slots, so a job that alternates between two
 * epochs never rebuilds, and the prepared header. prepare() selects (or
 * builds, into the slot not in use) the tables for the header's key.
 */
struct odocrypt_ctx {
	struct odocrypt_fast slot[2];
	uint8_t has_slot[2];
	uint8_t current;                   /* slot of the prepared header's key */
	uint64_t builds;                   /* key builds so far, for tests */
	uint8_t header[HEADER_LEN];
};

/*
 * The tables kernels/odocrypt.cl reads for one key, with the same layout as
 * its struct odo_tables: each field naturally aligned, widest first, no
 * padding; stored little-endian by odocrypt_kernel_data() whatever the host.
 */
struct odocrypt_kernel_tables {
	uint64_t pbox_mask[2][ODOCRYPT_PBOX_SWAPS][ODOCRYPT_PAIRS];          /* M0, M1 */
	uint16_t sbox_large_hi[ODOCRYPT_LARGE_SBOXES][ODOCRYPT_LARGE_SIZE]; /* S10 << 6 */
	uint16_t round_key[ODOCRYPT_ROUNDS];                                /* K */
	uint8_t sbox_small[ODOCRYPT_SMALL_SBOXES][ODOCRYPT_SMALL_SIZE];     /* S6 */
	uint8_t pbox_rot[2][ODOCRYPT_PBOX_ROTS][ODOCRYPT_PAIRS];            /* R0, R1 */
	uint8_t mix_rot[ODOCRYPT_MIX_ROTS];                                 /* Q */
};

/* Fills data (sizeof(struct odocrypt_kernel_tables) bytes) with key's tables. */
algo_kernel_data_fn odocrypt_kernel_data;

/* Builds the key schedule of key and the scan tables into f. */
void odocrypt_fast_init(struct odocrypt_fast *f, uint32_t key);

/* Scan implementations, one per ISA file. */
algo_scan_fn odocrypt_scan_portable;
algo_scan_fn odocrypt_scan_avx2;
algo_scan_fn odocrypt_scan_avx512;
algo_scan_fn odocrypt_scan_avx512vbmi;

#endif
