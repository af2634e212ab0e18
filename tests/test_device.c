/* SPDX-License-Identifier: MIT */
/*
 * Devices and the measured choice of implementation (issue 8):
 * - every CPU implementation the CPU has passes its self-test through a CPU
 *   device's own prepare/scan, and one device switches between algorithms;
 * - a broken implementation (a test-only table: one that misses a hit, one
 *   that reports a nonce it should not) is reported with the reason (in the
 *   log and in the calibration) and skipped, and a device forced onto it
 *   refuses to mine;
 * - the calibration chooses the faster of two implementations by measured
 *   rate (a fake clock that the fake implementations advance, so nothing
 *   here depends on real timing), whatever the table order;
 * - the cache file: a miss measures and writes, a hit reads (the same
 *   choice, no measuring), --recalibrate measures again, a file for another
 *   build or CPU and a corrupt file are misses;
 * - a miner whose jobs change algorithm re-prepares its device and submits
 *   shares that verify under the job's algorithm.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "algo.h"
#include "calib.h"
#include "cpu.h"
#include "device.h"
#include "miner.h"
#include "source.h"
#include "stats.h"
#include "tap.h"
#include "work.h"

/* --- a test-only table -------------------------------------------------- */

static algo_scan_fn *portable_scan;
static double fake_now;
static unsigned slow_calls;

static double fake_clock(void)
{
	return fake_now;
}

/* Right answers; each nonce costs 1 us of fake time. */
static unsigned scan_fast(void *ctx, const uint8_t target[HASH_LEN], uint32_t first,
			  uint32_t last, uint32_t *hits, unsigned max_hits)
{
	fake_now += ((double)last - first + 1) * 1e-6;
	return portable_scan(ctx, target, first, last, hits, max_hits);
}

/* Right answers; each nonce costs 10 us of fake time. */
static unsigned scan_slow(void *ctx, const uint8_t target[HASH_LEN], uint32_t first,
			  uint32_t last, uint32_t *hits, unsigned max_hits)
{
	slow_calls++;
	fake_now += ((double)last - first + 1) * 1e-5;
	return portable_scan(ctx, target, first, last, hits, max_hits);
}

/* Drops its last hit. */
static unsigned scan_misses(void *ctx, const uint8_t target[HASH_LEN], uint32_t first,
			    uint32_t last, uint32_t *hits, unsigned max_hits)
{
	unsigned n = portable_scan(ctx, target, first, last, hits, max_hits);

	return n ? n - 1 : 0;
}

/* Reports the first nonce of every range, hit or not. */
static unsigned scan_extra(void *ctx, const uint8_t target[HASH_LEN], uint32_t first,
			   uint32_t last, uint32_t *hits, unsigned max_hits)
{
	unsigned n = portable_scan(ctx, target, first, last, hits, max_hits);

	if (n == 0 && max_hits) {
		hits[0] = first;
		n = 1;
	}
	return n;
}

static struct algo_impl fake_impls[4];
static struct algo fake_algo;
static const struct algo *fake_table[1] = { &fake_algo };

/* sha256d's portable code under four names: slow listed first, two broken. */
static void fake_setup(void)
{
	portable_scan = algo_impl_find(&algo_sha256d, "portable")->scan;
	fake_impls[0] = (struct algo_impl){ .name = "slow", .lanes = 1, .scan = scan_slow };
	fake_impls[1] = (struct algo_impl){ .name = "misses", .lanes = 1, .scan = scan_misses };
	fake_impls[2] = (struct algo_impl){ .name = "extra", .lanes = 1, .scan = scan_extra };
	fake_impls[3] = (struct algo_impl){ .name = "fast", .lanes = 1, .scan = scan_fast };
	fake_algo = algo_sha256d;
	fake_algo.name = "fake";
	fake_algo.impls = fake_impls;
	fake_algo.n_impls = 4;
}

