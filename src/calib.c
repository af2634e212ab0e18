/* SPDX-License-Identifier: MIT */
#include "calib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "build_id.h"
#include "cpu.h"
#include "endian.h"
#include "log.h"
#include "sha256.h"
#include "stats.h"

/* Interleaved timing rounds per implementation; the best one counts. */
#define CALIB_ROUNDS 4
/* Scan calls per round at most, whatever the clock says. */
#define CALIB_MAX_CALLS 48
#define CALIB_MAX_RANGE (1u << 24)
#define CALIB_CACHE_DIR "quintminer"
#define CALIB_CACHE_FILE "calibration.json"
/* Why a cached failure is left out: the reason itself is not kept. */
#define CALIB_CACHED_FAILURE "failed its self-test when calibrated (--recalibrate retries)"

int calib_default_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/%s/%s", xdg, CALIB_CACHE_DIR, CALIB_CACHE_FILE);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.cache/%s/%s", home, CALIB_CACHE_DIR, CALIB_CACHE_FILE);
	else
		return -1;
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* The calibration key: what makes measured rates valid for this binary on this CPU. */
static void calib_key(const struct calib *c, char *key, size_t len)
{
	char build[65] = "", model[64];

	build_id_hex(build, sizeof(build));
	cpu_model(model, sizeof(model));
	snprintf(key, len, "%s build %s; %s; features %#x", QM_VERSION,
		 build[0] ? build : "unknown", model, c->cfg.cpu_flags);
}

static double calib_clock(const struct calib *c)
{
	return c->cfg.clock ? c->cfg.clock() : stats_now();
}

/* A fixed header for timing: SHA-256 of a label, with the algorithm's version nibble. */
static void calib_header(const struct algo *a, uint8_t header[HEADER_LEN])
{
	sha256("quintminer-calibration-a", 24, header);
	sha256("quintminer-calibration-b", 24, header + 32);
	memset(header + 64, 0, 16);
	le32_store(header, 0x20000002u | a->version_bits);
	le32_store(header + NTIME_OFFSET, 1764000000u);
	le32_store(header + NBITS_OFFSET, 0x1d00ffffu);
}

/*
 * One timing round of impl: scans with a target nothing meets, doubling
 * the range while a call is short, for about slice_s. Returns H/s.
 */
static double calib_round(const struct calib *c, const struct algo_impl *impl, void *ctx,
			  double slice_s, uint32_t *nonce)
{
	const uint8_t target[HASH_LEN] = { 0 };
	uint32_t hits[4], count = impl->lanes * 4 > 16 ? impl->lanes * 4 : 16;
	uint64_t done = 0;
	double spent = 0;

	for (unsigned call = 0; call < CALIB_MAX_CALLS && spent < slice_s; call++) {
		if (*nonce > UINT32_MAX - count)
			*nonce = 0;
		double t0 = calib_clock(c);
		impl->scan(ctx, target, *nonce, *nonce + (count - 1), hits, 4);
		double dt = calib_clock(c) - t0;
		*nonce += count;
		done += count;
		spent += dt;
		if (dt < slice_s / 8 && count < CALIB_MAX_RANGE)
			count *= 2;
	}
	return spent > 0 ? (double)done / spent : 0;
}

/* Self-tests every impl the CPU has, then times the ones that passed. */
static void calib_measure(struct calib *c, struct calib_algo *e)
{
	const struct algo *a = e->algo;
	double slice_s = (c->cfg.measure_s > 0 ? c->cfg.measure_s : CALIB_DEFAULT_S) / CALIB_ROUNDS;
	void **ctx = calloc(a->n_impls, sizeof(*ctx));
	uint32_t *nonce = calloc(a->n_impls, sizeof(*nonce));
	uint8_t header[HEADER_LEN];
	const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };

	calib_header(a, header);
	for (unsigned k = 0; k < a->n_impls; k++) {
		struct calib_impl *ci = &e->impls[k];
		const char *why;
		if ((ci->impl->cpu_needs & c->cfg.cpu_flags) != ci->impl->cpu_needs) {
			ci->state = CALIB_NO_CPU;
			ci->why = "the CPU lacks the features it needs";
			continue;
		}
		if (algo_impl_check(a, ci->impl, c->cfg.cpu_flags, &why)) {
			ci->state = CALIB_FAILED;
			ci->why = why;
			log_warn("%s: the %s implementation failed its self-test (%s); left out",
				 a->name, ci->impl->name, why);
			continue;
		}
		ci->state = CALIB_USABLE;
		if (ctx && nonce) {
			ctx[k] = algo_ctx_new(a);
			if (ctx[k] && a->prepare(ctx[k], &params, header)) {
				algo_ctx_free(ctx[k]);
				ctx[k] = NULL;
			}
		}
	}
	/* Rounds interleave the implementations, so a busy moment hurts them alike. */
	for (unsigned round = 0; round < CALIB_ROUNDS && ctx && nonce; round++) {
		for (unsigned k = 0; k < a->n_impls; k++) {
			if (!ctx[k])
				continue;
			double rate = calib_round(c, e->impls[k].impl, ctx[k], slice_s, &nonce[k]);
			if (rate > e->impls[k].rate)
				e->impls[k].rate = rate;
		}
	}
	for (unsigned k = 0; ctx && k < a->n_impls; k++)
		algo_ctx_free(ctx[k]);
	free(ctx);
	free(nonce);
}

