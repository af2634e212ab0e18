/* SPDX-License-Identifier: MIT */
#include "topo.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <hwloc.h>

#include "log.h"

struct topo {
	hwloc_topology_t topology;
	int is_this_system;            /* binding applies (not a synthetic topology) */
	hwloc_obj_type_t unit_type;    /* HWLOC_OBJ_CORE, or PU where hwloc knows no cores */
	unsigned cores, pus;
	unsigned priority;             /* --cpu-priority for workers */
	pthread_mutex_t lock;          /* guards the plan below */
	unsigned plan_count;
	struct topo_place *plan;
	hwloc_obj_t *plan_pu;          /* the PU object of each place */
};

static void topo_count(struct topo *t)
{
	int cores = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_CORE);
	int pus = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_PU);

	t->pus = pus > 0 ? (unsigned)pus : 1;
	t->cores = cores > 0 ? (unsigned)cores : t->pus;
	t->unit_type = cores > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
}

/* Keeps only the PUs in set; -1 (t unchanged) if none of them is left. */
static int topo_restrict_set(struct topo *t, hwloc_const_bitmap_t set)
{
	hwloc_bitmap_t keep = hwloc_bitmap_dup(hwloc_topology_get_topology_cpuset(t->topology));
	int rc = -1;

	if (!keep)
		return -1;
	hwloc_bitmap_and(keep, keep, set);
	if (!hwloc_bitmap_iszero(keep) &&
	    !hwloc_topology_restrict(t->topology, keep, HWLOC_RESTRICT_FLAG_REMOVE_CPULESS)) {
		topo_count(t);
		rc = 0;
	}
	hwloc_bitmap_free(keep);
	return rc;
}

static int topo_alloc(struct topo **out)
{
	struct topo *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -1;
	if (hwloc_topology_init(&t->topology)) {
		free(t);
		return -1;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->priority = TOPO_PRIORITY_DEFAULT;
	*out = t;
	return 0;
}

int topo_new(struct topo **out)
{
	struct topo *t;
	hwloc_bitmap_t mine;

	*out = NULL;
	if (topo_alloc(&t)) {
		log_err("hwloc: cannot initialise the topology");
		return -1;
	}
	if (hwloc_topology_load(t->topology)) {
		log_err("hwloc: cannot load the topology");
		topo_free(t);
		return -1;
	}
	t->is_this_system = hwloc_topology_is_thissystem(t->topology);
	topo_count(t);
	/*
	 * Start from the CPUs we were given (taskset, cpuset cgroup): the main
	 * thread's mask at start-up is what the process inherited.
	 */
	mine = hwloc_bitmap_alloc();
	if (mine && !hwloc_get_cpubind(t->topology, mine, HWLOC_CPUBIND_THREAD) &&
	    topo_restrict_set(t, mine))
		log_warn("hwloc: the process's CPU set is outside the topology; using every PU");
	hwloc_bitmap_free(mine);
	*out = t;
	return 0;
}

int topo_new_synthetic(struct topo **out, const char *desc, char *err, size_t err_len)
{
	struct topo *t;

	*out = NULL;
	if (topo_alloc(&t)) {
		snprintf(err, err_len, "hwloc: cannot initialise a topology");
		return -1;
	}
	if (hwloc_topology_set_synthetic(t->topology, desc) || hwloc_topology_load(t->topology)) {
		snprintf(err, err_len, "hwloc: bad synthetic topology '%s'", desc);
		topo_free(t);
		return -1;
	}
	t->is_this_system = 0;
	topo_count(t);
	*out = t;
	return 0;
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	free(t->plan);
	free(t->plan_pu);
	pthread_mutex_destroy(&t->lock);
	hwloc_topology_destroy(t->topology);
	free(t);
}

/*
 * A PU list as --cpu-affinity takes it: numbers and closed ranges a-b
 * (a <= b) separated by commas. hwloc's own list syntax also has open
 * ranges ("3-") that a user is unlikely to mean, so check first.
 */
static int list_is_valid(const char *list)
{
	const char *s = list;

	if (!*s)
		return 0;
	for (;;) {
		char *end;
		unsigned long a, b;

		if (*s < '0' || *s > '9')
			return 0;
		a = strtoul(s, &end, 10);
		b = a;
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return 0;
			b = strtoul(s, &end, 10);
			s = end;
		}
		if (a > b || b > 65535)
			return 0;
		if (!*s)
			return 1;
		if (*s++ != ',')
			return 0;
	}
}

