/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's decision function (src/sched.c): scores, ties,
 * hysteresis, dwell, missing sources, weights, absurd inputs; then a replay
 * of a recorded-style sequence of the five difficulties against an offline
 * optimum computed by brute force under the same dwell constraint.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "gbt_info.h"
#include "schedule.h"
#include "tap.h"

static const struct sched_policy policy = { .switch_margin = 0.05, .min_dwell_s = 60 };

static struct sched_input cand(const char *name, double rate, double diff)
{
	struct sched_input in = { .name = name, .hashrate = rate, .diff = diff, .weight = 1,
				  .is_live = 1 };
	sched_target_frac_from_diff(diff, &in.target_frac);
	return in;
}

static void test_targets(void)
{
	double f, g;

	tap_ok(sched_target_frac_from_nbits(0x1d00ffff, &f) == 0 &&
		       fabs(f - 65535.0 / ldexp(1, 48)) < 1e-20,
	       "nbits 1d00ffff is 0xFFFF/2^48 of 2^256");
	tap_ok(sched_target_frac_from_diff(1.0, &g) == 0 && fabs(f - g) < 1e-20,
	       "difficulty 1 is nbits 1d00ffff");
	tap_ok(sched_target_frac_from_nbits(0x1b0404cb, &f) == 0 &&
		       fabs(sched_diff_from_target_frac(f) - 16307.420938523983) < 1e-6,
	       "nbits 1b0404cb is difficulty 16307.42 (Bitcoin's block 100000)");
	tap_ok(sched_target_frac_from_nbits(0x207fffff, &f) == 0 && f > 0.49 && f <= 1.0,
	       "regtest powLimit 207fffff is about half of 2^256");
	tap_ok(sched_target_frac_from_nbits(0x1d800000, &f) < 0, "negative nbits refused");
	tap_ok(sched_target_frac_from_nbits(0x23000001, &f) < 0, "overflowing nbits refused");
	tap_ok(sched_target_frac_from_nbits(0x1d000000, &f) < 0, "zero nbits refused");
	tap_ok(sched_target_frac_from_diff(0, &f) < 0 && sched_target_frac_from_diff(-3, &f) < 0 &&
		       sched_target_frac_from_diff(NAN, &f) < 0 &&
		       sched_target_frac_from_diff(INFINITY, &f) < 0,
	       "zero, negative, NaN and infinite difficulties refused");
}

