/* SPDX-License-Identifier: MIT */
/*
 * Odocrypt scan, AVX2: four nonces per step, nonce j of the step in 64-bit
 * lane j of each of the ten word vectors. The P-boxes and the linear mix run
 * on the vectors (rotations as shift pairs), the S-boxes as 32-bit gathers
 * (measured faster here than lookups per lane through memory); Keccak-p[800]
 * runs per lane.
 */
#include "odocrypt.h"

#include "vec_avx2.h"

#include "endian.h"
#include "keccak800.h"

/* Masked swap of §4.5: the bits set in mask are exchanged between a and b. */
#define ODOCRYPT_LANES_SWAP(a, b, mask)                                               \
	do {                                                                          \
		__m256i d_ = _mm256_and_si256(_mm256_xor_si256(a, b),                 \
					      _mm256_set1_epi64x((long long)(mask))); \
		a = _mm256_xor_si256(a, d_);                                          \
		b = _mm256_xor_si256(b, d_);                                          \
	} while (0)

static inline __m256i odo256_rotl(__m256i x, const struct odocrypt_shift *s)
{
	return _mm256_or_si256(_mm256_sllv_epi64(x, _mm256_set1_epi64x((long long)s->left)),
			       _mm256_srlv_epi64(x, _mm256_set1_epi64x((long long)s->right)));
}

#define ODOCRYPT_LANES_ROT(a, shift) ((a) = odo256_rotl((a), &(shift)))

/* Word i of four lanes through the S-boxes: four 8-lane gathers. */
static inline __m256i odocrypt_lanes_sbox(const struct odocrypt_fast *f, unsigned i, __m256i x)
{
	/*
	 * Dword d of x holds fields 2p and 2p + 1 of its word (p = d mod 2). The
	 * small boxes 4i..4i+3 are consecutive: entry v of box 4i + f is at 64 f + v.
	 */
	const __m256i lo6 = _mm256_set1_epi32(ODOCRYPT_SMALL_SIZE - 1);
	const __m256i box_even = _mm256_set_epi32(128, 0, 128, 0, 128, 0, 128, 0);
	const __m256i box_odd = _mm256_set_epi32(192, 64, 192, 64, 192, 64, 192, 64);
	const __m256i lo10 = _mm256_set1_epi32(ODOCRYPT_LARGE_SIZE - 1);
	const int *small = (const int *)f->sbox_small16[4 * i];
	const int *large = (const int *)f->sbox_large_hi[i];

	__m256i se = _mm256_or_si256(_mm256_and_si256(x, lo6), box_even);
	__m256i so = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(x, 16), lo6), box_odd);
	__m256i le = _mm256_and_si256(_mm256_srli_epi32(x, ODOCRYPT_SMALL_BITS), lo10);
	__m256i lodd = _mm256_srli_epi32(x, 16 + ODOCRYPT_SMALL_BITS);
	__m256i even = _mm256_or_si256(_mm256_i32gather_epi32(small, se, 2),
				       _mm256_i32gather_epi32(large, le, 2));
	__m256i odd = _mm256_or_si256(_mm256_i32gather_epi32(small, so, 2),
				      _mm256_i32gather_epi32(large, lodd, 2));
	return _mm256_blend_epi16(even, _mm256_slli_epi32(odd, 16), 0xaa);
}

/* next ^ the six rotations of x ^ the round-key bit (§4.5 linear mix, round key). */
static inline __m256i odocrypt_lanes_mix(const struct odocrypt_fast *f, __m256i next,
					 __m256i x, const uint64_t *key_bit)
{
	const struct odocrypt_shift *q = f->mix_shift;
	__m256i t = _mm256_xor_si256(odo256_rotl(x, &q[0]), odo256_rotl(x, &q[1]));
	__m256i u = _mm256_xor_si256(odo256_rotl(x, &q[2]), odo256_rotl(x, &q[3]));
	__m256i v = _mm256_xor_si256(odo256_rotl(x, &q[4]), odo256_rotl(x, &q[5]));
	t = _mm256_xor_si256(_mm256_xor_si256(t, u), _mm256_xor_si256(v, next));
	return _mm256_xor_si256(t, _mm256_set1_epi64x((long long)*key_bit));
}

#include "odocrypt_lanes.h"

/* odocrypt_lanes.h: Keccak-p[800] runs per lane, on the ciphertexts stored. */
static inline unsigned odocrypt_lanes_hits(const __m256i w[ODOCRYPT_WORDS], uint64_t start,
					   unsigned count, const uint8_t target[HASH_LEN],
					   uint32_t *hits, unsigned n, unsigned max_hits)
{
	uint32_t target_top = le32_load(target + 28);
	uint64_t out[ODOCRYPT_WORDS][ODOCRYPT_LANES];

	for (unsigned i = 0; i < ODOCRYPT_WORDS; i++)
		_mm256_storeu_si256((__m256i *)out[i], w[i]);
	for (unsigned j = 0; j < count; j++) {
		uint32_t a[KECCAK800_LANES] = { 0 };
		for (unsigned i = 0; i < ODOCRYPT_WORDS; i++) {
			a[2 * i] = (uint32_t)out[i][j];
			a[2 * i + 1] = (uint32_t)(out[i][j] >> 32);
		}
		a[20] = 1; /* byte 80 = 0x01 (§4.2) */
		keccak800_permute(a, KECCAK800_ODO_ROUNDS);
		if (a[7] > target_top)
			continue;
		uint8_t hash[HASH_LEN];
		for (unsigned i = 0; i < HASH_LEN / 4; i++)
			le32_store(hash + 4 * i, a[i]);
		if (hash_le_target(hash, target) && n < max_hits)
			hits[n++] = (uint32_t)(start + j);
	}
	return n;
}

unsigned odocrypt_scan_avx2(void *vctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	return odocrypt_lanes_scan(vctx, target, first, last, hits, max_hits);
}
