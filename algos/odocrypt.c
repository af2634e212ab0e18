/* SPDX-License-Identifier: MIT */
#include "odocrypt.h"

#include <stddef.h>
#include <string.h>

#include "config.h"
#include "cpu.h"
#include "endian.h"
#include "keccak800.h"

/* LCG multiplier and increment of the key generator (docs/pow.md §4.3). */
#define ODOCRYPT_LCG_A 6364136223846793005u
#define ODOCRYPT_LCG_C 1442695040888963407u

void odocrypt_lcg_init(struct odocrypt_lcg *g, uint32_t key)
{
	g->x = key;
	g->m = 1;
	g->c = 0;
}

uint32_t odocrypt_lcg_next32(struct odocrypt_lcg *g)
{
	g->c += g->m * ODOCRYPT_LCG_C;
	g->m *= ODOCRYPT_LCG_A;
	g->x = g->x * g->m + g->c;
	return (uint32_t)(g->x >> 32);
}

static uint64_t odocrypt_lcg_next64(struct odocrypt_lcg *g)
{
	uint64_t hi = odocrypt_lcg_next32(g);

	return hi << 32 | odocrypt_lcg_next32(g);
}

/* A value in [0, n): the high half of next32() * n (§4.3 below). */
static uint32_t odocrypt_lcg_below(struct odocrypt_lcg *g, uint32_t n)
{
	return (uint32_t)(((uint64_t)odocrypt_lcg_next32(g) * n) >> 32);
}