static void test_decide(void)
{
	struct sched_input in[3];
	struct sched_decision d;

	/* scores: a 1e6/100, b 2e6/100 (twice a), c 1e6/50 (= b) */
	in[0] = cand("a", 1e6, 100);
	in[1] = cand("b", 2e6, 100);
	in[2] = cand("c", 1e6, 50);
	tap_ok(sched_decide(&policy, in, 3, -1, 0, &d) == 0 && d.choice == 1 &&
		       d.reason == SCHED_FIRST,
	       "first decision takes the best; a tie (b, c) goes to the lower index");
	tap_ok(fabs(d.score[1] / d.score[0] - 2.0) < 1e-12,
	       "score is rate x target: twice the rate at the same difficulty scores twice");
	tap_ok(sched_decide(&policy, in, 3, 2, 1000, &d) == 0 && d.choice == 2 &&
		       d.reason == SCHED_STAY_BEST,
	       "a tie goes to the current algorithm");
	tap_ok(sched_decide(&policy, in, 3, 0, 10, &d) == 0 && d.choice == 0 &&
		       d.reason == SCHED_STAY_DWELL,
	       "a much better one waits for the minimum dwell");
	tap_ok(sched_decide(&policy, in, 3, 0, 60, &d) == 0 && d.choice == 1 &&
		       d.reason == SCHED_SWITCH,
	       "after the dwell, a better one by more than the margin wins");

	in[1] = cand("b", 1.04e6, 100); /* 4% better than a */
	in[2] = cand("c", 0.5e6, 100);
	tap_ok(sched_decide(&policy, in, 3, 0, 600, &d) == 0 && d.choice == 0 &&
		       d.reason == SCHED_STAY_MARGIN && d.best == 1,
	       "4%% better is within the 5%% margin: stay");
	in[1] = cand("b", 1.06e6, 100);
	tap_ok(sched_decide(&policy, in, 3, 0, 600, &d) == 0 && d.choice == 1,
	       "6%% better beats the 5%% margin: switch");

	in[1].is_live = 0;
	tap_ok(sched_decide(&policy, in, 3, 1, 1, &d) == 0 && d.choice == 0 &&
		       d.reason == SCHED_CURRENT_GONE && d.rejected[1] == SCHED_NOT_LIVE,
	       "the current algorithm losing its source leaves at once, dwell or not");
	in[0].is_live = 0;
	in[2].is_live = 0;
	tap_ok(sched_decide(&policy, in, 3, 1, 1, &d) == 0 && d.choice == -1 &&
		       d.reason == SCHED_NONE,
	       "no live source: nothing is chosen");

	in[0] = cand("a", 1e6, 100);
	in[1] = cand("b", 1e6, 100);
	in[1].weight = 1.1;
	in[2] = cand("c", 1e6, 100);
	tap_ok(sched_decide(&policy, in, 3, 0, 600, &d) == 0 && d.choice == 1,
	       "a weight of 1.1 makes an equal algorithm 10%% better");

	in[0] = cand("a", NAN, 100);
	in[1] = cand("b", -5, 100);
	in[2] = cand("c", 1e3, 100);
	tap_ok(sched_decide(&policy, in, 3, -1, 0, &d) == 0 && d.choice == 2 &&
		       d.rejected[0] == SCHED_BAD_RATE && d.rejected[1] == SCHED_BAD_RATE,
	       "NaN and negative rates are left out, never chosen");
	in[0] = cand("a", 1e9, 100);
	in[0].target_frac = NAN;
	in[1] = cand("b", 1e9, 100);
	in[1].target_frac = 0;
	in[2].weight = 0;
	tap_ok(sched_decide(&policy, in, 3, -1, 0, &d) == 0 && d.choice == -1 &&
		       d.rejected[0] == SCHED_BAD_TARGET && d.rejected[1] == SCHED_BAD_TARGET &&
		       d.rejected[2] == SCHED_BAD_WEIGHT,
	       "NaN and zero targets, a zero weight: nothing usable");
	in[0] = cand("a", INFINITY, 100);
	in[1] = cand("b", 1e3, 100);
	tap_ok(sched_decide(&policy, in, 2, 1, 1e9, &d) == 0 && d.choice == 1 &&
		       d.rejected[0] == SCHED_BAD_RATE,
	       "an infinite rate does not win");

	struct sched_policy bad = { .switch_margin = NAN, .min_dwell_s = 1 };
	tap_ok(sched_decide(&bad, in, 2, 1, 1, &d) < 0 && d.choice == -1, "a NaN margin is refused");
	tap_ok(sched_decide(&policy, in, SCHED_MAX_ALGOS + 1, 1, 1, &d) < 0,
	       "too many candidates refused");

	char line[512];
	in[0] = cand("qubit", 1.82e6, 1234.5);
	in[1] = cand("skein", 1.6e6, 1234.5);
	sched_decide(&policy, in, 2, -1, 0, &d);
	sched_format(in, 2, -1, &d, line, sizeof(line));
	tap_ok(strstr(line, "qubit 1.82 MH/s @ 1234.5") && strstr(line, "over skein") &&
		       strstr(line, "blk/h"),
	       "log line names the choice, its rate, difficulty, blocks per hour and the runner-up: %s",
	       line);
	char tiny[16];
	sched_format(in, 2, -1, &d, tiny, sizeof(tiny));
	tap_ok(strlen(tiny) == sizeof(tiny) - 1, "a short buffer is cut, not overrun");
}

/* --- replay against the offline optimum ---------------------------------- */

enum { ALGOS = 5, BLOCKS = 1200, BLOCK_S = 15 };

static uint64_t rng_state;