static const struct calib_impl *calib_entry(const struct calib_algo *e, const char *name)
{
	for (unsigned k = 0; e && k < e->algo->n_impls; k++) {
		if (!strcmp(e->impls[k].impl->name, name))
			return &e->impls[k];
	}
	return NULL;
}

/* Runs calib_get on the fake table with stderr captured into log. */
static const struct calib_algo *calib_captured(struct calib *c, char *log, size_t len)
{
	char path[] = "/tmp/qm-test-device-log.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	const struct calib_algo *e;
	ssize_t n = 0;

	fflush(stderr);
	if (fd >= 0)
		dup2(fd, 2);
	e = calib_get(c, &fake_algo);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log[0] = '\0';
	if (fd >= 0) {
		n = pread(fd, log, len - 1, 0);
		log[n > 0 ? n : 0] = '\0';
		close(fd);
		unlink(path);
	}
	return e;
}

static void calib_config_fake(struct calib_config *cc, const char *cache)
{
	memset(cc, 0, sizeof(*cc));
	cc->cpu_flags = cpu_features();
	cc->cache_path = cache;
	cc->clock = fake_clock;
	cc->algos = fake_table;
	cc->algo_count = 1;
}

static void test_broken_and_choice(void)
{
	struct calib_config cc;
	struct calib c;
	char log[8192], err[256];

	calib_config_fake(&cc, NULL);
	if (!tap_ok(calib_init(&c, &cc) == 0, "calibration set up on the test-only table"))
		return;
	const struct calib_algo *e = calib_captured(&c, log, sizeof(log));
	const struct calib_impl *misses = calib_entry(e, "misses");
	const struct calib_impl *extra = calib_entry(e, "extra");
	const struct calib_impl *slow = calib_entry(e, "slow"), *fast = calib_entry(e, "fast");

	tap_ok(misses && misses->state == CALIB_FAILED && misses->why &&
		       strstr(misses->why, "not reported"),
	       "an implementation that misses a hit fails its self-test (%s)",
	       misses && misses->why ? misses->why : "-");
	tap_ok(extra && extra->state == CALIB_FAILED && extra->why &&
		       strstr(extra->why, "rejects"),
	       "an implementation that reports a wrong nonce fails its self-test (%s)",
	       extra && extra->why ? extra->why : "-");
	tap_ok(strstr(log, "the misses implementation failed its self-test (") &&
		       strstr(log, "the extra implementation failed its self-test ("),
	       "both failures are logged with the reason");
	tap_ok(misses && extra && misses->rate == 0 && extra->rate == 0,
	       "the broken implementations are not timed");
	tap_ok(slow && fast && slow->state == CALIB_USABLE && fast->state == CALIB_USABLE,
	       "the working implementations pass");
	tap_ok(slow && fast && fast->rate > 9 * slow->rate && fast->rate < 11 * slow->rate,
	       "measured rates follow the (fake) clock: fast %.0f H/s, slow %.0f H/s",
	       fast ? fast->rate : 0, slow ? slow->rate : 0);
	tap_ok(e && e->fastest == &fake_impls[3], "the faster implementation wins, though listed "
	       "after the slower one (chose %s)", e && e->fastest ? e->fastest->name : "none");
	tap_ok(calib_impl(&c, &fake_algo, err, sizeof(err)) == &fake_impls[3] &&
		       calib_rate(&c, &fake_algo) == fast->rate,
	       "calib_impl and calib_rate give the choice and its rate");
	tap_ok(calib_get(&c, &algo_scrypt) == NULL, "an algorithm outside the table is refused");
	calib_release(&c);

	/* --cpu-impl: forced choices, good and bad. */
	cc.force = "slow";
	calib_init(&c, &cc);
	tap_ok(calib_impl(&c, &fake_algo, err, sizeof(err)) == &fake_impls[0],
	       "a forced implementation overrides the measurement");
	calib_release(&c);
	cc.force = "misses";
	calib_init(&c, &cc);
	calib_captured(&c, log, sizeof(log));
	tap_ok(calib_impl(&c, &fake_algo, err, sizeof(err)) == NULL && strstr(err, "self-test"),
	       "forcing a broken implementation is refused: %s", err);
	calib_release(&c);
	cc.force = "nosuch";
	calib_init(&c, &cc);
	calib_captured(&c, log, sizeof(log));
	tap_ok(calib_impl(&c, &fake_algo, err, sizeof(err)) == NULL &&
		       strstr(err, "no implementation of that name"),
	       "forcing an unknown implementation is refused: %s", err);
	calib_release(&c);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_cache(void)
{
	char dir[] = "/tmp/qm-test-calib.XXXXXX", path[256], log[8192], text[8192];
	struct calib_config cc;
	struct calib c;

	if (!tap_ok(mkdtemp(dir) != NULL, "temporary cache directory"))
		return;
	/* The file lives two levels down, as under $XDG_CACHE_HOME/quintminer/. */
	snprintf(path, sizeof(path), "%s/quintminer/calibration.json", dir);
	calib_config_fake(&cc, path);

	calib_init(&c, &cc);
	slow_calls = 0;
	const struct calib_algo *e = calib_captured(&c, log, sizeof(log));
	tap_ok(e && !e->is_cached && slow_calls > 0 && access(path, R_OK) == 0,
	       "a miss measures and writes the cache file");
	double fast_rate = e ? calib_entry(e, "fast")->rate : 0;
	calib_release(&c);

	calib_init(&c, &cc);
	slow_calls = 0;
	e = calib_captured(&c, log, sizeof(log));
	tap_ok(e && e->is_cached && slow_calls == 0, "a hit reads the cache and measures nothing");
	tap_ok(e && e->fastest == &fake_impls[3] && calib_entry(e, "fast")->rate == fast_rate &&
		       calib_entry(e, "misses")->state == CALIB_FAILED,
	       "the hit gives the same choice, rates and failures");
	tap_ok(strstr(log, "the misses implementation failed its self-test when calibrated") != NULL,
	       "a cached failure is logged again, not skipped silently");
	calib_release(&c);

	cc.is_recalibrate = 1;
	calib_init(&c, &cc);
	slow_calls = 0;
	e = calib_captured(&c, log, sizeof(log));
	tap_ok(e && !e->is_cached && slow_calls > 0, "--recalibrate measures again");
	calib_release(&c);
	cc.is_recalibrate = 0;

	/* The same figures under another key: for another build or CPU, so a miss. */
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	text[n] = '\0';
	char *key = strstr(text, "\"key\": \"");
	if (key)
		key[8] = key[8] == 'X' ? 'Y' : 'X';
	write_file(path, text);
	calib_init(&c, &cc);
	slow_calls = 0;
	e = calib_captured(&c, log, sizeof(log));
	tap_ok(key && e && !e->is_cached && slow_calls > 0,
	       "a cache file for another build or CPU is a miss");
	calib_release(&c);

	write_file(path, "{\"key\": [1, 2");
	calib_init(&c, &cc);
	e = calib_captured(&c, log, sizeof(log));
	tap_ok(e && !e->is_cached && e->fastest == &fake_impls[3],
	       "a corrupt cache file is a miss, not an error");
	calib_release(&c);

	unlink(path);
	snprintf(path, sizeof(path), "%s/quintminer", dir);
	rmdir(path);
	rmdir(dir);
}

/* --- CPU devices on the real table -------------------------------------- */

static const struct algo_impl *fixed_impl(void *opaque, const struct algo *a, char *err,
					  size_t err_len)
{
	(void)a;
	(void)err;
	(void)err_len;
	return opaque;
}

static char portable_name[] = "portable";

/* The impl of the same name in a's table, or NULL with err. */
static const struct algo_impl *named_impl(void *opaque, const struct algo *a, char *err,
					  size_t err_len)
{
	const struct algo_impl *impl = algo_impl_find(a, opaque);

	if (!impl)
		snprintf(err, err_len, "%s has no %s", a->name, (const char *)opaque);
	return impl;
}

static void test_cpu_devices(void)
{
	unsigned cpu = cpu_features();

	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		for (unsigned k = 0; k < a->n_impls; k++) {
			const struct algo_impl *impl = &a->impls[k];
			struct device *d = NULL;
			if ((impl->cpu_needs & cpu) != impl->cpu_needs) {
				tap_skip("%s %s: this CPU lacks what the impl needs", a->name,
					 impl->name);
				continue;
			}
			device_cpu_new(&d, fixed_impl, (void *)impl);
			int rc = d ? device_set_algo(d, a) : -1;
			tap_ok(rc == 0 && d->algo == a && !strcmp(d->name, impl->name),
			       "%s %s: the CPU device passes its self-test%s%s", a->name, impl->name,
			       rc && d ? ": " : "", rc && d ? d->err : "");
			device_free(d);
		}
	}

	/* One device, switched between algorithms and back. */
	struct device *d = NULL;
	device_cpu_new(&d, named_impl, portable_name);
	int ok = d != NULL;
	const struct algo *order[] = { &algo_sha256d, &algo_scrypt, &algo_odocrypt, &algo_sha256d };
	for (unsigned i = 0; ok && i < sizeof(order) / sizeof(order[0]); i++)
		ok = device_set_algo(d, order[i]) == 0 && d->algo == order[i];
	tap_ok(ok, "a CPU device switches sha256d -> scrypt -> odocrypt -> sha256d");
	device_free(d);

	/* A device forced onto a broken implementation does not mine. */
	fake_setup();
	device_cpu_new(&d, fixed_impl, &fake_impls[1]);
	int rc = d ? device_set_algo(d, &fake_algo) : 0;
	tap_ok(rc < 0 && d->algo == NULL && strstr(d->err, "self-test"),
	       "a CPU device on a broken implementation fails: %s", d ? d->err : "-");
	device_free(d);
}

