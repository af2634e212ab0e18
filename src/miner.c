/* SPDX-License-Identifier: MIT */
#include "miner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "endian.h"
#include "log.h"
#include "source.h"
#include "stats.h"
#include "topo.h"

#define MINER_MAX_HITS 64
#define MINER_RANGE_MS 50.0
#define MINER_IDLE_WAIT_MS 500

struct worker_arg {
	struct miner *m;
	unsigned index;
};

/* Re-checks one hit with the portable hash; queues a share if it holds. */
static void worker_hit(struct miner *m, unsigned index, struct job *job, uint64_t extranonce2,
		       uint8_t header[HEADER_LEN], uint32_t nonce)
{
	uint8_t hash[HASH_LEN];
	struct share *share;

	le32_store(header + NONCE_OFFSET, nonce);
	m->algo->hash(&job->params, header, hash);
	if (!hash_le_target(hash, job->share_target)) {
		unsigned n = atomic_fetch_add(&m->bad_hits, 1) + 1;
		log_warn("thread %u: %s impl reported nonce %08x that the portable hash rejects "
			 "(%u so far); not submitted", index, m->impl->name, nonce, n);
		return;
	}
	share = calloc(1, sizeof(*share));
	if (!share) {
		log_err("thread %u: out of memory, share %08x lost", index, nonce);
		return;
	}
	share->job = job_ref(job);
	share->extranonce2 = extranonce2;
	share->ntime = le32_load(header + NTIME_OFFSET);
	share->nonce = nonce;
	memcpy(share->header, header, HEADER_LEN);
	memcpy(share->hash, hash, HASH_LEN);
	share->is_block = hash_le_target(hash, job->block_target);
	share->thread = index;
	m->source->ops->submit(m->source, share);
}

static void *worker_main(void *varg)
{
	struct worker_arg *arg = varg;
	struct miner *m = arg->m;
	unsigned index = arg->index;
	uint8_t header[HEADER_LEN];
	uint32_t hits[MINER_MAX_HITS];
	struct job *job = NULL;
	uint64_t generation = 0, extranonce2 = 0;
	uint32_t nonce = 0;
	int need_header = 1;
	double range = 4096; /* nonces per scan call, adapted to ~MINER_RANGE_MS */
	void *ctx;
	char name[16];

	free(arg);
	snprintf(name, sizeof(name), "qm-worker-%u", index);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (m->topo && topo_bind_worker(m->topo, index, m->thread_count))
		log_debug("thread %u: could not bind to a CPU; running unbound", index);
	ctx = algo_ctx_new(m->algo);
	if (!ctx) {
		log_err("thread %u: out of memory for the %s context", index, m->algo->name);
		return NULL;
	}

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
			if (job_take_extranonce2(job, &extranonce2) ||
			    work_header(job, extranonce2, job->ntime, header) ||
			    m->algo->prepare(ctx, &job->params, header)) {
				log_warn("thread %u: job %s has no usable work left; waiting for the next",
					 index, job->id);
				job_unref(job);
				job = NULL;
				continue;
			}
			nonce = 0;
			need_header = 0;
		}

		uint64_t span = (uint64_t)range;
		uint32_t last = (uint64_t)nonce + span - 1 > UINT32_MAX ? UINT32_MAX
									  : nonce + (uint32_t)(span - 1);
		double t0 = stats_now();
		unsigned n = m->impl->scan(ctx, job->share_target, nonce, last, hits,
					   MINER_MAX_HITS);
		double dt = stats_now() - t0;
		stats_add_hashes(m->stats, index, (uint64_t)last - nonce + 1);
		for (unsigned i = 0; i < n; i++)
			worker_hit(m, index, job, extranonce2, header, hits[i]);

		/* Keep each range near MINER_RANGE_MS so new work is seen promptly. */
		if (dt > 0) {
			double want = ((double)last - nonce + 1) * (MINER_RANGE_MS / 1000.0) / dt;
			range = 0.5 * range + 0.5 * want;
			if (range < 16)
				range = 16;
			if (range > 1u << 26)
				range = 1u << 26;
		}
		if (last == UINT32_MAX)
			need_header = 1; /* nonce space done: next extranonce2 */
		else
			nonce = last + 1;
	}
	job_unref(job);
	algo_ctx_free(ctx);
	return NULL;
}

int miner_start(struct miner *m)
{
	atomic_init(&m->is_stopping, 0);
	atomic_init(&m->bad_hits, 0);
	m->threads = calloc(m->thread_count, sizeof(*m->threads));
	if (!m->threads)
		return -1;
	for (unsigned i = 0; i < m->thread_count; i++) {
		struct worker_arg *arg = malloc(sizeof(*arg));
		int rc = arg ? 0 : -1;
		if (arg) {
			arg->m = m;
			arg->index = i;
			rc = pthread_create(&m->threads[i], NULL, worker_main, arg);
			if (rc)
				free(arg);
		}
		if (rc) {
			log_err("cannot start worker thread %u", i);
			m->thread_count = i;
			miner_stop(m);
			return -1;
		}
	}
	return 0;
}

void miner_stop(struct miner *m)
{
	atomic_store(&m->is_stopping, 1);
	job_board_stop(m->board);
	for (unsigned i = 0; i < m->thread_count; i++)
		pthread_join(m->threads[i], NULL);
	free(m->threads);
	m->threads = NULL;
}
