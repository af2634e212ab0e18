/* SPDX-License-Identifier: MIT */
#ifndef QM_TOPO_H
#define QM_TOPO_H

/*
 * CPU topology through hwloc: cores, PUs and caches, and binding of worker
 * threads. The only hwloc code (style.md §1).
 */
struct topo;

/* Loads the machine's topology. Returns 0 and *out, or -1 (logged). */
int topo_new(struct topo **out);
void topo_free(struct topo *t);

unsigned topo_core_count(const struct topo *t);
unsigned topo_pu_count(const struct topo *t);

/* One line describing the machine ("2 cores, 2 PUs, L2 2048 KiB/core, L3 …"). */
void topo_describe(const struct topo *t, char *buf, unsigned len);

/*
 * Binds the calling thread for worker index of count: one worker per core
 * first (spread across cores, so no two share a core's caches while another
 * core is idle), then the remaining PUs. Returns 0, or -1 if binding failed
 * (not fatal: the caller logs and carries on unbound). Thread-safe.
 */
int topo_bind_worker(struct topo *t, unsigned index, unsigned count);

#endif
