/* SPDX-License-Identifier: MIT */
/*
 * The OpenCL back-end on the first OpenCL device (PoCL in CI), for every
 * algorithm whose kernel file is embedded: every vector's PoW hash through
 * the kernel (opencl_scanner_hash), the solved vectors from scan_from
 * (first hit == nonce), other vectors with target == the hash of a chosen
 * nonce (the hits must equal the portable hash's, in order; first and last
 * work-item of a group, the end of the nonce space, more hits than the
 * device's slots, a max_hits cut), every hit re-hashed with algo->hash;
 * for algorithms with per-key kernel data, a job straddling two keys (Odocrypt
 * epochs); then --kernel-dir, a broken kernel (build log in the error) and an
 * algorithm without a kernel. Built only when configure found OpenCL; no
 * device at run time is a failure, not a skip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "endian.h"
#include "opencl.h"
#include "tap.h"
#include "tvec.h"

/*
 * Solved vectors are scanned from scan_from, or from this many nonces before
 * the solution when scan_from is further away (nonce is then still the first
 * hit), so the slowest kernel on PoCL stays within a few seconds.
 */
#define SOLVED_WINDOW 4000
/* Nonces per chosen-target range: several work-groups of PoCL, not a multiple of one. */
#define SPAN 601
/* Header vectors per algorithm given chosen targets. */
#define CHOSEN_VECTORS 2
#define MAX_HITS SPAN

static const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };

/* Every hit re-hashed with the portable hash: <= target, increasing, in range. */
static int hits_verified(const struct algo *a, uint8_t header[HEADER_LEN],
			 const uint8_t target[HASH_LEN], const uint32_t *hits, unsigned n,
			 uint32_t first, uint32_t last)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t hash[HASH_LEN];
		le32_store(header + NONCE_OFFSET, hits[i]);
		a->hash(&params, header, hash);
		if (!hash_le_target(hash, target) || hits[i] < first || hits[i] > last ||
		    (i && hits[i] <= hits[i - 1]))
			return 0;
	}
	return 1;
}

/* The portable hits of first..last, in order (at most max). */
static unsigned portable_hits(const struct algo *a, uint8_t header[HEADER_LEN],
			      const uint8_t target[HASH_LEN], uint32_t first, uint32_t last,
			      uint32_t *hits, unsigned max)
{
	unsigned n = 0;

	for (uint32_t nonce = first; n < max; nonce++) {
		uint8_t hash[HASH_LEN];
		le32_store(header + NONCE_OFFSET, nonce);
		a->hash(&params, header, hash);
		if (hash_le_target(hash, target))
			hits[n++] = nonce;
		if (nonce == last)
			break;
	}
	return n;
}

/* The vector's parameters: its forced Odocrypt key, when it has one. */
static void vector_params(json_t *o, struct algo_params *p)
{
	json_t *key = json_object_get(o, "odo_key");

	*p = params;
	if (json_is_integer(key)) {
		p->has_odo_key = 1;
		p->odo_key = (uint32_t)json_integer_value(key);
	}
}

/* The first max vectors: the kernel's hash of the header equals pow_hash, bit for bit. */
static void test_vectors(const struct algo *a, struct opencl_scanner *s, json_t *v, size_t max)
{
	char bad[512] = "";
	size_t i, used = 0;
	json_t *o;

	json_array_foreach(v, i, o) {
		uint8_t header[HEADER_LEN], want[HASH_LEN], got[HASH_LEN];
		if (i >= max)
			break;
		struct algo_params p;
		vector_params(o, &p);
		tvec_hex(o, "header", header, HEADER_LEN);
		tvec_hex(o, "pow_hash", want, HASH_LEN);
		if (opencl_scanner_hash(s, &p, header, got) || memcmp(got, want, HASH_LEN)) {
			int len = snprintf(bad + used, sizeof(bad) - used, " %s", tvec_str(o, "id"));
			if (len > 0 && (size_t)len < sizeof(bad) - used)
				used += (size_t)len;
		}
	}
	tap_ok(!bad[0], "%s: the kernel's hash equals pow_hash for %zu vectors%s", a->name,
	       json_array_size(v) < max ? json_array_size(v) : max, bad);
}

