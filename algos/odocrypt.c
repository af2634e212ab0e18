/* SPDX-License-Identifier: MIT */
#include "odocrypt.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "endian.h"
#include "keccak800.h"

/* LCG multiplier and increment of the key generator (digibyte-pow.md §4.3). */
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

	/* The draws in the order of digibyte-pow.md §4.4. */
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

void odocrypt_fast_init(struct odocrypt_fast *f, uint32_t key)
{
	odocrypt_cipher_init(&f->c, key);
	for (unsigned i = 0; i < ODOCRYPT_LARGE_SBOXES; i++) {
		for (unsigned v = 0; v < ODOCRYPT_LARGE_SIZE; v++)
			f->sbox_large_hi[i][v] =
				(uint16_t)(f->c.sbox_large[i][v] << ODOCRYPT_SMALL_BITS);
	}
	for (unsigned i = 0; i < ODOCRYPT_SMALL_SBOXES; i++) {
		for (unsigned v = 0; v < ODOCRYPT_SMALL_SIZE; v++)
			f->sbox_small16[i][v] = f->c.sbox_small[i][v];
	}
}

/*
 * The P-box with its word shuffles done by renaming: after s shuffles the
 * word at position k is the one that started at 7^s k mod 10 (new w[k] = old
 * w[7k mod 10], §4.5), and 7^s mod 10 cycles 1, 7, 9, 3. Indices are constant
 * expressions, so the words stay in registers.
 */
#define ODO_PH(s, k) ((((s) % 4 == 0 ? 1 : (s) % 4 == 1 ? 7 : (s) % 4 == 2 ? 9 : 3) * (k)) % 10)
#define ODO_SWAP(w, s, k, m)                                                   \
	do {                                                                   \
		uint64_t d_ = (w[ODO_PH(s, 2 * (k))] ^ w[ODO_PH(s, 2 * (k) + 1)]) & \
			      (m)[s][k];                                       \
		w[ODO_PH(s, 2 * (k))] ^= d_;                                   \
		w[ODO_PH(s, 2 * (k) + 1)] ^= d_;                               \
	} while (0)
#define ODO_ROT(w, s, k, r) \
	(w[ODO_PH((s) + 1, 2 * (k))] = rotl64(w[ODO_PH((s) + 1, 2 * (k))], (r)[s][k]))
#define ODO_SWAPS(w, s, m)                                                           \
	do {                                                                         \
		ODO_SWAP(w, s, 0, m);                                                \
		ODO_SWAP(w, s, 1, m);                                                \
		ODO_SWAP(w, s, 2, m);                                                \
		ODO_SWAP(w, s, 3, m);                                                \
		ODO_SWAP(w, s, 4, m);                                                \
	} while (0)
#define ODO_STAGE(w, s, m, r)                                                        \
	do {                                                                         \
		ODO_SWAPS(w, s, m);                                                  \
		ODO_ROT(w, s, 0, r);                                                 \
		ODO_ROT(w, s, 1, r);                                                 \
		ODO_ROT(w, s, 2, r);                                                 \
		ODO_ROT(w, s, 3, r);                                                 \
		ODO_ROT(w, s, 4, r);                                                 \
	} while (0)

/* P-box p of §4.5 on w; the result is in out (logical order). */
static inline void odocrypt_fast_pbox(const struct odocrypt_cipher *c, unsigned p,
				      uint64_t w[ODOCRYPT_WORDS], uint64_t out[ODOCRYPT_WORDS])
{
	const uint64_t(*m)[ODOCRYPT_PAIRS] = c->pbox_mask[p];
	const uint8_t(*r)[ODOCRYPT_PAIRS] = c->pbox_rot[p];

	ODO_STAGE(w, 0, m, r);
	ODO_STAGE(w, 1, m, r);
	ODO_STAGE(w, 2, m, r);
	ODO_STAGE(w, 3, m, r);
	ODO_STAGE(w, 4, m, r);
	ODO_SWAPS(w, 5, m);
	for (unsigned k = 0; k < ODOCRYPT_WORDS; k++)
		out[k] = w[ODO_PH(5, k)];
}

/* One 16-bit field f of word i through S6[4i + f] and S10[i] (§4.5 S-boxes). */
static inline uint64_t odocrypt_fast_field(const struct odocrypt_fast *f, unsigned i,
					   unsigned k, uint64_t x)
{
	unsigned v = (unsigned)(x >> (16 * k));

	return (uint64_t)(f->c.sbox_small[4 * i + k][v & (ODOCRYPT_SMALL_SIZE - 1)] |
			  f->sbox_large_hi[i][(v >> ODOCRYPT_SMALL_BITS) &
					      (ODOCRYPT_LARGE_SIZE - 1)])
	       << (16 * k);
}

/* The 84 rounds of §4.5 on w (already loaded and pre-mixed). */
static void odocrypt_fast_rounds(const struct odocrypt_fast *f, uint64_t w[ODOCRYPT_WORDS])
{
	const struct odocrypt_cipher *c = &f->c;

	for (unsigned r = 0; r < ODOCRYPT_ROUNDS; r++) {
		uint64_t a[ODOCRYPT_WORDS], b[ODOCRYPT_WORDS];

		odocrypt_fast_pbox(c, 0, w, a);
		for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
			b[i] = odocrypt_fast_field(f, i, 0, a[i]) |
			       odocrypt_fast_field(f, i, 1, a[i]) |
			       odocrypt_fast_field(f, i, 2, a[i]) |
			       odocrypt_fast_field(f, i, 3, a[i]);
		}
		odocrypt_fast_pbox(c, 1, b, a);
		unsigned key = c->round_key[r];
		for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
			uint64_t x = a[(i + 1) % ODOCRYPT_WORDS] ^ ((key >> i) & 1);
			for (unsigned q = 0; q < ODOCRYPT_MIX_ROTS; q++)
				x ^= rotl64(a[i], c->mix_rot[q]);
			w[i] = x;
		}
	}
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

static int odocrypt_prepare(void *vctx, const struct algo_params *params,
			    const uint8_t header[HEADER_LEN])
{
	struct odocrypt_ctx *ctx = vctx;

	odocrypt_ctx_select(ctx, algo_odo_key(params, header));
	memcpy(ctx->header, header, HEADER_LEN);
	return 0;
}

/* Reference hash (§4.2): builds the cipher of the header's key on every call. */
static void odocrypt_algo_hash(const struct algo_params *params, const uint8_t header[HEADER_LEN],
			       uint8_t out[HASH_LEN])
{
	struct odocrypt_cipher c;

	odocrypt_cipher_init(&c, algo_odo_key(params, header));
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

static const struct algo_impl odocrypt_impls[] = {
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
};