/* shuffle(n) of §4.3 into a[0..n-1]; the caller widens or narrows the entries. */
static void odocrypt_lcg_shuffle(struct odocrypt_lcg *g, uint16_t *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		a[i] = (uint16_t)i;
	for (unsigned i = 1; i < n; i++) {
		uint32_t j = odocrypt_lcg_below(g, i + 1);
		uint16_t t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

static void odocrypt_pbox_init(struct odocrypt_cipher *c, unsigned p, struct odocrypt_lcg *g)
{
	for (unsigned j = 0; j < ODOCRYPT_PBOX_SWAPS; j++) {
		for (unsigned k = 0; k < ODOCRYPT_PAIRS; k++)
			c->pbox_mask[p][j][k] = odocrypt_lcg_next64(g);
	}
	for (unsigned j = 0; j < ODOCRYPT_PBOX_ROTS; j++) {
		for (unsigned k = 0; k < ODOCRYPT_PAIRS; k++)
			c->pbox_rot[p][j][k] = (uint8_t)(odocrypt_lcg_below(g, 63) + 1);
	}
}

void odocrypt_cipher_init(struct odocrypt_cipher *c, uint32_t key)
{
	struct odocrypt_lcg g;
	uint16_t perm[ODOCRYPT_LARGE_SIZE];

	/* The draws in the order of docs/pow.md §4.4. */
	c->key = key;
	odocrypt_lcg_init(&g, key);
	for (unsigned i = 0; i < ODOCRYPT_SMALL_SBOXES; i++) {
		odocrypt_lcg_shuffle(&g, perm, ODOCRYPT_SMALL_SIZE);
		for (unsigned v = 0; v < ODOCRYPT_SMALL_SIZE; v++)
			c->sbox_small[i][v] = (uint8_t)perm[v];
	}
	for (unsigned i = 0; i < ODOCRYPT_LARGE_SBOXES; i++)
		odocrypt_lcg_shuffle(&g, c->sbox_large[i], ODOCRYPT_LARGE_SIZE);
	odocrypt_pbox_init(c, 0, &g);
	odocrypt_pbox_init(c, 1, &g);

	/* Six distinct rotations in 1..63 with an odd sum, so the mix is invertible. */
	unsigned sum = 0, j = ODOCRYPT_MIX_ROTS - 1;
	odocrypt_lcg_shuffle(&g, perm, 63);
	for (unsigned i = 0; i < ODOCRYPT_MIX_ROTS - 1; i++) {
		c->mix_rot[i] = (uint8_t)(perm[i] + 1);
		sum += c->mix_rot[i];
	}
	while (((perm[j] + 1 + sum) & 1) == 0)
		j++;
	c->mix_rot[ODOCRYPT_MIX_ROTS - 1] = (uint8_t)(perm[j] + 1);

	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++)
		c->round_key[r] = (uint16_t)odocrypt_lcg_below(&g, ODOCRYPT_LARGE_SIZE);
}

void odocrypt_load(uint64_t w[ODOCRYPT_WORDS], const uint8_t block[ODOCRYPT_BLOCK_LEN])
{
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		w[i] = le64_load(block + 8 * i);
}

void odocrypt_store(const uint64_t w[ODOCRYPT_WORDS], uint8_t block[ODOCRYPT_BLOCK_LEN])
{
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		le64_store(block + 8 * i, w[i]);
}

void odocrypt_premix(uint64_t w[ODOCRYPT_WORDS])
{
	uint64_t t = 0;

	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		t ^= w[i];
	t ^= t >> 32;
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		w[i] ^= t;
}

void odocrypt_swaps(uint64_t w[ODOCRYPT_WORDS], const uint64_t mask[ODOCRYPT_PAIRS])
{
	for (unsigned k = 0; k < ODOCRYPT_PAIRS; k++) {
		uint64_t d = (w[2 * k] ^ w[2 * k + 1]) & mask[k];
		w[2 * k] ^= d;
		w[2 * k + 1] ^= d;
	}
}

void odocrypt_shuffle(uint64_t w[ODOCRYPT_WORDS])
{
	uint64_t old[ODOCRYPT_WORDS];

	memcpy(old, w, sizeof(old));
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		w[3 * i % ODOCRYPT_WORDS] = old[i];
}

void odocrypt_rotate_even(uint64_t w[ODOCRYPT_WORDS], const uint8_t rot[ODOCRYPT_PAIRS])
{
	for (unsigned k = 0; k < ODOCRYPT_PAIRS; k++)
		w[2 * k] = rotl64(w[2 * k], rot[k]);
}

void odocrypt_pbox(const struct odocrypt_cipher *c, unsigned p, uint64_t w[ODOCRYPT_WORDS])
{
	for (unsigned s = 0; s < ODOCRYPT_PBOX_ROTS; s++) {
		odocrypt_swaps(w, c->pbox_mask[p][s]);
		odocrypt_shuffle(w);
		odocrypt_rotate_even(w, c->pbox_rot[p][s]);
	}
	odocrypt_swaps(w, c->pbox_mask[p][ODOCRYPT_PBOX_SWAPS - 1]);
}

void odocrypt_sboxes(const struct odocrypt_cipher *c, uint64_t w[ODOCRYPT_WORDS])
{
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
		uint64_t out = 0;
		for (unsigned f = 0; f < 4; f++) {
			unsigned v = (unsigned)(w[i] >> (16 * f)) & 0xffff;
			uint64_t small = c->sbox_small[4 * i + f][v & (ODOCRYPT_SMALL_SIZE - 1)];
			uint64_t large = c->sbox_large[i][v >> ODOCRYPT_SMALL_BITS];
			out |= (small | large << ODOCRYPT_SMALL_BITS) << (16 * f);
		}
		w[i] = out;
	}
}

void odocrypt_mix(const struct odocrypt_cipher *c, uint64_t w[ODOCRYPT_WORDS])
{
	uint64_t old[ODOCRYPT_WORDS];

	memcpy(old, w, sizeof(old));
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
		uint64_t x = old[(i + 1) % ODOCRYPT_WORDS];
		for (unsigned q = 0; q < ODOCRYPT_MIX_ROTS; q++)
			x ^= rotl64(old[i], c->mix_rot[q]);
		w[i] = x;
	}
}

void odocrypt_add_round_key(const struct odocrypt_cipher *c, unsigned r,
			    uint64_t w[ODOCRYPT_WORDS])
{
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		w[i] ^= (c->round_key[r] >> i) & 1;
}

void odocrypt_round(const struct odocrypt_cipher *c, unsigned r, uint64_t w[ODOCRYPT_WORDS])
{
	odocrypt_pbox(c, 0, w);
	odocrypt_sboxes(c, w);
	odocrypt_pbox(c, 1, w);
	odocrypt_mix(c, w);
	odocrypt_add_round_key(c, r, w);
}

