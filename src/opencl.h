/* SPDX-License-Identifier: MIT */
#ifndef QM_OPENCL_H
#define QM_OPENCL_H

#include <stddef.h>
#include <stdint.h>

#include "algo.h"

/*
 * The OpenCL back-end: the only code that talks to OpenCL. It enumerates
 * devices (every platform, then its devices, in the order the ICD loader
 * reports them: that order is the device index), builds the algorithm's
 * kernel (algo->kernel) from the sources embedded at build time or, with a
 * kernel directory, from that directory only, and scans nonce ranges on the
 * device with the contract of algo_scan_fn.
 *
 * Kernels follow the ABI described in kernels/common.cl, which is compiled
 * in front of every algorithm's kernel file. Hits are candidates: the caller
 * re-checks each with algo->hash before it is used (style.md §2.9).
 *
 * Errors are returned as negative values with a one-line message (the build
 * log follows it when a build fails) in the caller's buffer; OpenCL status
 * codes are decoded to their names. Nothing here logs or exits.
 *
 * With configure --disable-opencl, src/opencl_none.c provides these
 * functions and every one of them fails with a message saying so.
 */

/* An embedded kernel source: file name ("scrypt.cl") and NUL-terminated text. */
struct opencl_source {
	const char *name;
	const char *text;
};

/* The sources embedded at build time (kernels/embed.sh), common.cl included. */
extern const struct opencl_source opencl_sources[];
extern const unsigned opencl_source_count;

/* The file every kernel is compiled after. */
#define OPENCL_COMMON_SOURCE "common.cl"

/* Returned by opencl_scanner_new when the algorithm has no kernel to build. */
#define OPENCL_ERR_NO_KERNEL (-2)

/* Longest device name kept, and the size that holds "opencl:" + that name. */
#define OPENCL_NAME_LEN 96

/* The embedded text of kernel file name, or NULL if it was not built in. */
const char *opencl_embedded_source(const char *name);

/*
 * Counts the OpenCL devices of every platform into *count (0 when there is
 * no platform or no device). Returns 0, or negative with err filled.
 * Thread-safe.
 */
int opencl_device_count(unsigned *count, char *err, size_t err_len);

/* What --opencl-list shows of one device. */
struct opencl_device_info {
	unsigned index;                /* over all platforms, as everywhere here */
	unsigned platform_index;
	char platform[OPENCL_NAME_LEN]; /* CL_PLATFORM_NAME, printable ASCII */
	char name[OPENCL_NAME_LEN];    /* CL_DEVICE_NAME, printable ASCII */
	unsigned compute_units;
	unsigned clock_mhz;
	uint64_t global_mem_len;       /* bytes */
	uint64_t max_alloc_len;        /* bytes, largest single buffer */
	int is_cpu;                    /* CL_DEVICE_TYPE_CPU: the host's own cores (PoCL) */
};

/* Fills info for device index. Returns 0, or -1 with err filled. Thread-safe. */
int opencl_device_info(unsigned index, struct opencl_device_info *info, char *err,
		       size_t err_len);

/*
 * The devices to mine or benchmark on, into out[] (at most max) and *count:
 * the want_count indices of want[] when there are any (--opencl-devices; each
 * must exist, none twice, a CPU device is taken when named), otherwise every
 * device that is not the CPU itself (--opencl). Returns 0, or -1 with err
 * saying why: a bad index, or no device left (naming the CPU devices and how
 * to use one anyway).
 */
int opencl_select(const unsigned *want, unsigned want_count, unsigned *out, unsigned max,
		  unsigned *count, char *err, size_t err_len);

/* One algorithm's kernel built for one device, with its buffers. */
struct opencl_scanner;

/*
 * Builds algo's kernel for device index (see opencl_device_count) and
 * allocates its buffers. kernel_dir NULL means the embedded sources;
 * otherwise OPENCL_COMMON_SOURCE and algo->kernel are read from that
 * directory and nowhere else. Returns 0 and *out, or OPENCL_ERR_NO_KERNEL
 * when algo has no kernel (or it is not embedded), or -1 on any other
 * failure; err then says what failed and ends with the build log if the
 * build did. Building can take seconds (the device compiler runs).
 */
