/* SPDX-License-Identifier: MIT */
#include "schedule.h"

#include <math.h>
#include <stdio.h>

#include "stats.h"

static int is_usable_number(double x)
{
	return isfinite(x) && x > 0;
}

static enum sched_reason check_input(const struct sched_input *in)
{
	if (!is_usable_number(in->hashrate))
		return SCHED_BAD_RATE;
	if (!is_usable_number(in->target_frac) || in->target_frac > 1.0)
		return SCHED_BAD_TARGET;
	if (!is_usable_number(in->weight))
		return SCHED_BAD_WEIGHT;
	if (!in->is_live)
		return SCHED_NOT_LIVE;
	return SCHED_OK;
}

/* Best and second best usable candidates; ties go to prefer, then to the lower index. */
static void rank(const struct sched_decision *d, unsigned n, int prefer, int *best, int *second)
{
	*best = -1;
	*second = -1;
	for (unsigned i = 0; i < n; i++) {
		if (d->rejected[i] != SCHED_OK)
			continue;
		if (*best < 0 || d->score[i] > d->score[*best] ||
		    (d->score[i] == d->score[*best] && (int)i == prefer)) {
			*second = *best;
			*best = (int)i;
		} else if (*second < 0 || d->score[i] > d->score[*second]) {
			*second = (int)i;
		}
	}
}

int sched_decide(const struct sched_policy *policy, const struct sched_input *in, unsigned n,
		 int current, double dwell_s, struct sched_decision *out)
{
	*out = (struct sched_decision){ .choice = -1, .best = -1, .runner_up = -1,
					.reason = SCHED_NONE };
	if (n > SCHED_MAX_ALGOS || !(policy->switch_margin >= 0) || !(policy->min_dwell_s >= 0))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		out->rejected[i] = check_input(&in[i]);
		if (out->rejected[i] == SCHED_OK)
			out->score[i] = in[i].hashrate * in[i].target_frac * in[i].weight;
	}
	if (current >= (int)n)
		current = -1;
	rank(out, n, current, &out->best, &out->runner_up);
	if (out->best < 0)
		return 0;

	if (current < 0) {
		out->choice = out->best;
		out->reason = SCHED_FIRST;
	} else if (out->rejected[current] != SCHED_OK) {
		out->choice = out->best;
		out->reason = SCHED_CURRENT_GONE;
	} else if (out->best == current) {
		out->choice = current;
		out->reason = SCHED_STAY_BEST;
	} else if (!(dwell_s >= policy->min_dwell_s)) {
		out->choice = current;
		out->reason = SCHED_STAY_DWELL;
	} else if (out->score[out->best] < out->score[current] * (1.0 + policy->switch_margin)) {
		out->choice = current;
		out->reason = SCHED_STAY_MARGIN;
	} else {
		out->choice = out->best;
		out->reason = SCHED_SWITCH;
	}
	return 0;
}

int sched_target_frac_from_nbits(uint32_t nbits, double *frac)
{
	/* docs/pow.md, compact targets: mantissa * 256^(exponent - 3). */
	unsigned size = nbits >> 24;
	uint32_t word = nbits & 0x007fffff;

	*frac = 0;
	if (word == 0 || (nbits & 0x00800000) || size > 34 || (word > 0xff && size > 33) ||
	    (word > 0xffff && size > 32))
		return -1;
	*frac = ldexp((double)word, 8 * ((int)size - 3) - 256);
	if (!(*frac > 0) || *frac > 1.0) {
		*frac = 0;
		return -1;
	}
	return 0;
}

/* Difficulty 1 is the target 0xFFFF * 2^208 (docs/pow.md, difficulty). */
#define DIFF1_FRAC (65535.0 / 281474976710656.0) /* 0xFFFF * 2^208 / 2^256 = 0xFFFF / 2^48 */

int sched_target_frac_from_diff(double diff, double *frac)
{
	*frac = 0;
	if (!is_usable_number(diff))
		return -1;
	*frac = DIFF1_FRAC / diff;
	if (*frac > 1.0)
		*frac = 1.0;
	return 0;
}

double sched_diff_from_target_frac(double frac)
{
	return frac > 0 ? DIFF1_FRAC / frac : 0;
}

const char *sched_reason_str(enum sched_reason r)
{
	switch (r) {
	case SCHED_OK: return "usable";
	case SCHED_BAD_RATE: return "no usable hash rate";
	case SCHED_BAD_TARGET: return "no usable difficulty";
	case SCHED_BAD_WEIGHT: return "no usable weight";
	case SCHED_NOT_LIVE: return "no live source";
	case SCHED_FIRST: return "first choice";
	case SCHED_CURRENT_GONE: return "current algorithm has no source";
	case SCHED_STAY_BEST: return "best";
	case SCHED_STAY_DWELL: return "staying: minimum dwell not reached";
	case SCHED_STAY_MARGIN: return "staying: best is within the switch margin";
	case SCHED_SWITCH: return "switch";
	case SCHED_NONE: return "no usable algorithm";
	}
	return "?";
}

char *sched_format(const struct sched_input *in, unsigned n, int current,
		   const struct sched_decision *d, char *buf, unsigned len)
{
	unsigned used = 0;

#define PUT(...)                                                                        \
	do {                                                                            \
		if (used < len) {                                                       \
			int w_ = snprintf(buf + used, len - used, __VA_ARGS__);         \
			used += w_ > 0 ? (unsigned)w_ : 0;                              \
		}                                                                       \
	} while (0)

	if (len)
		buf[0] = '\0';
	if (d->choice >= 0) {
		const struct sched_input *c = &in[d->choice];
		char rate[32];
		stats_format_rate(c->hashrate, rate, sizeof(rate));
		PUT("%s %s @ %.6g -> %.3e blk/h (%s", c->name, rate, c->diff,
		    d->score[d->choice] * 3600.0, sched_reason_str(d->reason));
		int other = d->choice == d->best ? d->runner_up : d->best;
		if (other >= 0 && d->score[other] > 0) {
			double pct = 100.0 * (d->score[d->choice] / d->score[other] - 1.0);
			PUT(", %+.0f%% %s %s", pct, pct >= 0 ? "over" : "against", in[other].name);
		}
		if (current >= 0 && current != d->choice && current < (int)n)
			PUT(", was %s", in[current].name);
		PUT(")");
	} else {
		PUT("nothing to mine (%s)", sched_reason_str(d->reason));
	}
	PUT(" |");
	for (unsigned i = 0; i < n; i++) {
		if (d->rejected[i] == SCHED_OK) {
			char rate[32];
			stats_format_rate(in[i].hashrate, rate, sizeof(rate));
			PUT(" %s %s @ %.6g = %.3e blk/h;", in[i].name, rate, in[i].diff,
			    d->score[i] * 3600.0);
		} else {
			PUT(" %s: %s;", in[i].name, sched_reason_str(d->rejected[i]));
		}
	}
#undef PUT
	if (used >= len && len > 4)
		snprintf(buf + len - 4, 4, "...");
	return buf;
}
