/* SPDX-License-Identifier: MIT */
/*
 * The OpenCL device: an adapter from src/device.h to the scanner of
 * src/opencl.c. Setting it up for an algorithm builds that algorithm's
 * kernel for the device (seconds: the device compiler runs); the scanner of
 * the previous algorithm is freed first. Launches size themselves (see
 * opencl_scanner_new_with); a scan call spans two launches at least, so one
 * is always in flight while the host reads the other's hits.
 */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>

#include "opencl.h"

/* Largest range one scan call covers (a few seconds on a slow device at most). */
#define DEVICE_OPENCL_MAX_RANGE 0x40000000
/*
 * Self-test ranges: more than one work-group of 256 and not a multiple of
 * one, so a partial group at the end and the group boundary are checked.
 */
#define DEVICE_OPENCL_SELFTEST_SPAN 300

struct device_opencl {
	struct device dev; /* first: a struct device * is a struct device_opencl * */
	unsigned index;
	const struct opencl_config *cfg;
	struct opencl_scanner *scanner;
};

static int device_opencl_setup(struct device *d, const struct algo *a)
{
	struct device_opencl *o = (struct device_opencl *)d;
	int rc;

	opencl_scanner_free(o->scanner);
	o->scanner = NULL;
	static const struct opencl_config defaults; /* built-in kernels, self-tuned */

	rc = opencl_scanner_new_with(&o->scanner, o->index, a, o->cfg ? o->cfg : &defaults, d->err,
				     sizeof(d->err));
	if (rc == OPENCL_ERR_NO_KERNEL)
		return DEVICE_ERR_UNSUPPORTED;
	if (rc)
		return -1;
	snprintf(d->name, sizeof(d->name), "%s", opencl_scanner_name(o->scanner));
	atomic_store(&d->batch, opencl_scanner_batch(o->scanner));
	d->start_range = d->min_range = 2.0 * atomic_load(&d->batch);
	d->max_range = DEVICE_OPENCL_MAX_RANGE;
	return 0;
}

static int device_opencl_prepare(struct device *d, const struct algo_params *params,
				 const uint8_t header[HEADER_LEN])
{
	struct device_opencl *o = (struct device_opencl *)d;

	if (opencl_scanner_prepare(o->scanner, params, header)) {
		snprintf(d->err, sizeof(d->err), "%s", opencl_scanner_error(o->scanner));
		return -1;
	}
	return 0;
}

static int device_opencl_scan(struct device *d, const uint8_t target[HASH_LEN], uint32_t first,
			      uint32_t last, uint32_t *hits, unsigned max_hits,
			      unsigned *hit_count)
{
	struct device_opencl *o = (struct device_opencl *)d;

	if (opencl_scanner_scan(o->scanner, target, first, last, hits, max_hits, hit_count)) {
		snprintf(d->err, sizeof(d->err), "%s", opencl_scanner_error(o->scanner));
		return -1;
	}
	/* The launch size follows the device's time: two launches per call at least. */
	atomic_store_explicit(&d->batch, opencl_scanner_batch(o->scanner), memory_order_relaxed);
	d->min_range = 2.0 * atomic_load_explicit(&d->batch, memory_order_relaxed);
	return 0;
}

static void device_opencl_free(struct device *d)
{
	struct device_opencl *o = (struct device_opencl *)d;

	opencl_scanner_free(o->scanner);
	free(o);
}

static const struct device_ops device_opencl_ops = {
	.setup = device_opencl_setup,
	.prepare = device_opencl_prepare,
	.scan = device_opencl_scan,
	.free = device_opencl_free,
};

int device_opencl_count(unsigned *count, char *err, size_t err_len)
{
	return opencl_device_count(count, err, err_len) ? -1 : 0;
}

int device_opencl_new(struct device **out, unsigned index, const struct opencl_config *cfg,
		      char *err, size_t err_len)
{
	struct device_opencl *o = calloc(1, sizeof(*o));

	*out = NULL;
	if (!o) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	o->dev.ops = &device_opencl_ops;
	o->dev.kind = DEVICE_OPENCL;
	o->dev.start_range = o->dev.min_range = 1;
	o->dev.max_range = DEVICE_OPENCL_MAX_RANGE;
	o->dev.selftest_span = DEVICE_OPENCL_SELFTEST_SPAN;
	snprintf(o->dev.name, sizeof(o->dev.name), "opencl#%u", index);
	atomic_init(&o->dev.rate, 0.0);
	atomic_init(&o->dev.batch, 0);
	o->index = index;
	o->cfg = cfg;
	*out = &o->dev;
	return 0;
}
