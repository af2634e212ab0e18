/* SPDX-License-Identifier: MIT */
#include "opencl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The OpenCL 1.2 API: what PoCL and every GPU driver still provide. */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include "endian.h"
#include "errbuf.h"

/* Hit slots on the device; a launch that finds more is split and run again. */
#define OPENCL_HIT_SLOTS 64
/* Work-group size we ask for, at most (the kernel may allow less). */
#define OPENCL_MAX_LOCAL 256
/* Work-groups per compute unit in the first launch: many for light kernels ... */
#define OPENCL_GROUPS_PER_CU 64
/* ... and few for kernels with scratch memory, which is allocated per work-item. */
#define OPENCL_SCRATCH_GROUPS_PER_CU 2
/* Launches queued on the device at once, so it never waits for the host. */
#define OPENCL_IN_FLIGHT 2
/* Most scratch memory on a CPU device: its RAM is the host's, shared with everything. */
#define OPENCL_CPU_SCRATCH_CAP ((cl_ulong)256 << 20)
/* Largest launch: the nonce space is 2^32 and launches stay well below it. */
#define OPENCL_MAX_BATCH ((size_t)1 << 30)
/* Largest kernel file read from --kernel-dir. */
#define OPENCL_MAX_SOURCE_LEN (1u << 20)
/* Kernel arguments, in the order of the ABI in kernels/common.cl. */
enum opencl_arg {
	ARG_HDR_LO,
	ARG_HDR_HI,
	ARG_TARGET,
	ARG_FIRST,
	ARG_LAST,
	ARG_HITS,
	ARG_HIT_COUNT,
	ARG_MAX_HITS,
	ARG_SCRATCH,
	ARG_DATA,
};

/* Per-key kernel data on the device (algo->kernel_data): two keys, as the CPU keeps. */
#define OPENCL_DATA_SLOTS 2
struct opencl_data_slot {
	cl_mem mem;
	uint32_t key;
	int is_filled;
};

/* One launch's hit buffers and events; OPENCL_IN_FLIGHT of them take turns. */
struct opencl_launch {
	cl_mem hits_mem, count_mem;
	cl_event kernel_done, count_read;
	cl_uint found;            /* read back from count_mem */
	uint32_t first, last;     /* the nonces it covers */
	size_t items;             /* its global size */
};

struct opencl_scanner {
	cl_context context;
	cl_command_queue queue;
	cl_program program;
	cl_kernel kernel;
	cl_mem scratch_mem;
	struct opencl_launch launch[OPENCL_IN_FLIGHT];
	int is_profiled;          /* the queue gives kernel times (self-tuning) */
	double kernel_ms;         /* target time of one launch; 0: batch fixed (--intensity) */
	size_t max_batch;         /* the most work-items scratch and limits allow */
	uint64_t tunes;           /* batch changes so far, for the logs */
	const struct algo *algo;
	struct opencl_data_slot data[OPENCL_DATA_SLOTS];
	unsigned data_current;    /* slot of the prepared header's key */
	void *data_host;          /* algo->kernel_data_len bytes, filled before an upload */
	uint64_t data_builds;     /* kernel data filled and uploaded so far */
	size_t local_size;        /* work-items per group */
	size_t batch;             /* work-items per launch, a multiple of local_size */
	char name[OPENCL_NAME_LEN + 16]; /* "opencl:" + name + " (cpu)" */
	char err[256];
};