void odocrypt_encrypt(const struct odocrypt_cipher *c, const uint8_t in[ODOCRYPT_BLOCK_LEN],
		      uint8_t out[ODOCRYPT_BLOCK_LEN])
{
	uint64_t w[ODOCRYPT_WORDS];

	odocrypt_load(w, in);
	odocrypt_premix(w);
	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++)
		odocrypt_round(c, r, w);
	odocrypt_store(w, out);
}

void odocrypt_hash(const struct odocrypt_cipher *c, const uint8_t header[HEADER_LEN],
		   uint8_t out[HASH_LEN])
{
	/* §4.2: 100 zero bytes, the header, 0x01 at byte 80; only bytes 0..79 are encrypted. */
	uint8_t buf[KECCAK800_STATE_LEN] = { 0 };

	memcpy(buf, header, HEADER_LEN);
	buf[HEADER_LEN] = 0x01;
	odocrypt_encrypt(c, buf, buf);
	keccak800_permute_bytes(buf, KECCAK800_ODO_ROUNDS);
	memcpy(out, buf, HASH_LEN);
}

/* --- Scan path ------------------------------------------------------------ */

static struct odocrypt_shift odocrypt_shift(unsigned left)
{
	return (struct odocrypt_shift){ .left = left, .right = 64 - left };
}

void odocrypt_fast_init(struct odocrypt_fast *f, uint32_t key)
{
	odocrypt_cipher_init(&f->c, key);
	for (unsigned i = 0; i < ODOCRYPT_LARGE_SBOXES; i++) {
		for (unsigned v = 0; v < ODOCRYPT_LARGE_SIZE; v++)
			f->sbox_large_hi[i][v] =
				(uint16_t)(f->c.sbox_large[i][v] << ODOCRYPT_SMALL_BITS);
	}
	for (unsigned i = 0; i < ODOCRYPT_LARGE_SBOXES; i++) {
		memset(f->sbox_large_low2[i], 0, sizeof(f->sbox_large_low2[i]));
		for (unsigned v = 0; v < ODOCRYPT_LARGE_SIZE; v++) {
			uint16_t hi = f->sbox_large_hi[i][v];
			unsigned cand = (v & 3) | (v >> 9) << 2, entry = (v >> 2) & 127;
			f->sbox_large_top[i][128 * cand + entry] = (uint8_t)(hi >> 8);
			f->sbox_large_low2[i][v / 4] |= (uint8_t)((hi >> 6 & 3) << 2 * (v % 4));
		}
	}
	for (unsigned i = 0; i < ODOCRYPT_SMALL_SBOXES; i++) {
		for (unsigned v = 0; v < ODOCRYPT_SMALL_SIZE; v++)
			f->sbox_small16[i][v] = f->c.sbox_small[i][v];
	}
	for (unsigned p = 0; p < 2; p++) {
		for (unsigned j = 0; j < ODOCRYPT_PBOX_ROTS; j++) {
			for (unsigned k = 0; k < ODOCRYPT_PAIRS; k++)
				f->pbox_shift[p][j][k] = odocrypt_shift(f->c.pbox_rot[p][j][k]);
		}
	}
	for (unsigned q = 0; q < ODOCRYPT_MIX_ROTS; q++)
		f->mix_shift[q] = odocrypt_shift(f->c.mix_rot[q]);
	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++) {
		for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
			f->round_key_bit[r][i] = (f->c.round_key[r] >> i) & 1;
	}
}

#define ODOCRYPT_SWAP64(a, b, mask)                \
	do {                                       \
		uint64_t d_ = ((a) ^ (b)) & (mask); \
		(a) ^= d_;                         \
		(b) ^= d_;                         \
	} while (0)
#define ODOCRYPT_ROT64(a, count) ((a) = rotl64((a), (count)))

