/* SPDX-License-Identifier: MIT */
/*
 * Worker placement on hwloc synthetic topologies (machines we do not have):
 * which PU each worker gets, which NUMA node its memory belongs to, the L2
 * share scrypt sizes its lanes from; then binding and local memory on this
 * machine, starting from the process's own CPU set.
 */
#include "topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The process's CPU set is read and set with hwloc here, not <sched.h>:
 * with -Isrc that name is the scheduler's header.
 */
#include <hwloc.h>

#include "algo.h"
#include "device.h"
#include "tap.h"

/* --- a CPU device's context through topo (what the miner hands its CPU devices) */

struct where {
	struct topo *t;
	int node;            /* topo_worker_mem_node at the last allocation */
	int mem_node;        /* where the kernel put it (this machine only), -1 unknown */
	size_t len;
	int is_this_system;
};

static void *where_alloc(void *opaque, unsigned worker, size_t len)
{
	struct where *w = opaque;
	void *p = topo_alloc_worker_mem(w->t, worker, len);

	w->node = topo_worker_mem_node(w->t, worker);
	w->len = len;
	w->mem_node = p && w->is_this_system ? topo_mem_node(w->t, p, len) : -1;
	return p;
}

static void where_free(void *opaque, void *p, size_t len)
{
	struct where *w = opaque;

	topo_free_worker_mem(w->t, p, len);
}

static const struct algo_impl *portable_impl(void *opaque, const struct algo *a, char *err,
					     size_t err_len)
{
	(void)opaque;
	snprintf(err, err_len, "no portable impl");
	return algo_impl_find(a, "portable");
}

/*
 * Sets up a scrypt CPU device as worker `worker` of t with topo's allocator;
 * fills *w. Returns 0 if the device passed its self-test on that memory.
 */
static int device_on(struct topo *t, unsigned worker, int is_this_system, struct where *w)
{
	struct device_cpu_mem mem = { .alloc = where_alloc, .free = where_free, .opaque = w,
				      .worker = worker };
	struct device *d = NULL;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	w->t = t;
	w->node = w->mem_node = -1;
	w->is_this_system = is_this_system;
	if (device_cpu_new(&d, portable_impl, NULL))
		return -1;
	device_cpu_set_mem(d, &mem);
	rc = device_set_algo(d, &algo_scrypt);
	device_free(d);
	return rc;
}

static struct topo *synthetic(const char *desc)
{
	struct topo *t;
	char err[256];

	if (topo_new_synthetic(&t, desc, err, sizeof(err))) {
		printf("# %s\n", err);
		return NULL;
	}
	return t;
}

/* Number of distinct values of key over the first count places. */
static unsigned distinct(struct topo *t, unsigned count, unsigned (*key)(const struct topo_place *))
{
	unsigned seen[1024], n = 0;

	for (unsigned i = 0; i < count; i++) {
		unsigned k = key(topo_place(t, i)), j;
		for (j = 0; j < n && seen[j] != k; j++)
			;
		if (j == n && n < 1024)
			seen[n++] = k;
	}
	return n;
}

static unsigned key_pu(const struct topo_place *p)
{
	return p->pu_os;
}

static unsigned key_core(const struct topo_place *p)
{
	return p->core;
}

static unsigned key_package(const struct topo_place *p)
{
	return p->package;
}

static unsigned key_numa(const struct topo_place *p)
{
	return (unsigned)p->numa_os;
}

/*
 * In a synthetic "... core:C pu:2" machine PU os numbers are 2*core + k, so
 * a PU is a core's first PU when it is even. In "pack:2 numa:2 core:16 pu:2"
 * NUMA node n holds PUs 32n .. 32n+31.
 */
