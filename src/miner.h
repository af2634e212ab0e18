/* SPDX-License-Identifier: MIT */
#ifndef QM_MINER_H
#define QM_MINER_H

#include <pthread.h>
#include <stdatomic.h>

#include "algo.h"
#include "job_board.h"

struct opencl_scanner;
struct source;
struct stats;
struct topo;

/*
 * Worker threads: each takes the current job from the board, builds its own
 * header (its own extranonce2), scans bounded nonce ranges with the chosen
 * implementation, re-checks every hit with the portable algo->hash and hands
 * verified shares to the source. Workers look at the board's generation
 * between ranges, so new work (clean_jobs) is picked up within one range
 * (ranges are sized to ~50 ms of hashing).
 */
struct miner {
	const struct algo *algo;
	const struct algo_impl *impl;
	struct job_board *board;
	struct stats *stats;
	struct source *source;
	struct topo *topo;            /* may be NULL: threads are not bound */
	unsigned thread_count;
	pthread_t *threads;
	atomic_int is_stopping;
	atomic_uint bad_hits;         /* impl hits the portable hash rejected */
	/*
	 * --opencl: one GPU worker per OpenCL device, after the CPU workers;
	 * device g uses stats slot thread_count + g, so stats must have
	 * thread_count + gpu_count slots. miner_start builds the kernels.
	 */
	unsigned gpu_count;
	const char *kernel_dir;       /* --kernel-dir, or NULL: the built-in kernels */
	struct opencl_scanner **gpus; /* owned, gpu_count of them while started */
	unsigned started;             /* threads running, CPU and GPU */
};

/*
 * Counts the OpenCL devices --opencl mines on into *count. Returns 0, or -1
 * (logged) when there is none or they cannot be listed.
 */
int miner_gpu_count(unsigned *count);

/*
 * Starts thread_count CPU workers and gpu_count GPU workers (building the
 * kernel for each device first). The miner borrows everything it points to.
 * Returns 0, or -1 (logged) if a kernel could not be built or a thread could
 * not be started (the ones that were are stopped again).
 */
int miner_start(struct miner *m);

/* Stops and joins the workers. */
void miner_stop(struct miner *m);

#endif
