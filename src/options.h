/* SPDX-License-Identifier: MIT */
#ifndef QM_OPTIONS_H
#define QM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "algo.h"

/*
 * Command line and JSON config file -> one immutable struct options
 * (style.md §2.2). Long option names are the JSON keys.
 */

#define OPTIONS_MAX_URLS 8

enum options_mode {
	MODE_MINE,        /* -o given: pool or node */
	MODE_BENCHMARK,   /* --benchmark */
	MODE_HASH,        /* --hash ALGO HEX */
	MODE_CPU_FEATURES,/* --cpu-features */
	MODE_HELP,
	MODE_VERSION,
};

enum options_network { NET_MAINNET, NET_TESTNET, NET_REGTEST, NET_REGTEST_717 };

struct options {
	enum options_mode mode;
	const struct algo *algo;          /* -a; NULL with -a all (benchmark only) */
	int is_all_algos;
	char *urls[OPTIONS_MAX_URLS];       /* -o, in failover order */
	unsigned url_count;
	char *user, *pass;                 /* -u, -p */
	unsigned threads;                  /* -t; 0 = one per core (hwloc) */
	int is_quiet, is_debug, is_json;   /* -q, -D, --json */
	double time_limit_s;               /* --time-limit; 0 = none */
	char *cpu_impl;                    /* --cpu-impl NAME or NULL */
	enum options_network network;       /* --network */
	struct algo_params params;         /* odo_interval from --network, --odo-key */
	/* --hash */
	uint8_t hash_header[HEADER_LEN];
	/* stratum */
	double diff_factor;                /* --diff-factor; 0 = the algorithm's share_scale */
	double suggest_diff;               /* --suggest-diff; 0 = none */
	int no_verify_tls;                 /* --no-verify-tls */
	/* solo */
	char *coinbase_addr;               /* --coinbase-addr */
	char *coinbase_sig;                /* --coinbase-sig */
	char *rpc_cookie;                  /* --rpc-cookie FILE */
	unsigned retry_pause_s;            /* --retry-pause; first back-off step */
	unsigned scantime_s;               /* --scantime: max seconds on one template before refresh */
	unsigned api_port;                 /* reserved */
	char *kernel_dir;                  /* --kernel-dir */
	int use_opencl;                    /* --opencl: benchmark/mine on every OpenCL device too */
};

/*
 * Parses argv (and a -c/--config JSON file, whose keys are the long option
 * names; command-line options win) into cfg. Returns 0, or -1 with a one-line
 * message naming the option in err (exit status 2 for the caller).
 */
int options_parse(struct options *cfg, int argc, char **argv, char *err, size_t err_len);

/* Frees what options_parse allocated. */
void options_release(struct options *cfg);

/* Prints the usage text to stdout. */
void options_usage(void);

#endif