static void two_sockets(void)
{
	struct topo *t = synthetic("pack:2 numa:2 l2:16(size=1048576) core:1 pu:2");
	int all_ok;

	if (!t) {
		tap_ok(0, "2x2x16x2 synthetic topology loads");
		return;
	}
	tap_ok(topo_core_count(t) == 64 && topo_pu_count(t) == 128, "2x2x16x2: 64 cores, 128 PUs");

	tap_ok(!topo_plan(t, 2) && distinct(t, 2, key_package) == 2,
	   "2 workers on a two-socket machine: one per package");
	tap_ok(!topo_plan(t, 4) && distinct(t, 4, key_numa) == 4 && distinct(t, 4, key_package) == 2,
	   "4 workers: one per NUMA node (4 nodes, 2 packages)");

	tap_ok(!topo_plan(t, 64), "plan 64 workers");
	all_ok = distinct(t, 64, key_core) == 64;
	for (unsigned i = 0; i < 64; i++)
		all_ok &= topo_place(t, i)->pu_os % 2 == 0 && topo_place(t, i)->l2_workers == 1;
	tap_ok(all_ok, "64 workers: every core once, no SMT sibling, an L2 each");
	unsigned per_node[4] = { 0 };
	all_ok = 1;
	for (unsigned i = 0; i < 64; i++) {
		const struct topo_place *p = topo_place(t, i);
		all_ok &= p->numa_os >= 0 && p->numa_os < 4 && (unsigned)p->numa_os == p->pu_os / 32;
		if (p->numa_os >= 0 && p->numa_os < 4)
			per_node[p->numa_os]++;
	}
	tap_ok(all_ok, "each worker's memory node is the node of its PU");
	tap_ok(per_node[0] == 16 && per_node[1] == 16 && per_node[2] == 16 && per_node[3] == 16,
	   "64 workers: 16 per NUMA node");

	/* Where each CPU device's scrypt scratchpad goes: its worker's node. */
	tap_ok(!topo_plan(t, 4), "plan 4 workers again");
	all_ok = 1;
	unsigned seen = 0;
	for (unsigned i = 0; i < 4; i++) {
		struct where w;
		int rc = device_on(t, i, 0, &w);
		all_ok &= !rc && w.len == algo_scrypt.ctx_size &&
			  w.node == topo_place(t, i)->numa_os && w.node >= 0 && w.node < 4;
		if (w.node >= 0 && w.node < 4)
			seen |= 1u << w.node;
	}
	tap_ok(all_ok && seen == 0xf,
	       "4 scrypt CPU devices: each context is allocated for its worker's NUMA node, "
	       "one per node (0-3), and the devices pass their self-tests");
	tap_ok(topo_worker_mem_node(t, 4) == -1, "no memory node past the plan");

	tap_ok(!topo_plan(t, 8), "plan 8 workers");
	unsigned per_node8[4] = { 0 };
	for (unsigned i = 0; i < 8; i++)
		per_node8[topo_place(t, i)->numa_os & 3]++;
	tap_ok(per_node8[0] == 2 && per_node8[1] == 2 && per_node8[2] == 2 && per_node8[3] == 2,
	   "8 workers: 2 per NUMA node, before any node gets a third");

	tap_ok(!topo_plan(t, 66), "plan 66 workers");
	unsigned siblings = 0;
	for (unsigned i = 0; i < 66; i++)
		siblings += topo_place(t, i)->pu_os % 2;
	tap_ok(distinct(t, 66, key_pu) == 66 && siblings == 2,
	   "66 workers: all 64 cores, then 2 SMT siblings");
	tap_ok(topo_place(t, 64)->package != topo_place(t, 65)->package,
	   "the first two SMT siblings are on different packages");

	tap_ok(!topo_plan(t, 128) && distinct(t, 128, key_pu) == 128, "128 workers: every PU once");
	tap_ok(topo_place(t, 0)->l2_bytes == 1048576 && topo_place(t, 0)->l2_workers == 2 &&
		   topo_place(t, 0)->l2_share_bytes == 524288,
	   "128 workers: two share each 1 MiB L2, 512 KiB each");

	tap_ok(!topo_plan(t, 130) && topo_place(t, 128)->pu_os == topo_place(t, 0)->pu_os &&
		   topo_place(t, 129)->pu_os == topo_place(t, 1)->pu_os,
	   "130 workers: the two extra wrap round onto the first PUs");
	tap_ok(topo_place(t, 130) == NULL, "no place past the plan");
	topo_free(t);
}

