/* SPDX-License-Identifier: MIT */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "address.h"
#include "errbuf.h"
#include "gbt.h"
#include "hex.h"
#include "opencl.h"
#include "url.h"

/* ------------------------------------------------------------------------
 * The table. To add an option: add a field to struct options, a row below
 * (a generic kind with the field's offset, or a handler), and, if it needs
 * a default or a check against other options, a line in resolve().
 */

/* Where an option means something (a bit per mode, pool and solo apart). */
enum opt_use {
	USE_POOL = 1u << 0,     /* mining on a stratum pool */
	USE_SOLO = 1u << 1,     /* mining on a node */
	USE_BENCH = 1u << 2,    /* --benchmark */
	USE_HASH = 1u << 3,     /* --hash */
	USE_FEATURES = 1u << 4, /* --cpu-features */
	USE_PLAN = 1u << 5,     /* --plan (with a pool or a node) */
	USE_MINE = USE_POOL | USE_SOLO,
	USE_ALL = USE_MINE | USE_BENCH | USE_HASH | USE_FEATURES | USE_PLAN,
};

enum opt_kind {
	KIND_FLAG,   /* no value: sets the int at offset to 1 */
	KIND_STRING, /* copied to the char * at offset; max > 0: at most max bytes */
	KIND_UINT,   /* unsigned at offset, in [min, max] */
	KIND_DOUBLE, /* double at offset, min < value <= max */
	KIND_MODE,   /* no value: selects mode */
	KIND_CUSTOM, /* handler */
};

struct parse_state;

/* What a handler sees besides the value: the option as spelled, for messages. */
struct opt_ctx {
	const char *name;
	struct parse_state *state;
	char *err;
	size_t err_len;
};

typedef int opt_handler_fn(struct options *o, const char *arg, struct opt_ctx *ctx);

struct opt_def {
	const char *name;        /* long name, and the key in a config file */
	int short_name;          /* 'a', or 0 */
	enum opt_kind kind;
	size_t offset;           /* FLAG, STRING, UINT, DOUBLE: offsetof(struct options, ...) */
	double min, max;         /* UINT, DOUBLE, STRING: accepted range (see enum opt_kind) */
	const char *what;        /* UINT, DOUBLE: "a thread count", for the error */
	enum options_mode mode;  /* MODE */
	opt_handler_fn *handler; /* CUSTOM */
	unsigned use;            /* enum opt_use */
	int is_cli_only;         /* not a config file key */
	int is_file_object;      /* a config file key whose values are JSON objects */
	const char *section;     /* --help heading; rows of a section need not be adjacent */
	const char *arg_name;    /* "N" in --help; NULL: no value */
	const char *help;        /* --help text; '\n' continues on the next line */
};

static opt_handler_fn set_algo, add_url, set_hash, set_network, set_odo_key, set_no_color,
	set_nothing, add_pool, set_algo_weight, set_opencl_devices, set_cpu_affinity,
	set_api_token;

#define FIELD(f) offsetof(struct options, f)

static const char S_MINE[] = "Mining", S_POOL[] = "Pool (stratum)",
		  S_SOLO[] = "Solo (getblocktemplate)", S_TOOLS[] = "Benchmark and tools",
		  S_SCHED[] = "Scheduler (-a auto)",
		  S_OUT[] = "Output", S_PLACE[] = "Placement",
		  S_API[] = "Monitoring (off unless asked)";