/* Picks the fastest usable impl (the first of equals: the table is best first). */
static void calib_pick(struct calib_algo *e)
{
	e->fastest = NULL;
	double best = -1;
	for (unsigned k = 0; k < e->algo->n_impls; k++) {
		const struct calib_impl *ci = &e->impls[k];
		if (ci->state == CALIB_USABLE && ci->rate > best) {
			best = ci->rate;
			e->fastest = ci->impl;
		}
	}
}

/*
 * Fills e from the cache file's entry for its algorithm. Returns 0, or -1
 * when the entry is missing or does not cover every implementation the CPU
 * has (e is then as it was).
 */
static int calib_from_cache(struct calib *c, struct calib_algo *e, json_t *entry)
{
	const struct algo *a = e->algo;
	json_t *impls = json_object_get(entry, "impls");

	if (!json_is_object(impls))
		return -1;
	for (unsigned k = 0; k < a->n_impls; k++) {
		const struct algo_impl *impl = &a->impls[k];
		json_t *o = json_object_get(impls, impl->name);
		if ((impl->cpu_needs & c->cfg.cpu_flags) != impl->cpu_needs)
			continue;
		if (!json_is_object(o) || (!json_is_number(json_object_get(o, "rate")) &&
					   !json_is_string(json_object_get(o, "failed"))))
			return -1;
	}
	for (unsigned k = 0; k < a->n_impls; k++) {
		struct calib_impl *ci = &e->impls[k];
		json_t *o = json_object_get(impls, ci->impl->name);
		json_t *rate = json_object_get(o, "rate");
		if ((ci->impl->cpu_needs & c->cfg.cpu_flags) != ci->impl->cpu_needs) {
			ci->state = CALIB_NO_CPU;
			ci->why = "the CPU lacks the features it needs";
		} else if (json_is_number(rate) && json_number_value(rate) > 0) {
			ci->state = CALIB_USABLE;
			ci->rate = json_number_value(rate);
		} else {
			ci->state = CALIB_FAILED;
			ci->why = CALIB_CACHED_FAILURE;
		}
	}
	e->is_cached = 1;
	return 0;
}