static void one_socket_no_smt(void)
{
	struct topo *t = synthetic("pack:1 core:8 pu:1");
	int all_ok = 1;

	if (!t) {
		tap_ok(0, "1x8 synthetic topology loads");
		return;
	}
	tap_ok(topo_core_count(t) == 8 && topo_pu_count(t) == 8, "1x8x1: 8 cores, 8 PUs");
	tap_ok(!topo_plan(t, 8) && distinct(t, 8, key_pu) == 8, "8 workers on 8 PUs");
	for (unsigned i = 0; i < 8; i++)
		all_ok &= topo_place(t, i)->numa_os == 0 && topo_place(t, i)->package == 0;
	tap_ok(all_ok, "one package, one NUMA node: node 0 for all");
	tap_ok(!topo_plan(t, 3) && distinct(t, 3, key_core) == 3, "3 workers on 3 different cores");
	topo_free(t);
}

static void many_cores(void)
{
	/* A 128-core part: 16 core complexes of 8 cores, each with its own L3. */
	struct topo *t = synthetic(
		"pack:1 numa:4 l3:4(size=33554432) l2:8(size=1048576) core:1 pu:2");
	int all_ok = 1;

	if (!t) {
		tap_ok(0, "128-core synthetic topology loads");
		return;
	}
	tap_ok(topo_core_count(t) == 128 && topo_pu_count(t) == 256, "128 cores, 256 PUs");
	tap_ok(!topo_plan(t, 16) && distinct(t, 16, key_core) == 16, "plan 16 workers");
	/* 16 cores per L3 = PUs 16k .. 16k+15: one worker per core complex. */
	unsigned l3_seen = 0;
	for (unsigned i = 0; i < 16; i++)
		l3_seen |= 1u << (topo_place(t, i)->pu_os / 16);
	tap_ok(l3_seen == 0xffff, "16 workers: one per L3 (core complex), 4 per NUMA node");
	tap_ok(distinct(t, 16, key_numa) == 4, "16 workers use all 4 NUMA nodes");
	tap_ok(!topo_plan(t, 128), "plan 128 workers");
	for (unsigned i = 0; i < 128; i++)
		all_ok &= topo_place(t, i)->pu_os % 2 == 0;
	tap_ok(all_ok && distinct(t, 128, key_core) == 128, "128 workers: every core, no sibling");
	topo_free(t);
}

static void restricted(void)
{
	struct topo *t = synthetic("pack:1 core:4 pu:2");
	char err[256];

	if (!t) {
		tap_ok(0, "1x4x2 synthetic topology loads");
		return;
	}
	tap_ok(topo_restrict(t, "9-8", err, sizeof(err)) == -1 && strstr(err, "9-8"),
	   "--cpu-affinity 9-8 is refused (%s)", err);
	tap_ok(topo_restrict(t, "", err, sizeof(err)) == -1, "an empty list is refused");
	tap_ok(topo_restrict(t, "1,x", err, sizeof(err)) == -1, "a list with junk is refused");
	tap_ok(topo_restrict(t, "3-", err, sizeof(err)) == -1, "an open range is refused");
	tap_ok(topo_restrict(t, "100-101", err, sizeof(err)) == -1 && strstr(err, "no PU"),
	   "PUs the machine lacks are refused (%s)", err);
	tap_ok(topo_pu_count(t) == 8, "a refused list leaves the topology as it was");

	tap_ok(!topo_restrict(t, "1,3-5", err, sizeof(err)) && topo_pu_count(t) == 4 &&
		   topo_core_count(t) == 3,
	   "--cpu-affinity 1,3-5: 4 PUs on 3 cores");
	tap_ok(!topo_plan(t, 3) && distinct(t, 3, key_core) == 3, "3 workers on the 3 cores");
	int only_listed = 1;
	for (unsigned i = 0; i < 3; i++) {
		unsigned pu = topo_place(t, i)->pu_os;
		only_listed &= pu == 1 || pu == 3 || pu == 4;
	}
	tap_ok(only_listed, "... on PUs 1, 3 and 4 (one per core)");
	tap_ok(!topo_plan(t, 4) && distinct(t, 4, key_pu) == 4 && topo_place(t, 3)->pu_os == 5,
	   "a 4th worker takes the sibling PU 5");
	tap_ok(!topo_restrict(t, "1", err, sizeof(err)) && !topo_plan(t, 1) &&
		   topo_place(t, 0)->pu_os == 1,
	   "restricted to PU 1, one worker runs on PU 1 (not on PU 0)");
	topo_free(t);
}