static const struct opt_def opt_table[] = {
	{ .name = "algo", .short_name = 'a', .kind = KIND_CUSTOM, .handler = set_algo,
	  .use = USE_MINE | USE_BENCH | USE_PLAN, .section = S_MINE, .arg_name = "ALGO",
	  .help = "sha256d, scrypt, skein, qubit, odocrypt (odo);\n"
		  "auto or a list (sha256d,qubit): the scheduler\n"
		  "mines the best; all (benchmark only)" },
	{ .name = "url", .short_name = 'o', .kind = KIND_CUSTOM, .handler = add_url,
	  .use = USE_MINE, .section = S_MINE, .arg_name = "URL",
	  .help = "stratum+tcp://HOST:PORT, stratum+ssl:// or\n"
		  "stratum+tls:// (TLS) for a pool; http://HOST:PORT\n"
		  "or https:// for a node (solo, getblocktemplate);\n"
		  "repeat -o for failover pools, in order" },
	{ .name = "user", .short_name = 'u', .kind = KIND_STRING, .offset = FIELD(user),
	  .use = USE_MINE, .section = S_MINE, .arg_name = "USER",
	  .help = "pool worker or node RPC user" },
	{ .name = "pass", .short_name = 'p', .kind = KIND_STRING, .offset = FIELD(pass),
	  .use = USE_MINE, .section = S_MINE, .arg_name = "PASS",
	  .help = "pool password (default x) or node RPC password" },
	{ .name = "threads", .short_name = 't', .kind = KIND_UINT, .offset = FIELD(threads),
	  .min = 1, .max = 1024, .what = "a thread count", .use = USE_MINE | USE_BENCH,
	  .section = S_MINE, .arg_name = "N", .help = "worker threads (default: one per core)" },
	{ .name = "time-limit", .kind = KIND_DOUBLE, .offset = FIELD(time_limit_s), .min = 0,
	  .max = 1e9, .what = "a number of seconds", .use = USE_MINE | USE_BENCH,
	  .section = S_MINE, .arg_name = "S",
	  .help = "stop after S seconds (benchmark: per algorithm,\n"
		  "default 10, or 5 each with -a all)" },
	{ .name = "cpu-impl", .kind = KIND_STRING, .offset = FIELD(cpu_impl),
	  .use = USE_MINE | USE_BENCH | USE_FEATURES, .section = S_MINE, .arg_name = "NAME",
	  .help = "force an implementation (benchmark: 'all' runs\n"
		  "each); the names are listed below" },
	{ .name = "recalibrate", .kind = KIND_FLAG, .offset = FIELD(is_recalibrate),
	  .use = USE_MINE | USE_BENCH | USE_FEATURES, .section = S_MINE,
	  .help = "time the CPU implementations again (the choice is\n"
		  "cached in $XDG_CACHE_HOME/quintminer/)" },
	{ .name = "fit-l2", .kind = KIND_FLAG, .offset = FIELD(is_fit_l2),
	  .use = USE_MINE | USE_BENCH, .section = S_MINE,
	  .help = "run the widest scrypt implementation whose scratchpad\n"
		  "fits each core's L2 share (default: the fastest measured)" },
	{ .name = "network", .kind = KIND_CUSTOM, .handler = set_network,
	  .use = USE_MINE | USE_BENCH | USE_HASH, .section = S_MINE, .arg_name = "NET",
	  .help = "mainnet, testnet, regtest, regtest-7.17 (Odocrypt\n"
		  "epoch length; default mainnet)" },
	{ .name = "odo-key", .kind = KIND_CUSTOM, .handler = set_odo_key,
	  .use = USE_MINE | USE_BENCH | USE_HASH, .section = S_MINE, .arg_name = "N",
	  .help = "force the Odocrypt key" },
	{ .name = "retry-pause", .kind = KIND_UINT, .offset = FIELD(retry_pause_s), .min = 1,
	  .max = 3600, .what = "a number of seconds", .use = USE_MINE, .section = S_MINE,
	  .arg_name = "S", .help = "first reconnect back-off step (default 2)" },
	{ .name = "opencl", .kind = KIND_FLAG, .offset = FIELD(use_opencl),
	  .use = USE_MINE | USE_BENCH, .section = S_MINE,
	  .help = "also mine (one worker per device) or benchmark on\n"
		  "every OpenCL device but the CPU itself" },
	{ .name = "opencl-devices", .kind = KIND_CUSTOM, .handler = set_opencl_devices,
	  .use = USE_MINE | USE_BENCH | USE_HASH, .section = S_MINE, .arg_name = "LIST",
	  .help = "OpenCL devices to use, e.g. 0,2 (indices from\n"
		  "--opencl-list; a CPU device only this way);\n"
		  "--hash: compute it with that device's kernel" },
	{ .name = "no-cpu", .kind = KIND_FLAG, .offset = FIELD(no_cpu),
	  .use = USE_MINE | USE_BENCH, .section = S_MINE,
	  .help = "mine or benchmark on the OpenCL devices alone" },
	{ .name = "gpu-kernel-ms", .kind = KIND_DOUBLE, .offset = FIELD(gpu_kernel_ms), .min = 0,
	  .max = 10000, .what = "a number of milliseconds", .use = USE_MINE | USE_BENCH,
	  .section = S_MINE, .arg_name = "MS",
	  .help = "grow OpenCL launches until one takes about MS\n"
		  "(default 100)" },
	{ .name = "intensity", .kind = KIND_UINT, .offset = FIELD(intensity),
	  .min = OPENCL_MIN_INTENSITY, .max = OPENCL_MAX_INTENSITY, .what = "an intensity",
	  .use = USE_MINE | USE_BENCH, .section = S_MINE, .arg_name = "N",
	  .help = "2^N work-items per OpenCL launch, no self-tuning" },
	{ .name = "lookup-gap", .kind = KIND_UINT, .offset = FIELD(lookup_gap), .min = 1,
	  .max = OPENCL_MAX_LOOKUP_GAP, .what = "a lookup gap",
	  .use = USE_MINE | USE_BENCH | USE_HASH,
	  .section = S_MINE, .arg_name = "G",
	  .help = "scrypt kernel: keep every G-th block, 1/G of the\n"
		  "memory for more compute (default 1)" },
	{ .name = "kernel-dir", .kind = KIND_STRING, .offset = FIELD(kernel_dir),
	  .use = USE_MINE | USE_BENCH | USE_HASH, .section = S_MINE, .arg_name = "DIR",
	  .help = "read the OpenCL kernels from DIR, not the built-in\n"
		  "ones" },
	{ .name = "config", .short_name = 'c', .kind = KIND_CUSTOM, .handler = set_nothing,
	  .use = USE_ALL, .is_cli_only = 1, .section = S_MINE, .arg_name = "FILE",
	  .help = "JSON file; keys are the long option names" },

	{ .name = "diff-factor", .kind = KIND_DOUBLE, .offset = FIELD(diff_factor), .min = 0,
	  .max = 1e18, .what = "a positive number", .use = USE_POOL, .section = S_POOL,
	  .arg_name = "F",
	  .help = "pool difficulty factor (default per algorithm:\n"
		  "65536 scrypt, 1 others)" },
	{ .name = "suggest-diff", .kind = KIND_DOUBLE, .offset = FIELD(suggest_diff), .min = 0,
	  .max = 1e18, .what = "a positive number", .use = USE_POOL, .section = S_POOL,
	  .arg_name = "D", .help = "send mining.suggest_difficulty D" },
	{ .name = "no-verify-tls", .kind = KIND_FLAG, .offset = FIELD(no_verify_tls),
	  .use = USE_MINE, .section = S_POOL,
	  .help = "accept a pool or node certificate that does not\n"
		  "verify" },
	{ .name = "stratum-idle", .kind = KIND_UINT, .offset = FIELD(stratum_idle_s), .min = 0,
	  .max = 86400, .what = "a number of seconds", .use = USE_POOL, .section = S_POOL,
	  .arg_name = "S",
	  .help = "reconnect when nothing came from the pool for S\n"
		  "seconds (default 300, 0 never)" },
	{ .name = "ntime-roll", .kind = KIND_UINT, .offset = FIELD(ntime_roll_s), .min = 0,
	  .max = 7200, .what = "a number of seconds", .use = USE_MINE, .section = S_POOL,
	  .arg_name = "S",
	  .help = "when a job's extranonce2 space is used up, roll\n"
		  "ntime up to S seconds past the job's (default 60,\n"
		  "0 never; solo: within the template's limits too)" },

	{ .name = "coinbase-addr", .kind = KIND_STRING, .offset = FIELD(coinbase_addr),
	  .use = USE_SOLO, .section = S_SOLO, .arg_name = "A",
	  .help = "address the block reward pays (required)" },
	{ .name = "coinbase-sig", .kind = KIND_STRING, .offset = FIELD(coinbase_sig),
	  .max = GBT_TAG_MAX, .use = USE_SOLO, .section = S_SOLO, .arg_name = "TEXT",
	  .help = "text in the coinbase scriptSig (default\n" GBT_TAG_DEFAULT ")" },
	{ .name = "rpc-cookie", .kind = KIND_STRING, .offset = FIELD(rpc_cookie),
	  .use = USE_SOLO, .section = S_SOLO, .arg_name = "FILE",
	  .help = "node cookie file instead of -u/-p" },
	{ .name = "scantime", .kind = KIND_UINT, .offset = FIELD(scantime_s), .min = 1,
	  .max = 3600, .what = "a number of seconds", .use = USE_SOLO, .section = S_SOLO,
	  .arg_name = "S", .help = "refresh the template after S seconds (default 30)" },

	{ .name = "min-dwell", .kind = KIND_DOUBLE, .offset = FIELD(min_dwell_s), .min = -1,
	  .max = 86400, .what = "a number of seconds", .use = USE_MINE | USE_PLAN,
	  .section = S_SCHED, .arg_name = "S",
	  .help = "stay at least S seconds on an algorithm (default 60)" },
	{ .name = "switch-margin", .kind = KIND_DOUBLE, .offset = FIELD(switch_margin_pct),
	  .min = -1, .max = 1000, .what = "a percentage", .use = USE_MINE | USE_PLAN,
	  .section = S_SCHED, .arg_name = "PCT",
	  .help = "switch only to an algorithm PCT% better (default 5)" },
	{ .name = "algo-weight", .kind = KIND_CUSTOM, .handler = set_algo_weight,
	  .use = USE_MINE | USE_PLAN, .section = S_SCHED, .arg_name = "A=W",
	  .help = "weigh an algorithm's expected blocks by W (e.g.\n"
		  "scrypt=0.98 for a 2% pool fee); repeatable" },
	{ .name = "pools", .kind = KIND_CUSTOM, .handler = add_pool, .is_file_object = 1,
	  .use = USE_MINE | USE_PLAN, .section = S_SCHED, .arg_name = "OBJECTS",
	  .help = "config file only: [{\"url\": URL, \"user\": U, \"pass\":\n"
		  "P, \"algo\": ALGO}, ...]; several for one algorithm\n"
		  "are its failover list" },
	{ .name = "plan", .kind = KIND_MODE, .mode = MODE_PLAN, .use = USE_ALL,
	  .section = S_SCHED,
	  .help = "print the expected blocks per day of each algorithm\n"
		  "from the measured rates and the pools' or node's\n"
		  "current difficulties, and the recommendation" },

	{ .name = "cpu-affinity", .kind = KIND_CUSTOM, .handler = set_cpu_affinity,
	  .use = USE_MINE | USE_BENCH, .section = S_PLACE, .arg_name = "LIST",
	  .help = "only these PUs (e.g. 0-3,8), within the CPU set\n"
		  "the process was given" },
	{ .name = "cpu-priority", .kind = KIND_UINT, .offset = FIELD(cpu_priority), .min = 0,
	  .max = 5, .what = "a priority", .use = USE_MINE | USE_BENCH, .section = S_PLACE,
	  .arg_name = "N",
	  .help = "hashing threads' priority, 0 (lowest) .. 5\n"
		  "(default 2: nice 10)" },

	{ .name = "api-bind", .kind = KIND_STRING, .offset = FIELD(api_bind), .max = 80,
	  .use = USE_MINE | USE_BENCH, .section = S_API, .arg_name = "A:P",
	  .help = "HTTP JSON API, e.g. 127.0.0.1:4048" },
	{ .name = "api-allow", .kind = KIND_STRING, .offset = FIELD(api_allow), .max = 2048,
	  .use = USE_MINE | USE_BENCH, .section = S_API, .arg_name = "LIST",
	  .help = "addresses or networks that may connect" },
	{ .name = "api-token", .kind = KIND_CUSTOM, .handler = set_api_token,
	  .use = USE_MINE | USE_BENCH, .section = S_API, .arg_name = "TOKEN",
	  .help = "allow pause/resume/pool/algo/quit with this\n"
		  "bearer token" },
	{ .name = "cgminer-bind", .kind = KIND_STRING, .offset = FIELD(cgminer_bind), .max = 80,
	  .use = USE_MINE | USE_BENCH, .section = S_API, .arg_name = "A:P",
	  .help = "cgminer-style read-only API, e.g. 127.0.0.1:4028" },
	{ .name = "metrics-bind", .kind = KIND_STRING, .offset = FIELD(metrics_bind), .max = 80,
	  .use = USE_MINE | USE_BENCH, .section = S_API, .arg_name = "A:P",
	  .help = "Prometheus /metrics, e.g. 127.0.0.1:9170" },

	{ .name = "benchmark", .kind = KIND_MODE, .mode = MODE_BENCHMARK, .use = USE_ALL,
	  .section = S_TOOLS, .help = "measure hash rates on a fixed header" },
	{ .name = "hash", .kind = KIND_CUSTOM, .handler = set_hash, .use = USE_ALL,
	  .is_cli_only = 1, .section = S_TOOLS, .arg_name = "ALGO HEX",
	  .help = "print the PoW hash of an 80-byte header (display\n"
		  "order)" },
	{ .name = "opencl-list", .kind = KIND_MODE, .mode = MODE_OPENCL_LIST, .use = USE_ALL,
	  .section = S_TOOLS,
	  .help = "list the OpenCL platforms and devices with their\n"
		  "indices, compute units and memory" },
	{ .name = "cpu-features", .kind = KIND_MODE, .mode = MODE_CPU_FEATURES, .use = USE_ALL,
	  .section = S_TOOLS, .help = "show CPU features and the implementation per\n"
				      "algorithm" },

	{ .name = "quiet", .short_name = 'q', .kind = KIND_FLAG, .offset = FIELD(is_quiet),
	  .use = USE_ALL, .section = S_OUT,
	  .help = "no periodic hash-rate line (share results and the\n"
		  "summary stay)" },
	{ .name = "debug", .short_name = 'D', .kind = KIND_FLAG, .offset = FIELD(is_debug),
	  .use = USE_ALL, .section = S_OUT, .help = "debug output" },
	{ .name = "json", .kind = KIND_FLAG, .offset = FIELD(is_json), .use = USE_MINE | USE_BENCH,
	  .section = S_OUT,
	  .help = "only JSON on standard output, one object per line\n"
		  "(benchmark results; share results, the summary\n"
		  "last); the log stays on standard error" },
	{ .name = "no-color", .kind = KIND_CUSTOM, .handler = set_no_color, .use = USE_ALL, .section = S_OUT,
	  .help = "no colours (there are none unless standard error\n"
		  "is a terminal)" },
	{ .name = "status-interval", .kind = KIND_UINT, .offset = FIELD(status_interval_s),
	  .min = 0, .max = 86400, .what = "a number of seconds", .use = USE_MINE,
	  .section = S_OUT, .arg_name = "S",
	  .help = "status line every S seconds (default 30, 0 never;\n"
		  "SIGUSR1 prints it at once)" },
	{ .name = "log-file", .kind = KIND_STRING, .offset = FIELD(log_file), .use = USE_ALL,
	  .section = S_OUT, .arg_name = "FILE",
	  .help = "log to FILE too (reopened on SIGHUP)" },
	{ .name = "syslog", .kind = KIND_FLAG, .offset = FIELD(use_syslog), .use = USE_ALL,
	  .section = S_OUT, .help = "log to syslog too" },
	{ .name = "version", .short_name = 'V', .kind = KIND_MODE, .mode = MODE_VERSION,
	  .use = USE_ALL, .section = S_OUT, .help = "print the version" },
	{ .name = "help", .short_name = 'h', .kind = KIND_MODE, .mode = MODE_HELP, .use = USE_ALL,
	  .section = S_OUT, .help = "this help" },
};