static const char *opencl_status_name(cl_int status)
{
	switch (status) {
#define NAME(x) case x: return #x
	NAME(CL_SUCCESS);
	NAME(CL_DEVICE_NOT_FOUND);
	NAME(CL_DEVICE_NOT_AVAILABLE);
	NAME(CL_COMPILER_NOT_AVAILABLE);
	NAME(CL_MEM_OBJECT_ALLOCATION_FAILURE);
	NAME(CL_OUT_OF_RESOURCES);
	NAME(CL_OUT_OF_HOST_MEMORY);
	NAME(CL_PROFILING_INFO_NOT_AVAILABLE);
	NAME(CL_MEM_COPY_OVERLAP);
	NAME(CL_IMAGE_FORMAT_MISMATCH);
	NAME(CL_IMAGE_FORMAT_NOT_SUPPORTED);
	NAME(CL_BUILD_PROGRAM_FAILURE);
	NAME(CL_MAP_FAILURE);
	NAME(CL_MISALIGNED_SUB_BUFFER_OFFSET);
	NAME(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
	NAME(CL_COMPILE_PROGRAM_FAILURE);
	NAME(CL_LINKER_NOT_AVAILABLE);
	NAME(CL_LINK_PROGRAM_FAILURE);
	NAME(CL_DEVICE_PARTITION_FAILED);
	NAME(CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
	NAME(CL_INVALID_VALUE);
	NAME(CL_INVALID_DEVICE_TYPE);
	NAME(CL_INVALID_PLATFORM);
	NAME(CL_INVALID_DEVICE);
	NAME(CL_INVALID_CONTEXT);
	NAME(CL_INVALID_QUEUE_PROPERTIES);
	NAME(CL_INVALID_COMMAND_QUEUE);
	NAME(CL_INVALID_HOST_PTR);
	NAME(CL_INVALID_MEM_OBJECT);
	NAME(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
	NAME(CL_INVALID_IMAGE_SIZE);
	NAME(CL_INVALID_SAMPLER);
	NAME(CL_INVALID_BINARY);
	NAME(CL_INVALID_BUILD_OPTIONS);
	NAME(CL_INVALID_PROGRAM);
	NAME(CL_INVALID_PROGRAM_EXECUTABLE);
	NAME(CL_INVALID_KERNEL_NAME);
	NAME(CL_INVALID_KERNEL_DEFINITION);
	NAME(CL_INVALID_KERNEL);
	NAME(CL_INVALID_ARG_INDEX);
	NAME(CL_INVALID_ARG_VALUE);
	NAME(CL_INVALID_ARG_SIZE);
	NAME(CL_INVALID_KERNEL_ARGS);
	NAME(CL_INVALID_WORK_DIMENSION);
	NAME(CL_INVALID_WORK_GROUP_SIZE);
	NAME(CL_INVALID_WORK_ITEM_SIZE);
	NAME(CL_INVALID_GLOBAL_OFFSET);
	NAME(CL_INVALID_EVENT_WAIT_LIST);
	NAME(CL_INVALID_EVENT);
	NAME(CL_INVALID_OPERATION);
	NAME(CL_INVALID_GL_OBJECT);
	NAME(CL_INVALID_BUFFER_SIZE);
	NAME(CL_INVALID_MIP_LEVEL);
	NAME(CL_INVALID_GLOBAL_WORK_SIZE);
	NAME(CL_INVALID_PROPERTY);
	NAME(CL_INVALID_IMAGE_DESCRIPTOR);
	NAME(CL_INVALID_COMPILER_OPTIONS);
	NAME(CL_INVALID_LINKER_OPTIONS);
	NAME(CL_INVALID_DEVICE_PARTITION_COUNT);
#undef NAME
	case -1001:
		return "CL_PLATFORM_NOT_FOUND_KHR"; /* cl_khr_icd: the loader found no platform */
	}
	return "unknown OpenCL status";
}

/* Fails with "what: CL_NAME (code)" for an OpenCL status. */
static int opencl_fail_status(char *err, size_t err_len, const char *what, cl_int status)
{
	return errbuf_set(err, err_len, "%s: %s (%d)", what, opencl_status_name(status),
			  (int)status);
}

const char *opencl_embedded_source(const char *name)
{
	for (unsigned i = 0; name && i < opencl_source_count; i++) {
		if (!strcmp(opencl_sources[i].name, name))
			return opencl_sources[i].text;
	}
	return NULL;
}

/*
 * Finds device index over all platforms. With index UINT32_MAX only counts
 * them into *count. Returns 0 (device/platform set when found), or -1.
 */
static int opencl_find_device(unsigned index, unsigned *count, cl_platform_id *platform,
			      unsigned *platform_index, cl_device_id *device, char *err,
			      size_t err_len)
{
	cl_platform_id *platforms = NULL;
	cl_uint n_platforms = 0;
	cl_int status;
	int rc = -1;

	*count = 0;
	status = clGetPlatformIDs(0, NULL, &n_platforms);
	if (status == -1001 || (status == CL_SUCCESS && n_platforms == 0))
		return 0; /* no platform installed: no device */
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "clGetPlatformIDs", status);
	platforms = calloc(n_platforms, sizeof(*platforms));
	if (!platforms)
		return errbuf_set(err, err_len, "out of memory");
	status = clGetPlatformIDs(n_platforms, platforms, NULL);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clGetPlatformIDs", status);
		goto out;
	}
	for (cl_uint p = 0; p < n_platforms; p++) {
		cl_uint n = 0;
		status = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &n);
		if (status == CL_DEVICE_NOT_FOUND)
			continue;
		if (status != CL_SUCCESS) {
			opencl_fail_status(err, err_len, "clGetDeviceIDs", status);
			goto out;
		}
		if (index >= *count && index - *count < n) {
			cl_device_id *devices = calloc(n, sizeof(*devices));
			if (!devices) {
				errbuf_set(err, err_len, "out of memory");
				goto out;
			}
			status = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, n, devices, NULL);
			if (status == CL_SUCCESS) {
				*platform = platforms[p];
				*platform_index = p;
				*device = devices[index - *count];
			}
			free(devices);
			if (status != CL_SUCCESS) {
				opencl_fail_status(err, err_len, "clGetDeviceIDs", status);
				goto out;
			}
		}
		*count += n;
	}
	rc = 0;
out:
	free(platforms);
	return rc;
}

int opencl_device_count(unsigned *count, char *err, size_t err_len)
{
	cl_platform_id platform;
	cl_device_id device;
	unsigned p;

	return opencl_find_device(UINT32_MAX, count, &platform, &p, &device, err, err_len);
}

/*
 * A string property of a platform or device as printable ASCII without
 * quotes, backslashes or trailing blanks: driver text goes into logs and
 * JSON.
 */