static void test_solved(const struct algo *a, struct opencl_scanner *s, json_t *o)
{
	const char *id = tvec_str(o, "id");
	uint8_t header[HEADER_LEN], target[HASH_LEN];
	uint32_t hits[8];
	unsigned n = 0;

	tvec_hex(o, "header", header, HEADER_LEN);
	uint32_t nonce = le32_load(header + NONCE_OFFSET);
	uint32_t from = (uint32_t)json_integer_value(json_object_get(o, "scan_from"));
	if (nonce - from > SOLVED_WINDOW)
		from = nonce - SOLVED_WINDOW;
	if (!tap_ok(bits_to_target(le32_load(header + NBITS_OFFSET), target) == 0,
		    "%s: nBits decodes", id))
		return;
	int rc = opencl_scanner_prepare(s, &params, header);
	if (!rc)
		rc = opencl_scanner_scan(s, target, from, nonce, hits, 8, &n);
	if (!tap_ok(rc == 0, "%s: scan %u..%u runs%s%s", id, from, nonce, rc ? ": " : "",
		    rc ? opencl_scanner_error(s) : ""))
		return;
	tap_ok(n == 1 && hits[0] == nonce, "%s: first hit from %u is %u (got %u hits, first %u)",
	       id, from, nonce, n, n ? hits[0] : 0);
	tap_ok(hits_verified(a, header, target, hits, n, from, nonce),
	       "%s: every hit passes the portable hash", id);
}

/* Scans first..last with target = hash(pick) and compares with the portable hits. */
static void test_chosen(const struct algo *a, struct opencl_scanner *s, const char *id,
			uint8_t header[HEADER_LEN], uint32_t first, uint32_t last, uint32_t pick,
			const char *what)
{
	static uint32_t want[MAX_HITS], got[MAX_HITS];
	uint8_t target[HASH_LEN];
	unsigned n_want, n_got = 0, n_cut = 0;

	le32_store(header + NONCE_OFFSET, pick);
	a->hash(&params, header, target);
	n_want = portable_hits(a, header, target, first, last, want, MAX_HITS);

	int rc = opencl_scanner_prepare(s, &params, header);
	if (!rc)
		rc = opencl_scanner_scan(s, target, first, last, got, MAX_HITS, &n_got);
	if (!tap_ok(rc == 0, "%s: %s: scan runs%s%s", id, what, rc ? ": " : "",
		    rc ? opencl_scanner_error(s) : ""))
		return;
	tap_ok(n_got == n_want && !memcmp(got, want, n_want * sizeof(want[0])),
	       "%s: %s: %u hits, equal to the portable hash's %u", id, what, n_got, n_want);
	tap_ok(hits_verified(a, header, target, got, n_got, first, last),
	       "%s: %s: every hit passes the portable hash", id, what);
	/* A max_hits cut keeps the lowest nonces. */
	rc = opencl_scanner_scan(s, target, first, last, got, 3, &n_cut);
	tap_ok(rc == 0 && n_cut == (n_want < 3 ? n_want : 3) &&
		       !memcmp(got, want, n_cut * sizeof(want[0])),
	       "%s: %s: max_hits 3 keeps the lowest %u", id, what, n_cut);
}

/*
 * A job straddling two keys: the same header with nTime on the last second
 * of one mainnet Odocrypt epoch and the first of the next, prepared in turn
 * A, B, A, B. Each scan's hits equal the portable hash's under that header's
 * own key; the device builds each key's tables once.
 */
static void test_two_keys(const struct algo *a, struct opencl_scanner *s)
{
	static uint32_t want[MAX_HITS], got[MAX_HITS];
	uint8_t header[2][HEADER_LEN], target[HASH_LEN];
	const uint32_t epoch_end = 1764288000u - 1; /* odocrypt.json epoch-last-second */
	const uint32_t first = 1000, last = first + SPAN - 1;

	for (int h = 0; h < 2; h++) {
		for (int i = 0; i < HEADER_LEN; i++)
			header[h][i] = (uint8_t)(i * 37 + 11);
		le32_store(header[h] + NTIME_OFFSET, epoch_end + (uint32_t)h);
	}
	tap_ok(a->kernel_key(&params, header[0]) != a->kernel_key(&params, header[1]),
	       "%s: the two headers select different keys", a->name);
	uint64_t builds = opencl_scanner_data_builds(s);
	for (int step = 0; step < 4; step++) {
		uint8_t *hd = header[step % 2];
		unsigned n_want, n_got = 0;

		/* Target = the hash of a mid-range nonce under this header's key. */
		le32_store(hd + NONCE_OFFSET, first + SPAN / 2);
		a->hash(&params, hd, target);
		n_want = portable_hits(a, hd, target, first, last, want, MAX_HITS);
		int rc = opencl_scanner_prepare(s, &params, hd);
		if (!rc)
			rc = opencl_scanner_scan(s, target, first, last, got, MAX_HITS, &n_got);
		tap_ok(rc == 0 && n_got == n_want && n_want > 0 &&
			       !memcmp(got, want, n_want * sizeof(want[0])),
		       "%s: epoch %s, step %d: %u hits, equal to the portable hash's %u%s%s",
		       a->name, step % 2 ? "after" : "before", step, n_got, n_want,
		       rc ? ": " : "", rc ? opencl_scanner_error(s) : "");
	}
	uint64_t built = opencl_scanner_data_builds(s) - builds;
	tap_ok(built <= 2, "%s: alternating keys built the tables %llu times, not 4", a->name,
	       (unsigned long long)built);
	/* The scanner held one of the keys before: at least the other was built. */
	tap_ok(built >= 1, "%s: a new key builds its tables", a->name);
}

