/* SPDX-License-Identifier: MIT */
#ifndef QM_SCHED_RUN_H
#define QM_SCHED_RUN_H

#include <signal.h>
#include <stddef.h>

#include "job_board.h"

struct algo;

struct calib;
struct device;
struct options;
struct source;
struct stats;

/*
 * The scheduler at run time (-a auto, or -a with a list): one work source
 * per candidate algorithm, each publishing on a board of its own (pools:
 * subscribed and authorized, receiving jobs, submitting nothing until
 * chosen; solo: one getblocktemplate source per algorithm on the node), and
 * one thread that decides, for each group of devices (every CPU device
 * together, each OpenCL device alone), which algorithm it mines (src/sched.h)
 * and copies that algorithm's current job to the group's board. Workers take
 * the algorithm from the job and set their device up for it (src/device.h),
 * so a switch is a new job: workers finish the scan in hand, and hits of the
 * old algorithm still reach the old algorithm's source through sched_run's
 * own source, which routes every share by its job's algorithm.
 *
 * Inputs: each algorithm's network target from its current job's nBits,
 * whether its source has work at all, the CPU's calibrated rate per thread
 * (src/calib.h) times the group's threads, refined from the devices' own
 * measured rates while they mine it. An OpenCL device's rate for an
 * algorithm is measured by mining it for a short probe first.
 */
struct sched_run;

/*
 * Builds the sources (not started) and the boards for devices[0..count).
 * Everything passed is borrowed and must outlive the scheduler. Returns 0,
 * or -1 (logged) when a source cannot be built.
 */
int sched_run_new(struct sched_run **out, const struct options *cfg, struct stats *stats,
		  struct calib *calib, struct device *const *devices, unsigned device_count,
		  const volatile sig_atomic_t *stop_requested);

/* The source the miner submits to (it routes each share to its algorithm's source). */
struct source *sched_run_source(struct sched_run *sr);

/* The board device i takes its jobs from. */
struct job_board *sched_run_board(struct sched_run *sr, unsigned device);

/* Starts every source and the deciding thread. Returns 0, or -1 (logged). */
int sched_run_start(struct sched_run *sr);

/*
 * One line for the status report: what each group mines, since when, and
 * the rate measured on each algorithm mined so far. Thread-safe.
 */
void sched_run_status(struct sched_run *sr, char *buf, size_t len);

/*
 * For the API: what the first device group mines (or "none"), since when,
 * whether an algorithm is pinned, and the switches so far. Thread-safe.
 */
void sched_run_info(struct sched_run *sr, char *algo, size_t algo_len, int *is_pinned,
		    unsigned *switches, double *since_s);

/*
 * Every device group mines a from the next decision on, whatever the
 * difficulties (the API's "switch algorithm"); NULL lets the scheduler
 * choose again. Returns 0, or -1 with err saying why (a is not a candidate,
 * or its source has no work). Thread-safe.
 */
int sched_run_pin(struct sched_run *sr, const struct algo *a, char *err, size_t err_len);

/* Stops the thread and the sources (flushing their shares) and frees everything. */
void sched_run_free(struct sched_run *sr);

/*
 * --plan: connects to every configured pool (or asks the node's
 * getmininginfo), waits up to wait_s seconds for each algorithm's
 * difficulty, and prints to stdout the expected blocks per day of each
 * algorithm on the CPU (cpu_threads threads at the calibrated rates) with
 * the recommendation. Returns 0, or 1 when no algorithm could be rated.
 */
int sched_run_plan(const struct options *cfg, struct calib *calib, unsigned cpu_threads,
		   double wait_s, const volatile sig_atomic_t *stop_requested);

#endif