static void opencl_clean_name(char *name)
{
	for (char *c = name; *c; c++) {
		if (*c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\')
			*c = '?';
	}
	for (size_t len = strlen(name); len && name[len - 1] == ' '; len--)
		name[len - 1] = '\0';
}

int opencl_device_info(unsigned index, struct opencl_device_info *info, char *err,
		       size_t err_len)
{
	cl_platform_id platform = NULL;
	cl_device_id device = NULL;
	cl_device_type type = 0;
	cl_uint units = 0, clock = 0;
	cl_ulong mem = 0, alloc = 0;
	unsigned count = 0;
	cl_int status;

	memset(info, 0, sizeof(*info));
	if (opencl_find_device(index, &count, &platform, &info->platform_index, &device, err,
			       err_len))
		return -1;
	if (!device)
		return errbuf_set(err, err_len, "OpenCL device %u not found (%u device%s)", index,
				   count, count == 1 ? "" : "s");
	info->index = index;
	status = clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof(info->platform),
				   info->platform, NULL);
	if (status == CL_SUCCESS)
		status = clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof(info->name), info->name,
					 NULL);
	if (status == CL_SUCCESS)
		status = clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof(type), &type, NULL);
	if (status == CL_SUCCESS)
		status = clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(units), &units,
					 NULL);
	if (status == CL_SUCCESS)
		status = clGetDeviceInfo(device, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof(clock),
					 &clock, NULL);
	if (status == CL_SUCCESS)
		status = clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(mem), &mem, NULL);
	if (status == CL_SUCCESS)
		status = clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(alloc),
					 &alloc, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "clGetDeviceInfo", status);
	info->platform[sizeof(info->platform) - 1] = '\0';
	info->name[sizeof(info->name) - 1] = '\0';
	opencl_clean_name(info->platform);
	opencl_clean_name(info->name);
	info->compute_units = units;
	info->clock_mhz = clock;
	info->global_mem_len = mem;
	info->max_alloc_len = alloc;
	info->is_cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
	return 0;
}

int opencl_select(const unsigned *want, unsigned want_count, unsigned *out, unsigned max,
		  unsigned *count, char *err, size_t err_len)
{
	struct opencl_device_info info;
	unsigned total = 0, cpus = 0;

	*count = 0;
	if (opencl_device_count(&total, err, err_len))
		return -1;
	if (want_count) {
		for (unsigned i = 0; i < want_count; i++) {
			if (want[i] >= total)
				return errbuf_set(err, err_len,
						   "OpenCL device %u does not exist (%u device%s; "
						   "see --opencl-list)", want[i], total,
						   total == 1 ? "" : "s");
			for (unsigned k = 0; k < *count; k++) {
				if (out[k] == want[i])
					return errbuf_set(err, err_len,
							   "OpenCL device %u named twice", want[i]);
			}
			if (*count < max)
				out[(*count)++] = want[i];
		}
		return 0;
	}
	for (unsigned d = 0; d < total; d++) {
		if (opencl_device_info(d, &info, err, err_len))
			return -1;
		if (info.is_cpu) {
			cpus++;
			continue;
		}
		if (*count < max)
			out[(*count)++] = d;
	}
	if (*count == 0 && cpus)
		return errbuf_set(err, err_len,
				   "no OpenCL GPU: the %u OpenCL device%s found %s the CPU itself, "
				   "which the CPU workers already use; name one with "
				   "--opencl-devices N to mine on it anyway (see --opencl-list)",
				   cpus, cpus == 1 ? "" : "s", cpus == 1 ? "is" : "are");
	if (*count == 0)
		return errbuf_set(err, err_len, "no OpenCL device found");
	return 0;
}

/* Reads dir/name into a NUL-terminated malloc'ed buffer. Returns NULL with err filled. */
static char *opencl_read_source(const char *dir, const char *name, char *err, size_t err_len)
{
	char path[4096];
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		errbuf_set(err, err_len, "--kernel-dir: path too long");
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f) {
		errbuf_set(err, err_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(OPENCL_MAX_SOURCE_LEN + 1);
	if (!text) {
		errbuf_set(err, err_len, "out of memory");
		goto fail;
	}
	len = fread(text, 1, OPENCL_MAX_SOURCE_LEN + 1, f);
	if (ferror(f)) {
		errbuf_set(err, err_len, "%s: read error", path);
		goto fail;
	}
	if (len > OPENCL_MAX_SOURCE_LEN) {
		errbuf_set(err, err_len, "%s: larger than %u bytes", path, OPENCL_MAX_SOURCE_LEN);
		goto fail;
	}
	text[len] = '\0';
	fclose(f);
	return text;
fail:
	free(text);
	fclose(f);
	return NULL;
}

/* Appends the program's build log for device to err (after what is there). */
static void opencl_append_build_log(cl_program program, cl_device_id device, char *err,
				    size_t err_len)
{
	size_t used = strlen(err), log_len = 0;
	char *log;

	if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &log_len) !=
		    CL_SUCCESS ||
	    log_len == 0 || used + 1 >= err_len)
		return;
	log = malloc(log_len + 1);
	if (!log)
		return;
	if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log_len, log, NULL) ==
	    CL_SUCCESS) {
		log[log_len] = '\0';
		snprintf(err + used, err_len - used, "; build log:\n%s", log);
	}
	free(log);
}

/* Runs the qm_info kernel: bytes of scratch memory per work-item into *len. */
static int opencl_kernel_info(struct opencl_scanner *s, cl_uint *len, char *err, size_t err_len)
{
	const size_t one = 1;
	cl_kernel info = NULL;
	cl_mem out = NULL;
	cl_int status;
	int rc = -1;

	info = clCreateKernel(s->program, "qm_info", &status);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "clCreateKernel(qm_info)", status);
	out = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY, sizeof(cl_uint), NULL, &status);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clCreateBuffer(info)", status);
		goto out;
	}
	status = clSetKernelArg(info, 0, sizeof(out), &out);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clSetKernelArg(qm_info)", status);
		goto out;
	}
	status = clEnqueueNDRangeKernel(s->queue, info, 1, NULL, &one, &one, 0, NULL, NULL);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clEnqueueNDRangeKernel(qm_info)", status);
		goto out;
	}
	status = clEnqueueReadBuffer(s->queue, out, CL_TRUE, 0, sizeof(*len), len, 0, NULL, NULL);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clEnqueueReadBuffer(info)", status);
		goto out;
	}
	rc = 0;
