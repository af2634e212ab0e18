/* SPDX-License-Identifier: MIT */
#ifndef QM_LANE_WALK_H
#define QM_LANE_WALK_H

/*
 * The walk of a lane scan over its nonce range first..last (inclusive, so
 * 0xffffffff is reachable, algo.h): groups of `lanes` consecutive nonces,
 * base, base + 1, ..., base + lanes - 1. The last group may run past last
 * (and wrap past 0xffffffff): its spare lanes are computed and ignored,
 * lane_walk_mask says which lanes count. One walker for every lane scan:
 *
 *	struct lane_walk w = lane_walk_begin(first, last);
 *	do {
 *		unsigned found = hash_lanes(w.base) & lane_walk_mask(&w, LANES);
 *		...
 *	} while (lane_walk_next(&w, LANES));
 *
 * Baseline C, no vector types: included by the ISA files and the tests.
 */
#include <stdint.h>

struct lane_walk {
	uint32_t base; /* first nonce of the current group */
	uint32_t left; /* nonces in range after base: last - base */
};

static inline struct lane_walk lane_walk_begin(uint32_t first, uint32_t last)
{
	return (struct lane_walk){ .base = first, .left = last - first };
}

/* How many lanes of the current group hold nonces in range, 1..lanes. */
static inline unsigned lane_walk_count(const struct lane_walk *w, unsigned lanes)
{
	return w->left < lanes ? (unsigned)w->left + 1 : lanes;
}

/*
 * Bit k set for each lane k of the current group whose nonce is in range;
 * every bit above them is set too in a full group, so AND it with a lane
 * mask (lanes <= 32).
 */
static inline uint32_t lane_walk_mask(const struct lane_walk *w, unsigned lanes)
{
	return w->left < lanes - 1 ? (2u << w->left) - 1 : ~0u;
}

/* Steps to the next group; 0 when the current one reached last. */
static inline int lane_walk_next(struct lane_walk *w, unsigned lanes)
{
	if (w->left < lanes)
		return 0;
	w->base += lanes;
	w->left -= lanes;
	return 1;
}

#endif