int topo_restrict(struct topo *t, const char *list, char *err, size_t err_len)
{
	hwloc_bitmap_t want;
	char allowed[256];
	int rc = -1;

	if (!list_is_valid(list)) {
		snprintf(err, err_len, "--cpu-affinity: '%s' is not a PU list (e.g. 0-3,8,10-11)",
			 list);
		return -1;
	}
	want = hwloc_bitmap_alloc();
	if (!want) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	if (hwloc_bitmap_list_sscanf(want, list)) {
		snprintf(err, err_len, "--cpu-affinity: '%s' is not a PU list", list);
		goto out;
	}
	hwloc_bitmap_list_snprintf(allowed, sizeof(allowed),
				   hwloc_topology_get_topology_cpuset(t->topology));
	if (topo_restrict_set(t, want)) {
		snprintf(err, err_len, "--cpu-affinity: no PU of '%s' is available (allowed: %s)",
			 list, allowed);
		goto out;
	}
	free(t->plan);
	free(t->plan_pu);
	t->plan = NULL;
	t->plan_pu = NULL;
	t->plan_count = 0;
	rc = 0;
out:
	hwloc_bitmap_free(want);
	return rc;
}

unsigned topo_core_count(const struct topo *t)
{
	return t->cores;
}

unsigned topo_pu_count(const struct topo *t)
{
	return t->pus;
}

static unsigned long long cache_kib(const struct topo *t, hwloc_obj_type_t type)
{
	hwloc_obj_t o = hwloc_get_obj_by_type(t->topology, type, 0);

	return o && o->attr ? (unsigned long long)o->attr->cache.size / 1024 : 0;
}

void topo_describe(const struct topo *t, char *buf, size_t len)
{
	int packages = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_PACKAGE);
	int nodes = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_NUMANODE);
	char set[128];

	hwloc_bitmap_list_snprintf(set, sizeof(set), hwloc_topology_get_topology_cpuset(t->topology));
	snprintf(buf, len,
		 "%d package%s, %d NUMA node%s, %u cores, %u PUs (%s), L2 %llu KiB, L3 %llu KiB",
		 packages > 0 ? packages : 1, packages > 1 ? "s" : "", nodes > 0 ? nodes : 1,
		 nodes > 1 ? "s" : "", t->cores, t->pus, set, cache_kib(t, HWLOC_OBJ_L2CACHE),
		 cache_kib(t, HWLOC_OBJ_L3CACHE));
}

/* --- planning ------------------------------------------------------------ */

static unsigned units_under(const struct topo *t, hwloc_obj_t obj)
{
	int n = hwloc_get_nbobjs_inside_cpuset_by_type(t->topology, obj->cpuset, t->unit_type);

	return n > 0 ? (unsigned)n : 0;
}

/*
 * Writes the cores (units) under obj to out in spread order and returns how
 * many: at every level of the tree (package, NUMA group, L3, L2 ...) the
 * children take turns, so consecutive entries are as far apart as the
 * machine allows. Returns -1 on out-of-memory.
 */
static int spread_units(const struct topo *t, hwloc_obj_t obj, hwloc_obj_t *out)
{
	unsigned total, used = 0, k = 0;
	hwloc_obj_t *tmp = NULL;
	unsigned *start = NULL, *count = NULL;
	int rc = -1;

	if (obj->type == t->unit_type) {
		out[0] = obj;
		return 1;
	}
	total = units_under(t, obj);
	if (!total || !obj->arity)
		return 0;
	tmp = malloc(total * sizeof(*tmp));
	start = calloc(obj->arity, sizeof(*start));
	count = calloc(obj->arity, sizeof(*count));
	if (!tmp || !start || !count)
		goto out;
	for (unsigned c = 0; c < obj->arity; c++) {
		int n = used < total ? spread_units(t, obj->children[c], tmp + used) : 0;
		if (n < 0)
			goto out;
		start[c] = used;
		count[c] = (unsigned)n;
		used += (unsigned)n;
	}
	for (unsigned round = 0; k < used; round++) {
		for (unsigned c = 0; c < obj->arity; c++) {
			if (round < count[c])
				out[k++] = tmp[start[c] + round];
		}
	}
	rc = (int)used;
out:
	free(tmp);
	free(start);
	free(count);
	return rc;
}