out:
	if (out)
		clReleaseMemObject(out);
	clReleaseKernel(info);
	return rc;
}

/* Picks the work-group and launch sizes and allocates the scratch memory. */
static int opencl_size(struct opencl_scanner *s, cl_device_id device, int is_cpu,
		       cl_uint scratch_len, unsigned intensity, char *err, size_t err_len)
{
	size_t kernel_wg = 0, multiple = 1;
	cl_uint units = 0;
	cl_ulong max_alloc = 0, global_mem = 0;
	cl_int status;

	status = clGetKernelWorkGroupInfo(s->kernel, device, CL_KERNEL_WORK_GROUP_SIZE,
					  sizeof(kernel_wg), &kernel_wg, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "CL_KERNEL_WORK_GROUP_SIZE", status);
	status = clGetKernelWorkGroupInfo(s->kernel, device,
					  CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
					  sizeof(multiple), &multiple, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len,
					  "CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE", status);
	status = clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(units), &units, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "CL_DEVICE_MAX_COMPUTE_UNITS", status);
	status = clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(max_alloc),
				 &max_alloc, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "CL_DEVICE_MAX_MEM_ALLOC_SIZE", status);
	status = clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(global_mem),
				 &global_mem, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "CL_DEVICE_GLOBAL_MEM_SIZE", status);

	/* The largest multiple of the preferred multiple up to our cap and the kernel's. */
	size_t local = kernel_wg < OPENCL_MAX_LOCAL ? kernel_wg : OPENCL_MAX_LOCAL;
	if (multiple && local > multiple)
		local -= local % multiple;
	s->local_size = local ? local : 1;
	size_t groups = (size_t)(units ? units : 1) *
			(scratch_len ? OPENCL_SCRATCH_GROUPS_PER_CU : OPENCL_GROUPS_PER_CU);
	if (scratch_len) {
		/* Scratch for a launch: one allocation, at most half the device memory. */
		cl_ulong cap = max_alloc < global_mem / 2 ? max_alloc : global_mem / 2;
		cl_ulong fit = cap / ((cl_ulong)scratch_len * s->local_size);
		if (fit == 0)
			return errbuf_set(err, err_len,
					  "%s: one work-group needs %llu bytes of scratch, the "
					  "device allows %llu",
					  s->name, (unsigned long long)scratch_len * s->local_size,
					  (unsigned long long)cap);
		if (groups > fit)
			groups = (size_t)fit;
	}
	s->batch = groups * s->local_size;
	s->max_batch = OPENCL_MAX_BATCH - OPENCL_MAX_BATCH % s->local_size;
	if (scratch_len) {
		/* Self-tuning may grow the launch up to what the scratch memory allows. */
		cl_ulong cap = max_alloc < global_mem / 2 ? max_alloc : global_mem / 2;
		if (is_cpu && cap > OPENCL_CPU_SCRATCH_CAP)
			cap = OPENCL_CPU_SCRATCH_CAP;
		size_t fit = (size_t)(cap / scratch_len);
		fit -= fit % s->local_size;
		if (fit < s->local_size)
			fit = s->local_size;
		if (s->max_batch > fit)
			s->max_batch = fit;
	}
	if (intensity) {
		/* --intensity N: 2^N work-items per launch, as GPU miners count it. */
		s->batch = (size_t)1 << intensity;
		s->batch += (s->local_size - s->batch % s->local_size) % s->local_size;
		if (s->batch > s->max_batch)
			return errbuf_set(err, err_len,
					   "--intensity %u: %zu work-items per launch, %s allows "
					   "%zu", intensity, s->batch, s->name, s->max_batch);
	}
	if (s->batch > s->max_batch)
		s->batch = s->max_batch;
	if (scratch_len) {
		s->scratch_mem = clCreateBuffer(s->context, CL_MEM_READ_WRITE,
						(size_t)scratch_len * s->max_batch, NULL, &status);
		if (status != CL_SUCCESS)
			return opencl_fail_status(err, err_len, "clCreateBuffer(scratch)", status);
	}
	return 0;
}

int opencl_scanner_new(struct opencl_scanner **out, unsigned device_index, const struct algo *a,
		       const char *kernel_dir, char *err, size_t err_len)
{
	const struct opencl_config cfg = { .kernel_dir = kernel_dir };

	return opencl_scanner_new_with(out, device_index, a, &cfg, err, err_len);
}

