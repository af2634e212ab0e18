/* SPDX-License-Identifier: MIT */
/*
 * The OpenCL device (src/device_opencl.c) on the first OpenCL device (PoCL
 * in CI): one device set up for every algorithm in turn, each kernel
 * self-tested through the device's own scan against algo->hash (planted
 * hits, every nonce a hit, a must-miss target, a range ending at
 * 0xffffffff); an algorithm without a kernel is refused as unsupported; and
 * a kernel that reports nonces it should not (from --kernel-dir) fails its
 * self-test with the reason. Built only when configure found OpenCL; no
 * device at run time is a failure, not a skip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algo.h"
#include "device.h"
#include "opencl.h"
#include "tap.h"

/* Reports every nonce of the range: compiles and runs, but hashes nothing. */
static const char broken_kernel[] =
	"__kernel void qm_info(__global uint *info) { info[0] = 0; }\n"
	"__kernel void qm_scan(uint16 hdr_lo, uint4 hdr_hi, uint8 target, uint first,\n"
	"		      uint last, __global uint *hits, volatile __global uint *hit_count,\n"
	"		      uint max_hits, __global uint4 *scratch,\n"
	"		      __global const ulong *data)\n"
	"{\n"
	"	uint nonce = first + (uint)get_global_id(0);\n"
	"	if (nonce < first || nonce > last)\n"
	"		return;\n"
	"	uint slot = atomic_inc(hit_count);\n"
	"	if (slot < max_hits)\n"
	"		hits[slot] = nonce;\n"
	"}\n";

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	size_t n;
	int rc = in && out ? 0 : -1;

	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		rc = fwrite(buf, 1, n, out) == n ? 0 : -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	return rc;
}

static void test_broken_kernel(void)
{
	const char *srcdir = getenv("QM_SRCDIR");
	char dir[] = "/tmp/qm-test-devcl.XXXXXX", from[4096], common[4096], kernel[4096];
	struct device *d = NULL;
	char err[256];
	const struct opencl_config cfg = { .kernel_dir = dir };

	if (!tap_ok(mkdtemp(dir) != NULL, "temporary kernel directory"))
		return;
	snprintf(from, sizeof(from), "%s/kernels/common.cl", srcdir ? srcdir : ".");
	snprintf(common, sizeof(common), "%s/common.cl", dir);
	snprintf(kernel, sizeof(kernel), "%s/%s", dir, algo_sha256d.kernel);
	FILE *f = fopen(kernel, "w");
	int ready = copy_file(from, common) == 0 && f && fputs(broken_kernel, f) >= 0;
	if (f)
		fclose(f);
	if (tap_ok(ready, "a broken %s next to common.cl", algo_sha256d.kernel) &&
	    tap_ok(device_opencl_new(&d, 0, &cfg, err, sizeof(err)) == 0,
		   "device 0 with a kernel directory")) {
		int rc = device_set_algo(d, &algo_sha256d);
		tap_ok(rc < 0 && rc != DEVICE_ERR_UNSUPPORTED && d->algo == NULL &&
			       strstr(d->err, "self-test") && strstr(d->err, "rejects"),
		       "a kernel that reports wrong nonces fails its self-test: %s", d->err);
	}
	device_free(d);
	unlink(kernel);
	unlink(common);
	rmdir(dir);
}

int main(void)
{
	struct device *d = NULL;
	unsigned count = 0;
	char err[4096];

	int rc = device_opencl_count(&count, err, sizeof(err));
	if (!tap_ok(rc == 0 && count > 0, "an OpenCL device is there (%u)%s%s", count,
		    rc ? ": " : "", rc ? err : ""))
		return tap_done();
	rc = device_opencl_new(&d, 0, NULL, err, sizeof(err));
	if (!tap_ok(rc == 0, "device 0 %s", rc ? err : "created"))
		return tap_done();
	tap_ok(d->kind == DEVICE_OPENCL && !strcmp(device_kind_name(d->kind), "opencl"),
	       "its kind is opencl");
	/* One device through every algorithm: each a new kernel and a new self-test. */
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		rc = device_set_algo(d, a);
		if (!a->kernel) {
			tap_ok(rc == DEVICE_ERR_UNSUPPORTED && d->algo == NULL,
			       "%s: no kernel, refused as unsupported (%s)", a->name, d->err);
			continue;
		}
		tap_ok(rc == 0 && d->algo == a && !strncmp(d->name, "opencl:", 7),
		       "%s: kernel %s built and self-tested on %s%s%s", a->name, a->kernel, d->name,
		       rc ? ": " : "", rc ? d->err : "");
	}
	device_free(d);
	test_broken_kernel();
	return tap_done();
}
