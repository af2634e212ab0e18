/* SPDX-License-Identifier: MIT */
#ifndef QM_API_H
#define QM_API_H

#include <stddef.h>
#include <stdint.h>

/*
 * Monitoring and control (style.md §1): an HTTP JSON API and a Prometheus
 * /metrics endpoint served by libmicrohttpd, and a cgminer-style JSON port
 * for rig managers over plain TCP (net.c's listener). Each is off unless its
 * --*-bind option is given. Every server runs in its own thread and only
 * copies counters under a short lock, so a malformed, slow or huge request
 * costs the miner nothing: connections are limited in number, time and
 * memory, and anything not understood gets an error.
 *
 * Who may connect: 127.0.0.1 and ::1 always; any other client only when its
 * address is in --api-allow (addresses and networks). Binding to a non-loopback
 * address without --api-allow is refused at start-up.
 *
 * Writes (pause, resume, switch pool, switch algorithm, quit) need
 * --api-token and "Authorization: Bearer TOKEN"; without a token the API is
 * read-only. The cgminer port is always read-only.
 *
 * Endpoints (GET): /summary /pools /devices /threads /scheduler /config
 * (passwords and the token masked), /metrics on the metrics server.
 * POST /control/pause, /control/resume, /control/pool?index=N,
 * /control/algo?name=ALGO, /control/quit.
 */

struct api;
struct options;
struct stats;
struct topo;
struct sockaddr;

/* What a pool looks like to the API (filled by the hooks' pool callback). */
struct api_pool_info {
	char state[24];         /* "connected", "connecting", "failed", "idle" */
	int is_active;          /* the pool the miner works for now */
	double latency_ms;      /* last request/response round trip; < 0 unknown */
	double difficulty;      /* share difficulty; 0 unknown */
	double net_difficulty;  /* network difficulty of the algorithm mined; 0 unknown */
	long accepted, rejected; /* shares this pool answered; < 0 unknown */
};

/* The algorithm scheduler's state (the sched module fills it). */
struct api_sched_info {
	char algo[24];          /* algorithm mined now */
	char mode[24];          /* "fixed" or "auto" */
	unsigned switches;      /* algorithm switches so far */
	double since_s;         /* seconds on the current algorithm */
};

/*
 * What the API asks of the rest of the program. Any callback may be NULL:
 * the read side then reports what it knows from options and stats, and a
 * write command answers 501. Callbacks are called from the servers'
 * threads and must be thread-safe and quick (no network I/O).
 */
struct api_hooks {
	void *ctx;
	int (*pool)(void *ctx, unsigned index, struct api_pool_info *out);
	int (*scheduler)(void *ctx, struct api_sched_info *out);
	unsigned (*hw_errors)(void *ctx);  /* hits the portable hash rejected */
	/* Writes: 0 done, -1 refused (with a reason in err). */
	int (*pause)(void *ctx, int is_paused);
	int (*switch_pool)(void *ctx, unsigned index, char *err, size_t err_len);
	/* The scheduler's hook: mine algo from now on. */
	int (*switch_algo)(void *ctx, const char *algo, char *err, size_t err_len);
	void (*quit)(void *ctx);
};

/*
 * Starts the servers cfg asks for (none: returns 0 and *out = NULL).
 * mode is "mining" or "benchmark". cfg, hooks' ctx and topo (may be NULL)
 * must outlive the API. Returns 0, or -1 with a one-line reason in err
 * (address in use, not allowed, bad allow list).
 */
int api_start(struct api **out, const struct options *cfg, const struct api_hooks *hooks,
	      struct topo *topo, const char *mode, char *err, size_t err_len);

/*
 * The counters the API reports from now on (a benchmark switches them per
 * algorithm); stats may be NULL between runs. algo names what is mined.
 * Thread-safe.
 */
void api_set_stats(struct api *api, struct stats *stats, const char *algo, const char *impl);

/* Samples the counters for the rates (at most once a second, however often called). Thread-safe. */
void api_tick(struct api *api);

/* The port a server listens on (after ":0" picked one): which = "api", "cgminer", "metrics". */
unsigned api_port(const struct api *api, const char *which);

/* Stops the servers and frees the API. NULL-safe. */
void api_stop(struct api *api);

/* --- pure parts, exported for tests ------------------------------------ */

#define API_ALLOW_MAX 32

/* A list of networks: address and prefix length, IPv4 or IPv6. */
struct api_allow {
	unsigned count;
	struct {
		int family;             /* AF_INET or AF_INET6 */
		uint8_t addr[16];
		unsigned prefix_bits;
	} nets[API_ALLOW_MAX];
};

/*
 * Parses "127.0.0.1,192.168.0.0/16,::1,fd00::/8" into *out. Returns 0, or
 * -1 with a message naming the bad entry in err.
 */
int api_allow_parse(struct api_allow *out, const char *list, char *err, size_t err_len);

/*
 * Whether a client at sa may connect: 127.0.0.1 and ::1 always, otherwise
 * when an entry of allow (may be NULL) covers it (IPv4-mapped IPv6 counts as
 * IPv4).
 */
int api_allow_match(const struct api_allow *allow, const struct sockaddr *sa);

/* Splits "HOST:PORT" or "[V6]:PORT" into host and port. Returns 0 or -1. */
int api_split_hostport(const char *s, char *host, size_t host_len, char *port, size_t port_len);

/* Whether the numeric address host is a loopback address. */
int api_host_is_loopback(const char *host);

#endif
