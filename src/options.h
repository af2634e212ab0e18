/* SPDX-License-Identifier: MIT */
#ifndef QM_OPTIONS_H
#define QM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "algo.h"

/*
 * Command line and JSON config file -> one immutable struct options
 * (style.md §2.2). Every option is one row of the table in options.c: its
 * long name (also its JSON key), short name, how its value is checked, the
 * modes it means something in, and its --help text. Every default and
 * every limit is decided there, once; what the rest of the program reads
 * here is final (no "0 means default" left to the reader, except where a
 * field says so).
 *
 * Exit statuses, for main: a usage error is 2 (options_parse failed), a
 * failure while running is 1, a finished run or a requested stop is 0.
 */

#define OPTIONS_MAX_URLS 8
#define OPTIONS_MAX_POOLS 16
#define OPTIONS_MAX_ALGOS 8
#define OPTIONS_WARN_MAX 8
#define OPTIONS_WARN_LEN 200
#define OPTIONS_MAX_DEVICES 16

enum options_mode {
	MODE_MINE,         /* -o given: pool or node */
	MODE_BENCHMARK,    /* --benchmark */
	MODE_HASH,         /* --hash ALGO HEX */
	MODE_CPU_FEATURES, /* --cpu-features */
	MODE_PLAN,         /* --plan: expected blocks per algorithm, then exit */
	MODE_OPENCL_LIST,  /* --opencl-list */
	MODE_HELP,
	MODE_VERSION,
};

/* What the -o URLs point at; decided by their scheme (url.h). */
enum options_source {
	SOURCE_NONE,    /* not mining */
	SOURCE_STRATUM, /* stratum+tcp://, stratum+ssl://, stratum+tls:// */
	SOURCE_NODE,    /* http://, https://: solo through getblocktemplate */
};

enum options_network { NET_MAINNET, NET_TESTNET, NET_REGTEST, NET_REGTEST_717 };

/* A pool (or node) of the config file's "pools" list, with its algorithm. */
struct options_pool {
	char *url, *user, *pass;           /* user and pass may be NULL: -u, -p then */
	const struct algo *algo;           /* NULL: not given (only a single-algorithm run) */
};

struct options {
	enum options_mode mode;
	enum options_source source;        /* MODE_MINE: from the URLs' scheme */
	const struct algo *algo;           /* -a; NULL with -a all (benchmark only) */
	int is_all_algos;
	/*
	 * The scheduler: -a auto (every algorithm) or a list (-a sha256d,qubit)
	 * makes is_auto and leaves algo NULL; algo_mask has bit i for
	 * algo_table[i] among the candidates (every bit of one algorithm
	 * otherwise). Sources come from pools (or one node -o serving all).
	 */
	int is_auto;
	unsigned algo_mask;
	double algo_weight[OPTIONS_MAX_ALGOS]; /* --algo-weight ALGO=W, 1 by default */
	double min_dwell_s;                /* --min-dwell (default 60) */
	double switch_margin_pct;          /* --switch-margin (default 5) */
	struct options_pool pools[OPTIONS_MAX_POOLS]; /* config file "pools" */
	unsigned pool_count;
	char *urls[OPTIONS_MAX_URLS];      /* -o, in failover order; solo keeps one */
	unsigned url_count;
	char *user, *pass;                 /* -u, -p; stratum: "" and "x" by default */
	unsigned threads;                  /* -t; 0 = one per core (hwloc, known at run time) */
	int is_quiet, is_debug, is_json;   /* -q, -D, --json */
	int use_color;                     /* 0 with --no-color; main adds "stderr is a tty" */
	double time_limit_s;               /* --time-limit; 0 = none (mining); benchmark: set */
	char *cpu_impl;                    /* --cpu-impl NAME or NULL; checked against algos */
	int is_recalibrate;                /* --recalibrate: time the CPU impls again */
	int is_fit_l2;                     /* --fit-l2: narrower scrypt impls to fit the L2 */
	enum options_network network;      /* --network */
	struct algo_params params;	   /* network from --network, --odo-key */
	/* --hash */
	uint8_t hash_header[HEADER_LEN];
	/* stratum */
	double diff_factor;                /* --diff-factor, or the algorithm's share_scale */
	double suggest_diff;               /* --suggest-diff; 0 = none */
	int no_verify_tls;                 /* --no-verify-tls */
	unsigned stratum_idle_s;           /* --stratum-idle: reconnect after S silent; 0 = never */
	unsigned ntime_roll_s;             /* --ntime-roll: ntime up to job ntime + S; 0 = no roll */
	/* solo */
	char *coinbase_addr;               /* --coinbase-addr, checked (address.h) */
	char *coinbase_sig;                /* --coinbase-sig, at most GBT_TAG_MAX bytes */
	char *rpc_cookie;                  /* --rpc-cookie FILE */
	unsigned retry_pause_s;            /* --retry-pause; first back-off step */
	unsigned scantime_s;               /* --scantime: max seconds on one template */
	/*
	 * Internal (the scheduler's per-algorithm sources on one node): no
	 * longpoll, which would hold one of the node's few RPC threads per
	 * algorithm; the tip is polled instead.
	 */
	int is_shared_node;
	/* placement (topo.h) */
	char *cpu_affinity;                /* --cpu-affinity LIST of PUs, or NULL: all given */
	unsigned cpu_priority;             /* --cpu-priority 0..5 */
	/* monitoring (api.h) and logs */
	char *api_bind;                    /* --api-bind ADDR:PORT, or NULL: no HTTP API */
	char *api_allow;                   /* --api-allow LIST of addresses/networks */
	char *api_token;                   /* --api-token: enables write commands */
	char *cgminer_bind;                /* --cgminer-bind ADDR:PORT */
	char *metrics_bind;                /* --metrics-bind ADDR:PORT */
	unsigned status_interval_s;        /* --status-interval; 0 = never */
	char *log_file;                    /* --log-file FILE */
	int use_syslog;                    /* --syslog */
	char *kernel_dir;                  /* --kernel-dir */
	int use_opencl;                    /* --opencl or --opencl-devices: OpenCL devices too */
	unsigned opencl_devices[OPTIONS_MAX_DEVICES]; /* --opencl-devices, as given; */
	unsigned opencl_device_count;      /* 0: every device but the CPU itself (--opencl) */
	int no_cpu;                        /* --no-cpu: OpenCL devices only */
	double gpu_kernel_ms;              /* --gpu-kernel-ms; 0 = OpenCL's default */
	unsigned intensity;                /* --intensity N: 2^N work-items per launch; 0 = tune */
	unsigned lookup_gap;               /* --lookup-gap (scrypt kernel); 0 = 1 */
	/* Said once by main after the log is set up (e.g. an option that is ignored). */
	char warnings[OPTIONS_WARN_MAX][OPTIONS_WARN_LEN];
	unsigned warning_count;
};

/*
 * Parses argv (and -c/--config JSON files, whose keys are the long option
 * names; the command line wins, and a command-line -o replaces the file's
 * URLs) into cfg, then checks the whole: URLs, options that cannot go
 * together, what a mode needs. Returns 0, or -1 with a one-line message
 * naming the option in err (exit status 2 for the caller). Call
 * options_release either way.
 */
int options_parse(struct options *cfg, int argc, char **argv, char *err, size_t err_len);

/* Frees what options_parse allocated. */
void options_release(struct options *cfg);

/* Prints the usage text, generated from the option table, to stdout. */
void options_usage(void);

#endif
