/* SPDX-License-Identifier: MIT */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "hex.h"

enum {
	OPT_BENCHMARK = 256,
	OPT_TIME_LIMIT,
	OPT_JSON,
	OPT_HASH,
	OPT_CPU_FEATURES,
	OPT_CPU_IMPL,
	OPT_NETWORK,
	OPT_ODO_KEY,
	OPT_DIFF_FACTOR,
	OPT_SUGGEST_DIFF,
	OPT_NO_VERIFY_TLS,
	OPT_COINBASE_ADDR,
	OPT_COINBASE_SIG,
	OPT_RPC_COOKIE,
	OPT_RETRY_PAUSE,
	OPT_SCANTIME,
	OPT_KERNEL_DIR,
	OPT_OPENCL,
};

static const struct option long_options[] = {
	{ "algo", required_argument, NULL, 'a' },
	{ "url", required_argument, NULL, 'o' },
	{ "user", required_argument, NULL, 'u' },
	{ "pass", required_argument, NULL, 'p' },
	{ "threads", required_argument, NULL, 't' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "debug", no_argument, NULL, 'D' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ "config", required_argument, NULL, 'c' },
	{ "benchmark", no_argument, NULL, OPT_BENCHMARK },
	{ "time-limit", required_argument, NULL, OPT_TIME_LIMIT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "hash", required_argument, NULL, OPT_HASH },
	{ "cpu-features", no_argument, NULL, OPT_CPU_FEATURES },
	{ "cpu-impl", required_argument, NULL, OPT_CPU_IMPL },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "odo-key", required_argument, NULL, OPT_ODO_KEY },
	{ "diff-factor", required_argument, NULL, OPT_DIFF_FACTOR },
	{ "suggest-diff", required_argument, NULL, OPT_SUGGEST_DIFF },
	{ "no-verify-tls", no_argument, NULL, OPT_NO_VERIFY_TLS },
	{ "coinbase-addr", required_argument, NULL, OPT_COINBASE_ADDR },
	{ "coinbase-sig", required_argument, NULL, OPT_COINBASE_SIG },
	{ "rpc-cookie", required_argument, NULL, OPT_RPC_COOKIE },
	{ "retry-pause", required_argument, NULL, OPT_RETRY_PAUSE },
	{ "scantime", required_argument, NULL, OPT_SCANTIME },
	{ "kernel-dir", required_argument, NULL, OPT_KERNEL_DIR },
	{ "opencl", no_argument, NULL, OPT_OPENCL },
	{ NULL, 0, NULL, 0 },
};

/* "+": no permutation, so --hash can take the header as its second argument. */
static const char short_options[] = "+:a:o:u:p:t:qDVhc:";

void options_usage(void)
{
	printf("Usage: quintminer [OPTIONS]\n"
	       "       quintminer --benchmark -a ALGO|all [-t N] [--time-limit S] [--json]\n"
	       "       quintminer --hash ALGO HEX80 [--odo-key N] [--network NET]\n"
	       "\n"
	       "Mining:\n"
	       "  -a, --algo ALGO         sha256d, scrypt, skein, qubit, odocrypt (odo)\n"
	       "  -o, --url URL           stratum+tcp://HOST:PORT, stratum+ssl://…, or\n"
	       "                          http://HOST:PORT (solo, getblocktemplate);\n"
	       "                          repeat -o for failover pools, in order\n"
	       "  -u, --user USER         pool worker or node RPC user\n"
	       "  -p, --pass PASS         pool password or node RPC password\n"
	       "  -t, --threads N         worker threads (default: one per core, hwloc)\n"
	       "  -c, --config FILE       JSON file; keys are the long option names\n"
	       "      --coinbase-addr A   solo: address the block reward pays\n"
	       "      --coinbase-sig TEXT solo: text in the coinbase scriptSig\n"
	       "      --rpc-cookie FILE   solo: node cookie file instead of -u/-p\n"
	       "      --diff-factor F     pool difficulty factor (default per algorithm:\n"
	       "                          65536 scrypt, 1 others)\n"
	       "      --suggest-diff D    send mining.suggest_difficulty D\n"
	       "      --no-verify-tls     accept a pool certificate that does not verify\n"
	       "      --network NET       mainnet, testnet, regtest, regtest-7.17 (Odocrypt\n"
	       "                          epoch length; default mainnet)\n"
	       "      --odo-key N         force the Odocrypt key\n"
	       "      --retry-pause S     first reconnect back-off step (default 2)\n"
	       "      --scantime S        solo: refresh the template after S seconds (default 30)\n"
	       "Benchmark and tools:\n"
	       "      --benchmark         measure hash rates on a fixed header\n"
	       "      --time-limit S      stop after S seconds (benchmark: per algorithm)\n"
	       "      --json              benchmark: end with one JSON line per algorithm\n"
	       "      --hash ALGO HEX     print the PoW hash of an 80-byte header (display order)\n"
	       "      --cpu-features      show CPU features and the implementation per algorithm\n"
	       "      --cpu-impl NAME     force an implementation (benchmark: 'all' runs each)\n"
	       "      --opencl            also mine (one worker per device) or benchmark on\n"
	       "                          every OpenCL device\n"
	       "      --kernel-dir DIR    read the OpenCL kernels from DIR, not the built-in ones\n"
	       "Output:\n"
	       "  -q, --quiet             only warnings, errors and results\n"
	       "  -D, --debug             debug output\n"
	       "  -V, --version           print the version\n"
	       "  -h, --help              this help\n");
}