/* Word i through the S-boxes (§4.5): per 16-bit field, S6[4i + f] low, S10[i] high. */
static inline uint64_t odocrypt_fast_sbox(const struct odocrypt_fast *f, unsigned i, uint64_t x)
{
	const uint8_t(*small)[ODOCRYPT_SMALL_SIZE] = f->c.sbox_small + 4 * i;
	const uint16_t *large = f->sbox_large_hi[i];
	const unsigned lo = ODOCRYPT_SMALL_SIZE - 1, hi = ODOCRYPT_LARGE_SIZE - 1;

	return (uint64_t)(small[0][x & lo] | large[(x >> 6) & hi]) |
	       (uint64_t)(small[1][(x >> 16) & lo] | large[(x >> 22) & hi]) << 16 |
	       (uint64_t)(small[2][(x >> 32) & lo] | large[(x >> 38) & hi]) << 32 |
	       (uint64_t)(small[3][(x >> 48) & lo] | large[x >> 54]) << 48;
}

/* Linear mix of §4.5 for one word: the XOR of its six rotations. */
static inline uint64_t odocrypt_fast_rots(const uint8_t q[ODOCRYPT_MIX_ROTS], uint64_t x)
{
	return rotl64(x, q[0]) ^ rotl64(x, q[1]) ^ rotl64(x, q[2]) ^ rotl64(x, q[3]) ^
	       rotl64(x, q[4]) ^ rotl64(x, q[5]);
}

/* The 84 rounds of §4.5 on w (already loaded and pre-mixed). */
static void odocrypt_fast_rounds(const struct odocrypt_fast *f, uint64_t w[ODOCRYPT_WORDS])
{
	const struct odocrypt_cipher *c = &f->c;
	uint64_t w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4];
	uint64_t w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8], w9 = w[9];

	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++) {
		ODOCRYPT_PBOX(ODOCRYPT_SWAP64, ODOCRYPT_ROT64, c->pbox_mask[0], c->pbox_rot[0],
			      w0, w1, w2, w3, w4, w5, w6, w7, w8, w9);
		uint64_t s0 = odocrypt_fast_sbox(f, 0, w0), s1 = odocrypt_fast_sbox(f, 1, w7);
		uint64_t s2 = odocrypt_fast_sbox(f, 2, w4), s3 = odocrypt_fast_sbox(f, 3, w1);
		uint64_t s4 = odocrypt_fast_sbox(f, 4, w8), s5 = odocrypt_fast_sbox(f, 5, w5);
		uint64_t s6 = odocrypt_fast_sbox(f, 6, w2), s7 = odocrypt_fast_sbox(f, 7, w9);
		uint64_t s8 = odocrypt_fast_sbox(f, 8, w6), s9 = odocrypt_fast_sbox(f, 9, w3);
		ODOCRYPT_PBOX(ODOCRYPT_SWAP64, ODOCRYPT_ROT64, c->pbox_mask[1], c->pbox_rot[1],
			      s0, s1, s2, s3, s4, s5, s6, s7, s8, s9);
		/* Logical order s0 s7 s4 s1 s8 s5 s2 s9 s6 s3; mix, then key bit i into word i. */
		const uint8_t *q = c->mix_rot;
		uint64_t k = c->round_key[r];
		w0 = s7 ^ odocrypt_fast_rots(q, s0) ^ (k & 1);
		w1 = s4 ^ odocrypt_fast_rots(q, s7) ^ ((k >> 1) & 1);
		w2 = s1 ^ odocrypt_fast_rots(q, s4) ^ ((k >> 2) & 1);
		w3 = s8 ^ odocrypt_fast_rots(q, s1) ^ ((k >> 3) & 1);
		w4 = s5 ^ odocrypt_fast_rots(q, s8) ^ ((k >> 4) & 1);
		w5 = s2 ^ odocrypt_fast_rots(q, s5) ^ ((k >> 5) & 1);
		w6 = s9 ^ odocrypt_fast_rots(q, s2) ^ ((k >> 6) & 1);
		w7 = s6 ^ odocrypt_fast_rots(q, s9) ^ ((k >> 7) & 1);
		w8 = s3 ^ odocrypt_fast_rots(q, s6) ^ ((k >> 8) & 1);
		w9 = s0 ^ odocrypt_fast_rots(q, s3) ^ ((k >> 9) & 1);
	}
	w[0] = w0, w[1] = w1, w[2] = w2, w[3] = w3, w[4] = w4;
	w[5] = w5, w[6] = w6, w[7] = w7, w[8] = w8, w[9] = w9;
}

