/* SPDX-License-Identifier: MIT */
#include "miner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "endian.h"
#include "log.h"
#include "opencl.h"
#include "source.h"
#include "stats.h"
#include "topo.h"

#define MINER_MAX_HITS 64
#define MINER_RANGE_MS 50.0
#define MINER_IDLE_WAIT_MS 500
/* Hardware errors in a row (no good hit between) after which a device is stopped. */
#define MINER_MAX_HW_ERRORS 5

struct worker_arg {
	struct miner *m;
	unsigned index;
};

/*
 * Re-checks one hit with the portable hash; queues a share if it holds.
 * impl_name names what reported the hit (CPU impl or OpenCL device). A hit
 * that fails is a hardware error: counted in the worker's stats slot and in
 * *errors_in_row (reset by a good hit). Returns 0, or -1 for a hardware error.
 */
static int worker_hit(struct miner *m, unsigned index, const char *impl_name, struct job *job,
		      uint64_t extranonce2, uint8_t header[HEADER_LEN], uint32_t nonce,
		      unsigned *errors_in_row)
{
	uint8_t hash[HASH_LEN];
	struct share *share;

	le32_store(header + NONCE_OFFSET, nonce);
	m->algo->hash(&job->params, header, hash);
	if (!hash_le_target(hash, job->share_target)) {
		atomic_fetch_add(&m->bad_hits, 1);
		unsigned n = stats_add_hw_error(m->stats, index);
		(*errors_in_row)++;
		log_warn("thread %u: hardware error on %s: nonce %08x fails the portable hash "
			 "(%u so far); not submitted", index, impl_name, nonce, n);
		return -1;
	}
	*errors_in_row = 0;
	share = calloc(1, sizeof(*share));
	if (!share) {
		log_err("thread %u: out of memory, share %08x lost", index, nonce);
		return 0;
	}
	share->job = job_ref(job);
	share->extranonce2 = extranonce2;
	share->ntime = le32_load(header + NTIME_OFFSET);
	share->nonce = nonce;
	memcpy(share->header, header, HEADER_LEN);
	memcpy(share->hash, hash, HASH_LEN);
	share->is_block = hash_le_target(hash, job->block_target);
	share->thread = index;
	if (share->is_block)
		stats_block_candidate(m->stats, share);
	m->source->ops->submit(m->source, share);
	return 0;
}

/*
 * What a worker scans with: a CPU implementation on the worker's own
 * context, or an OpenCL device. One worker loop drives either.
 */
struct scanner {
	const char *name;              /* impl or device name, for logs */
	double range, min_range, max_range; /* nonces per call, adapted */
	const struct algo *algo;
	const struct algo_impl *impl;  /* CPU */
	void *ctx;                     /* CPU */
	struct opencl_scanner *gpu;    /* OpenCL */
};

static int scanner_prepare(struct scanner *sc, const struct algo_params *params,
			   const uint8_t header[HEADER_LEN])
{
	if (sc->gpu)
		return opencl_scanner_prepare(sc->gpu, params, header);
	return sc->algo->prepare(sc->ctx, params, header);
}

static int scanner_scan(struct scanner *sc, const uint8_t target[HASH_LEN], uint32_t first,
			uint32_t last, uint32_t *hits, unsigned *n)
{
	if (sc->gpu)
		return opencl_scanner_scan(sc->gpu, target, first, last, hits, MINER_MAX_HITS, n);
	*n = sc->impl->scan(sc->ctx, target, first, last, hits, MINER_MAX_HITS);
	return 0;
}

/*
 * Takes the current job, builds this worker's header (its own extranonce2),
 * scans ranges of about MINER_RANGE_MS and checks the board's generation
 * between them, so new work is seen promptly. Every hit goes through
 * worker_hit: re-hashed with algo->hash before it is submitted (style.md
 * §2.9). Returns when the miner stops or the scanner fails (logged).
 */
static void worker_loop(struct miner *m, unsigned index, struct scanner *sc)
{
	uint8_t header[HEADER_LEN];
	uint32_t hits[MINER_MAX_HITS];
	struct job *job = NULL;
	uint64_t generation = 0, extranonce2 = 0;
	uint32_t nonce = 0;
	unsigned errors_in_row = 0;
	int need_header = 1;

	while (!atomic_load_explicit(&m->is_stopping, memory_order_relaxed)) {
		if (job_board_generation(m->board) != generation) {
			job_unref(job);
			job = job_board_get(m->board, &generation);
			need_header = 1;
		}
		if (!job) {
			job_board_wait(m->board, generation, MINER_IDLE_WAIT_MS);
			continue;
		}
		if (need_header) {
			if (work_next_header(job, &extranonce2, header) ||
			    scanner_prepare(sc, &job->params, header)) {
				log_warn("thread %u: job %s has no usable work left; waiting for the next",
					 index, job->id);
				job_unref(job);
				job = NULL;
				continue;
			}
			nonce = 0;
			need_header = 0;
		}

		uint64_t span = (uint64_t)sc->range;
		uint32_t last = (uint64_t)nonce + span - 1 > UINT32_MAX ? UINT32_MAX
									  : nonce + (uint32_t)(span - 1);
		unsigned n = 0;
		double t0 = stats_now();
		if (scanner_scan(sc, job->share_target, nonce, last, hits, &n)) {
			log_err("thread %u (%s): %s; this device stops mining", index, sc->name,
				sc->gpu ? opencl_scanner_error(sc->gpu) : "scan failed");
			break;
		}
		double dt = stats_now() - t0;
		/*
		 * A scan that filled hits[] may stop at its last hit (algo.h): count
		 * the nonces it did and go on after that hit, or the rate says more
		 * than was hashed and the rest of the range is never scanned.
		 */
		if (n == MINER_MAX_HITS && hits[n - 1] < last)
			last = hits[n - 1];
		stats_add_hashes(m->stats, index, (uint64_t)last - nonce + 1);
		for (unsigned i = 0; i < n; i++)
			worker_hit(m, index, sc->name, job, extranonce2, header, hits[i],
				   &errors_in_row);
		if (errors_in_row >= MINER_MAX_HW_ERRORS) {
			log_err("thread %u (%s): %u hardware errors in a row (hits its kernel "
				"reports that the portable hash rejects); this device stops mining",
				index, sc->name, errors_in_row);
			break;
		}
		/* A GPU call spans two launches at least, so both are in flight. */
		if (sc->gpu)
			sc->min_range = 2.0 * opencl_scanner_batch(sc->gpu);

		if (dt > 0) {
			double want = ((double)last - nonce + 1) * (MINER_RANGE_MS / 1000.0) / dt;
			double r = 0.5 * sc->range + 0.5 * want;
			sc->range = r < sc->min_range ? sc->min_range
						     : r > sc->max_range ? sc->max_range : r;
		}
		if (last == UINT32_MAX)
			need_header = 1; /* nonce space done: next extranonce2 */
		else
			nonce = last + 1;
	}
	job_unref(job);
}