#define OPT_COUNT (sizeof(opt_table) / sizeof(opt_table[0]))

/* Per-option bookkeeping while reading, so resolve() can judge the whole. */
struct parse_state {
	const char *given_as[OPT_COUNT]; /* how it was spelled; NULL: not given */
	int is_from_cli[OPT_COUNT];
	int is_from_file;                /* while reading a config file */
	int are_urls_from_file;          /* the first -o on the command line drops them */
	const char *mode_as;             /* the option that chose the mode, as spelled */
	int is_mode_from_cli;
	char **argv;                     /* --hash takes a second argument */
	int argc;
	int *next;
	char names[OPT_COUNT][96];       /* storage for given_as */
};

/* ------------------------------------------------------------------------
 * Messages
 */

static void warn(struct options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct options *o, const char *fmt, ...)
{
	va_list ap;

	if (o->warning_count >= OPTIONS_WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(o->warnings[o->warning_count++], OPTIONS_WARN_LEN, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------
 * Values
 */

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int set_str(char **dst, const char *v)
{
	char *copy = strdup(v);

	if (!copy)
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

/* "5", "0.5", "1e+06": a number as short as it reads. */
static const char *number_text(double v, char buf[32])
{
	snprintf(buf, 32, "%g", v);
	return buf;
}

/* The generic kinds: a value checked against the row's range, stored at its offset. */
static int apply_generic(struct options *o, const struct opt_def *d, const char *arg,
			 struct opt_ctx *ctx)
{
	char *field = (char *)o + d->offset;
	unsigned long u;
	double v;
	char lo[32], hi[32];

	switch (d->kind) {
	case KIND_FLAG:
		*(int *)(void *)field = 1;
		return 0;
	case KIND_STRING:
		if (d->max > 0 && strlen(arg) > (size_t)d->max)
			return errbuf_set(ctx->err, ctx->err_len, "%s: at most %.0f bytes, got %zu",
					  ctx->name, d->max, strlen(arg));
		if (set_str((char **)(void *)field, arg))
			return errbuf_set(ctx->err, ctx->err_len, "out of memory");
		return 0;
	case KIND_UINT:
		if (parse_uint(arg, (unsigned long)d->max, &u) || u < (unsigned long)d->min)
			return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not %s (%s..%s)",
					  ctx->name, arg, d->what, number_text(d->min, lo),
					  number_text(d->max, hi));
		*(unsigned *)(void *)field = (unsigned)u;
		return 0;
	case KIND_DOUBLE:
		if (parse_double(arg, &v) || v <= d->min || v > d->max)
			return errbuf_set(ctx->err, ctx->err_len,
					  "%s: '%s' is not %s (more than %s, at most %s)",
					  ctx->name, arg, d->what, number_text(d->min, lo),
					  number_text(d->max, hi));
		*(double *)(void *)field = v;
		return 0;
	case KIND_MODE:
		o->mode = d->mode;
		return 0;
	case KIND_CUSTOM:
		return d->handler(o, arg, ctx);
	}
	return errbuf_set(ctx->err, ctx->err_len, "internal: option %s has no kind", ctx->name);
}

/* ------------------------------------------------------------------------
 * Handlers of the options that are more than a value
 */

static int algo_index(const struct algo *a)
{
	for (unsigned i = 0; i < algo_count; i++)
		if (algo_table[i] == a)
			return (int)i;
	return -1;
}

/* -a ALGO, -a all, -a auto, or a comma-separated list of algorithms. */
static int set_algo(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	char name[32];
	unsigned mask = 0, count = 0;

	o->is_all_algos = 0;
	o->is_auto = 0;
	o->algo = NULL;
	if (!strcasecmp(arg, "all")) {
		o->is_all_algos = 1;
		return 0;
	}
	if (!strcasecmp(arg, "auto")) {
		o->is_auto = 1;
		o->algo_mask = (1u << algo_count) - 1;
		return 0;
	}
	for (const char *p = arg;; p++) {
		size_t n = strcspn(p, ",");
		const struct algo *a;

		if (n == 0 || n >= sizeof(name))
			return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not an algorithm list",
				    ctx->name, arg);
		memcpy(name, p, n);
		name[n] = '\0';
		a = algo_find(name);
		if (!a)
			return errbuf_set(ctx->err, ctx->err_len, "%s: unknown algorithm '%s'", ctx->name,
				    name);
		if (!(mask & (1u << algo_index(a))))
			count++;
		mask |= 1u << algo_index(a);
		o->algo = a;
		p += n;
		if (!*p)
			break;
	}
	o->algo_mask = mask;
	if (count > 1) {
		o->is_auto = 1;
		o->algo = NULL;
	}
	return 0;
}

/* --algo-weight ALGO=W: W > 0 multiplies ALGO's expected blocks. */
static int set_algo_weight(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	const char *eq = strchr(arg, '=');
	char name[32];
	double w;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not ALGO=WEIGHT", ctx->name, arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	const struct algo *a = algo_find(name);
	if (!a)
		return errbuf_set(ctx->err, ctx->err_len, "%s: unknown algorithm '%s'", ctx->name, name);
	if (parse_double(eq + 1, &w) || !(w > 0) || w > 1e6)
		return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not a positive weight", ctx->name,
			    eq + 1);
	o->algo_weight[algo_index(a)] = w;
	return 0;
}

/* One "pools" entry (a JSON object as text): {"url", "user", "pass", "algo"}. */
static int add_pool(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	json_error_t jerr;
	json_t *obj = json_loads(arg, 0, &jerr), *v;
	const char *key;
	struct options_pool *p = &o->pools[o->pool_count];
	struct url u;
	char why[160];
	int rc = -1;

	if (o->pool_count >= OPTIONS_MAX_POOLS) {
		json_decref(obj);
		return errbuf_set(ctx->err, ctx->err_len, "%s: at most %d pools", ctx->name,
			    OPTIONS_MAX_POOLS);
	}
	memset(p, 0, sizeof(*p));
	if (!json_is_object(obj)) {
		errbuf_set(ctx->err, ctx->err_len, "%s: each pool is an object with url, user, pass, algo",
		     ctx->name);
		goto out;
	}
	json_object_foreach(obj, key, v) {
		char **field = !strcmp(key, "url")    ? &p->url
			       : !strcmp(key, "user") ? &p->user
			       : !strcmp(key, "pass") ? &p->pass
						      : NULL;
		if (!json_is_string(v) || (!field && strcmp(key, "algo"))) {
			errbuf_set(ctx->err, ctx->err_len, "%s: \"%s\" is not a pool key with a string value "
			     "(url, user, pass, algo)", ctx->name, key);
			goto out;
		}
		if (field && set_str(field, json_string_value(v))) {
			errbuf_set(ctx->err, ctx->err_len, "out of memory");
			goto out;
		}
		if (!field && !(p->algo = algo_find(json_string_value(v)))) {
			errbuf_set(ctx->err, ctx->err_len, "%s: unknown algorithm '%s'", ctx->name,
			     json_string_value(v));
			goto out;
		}
	}
	if (!p->url) {
		errbuf_set(ctx->err, ctx->err_len, "%s: a pool needs a \"url\"", ctx->name);
		goto out;
	}
	if (url_parse(p->url, &u, why, sizeof(why))) {
		errbuf_set(ctx->err, ctx->err_len, "%s: '%.200s': %s", ctx->name, p->url, why);
		goto out;
	}
	o->pool_count++;
	rc = 0;
out:
	if (rc) {
		free(p->url);
		free(p->user);
		free(p->pass);
		memset(p, 0, sizeof(*p));
	}
	json_decref(obj);
	return rc;
}

static int add_url(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	struct parse_state *st = ctx->state;
	struct url u;
	char why[160];

	/* A command-line -o replaces the config file's list (the command line wins). */
	if (!st->is_from_file && st->are_urls_from_file) {
		for (unsigned i = 0; i < o->url_count; i++) {
			free(o->urls[i]);
			o->urls[i] = NULL;
		}
		o->url_count = 0;
		st->are_urls_from_file = 0;
	}
	if (st->is_from_file)
		st->are_urls_from_file = 1;
	if (o->url_count >= OPTIONS_MAX_URLS)
		return errbuf_set(ctx->err, ctx->err_len, "%s: at most %d URLs", ctx->name,
			    OPTIONS_MAX_URLS);
	char shown[210];

	url_redact(arg, shown, sizeof(shown));
	if (url_parse(arg, &u, why, sizeof(why)))
		return errbuf_set(ctx->err, ctx->err_len, "%s '%s': %s", ctx->name, shown, why);
	enum options_source kind = u.kind == URL_STRATUM ? SOURCE_STRATUM : SOURCE_NODE;
	if (o->url_count && o->source != kind)
		return errbuf_set(ctx->err, ctx->err_len,
			    "%s '%s': pool (stratum) and node (http) URLs cannot be mixed",
			    ctx->name, shown);
	o->urls[o->url_count] = strdup(arg);
	if (!o->urls[o->url_count])
		return errbuf_set(ctx->err, ctx->err_len, "out of memory");
	o->url_count++;
	o->source = kind;
	return 0;
}

static int set_hash(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	struct parse_state *st = ctx->state;
	const char *hex = *st->next < st->argc ? st->argv[*st->next] : NULL;

	o->mode = MODE_HASH;
	if (!strcasecmp(arg, "all"))
		return errbuf_set(ctx->err, ctx->err_len, "%s: give one algorithm", ctx->name);
	o->algo = algo_find(arg);
	if (!o->algo)
		return errbuf_set(ctx->err, ctx->err_len, "%s: unknown algorithm '%s'", ctx->name,
				  arg);
	if (!hex)
		return errbuf_set(ctx->err, ctx->err_len, "%s: missing the header (160 hex digits)",
				  ctx->name);
	(*st->next)++;
	if (strlen(hex) != 2 * HEADER_LEN)
		return errbuf_set(ctx->err, ctx->err_len,
				  "%s: the header must be 160 hex digits (80 bytes), got %zu",
				  ctx->name, strlen(hex));
	if (hex_decode(hex, o->hash_header, HEADER_LEN))
		return errbuf_set(ctx->err, ctx->err_len, "%s: the header is not valid hex",
				  ctx->name);
	return 0;
}

/* --opencl-devices 0,2: device indices, each at most once (opencl_select checks they exist). */
static int set_opencl_devices(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	const char *p = arg;

	o->opencl_device_count = 0;
	for (;;) {
		char item[16];
		size_t len = strcspn(p, ",");
		unsigned long u;

		if (len == 0 || len >= sizeof(item))
			return errbuf_set(ctx->err, ctx->err_len,
					  "%s: '%s' is not a list of device indices (e.g. 0,2)",
					  ctx->name, arg);
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_uint(item, 1023, &u))
			return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not a device index",
					  ctx->name, item);
		for (unsigned i = 0; i < o->opencl_device_count; i++) {
			if (o->opencl_devices[i] == u)
				return errbuf_set(ctx->err, ctx->err_len,
						  "%s: device %lu named twice", ctx->name, u);
		}
		if (o->opencl_device_count >= OPTIONS_MAX_DEVICES)
			return errbuf_set(ctx->err, ctx->err_len, "%s: at most %d devices",
					  ctx->name, OPTIONS_MAX_DEVICES);
		o->opencl_devices[o->opencl_device_count++] = (unsigned)u;
		if (!p[len])
			break;
		p += len + 1;
	}
	o->use_opencl = 1;
	return 0;
}