/* The slot holding key's tables, or -1. */
static int odocrypt_ctx_find(const struct odocrypt_ctx *ctx, uint32_t key)
{
	for (int s = 0; s < 2; s++) {
		if (ctx->has_slot[s] && ctx->slot[s].c.key == key)
			return s;
	}
	return -1;
}

/*
 * Makes key's tables current: reused when either slot has them, else built
 * into the slot not in use, so a job that moves back and forth across one
 * epoch boundary builds each key once.
 */
static void odocrypt_ctx_select(struct odocrypt_ctx *ctx, uint32_t key)
{
	int s = odocrypt_ctx_find(ctx, key);

	if (s < 0) {
		s = ctx->has_slot[ctx->current] ? 1 - ctx->current : ctx->current;
		odocrypt_fast_init(&ctx->slot[s], key);
		ctx->has_slot[s] = 1;
		ctx->builds++;
	}
	ctx->current = (uint8_t)s;
}

uint32_t odocrypt_epoch_s(enum algo_network network)
{
	switch (network) {
	case ALGO_NETWORK_TESTNET:
		return ODOCRYPT_EPOCH_TESTNET_S;
	case ALGO_NETWORK_REGTEST:
		return ODOCRYPT_EPOCH_REGTEST_S;
	case ALGO_NETWORK_REGTEST_717:
		return ODOCRYPT_EPOCH_REGTEST_717_S;
	case ALGO_NETWORK_MAINNET:
		break;
	}
	return ODOCRYPT_EPOCH_MAINNET_S;
}

uint32_t odocrypt_key(const struct algo_params *params, const uint8_t header[HEADER_LEN])
{
	if (params->has_odo_key)
		return params->odo_key;
	return odocrypt_key_for_time(le32_load(header + NTIME_OFFSET),
				     odocrypt_epoch_s(params->network));
}

static int odocrypt_prepare(void *vctx, const struct algo_params *params,
			    const uint8_t header[HEADER_LEN])
{
	struct odocrypt_ctx *ctx = vctx;

	odocrypt_ctx_select(ctx, odocrypt_key(params, header));
	memcpy(ctx->header, header, HEADER_LEN);
	return 0;
}

/* Reference hash (§4.2): builds the cipher of the header's key on every call. */
static void odocrypt_algo_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
			       uint8_t out[HASH_LEN])
{
	struct odocrypt_cipher c;

	odocrypt_cipher_init(&c, odocrypt_key(params, header));
	odocrypt_hash(&c, header, out);
}

/*
 * Keccak-p[800, 12] of the ciphertext w padded as §4.2 (byte 80 = 1), and
 * its most significant word (lane 7: hash bytes 28..31); lanes 0..7 are the
 * hash bytes 0..31, little-endian.
 */
static inline uint32_t odocrypt_keccak(const uint64_t w[ODOCRYPT_WORDS],
				       uint32_t a[KECCAK800_LANES])
{
	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
		a[2 * i] = (uint32_t)w[i];
		a[2 * i + 1] = (uint32_t)(w[i] >> 32);
	}
	a[20] = 1;
	a[21] = a[22] = a[23] = a[24] = 0;
	keccak800_permute(a, KECCAK800_ODO_ROUNDS);
	return a[7];
}

unsigned odocrypt_scan_portable(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
				uint32_t last, uint32_t *hits, unsigned max_hits)
{
	const struct odocrypt_ctx *ctx = vctx;
	const struct odocrypt_fast *f = &ctx->slot[ctx->current];
	uint32_t target_top = le32_load(target + 28);
	uint64_t base[ODOCRYPT_WORDS];
	unsigned n = 0;

	odocrypt_load(base, ctx->header);
	for (uint32_t nonce = first;; nonce++) {
		uint64_t w[ODOCRYPT_WORDS];
		uint32_t a[KECCAK800_LANES];

		memcpy(w, base, sizeof(w));
		/* The nonce is bytes 76..79: the high half of word 9. */
		w[9] = (w[9] & 0xffffffffu) | (uint64_t)nonce << 32;
		odocrypt_premix(w);
		odocrypt_fast_rounds(f, w);
		if (odocrypt_keccak(w, a) <= target_top) {
			uint8_t hash[HASH_LEN];
			for (unsigned i = 0; i < HASH_LEN / 4; i++)
				le32_store(hash + 4 * i, a[i]);
			if (hash_le_target(hash, target) && n < max_hits)
				hits[n++] = nonce;
		}
		if (nonce == last)
			break;
	}
	return n;
}

