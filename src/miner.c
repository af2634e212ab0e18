/* SPDX-License-Identifier: MIT */
#include "miner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "device.h"
#include "endian.h"
#include "log.h"
#include "source.h"
#include "stats.h"
#include "topo.h"

#define MINER_MAX_HITS 64
#define MINER_RANGE_MS 50.0
#define MINER_IDLE_WAIT_MS 500
/* Hardware errors in a row (no good hit between) after which a device is stopped. */
#define MINER_MAX_HW_ERRORS 5

struct miner_worker {
	struct miner *m;
	unsigned index;        /* device, stats slot and thread name */
	unsigned cpu_slot;     /* among the CPU devices, for binding */
	unsigned cpu_count;
	pthread_t thread;
	int is_running;
};

/*
 * Re-checks one hit with the portable hash; queues a share if it holds.
 * d names what reported the hit (CPU impl or OpenCL device). A hit that
 * fails is a hardware error: counted in the device's stats slot and in
 * *errors_in_row (reset by a good hit). Returns 0, or -1 for a hardware error.
 */
static int worker_hit(struct miner *m, unsigned index, const struct device *d, struct job *job,
		      uint64_t extranonce2, uint8_t header[HEADER_LEN], uint32_t nonce,
		      unsigned *errors_in_row)
{
	uint8_t hash[HASH_LEN];
	struct share *share;

	le32_store(header + NONCE_OFFSET, nonce);
	d->algo->hash(&job->params, header, hash);
	if (!hash_le_target(hash, job->share_target)) {
		atomic_fetch_add(&m->bad_hits, 1);
		unsigned n = stats_add_hw_error(m->stats, index);
		(*errors_in_row)++;
		log_warn("thread %u: hardware error on %s: nonce %08x fails the portable hash "
			 "(%u so far); not submitted", index, d->name, nonce, n);
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
	atomic_fetch_add_explicit(&m->stats->found, 1, memory_order_relaxed);
	m->source->ops->submit(m->source, share);
	return 0;
}

/*
 * Sets d up for a when it differs from the device's algorithm (context or
 * kernel, self-test). Returns 0, or -1 when the device cannot mine a: the
 * worker then idles until the work changes. A failure is logged once and
 * remembered in *failed, so the same algorithm is not tried again.
 */
static int worker_switch_algo(unsigned index, struct device *d, const struct algo *a,
			      const struct algo **failed)
{
	if (!a)
		return -1; /* a job without an algorithm, and none for the miner */
	if (d->algo == a)
		return 0;
	if (a == *failed)
		return -1;
	int rc = device_set_algo(d, a);
	if (rc)
		*failed = a;
	if (rc == DEVICE_ERR_UNSUPPORTED) {
		log_warn("thread %u: %s cannot mine %s (%s); left out until the work changes",
			 index, d->name, a->name, d->err);
		return -1;
	}
	if (rc) {
		log_err("thread %u: %s: %s; left out until the work changes", index, d->name,
			d->err);
		return -1;
	}
	log_info("thread %u: %s for %s, self-test passed", index, d->name, a->name);
	return 0;
}

/*
 * Takes the current job, builds this worker's header (its own extranonce2),
 * scans ranges of about MINER_RANGE_MS and checks the board's generation
 * between them, so new work is seen promptly. Every hit goes through
 * worker_hit: re-hashed with algo->hash before it is submitted (style.md
 * §2.9). Returns when the miner stops or the device fails (logged).
 */
static void worker_loop(struct miner *m, unsigned index, struct device *d)
{
	uint8_t header[HEADER_LEN];
	uint32_t hits[MINER_MAX_HITS];
	struct job *job = NULL;
	uint64_t generation = 0, extranonce2 = 0;
	uint32_t nonce = 0;
	const struct algo *range_algo, *failed_algo = NULL;
	struct job_board *board = m->boards ? m->boards[index] : m->board;
	double range;
	unsigned errors_in_row = 0;
	int need_header = 1;

	/* The miner's algorithm first, so a kernel builds while the source connects. */
	if (m->algo)
		worker_switch_algo(index, d, m->algo, &failed_algo);
	range = d->start_range;
	range_algo = d->algo;
	while (!atomic_load_explicit(&m->is_stopping, memory_order_relaxed)) {
		if (job_board_generation(board) != generation) {
			job_unref(job);
			job = job_board_get(board, &generation);
			need_header = 1;
			if (job && worker_switch_algo(index, d, job->algo ? job->algo : m->algo,
						      &failed_algo)) {
				job_unref(job);
				job = NULL;
			}
			if (d->algo != range_algo) {
				range = d->start_range; /* another algorithm: time it anew */
				range_algo = d->algo;
			}
		}
		if (!job) {
			job_board_wait(board, generation, MINER_IDLE_WAIT_MS);
			continue;
		}
		if (need_header) {
			if (work_next_header(job, &extranonce2, header) ||
			    device_prepare(d, &job->params, header)) {
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
		unsigned n = 0;
		double t0 = stats_now();
		if (device_scan(d, job->share_target, nonce, last, hits, MINER_MAX_HITS, &n)) {
			log_err("thread %u (%s): %s; this device stops mining", index, d->name,
				d->err);
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
		uint64_t count = (uint64_t)last - nonce + 1;
		stats_add_hashes(m->stats, index, count);
		device_note_rate(d, count, dt);
		for (unsigned i = 0; i < n; i++)
			worker_hit(m, index, d, job, extranonce2, header, hits[i], &errors_in_row);
		if (errors_in_row >= MINER_MAX_HW_ERRORS) {
			log_err("thread %u (%s): %u hardware errors in a row (hits it reports that "
				"the portable hash rejects); this device stops mining",
				index, d->name, errors_in_row);
			break;
		}

		if (dt > 0) {
			double want = (double)count * (MINER_RANGE_MS / 1000.0) / dt;
			double r = 0.5 * range + 0.5 * want;
			range = r < d->min_range ? d->min_range : r > d->max_range ? d->max_range : r;
		}
		if (last == UINT32_MAX)
			need_header = 1; /* nonce space done: next extranonce2 */
		else
			nonce = last + 1;
	}
	job_unref(job);
}

/* CPU contexts on the worker's NUMA node (src/topo.c; opaque is the miner's topo). */
static void *worker_mem_alloc(void *topo, unsigned slot, size_t len)
{
	return topo_alloc_worker_mem(topo, slot, len);
}

static void worker_mem_free(void *topo, void *p, size_t len)
{
	topo_free_worker_mem(topo, p, len);
}

static void *worker_main(void *varg)
{
	struct miner_worker *w = varg;
	struct miner *m = w->m;
	struct device *d = m->devices[w->index];
	char name[16];

	snprintf(name, sizeof(name), "qm-%s-%u", device_kind_name(d->kind), w->index);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (d->kind == DEVICE_CPU && m->topo &&
	    topo_bind_worker(m->topo, w->cpu_slot, w->cpu_count))
		log_debug("thread %u: could not bind to a CPU; running unbound", w->index);
	if (d->kind == DEVICE_CPU && m->topo) {
		struct device_cpu_mem mem = { .alloc = worker_mem_alloc, .free = worker_mem_free,
					      .opaque = m->topo, .worker = w->cpu_slot };
		const struct topo_place *p = topo_place(m->topo, w->cpu_slot);

		device_cpu_set_mem(d, &mem);
		if (!m->is_impl_exact && p)
			device_cpu_set_cache(d, p->l2_share_bytes);
	}
	worker_loop(m, w->index, d);
	return NULL;
}

int miner_start(struct miner *m)
{
	unsigned cpu_count = 0, cpu_slot = 0;

	atomic_init(&m->is_stopping, 0);
	atomic_init(&m->bad_hits, 0);
	m->running = 0;
	m->workers = calloc(m->device_count ? m->device_count : 1, sizeof(*m->workers));
	if (!m->workers)
		return -1;
	for (unsigned i = 0; i < m->device_count; i++)
		cpu_count += m->devices[i]->kind == DEVICE_CPU;
	for (unsigned i = 0; i < m->device_count; i++) {
		struct miner_worker *w = &m->workers[i];
		w->m = m;
		w->index = i;
		w->cpu_count = cpu_count;
		w->cpu_slot = m->devices[i]->kind == DEVICE_CPU ? cpu_slot++ : 0;
		if (pthread_create(&w->thread, NULL, worker_main, w)) {
			log_err("cannot start worker thread %u", i);
			miner_stop(m);
			return -1;
		}
		w->is_running = 1;
		m->running++;
	}
	return 0;
}

void miner_stop(struct miner *m)
{
	atomic_store(&m->is_stopping, 1);
	if (m->board)
		job_board_stop(m->board);
	for (unsigned i = 0; m->boards && i < m->device_count; i++)
		job_board_stop(m->boards[i]);
	for (unsigned i = 0; m->workers && i < m->device_count; i++) {
		if (m->workers[i].is_running)
			pthread_join(m->workers[i].thread, NULL);
	}
	m->running = 0;
	free(m->workers);
	m->workers = NULL;
}
