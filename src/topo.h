/* SPDX-License-Identifier: MIT */
#ifndef QM_TOPO_H
#define QM_TOPO_H

#include <stddef.h>

/*
 * CPU topology through hwloc: packages, NUMA nodes, cores, PUs and caches;
 * where each worker runs and where its memory lives. The only hwloc code
 * (style.md §1).
 *
 * Placement starts from the CPUs the process may run on (its affinity mask,
 * e.g. from taskset or a cgroup), restricted further by --cpu-affinity. The
 * plan spreads workers across packages and NUMA nodes before it fills cores,
 * and uses every core once before it uses an SMT sibling: worker i runs on
 * plan[i]. More workers than PUs wrap round.
 */
struct topo;

/* Where one worker runs. Indices are hwloc's logical ones unless named os. */
struct topo_place {
	unsigned pu_os;              /* the PU's OS number, as taskset and /proc name it */
	unsigned core;               /* logical core index */
	unsigned package;            /* logical package index */
	int numa_os;                 /* OS number of the PU's NUMA node; -1 if none */
	unsigned long long l2_bytes; /* the L2 above the PU; 0 if hwloc reports none */
	unsigned l2_workers;         /* workers of this plan sharing that L2 (>= 1) */
	unsigned long long l2_share_bytes; /* l2_bytes / l2_workers: a worker's fair share */
};

/*
 * Loads the machine's topology, restricted to the CPUs this process may run
 * on. Returns 0 and *out, or -1 (logged).
 */
int topo_new(struct topo **out);

/*
 * A topology from hwloc's synthetic description (e.g. "pack:2 numa:2 core:16
 * pu:2"), for tests: placement is planned on it, nothing is bound. Returns 0
 * and *out, or -1 with a message in err.
 */
int topo_new_synthetic(struct topo **out, const char *desc, char *err, size_t err_len);

void topo_free(struct topo *t);

/*
 * Keeps only the PUs in list (OS numbers and ranges: "0-3,8,10-11"), as
 * --cpu-affinity asks. Returns 0, or -1 with a message in err when the list
 * does not parse or leaves no PU the process may use (t unchanged then).
 */
int topo_restrict(struct topo *t, const char *list, char *err, size_t err_len);

unsigned topo_core_count(const struct topo *t);
unsigned topo_pu_count(const struct topo *t);

/* One line describing the machine ("2 packages, 4 NUMA nodes, 64 cores, 128 PUs, L2 …"). */
void topo_describe(const struct topo *t, char *buf, size_t len);

/*
 * Plans count workers (count >= 1) and keeps the plan in t for the bind and
 * alloc calls below; plan[i] is worker i. Returns 0, or -1 on out-of-memory.
 * Not thread-safe: call once before starting workers.
 */
int topo_plan(struct topo *t, unsigned count);

/* Worker index's place in the current plan, or NULL without a plan or past its end. */
const struct topo_place *topo_place(const struct topo *t, unsigned index);

/* Formats one place as "PU 3 (core 1, package 0), L2 1024 KiB (2 workers), NUMA node 0". */
void topo_place_describe(const struct topo_place *p, char *buf, size_t len);

/*
 * Makes the calling thread worker index of count: binds it to its PU
 * (planning count workers first if the current plan is for another count),
 * makes its memory policy prefer the PU's NUMA node, and sets its niceness
 * (topo_set_priority). Returns 0, or -1 if binding failed (not fatal: the
 * caller logs and carries on unbound). Thread-safe once planned.
 */
int topo_bind_worker(struct topo *t, unsigned index, unsigned count);

/*
 * len bytes for worker index, page-aligned and zeroed, bound to the NUMA
 * node of its place (falls back to ordinary memory where binding is not
 * supported). Free with topo_free_worker_mem(t, p, len). NULL on failure.
 * Thread-safe once planned.
 */
void *topo_alloc_worker_mem(struct topo *t, unsigned index, size_t len);
void topo_free_worker_mem(struct topo *t, void *p, size_t len);

/*
 * The OS number of the NUMA node topo_alloc_worker_mem binds worker index's
 * memory to, or -1 (no plan for it, no NUMA node). On a synthetic topology
 * nothing is bound, but this still says where it would be. Thread-safe once
 * planned.
 */
int topo_worker_mem_node(struct topo *t, unsigned index);

/*
 * The OS number of the NUMA node holding the page at p, or -1 if it cannot
 * be told (for tests and the start-up log).
 */
int topo_mem_node(struct topo *t, const void *p, size_t len);

/*
 * --cpu-priority: 0 (lowest) .. 5 (highest), as cpuminer numbers them; each
 * step is five nice levels: 0 -> nice 19, 2 -> nice 10 (the default: mining
 * yields to whatever the machine's owner runs), 4 -> nice 0, 5 -> nice -5
 * (needs CAP_SYS_NICE). Only the hashing threads are reniced; the network
 * threads keep the process's priority, so shares go out promptly.
 */
#define TOPO_PRIORITY_DEFAULT 2
#define TOPO_PRIORITY_MAX 5
int topo_priority_nice(unsigned priority);

/* Workers bound after this call get priority's niceness (not thread-safe). */
void topo_set_priority(struct topo *t, unsigned priority);

/* Sets the calling thread's niceness. Returns 0, or -1 if the system refused. */
int topo_set_thread_priority(unsigned priority);

#endif
