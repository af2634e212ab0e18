/* SPDX-License-Identifier: MIT */
#ifndef QM_DEVICE_H
#define QM_DEVICE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "algo.h"

/*
 * A compute device: what a worker thread scans nonce ranges with. One
 * interface for a CPU implementation on the worker's own context
 * (src/device_cpu.c) and an OpenCL device (src/device_opencl.c, an adapter
 * over the scanner in src/opencl.c); src/miner.c drives devices and knows
 * nothing else.
 *
 * A device is set up for one algorithm at a time. device_set_algo
 * (re)creates what the device needs for it (the CPU implementation chosen
 * for it and a fresh context; the OpenCL kernel built for it) and then
 * self-tests the device through its own prepare and scan against
 * algo->hash (algo_selftest_path). A device that fails is not used for that
 * algorithm; the error says why. Because the algorithm is a property of the
 * set-up and not of the device, a device can be switched to another
 * algorithm between two scans: the worker takes the algorithm from each job
 * (job->algo) and calls device_set_algo when it differs from the device's,
 * which is a no-op when it does not.
 *
 * A device is driven by one thread at a time (its worker). Its name and
 * algo change only in device_set_algo; its rate is written by the worker
 * and may be read by any thread.
 */

enum device_kind {
	DEVICE_CPU,
	DEVICE_OPENCL,
};

/* Longest name kept: an impl name, or "opencl:" and a driver's device name. */
#define DEVICE_NAME_LEN 112
#define DEVICE_ERR_LEN 4096

/* device_set_algo: the device cannot run this algorithm at all (no kernel). */
#define DEVICE_ERR_UNSUPPORTED (-2)

struct device;

struct device_ops {
	/*
	 * (Re)creates what the device needs to scan a, releasing what it had
	 * for its previous algorithm; sets d->name. Returns 0, or negative
	 * (DEVICE_ERR_UNSUPPORTED if a cannot run here) with d->err filled.
	 */
	int (*setup)(struct device *d, const struct algo *a);
	/* algo_prepare_fn for the set-up algorithm. 0, or negative with d->err. */
	int (*prepare)(struct device *d, const struct algo_params *params,
		       const uint8_t header[HEADER_LEN]);
	/*
	 * The contract of algo_scan_fn: hits in first..last (inclusive), in
	 * increasing order, at most max_hits. Returns 0 with *hit_count set,
	 * or negative with d->err filled when the device failed.
	 */
	int (*scan)(struct device *d, const uint8_t target[HASH_LEN], uint32_t first,
		    uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count);
	/* Frees everything the device holds, d included. */
	void (*free)(struct device *d);
};

struct device {
	const struct device_ops *ops;
	enum device_kind kind;
	const struct algo *algo;        /* set up and self-tested for; NULL: none */
	char name[DEVICE_NAME_LEN];     /* "avx2", "opencl:<device name>" */
	/* Nonces per scan call: the worker adapts between these, starting at start_range. */
	double start_range, min_range, max_range;
	/* Nonces per self-test range (0: ALGO_SELFTEST_SPAN). */
	unsigned selftest_span;
	_Atomic double rate;            /* H/s of recent scans, 0 until measured */
	/* OpenCL: work-items per launch now (it self-tunes); 0 for a CPU device. */
	_Atomic unsigned batch;
	char err[DEVICE_ERR_LEN];       /* why the last failed call failed */
};

/*
 * Sets d up for a and self-tests it (a no-op when d->algo is already a).
 * Returns 0, or negative with d->err saying why (DEVICE_ERR_UNSUPPORTED when
 * the device cannot run a at all); d->algo is then NULL and d must be set
 * up again before it scans. Not thread-safe against d's own scans.
 */
int device_set_algo(struct device *d, const struct algo *a);

static inline int device_prepare(struct device *d, const struct algo_params *params,
				 const uint8_t header[HEADER_LEN])
{
	return d->ops->prepare(d, params, header);
}

static inline int device_scan(struct device *d, const uint8_t target[HASH_LEN], uint32_t first,
			      uint32_t last, uint32_t *hits, unsigned max_hits,
			      unsigned *hit_count)
{
	return d->ops->scan(d, target, first, last, hits, max_hits, hit_count);
}

/* Folds one scan (count nonces in seconds) into d->rate. */
void device_note_rate(struct device *d, uint64_t count, double seconds);