static int fail(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
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
	if (errno || *end || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int url_scheme_ok(const char *url)
{
	static const char *const schemes[] = { "stratum+tcp://", "stratum+ssl://",
					       "stratum+tls://", "http://", "https://" };

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (!strncasecmp(url, schemes[i], strlen(schemes[i])) && url[strlen(schemes[i])])
			return 1;
	}
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

/* Applies one option; name is how the user spelled it (for messages). */
static int apply(struct options *cfg, int c, const char *name, const char *arg, char **argv,
		 int argc, int *optind_io, char *err, size_t err_len)
{
	unsigned long u;
	double d;

	switch (c) {
	case 'a':
		if (!strcasecmp(arg, "all")) {
			cfg->is_all_algos = 1;
			cfg->algo = NULL;
			return 0;
		}
		cfg->algo = algo_find(arg);
		cfg->is_all_algos = 0;
		if (!cfg->algo)
			return fail(err, err_len, "%s: unknown algorithm '%s'", name, arg);
		return 0;
	case 'o':
		if (cfg->url_count >= OPTIONS_MAX_URLS)
			return fail(err, err_len, "%s: at most %d URLs", name, OPTIONS_MAX_URLS);
		if (!url_scheme_ok(arg))
			return fail(err, err_len,
				    "%s: '%s': use stratum+tcp://, stratum+ssl://, stratum+tls://, "
				    "http:// or https://", name, arg);
		cfg->urls[cfg->url_count] = strdup(arg);
		if (!cfg->urls[cfg->url_count])
			return fail(err, err_len, "out of memory");
		cfg->url_count++;
		return 0;
	case 'u':
		return set_str(&cfg->user, arg);
	case 'p':
		return set_str(&cfg->pass, arg);
	case 't':
		if (parse_uint(arg, 1024, &u) || u == 0)
			return fail(err, err_len, "%s: '%s' is not a thread count (1..1024)", name, arg);
		cfg->threads = (unsigned)u;
		return 0;
	case 'q':
		cfg->is_quiet = 1;
		return 0;
	case 'D':
		cfg->is_debug = 1;
		return 0;
	case 'V':
		cfg->mode = MODE_VERSION;
		return 0;
	case 'h':
		cfg->mode = MODE_HELP;
		return 0;
	case 'c':
		return 0; /* handled before the command line */
	case OPT_BENCHMARK:
		cfg->mode = MODE_BENCHMARK;
		return 0;
	case OPT_TIME_LIMIT:
		if (parse_double(arg, &d) || d <= 0 || d > 1e9)
			return fail(err, err_len, "%s: '%s' is not a number of seconds", name, arg);
		cfg->time_limit_s = d;
		return 0;
	case OPT_JSON:
		cfg->is_json = 1;
		return 0;
	case OPT_HASH: {
		const char *hex = *optind_io < argc ? argv[*optind_io] : NULL;
		cfg->mode = MODE_HASH;
		if (!strcasecmp(arg, "all"))
			return fail(err, err_len, "%s: give one algorithm", name);
		cfg->algo = algo_find(arg);
		if (!cfg->algo)
			return fail(err, err_len, "%s: unknown algorithm '%s'", name, arg);
		if (!hex)
			return fail(err, err_len, "%s: missing the header (160 hex digits)", name);
		(*optind_io)++;
		if (strlen(hex) != 2 * HEADER_LEN)
			return fail(err, err_len, "%s: the header must be 160 hex digits (80 bytes), got %zu",
				    name, strlen(hex));
		if (hex_decode(hex, cfg->hash_header, HEADER_LEN))
			return fail(err, err_len, "%s: the header is not valid hex", name);
		return 0;
	}
	case OPT_CPU_FEATURES:
		cfg->mode = MODE_CPU_FEATURES;
		return 0;
	case OPT_CPU_IMPL:
		return set_str(&cfg->cpu_impl, arg);
	case OPT_NETWORK:
		if (!strcasecmp(arg, "mainnet") || !strcasecmp(arg, "main")) {
			cfg->network = NET_MAINNET;
			cfg->params.odo_interval = ODO_INTERVAL_MAINNET;
		} else if (!strcasecmp(arg, "testnet") || !strcasecmp(arg, "test")) {
			cfg->network = NET_TESTNET;
			cfg->params.odo_interval = ODO_INTERVAL_TESTNET;
		} else if (!strcasecmp(arg, "regtest")) {
			cfg->network = NET_REGTEST;
			cfg->params.odo_interval = ODO_INTERVAL_REGTEST;
		} else if (!strcasecmp(arg, "regtest-7.17")) {
			cfg->network = NET_REGTEST_717;
			cfg->params.odo_interval = ODO_INTERVAL_REGTEST_717;
		} else {
			return fail(err, err_len,
				    "%s: unknown network '%s' (mainnet, testnet, regtest, regtest-7.17)",
				    name, arg);
		}
		return 0;
	case OPT_ODO_KEY:
		if (parse_uint(arg, UINT32_MAX, &u))
			return fail(err, err_len, "%s: '%s' is not a 32-bit key", name, arg);
		cfg->params.odo_key = (uint32_t)u;
		cfg->params.has_odo_key = 1;
		return 0;
	case OPT_DIFF_FACTOR:
		if (parse_double(arg, &d) || d <= 0)
			return fail(err, err_len, "%s: '%s' is not a positive number", name, arg);
		cfg->diff_factor = d;
		return 0;
	case OPT_SUGGEST_DIFF:
		if (parse_double(arg, &d) || d <= 0)
			return fail(err, err_len, "%s: '%s' is not a positive number", name, arg);
		cfg->suggest_diff = d;
		return 0;
	case OPT_NO_VERIFY_TLS:
		cfg->no_verify_tls = 1;
		return 0;
	case OPT_COINBASE_ADDR:
		return set_str(&cfg->coinbase_addr, arg);
	case OPT_COINBASE_SIG:
		if (strlen(arg) > 40)
			return fail(err, err_len, "%s: at most 40 bytes", name);
		return set_str(&cfg->coinbase_sig, arg);
	case OPT_RPC_COOKIE:
		return set_str(&cfg->rpc_cookie, arg);
	case OPT_RETRY_PAUSE:
		if (parse_uint(arg, 3600, &u) || u == 0)
			return fail(err, err_len, "%s: '%s' is not a number of seconds (1..3600)", name,
				    arg);
		cfg->retry_pause_s = (unsigned)u;
		return 0;
	case OPT_SCANTIME:
		if (parse_uint(arg, 3600, &u) || u == 0)
			return fail(err, err_len, "%s: '%s' is not a number of seconds (1..3600)", name,
				    arg);
		cfg->scantime_s = (unsigned)u;
		return 0;
	case OPT_KERNEL_DIR:
		return set_str(&cfg->kernel_dir, arg);
	case OPT_OPENCL:
		cfg->use_opencl = 1;
		return 0;
	}
	return fail(err, err_len, "internal: unhandled option %s", name);
}

static const struct option *option_by_name(const char *name)
{
	for (const struct option *o = long_options; o->name; o++) {
		if (!strcmp(o->name, name))
			return o;
	}
	return NULL;
}

/* A JSON config file: {"algo": "scrypt", "url": ["…", "…"], "threads": 2, "quiet": true}. */
static int load_file(struct options *cfg, const char *path, char *err, size_t err_len)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr), *val;
	const char *key;
	int rc = 0;

	if (!root)
		return fail(err, err_len, "--config: %s: %s (line %d)", path, jerr.text, jerr.line);
	if (!json_is_object(root)) {
		json_decref(root);
		return fail(err, err_len, "--config: %s: not a JSON object", path);
	}
	json_object_foreach(root, key, val) {
		const struct option *o = option_by_name(key);
		char name[96], num[64];
		int dummy = 0;

		snprintf(name, sizeof(name), "%s: \"%s\"", path, key);
		if (!o || o->val == 'c' || o->val == OPT_HASH) {
			rc = fail(err, err_len, "--config: %s: unknown key \"%s\"", path, key);
			break;
		}
		if (o->has_arg == no_argument) {
			if (!json_is_boolean(val)) {
				rc = fail(err, err_len, "%s must be true or false", name);
				break;
			}
			if (json_is_true(val) && (rc = apply(cfg, o->val, name, NULL, NULL, 0, &dummy,
							      err, err_len)))
				break;
			continue;
		}
		json_t *items = json_is_array(val) ? val : NULL;
		size_t n = items ? json_array_size(items) : 1;
		for (size_t i = 0; i < n && !rc; i++) {
			json_t *v = items ? json_array_get(items, i) : val;
			const char *arg;
			if (json_is_string(v)) {
				arg = json_string_value(v);
			} else if (json_is_integer(v)) {
				snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
				arg = num;
			} else if (json_is_real(v)) {
				snprintf(num, sizeof(num), "%.17g", json_real_value(v));
				arg = num;
			} else {
				rc = fail(err, err_len, "%s must be a string or a number", name);
				break;
			}
			rc = apply(cfg, o->val, name, arg, NULL, 0, &dummy, err, err_len);
		}
		if (rc)
			break;
	}
	json_decref(root);
	return rc;
}