/* --- where a CPU device's context comes from (device_cpu_set_mem) -------- */

/* A test allocator: records each call; misaligned or failing on request. */
struct mem_log {
	unsigned allocs, frees, worker;
	size_t last_len, freed_len;
	int is_misaligned, is_failing;
	void *last;
};

static void *log_alloc(void *opaque, unsigned worker, size_t len)
{
	struct mem_log *m = opaque;
	unsigned char *p = NULL;

	m->allocs++;
	m->worker = worker;
	m->last_len = len;
	if (m->is_failing || posix_memalign((void **)&p, 64, len + 64))
		return NULL;
	memset(p, 0, len + 64);
	m->last = m->is_misaligned ? p + 8 : p;
	return m->last;
}

static void log_free(void *opaque, void *p, size_t len)
{
	struct mem_log *m = opaque;

	m->frees++;
	m->freed_len = len;
	free(m->is_misaligned ? (unsigned char *)p - 8 : p);
}

static void test_cpu_device_memory(void)
{
	struct mem_log log = { 0 };
	struct device_cpu_mem mem = { .alloc = log_alloc, .free = log_free, .opaque = &log,
				      .worker = 7 };
	struct device *d = NULL;

	device_cpu_new(&d, named_impl, portable_name);
	if (!d) {
		tap_ok(0, "a CPU device for the allocator tests");
		return;
	}
	device_cpu_set_mem(d, &mem);
	int rc = device_set_algo(d, &algo_scrypt);
	tap_ok(rc == 0 && log.allocs == 1 && log.worker == 7 &&
		       log.last_len == algo_scrypt.ctx_size && log.last_len >= 128 * 1024,
	       "a CPU device takes its scrypt context (%zu bytes) from the allocator it was "
	       "given, for its worker, and passes its self-test on it", log.last_len);
	tap_ok(device_set_algo(d, &algo_odocrypt) == 0 && log.frees == 1 &&
		       log.freed_len == algo_scrypt.ctx_size && log.allocs == 2 &&
		       log.last_len == algo_odocrypt.ctx_size,
	       "switching to odocrypt gives the scrypt context back to the allocator, the "
	       "Odocrypt one comes from it too");
	device_free(d);
	tap_ok(log.frees == 2 && log.freed_len == algo_odocrypt.ctx_size,
	       "freeing the device gives its context back");

	struct mem_log bad = { .is_misaligned = 1 }, none = { .is_failing = 1 };
	mem.opaque = &bad;
	device_cpu_new(&d, named_impl, portable_name);
	if (d)
		device_cpu_set_mem(d, &mem);
	tap_ok(d && device_set_algo(d, &algo_scrypt) == 0 && bad.allocs == 1 && bad.frees == 1,
	       "memory that is not 64-byte aligned is given back; the device falls back to "
	       "ordinary memory and works");
	device_free(d);
	tap_ok(bad.frees == 1, "... and the fallback is not handed to the allocator's free");
	mem.opaque = &none;
	device_cpu_new(&d, named_impl, portable_name);
	if (d)
		device_cpu_set_mem(d, &mem);
	tap_ok(d && device_set_algo(d, &algo_scrypt) == 0 && none.allocs == 1 && !none.frees,
	       "an allocator that fails: ordinary memory, the device works");
	device_free(d);
}