static void test_algo(const struct algo *a)
{
	struct opencl_scanner *s = NULL;
	char err[8192], name[64];
	json_t *v;
	size_t i;
	json_t *o;
	unsigned chosen = 0;

	int rc = opencl_scanner_new(&s, 0, a, NULL, err, sizeof(err));
	if (!tap_ok(rc == 0, "%s: kernel %s builds on device 0%s%s", a->name, a->kernel,
		    rc ? ": " : "", rc ? err : ""))
		return;
	tap_diag("%s: %s, %u nonces per launch", a->name, opencl_scanner_name(s),
		 opencl_scanner_batch(s));
	snprintf(name, sizeof(name), "%s.json", a->name);
	v = tvec_load(name);
	test_vectors(a, s, v, json_array_size(v));
	json_array_foreach(v, i, o) {
		const char *kind = tvec_str(o, "kind");
		if (!strcmp(kind, "solved")) {
			test_solved(a, s, o);
			continue;
		}
		if (chosen >= CHOSEN_VECTORS || strncmp(kind, "random", 6))
			continue;
		chosen++;
		uint8_t header[HEADER_LEN];
		tvec_hex(o, "header", header, HEADER_LEN);
		const char *id = tvec_str(o, "id");
		uint32_t nonce = le32_load(header + NONCE_OFFSET);
		uint32_t base = nonce > UINT32_MAX - SPAN ? UINT32_MAX - SPAN : nonce;
		/* Target = a hash from mid-range: as many hits as chance gives, often more than the
		 * device's hit slots. */
		test_chosen(a, s, id, header, base, base + SPAN - 1, base + SPAN / 2,
			    "hit at the chosen nonce");
		/* Nonce 0 and the first work-item of the first group. */
		test_chosen(a, s, id, header, 0, SPAN - 1, 0, "range from nonce 0");
		/* The end of the nonce space: the last work-item of a partial group. */
		test_chosen(a, s, id, header, UINT32_MAX - SPAN + 1, UINT32_MAX, UINT32_MAX,
			    "range ending at 0xffffffff");
	}
	json_decref(v);
	if (a->kernel_data_len)
		test_two_keys(a, s);
	opencl_scanner_free(s);
}

/* A file of text in dir; returns 0 on success. */
static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	int rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) || rc ? -1 : 0;
}

