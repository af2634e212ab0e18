/* SPDX-License-Identifier: MIT */
/*
 * The CPU device: one worker thread scanning with a CPU implementation on a
 * context of its own (style.md §1: the choice is stored in the worker's
 * context, not in a global).
 */
#include "device.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	size_t ctx_len;
	int is_ctx_from_mem;         /* ctx came from mem.alloc */
	struct device_cpu_mem mem;   /* mem.alloc NULL: algo_ctx_new */
	size_t cache_bytes;          /* L2 share of the worker's core; 0: run impls as given */
};

const struct algo_impl *device_cpu_fit_impl(const struct algo *a, const struct algo_impl *impl,
					    size_t cache_bytes)
{
	const struct algo_impl *best = NULL, *smallest = NULL;

	if (!impl || !cache_bytes || !impl->scratch_bytes || impl->scratch_bytes <= cache_bytes)
		return impl;
	for (unsigned k = 0; k < a->n_impls; k++) {
		const struct algo_impl *s = &a->impls[k];

		if (s->cpu_needs != impl->cpu_needs || !s->scratch_bytes)
			continue;
		if (s->scratch_bytes <= cache_bytes &&
		    (!best || s->scratch_bytes > best->scratch_bytes))
			best = s;
		if (!smallest || s->scratch_bytes < smallest->scratch_bytes)
			smallest = s;
	}
	return best ? best : smallest ? smallest : impl;
}

void device_cpu_set_cache(struct device *d, size_t cache_bytes)
{
	if (d->kind == DEVICE_CPU)
		((struct device_cpu *)d)->cache_bytes = cache_bytes;
}

static void device_cpu_ctx_free(struct device_cpu *c)
{
	if (c->is_ctx_from_mem)
		c->mem.free(c->mem.opaque, c->ctx, c->ctx_len);
	else
		algo_ctx_free(c->ctx);
	c->ctx = NULL;
	c->is_ctx_from_mem = 0;
}

/* The context for a: from mem where given (on the worker's node), else algo_ctx_new. */
static void *device_cpu_ctx_new(struct device_cpu *c, const struct algo *a)
{
	/* algo_ctx_new's size: an algorithm without a context still gets a line. */
	size_t len = a->ctx_size ? a->ctx_size : 64;

	c->ctx_len = len;
	c->is_ctx_from_mem = 0;
	if (c->mem.alloc) {
		void *p = c->mem.alloc(c->mem.opaque, c->mem.worker, len);

		if (p && !((uintptr_t)p & 63)) {
			c->is_ctx_from_mem = 1;
			return p;
		}
		if (p)
			c->mem.free(c->mem.opaque, p, len);
	}
	return algo_ctx_new(a);
}

void device_cpu_set_mem(struct device *d, const struct device_cpu_mem *mem)
{
	struct device_cpu *c = (struct device_cpu *)d;

	if (d->kind != DEVICE_CPU)
		return;
	if (mem && mem->alloc && mem->free)
		c->mem = *mem;
	else
		memset(&c->mem, 0, sizeof(c->mem));
}

static int device_cpu_setup(struct device *d, const struct algo *a)
{
	struct device_cpu *c = (struct device_cpu *)d;
	const struct algo_impl *impl = device_cpu_fit_impl(a, c->impl_for(c->opaque, a, d->err,
									 sizeof(d->err)),
							   c->cache_bytes);

	device_cpu_ctx_free(c);
	c->impl = NULL;
	if (!impl)
		return -1;
	c->ctx = device_cpu_ctx_new(c, a);
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

	device_cpu_ctx_free(c);
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
