/* SPDX-License-Identifier: MIT */
#ifndef QM_SCHEDULE_H
#define QM_SCHEDULE_H

#include <stdint.h>

/*
 * Which algorithm to mine: a pure function of measured hash rates and each
 * algorithm's current network target (docs/pow.md, difficulty). DigiByte
 * retargets its algorithms separately and pays the same reward for a block
 * of any of them, so the expected number of blocks per second that device d
 * finds on algorithm a is
 *
 *	score(a, d) = hashrate(a, d) * target(a) / 2^256 * weight(a)
 *
 * and the scheduler mines the algorithm with the best score, with
 * hysteresis so that it does not flap: it leaves the current algorithm only
 * when the best beats it by switch_margin and the current one has run for
 * min_dwell_s. Pool share difficulties play no part: they change what a
 * share is worth to the pool, not how often the network finds blocks.
 *
 * Nothing here locks, logs or allocates; the caller (the scheduler thread in
 * src/sched_run.c) logs the decision with sched_format().
 */

#define SCHED_MAX_ALGOS 8

/* One candidate algorithm on one device. */
struct sched_input {
	const char *name;      /* algorithm name, for the log line */
	double hashrate;       /* H/s of this device on this algorithm */
	double target_frac;    /* network target / 2^256, in (0, 1] */
	double diff;           /* network difficulty, for the log line only */
	double weight;         /* user weight (--algo-weight), 1 when not given */
	int is_live;           /* a source is connected and has work for it */
};

struct sched_policy {
	double switch_margin;  /* fraction: 0.05 = the best must be 5% better */
	double min_dwell_s;    /* seconds on the current algorithm before leaving it */
};

/* Why a candidate was left out, or why the choice is what it is. */
enum sched_reason {
	SCHED_OK = 0,
	SCHED_BAD_RATE,        /* zero, negative, NaN or infinite hash rate */
	SCHED_BAD_TARGET,      /* target outside (0, 1] of 2^256, or NaN */
	SCHED_BAD_WEIGHT,      /* weight zero, negative or not finite */
	SCHED_NOT_LIVE,        /* no source for it right now */
	/* the decision */
	SCHED_FIRST,           /* nothing was mined: start with the best */
	SCHED_CURRENT_GONE,    /* the current one has no source or bad inputs: leave at once */
	SCHED_STAY_BEST,       /* the current one is the best */
	SCHED_STAY_DWELL,      /* a better one exists, but min_dwell_s has not passed */
	SCHED_STAY_MARGIN,     /* a better one exists, but by less than switch_margin */
	SCHED_SWITCH,          /* the best beats the current by the margin after the dwell */
	SCHED_NONE,            /* no candidate is usable */
};

struct sched_decision {
	int choice;                           /* index to mine now, -1 if none */
	int best;                             /* index of the best usable candidate, -1 if none */
	int runner_up;                        /* second best usable, -1 if none */
	enum sched_reason reason;
	double score[SCHED_MAX_ALGOS];        /* blocks per second; 0 when not usable */
	enum sched_reason rejected[SCHED_MAX_ALGOS]; /* SCHED_OK when usable */
};

/*
 * Decides what to mine among in[0..n) (n <= SCHED_MAX_ALGOS). current is the
 * index being mined (-1 if none) and dwell_s how long it has been. Ties go
 * to the current algorithm, then to the lower index. Returns 0 with *out
 * filled, or -1 when n or the policy is out of range (*out then says
 * SCHED_NONE). Thread-safe (touches nothing but its arguments).
 */
int sched_decide(const struct sched_policy *policy, const struct sched_input *in, unsigned n,
		 int current, double dwell_s, struct sched_decision *out);

/*
 * target / 2^256 from compact nBits (docs/pow.md, compact targets).
 * Returns 0, or -1 for a negative, overflowing or zero target.
 */
int sched_target_frac_from_nbits(uint32_t nbits, double *frac);

/*
 * target / 2^256 from a network difficulty as getmininginfo reports it
 * (target = 0xFFFF * 2^208 / diff). Returns 0, or -1 unless diff is finite
 * and positive.
 */
int sched_target_frac_from_diff(double diff, double *frac);

/* The difficulty of a target fraction (the inverse of the above). */
double sched_diff_from_target_frac(double frac);

/* A short name for a reason ("dwell", "margin", ...). */
const char *sched_reason_str(enum sched_reason r);

/*
 * Formats the decision as one log line with every candidate (rate,
 * difficulty, expected blocks per hour, or why it was left out) and the
 * reason, e.g. "qubit 1.82 MH/s @ 1234.5 -> 1.47e-03 blk/h (best, +12% over
 * skein)". Returns buf.
 */
char *sched_format(const struct sched_input *in, unsigned n, int current,
		   const struct sched_decision *d, char *buf, unsigned len);

#endif
