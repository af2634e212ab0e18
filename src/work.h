/* SPDX-License-Identifier: MIT */
#ifndef QM_WORK_H
#define QM_WORK_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "algo.h"

/*
 * Jobs and headers: the only place that assembles 80-byte headers, rolls
 * extranonce2/ntime and turns a difficulty into a target (style.md §1).
 *
 * A work source (stratum, getblocktemplate) fills a struct job and publishes
 * it on the job board (job_board.h); after publication a job is immutable except for its
 * atomic work counter, and is shared by reference count. Both sources
 * express their work the same way: coinbase = coinb1 || extranonce1 ||
 * extranonce2 || coinb2 (docs/protocols.md §1), merkle branches in internal
 * order; getblocktemplate builds coinb1/coinb2 around its own extranonce.
 */

#define JOB_ID_MAX 64          /* bytes of a job id we accept from a pool */
#define JOB_MERKLE_MAX 32      /* branches: 2^32 transactions is plenty */
#define JOB_EXTRANONCE1_MAX 32
#define JOB_EXTRANONCE2_MAX 16
#define JOB_COINBASE_MAX 65536 /* coinb1 + coinb2 bytes */

struct job {
	atomic_uint refs;
	char id[JOB_ID_MAX + 1];
	const struct algo *algo;
	struct algo_params params;      /* odocrypt epoch for this job's network */
	uint32_t version;               /* nVersion, never altered in bits 8..11 */
	uint32_t nbits;
	uint32_t ntime;                 /* the job's nTime */
	uint32_t ntime_max;             /* largest ntime a worker may roll to (== ntime: none);
					 * the source decides what it allows (--ntime-roll) */
	uint8_t prevhash[HASH_LEN];     /* internal order */
	uint8_t *coinb1, *coinb2;       /* owned by the job (freed by job_unref) */
	size_t coinb1_len, coinb2_len;
	uint8_t extranonce1[JOB_EXTRANONCE1_MAX];
	size_t extranonce1_len;
	size_t extranonce2_len;         /* bytes, 0..JOB_EXTRANONCE2_MAX */
	uint8_t merkle[JOB_MERKLE_MAX][HASH_LEN];
	unsigned merkle_count;
	uint8_t share_target[HASH_LEN]; /* little-endian */
	uint8_t block_target[HASH_LEN]; /* from nbits, little-endian */
	double diff;                    /* share difficulty, for logs */
	int is_clean;                   /* pool said clean_jobs */
	unsigned source_tag;            /* which pool/connection issued it (source's own use) */
	uint64_t source_seq;            /* source's own sequence number (e.g. template id) */
	/*
	 * Next unit of work a worker takes (job_take_work): unit u is
	 * extranonce2 u mod E at ntime + u / E, E = 2^(8 * extranonce2_len).
	 */
	atomic_uint_fast64_t work_next;
};

/* Allocates a zeroed job with one reference. NULL on out-of-memory. */
struct job *job_new(void);
/* Sets coinb1/coinb2 (copies). Returns 0, or -1 if too large or out of memory. */
int job_set_coinbase(struct job *job, const uint8_t *coinb1, size_t len1, const uint8_t *coinb2,
		     size_t len2);
struct job *job_ref(struct job *job);
/* Drops a reference; frees the job with the last one. NULL-safe. */
void job_unref(struct job *job);

/*
 * Lets workers roll the job's ntime by up to roll_s seconds, never beyond
 * max_time (what the source allows; UINT32_MAX: no limit of its own): sets
 * ntime_max = min(ntime + roll_s, max_time), and never below ntime. Call it
 * before the job is published.
 */
void job_set_ntime_roll(struct job *job, uint32_t max_time, uint32_t roll_s);

/*
 * Takes the next unit of work of the job (thread-safe, lock-free): an
 * extranonce2 and an ntime, so no two workers hash the same header. Units
 * run through every extranonce2 value at the job's ntime, then through every
 * value again at ntime + 1 (ntime rolling), and so on up to ntime_max.
 * Returns 0, or -1 when the job has no work left (the caller waits for new
 * work).
 */
int job_take_work(struct job *job, uint64_t *extranonce2, uint32_t *ntime);

/* Units of work a job holds (extranonce2 values x ntime values); UINT64_MAX if more. */
uint64_t job_work_units(const struct job *job);

/*
 * The unit of work `unit` of the job, as job_take_work hands it out.
 * Returns 0, or -1 if the job has fewer units.
 */
int job_work_unit(const struct job *job, uint64_t unit, uint64_t *extranonce2, uint32_t *ntime);

/*
 * job_take_work, then work_header: the header (nonce 0) of the job's next
 * unit of work; its ntime is at NTIME_OFFSET. Returns 0, or -1 when the job
 * has no work left or the header cannot be built.
 */
int work_next_header(struct job *job, uint64_t *extranonce2, uint8_t header[HEADER_LEN]);

/* Writes extranonce2 as extranonce2_len big-endian bytes (what the pool copies back). */
void work_extranonce2_bytes(const struct job *job, uint64_t extranonce2, uint8_t *out);

/*
 * Serializes the coinbase (coinb1 || en1 || en2 || coinb2) into buf (cap
 * bytes); returns its length or -1 if it does not fit.
 */
long work_coinbase(const struct job *job, uint64_t extranonce2, uint8_t *buf, size_t cap);

/* Merkle root (internal order) from the coinbase txid and the job's branches. */
void work_merkle_root(const struct job *job, const uint8_t coinbase_txid[HASH_LEN],
		      uint8_t root[HASH_LEN]);

/*
 * Builds the 80-byte header for extranonce2 and ntime with nonce 0.
 * Returns 0, or -1 if the coinbase does not fit or ntime is outside
 * [job->ntime, job->ntime_max].
 */
int work_header(const struct job *job, uint64_t extranonce2, uint32_t ntime,
		uint8_t header[HEADER_LEN]);

/*
 * Share target for a pool difficulty (docs/protocols.md §1):
 * 0xFFFF * 2^208 * factor / diff, capped at 2^256 - 1. diff <= 0 gives the
 * maximum target. Little-endian output.
 */
void work_diff_to_target(double diff, double factor, uint8_t target[HASH_LEN]);

/* Difficulty of a little-endian target (inverse of the above with factor 1). */
double work_target_to_diff(const uint8_t target[HASH_LEN]);

/* A verified share: a worker found it, the portable hash confirmed it. */
struct share {
	struct job *job;              /* reference held by the share */
	uint64_t extranonce2;
	uint32_t ntime;
	uint32_t nonce;
	uint8_t header[HEADER_LEN];
	uint8_t hash[HASH_LEN];       /* portable PoW hash, little-endian */
	int is_block;                 /* also meets the network target */
	unsigned thread;              /* worker index, for logs */
	uint64_t sent_ms;             /* when the source sent it (deadline_now_ms): answer time */
};

/* Frees a share and drops its job reference. NULL-safe. */
void share_free(struct share *share);

#endif
