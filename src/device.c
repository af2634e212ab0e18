/* SPDX-License-Identifier: MIT */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>

/* Weight of the newest scan in the rate: ~20 scans (~1 s) of memory. */
#define DEVICE_RATE_WEIGHT 0.05

static int device_path_prepare(void *opaque, const struct algo_params *params,
			       const uint8_t header[HEADER_LEN])
{
	return device_prepare(opaque, params, header);
}

static int device_path_scan(void *opaque, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count)
{
	return device_scan(opaque, target, first, last, hits, max_hits, hit_count);
}

int device_set_algo(struct device *d, const struct algo *a)
{
	const struct algo_scan_path path = {
		.opaque = d, .prepare = device_path_prepare, .scan = device_path_scan,
		.span = d->selftest_span,
	};
	const char *why;
	int rc;

	if (d->algo == a)
		return 0;
	d->algo = NULL;
	d->err[0] = '\0';
	atomic_store(&d->rate, 0.0);
	rc = d->ops->setup(d, a);
	if (rc)
		return rc;
	if (algo_selftest_path(a, &path, &why)) {
		/* A scan that did not run left its own reason in d->err. */
		if (d->err[0]) {
			char scan_err[DEVICE_ERR_LEN / 2];
			snprintf(scan_err, sizeof(scan_err), "%.2000s", d->err);
			snprintf(d->err, sizeof(d->err), "%s self-test: %.200s (%s)", a->name, why,
				 scan_err);
		} else {
			snprintf(d->err, sizeof(d->err), "%s self-test: %s", a->name, why);
		}
		return -1;
	}
	d->algo = a;
	return 0;
}

void device_note_rate(struct device *d, uint64_t count, double seconds)
{
	if (seconds <= 0)
		return;
	double now = (double)count / seconds, old = atomic_load_explicit(&d->rate,
									 memory_order_relaxed);
	double rate = old > 0 ? old + DEVICE_RATE_WEIGHT * (now - old) : now;
	atomic_store_explicit(&d->rate, rate, memory_order_relaxed);
}

const char *device_kind_name(enum device_kind kind)
{
	return kind == DEVICE_OPENCL ? "opencl" : "cpu";
}

void device_free(struct device *d)
{
	if (d)
		d->ops->free(d);
}

int device_list_new(struct device ***out, unsigned *count, unsigned cpu_threads,
		    device_cpu_impl_fn *impl_for, void *opaque, const unsigned *gpus,
		    unsigned gpu_count, const struct opencl_config *cfg, char *err,
		    size_t err_len)
{
	unsigned n = 0;
	struct device **list;

	*out = NULL;
	*count = 0;
	list = calloc(cpu_threads + gpu_count ? cpu_threads + gpu_count : 1, sizeof(*list));
	if (!list) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	for (; n < cpu_threads; n++) {
		if (device_cpu_new(&list[n], impl_for, opaque)) {
			snprintf(err, err_len, "out of memory");
			goto fail;
		}
	}
	for (unsigned g = 0; g < gpu_count; g++, n++) {
		if (device_opencl_new(&list[n], gpus[g], cfg, err, err_len))
			goto fail;
	}
	*out = list;
	*count = n;
	return 0;
fail:
	device_list_free(list, n);
	return -1;
}

void device_list_free(struct device **list, unsigned count)
{
	for (unsigned i = 0; list && i < count; i++)
		device_free(list[i]);
	free(list);
}