int options_parse(struct options *cfg, int argc, char **argv, char *err, size_t err_len)
{
	int c, index;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = MODE_MINE;
	cfg->params.odo_interval = ODO_INTERVAL_MAINNET;
	cfg->retry_pause_s = 2;
	cfg->scantime_s = 30;
	err[0] = '\0';

	/* The config file first, so the command line overrides it. */
	for (int i = 1; i < argc; i++) {
		const char *path = NULL;
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
			path = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
		if (path && load_file(cfg, path, err, err_len))
			return -1;
	}

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, &index)) != -1) {
		char name[64];
		const char *spelled = argv[optind - 1];

		if (c == '?') {
			if (optopt)
				return fail(err, err_len, "unknown option '-%c'", optopt);
			return fail(err, err_len, "unknown option '%s'", spelled);
		}
		if (c == ':') {
			if (optopt && optopt < 256)
				return fail(err, err_len, "option '-%c' needs a value", optopt);
			return fail(err, err_len, "option '%s' needs a value", spelled);
		}
		/* With a separate value, argv[optind - 1] is the value: name the option. */
		if (optarg && spelled == optarg && optind >= 2)
			spelled = argv[optind - 2];
		snprintf(name, sizeof(name), "%s", spelled);
		char *eq = strchr(name, '=');
		if (eq)
			*eq = '\0';
		if (apply(cfg, c, name, optarg, argv, argc, &optind, err, err_len))
			return -1;
	}
	if (optind < argc)
		return fail(err, err_len, "unexpected argument '%s'", argv[optind]);

	if (cfg->mode == MODE_MINE) {
		if (!cfg->url_count)
			return fail(err, err_len,
				    "nothing to do: give -o URL to mine, --benchmark, or --help");
		if (!cfg->algo)
			return fail(err, err_len, "-a/--algo: choose one algorithm to mine");
	}
	if (cfg->mode == MODE_BENCHMARK && !cfg->algo && !cfg->is_all_algos)
		return fail(err, err_len, "--benchmark: choose -a ALGO or -a all");
	return 0;
}

void options_release(struct options *cfg)
{
	for (unsigned i = 0; i < cfg->url_count; i++)
		free(cfg->urls[i]);
	free(cfg->user);
	free(cfg->pass);
	free(cfg->cpu_impl);
	free(cfg->coinbase_addr);
	free(cfg->coinbase_sig);
	free(cfg->rpc_cookie);
	free(cfg->kernel_dir);
	memset(cfg, 0, sizeof(*cfg));
}
