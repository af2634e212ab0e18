/* SPDX-License-Identifier: MIT */
/*
 * The CPU device: one worker thread scanning with a CPU implementation on a
 * context of its own (style.md §1: the choice is stored in the worker's
 * context, not in a global).
 */
#include "device.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * Ranges start small (the first scan times the CPU, and 256 scrypt nonces
 * of the portable code take a fraction of a second) and grow to ~50 ms each.
 */
#define DEVICE_CPU_START_RANGE 256
#define DEVICE_CPU_MIN_RANGE 16
#define DEVICE_CPU_MAX_RANGE (1u << 26)

struct device_cpu {
	struct device dev; /* first: a struct device * is a struct device_cpu * */
	device_cpu_impl_fn *impl_for;
	void *opaque;
	const struct algo *algo;
	const struct algo_impl *impl;
	void *ctx;
};

static int device_cpu_setup(struct device *d, const struct algo *a)
{
	struct device_cpu *c = (struct device_cpu *)d;
	const struct algo_impl *impl = c->impl_for(c->opaque, a, d->err, sizeof(d->err));

	algo_ctx_free(c->ctx);
	c->ctx = NULL;
	c->impl = NULL;
	if (!impl)
		return -1;
	c->ctx = algo_ctx_new(a);
	if (!c->ctx) {
		snprintf(d->err, sizeof(d->err), "out of memory for the %s context", a->name);
		return -1;
	}
	c->algo = a;
	c->impl = impl;
	snprintf(d->name, sizeof(d->name), "%s", impl->name);
	return 0;
}

static int device_cpu_prepare(struct device *d, const struct algo_params *params,
			      const uint8_t header[HEADER_LEN])
{
	struct device_cpu *c = (struct device_cpu *)d;

	if (c->algo->prepare(c->ctx, params, header)) {
		snprintf(d->err, sizeof(d->err), "%s cannot hash this header", c->algo->name);
		return -1;
	}
	return 0;
}

static int device_cpu_scan(struct device *d, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count)
{
	struct device_cpu *c = (struct device_cpu *)d;

	*hit_count = c->impl->scan(c->ctx, target, first, last, hits, max_hits);
	return 0;
}

static void device_cpu_free(struct device *d)
{
	struct device_cpu *c = (struct device_cpu *)d;

	algo_ctx_free(c->ctx);
	free(c);
}

static const struct device_ops device_cpu_ops = {
	.setup = device_cpu_setup,
	.prepare = device_cpu_prepare,
	.scan = device_cpu_scan,
	.free = device_cpu_free,
};

int device_cpu_new(struct device **out, device_cpu_impl_fn *impl_for, void *opaque)
{
	struct device_cpu *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -1;
	c->dev.ops = &device_cpu_ops;
	c->dev.kind = DEVICE_CPU;
	c->dev.start_range = DEVICE_CPU_START_RANGE;
	c->dev.min_range = DEVICE_CPU_MIN_RANGE;
	c->dev.max_range = DEVICE_CPU_MAX_RANGE;
	snprintf(c->dev.name, sizeof(c->dev.name), "cpu");
	atomic_init(&c->dev.rate, 0.0);
	atomic_init(&c->dev.batch, 0);
	c->impl_for = impl_for;
	c->opaque = opaque;
	*out = &c->dev;
	return 0;
}