static int set_network(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	static const struct {
		const char *name, *alias;
		enum options_network net;
		enum algo_network algo_net;
	} nets[] = {
		{ "mainnet", "main", NET_MAINNET, ALGO_NETWORK_MAINNET },
		{ "testnet", "test", NET_TESTNET, ALGO_NETWORK_TESTNET },
		{ "regtest", NULL, NET_REGTEST, ALGO_NETWORK_REGTEST },
		{ "regtest-7.17", NULL, NET_REGTEST_717, ALGO_NETWORK_REGTEST_717 },
	};

	for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		if (!strcasecmp(arg, nets[i].name) ||
		    (nets[i].alias && !strcasecmp(arg, nets[i].alias))) {
			o->network = nets[i].net;
			o->params.network = nets[i].algo_net;
			return 0;
		}
	}
	return errbuf_set(ctx->err, ctx->err_len,
			  "%s: unknown network '%s' (mainnet, testnet, regtest, regtest-7.17)",
			  ctx->name, arg);
}

static int set_odo_key(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	unsigned long u;

	if (parse_uint(arg, UINT32_MAX, &u))
		return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not a 32-bit key", ctx->name,
				  arg);
	o->params.odo_key = (uint32_t)u;
	o->params.has_odo_key = 1;
	return 0;
}