/* "cpu" or "opencl". */
const char *device_kind_name(enum device_kind kind);

/* Frees d; NULL is allowed. */
void device_free(struct device *d);

/*
 * The CPU implementation a CPU device uses for algorithm a: returns it, or
 * NULL with err filled (e.g. no implementation passed its self-test).
 * Called from device_set_algo, so from the worker's thread: must be
 * thread-safe.
 */
typedef const struct algo_impl *device_cpu_impl_fn(void *opaque, const struct algo *a, char *err,
						   size_t err_len);

/*
 * A CPU device: scans on the calling worker's thread with the
 * implementation impl_for(opaque, a) returns, on a context of its own.
 * Returns 0 and *out, or -1 (out of memory).
 */
int device_cpu_new(struct device **out, device_cpu_impl_fn *impl_for, void *opaque);

/*
 * Where a CPU device's algorithm context (scrypt scratchpads, Odocrypt
 * tables) comes from: alloc(opaque, worker, len) returns len zeroed bytes,
 * 64-byte aligned (e.g. on worker's NUMA node, src/topo.c), or NULL; free
 * gives them back. opaque must outlive the device. Without one (or when
 * alloc fails) the context is ordinary memory, touched first by the thread
 * that sets the device up.
 */
typedef void *device_mem_alloc_fn(void *opaque, unsigned worker, size_t len);
typedef void device_mem_free_fn(void *opaque, void *p, size_t len);
struct device_cpu_mem {
	device_mem_alloc_fn *alloc;
	device_mem_free_fn *free;
	void *opaque;
	unsigned worker;
};

/*
 * Contexts set up from now on come from mem (copied; NULL: ordinary memory).
 * d must be a CPU device; a context already there stays where it is until
 * the next algorithm. Not thread-safe against d's own calls.
 */
void device_cpu_set_mem(struct device *d, const struct device_cpu_mem *mem);

/*
 * The impl to run on a core with cache_bytes of L2 (its share): impl itself
 * when its scratch_bytes fit (or it has none, or cache_bytes is 0), else the
 * sibling (same cpu_needs, a scratch_bytes of its own) with the largest
 * scratch that fits, else the sibling with the smallest. E.g. scrypt's
 * "avx512" (16 hashes in flight, 2 MiB) becomes "avx512-8" (1 MiB) in a
 * 1 MiB L2.
 */
const struct algo_impl *device_cpu_fit_impl(const struct algo *a, const struct algo_impl *impl,
					    size_t cache_bytes);

/*
 * From the next set-up on, d runs device_cpu_fit_impl(impl, cache_bytes) of
 * the impl impl_for gives (0: that impl as given, e.g. --cpu-impl). d's
 * self-test then covers the impl it really runs. Not thread-safe against d's
 * own calls.
 */
void device_cpu_set_cache(struct device *d, size_t cache_bytes);

/*
 * The OpenCL devices there are (every platform's, in the loader's order; the
 * order is the index). Returns 0 and *count, or -1 with err filled.
 */
int device_opencl_count(unsigned *count, char *err, size_t err_len);

struct opencl_config;

/*
 * OpenCL device index (see device_opencl_count), its kernels built and
 * launched as cfg says (borrowed: it must outlive the device; NULL: the
 * built-in kernels, self-tuned launches). Nothing is
 * built until device_set_algo. Returns 0 and *out, or -1 with err filled.
 */
int device_opencl_new(struct device **out, unsigned index, const struct opencl_config *cfg,
		      char *err, size_t err_len);

/*
 * The devices a run mines with: cpu_threads CPU devices choosing their
 * implementation through impl_for(opaque, ...), then one device per index of
 * gpus[0..gpu_count) (from opencl_select), built and launched as cfg says.
 * Returns 0 with *out (free with device_list_free) and *count, or -1 with
 * err filled (out of memory).
 */
int device_list_new(struct device ***out, unsigned *count, unsigned cpu_threads,
		    device_cpu_impl_fn *impl_for, void *opaque, const unsigned *gpus,
		    unsigned gpu_count, const struct opencl_config *cfg, char *err,
		    size_t err_len);

/* Frees count devices and the list; NULL is allowed. */
void device_list_free(struct device **list, unsigned count);

#endif
