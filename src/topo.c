/* SPDX-License-Identifier: MIT */
#include "topo.h"

#include <stdio.h>
#include <stdlib.h>

#include <hwloc.h>

#include "log.h"

struct topo {
	hwloc_topology_t topology;
	unsigned cores, pus;
};

int topo_new(struct topo **out)
{
	struct topo *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -1;
	if (hwloc_topology_init(&t->topology)) {
		log_err("hwloc: cannot initialise the topology");
		free(t);
		return -1;
	}
	if (hwloc_topology_load(t->topology)) {
		log_err("hwloc: cannot load the topology");
		hwloc_topology_destroy(t->topology);
		free(t);
		return -1;
	}
	int cores = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_CORE);
	int pus = hwloc_get_nbobjs_by_type(t->topology, HWLOC_OBJ_PU);
	t->pus = pus > 0 ? (unsigned)pus : 1;
	t->cores = cores > 0 ? (unsigned)cores : t->pus;
	*out = t;
	return 0;
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	hwloc_topology_destroy(t->topology);
	free(t);
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

void topo_describe(const struct topo *t, char *buf, unsigned len)
{
	snprintf(buf, len, "%u cores, %u PUs, L2 %llu KiB, L3 %llu KiB", t->cores, t->pus,
		 cache_kib(t, HWLOC_OBJ_L2CACHE), cache_kib(t, HWLOC_OBJ_L3CACHE));
}

int topo_bind_worker(struct topo *t, unsigned index, unsigned count)
{
	hwloc_obj_t obj;
	hwloc_bitmap_t set;
	int rc;

	(void)count;
	if (index < t->cores) {
		/* First pass: the first PU of each core. */
		hwloc_obj_t core = hwloc_get_obj_by_type(t->topology, HWLOC_OBJ_CORE, index);
		obj = core ? hwloc_get_obj_inside_cpuset_by_type(t->topology, core->cpuset,
								 HWLOC_OBJ_PU, 0)
			   : hwloc_get_obj_by_type(t->topology, HWLOC_OBJ_PU, index % t->pus);
	} else {
		/* Then the other PUs (hyper-threads), wrapping round if oversubscribed. */
		unsigned k = (index - t->cores) % t->pus;
		unsigned core = k % t->cores, sibling = 1 + k / t->cores;
		hwloc_obj_t c = hwloc_get_obj_by_type(t->topology, HWLOC_OBJ_CORE, core);
		obj = c ? hwloc_get_obj_inside_cpuset_by_type(t->topology, c->cpuset, HWLOC_OBJ_PU,
							      sibling)
			: NULL;
		if (!obj)
			obj = hwloc_get_obj_by_type(t->topology, HWLOC_OBJ_PU, k);
	}
	if (!obj)
		return -1;
	set = hwloc_bitmap_dup(obj->cpuset);
	if (!set)
		return -1;
	hwloc_bitmap_singlify(set);
	rc = hwloc_set_cpubind(t->topology, set, HWLOC_CPUBIND_THREAD);
	hwloc_bitmap_free(set);
	return rc ? -1 : 0;
}
