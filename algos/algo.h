/* SPDX-License-Identifier: MIT */
#ifndef QM_ALGO_H
#define QM_ALGO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The algorithm table. Each proof-of-work algorithm is one const struct algo
 * with a portable reference hash, a per-job prepare step and a list of scan
 * implementations, best first, portable last. Nothing outside algos/ branches
 * on an algorithm: what differs between them is a field here.
 *
 * Byte orders (docs/pow.md §1): headers are the 80 serialized bytes;
 * hashes and targets are 32 bytes in internal order, read as little-endian
 * 256-bit numbers (byte 31 most significant).
 */

#define HEADER_LEN 80
#define NONCE_OFFSET 76
#define NTIME_OFFSET 68
#define NBITS_OFFSET 72
#define HASH_LEN 32

/*
 * The chain a header belongs to (--network). Only an algorithm whose hash
 * depends on it reads it: Odocrypt maps it to its key epoch (odocrypt.h).
 * Mainnet is 0, so zeroed params are mainnet's.
 */
enum algo_network {
	ALGO_NETWORK_MAINNET = 0,
	ALGO_NETWORK_TESTNET,
	ALGO_NETWORK_REGTEST,
	ALGO_NETWORK_REGTEST_717, /* regtest of DigiByte Core 7.17 */
};

/* Per-call parameters that are not part of the header. */
struct algo_params {
	enum algo_network network;
	/* Forced Odocrypt key, used instead of the derived one when has_odo_key. */
	uint32_t odo_key;
	int has_odo_key;
};

/* Reference hash of one header; out is the PoW hash in internal order. */
typedef void algo_hash_fn(const struct algo_params *params, const uint8_t header[HEADER_LEN],
			  uint8_t out[HASH_LEN]);

/*
 * Per-job precomputation: fills ctx (algo->ctx_size bytes, 64-byte aligned,
 * owned by the worker) from a header whose nonce is ignored. Called whenever
 * any header byte other than the nonce changes. Returns 0, or negative on a
 * header the algorithm cannot hash.
 */
typedef int algo_prepare_fn(void *ctx, const struct algo_params *params,
			    const uint8_t header[HEADER_LEN]);

/*
 * Scans nonces first..last (inclusive, so 0xffffffff is reachable) of the
 * prepared header and writes to hits[] the nonces whose hash is <= target
 * (32 bytes, little-endian), in increasing order, at most max_hits of them;
 * a scan that finds max_hits may return at once, so the caller resumes after
 * hits[max_hits - 1]. Returns the number of hits written. Hits are candidates: the caller
 * re-checks each with algo->hash. Never allocates, locks or logs.
 */
typedef unsigned algo_scan_fn(void *ctx, const uint8_t target[HASH_LEN], uint32_t first,
			      uint32_t last, uint32_t *hits, unsigned max_hits);

/*
 * Per-key data an OpenCL kernel reads (the data argument of kernels/common.cl),
 * for an algorithm whose kernel needs tables that depend on the header only
 * through a key (Odocrypt's epoch): kernel_key returns the key header selects
 * under params; kernel_data writes the kernel_data_len bytes of key's tables
 * into data, in the layout the kernel declares. Pure and thread-safe.
 */
typedef uint32_t algo_kernel_key_fn(const struct algo_params *params,
				    const uint8_t header[HEADER_LEN]);
typedef void algo_kernel_data_fn(uint32_t key, void *data);

struct algo_impl {
	const char *name;     /* "portable", "avx2", ...: logs and --cpu-impl */
	unsigned cpu_needs;   /* enum cpu_flags the impl needs */
	unsigned lanes;       /* nonces per inner step */
	algo_scan_fn *scan;
	/*
	 * Context bytes one scan step streams over (scrypt: 128 KiB per hash in
	 * flight); 0: nothing worth fitting in a cache. Impls with the same
	 * cpu_needs and a scratch_bytes differ only in that: src/ may run a
	 * smaller one where the core's L2 share cannot hold the chosen one.
	 */
	size_t scratch_bytes;
};

