/* SPDX-License-Identifier: MIT */
/*
 * The OpenCL back-end of a build configured with --disable-opencl (or
 * without OpenCL found): the API of opencl.h, where every call fails and
 * says why, so callers need no conditional code.
 */
#include "opencl.h"

#include <stdio.h>

#define OPENCL_NONE_MSG "this quintminer was built without OpenCL (configure --disable-opencl)"

const struct opencl_source opencl_sources[] = { { .name = NULL, .text = NULL } };
const unsigned opencl_source_count = 0;

const char *opencl_embedded_source(const char *name)
{
	(void)name;
	return NULL;
}

int opencl_device_count(unsigned *count, char *err, size_t err_len)
{
	*count = 0;
	snprintf(err, err_len, "%s", OPENCL_NONE_MSG);
	return -1;
}

int opencl_scanner_new(struct opencl_scanner **out, unsigned device_index, const struct algo *a,
		       const char *kernel_dir, char *err, size_t err_len)
{
	(void)device_index;
	(void)a;
	(void)kernel_dir;
	*out = NULL;
	snprintf(err, err_len, "%s", OPENCL_NONE_MSG);
	return -1;
}

void opencl_scanner_free(struct opencl_scanner *s)
{
	(void)s;
}

/* No scanner can exist in this build, so the accessors below are never reached. */
const char *opencl_scanner_name(const struct opencl_scanner *s)
{
	(void)s;
	return "opencl:none";
}

uint32_t opencl_scanner_batch(const struct opencl_scanner *s)
{
	(void)s;
	return 1;
}

int opencl_scanner_prepare(struct opencl_scanner *s, const struct algo_params *params,
			   const uint8_t header[HEADER_LEN])
{
	(void)s;
	(void)params;
	(void)header;
	return -1;
}

int opencl_scanner_scan(struct opencl_scanner *s, const uint8_t target[HASH_LEN], uint32_t first,
			uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count)
{
	(void)s;
	(void)target;
	(void)first;
	(void)last;
	(void)hits;
	(void)max_hits;
	*hit_count = 0;
	return -1;
}

int opencl_scanner_hash(struct opencl_scanner *s, const struct algo_params *params,
			const uint8_t header[HEADER_LEN], uint8_t out[HASH_LEN])
{
	(void)s;
	(void)params;
	(void)header;
	(void)out;
	return -1;
}

uint64_t opencl_scanner_data_builds(const struct opencl_scanner *s)
{
	(void)s;
	return 0;
}

const char *opencl_scanner_error(const struct opencl_scanner *s)
{
	(void)s;
	return OPENCL_NONE_MSG;
}