/* This machine: the process's own CPU set is where placement starts. */
static void this_machine(void)
{
	hwloc_topology_t sys;
	hwloc_bitmap_t before = hwloc_bitmap_alloc(), only = hwloc_bitmap_alloc(),
		       after = hwloc_bitmap_alloc();
	struct topo *t;
	int last;

	if (hwloc_topology_init(&sys) || hwloc_topology_load(sys) || !before || !only || !after ||
	    hwloc_get_cpubind(sys, before, HWLOC_CPUBIND_THREAD)) {
		tap_ok(0, "read this thread's CPU set");
		return;
	}
	last = hwloc_bitmap_last(before);
	/* As under taskset -c LAST: the one worker must stay on LAST. */
	hwloc_bitmap_only(only, (unsigned)last);
	tap_ok(!hwloc_set_cpubind(sys, only, HWLOC_CPUBIND_THREAD), "restrict this thread to CPU %d",
	       last);
	tap_ok(!topo_new(&t), "load this machine's topology");
	if (!t)
		goto out;
	tap_ok(topo_pu_count(t) == 1, "the topology holds only the CPU the process was given");
	tap_ok(!topo_plan(t, 1) && topo_place(t, 0)->pu_os == (unsigned)last,
	       "worker 0 is planned on CPU %d", last);
	tap_ok(!hwloc_set_cpubind(sys, before, HWLOC_CPUBIND_THREAD), "restore the CPU set");
	tap_ok(!topo_bind_worker(t, 0, 1), "bind this thread as worker 0");
	tap_ok(!hwloc_get_cpubind(sys, after, HWLOC_CPUBIND_THREAD) && hwloc_bitmap_isequal(after, only),
	       "the thread now runs on CPU %d only", last);

	size_t len = 1 << 20;
	unsigned char *mem = topo_alloc_worker_mem(t, 0, len);
	int zero = mem != NULL;
	for (size_t i = 0; mem && i < len; i += 4096)
		zero &= mem[i] == 0;
	tap_ok(zero, "worker memory: 1 MiB, zeroed");
	int node = mem ? topo_mem_node(t, mem, len) : -1;
	int want = topo_place(t, 0)->numa_os;
	tap_ok(node == want || node < 0 || want < 0, "worker memory is on NUMA node %d (planned %d)",
	       node, want);
	topo_free_worker_mem(t, mem, len);
	struct where w;
	int rc = device_on(t, 0, 1, &w);
	tap_ok(!rc && w.len == algo_scrypt.ctx_size &&
		       w.node == topo_place(t, 0)->numa_os &&
		       (w.mem_node == w.node || w.mem_node < 0),
	       "a scrypt CPU device as worker 0: its context from topo, on node %d (planned %d)",
	       w.mem_node, w.node);
	topo_free(t);
	hwloc_set_cpubind(sys, before, HWLOC_CPUBIND_THREAD);

	tap_ok(!topo_new(&t), "reload with the whole CPU set");
	if (t) {
		tap_ok(topo_pu_count(t) == (unsigned)hwloc_bitmap_weight(before),
		       "%u PUs, as many as the process may use", topo_pu_count(t));
		topo_free(t);
	}
out:
	hwloc_bitmap_free(before);
	hwloc_bitmap_free(only);
	hwloc_bitmap_free(after);
	hwloc_topology_destroy(sys);
}

static void priority(void)
{
	tap_ok(topo_priority_nice(0) == 19 && topo_priority_nice(TOPO_PRIORITY_DEFAULT) == 10 &&
		   topo_priority_nice(4) == 0 && topo_priority_nice(5) == -5,
	   "--cpu-priority 0/2/4/5 -> nice 19/10/0/-5");
}

int main(void)
{
	two_sockets();
	one_socket_no_smt();
	many_cores();
	restricted();
	this_machine();
	priority();
	return tap_done();
}