struct algo {
	const char *name;            /* "sha256d": -a and logs */
	const char *node_name;       /* name getblocktemplate takes: "sha256d", "odo" */
	uint32_t version_bits;       /* nVersion & 0xF00 (docs/pow.md §2) */
	algo_hash_fn *hash;          /* portable reference; re-checks every hit */
	size_t ctx_size;             /* per-worker memory for prepare/scan, largest impl */
	algo_prepare_fn *prepare;
	const struct algo_impl *impls; /* best first, portable last */
	unsigned n_impls;
	double share_scale;          /* pool difficulty factor (docs/protocols.md §1) */
	const char *kernel;          /* OpenCL kernel file name, or NULL */
	size_t kernel_data_len;      /* bytes of per-key kernel data, 0: none */
	algo_kernel_key_fn *kernel_key;
	algo_kernel_data_fn *kernel_data;
};

#define ALGO_VERSION_MASK 0x00000F00u

/* All algorithms, in display order, and their count. */
extern const struct algo *const algo_table[];
extern const unsigned algo_count;

/* Finds an algorithm by name or node name (case-insensitive); NULL if none. */
const struct algo *algo_find(const char *name);

/* Finds an implementation of a by name; NULL if none. */
const struct algo_impl *algo_impl_find(const struct algo *a, const char *name);

/*
 * A scan path under test: whatever runs prepare and scan (a CPU
 * implementation on its context, an OpenCL device behind src/device.h).
 * prepare returns 0 or negative; scan returns 0 with *hit_count set (the
 * contract of algo_scan_fn), or negative if it could not run.
 */
struct algo_scan_path {
	void *opaque;
	int (*prepare)(void *opaque, const struct algo_params *params,
		       const uint8_t header[HEADER_LEN]);
	int (*scan)(void *opaque, const uint8_t target[HASH_LEN], uint32_t first, uint32_t last,
		    uint32_t *hits, unsigned max_hits, unsigned *hit_count);
	/* Nonces per checked range; 0 takes ALGO_SELFTEST_SPAN (at most ALGO_SELFTEST_MAX_SPAN). */
	unsigned span;
};

/* Crosses several lane groups and ends off a lane boundary. */
#define ALGO_SELFTEST_SPAN 37u
#define ALGO_SELFTEST_MAX_SPAN 1024u

/*
 * Runs a scan path against a->hash on two fixed headers, one range starting
 * at nonce 1000 and one ending at 0xffffffff: a target equal to one planted
 * nonce's hash (equality hits), a target every one of the range's last
 * ALGO_SELFTEST_SPAN nonces meets (first and last lane hit; few enough for a
 * device's hit slots), and a target just below the range's smallest
 * hash (nothing may hit). Returns 0 when the path agrees with a->hash
 * everywhere, else negative with *why (a static string) naming the check
 * that failed. Allocates a little; the caller owns the path.
 */
int algo_selftest_path(const struct algo *a, const struct algo_scan_path *path, const char **why);

/*
 * algo_selftest_path for impl on ctx (a->ctx_size bytes, 64-byte aligned).
 * Returns 0 when it agrees with a->hash, negative otherwise.
 */
int algo_selftest(const struct algo *a, const struct algo_impl *impl, void *ctx);

/*
 * Whether impl can mine on this CPU: its cpu_needs are all in cpu_flags and
 * it passes algo_selftest on a context of its own. Returns 0, or negative
 * with *why (a static string) saying which. The caller logs; nothing is
 * skipped silently (algos/ does not log).
 */
int algo_impl_check(const struct algo *a, const struct algo_impl *impl, unsigned cpu_flags,
		    const char **why);

/* Allocates a->ctx_size bytes aligned to 64 (free with algo_ctx_free). NULL on failure. */
void *algo_ctx_new(const struct algo *a);
void algo_ctx_free(void *ctx);

/* 1 if hash <= target, both 32-byte little-endian numbers (equality passes). */
static inline int hash_le_target(const uint8_t hash[HASH_LEN], const uint8_t target[HASH_LEN])
{
	for (int i = HASH_LEN - 1; i >= 0; i--) {
		if (hash[i] != target[i])
			return hash[i] < target[i];
	}
	return 1;
}

/*
 * Decodes compact nBits (docs/pow.md §5) into a 32-byte little-endian
 * target. Returns 0 for a valid target, -1 if negative, overflowed or zero
 * (target is then what the decoder produced).
 */
int bits_to_target(uint32_t nbits, uint8_t target[HASH_LEN]);

/* The algorithms, declared here so the table in algo.c needs no other header. */
extern const struct algo algo_sha256d;
extern const struct algo algo_scrypt;
extern const struct algo algo_skein;
extern const struct algo algo_qubit;
extern const struct algo algo_odocrypt;

#endif
