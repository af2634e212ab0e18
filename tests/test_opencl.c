/* SPDX-License-Identifier: MIT */
/*
 * The OpenCL back-end on the first OpenCL device (PoCL in CI), for every
 * algorithm whose kernel file is embedded: the solved vectors from scan_from
 * (first hit == nonce), other vectors with target == the hash of a chosen
 * nonce (the hits must equal the portable hash's, in order; first and last
 * work-item of a group, the end of the nonce space, more hits than the
 * device's slots, a max_hits cut), every hit re-hashed with algo->hash;
 * then --kernel-dir, a broken kernel (build log in the error) and an
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

static const struct algo_params params = { .odo_interval = ODO_INTERVAL_MAINNET };

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
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
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
	return tap_done();
}