static int set_no_color(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	(void)arg, (void)ctx;
	o->use_color = 0;
	return 0;
}

/* A PU list; topo_restrict checks it against the machine. */
static int set_cpu_affinity(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	if (!*arg || strspn(arg, "0123456789,-") != strlen(arg))
		return errbuf_set(ctx->err, ctx->err_len, "%s: '%s' is not a PU list (e.g. 0-3,8)",
			    ctx->name, arg);
	return set_str(&o->cpu_affinity, arg) ? errbuf_set(ctx->err, ctx->err_len, "out of memory") : 0;
}

static int set_api_token(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	size_t n = strlen(arg);

	if (n < 8 || n > 256)
		return errbuf_set(ctx->err, ctx->err_len, "%s: use 8 to 256 characters", ctx->name);
	return set_str(&o->api_token, arg) ? errbuf_set(ctx->err, ctx->err_len, "out of memory") : 0;
}

/* --config: read before the command line (see options_parse). */
static int set_nothing(struct options *o, const char *arg, struct opt_ctx *ctx)
{
	(void)o, (void)arg, (void)ctx;
	return 0;
}

/* ------------------------------------------------------------------------
 * Reading: one entry point for the command line and the config file
 */

static int is_help_or_version(enum options_mode m)
{
	return m == MODE_HELP || m == MODE_VERSION;
}

/*
 * A mode option (--benchmark, --hash, ...). Two different modes on the
 * command line are an error; --help and --version win over any other; the
 * command line's mode wins over a config file's.
 */
static int apply_mode(struct options *o, struct parse_state *st, const struct opt_def *d,
		      const char *arg, struct opt_ctx *ctx)
{
	enum options_mode m = d->kind == KIND_MODE ? d->mode : MODE_HASH, before = o->mode;

	if (!st->is_from_file) {
		if (st->is_mode_from_cli && before != m && !is_help_or_version(m) &&
		    !is_help_or_version(before))
			return errbuf_set(ctx->err, ctx->err_len, "%s and %s cannot go together",
					  st->mode_as, ctx->name);
		if (!is_help_or_version(before) || is_help_or_version(m)) {
			st->mode_as = ctx->name;
			st->is_mode_from_cli = 1;
		}
	} else if (!st->mode_as) {
		st->mode_as = ctx->name;
	}
	if (apply_generic(o, d, arg, ctx))
		return -1;
	if (st->is_mode_from_cli && is_help_or_version(before) && !is_help_or_version(m))
		o->mode = before;
	return 0;
}

/* Applies row index with arg; spelled is how the user wrote the option. */
static int apply(struct options *o, struct parse_state *st, size_t index, const char *spelled,
		 const char *arg, char *err, size_t err_len)
{
	const struct opt_def *d = &opt_table[index];
	struct opt_ctx ctx = { .state = st, .err = err, .err_len = err_len };
	int rc;

	snprintf(st->names[index], sizeof(st->names[index]), "%s", spelled);
	ctx.name = st->names[index];
	if (d->kind == KIND_MODE || d->handler == set_hash)
		rc = apply_mode(o, st, d, arg, &ctx);
	else
		rc = apply_generic(o, d, arg, &ctx);
	if (rc)
		return -1;
	st->given_as[index] = ctx.name;
	st->is_from_cli[index] = !st->is_from_file;
	return 0;
}

static long option_by_name(const char *name)
{
	for (size_t i = 0; i < OPT_COUNT; i++) {
		if (!strcmp(opt_table[i].name, name))
			return (long)i;
	}
	return -1;
}