int opencl_scanner_new_with(struct opencl_scanner **out, unsigned device_index,
			    const struct algo *a, const struct opencl_config *cfg, char *err,
			    size_t err_len)
{
	const char *kernel_dir = cfg->kernel_dir;
	unsigned lookup_gap = cfg->lookup_gap ? cfg->lookup_gap : 1;
	char options[64];
	struct opencl_scanner *s = NULL;
	cl_platform_id platform = NULL;
	cl_device_id device = NULL;
	const char *texts[2] = { NULL, NULL };
	char *owned[2] = { NULL, NULL };
	char device_name[OPENCL_NAME_LEN];
	unsigned count = 0, platform_index;
	cl_device_type type = 0;
	cl_uint scratch_len = 0;
	cl_int status;
	int rc = -1;

	*out = NULL;
	if (!a->kernel || (!kernel_dir && !opencl_embedded_source(a->kernel))) {
		errbuf_set(err, err_len, "%s: no OpenCL kernel%s%s%s", a->name,
			   a->kernel ? " (" : "", a->kernel ? a->kernel : "",
			   a->kernel ? " is not built in)" : "");
		return OPENCL_ERR_NO_KERNEL;
	}
	if (opencl_find_device(device_index, &count, &platform, &platform_index, &device, err,
			       err_len))
		return -1;
	if (!device)
		return errbuf_set(err, err_len, "OpenCL device %u not found (%u device%s)",
				  device_index, count, count == 1 ? "" : "s");
	status = clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof(device_name), device_name, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "CL_DEVICE_NAME", status);
	device_name[sizeof(device_name) - 1] = '\0';
	opencl_clean_name(device_name);
	status = clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof(type), &type, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(err, err_len, "CL_DEVICE_TYPE", status);

	s = calloc(1, sizeof(*s));
	if (!s)
		return errbuf_set(err, err_len, "out of memory");
	/* A CPU device (PoCL) says so: it shares the cores with the CPU workers. */
	snprintf(s->name, sizeof(s->name), "opencl:%s%s", device_name,
		 type & CL_DEVICE_TYPE_CPU ? " (cpu)" : "");
	s->algo = a;

	if (kernel_dir) {
		for (int i = 0; i < 2; i++) {
			const char *file = i ? a->kernel : OPENCL_COMMON_SOURCE;
			owned[i] = opencl_read_source(kernel_dir, file, err, err_len);
			if (!owned[i])
				goto out;
			texts[i] = owned[i];
		}
	} else {
		texts[0] = opencl_embedded_source(OPENCL_COMMON_SOURCE);
		texts[1] = opencl_embedded_source(a->kernel);
		if (!texts[0]) {
			errbuf_set(err, err_len, "%s is not built in", OPENCL_COMMON_SOURCE);
			goto out;
		}
	}

	cl_context_properties props[] = { CL_CONTEXT_PLATFORM, (cl_context_properties)platform,
					   0 };
	s->context = clCreateContext(props, 1, &device, NULL, NULL, &status);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clCreateContext", status);
		goto out;
	}
	/* Profiling gives each launch's device time, which self-tuning needs. */
	s->kernel_ms = cfg->intensity ? 0 : cfg->kernel_ms > 0 ? cfg->kernel_ms
							       : OPENCL_DEFAULT_KERNEL_MS;
	s->queue = clCreateCommandQueue(s->context, device, CL_QUEUE_PROFILING_ENABLE, &status);
	s->is_profiled = status == CL_SUCCESS;
	if (!s->is_profiled)
		s->queue = clCreateCommandQueue(s->context, device, 0, &status);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clCreateCommandQueue", status);
		goto out;
	}
	s->program = clCreateProgramWithSource(s->context, 2, texts, NULL, &status);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clCreateProgramWithSource", status);
		goto out;
	}
	/* QM_LOOKUP_GAP: the scrypt kernel keeps every gap-th block of V (--lookup-gap). */
	snprintf(options, sizeof(options), "-cl-std=CL1.2 -DQM_LOOKUP_GAP=%u", lookup_gap);
	status = clBuildProgram(s->program, 1, &device, options, NULL, NULL);
	if (status != CL_SUCCESS) {
		errbuf_set(err, err_len, "building %s + %s for %s: %s (%d)", OPENCL_COMMON_SOURCE,
			   a->kernel, s->name, opencl_status_name(status), (int)status);
		opencl_append_build_log(s->program, device, err, err_len);
		goto out;
	}
	s->kernel = clCreateKernel(s->program, "qm_scan", &status);
	if (status != CL_SUCCESS) {
		opencl_fail_status(err, err_len, "clCreateKernel(qm_scan)", status);
		goto out;
	}
	if (opencl_kernel_info(s, &scratch_len, err, err_len) ||
	    opencl_size(s, device, (type & CL_DEVICE_TYPE_CPU) != 0, scratch_len,
			cfg->intensity, err, err_len))
		goto out;
	for (unsigned i = 0; i < OPENCL_IN_FLIGHT; i++) {
		struct opencl_launch *l = &s->launch[i];
		l->hits_mem = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY,
					     OPENCL_HIT_SLOTS * sizeof(cl_uint), NULL, &status);
		if (status != CL_SUCCESS) {
			opencl_fail_status(err, err_len, "clCreateBuffer(hits)", status);
			goto out;
		}
		l->count_mem = clCreateBuffer(s->context, CL_MEM_READ_WRITE, sizeof(cl_uint), NULL,
					      &status);
		if (status != CL_SUCCESS) {
			opencl_fail_status(err, err_len, "clCreateBuffer(hit count)", status);
			goto out;
		}
	}
	if (a->kernel_data_len) {
		s->data_host = malloc(a->kernel_data_len);
		if (!s->data_host) {
			errbuf_set(err, err_len, "out of memory");
			goto out;
		}
		for (unsigned i = 0; i < OPENCL_DATA_SLOTS; i++) {
			s->data[i].mem = clCreateBuffer(s->context, CL_MEM_READ_ONLY,
							a->kernel_data_len, NULL, &status);
			if (status != CL_SUCCESS) {
				opencl_fail_status(err, err_len, "clCreateBuffer(kernel data)",
						   status);
				goto out;
			}
		}
	}

	/* The arguments that stay for the life of the scanner. */
	const cl_uint slots = OPENCL_HIT_SLOTS;
	const struct {
		enum opencl_arg index;
		size_t len;
		const void *value;
		const char *what;
	} fixed[] = {
		{ ARG_MAX_HITS, sizeof(cl_uint), &slots, "clSetKernelArg(max_hits)" },
		{ ARG_SCRATCH, sizeof(cl_mem), &s->scratch_mem, "clSetKernelArg(scratch)" },
		{ ARG_DATA, sizeof(cl_mem), &s->data[0].mem, "clSetKernelArg(data)" },
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		status = clSetKernelArg(s->kernel, fixed[i].index, fixed[i].len, fixed[i].value);
		if (status != CL_SUCCESS) {
			opencl_fail_status(err, err_len, fixed[i].what, status);
			goto out;
		}
	}
	/*
	 * One work-group on a zero header: some drivers (PoCL) compile the
	 * kernel for its work-group size at the first launch, which should
	 * happen here rather than in the first range a worker or the
	 * benchmark times; and a launch that fails fails here.
	 */
	const struct algo_params warm_params = { .network = ALGO_NETWORK_MAINNET };
	const uint8_t zero[HEADER_LEN] = { 0 };
	uint32_t hit;
	unsigned n;
	if (opencl_scanner_prepare(s, &warm_params, zero) ||
	    opencl_scanner_scan(s, zero, 0, (uint32_t)s->local_size - 1, &hit, 1, &n)) {
		errbuf_set(err, err_len, "first launch on %s: %s", s->name, s->err);
		goto out;
	}
	*out = s;
	s = NULL;
	rc = 0;