/* --- scrypt's scratchpad in the core's L2 (device_cpu_fit_impl) ---------- */

static const char *fit_name(const char *impl, size_t cache)
{
	const struct algo_impl *i = algo_impl_find(&algo_scrypt, impl);
	const struct algo_impl *f = i ? device_cpu_fit_impl(&algo_scrypt, i, cache) : NULL;

	return f ? f->name : "(none)";
}

static void test_cache_fit(void)
{
	const struct { const char *impl; size_t cache; const char *want; } cases[] = {
		{ "avx512", 0, "avx512" },               /* no L2 known: as given */
		{ "avx512", 4u << 20, "avx512" },        /* 2 MiB fits in 4 */
		{ "avx512", 2u << 20, "avx512" },        /* exactly */
		{ "avx512", 1u << 20, "avx512-8" },      /* 1 MiB L2 (this machine) */
		{ "avx512", (1u << 20) - 1, "avx512-4" },
		{ "avx512", 512u << 10, "avx512-4" },    /* two workers on a 1 MiB L2 */
		{ "avx512", 256u << 10, "avx512-4" },    /* nothing fits: the smallest */
		{ "avx512-4", 4u << 20, "avx512-4" },    /* never wider than the choice */
		{ "avx2", 1u << 20, "avx2" },
		{ "avx2", 512u << 10, "avx2-4" },
		{ "avx2", 256u << 10, "avx2-2" },
		{ "sse41", 256u << 10, "sse41-2" },
		{ "sse41", 128u << 10, "sse41-1" },
		{ "portable", 64u << 10, "portable" },   /* no sibling */
	};
	unsigned cpu = cpu_features();

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct algo_impl *impl = algo_impl_find(&algo_scrypt, cases[i].impl);
		if (!impl) {
			tap_skip("scrypt %s: not built", cases[i].impl);
			continue;
		}
		const char *got = fit_name(cases[i].impl, cases[i].cache);
		tap_ok(!strcmp(got, cases[i].want), "scrypt %s in %zu KiB of L2 runs as %s (%s)",
		       cases[i].impl, cases[i].cache / 1024, cases[i].want, got);
	}
	const struct algo_impl *sha = &algo_sha256d.impls[0];
	tap_ok(device_cpu_fit_impl(&algo_sha256d, sha, 1024) == sha,
	       "sha256d %s (no scratchpad) is never replaced", sha->name);

	/* A device told its L2 share runs (and self-tests) the narrower impl. */
	const struct algo_impl *wide = &algo_scrypt.impls[0];
	if (!wide->scratch_bytes || (wide->cpu_needs & cpu) != wide->cpu_needs ||
	    !strcmp(wide->name, "portable")) {
		tap_skip("scrypt's widest SIMD impl: not on this CPU");
		return;
	}
	struct device *d = NULL;
	device_cpu_new(&d, fixed_impl, (void *)wide);
	if (d)
		device_cpu_set_cache(d, wide->scratch_bytes / 2);
	int rc = d ? device_set_algo(d, &algo_scrypt) : -1;
	const struct algo_impl *want = device_cpu_fit_impl(&algo_scrypt, wide,
							   wide->scratch_bytes / 2);
	tap_ok(rc == 0 && want != wide && !strcmp(d->name, want->name),
	       "a device given %s with half its scratchpad of L2 runs %s, self-tested (%s)",
	       wide->name, want->name, d ? d->name : "-");
	device_free(d);
}