/* One config file value (a string, a number or, for a flag, a boolean) -> apply. */
static int load_value(struct options *o, struct parse_state *st, size_t index,
		      const char *name, json_t *v, char *err, size_t err_len)
{
	char num[64];
	const char *arg;

	if (opt_table[index].is_file_object) {
		char *text = json_is_object(v) ? json_dumps(v, JSON_COMPACT) : NULL;
		int rc;
		if (!text)
			return errbuf_set(err, err_len, "%s must be a list of objects", name);
		rc = apply(o, st, index, name, text, err, err_len);
		free(text);
		return rc;
	}
	if (!opt_table[index].arg_name) {
		if (!json_is_boolean(v))
			return errbuf_set(err, err_len, "%s must be true or false", name);
		return json_is_true(v) ? apply(o, st, index, name, NULL, err, err_len) : 0;
	}
	if (json_is_string(v)) {
		arg = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		arg = num;
	} else if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		arg = num;
	} else {
		return errbuf_set(err, err_len, "%s must be a string or a number", name);
	}
	return apply(o, st, index, name, arg, err, err_len);
}

/* A JSON config file: {"algo": "scrypt", "url": ["…", "…"], "threads": 2, "quiet": true}. */
/* Does a config file give a password ("pass", or a URL's USER:PASS@)? */
static int file_holds_secret(json_t *root)
{
	json_t *urls = json_object_get(root, "url"), *v;
	size_t i;

	if (json_is_string(json_object_get(root, "pass")))
		return 1;
	if (json_is_string(urls)) {
		struct url u;
		char why[160];

		return !url_parse(json_string_value(urls), &u, why, sizeof(why)) &&
		       u.has_credentials;
	}
	json_array_foreach(urls, i, v) {
		struct url u;
		char why[160];

		if (json_is_string(v) && !url_parse(json_string_value(v), &u, why, sizeof(why)) &&
		    u.has_credentials)
			return 1;
	}
	return 0;
}

static int load_file(struct options *o, struct parse_state *st, const char *path, char *err,
		     size_t err_len)
{
	struct stat sb;
	json_error_t jerr;
	json_t *root, *val;
	const char *key;
	int rc = 0;

	if (stat(path, &sb))
		return errbuf_set(err, err_len, "--config %s: %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return errbuf_set(err, err_len, "--config %s: is a directory", path);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (jerr.line > 0)
			return errbuf_set(err, err_len, "--config %s: %s (line %d)", path,
					  jerr.text, jerr.line);
		return errbuf_set(err, err_len, "--config %s: %s", path, jerr.text);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return errbuf_set(err, err_len, "--config %s: not a JSON object", path);
	}
	st->is_from_file = 1;
	json_object_foreach(root, key, val) {
		long index = option_by_name(key);
		char name[96];

		snprintf(name, sizeof(name), "%s: \"%s\"", path, key);
		if (index < 0 || opt_table[index].is_cli_only) {
			rc = errbuf_set(err, err_len, "--config %s: unknown key \"%s\"", path, key);
			break;
		}
		size_t n = json_is_array(val) ? json_array_size(val) : 1;
		for (size_t i = 0; i < n && !rc; i++)
			rc = load_value(o, st, (size_t)index, name,
					json_is_array(val) ? json_array_get(val, i) : val, err,
					err_len);
		if (rc)
			break;
	}
	st->is_from_file = 0;
	/* Credentials in a file others can read are everyone's: say so (not an error). */
	if (!rc && (sb.st_mode & (S_IRGRP | S_IROTH)) && file_holds_secret(root))
		warn(o, "--config %s holds a password and can be read by other users "
		     "(chmod 600 %s)", path, path);
	json_decref(root);
	return rc;
}

/* Reads -c/--config files, in order, before the command line so that it wins. */
static int load_files(struct options *o, struct parse_state *st, int argc, char **argv,
		      char *err, size_t err_len)
{
	for (int i = 1; i < argc; i++) {
		const char *path = NULL;

		if (!strcmp(argv[i], "--"))
			break;
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		if (path && load_file(o, st, path, err, err_len))
			return -1;
	}
	return 0;
}

/* getopt_long's tables, built from opt_table: a long option's value is 256 + its row. */
static void getopt_tables(struct option *longs, char *shorts, size_t shorts_len)
{
	size_t used = (size_t)snprintf(shorts, shorts_len, "+:");

	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &opt_table[i];
		longs[i] = (struct option){ d->name, d->arg_name ? required_argument : no_argument,
					    NULL, 256 + (int)i };
		if (d->short_name && used + 3 < shorts_len) {
			shorts[used++] = (char)d->short_name;
			if (d->arg_name)
				shorts[used++] = ':';
			shorts[used] = '\0';
		}
	}
	longs[OPT_COUNT] = (struct option){ NULL, 0, NULL, 0 };
}

static int read_command_line(struct options *o, struct parse_state *st, int argc, char **argv,
			     char *err, size_t err_len)
{
	struct option longs[OPT_COUNT + 1];
	char shorts[2 * OPT_COUNT + 4];
	int c;

	getopt_tables(longs, shorts, sizeof(shorts));
	st->argv = argv;
	st->argc = argc;
	st->next = &optind;
	opterr = 0;
	optind = 1;
	/* "+": no permutation, so --hash can take the header as its second argument. */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const char *spelled = argv[optind - 1];
		size_t index = OPT_COUNT;
		char name[64];

		if (c == '?') {
			if (optopt)
				return errbuf_set(err, err_len, "unknown option '-%c'", optopt);
			return errbuf_set(err, err_len, "unknown option '%s'", spelled);
		}
		if (c == ':') {
			if (optopt && optopt < 256)
				return errbuf_set(err, err_len, "option '-%c' needs a value",
						  optopt);
			return errbuf_set(err, err_len, "option '%s' needs a value", spelled);
		}
		if (c >= 256) {
			index = (size_t)(c - 256);
		} else {
			for (size_t i = 0; i < OPT_COUNT && index == OPT_COUNT; i++)
				if (opt_table[i].short_name == c)
					index = i;
		}
		/* With a separate value, argv[optind - 1] is the value: name the option. */
		if (optarg && spelled == optarg && optind >= 2)
			spelled = argv[optind - 2];
		snprintf(name, sizeof(name), "%s", spelled);
		char *eq = strchr(name, '=');
		if (eq)
			*eq = '\0';
		if (index == OPT_COUNT)
			return errbuf_set(err, err_len, "internal: option '%s' has no row", name);
		if (opt_table[index].is_file_object)
			return errbuf_set(err, err_len, "%s is for the config file (a list of objects)", name);
		if (apply(o, st, index, name, optarg, err, err_len))
			return -1;
	}
	if (optind < argc)
		return errbuf_set(err, err_len, "unexpected argument '%s'", argv[optind]);
	return 0;
}

/* ------------------------------------------------------------------------
 * Judging the whole: modes, what goes together, defaults
 */

static unsigned mode_use(const struct options *o)
{
	switch (o->mode) {
	case MODE_MINE:
		return o->source == SOURCE_NODE ? USE_SOLO : USE_POOL;
	case MODE_BENCHMARK:
		return USE_BENCH;
	case MODE_HASH:
		return USE_HASH;
	case MODE_CPU_FEATURES:
		return USE_FEATURES;
	case MODE_PLAN:
		return USE_PLAN | USE_MINE;
	default:
		return USE_ALL;
	}
}