static void *worker_main(void *varg)
{
	struct worker_arg *arg = varg;
	struct miner *m = arg->m;
	unsigned index = arg->index;
	struct scanner sc = {
		.name = m->impl->name, .range = 4096, .min_range = 16, .max_range = 1u << 26,
		.algo = m->algo, .impl = m->impl,
	};
	char name[16];

	free(arg);
	snprintf(name, sizeof(name), "qm-worker-%u", index);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (m->topo && topo_bind_worker(m->topo, index, m->thread_count))
		log_debug("thread %u: could not bind to a CPU; running unbound", index);
	sc.ctx = algo_ctx_new(m->algo);
	if (!sc.ctx) {
		log_err("thread %u: out of memory for the %s context", index, m->algo->name);
		return NULL;
	}
	worker_loop(m, index, &sc);
	algo_ctx_free(sc.ctx);
	return NULL;
}

/* --- GPU workers (--opencl) --------------------------------------------- */

/* One thread per OpenCL device, after the CPU workers; whole launches per call. */
static void *gpu_worker_main(void *varg)
{
	struct worker_arg *arg = varg;
	struct miner *m = arg->m;
	unsigned index = arg->index, gpu = index - m->thread_count;
	struct opencl_scanner *s = m->gpus[gpu];
	double batch = 2.0 * opencl_scanner_batch(s);
	struct scanner sc = {
		.name = opencl_scanner_name(s), .range = batch, .min_range = batch,
		.max_range = 0x40000000, .algo = m->algo, .gpu = s,
	};
	char thread_name[16];

	free(arg);
	snprintf(thread_name, sizeof(thread_name), "qm-gpu-%u", gpu);
	prctl(PR_SET_NAME, thread_name, 0, 0, 0);
	worker_loop(m, index, &sc);
	return NULL;
}

/* Builds the kernel for every device; logs and returns -1 on the first failure. */
static int miner_gpus_new(struct miner *m)
{
	char err[4096];

	m->gpus = calloc(m->gpu_count, sizeof(*m->gpus));
	if (!m->gpus)
		return -1;
	for (unsigned g = 0; g < m->gpu_count; g++) {
		unsigned d = m->gpu_devices[g];
		if (opencl_scanner_new_with(&m->gpus[g], d, m->algo, m->opencl, err, sizeof(err))) {
			log_err("OpenCL device %u: %s", d, err);
			return -1;
		}
		log_info("GPU %u: OpenCL device %u, %s, %u nonces per launch to start", g, d,
			 opencl_scanner_name(m->gpus[g]), opencl_scanner_batch(m->gpus[g]));
	}
	return 0;
}

/* --- start and stop ------------------------------------------------------ */

int miner_start(struct miner *m)
{
	unsigned total = m->thread_count + m->gpu_count;

	atomic_init(&m->is_stopping, 0);
	atomic_init(&m->bad_hits, 0);
	m->started = 0;
	m->threads = calloc(total, sizeof(*m->threads));
	if (!m->threads)
		return -1;
	if (m->gpu_count && miner_gpus_new(m)) {
		miner_stop(m);
		return -1;
	}
	for (unsigned i = 0; i < total; i++) {
		struct worker_arg *arg = malloc(sizeof(*arg));
		int rc = arg ? 0 : -1;
		if (arg) {
			arg->m = m;
			arg->index = i;
			void *(*fn)(void *) = i < m->thread_count ? worker_main : gpu_worker_main;
			rc = pthread_create(&m->threads[i], NULL, fn, arg);
			if (rc)
				free(arg);
		}
		if (rc) {
			log_err("cannot start worker thread %u", i);
			miner_stop(m);
			return -1;
		}
		m->started++;
	}
	return 0;
}

void miner_stop(struct miner *m)
{
	atomic_store(&m->is_stopping, 1);
	job_board_stop(m->board);
	for (unsigned i = 0; i < m->started; i++)
		pthread_join(m->threads[i], NULL);
	m->started = 0;
	free(m->threads);
	m->threads = NULL;
	for (unsigned g = 0; m->gpus && g < m->gpu_count; g++)
		opencl_scanner_free(m->gpus[g]);
	free(m->gpus);
	m->gpus = NULL;
}