static hwloc_obj_t numa_of(const struct topo *t, hwloc_obj_t pu)
{
	hwloc_obj_t n = NULL;

	while ((n = hwloc_get_next_obj_by_type(t->topology, HWLOC_OBJ_NUMANODE, n))) {
		if (n->cpuset && hwloc_bitmap_isset(n->cpuset, pu->os_index))
			return n;
	}
	return NULL;
}

/* Fills *p for pu; l2_workers is counted by the caller. */
static void place_fill(const struct topo *t, hwloc_obj_t pu, struct topo_place *p)
{
	hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(t->topology, HWLOC_OBJ_CORE, pu);
	hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(t->topology, HWLOC_OBJ_PACKAGE, pu);
	hwloc_obj_t l2 = hwloc_get_ancestor_obj_by_type(t->topology, HWLOC_OBJ_L2CACHE, pu);
	hwloc_obj_t node = numa_of(t, pu);

	p->pu_os = pu->os_index;
	p->core = core ? core->logical_index : pu->logical_index;
	p->package = pkg ? pkg->logical_index : 0;
	p->numa_os = node ? (int)node->os_index : -1;
	p->l2_bytes = l2 && l2->attr ? (unsigned long long)l2->attr->cache.size : 0;
	p->l2_workers = 1;
	p->l2_share_bytes = p->l2_bytes;
}

int topo_plan(struct topo *t, unsigned count)
{
	hwloc_obj_t root = hwloc_get_root_obj(t->topology);
	hwloc_obj_t *units = malloc(t->cores * sizeof(*units));
	hwloc_obj_t *seq = malloc(t->pus * sizeof(*seq));
	struct topo_place *plan = calloc(count ? count : 1, sizeof(*plan));
	hwloc_obj_t *plan_pu = calloc(count ? count : 1, sizeof(*plan_pu));
	unsigned n_seq = 0;
	int n_units, rc = -1;

	if (!units || !seq || !plan || !plan_pu || count == 0)
		goto out;
	n_units = spread_units(t, root, units);
	if (n_units <= 0)
		goto out;
	/* Every core's first PU, then every core's second PU, and so on. */
	for (unsigned round = 0; n_seq < t->pus; round++) {
		unsigned added = 0;
		for (int u = 0; u < n_units && n_seq < t->pus; u++) {
			hwloc_obj_t pu = units[u]->type == HWLOC_OBJ_PU
					 ? (round == 0 ? units[u] : NULL)
					 : hwloc_get_obj_inside_cpuset_by_type(
						   t->topology, units[u]->cpuset, HWLOC_OBJ_PU, round);
			if (pu) {
				seq[n_seq++] = pu;
				added++;
			}
		}
		if (!added)
			break;
	}
	if (!n_seq)
		goto out;
	for (unsigned i = 0; i < count; i++) {
		plan_pu[i] = seq[i % n_seq];
		place_fill(t, plan_pu[i], &plan[i]);
	}
	/* Workers sharing an L2 split it: scrypt sizes its lanes from the share. */
	for (unsigned i = 0; i < count; i++) {
		hwloc_obj_t l2 = hwloc_get_ancestor_obj_by_type(t->topology, HWLOC_OBJ_L2CACHE,
								plan_pu[i]);
		unsigned sharing = 0;
		for (unsigned j = 0; l2 && j < count; j++) {
			if (hwloc_get_ancestor_obj_by_type(t->topology, HWLOC_OBJ_L2CACHE,
							   plan_pu[j]) == l2)
				sharing++;
		}
		plan[i].l2_workers = sharing ? sharing : 1;
		plan[i].l2_share_bytes = plan[i].l2_bytes / plan[i].l2_workers;
	}
	free(t->plan);
	free(t->plan_pu);
	t->plan = plan;
	t->plan_pu = plan_pu;
	t->plan_count = count;
	plan = NULL;
	plan_pu = NULL;
	rc = 0;
out:
	free(units);
	free(seq);
	free(plan);
	free(plan_pu);
	return rc;
}