static double rng_unit(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

/*
 * A sequence like DigiByte's: one block every 15 s overall, of a random
 * algorithm, and every algorithm retargets at every block (MultiShield), its
 * difficulty moving by a few percent with a pull back towards its level.
 */
static void make_sequence(double diff[BLOCKS][ALGOS], const double rate[ALGOS])
{
	double level[ALGOS], x[ALGOS] = { 0 };

	for (int a = 0; a < ALGOS; a++)
		level[a] = rate[a] * 1e-4;
	for (int b = 0; b < BLOCKS; b++) {
		int found = (int)(rng_unit() * ALGOS);
		for (int a = 0; a < ALGOS; a++) {
			double step = (rng_unit() - 0.5) * (a == found ? 0.20 : 0.06);
			x[a] = 0.97 * x[a] + step;
			diff[b][a] = level[a] * exp(x[a]);
		}
	}
}

static double score_at(const double rate[ALGOS], const double diff[ALGOS], int a)
{
	double f;

	sched_target_frac_from_diff(diff[a], &f);
	return rate[a] * f;
}

/* Offline optimum: the best total any schedule reaches that switches only after the dwell. */
static double optimum(double diff[BLOCKS][ALGOS], const double rate[ALGOS], int dwell_steps)
{
	/* best[a][k]: best total so far, mining a, k = steps on a (capped at dwell_steps) */
	static double best[2][ALGOS][64];
	int cur = 0;

	for (int a = 0; a < ALGOS; a++)
		for (int k = 0; k <= dwell_steps; k++)
			best[cur][a][k] = k == 1 ? score_at(rate, diff[0], a) * BLOCK_S : -1;
	for (int b = 1; b < BLOCKS; b++) {
		int nxt = cur ^ 1;
		for (int a = 0; a < ALGOS; a++)
			for (int k = 0; k <= dwell_steps; k++)
				best[nxt][a][k] = -1;
		for (int a = 0; a < ALGOS; a++) {
			for (int k = 1; k <= dwell_steps; k++) {
				double v = best[cur][a][k];
				if (v < 0)
					continue;
				for (int n = 0; n < ALGOS; n++) {
					if (n != a && k < dwell_steps)
						continue;
					int nk = n == a ? (k < dwell_steps ? k + 1 : dwell_steps) : 1;
					double nv = v + score_at(rate, diff[b], n) * BLOCK_S;
					if (nv > best[nxt][n][nk])
						best[nxt][n][nk] = nv;
				}
			}
		}
		cur = nxt;
	}
	double top = 0;
	for (int a = 0; a < ALGOS; a++)
		for (int k = 0; k <= dwell_steps; k++)
			if (best[cur][a][k] > top)
				top = best[cur][a][k];
	return top;
}

static void test_replay(uint64_t seed)
{
	static const char *const names[ALGOS] = { "sha256d", "scrypt", "skein", "qubit", "odo" };
	static const double rate[ALGOS] = { 30e6, 37e3, 9e6, 1.2e6, 6e5 };
	static double diff[BLOCKS][ALGOS];
	const int dwell_steps = (int)(policy.min_dwell_s / BLOCK_S);
	double total = 0, fixed[ALGOS] = { 0 }, since = 0, last_switch_t = -1e9;
	int current = -1, switches = 0, bad_switch = 0, dwell_violations = 0;

	rng_state = seed;
	make_sequence(diff, rate);
	for (int b = 0; b < BLOCKS; b++) {
		struct sched_input in[ALGOS];
		struct sched_decision d;
		double t = (double)b * BLOCK_S;
		for (int a = 0; a < ALGOS; a++)
			in[a] = cand(names[a], rate[a], diff[b][a]);
		sched_decide(&policy, in, ALGOS, current, since, &d);
		if (d.choice != current) {
			if (current >= 0) {
				switches++;
				if (t - last_switch_t < policy.min_dwell_s)
					dwell_violations++;
				if (d.score[d.choice] < d.score[current] * (1 + policy.switch_margin))
					bad_switch++;
			}
			last_switch_t = t;
			current = d.choice;
			since = 0;
		}
		total += d.score[current] * BLOCK_S;
		for (int a = 0; a < ALGOS; a++)
			fixed[a] += d.score[a] * BLOCK_S;
		since += BLOCK_S;
	}
	double opt = optimum(diff, rate, dwell_steps), best_fixed = 0;
	for (int a = 0; a < ALGOS; a++)
		best_fixed = fixed[a] > best_fixed ? fixed[a] : best_fixed;
	tap_diag("seed %llu: %d switches, %.4f expected blocks, offline optimum %.4f (%.1f%%), "
		 "best single algorithm %.4f",
		 (unsigned long long)seed, switches, total, opt, 100 * total / opt, best_fixed);
	tap_ok(switches > 0 && dwell_violations == 0 && bad_switch == 0,
	       "seed %llu: %d switches, none before the dwell, none by less than the margin",
	       (unsigned long long)seed, switches);
	tap_ok(total <= opt * (1 + 1e-9), "seed %llu: no schedule beats the offline optimum",
	       (unsigned long long)seed);
	tap_ok(total >= 0.93 * opt, "seed %llu: within 7%% of the offline optimum (%.1f%%)",
	       (unsigned long long)seed, 100 * total / opt);
	tap_ok(total > 1.05 * best_fixed,
	       "seed %llu: switching beats mining the best single algorithm by > 5%% (%.1f%%)",
	       (unsigned long long)seed, 100 * (total / best_fixed - 1));
	tap_ok(switches < BLOCKS * BLOCK_S / policy.min_dwell_s,
	       "seed %llu: no flapping (%d switches in %d blocks)", (unsigned long long)seed, switches,
	       BLOCKS);
}

static double diff_of(const double *diffs, const char *name)
{
	for (unsigned i = 0; i < algo_count; i++)
		if (!strcmp(algo_table[i]->name, name))
			return diffs[i];
	return -1;
}

static void test_mininginfo(void)
{
	/* 7.17: flat difficulty_<name> fields, "odo" for Odocrypt */
	static const char v717[] =
		"{\"blocks\":2000,\"pow_algo_id\":1,\"pow_algo\":\"scrypt\",\"difficulty\":0.0002,"
		"\"difficulty_sha256d\":1234.5,\"difficulty_scrypt\":0.0002,"
		"\"difficulty_skein\":77,\"difficulty_qubit\":88.25,\"difficulty_odo\":64}";
	/* 8.22: a difficulties object, no plain difficulty */
	static const char v822[] =
		"{\"blocks\":2000,\"pow_algo\":\"scrypt\",\"difficulties\":{\"sha256d\":5e3,"
		"\"scrypt\":1.5,\"skein\":2,\"qubit\":3,\"odo\":4},\"networkhashps\":1}";
	double d[16];
	char err[128];

	tap_ok(gbt_info_parse_difficulties(v717, strlen(v717), NULL, d, err, sizeof(err)) == 5 &&
		       diff_of(d, "sha256d") == 1234.5 && diff_of(d, "scrypt") == 0.0002 &&
		       diff_of(d, "qubit") == 88.25 && diff_of(d, "odocrypt") == 64,
	       "getmininginfo 7.17 shape: difficulty_<name> for all five, odo for odocrypt");
	tap_ok(gbt_info_parse_difficulties(v822, strlen(v822), NULL, d, err, sizeof(err)) == 5 &&
		       diff_of(d, "sha256d") == 5e3 && diff_of(d, "skein") == 2 &&
		       diff_of(d, "odocrypt") == 4,
	       "getmininginfo 8.22 shape: the difficulties object");
	static const char ltc[] = "{\"blocks\":101,\"difficulty\":4.6e-10,\"chain\":\"regtest\"}";
	tap_ok(gbt_info_parse_difficulties(ltc, strlen(ltc), &algo_scrypt, d, err, sizeof(err)) ==
			       1 &&
		       diff_of(d, "scrypt") == 4.6e-10 && diff_of(d, "sha256d") == 0,
	       "a one-algorithm node's plain difficulty counts for its algorithm alone");
	static const char odd[] = "{\"difficulties\":{\"sha256d\":-1,\"scrypt\":\"7\",\"odo\":0},"
				  "\"difficulty_skein\":null}";
	tap_ok(gbt_info_parse_difficulties(odd, strlen(odd), NULL, d, err, sizeof(err)) == 0 &&
		       diff_of(d, "sha256d") == 0 && diff_of(d, "scrypt") == 0,
	       "negative, string, zero and null difficulties are not taken");
	static const char wrapped[] = "{\"result\":{\"difficulties\":{\"qubit\":9}},\"error\":null,\"id\":1}";
	tap_ok(gbt_info_parse_difficulties(wrapped, strlen(wrapped), NULL, d, err, sizeof(err)) == 1 &&
		       diff_of(d, "qubit") == 9,
	       "a whole JSON-RPC answer: its result is read");
	static const char failed[] = "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"nope\"}}";
	tap_ok(gbt_info_parse_difficulties(failed, strlen(failed), NULL, d, err, sizeof(err)) < 0 &&
		       strstr(err, "nope"),
	       "a JSON-RPC error is an error with the node's message: %s", err);
	tap_ok(gbt_info_parse_difficulties("[1,2]", 5, NULL, d, err, sizeof(err)) < 0 &&
		       gbt_info_parse_difficulties("{\"a\":", 5, NULL, d, err, sizeof(err)) < 0 &&
		       strstr(err, "not a JSON object"),
	       "an array or broken JSON is an error: %s", err);
}

int main(void)
{
	test_mininginfo();
	test_targets();
	test_decide();
	test_replay(0x9e3779b97f4a7c15ull);
	test_replay(12345);
	test_replay(0xdeadbeefcafeull);
	return tap_done();
}