out:
	opencl_scanner_free(s);
	free(owned[0]);
	free(owned[1]);
	return rc;
}

void opencl_scanner_free(struct opencl_scanner *s)
{
	if (!s)
		return;
	/* Reverse order of creation; each object only if it was created. */
	for (unsigned i = OPENCL_DATA_SLOTS; i-- > 0;) {
		if (s->data[i].mem)
			clReleaseMemObject(s->data[i].mem);
	}
	free(s->data_host);
	for (unsigned i = OPENCL_IN_FLIGHT; i-- > 0;) {
		if (s->launch[i].count_mem)
			clReleaseMemObject(s->launch[i].count_mem);
		if (s->launch[i].hits_mem)
			clReleaseMemObject(s->launch[i].hits_mem);
	}
	if (s->scratch_mem)
		clReleaseMemObject(s->scratch_mem);
	if (s->kernel)
		clReleaseKernel(s->kernel);
	if (s->program)
		clReleaseProgram(s->program);
	if (s->queue)
		clReleaseCommandQueue(s->queue);
	if (s->context)
		clReleaseContext(s->context);
	free(s);
}

const char *opencl_scanner_name(const struct opencl_scanner *s)
{
	return s->name;
}

uint32_t opencl_scanner_batch(const struct opencl_scanner *s)
{
	return (uint32_t)s->batch;
}

const char *opencl_scanner_error(const struct opencl_scanner *s)
{
	return s->err;
}

uint64_t opencl_scanner_data_builds(const struct opencl_scanner *s)
{
	return s->data_builds;
}

/*
 * Makes the kernel data of the key header selects the data argument: a slot
 * that has it already, else the slot not in use, filled on the host and
 * uploaded (blocking: the host buffer is reused). A job going back and forth
 * across one epoch boundary so builds each key once, as on the CPU.
 */
static int opencl_select_data(struct opencl_scanner *s, const struct algo_params *params,
			      const uint8_t header[HEADER_LEN])
{
	uint32_t key = s->algo->kernel_key(params, header);
	unsigned slot = OPENCL_DATA_SLOTS;
	cl_int status;

	for (unsigned i = 0; i < OPENCL_DATA_SLOTS; i++) {
		if (s->data[i].is_filled && s->data[i].key == key)
			slot = i;
	}
	if (slot == OPENCL_DATA_SLOTS) {
		slot = s->data[s->data_current].is_filled ? (s->data_current + 1) % OPENCL_DATA_SLOTS
							  : s->data_current;
		s->algo->kernel_data(key, s->data_host);
		s->data[slot].is_filled = 0;
		status = clEnqueueWriteBuffer(s->queue, s->data[slot].mem, CL_TRUE, 0,
					      s->algo->kernel_data_len, s->data_host, 0, NULL,
					      NULL);
		if (status != CL_SUCCESS)
			return opencl_fail_status(s->err, sizeof(s->err),
						  "clEnqueueWriteBuffer(kernel data)", status);
		s->data[slot].key = key;
		s->data[slot].is_filled = 1;
		s->data_builds++;
	}
	s->data_current = slot;
	status = clSetKernelArg(s->kernel, ARG_DATA, sizeof(cl_mem), &s->data[slot].mem);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clSetKernelArg(data)", status);
	return 0;
}

