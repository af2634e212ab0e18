/* SPDX-License-Identifier: MIT */
#ifndef QM_MINER_H
#define QM_MINER_H

#include <pthread.h>
#include <stdatomic.h>

#include "algo.h"
#include "job_board.h"

struct device;
struct miner_worker;
struct source;
struct stats;
struct topo;

/*
 * Worker threads, one per device (src/device.h): each takes the current job
 * from the board, builds its own header (its own extranonce2), scans bounded
 * nonce ranges on its device, re-checks every hit with the portable
 * algo->hash and hands verified shares to the source. Workers look at the
 * board's generation between ranges, so new work (clean_jobs) is picked up
 * within one range (ranges are sized to ~50 ms of hashing). A job for
 * another algorithm than the device's sets the device up for it first
 * (device_set_algo: new context or kernel, self-test).
 */
struct miner {
	const struct algo *algo;      /* devices are set up for it at start; may be NULL */
	struct job_board *board;
	/*
	 * NULL: every device takes its jobs from board. Otherwise device i
	 * takes them from boards[i] (the scheduler gives each group of devices
	 * its own, src/sched_run.h); board is then not used.
	 */
	struct job_board **boards;
	struct stats *stats;          /* one slot per device: device i counts in slot i */
	struct source *source;
	struct topo *topo;            /* may be NULL: threads are not bound */
	/*
	 * 0: a CPU device runs a narrower sibling of its impl where its core's L2
	 * share cannot hold the impl's scratchpad (device_cpu_set_cache; scrypt;
	 * --fit-l2). 1: exactly the impl given (the default, and --cpu-impl).
	 */
	int is_impl_exact;
	struct device **devices;      /* borrowed; worker i drives devices[i] */
	unsigned device_count;
	struct miner_worker *workers; /* device_count of them while started */
	atomic_int is_stopping;
	/*
	 * Device hits the portable hash rejected (hardware errors, also counted
	 * in the device's stats slot); a device that reports MINER_MAX_HW_ERRORS
	 * of them in a row, with no good hit between, is stopped.
	 */
	atomic_uint bad_hits;
	unsigned running;             /* worker threads started */
};

/*
 * Starts one worker per device; CPU devices' threads are bound through
 * m->topo. Each worker first sets its device up for m->algo (when set; else
 * for its first job's algorithm): a device that fails its set-up or
 * self-test is logged with the reason and mines nothing until the work
 * changes algorithm. The miner borrows everything it points to. Returns 0,
 * or -1 (logged) if a thread could not be started (the ones that were are
 * stopped again).
 */
int miner_start(struct miner *m);

/* Stops and joins the workers; the devices stay the caller's. */
void miner_stop(struct miner *m);

#endif