static void remove_file(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_kernel_dir(const struct algo *a)
{
	struct opencl_scanner *s = NULL;
	const char *srcdir = getenv("QM_SRCDIR");
	char dir[4096], err[8192];
	char tmp[] = "/tmp/qm-test-opencl-XXXXXX";
	struct algo no_kernel = *a;

	/* --kernel-dir: the same sources, read from the source tree. */
	snprintf(dir, sizeof(dir), "%s/kernels", srcdir ? srcdir : ".");
	int rc = opencl_scanner_new(&s, 0, a, dir, err, sizeof(err));
	tap_ok(rc == 0, "%s: builds from --kernel-dir %s%s%s", a->name, dir, rc ? ": " : "",
	       rc ? err : "");
	opencl_scanner_free(s);
	s = NULL;

	/* A directory without the files: the error names the path. */
	rc = opencl_scanner_new(&s, 0, a, "/nonexistent-qm-kernels", err, sizeof(err));
	tap_ok(rc == -1 && !s && strstr(err, "/nonexistent-qm-kernels/"),
	       "missing --kernel-dir fails and names the file: %s", err);

	/* A kernel that does not compile: the status name and the build log. */
	if (!tap_ok(mkdtemp(tmp) != NULL, "temporary kernel directory"))
		return;
	int is_written = !write_file(tmp, OPENCL_COMMON_SOURCE,
				     opencl_embedded_source(OPENCL_COMMON_SOURCE)) &&
			 !write_file(tmp, a->kernel, "__kernel void qm_scan(__global uint *x)\n"
						     "{\n\tx[0] = undeclared_name;\n}\n");
	if (tap_ok(is_written, "broken kernel written")) {
		rc = opencl_scanner_new(&s, 0, a, tmp, err, sizeof(err));
		tap_ok(rc == -1 && !s && strstr(err, "CL_BUILD_PROGRAM_FAILURE") &&
			       strstr(err, "build log") && strstr(err, "undeclared_name"),
		       "broken kernel: error has the status name and the build log");
		tap_diag("%.300s", err);
	}
	remove_file(tmp, OPENCL_COMMON_SOURCE);
	remove_file(tmp, a->kernel);
	rmdir(tmp);

	/* No kernel for the algorithm: a distinct error the caller can skip on. */
	no_kernel.kernel = NULL;
	rc = opencl_scanner_new(&s, 0, &no_kernel, NULL, err, sizeof(err));
	tap_ok(rc == OPENCL_ERR_NO_KERNEL && !s, "an algorithm without a kernel: %s", err);
}

/* Device info and the choice of devices (--opencl-list, --opencl, --opencl-devices). */
static void test_devices(unsigned devices)
{
	unsigned picked[16], n = 0, gpus = 0;
	struct opencl_device_info info;
	char err[512];

	for (unsigned d = 0; d < devices; d++) {
		int rc = opencl_device_info(d, &info, err, sizeof(err));
		tap_ok(rc == 0 && info.index == d && info.name[0] && info.platform[0] &&
			       info.compute_units > 0 && info.global_mem_len > 0,
		       "device %u: %s on %s, %u compute units, %llu MiB%s", d, info.name,
		       info.platform, info.compute_units,
		       (unsigned long long)(info.global_mem_len >> 20), info.is_cpu ? ", CPU" : "");
		gpus += !info.is_cpu;
	}
	tap_ok(opencl_device_info(devices, &info, err, sizeof(err)) == -1 && strstr(err, "not found"),
	       "info for a device past the last: %s", err);

	/* --opencl: every device but the CPU itself; none left is an error naming the way out. */
	int rc = opencl_select(NULL, 0, picked, 16, &n, err, sizeof(err));
	if (gpus)
		tap_ok(rc == 0 && n == gpus, "--opencl picks the %u non-CPU devices (%u)", gpus, n);
	else
		tap_ok(rc == -1 && strstr(err, "--opencl-devices"),
		       "--opencl with only CPU devices fails and says how to name one: %s", err);

	/* --opencl-devices: exactly the named ones, a CPU device included. */
	const unsigned zero[] = { 0 }, twice[] = { 0, 0 }, past[] = { 0, devices };
	rc = opencl_select(zero, 1, picked, 16, &n, err, sizeof(err));
	tap_ok(rc == 0 && n == 1 && picked[0] == 0, "--opencl-devices 0 picks device 0");
	rc = opencl_select(past, 2, picked, 16, &n, err, sizeof(err));
	tap_ok(rc == -1 && strstr(err, "does not exist"), "a device index past the last: %s", err);
	rc = opencl_select(twice, 2, picked, 16, &n, err, sizeof(err));
	tap_ok(rc == -1 && strstr(err, "twice"), "a device named twice: %s", err);
}

/*
 * Launch sizes: --intensity fixes 2^N work-items per launch; self-tuning
 * keeps the size a whole number of work-groups within the device's limits.
 * Either way the scan keeps two launches in flight and still finds exactly
 * the portable hits over many launches. The scrypt kernel with lookup gaps
 * 2 and 3 still hashes every vector right.
 */
static void test_launches(void)
{
	static uint32_t want[MAX_HITS], got[MAX_HITS];
	const struct algo *a = algo_find("sha256d");
	struct opencl_scanner *s = NULL;
	uint8_t header[HEADER_LEN], target[HASH_LEN];
	char err[8192];

	for (int i = 0; i < HEADER_LEN; i++)
		header[i] = (uint8_t)(i * 13 + 5);
	/* About one nonce in 2^14 hits: a few per million. */
	memset(target, 0xff, sizeof(target));
	target[31] = 0x00;
	target[30] = 0x03;
	const uint32_t first = 0xfffc0000u, last = 0xffffffffu;
	unsigned n_want = portable_hits(a, header, target, first, last, want, MAX_HITS), n_got = 0;

	const struct opencl_config fixed = { .intensity = 10 };
	int rc = opencl_scanner_new_with(&s, 0, a, &fixed, err, sizeof(err));
	if (tap_ok(rc == 0, "sha256d with --intensity 10 builds%s%s", rc ? ": " : "", rc ? err : "")) {
		uint32_t batch = opencl_scanner_batch(s);
		rc = opencl_scanner_prepare(s, &params, header);
		if (!rc)
			rc = opencl_scanner_scan(s, target, first, last, got, MAX_HITS, &n_got);
		tap_ok(batch >= 1024 && batch < 2048 && opencl_scanner_batch(s) == batch,
		       "--intensity 10: %u work-items per launch, unchanged by scanning", batch);
		tap_ok(rc == 0 && n_got == n_want && !memcmp(got, want, n_got * sizeof(got[0])),
		       "256 launches, two in flight: %u hits, equal to the portable hash's %u",
		       n_got, n_want);
	}
	opencl_scanner_free(s);
	s = NULL;

	const struct opencl_config tuned = { .kernel_ms = 2 };
	rc = opencl_scanner_new_with(&s, 0, a, &tuned, err, sizeof(err));
	if (tap_ok(rc == 0, "sha256d with --gpu-kernel-ms 2 builds%s%s", rc ? ": " : "",
		   rc ? err : "")) {
		n_got = 0;
		rc = opencl_scanner_prepare(s, &params, header);
		if (!rc)
			rc = opencl_scanner_scan(s, target, first, last, got, MAX_HITS, &n_got);
		uint32_t batch = opencl_scanner_batch(s);
		tap_ok(rc == 0 && n_got == n_want && !memcmp(got, want, n_got * sizeof(got[0])),
		       "self-tuned launches: %u hits, equal to the portable hash's %u", n_got,
		       n_want);
		tap_ok(batch > 0 && batch <= (1u << 30), "self-tuned: %u work-items per launch now",
		       batch);
	}
	opencl_scanner_free(s);
	s = NULL;

	rc = opencl_scanner_new_with(&s, 0, a, &(struct opencl_config){ .intensity = 31 }, err,
				     sizeof(err));
	tap_ok(rc == -1 && !s, "--intensity 31 is more than a launch may hold: %s", err);
	opencl_scanner_free(s);
	s = NULL;

	const struct algo *scrypt = algo_find("scrypt");
	json_t *v = tvec_load("scrypt.json");
	for (unsigned gap = 2; gap <= 3; gap++) {
		const struct opencl_config cfg = { .lookup_gap = gap };
		rc = opencl_scanner_new_with(&s, 0, scrypt, &cfg, err, sizeof(err));
		if (tap_ok(rc == 0, "scrypt with --lookup-gap %u builds%s%s", gap, rc ? ": " : "",
			   rc ? err : ""))
			test_vectors(scrypt, s, v, 6);
		opencl_scanner_free(s);
		s = NULL;
	}
	json_decref(v);
}

int main(void)
{
	const struct algo *first = NULL;
	unsigned devices = 0;
	char err[512] = "";

	int rc = opencl_device_count(&devices, err, sizeof(err));
	if (!tap_ok(rc == 0, "OpenCL devices enumerate%s%s", rc ? ": " : "", rc ? err : "") ||
	    !tap_ok(devices > 0, "%u OpenCL device%s (configure found OpenCL; CI has PoCL)",
		    devices, devices == 1 ? "" : "s"))
		return tap_done();
	tap_ok(opencl_embedded_source(OPENCL_COMMON_SOURCE) != NULL, "%s is embedded",
	       OPENCL_COMMON_SOURCE);
	/* QM_OPENCL_ALGO=name limits the run to one algorithm (while working on a kernel). */
	const char *only = getenv("QM_OPENCL_ALGO");
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		if (only && *only && strcmp(only, a->name))
			continue;
		if (!a->kernel || !opencl_embedded_source(a->kernel)) {
			tap_skip("%s: no kernel embedded (%s)", a->name,
				 a->kernel ? a->kernel : "none");
			continue;
		}
		if (!first)
			first = a;
		test_algo(a);
	}
	if (tap_ok(first != NULL, "at least one algorithm has an embedded kernel"))
		test_kernel_dir(first);
	test_devices(devices);
	if (!only || !*only)
		test_launches();
	return tap_done();
}