int opencl_scanner_prepare(struct opencl_scanner *s, const struct algo_params *params,
			   const uint8_t header[HEADER_LEN])
{
	cl_uint16 lo;
	cl_uint4 hi;
	cl_int status;

	if (s->algo->kernel_data_len && opencl_select_data(s, params, header))
		return -1;
	/* The header as 20 little-endian words (kernels/common.cl). */
	for (unsigned i = 0; i < 16; i++)
		lo.s[i] = le32_load(header + 4 * i);
	for (unsigned i = 0; i < 4; i++)
		hi.s[i] = le32_load(header + 64 + 4 * i);
	status = clSetKernelArg(s->kernel, ARG_HDR_LO, sizeof(lo), &lo);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clSetKernelArg(hdr_lo)", status);
	status = clSetKernelArg(s->kernel, ARG_HDR_HI, sizeof(hi), &hi);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clSetKernelArg(hdr_hi)", status);
	return 0;
}

/* Sets the arguments of one launch over first..last with l's buffers. */
static int opencl_set_launch_args(struct opencl_scanner *s, struct opencl_launch *l,
				  uint32_t first, uint32_t last)
{
	cl_int status = clSetKernelArg(s->kernel, ARG_FIRST, sizeof(cl_uint), &first);

	if (status == CL_SUCCESS)
		status = clSetKernelArg(s->kernel, ARG_LAST, sizeof(cl_uint), &last);
	if (status == CL_SUCCESS)
		status = clSetKernelArg(s->kernel, ARG_HITS, sizeof(cl_mem), &l->hits_mem);
	if (status == CL_SUCCESS)
		status = clSetKernelArg(s->kernel, ARG_HIT_COUNT, sizeof(cl_mem), &l->count_mem);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clSetKernelArg(launch)", status);
	return 0;
}

static void opencl_release_events(struct opencl_launch *l)
{
	if (l->kernel_done)
		clReleaseEvent(l->kernel_done);
	if (l->count_read)
		clReleaseEvent(l->count_read);
	l->kernel_done = l->count_read = NULL;
}

/*
 * Queues one launch over first..last (at most s->max_batch nonces) with l's
 * buffers: clear the count, run the kernel, read the count back into
 * l->found. Nothing waits; opencl_collect does.
 */
static int opencl_enqueue(struct opencl_scanner *s, struct opencl_launch *l, uint32_t first,
			  uint32_t last)
{
	const cl_uint zero = 0;
	cl_int status;

	l->first = first;
	l->last = last;
	l->items = ((size_t)(last - first) + s->local_size) / s->local_size * s->local_size;
	if (opencl_set_launch_args(s, l, first, last))
		return -1;
	status = clEnqueueFillBuffer(s->queue, l->count_mem, &zero, sizeof(zero), 0, sizeof(zero),
				     0, NULL, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clEnqueueFillBuffer(hit count)",
					  status);
	status = clEnqueueNDRangeKernel(s->queue, s->kernel, 1, NULL, &l->items, &s->local_size, 0,
					NULL, &l->kernel_done);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clEnqueueNDRangeKernel(qm_scan)",
					  status);
	status = clEnqueueReadBuffer(s->queue, l->count_mem, CL_FALSE, 0, sizeof(l->found),
				     &l->found, 0, NULL, &l->count_read);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clEnqueueReadBuffer(hit count)",
					  status);
	status = clFlush(s->queue);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clFlush", status);
	return 0;
}

/*
 * Self-tuning (--gpu-kernel-ms): from the device time of a launch that was
 * at least half a batch, the batch that takes about s->kernel_ms, at most
 * twice or half the current one, in whole work-groups, within max_batch.
 */
static void opencl_tune(struct opencl_scanner *s, const struct opencl_launch *l)
{
	cl_ulong start = 0, end = 0;

	if (!s->kernel_ms || !s->is_profiled || l->items < s->batch / 2)
		return;
	if (clGetEventProfilingInfo(l->kernel_done, CL_PROFILING_COMMAND_START, sizeof(start),
				    &start, NULL) != CL_SUCCESS ||
	    clGetEventProfilingInfo(l->kernel_done, CL_PROFILING_COMMAND_END, sizeof(end), &end,
				    NULL) != CL_SUCCESS ||
	    end <= start)
		return;
	double want = (double)l->items * (s->kernel_ms * 1e6) / (double)(end - start);
	if (want > 2.0 * (double)s->batch)
		want = 2.0 * (double)s->batch;
	if (want < (double)s->batch / 2)
		want = (double)s->batch / 2;
	size_t batch = (size_t)want / s->local_size * s->local_size;
	if (batch < s->local_size)
		batch = s->local_size;
	if (batch > s->max_batch)
		batch = s->max_batch;
	/* Within an eighth of the target is close enough: no churn around it. */
	if (batch > s->batch + s->batch / 8 || batch + s->batch / 8 < s->batch) {
		s->batch = batch;
		s->tunes++;
	}
}

static int opencl_cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/* Reads l's found hits (at most OPENCL_HIT_SLOTS), sorts and appends them to hits[*n..max). */
static int opencl_read_hits(struct opencl_scanner *s, struct opencl_launch *l, uint32_t *hits,
			    unsigned max_hits, unsigned *n)
{
	cl_uint slots[OPENCL_HIT_SLOTS];
	cl_int status;

	if (l->found == 0)
		return 0;
	status = clEnqueueReadBuffer(s->queue, l->hits_mem, CL_TRUE, 0, l->found * sizeof(cl_uint),
				     slots, 0, NULL, NULL);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clEnqueueReadBuffer(hits)",
					  status);
	/* Work-items append in any order: sort, then keep the lowest. */
	qsort(slots, l->found, sizeof(slots[0]), opencl_cmp_u32);
	for (cl_uint i = 0; i < l->found && *n < max_hits; i++)
		hits[(*n)++] = slots[i];
	return 0;
}