/* --- the miner switching algorithms through its jobs --------------------- */

struct capture {
	pthread_mutex_t lock;
	const struct algo *want;
	unsigned good, bad;
};

static void capture_submit(struct source *src, struct share *share)
{
	struct capture *cap = src->priv;
	uint8_t hash[HASH_LEN];

	share->job->algo->hash(&share->job->params, share->header, hash);
	pthread_mutex_lock(&cap->lock);
	if (share->job->algo == cap->want && !memcmp(hash, share->hash, HASH_LEN) &&
	    hash_le_target(hash, share->job->share_target))
		cap->good++;
	else if (share->job->algo == cap->want)
		cap->bad++;
	pthread_mutex_unlock(&cap->lock);
	share_free(share);
}

static const struct source_ops capture_ops = { .name = "capture", .submit = capture_submit };

static struct job *easy_job(const struct algo *a)
{
	static const uint8_t cb[] = "test-device-coinbase";
	struct job *job = job_new();

	if (!job || job_set_coinbase(job, cb, sizeof(cb) - 1, cb, sizeof(cb) - 1)) {
		job_unref(job);
		return NULL;
	}
	snprintf(job->id, sizeof(job->id), "%s", a->name);
	job->algo = a;
	job->params.network = ALGO_NETWORK_MAINNET;
	job->version = 0x20000002u | a->version_bits;
	job->nbits = 0x1d00ffffu;
	job->ntime = job->ntime_max = 1764000000u;
	job->extranonce2_len = 4;
	/* About one nonce in 256 meets it. */
	memset(job->share_target, 0xff, HASH_LEN);
	job->share_target[HASH_LEN - 1] = 0x00;
	bits_to_target(job->nbits, job->block_target);
	return job;
}