/*
 * An option given for another mode: on the command line an error (the user
 * asked for two things), from a config file ignored (a file serves several
 * modes). Pool options with a node and solo options with a pool: a warning.
 */
static int check_combinations(struct options *o, const struct parse_state *st, char *err,
			      size_t err_len)
{
	unsigned use = mode_use(o);

	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *d = &opt_table[i];

		if (!st->given_as[i] || (d->use & use))
			continue;
		if (o->mode == MODE_MINE && (d->use & USE_MINE)) {
			warn(o, "%s is for %s; ignored", st->given_as[i],
			     o->source == SOURCE_NODE ? "a stratum pool" : "solo mining (http://)");
			continue;
		}
		if (st->is_from_cli[i])
			return errbuf_set(err, err_len, "%s cannot go with %s", st->given_as[i],
					  o->mode == MODE_MINE ? "mining (-o)" : st->mode_as);
	}
	return 0;
}

/* --cpu-impl NAME: a name some algorithm in the run has ('all' for the benchmark). */
static int check_cpu_impl(const struct options *o, char *err, size_t err_len)
{
	char names[512];
	size_t used = 0;

	if (!o->cpu_impl || (o->mode == MODE_BENCHMARK && !strcmp(o->cpu_impl, "all")))
		return 0;
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		if (o->algo && a != o->algo)
			continue;
		for (unsigned k = 0; k < a->n_impls; k++)
			if (!strcmp(a->impls[k].name, o->cpu_impl))
				return 0;
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s:",
					 used ? "; " : "", a->name);
		for (unsigned k = 0; k < a->n_impls && used < sizeof(names) - 1; k++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, " %s",
						 a->impls[k].name);
		if (used >= sizeof(names) - 1)
			break;
	}
	return errbuf_set(err, err_len, "--cpu-impl: no implementation '%s' (%s)", o->cpu_impl,
			  names);
}

/* Solo mining needs a payout address and the node's credentials. */
static int check_solo(struct options *o, char *err, size_t err_len)
{
	struct address addr;
	struct url u;
	char why[160];

	if (!o->coinbase_addr)
		return errbuf_set(
			err, err_len,
			"solo mining needs --coinbase-addr ADDRESS (where the block reward goes)");
	if (address_decode(&addr, o->coinbase_addr, why, sizeof(why)))
		return errbuf_set(err, err_len, "--coinbase-addr '%.100s': %s", o->coinbase_addr, why);
	/* Each node: -u/-p, a cookie, the URL's user:pass@, or (pools) its own user. */
	for (unsigned i = 0; i < (o->url_count ? 1 : o->pool_count); i++) {
		const char *url = o->url_count ? o->urls[0] : o->pools[i].url;
		if (url_parse(url, &u, why, sizeof(why)))
			return errbuf_set(err, err_len, "-o: %s", why);
		if (!o->rpc_cookie && !o->user && !u.has_credentials &&
		    (o->url_count || !o->pools[i].user))
			return errbuf_set(err, err_len,
				    "solo mining needs the node's RPC credentials: -u USER -p PASS, "
				    "--rpc-cookie FILE, or http://USER:PASS@HOST:PORT");
	}
	if (o->url_count > 1) {
		warn(o, "solo mining uses one node; the other %u -o URLs are ignored",
		     o->url_count - 1);
		for (unsigned i = 1; i < o->url_count; i++) {
			free(o->urls[i]);
			o->urls[i] = NULL;
		}
		o->url_count = 1;
	}
	return 0;
}

static void pool_release(struct options_pool *p)
{
	free(p->url);
	free(p->user);
	free(p->pass);
	memset(p, 0, sizeof(*p));
}

/* Keeps the pools for which keep() says yes, in order. */
static void pools_filter(struct options *o, int (*keep)(const struct options *o,
							  const struct options_pool *p))
{
	unsigned n = 0;

	for (unsigned i = 0; i < o->pool_count; i++) {
		if (keep && keep(o, &o->pools[i]))
			o->pools[n++] = o->pools[i];
		else
			pool_release(&o->pools[i]);
	}
	for (unsigned i = n; i < o->pool_count; i++)
		memset(&o->pools[i], 0, sizeof(o->pools[i]));
	o->pool_count = n;
}

static int is_pool_of_algo(const struct options *o, const struct options_pool *p)
{
	return !p->algo || p->algo == o->algo;
}

static int is_pool_candidate(const struct options *o, const struct options_pool *p)
{
	return p->algo && (o->algo_mask & (1u << algo_index(p->algo)));
}

/*
 * Where the work comes from: -o URLs, or the config file's pools. A
 * command-line -o replaces the file's pools too. One algorithm: the pools
 * for it become the failover list. The scheduler (-a auto or a list): every
 * pool names its algorithm; without pools, one node (-o http://) serves
 * every algorithm (getblocktemplate's second parameter, docs/pow.md).
 */
static int resolve_sources(struct options *o, const struct parse_state *st, char *err,
			   size_t err_len)
{
	long url_row = option_by_name("url");

	if (o->pool_count && url_row >= 0 && st->is_from_cli[url_row])
		pools_filter(o, NULL);
	if (!o->is_auto && o->pool_count && !o->url_count) {
		pools_filter(o, is_pool_of_algo);
		if (!o->pool_count)
			return errbuf_set(err, err_len, "pools: none is for %s", o->algo->name);
		for (unsigned i = 0; i < o->pool_count && o->url_count < OPTIONS_MAX_URLS; i++) {
			struct url u;
			char why[160];
			enum options_source kind;
			if (url_parse(o->pools[i].url, &u, why, sizeof(why)))
				return errbuf_set(err, err_len, "pools: %s", why);
			kind = u.kind == URL_STRATUM ? SOURCE_STRATUM : SOURCE_NODE;
			if (o->url_count && kind != o->source)
				return errbuf_set(err, err_len, "pools: pool (stratum) and node (http) URLs "
							  "cannot be mixed");
			o->source = kind;
			o->urls[o->url_count] = strdup(o->pools[i].url);
			if (!o->urls[o->url_count])
				return errbuf_set(err, err_len, "out of memory");
			o->url_count++;
		}
		if ((!o->user && o->pools[0].user && set_str(&o->user, o->pools[0].user)) ||
		    (!o->pass && o->pools[0].pass && set_str(&o->pass, o->pools[0].pass)))
			return errbuf_set(err, err_len, "out of memory");
		pools_filter(o, NULL);
	}
	if (!o->is_auto)
		return o->url_count ? 0
				    : errbuf_set(err, err_len, "nothing to do: give -o URL to mine, "
							 "--benchmark, or --help");
	if (o->pool_count) {
		for (unsigned i = 0; i < o->pool_count; i++)
			if (!o->pools[i].algo)
				return errbuf_set(err, err_len, "pools: '%.200s' has no \"algo\" (with -a "
							  "auto each pool names its algorithm)",
					    o->pools[i].url);
		unsigned before = o->pool_count;
		pools_filter(o, is_pool_candidate);
		if (o->pool_count < before)
			warn(o, "%u pool%s for algorithms outside -a ignored", before - o->pool_count,
			     before - o->pool_count == 1 ? "" : "s");
		if (!o->pool_count)
			return errbuf_set(err, err_len, "pools: none is for the algorithms of -a");
		o->source = SOURCE_NONE;
		for (unsigned i = 0; i < o->pool_count; i++) {
			struct url u;
			char why[160];
			if (url_parse(o->pools[i].url, &u, why, sizeof(why)))
				return errbuf_set(err, err_len, "pools: %s", why);
			enum options_source kind = u.kind == URL_STRATUM ? SOURCE_STRATUM : SOURCE_NODE;
			if (o->source != SOURCE_NONE && kind != o->source)
				return errbuf_set(err, err_len, "pools: pool (stratum) and node (http) URLs "
							  "cannot be mixed");
			o->source = kind;
		}
		return 0;
	}
	if (!o->url_count)
		return errbuf_set(err, err_len, "nothing to do: -a auto needs the pools of the config "
					  "file, or -o http://NODE (one node serves every algorithm)");
	if (o->source == SOURCE_STRATUM)
		return errbuf_set(err, err_len, "-a auto: a stratum pool serves one algorithm; list each "
					  "algorithm's pools in the config file's \"pools\", with "
					  "their \"algo\"");
	return 0;
}