int opencl_scanner_new(struct opencl_scanner **out, unsigned device_index, const struct algo *a,
		       const char *kernel_dir, char *err, size_t err_len);

/* --gpu-kernel-ms default: launches of about this long keep a GPU busy and the desktop usable. */
#define OPENCL_DEFAULT_KERNEL_MS 100.0
/* --intensity range: 2^N work-items per launch. */
#define OPENCL_MIN_INTENSITY 8
#define OPENCL_MAX_INTENSITY 30
/* --lookup-gap: the largest gap the scrypt kernel takes (a divisor of N = 1024). */
#define OPENCL_MAX_LOOKUP_GAP 16

/* How to build and launch a kernel; zero fields take the defaults. */
struct opencl_config {
	const char *kernel_dir; /* --kernel-dir, or NULL: the embedded sources */
	double kernel_ms;       /* --gpu-kernel-ms: target launch time (default above) */
	unsigned intensity;     /* --intensity: fixed 2^N work-items per launch; 0: self-tune */
	unsigned lookup_gap;    /* --lookup-gap: scrypt keeps every gap-th V block (1) */
};

/*
 * opencl_scanner_new with everything cfg sets. The launch size starts from
 * the device's compute units and then, unless cfg->intensity fixes it,
 * follows the device time of the launches towards cfg->kernel_ms (self-
 * tuning; opencl_scanner_batch gives the current size). The same errors as
 * opencl_scanner_new, and -1 when the intensity asks for more work-items
 * than the scratch memory holds.
 */
int opencl_scanner_new_with(struct opencl_scanner **out, unsigned device_index,
			    const struct algo *a, const struct opencl_config *cfg, char *err,
			    size_t err_len);

/* Frees s and everything it holds; NULL is allowed. */
void opencl_scanner_free(struct opencl_scanner *s);

/*
 * "opencl:<device name>", with " (cpu)" appended for a CPU device, for logs
 * and benchmark rows. Valid until s is freed.
 */
const char *opencl_scanner_name(const struct opencl_scanner *s);

/*
 * Nonces one launch covers now (it changes as the scanner tunes itself):
 * ranges of a few of these keep the device busy.
 */
uint32_t opencl_scanner_batch(const struct opencl_scanner *s);

/*
 * Sets the header the next scans hash (its nonce is ignored). For an
 * algorithm with per-key kernel data (algo->kernel_data_len), the key
 * header selects under params picks one of two device slots, filled and
 * uploaded when neither holds that key. Returns 0, or -1 with the message in
 * opencl_scanner_error(s).
 */
int opencl_scanner_prepare(struct opencl_scanner *s, const struct algo_params *params,
			   const uint8_t header[HEADER_LEN]);

/*
 * Scans nonces first..last (inclusive) of the prepared header on the device,
 * in launches of opencl_scanner_batch nonces with two queued at a time, and
 * writes to hits[] the nonces whose hash is <= target (32 bytes,
 * little-endian), in increasing order, at most max_hits of them: the
 * contract of algo_scan_fn. Blocks until the device is done. Returns 0 with
 * *hit_count set, or -1 with the failing call and its status in
 * opencl_scanner_error(s). One thread at a time per scanner.
 */
int opencl_scanner_scan(struct opencl_scanner *s, const uint8_t target[HASH_LEN], uint32_t first,
			uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count);

/*
 * The PoW hash of header (its own nonce) as the kernel computes it, into out
 * (32 bytes, little-endian): the smallest target for which the scan kernel
 * reports the nonce, found bit by bit from the top with 256 one-nonce scans,
 * so it checks exactly the code that mines. Leaves header prepared. Returns
 * 0, or -1 with the message in opencl_scanner_error(s).
 */
int opencl_scanner_hash(struct opencl_scanner *s, const struct algo_params *params,
			const uint8_t header[HEADER_LEN], uint8_t out[HASH_LEN]);

/* Kernel data builds (fill + upload) so far; tests check that keys are reused. */
uint64_t opencl_scanner_data_builds(const struct opencl_scanner *s);

/* The message of the last failed opencl_scanner_scan ("" if none). */
const char *opencl_scanner_error(const struct opencl_scanner *s);

#endif