/* --- OpenCL kernel data -------------------------------------------------- */

_Static_assert(sizeof(struct odocrypt_kernel_tables) % 8 == 0 &&
		       offsetof(struct odocrypt_kernel_tables, mix_rot) +
				       ODOCRYPT_MIX_ROTS == sizeof(struct odocrypt_kernel_tables),
	       "the kernel tables have no padding, so the kernel's struct matches");

#define ODO_KT(field) offsetof(struct odocrypt_kernel_tables, field)

void odocrypt_kernel_data(uint32_t key, void *data)
{
	struct odocrypt_cipher c;
	uint8_t *p = data;

	odocrypt_cipher_init(&c, key);
	for (unsigned i = 0; i < 2 * ODOCRYPT_PBOX_SWAPS * ODOCRYPT_PAIRS; i++)
		le64_store(p + ODO_KT(pbox_mask) + 8 * i, (&c.pbox_mask[0][0][0])[i]);
	for (unsigned i = 0; i < ODOCRYPT_LARGE_SBOXES * ODOCRYPT_LARGE_SIZE; i++) {
		uint16_t v = (uint16_t)((&c.sbox_large[0][0])[i] << ODOCRYPT_SMALL_BITS);
		p[ODO_KT(sbox_large_hi) + 2 * i] = (uint8_t)v;
		p[ODO_KT(sbox_large_hi) + 2 * i + 1] = (uint8_t)(v >> 8);
	}
	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++) {
		p[ODO_KT(round_key) + 2 * r] = (uint8_t)c.round_key[r];
		p[ODO_KT(round_key) + 2 * r + 1] = (uint8_t)(c.round_key[r] >> 8);
	}
	memcpy(p + ODO_KT(sbox_small), c.sbox_small, sizeof(c.sbox_small));
	memcpy(p + ODO_KT(pbox_rot), c.pbox_rot, sizeof(c.pbox_rot));
	memcpy(p + ODO_KT(mix_rot), c.mix_rot, sizeof(c.mix_rot));
}

static const struct algo_impl odocrypt_impls[] = {
#if HAVE_AVX512VBMI
	{ .name = "avx512vbmi",
	  .cpu_needs = CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_AVX512VBMI | CPU_AVX2 |
		       CPU_BMI2,
	  .lanes = 16,
	  .scan = odocrypt_scan_avx512vbmi },
#endif
#if HAVE_AVX512
	{ .name = "avx512",
	  .cpu_needs = CPU_AVX512F | CPU_AVX512BW | CPU_AVX512VL | CPU_AVX2 | CPU_BMI2,
	  .lanes = 8,
	  .scan = odocrypt_scan_avx512 },
#endif
#if HAVE_AVX2
	{ .name = "avx2", .cpu_needs = CPU_AVX2 | CPU_BMI2, .lanes = 4,
	  .scan = odocrypt_scan_avx2 },
#endif
	{ .name = "portable", .cpu_needs = 0, .lanes = 1, .scan = odocrypt_scan_portable },
};

const struct algo algo_odocrypt = {
	.name = "odocrypt",
	.node_name = "odo",
	.version_bits = 0xE00,
	.hash = odocrypt_algo_hash,
	.ctx_size = sizeof(struct odocrypt_ctx),
	.prepare = odocrypt_prepare,
	.impls = odocrypt_impls,
	.n_impls = sizeof(odocrypt_impls) / sizeof(odocrypt_impls[0]),
	.share_scale = 1.0,
	.kernel = "odocrypt.cl",
	.kernel_data_len = sizeof(struct odocrypt_kernel_tables),
	.kernel_key = odocrypt_key,
	.kernel_data = odocrypt_kernel_data,
};