/* Reads the cache file; NULL when missing, unreadable or for another key. */
static json_t *calib_load(const struct calib *c)
{
	json_error_t jerr;
	json_t *root, *key;

	if (!c->cfg.cache_path || c->cfg.is_recalibrate)
		return NULL;
	root = json_load_file(c->cfg.cache_path, 0, &jerr);
	if (!root) {
		log_debug("calibration cache %s: %s", c->cfg.cache_path, jerr.text);
		return NULL;
	}
	key = json_object_get(root, "key");
	if (!json_is_string(key) || strcmp(json_string_value(key), c->key)) {
		log_debug("calibration cache %s is for another build or CPU", c->cfg.cache_path);
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Creates dir and its parent (mode 0700) if missing. */
static int calib_mkdirs(const char *path)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	char *parent = strrchr(dir, '/');
	if (parent && parent != dir) {
		*parent = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -1;
		*parent = '/';
	}
	return mkdir(dir, 0700) && errno != EEXIST ? -1 : 0;
}

/* Writes every calibrated algorithm to the cache file (a temporary file, then rename). */
static void calib_save(const struct calib *c)
{
	char tmp[4200];
	json_t *root = json_object(), *algos = json_object();
	int rc = -1;

	if (!root || !algos || json_object_set_new(root, "key", json_string(c->key)) ||
	    json_object_set(root, "algos", algos))
		goto out;
	for (unsigned i = 0; i < c->cfg.algo_count; i++) {
		const struct calib_algo *e = &c->algos[i];
		json_t *entry = json_object(), *impls = json_object();
		if (!entry || !impls || json_object_set_new(entry, "impls", impls) ||
		    json_object_set_new(algos, e->algo->name, entry)) {
			json_decref(entry);
			json_decref(impls);
			goto out;
		}
		if (!e->is_done)
			json_object_del(algos, e->algo->name);
		for (unsigned k = 0; e->is_done && k < e->algo->n_impls; k++) {
			const struct calib_impl *ci = &e->impls[k];
			if (ci->state == CALIB_NO_CPU)
				continue;
			json_object_set_new(impls, ci->impl->name,
					    ci->state == CALIB_USABLE
						    ? json_pack("{s:f}", "rate", ci->rate)
						    : json_pack("{s:s}", "failed", ci->why));
		}
		if (e->is_done && e->fastest)
			json_object_set_new(entry, "fastest", json_string(e->fastest->name));
	}
	if (calib_mkdirs(c->cfg.cache_path))
		goto out;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", c->cfg.cache_path, (long)getpid());
	if (json_dump_file(root, tmp, JSON_INDENT(1) | JSON_SORT_KEYS) == 0 &&
	    rename(tmp, c->cfg.cache_path) == 0)
		rc = 0;
	else
		unlink(tmp);
out:
	if (rc)
		log_warn("calibration cache %s: cannot write it (%s); the next start measures again",
			 c->cfg.cache_path, strerror(errno));
	json_decref(algos);
	json_decref(root);
}

int calib_init(struct calib *c, const struct calib_config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	if (cfg->cache_path) {
		snprintf(c->path, sizeof(c->path), "%s", cfg->cache_path);
		c->cfg.cache_path = c->path;
	}
	if (!c->cfg.algos) {
		c->cfg.algos = algo_table;
		c->cfg.algo_count = algo_count;
	}
	c->algos = calloc(c->cfg.algo_count, sizeof(*c->algos));
	if (!c->algos)
		return -1;
	for (unsigned i = 0; i < c->cfg.algo_count; i++) {
		const struct algo *a = c->cfg.algos[i];
		c->algos[i].algo = a;
		c->algos[i].impls = calloc(a->n_impls ? a->n_impls : 1, sizeof(struct calib_impl));
		if (!c->algos[i].impls) {
			calib_release(c);
			return -1;
		}
		for (unsigned k = 0; k < a->n_impls; k++)
			c->algos[i].impls[k].impl = &a->impls[k];
	}
	calib_key(c, c->key, sizeof(c->key));
	pthread_mutex_init(&c->lock, NULL);
	return 0;
}

void calib_release(struct calib *c)
{
	if (!c->algos)
		return;
	for (unsigned i = 0; i < c->cfg.algo_count; i++)
		free(c->algos[i].impls);
	free(c->algos);
	c->algos = NULL;
	pthread_mutex_destroy(&c->lock);
}

/* Logs the figures of e once, where there is context for them. */
static void calib_log(const struct calib_algo *e)
{
	char line[512];
	size_t used = 0;

	for (unsigned k = 0; k < e->algo->n_impls && used < sizeof(line) - 48; k++) {
		const struct calib_impl *ci = &e->impls[k];
		char rate[32];
		if (ci->state != CALIB_USABLE)
			continue;
		stats_format_rate(ci->rate, rate, sizeof(rate));
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s %s",
					 used ? ", " : "", ci->impl->name, rate);
	}
	/* Failures measured now were logged with their reason as they happened. */
	for (unsigned k = 0; e->is_cached && k < e->algo->n_impls; k++) {
		if (e->impls[k].state == CALIB_FAILED)
			log_warn("%s: the %s implementation %s; left out", e->algo->name,
				 e->impls[k].impl->name, CALIB_CACHED_FAILURE);
	}
	if (e->fastest)
		log_info("%s: %s per thread (%s): the fastest is %s", e->algo->name, line,
			 e->is_cached ? "cached" : "measured now", e->fastest->name);
	else
		log_warn("%s: no implementation passed its self-test on this CPU", e->algo->name);
}

const struct calib_algo *calib_get(struct calib *c, const struct algo *a)
{
	struct calib_algo *e = NULL;

	for (unsigned i = 0; i < c->cfg.algo_count && !e; i++) {
		if (c->algos[i].algo == a)
			e = &c->algos[i];
	}
	if (!e)
		return NULL;
	pthread_mutex_lock(&c->lock);
	if (!e->is_done) {
		json_t *root = calib_load(c);
		int is_hit = root && !calib_from_cache(c, e, json_object_get(json_object_get(
								     root, "algos"), a->name));
		if (!is_hit)
			calib_measure(c, e);
		calib_pick(e);
		e->is_done = 1;
		if (!is_hit && c->cfg.cache_path)
			calib_save(c);
		json_decref(root);
		calib_log(e);
	}
	pthread_mutex_unlock(&c->lock);
	return e;
}

const struct algo_impl *calib_impl(struct calib *c, const struct algo *a, char *err,
				   size_t err_len)
{
	const struct calib_algo *e = calib_get(c, a);

	if (!e) {
		snprintf(err, err_len, "%s is not calibrated", a->name);
		return NULL;
	}
	if (!c->cfg.force) {
		if (!e->fastest)
			snprintf(err, err_len, "%s: no implementation passed its self-test on this CPU",
				 a->name);
		return e->fastest;
	}
	for (unsigned k = 0; k < a->n_impls; k++) {
		const struct calib_impl *ci = &e->impls[k];
		if (strcmp(ci->impl->name, c->cfg.force))
			continue;
		if (ci->state == CALIB_USABLE)
			return ci->impl;
		snprintf(err, err_len, "%s: %s: %s%s", a->name, ci->impl->name,
			 ci->state == CALIB_FAILED ? "failed its self-test: " : "", ci->why);
		return NULL;
	}
	snprintf(err, err_len, "%s: %s: no implementation of that name", a->name, c->cfg.force);
	return NULL;
}

double calib_rate(struct calib *c, const struct algo *a)
{
	const struct calib_algo *e = calib_get(c, a);
	char err[256];
	const struct algo_impl *impl = calib_impl(c, a, err, sizeof(err));

	for (unsigned k = 0; e && impl && k < a->n_impls; k++) {
		if (e->impls[k].impl == impl)
			return e->impls[k].rate;
	}
	return 0;
}