/*
 * One blocking launch over first..last with l's buffers, for a range whose
 * hits overflowed the slots: split in two and run again, lower half first,
 * so the hits kept are always the lowest nonces.
 */
static int opencl_launch_sync(struct opencl_scanner *s, struct opencl_launch *l, uint32_t first,
			      uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *n)
{
	cl_int status;

	if (opencl_enqueue(s, l, first, last))
		return -1;
	status = clWaitForEvents(1, &l->count_read);
	opencl_release_events(l);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clWaitForEvents", status);
	if (l->found > OPENCL_HIT_SLOTS) {
		/* More hits than slots: first < last here, since one nonce is one hit. */
		uint32_t mid = first + (last - first) / 2;
		if (opencl_launch_sync(s, l, first, mid, hits, max_hits, n))
			return -1;
		if (*n < max_hits)
			return opencl_launch_sync(s, l, mid + 1, last, hits, max_hits, n);
		return 0;
	}
	return opencl_read_hits(s, l, hits, max_hits, n);
}

/* Waits for l, tunes the batch from it and appends its hits. */
static int opencl_collect(struct opencl_scanner *s, struct opencl_launch *l, uint32_t *hits,
			  unsigned max_hits, unsigned *n)
{
	cl_int status = clWaitForEvents(1, &l->count_read);

	if (status != CL_SUCCESS) {
		opencl_release_events(l);
		return opencl_fail_status(s->err, sizeof(s->err), "clWaitForEvents", status);
	}
	opencl_tune(s, l);
	opencl_release_events(l);
	if (l->found > OPENCL_HIT_SLOTS)
		return opencl_launch_sync(s, l, l->first, l->last, hits, max_hits, n);
	return opencl_read_hits(s, l, hits, max_hits, n);
}

int opencl_scanner_scan(struct opencl_scanner *s, const uint8_t target[HASH_LEN], uint32_t first,
			uint32_t last, uint32_t *hits, unsigned max_hits, unsigned *hit_count)
{
	unsigned head = 0, queued = 0;
	uint32_t lo = first;
	int is_done = 0, rc = 0;
	cl_uint8 t;
	cl_int status;

	*hit_count = 0;
	s->err[0] = '\0';
	if (max_hits == 0 || last < first)
		return 0;
	for (unsigned i = 0; i < 8; i++)
		t.s[i] = le32_load(target + 4 * i);
	status = clSetKernelArg(s->kernel, ARG_TARGET, sizeof(t), &t);
	if (status != CL_SUCCESS)
		return opencl_fail_status(s->err, sizeof(s->err), "clSetKernelArg(target)", status);
	/*
	 * Launches in nonce order, OPENCL_IN_FLIGHT queued at once: while the
	 * host reads one launch's hits the device runs the next. Collected in
	 * order, so hits stay increasing; once max_hits are in, the launches
	 * still queued are waited for and their hits dropped.
	 */
	for (;;) {
		while (!rc && !is_done && queued < OPENCL_IN_FLIGHT) {
			struct opencl_launch *l = &s->launch[(head + queued) % OPENCL_IN_FLIGHT];
			uint32_t hi = last - lo < s->batch - 1 ? last : lo + (uint32_t)(s->batch - 1);
			if (opencl_enqueue(s, l, lo, hi)) {
				opencl_release_events(l);
				rc = -1;
				break;
			}
			queued++;
			is_done = hi == last;
			lo = hi + 1;
		}
		if (queued == 0)
			break;
		struct opencl_launch *l = &s->launch[head];
		if (rc || *hit_count >= max_hits) {
			clWaitForEvents(1, &l->count_read);
			opencl_release_events(l);
		} else if (opencl_collect(s, l, hits, max_hits, hit_count)) {
			rc = -1;
		}
		head = (head + 1) % OPENCL_IN_FLIGHT;
		queued--;
		if (*hit_count >= max_hits)
			is_done = 1;
	}
	return rc;
}

int opencl_scanner_hash(struct opencl_scanner *s, const struct algo_params *params,
			const uint8_t header[HEADER_LEN], uint8_t out[HASH_LEN])
{
	uint32_t nonce = le32_load(header + NONCE_OFFSET), hit;
	uint8_t t[HASH_LEN];
	unsigned n;

	if (opencl_scanner_prepare(s, params, header))
		return -1;
	/*
	 * From the top bit down, with the bits above b equal to the hash's and
	 * those below all ones: clearing bit b keeps a hit exactly when the
	 * hash has bit b clear. After bit 0, t is the hash.
	 */
	memset(t, 0xff, sizeof(t));
	for (int b = HASH_LEN * 8 - 1; b >= 0; b--) {
		uint8_t bit = (uint8_t)(1u << (b % 8));
		t[b / 8] &= (uint8_t)~bit;
		if (opencl_scanner_scan(s, t, nonce, nonce, &hit, 1, &n))
			return -1;
		if (n == 0)
			t[b / 8] |= bit;
	}
	memcpy(out, t, HASH_LEN);
	return 0;
}