static int resolve(struct options *o, const struct parse_state *st, char *err, size_t err_len)
{
	if (o->mode == MODE_HELP || o->mode == MODE_VERSION)
		return 0;
	if (o->mode == MODE_MINE || o->mode == MODE_PLAN) {
		if (!o->algo && !o->is_auto)
			return errbuf_set(err, err_len, "-a/--algo: choose an algorithm to mine, a list, or "
						  "auto%s",
				    o->is_all_algos ? " (-a all is for --benchmark)" : "");
		if (resolve_sources(o, st, err, err_len))
			return -1;
	} else {
		o->source = SOURCE_NONE;
	}
	if (o->mode == MODE_BENCHMARK && !o->algo && !o->is_all_algos)
		return errbuf_set(err, err_len, "--benchmark: choose -a ALGO or -a all");
	if (check_combinations(o, st, err, err_len) || check_cpu_impl(o, err, err_len))
		return -1;
	if (o->no_cpu && !o->use_opencl)
		return errbuf_set(err, err_len, "--no-cpu: give --opencl or --opencl-devices N too");
	if (o->mode == MODE_HASH && o->opencl_device_count > 1)
		return errbuf_set(err, err_len,
				  "--hash: name one OpenCL device with --opencl-devices");
	if (o->mode == MODE_BENCHMARK && o->time_limit_s == 0)
		o->time_limit_s = o->is_all_algos ? 5 : 10;
	if (o->source == SOURCE_STRATUM) {
		/* With the scheduler, 0 stays: each algorithm's own share_scale. */
		if (o->diff_factor == 0 && o->algo)
			o->diff_factor = o->algo->share_scale;
		if ((!o->user && set_str(&o->user, "")) || (!o->pass && set_str(&o->pass, "x")))
			return errbuf_set(err, err_len, "out of memory");
	}
	if (o->source == SOURCE_NODE && o->mode == MODE_MINE && check_solo(o, err, err_len))
		return -1;
	return 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t err_len)
{
	struct parse_state *st = calloc(1, sizeof(*st));
	int rc = -1;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_MINE;
	o->params.network = ALGO_NETWORK_MAINNET;
	o->retry_pause_s = 2;
	o->scantime_s = 30;
	o->stratum_idle_s = 300; /* pools send a job every 30-120 s: 300 s of nothing is a dead link */
	o->ntime_roll_s = 60;    /* see doc/quintminer.1, --ntime-roll: well inside pools' checks */
	o->cpu_priority = 2;  /* TOPO_PRIORITY_DEFAULT: nice 10 */
	o->status_interval_s = 30;
	o->use_color = 1;
	o->min_dwell_s = 60;
	o->switch_margin_pct = 5;
	for (unsigned i = 0; i < OPTIONS_MAX_ALGOS; i++)
		o->algo_weight[i] = 1;
	err[0] = '\0';
	if (!st)
		return errbuf_set(err, err_len, "out of memory");
	if (!load_files(o, st, argc, argv, err, err_len) &&
	    !read_command_line(o, st, argc, argv, err, err_len) &&
	    !resolve(o, st, err, err_len))
		rc = 0;
	free(st);
	return rc;
}

void options_release(struct options *o)
{
	for (unsigned i = 0; i < o->url_count; i++)
		free(o->urls[i]);
	free(o->user);
	free(o->pass);
	free(o->cpu_impl);
	free(o->coinbase_addr);
	free(o->coinbase_sig);
	free(o->rpc_cookie);
	free(o->kernel_dir);
	for (unsigned i = 0; i < o->pool_count; i++)
		pool_release(&o->pools[i]);
	free(o->cpu_affinity);
	free(o->api_bind);
	free(o->api_allow);
	free(o->api_token);
	free(o->cgminer_bind);
	free(o->metrics_bind);
	free(o->log_file);
	memset(o, 0, sizeof(*o));
}

/* ------------------------------------------------------------------------
 * --help, from the table
 */

static void usage_row(const struct opt_def *d)
{
	char left[64];
	const char *p = d->help;

	snprintf(left, sizeof(left), "%c%c%c --%s%s%s", d->short_name ? '-' : ' ',
		 d->short_name ? d->short_name : ' ', d->short_name ? ',' : ' ', d->name,
		 d->arg_name ? " " : "", d->arg_name ? d->arg_name : "");
	printf("  %-24s", left);
	if (strlen(left) > 24)
		printf("\n  %-24s", "");
	for (;;) {
		size_t n = strcspn(p, "\n");
		printf("%s%.*s\n", p == d->help ? "" : "                          ", (int)n, p);
		if (!p[n])
			break;
		p += n + 1;
	}
}

void options_usage(void)
{
	const char *done[OPT_COUNT];
	size_t done_count = 0;

	printf("Usage: quintminer -a ALGO -o URL [-u USER -p PASS] [OPTIONS]\n"
	       "       quintminer --benchmark -a ALGO|all [-t N] [--time-limit S] [--json]\n"
	       "       quintminer --hash ALGO HEX80 [--odo-key N] [--network NET]\n"
	       "       quintminer -a auto|ALGO,ALGO,... -c FILE | -o http://NODE ... [--plan]\n"
	       "       quintminer --cpu-features\n");
	/* Sections in the order they first appear in the table. */
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const char *section = opt_table[i].section;
		int is_done = 0;

		for (size_t k = 0; k < done_count; k++)
			is_done |= done[k] == section;
		if (is_done)
			continue;
		done[done_count++] = section;
		printf("\n%s:\n", section);
		for (size_t k = i; k < OPT_COUNT; k++)
			if (opt_table[k].section == section)
				usage_row(&opt_table[k]);
	}
	printf("\nImplementations in this build (--cpu-impl; the CPU may lack some):\n");
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		printf("  %-24s", a->name);
		for (unsigned k = 0; k < a->n_impls; k++)
			printf("%s%s", k ? " " : "", a->impls[k].name);
		printf("\n");
	}
	printf("\nExit status: 0 done or stopped (SIGINT, SIGTERM, --time-limit), 1 failed,\n"
	       "2 bad options.\n");
}