/* Waits (bounded) for good shares of cap->want; returns their count. */
static unsigned wait_shares(struct capture *cap, unsigned want)
{
	for (unsigned i = 0; i < 3000; i++) {
		pthread_mutex_lock(&cap->lock);
		unsigned good = cap->good;
		pthread_mutex_unlock(&cap->lock);
		if (good >= want)
			return good;
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void test_miner_switch(void)
{
	struct capture cap = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct source src = { .ops = &capture_ops, .priv = &cap };
	struct job_board board;
	struct stats stats;
	struct device *d = NULL;
	struct miner m = { 0 };

	job_board_init(&board);
	stats_init(&stats, 1);
	device_cpu_new(&d, named_impl, portable_name);
	m.algo = &algo_sha256d;
	m.board = &board;
	m.stats = &stats;
	m.source = &src;
	m.devices = &d;
	m.device_count = 1;

	cap.want = &algo_sha256d;
	job_board_publish(&board, easy_job(&algo_sha256d));
	int started = d && miner_start(&m) == 0;
	tap_ok(started && wait_shares(&cap, 2) >= 2, "miner: sha256d shares verify");
	pthread_mutex_lock(&cap.lock);
	cap.want = &algo_scrypt;
	cap.good = cap.bad = 0;
	pthread_mutex_unlock(&cap.lock);
	job_board_publish(&board, easy_job(&algo_scrypt));
	tap_ok(started && wait_shares(&cap, 2) >= 2,
	       "miner: after a scrypt job the same device's shares verify under scrypt");
	if (started)
		miner_stop(&m);
	tap_ok(started && d->algo == &algo_scrypt && cap.bad == 0,
	       "miner: the device is set up for scrypt, no share failed (%u)", cap.bad);
	device_free(d);
	stats_release(&stats);
	job_board_release(&board);
}

/* --- the hash count is the hashes done (issue 13: the first rate line) ----- */

#define ALL_HIT_MAX (1u << 22)

/* Every nonce of one header meets the target: each must arrive once, none skipped. */
struct all_hit {
	pthread_mutex_t lock;
	uint8_t *seen;                  /* per nonce below ALL_HIT_MAX */
	unsigned shares, twice, beyond;
};

static void all_hit_submit(struct source *src, struct share *share)
{
	struct all_hit *h = src->priv;

	pthread_mutex_lock(&h->lock);
	h->shares++;
	if (share->nonce >= ALL_HIT_MAX || share->extranonce2 != 0)
		h->beyond++;
	else if (h->seen[share->nonce]++)
		h->twice++;
	pthread_mutex_unlock(&h->lock);
	share_free(share);
}

static const struct source_ops all_hit_ops = { .name = "all-hit", .submit = all_hit_submit };

/*
 * Mining an easy chain, every nonce is a share and every scan fills its 64
 * hits. The statistics must count the nonces the device really hashed (the
 * rate is that count over the time taken): exactly the shares, nonces
 * 0..count-1 each once. Counting the whole range a scan was given reports
 * many times the real rate and skips the range's other nonces.
 */
static void test_hash_count_is_true(void)
{
	struct all_hit h = { .lock = PTHREAD_MUTEX_INITIALIZER, .seen = calloc(ALL_HIT_MAX, 1) };
	struct source src = { .ops = &all_hit_ops, .priv = &h };
	struct job_board board;
	struct stats stats;
	struct device *d = NULL;
	struct miner m = { 0 };
	struct job *job = easy_job(&algo_sha256d);

	job_board_init(&board);
	stats_init(&stats, 1);
	device_cpu_new(&d, named_impl, portable_name);
	if (job)
		memset(job->share_target, 0xff, HASH_LEN);
	m.algo = &algo_sha256d;
	m.board = &board;
	m.stats = &stats;
	m.source = &src;
	m.devices = &d;
	m.device_count = 1;
	job_board_publish(&board, job);
	int started = h.seen && job && d && miner_start(&m) == 0;
	for (unsigned i = 0; started && i < 500; i++) {
		pthread_mutex_lock(&h.lock);
		unsigned n = h.shares;
		pthread_mutex_unlock(&h.lock);
		if (n >= 20000)
			break;
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (started)
		miner_stop(&m);
	uint64_t hashes = stats_total_hashes(&stats);
	unsigned gaps = 0;
	for (uint64_t k = 0; h.seen && k < hashes && k < ALL_HIT_MAX; k++)
		gaps += !h.seen[k];
	tap_ok(started && h.shares >= 64 && hashes == h.shares && h.twice == 0 && h.beyond == 0 &&
		       gaps == 0,
	       "every nonce a share: %llu hashes counted, %u shares, nonces 0..%llu each once "
	       "(%u twice, %u missing, %u elsewhere)",
	       (unsigned long long)hashes, h.shares,
	       (unsigned long long)(hashes ? hashes - 1 : 0), h.twice, gaps, h.beyond);
	device_free(d);
	stats_release(&stats);
	job_board_release(&board);
	free(h.seen);
}

int main(void)
{
	fake_setup();
	test_broken_and_choice();
	test_cache();
	test_cpu_devices();
	test_cpu_device_memory();
	test_cache_fit();
	test_miner_switch();
	test_hash_count_is_true();
	return tap_done();
}