const struct topo_place *topo_place(const struct topo *t, unsigned index)
{
	return t->plan && index < t->plan_count ? &t->plan[index] : NULL;
}

void topo_place_describe(const struct topo_place *p, char *buf, size_t len)
{
	char node[32];

	if (p->numa_os >= 0)
		snprintf(node, sizeof(node), "NUMA node %d", p->numa_os);
	else
		snprintf(node, sizeof(node), "no NUMA node");
	snprintf(buf, len, "PU %u (core %u, package %u), L2 %llu KiB (%u worker%s), %s", p->pu_os,
		 p->core, p->package, p->l2_bytes / 1024, p->l2_workers,
		 p->l2_workers == 1 ? "" : "s", node);
}

/* Copies worker index's PU and NUMA node out of the plan (planning if needed). */
static int plan_lookup(struct topo *t, unsigned index, unsigned count, hwloc_obj_t *pu,
		       hwloc_obj_t *node)
{
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	if (count && t->plan_count != count)
		rc = topo_plan(t, count);
	if (!rc && index < t->plan_count) {
		*pu = t->plan_pu[index];
		*node = numa_of(t, *pu);
	} else {
		rc = -1;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int topo_bind_worker(struct topo *t, unsigned index, unsigned count)
{
	hwloc_obj_t pu, node;

	if (plan_lookup(t, index, count, &pu, &node))
		return -1;
	if (!t->is_this_system)
		return 0;
	if (topo_set_thread_priority(t->priority))
		log_debug("worker %u: cannot set nice %d (%s)", index,
			  topo_priority_nice(t->priority), strerror(errno));
	if (hwloc_set_cpubind(t->topology, pu->cpuset, HWLOC_CPUBIND_THREAD))
		return -1;
	/*
	 * Prefer the local node for whatever the thread allocates later (BIND
	 * without STRICT: another node when this one is full, never a failure).
	 */
	if (node)
		hwloc_set_membind(t->topology, node->nodeset, HWLOC_MEMBIND_BIND,
				  HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET);
	return 0;
}

void *topo_alloc_worker_mem(struct topo *t, unsigned index, size_t len)
{
	hwloc_obj_t pu, node = NULL;
	void *p = NULL;

	if (!plan_lookup(t, index, 0, &pu, &node) && node && t->is_this_system)
		p = hwloc_alloc_membind(t->topology, len, node->nodeset, HWLOC_MEMBIND_BIND,
					HWLOC_MEMBIND_BYNODESET);
	if (!p)
		p = hwloc_alloc(t->topology, len);
	if (p)
		memset(p, 0, len); /* first touch, from the worker: the pages land on its node */
	return p;
}

int topo_worker_mem_node(struct topo *t, unsigned index)
{
	hwloc_obj_t pu, node = NULL;

	if (plan_lookup(t, index, 0, &pu, &node) || !node)
		return -1;
	return (int)node->os_index;
}

void topo_free_worker_mem(struct topo *t, void *p, size_t len)
{
	if (p)
		hwloc_free(t->topology, p, len);
}

int topo_mem_node(struct topo *t, const void *p, size_t len)
{
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int node = -1;

	if (set && !hwloc_get_area_memlocation(t->topology, p, len, set, HWLOC_MEMBIND_BYNODESET))
		node = hwloc_bitmap_first(set);
	hwloc_bitmap_free(set);
	return node;
}

/* --- priority ------------------------------------------------------------- */

int topo_priority_nice(unsigned priority)
{
	/* cpuminer's scale: 0 is the lowest priority, 5 the highest. */
	static const int nice_of[] = { 19, 15, 10, 5, 0, -5 };

	return nice_of[priority < 6 ? priority : 5];
}

void topo_set_priority(struct topo *t, unsigned priority)
{
	t->priority = priority;
}

int topo_set_thread_priority(unsigned priority)
{
	/* On Linux, PRIO_PROCESS with a thread id sets that thread's niceness. */
	pid_t tid = (pid_t)syscall(SYS_gettid);

	return setpriority(PRIO_PROCESS, (id_t)tid, topo_priority_nice(priority)) ? -1 : 0;
}
