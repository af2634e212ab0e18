/* SPDX-License-Identifier: MIT */
#include "api.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "deadline.h"
#include "log.h"
#include "net.h"
#include "options.h"
#include "stats.h"
#include "topo.h"

/* Bounds on what a client may cost (style.md §2.6). */
#define API_CONNECTIONS_MAX 16      /* at once, per server */
#define API_PER_IP_MAX 8
#define API_TIMEOUT_S 5             /* an idle or slow-drip connection is closed */
#define API_MEMORY_MAX (32 * 1024)  /* per connection: request line + headers */
#define API_BODY_MAX 4096           /* POST bodies are not needed; a longer one is refused */
#define CGMINER_REQUEST_MAX 4096
#define CGMINER_DEADLINE_MS 2000    /* a whole cgminer request must arrive in this time */
#define RATE_SMOOTHING 0.3          /* weight of the newest sample in the hash rates */

struct api {
	const struct options *cfg;
	struct api_hooks hooks;
	struct topo *topo;
	const char *mode;
	double start_s;
	struct api_allow allow;
	struct MHD_Daemon *http, *metrics;
	unsigned http_port, metrics_port;
	struct net_listener *cg;
	pthread_t cg_thread;
	int has_cg_thread;
	atomic_int is_stopping;

	pthread_mutex_t lock;          /* guards what follows; a leaf lock */
	struct stats *stats;
	char algo[24], impl[24];
	double sample_t;               /* last api_tick */
	uint64_t sample_total;
	uint64_t *sample_thread;       /* sample_count entries */
	unsigned sample_count;
	double rate_total;             /* smoothed H/s */
	double *rate_thread;
	int is_paused;
};

/* --- pure parts ----------------------------------------------------------- */

int api_split_hostport(const char *s, char *host, size_t host_len, char *port, size_t port_len)
{
	const char *colon, *h = s;
	size_t hl;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (!hl || hl >= host_len || !colon[1] || strlen(colon + 1) >= port_len)
		return -1;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
	}
	if (strtoul(colon + 1, NULL, 10) > 65535)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

int api_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

int api_allow_parse(struct api_allow *out, const char *list, char *err, size_t err_len)
{
	const char *s = list;

	memset(out, 0, sizeof(*out));
	while (*s) {
		char item[64], *slash;
		size_t n = strcspn(s, ",");
		unsigned long bits;
		int family;

		if (n == 0 || n >= sizeof(item) || out->count == API_ALLOW_MAX) {
			snprintf(err, err_len, "--api-allow: bad entry in '%s' (at most %d "
				 "addresses or networks, comma-separated)", list, API_ALLOW_MAX);
			return -1;
		}
		memcpy(item, s, n);
		item[n] = '\0';
		s += n;
		if (*s == ',' && !*++s) {
			snprintf(err, err_len, "--api-allow: '%s' ends with a comma", list);
			return -1;
		}
		slash = strchr(item, '/');
		if (slash)
			*slash++ = '\0';
		if (inet_pton(AF_INET, item, out->nets[out->count].addr) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, item, out->nets[out->count].addr) == 1)
			family = AF_INET6;
		else {
			snprintf(err, err_len, "--api-allow: '%s' is not an IPv4 or IPv6 address", item);
			return -1;
		}
		bits = family == AF_INET ? 32 : 128;
		if (slash) {
			char *end;
			unsigned long max = bits;
			if (*slash < '0' || *slash > '9' || (bits = strtoul(slash, &end, 10), *end) ||
			    bits > max) {
				snprintf(err, err_len, "--api-allow: '%s/%s': bad prefix length", item,
					 slash);
				return -1;
			}
		}
		out->nets[out->count].family = family;
		out->nets[out->count].prefix_bits = (unsigned)bits;
		out->count++;
	}
	return 0;
}

static int prefix_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole))
		return 0;
	if (!rest)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

int api_allow_match(const struct api_allow *allow, const struct sockaddr *sa)
{
	uint8_t addr[16];
	int family;

	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET) {
		memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		family = AF_INET;
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			memcpy(addr, a6->s6_addr + 12, 4);
			family = AF_INET;
		} else {
			memcpy(addr, a6->s6_addr, 16);
			family = AF_INET6;
		}
	} else {
		return 0;
	}
	/* This host itself (127.0.0.1, ::1); the rest of 127/8 only when listed. */
	static const uint8_t v4_local[4] = { 127, 0, 0, 1 }, v6_local[16] = { [15] = 1 };
	if (!memcmp(addr, family == AF_INET ? v4_local : v6_local, family == AF_INET ? 4 : 16))
		return 1;
	for (unsigned i = 0; allow && i < allow->count; i++) {
		if (allow->nets[i].family == family &&
		    prefix_match(addr, allow->nets[i].addr, allow->nets[i].prefix_bits))
			return 1;
	}
	return 0;
}

/* --- snapshots (under api->lock) ----------------------------------------- */

static double api_now(void)
{
	return stats_now();
}

static unsigned hw_errors(struct api *api)
{
	return api->hooks.hw_errors ? api->hooks.hw_errors(api->hooks.ctx) : 0;
}

static int pool_info(struct api *api, unsigned i, struct api_pool_info *p)
{
	memset(p, 0, sizeof(*p));
	p->latency_ms = -1;
	p->accepted = p->rejected = -1;
	if (api->hooks.pool && !api->hooks.pool(api->hooks.ctx, i, p))
		return 0;
	snprintf(p->state, sizeof(p->state), "%s", "unknown");
	p->is_active = i == 0;
	return 0;
}

/* A URL with the password of a user:password@ part replaced by stars. */
static void mask_url(const char *url, char *out, size_t len)
{
	const char *scheme = strstr(url, "://");
	const char *start = scheme ? scheme + 3 : url;
	const char *at = strchr(start, '@'), *colon = strchr(start, ':');

	if (at && colon && colon < at)
		snprintf(out, len, "%.*s:********%s", (int)(colon - url), url, at);
	else
		snprintf(out, len, "%s", url);
}

static json_t *json_summary(struct api *api)
{
	struct stats *s = api->stats;
	double now = api_now();
	json_t *o = json_object();

	json_object_set_new(o, "version", json_string(QM_VERSION));
	json_object_set_new(o, "mode", json_string(api->mode));
	json_object_set_new(o, "algo", json_string(api->algo));
	json_object_set_new(o, "impl", json_string(api->impl));
	json_object_set_new(o, "uptime_s", json_real(now - api->start_s));
	json_object_set_new(o, "paused", json_boolean(api->is_paused));
	json_object_set_new(o, "hashrate", json_real(s ? api->rate_total : 0));
	if (s) {
		double dt = now - s->start_s;
		uint64_t total = stats_total_hashes(s);
		json_object_set_new(o, "hashrate_avg", json_real(dt > 0 ? (double)total / dt : 0));
		json_object_set_new(o, "hashes", json_integer((json_int_t)total));
		json_object_set_new(o, "threads", json_integer(s->thread_count));
		json_object_set_new(o, "found", json_integer(atomic_load(&s->found)));
		json_object_set_new(o, "accepted", json_integer(atomic_load(&s->accepted)));
		json_object_set_new(o, "rejected", json_integer(atomic_load(&s->rejected)));
		json_object_set_new(o, "stale", json_integer(atomic_load(&s->stale)));
		json_object_set_new(o, "blocks", json_integer(atomic_load(&s->blocks)));
	}
	json_object_set_new(o, "hw_errors", json_integer(hw_errors(api)));
	for (unsigned i = 0; i < api->cfg->url_count; i++) {
		struct api_pool_info p;
		char url[512];
		if (!pool_info(api, i, &p) && p.is_active) {
			mask_url(api->cfg->urls[i], url, sizeof(url));
			json_object_set_new(o, "pool", json_string(url));
		}
	}
	return o;
}

static json_t *json_pools(struct api *api)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < api->cfg->url_count; i++) {
		struct api_pool_info p;
		char url[512];
		json_t *o = json_object();

		pool_info(api, i, &p);
		mask_url(api->cfg->urls[i], url, sizeof(url));
		json_object_set_new(o, "index", json_integer(i));
		json_object_set_new(o, "url", json_string(url));
		json_object_set_new(o, "user", json_string(api->cfg->user ? api->cfg->user : ""));
		json_object_set_new(o, "active", json_boolean(p.is_active));
		json_object_set_new(o, "state", json_string(p.state));
		json_object_set_new(o, "latency_ms", p.latency_ms >= 0 ? json_real(p.latency_ms)
								      : json_null());
		json_object_set_new(o, "difficulty", json_real(p.difficulty));
		json_object_set_new(o, "net_difficulty", json_real(p.net_difficulty));
		json_object_set_new(o, "accepted", p.accepted >= 0 ? json_integer(p.accepted)
								 : json_null());
		json_object_set_new(o, "rejected", p.rejected >= 0 ? json_integer(p.rejected)
								 : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_threads(struct api *api, int with_place)
{
	json_t *a = json_array();
	struct stats *s = api->stats;

	for (unsigned i = 0; s && i < s->thread_count; i++) {
		json_t *o = json_object();
		uint64_t h = atomic_load_explicit(&s->threads[i].hashes, memory_order_relaxed);
		const struct topo_place *p = api->topo ? topo_place(api->topo, i) : NULL;

		json_object_set_new(o, "index", json_integer(i));
		json_object_set_new(o, "algo", json_string(api->algo));
		json_object_set_new(o, "impl", json_string(api->impl));
		json_object_set_new(o, "hashes", json_integer((json_int_t)h));
		json_object_set_new(o, "hashrate",
				    json_real(i < api->sample_count ? api->rate_thread[i] : 0));
		if (with_place && p) {
			json_object_set_new(o, "pu", json_integer(p->pu_os));
			json_object_set_new(o, "core", json_integer(p->core));
			json_object_set_new(o, "package", json_integer(p->package));
			json_object_set_new(o, "numa_node", json_integer(p->numa_os));
			json_object_set_new(o, "l2_kib", json_integer((json_int_t)(p->l2_bytes / 1024)));
			json_object_set_new(o, "l2_share_kib",
					    json_integer((json_int_t)(p->l2_share_bytes / 1024)));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_scheduler(struct api *api)
{
	struct api_sched_info si;
	json_t *o = json_object();

	memset(&si, 0, sizeof(si));
	if (!api->hooks.scheduler || api->hooks.scheduler(api->hooks.ctx, &si)) {
		snprintf(si.algo, sizeof(si.algo), "%s", api->algo);
		snprintf(si.mode, sizeof(si.mode), "fixed");
		si.since_s = api_now() - api->start_s;
	}
	json_object_set_new(o, "algo", json_string(si.algo));
	json_object_set_new(o, "mode", json_string(si.mode));
	json_object_set_new(o, "switches", json_integer(si.switches));
	json_object_set_new(o, "since_s", json_real(si.since_s));
	json_object_set_new(o, "can_switch", json_boolean(api->hooks.switch_algo != NULL));
	return o;
}

static json_t *opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The options that matter to someone watching; secrets masked. */
static json_t *json_config(struct api *api)
{
	const struct options *c = api->cfg;
	json_t *o = json_object(), *urls = json_array();

	for (unsigned i = 0; i < c->url_count; i++) {
		char url[512];
		mask_url(c->urls[i], url, sizeof(url));
		json_array_append_new(urls, json_string(url));
	}
	json_object_set_new(o, "algo", json_string(api->algo));
	json_object_set_new(o, "url", urls);
	json_object_set_new(o, "user", opt_string(c->user));
	json_object_set_new(o, "pass", c->pass ? json_string("********") : json_null());
	json_object_set_new(o, "threads", json_integer(api->stats ? api->stats->thread_count : 0));
	json_object_set_new(o, "cpu-impl", opt_string(c->cpu_impl));
	json_object_set_new(o, "opencl", json_boolean(c->use_opencl));
	json_object_set_new(o, "coinbase-addr", opt_string(c->coinbase_addr));
	json_object_set_new(o, "rpc-cookie", opt_string(c->rpc_cookie));
	json_object_set_new(o, "cpu-affinity", opt_string(c->cpu_affinity));
	json_object_set_new(o, "cpu-priority", json_integer(c->cpu_priority));
	json_object_set_new(o, "status-interval", json_integer(c->status_interval_s));
	json_object_set_new(o, "api-bind", opt_string(c->api_bind));
	json_object_set_new(o, "api-allow", opt_string(c->api_allow));
	json_object_set_new(o, "api-token", c->api_token ? json_string("********") : json_null());
	json_object_set_new(o, "cgminer-bind", opt_string(c->cgminer_bind));
	json_object_set_new(o, "metrics-bind", opt_string(c->metrics_bind));
	return o;
}

/* --- Prometheus text exposition format ------------------------------------ */

struct text {
	char *buf;
	size_t len, cap;
	int is_oom;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->is_oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->is_oom = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->is_oom = 1;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

/* A label value with \, " and newline escaped, as the format requires. */
static void label_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '\\' || *in == '"') {
			out[o++] = '\\';
			out[o++] = *in;
		} else if (*in == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

static void metric_head(struct text *t, const char *name, const char *type, const char *help)
{
	text_add(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void metrics_text(struct api *api, struct text *t)
{
	struct stats *s = api->stats;
	char algo[64], lbl[256];

	label_escape(api->algo, algo, sizeof(algo));
	metric_head(t, "quintminer_build_info", "gauge", "Version of the running binary.");
	text_add(t, "quintminer_build_info{version=\"%s\"} 1\n", QM_VERSION);
	metric_head(t, "quintminer_uptime_seconds", "gauge", "Seconds since start-up.");
	text_add(t, "quintminer_uptime_seconds %.3f\n", api_now() - api->start_s);
	metric_head(t, "quintminer_paused", "gauge", "1 while mining is paused through the API.");
	text_add(t, "quintminer_paused %d\n", api->is_paused);
	metric_head(t, "quintminer_algorithm_current", "gauge", "The algorithm mined now (1).");
	text_add(t, "quintminer_algorithm_current{algo=\"%s\",mode=\"%s\"} 1\n", algo, api->mode);

	metric_head(t, "quintminer_hashrate_hashes_per_second", "gauge",
		    "Hash rate per device and algorithm, smoothed over a few seconds.");
	for (unsigned i = 0; s && i < s->thread_count; i++)
		text_add(t, "quintminer_hashrate_hashes_per_second{device=\"%u\",algo=\"%s\"} %.3f\n",
			 i, algo, i < api->sample_count ? api->rate_thread[i] : 0.0);
	metric_head(t, "quintminer_hashes_total", "counter", "Hashes computed per device and algorithm.");
	for (unsigned i = 0; s && i < s->thread_count; i++)
		text_add(t, "quintminer_hashes_total{device=\"%u\",algo=\"%s\"} %llu\n", i, algo,
			 (unsigned long long)atomic_load_explicit(&s->threads[i].hashes,
								  memory_order_relaxed));

	metric_head(t, "quintminer_shares_total", "counter", "Shares by result.");
	if (s) {
		text_add(t, "quintminer_shares_total{result=\"accepted\"} %u\n",
			 atomic_load(&s->accepted));
		text_add(t, "quintminer_shares_total{result=\"rejected\"} %u\n",
			 atomic_load(&s->rejected));
		text_add(t, "quintminer_shares_total{result=\"stale\"} %u\n", atomic_load(&s->stale));
	}
	metric_head(t, "quintminer_shares_by_reason_total", "counter",
		    "Rejected and stale shares by the reason given.");
	if (s) {
		struct stats_reason r[STATS_REASONS_MAX];
		unsigned n = stats_reasons(s, r, STATS_REASONS_MAX);
		for (unsigned i = 0; i < n; i++) {
			label_escape(r[i].text, lbl, sizeof(lbl));
			text_add(t, "quintminer_shares_by_reason_total{result=\"%s\",reason=\"%s\"} %u\n",
				 r[i].is_stale ? "stale" : "rejected", lbl, r[i].count);
		}
	}
	metric_head(t, "quintminer_blocks_total", "counter", "Blocks found.");
	text_add(t, "quintminer_blocks_total %u\n", s ? atomic_load(&s->blocks) : 0);
	metric_head(t, "quintminer_hardware_errors_total", "counter",
		    "Hits the portable hash rejected (SIMD or GPU errors).");
	text_add(t, "quintminer_hardware_errors_total %u\n", hw_errors(api));

	metric_head(t, "quintminer_pool_up", "gauge", "1 while connected to the pool.");
	struct api_pool_info pools[OPTIONS_MAX_URLS];
	unsigned n_pools = api->cfg->url_count < OPTIONS_MAX_URLS ? api->cfg->url_count
								   : OPTIONS_MAX_URLS;
	char urls[OPTIONS_MAX_URLS][512];
	for (unsigned i = 0; i < n_pools; i++) {
		char url[512];
		pool_info(api, i, &pools[i]);
		mask_url(api->cfg->urls[i], url, sizeof(url));
		label_escape(url, urls[i], sizeof(urls[i]));
		text_add(t, "quintminer_pool_up{pool=\"%u\",url=\"%s\"} %d\n", i, urls[i],
			 !strcmp(pools[i].state, "connected"));
	}
	metric_head(t, "quintminer_pool_active", "gauge", "1 for the pool mined for now.");
	for (unsigned i = 0; i < n_pools; i++)
		text_add(t, "quintminer_pool_active{pool=\"%u\",url=\"%s\"} %d\n", i, urls[i],
			 pools[i].is_active);
	metric_head(t, "quintminer_pool_latency_seconds", "gauge",
		    "Last request/response round trip to the pool.");
	for (unsigned i = 0; i < n_pools; i++) {
		if (pools[i].latency_ms >= 0)
			text_add(t, "quintminer_pool_latency_seconds{pool=\"%u\",url=\"%s\"} %.6f\n", i,
				 urls[i], pools[i].latency_ms / 1000.0);
	}
	metric_head(t, "quintminer_pool_state", "gauge",
		    "1 for the pool's state (connected, connecting, failed, idle), 0 for the others.");
	for (unsigned i = 0; i < n_pools; i++) {
		static const char *const states[] = { "connected", "connecting", "failed", "idle" };
		for (unsigned k = 0; k < sizeof(states) / sizeof(states[0]); k++)
			text_add(t, "quintminer_pool_state{pool=\"%u\",url=\"%s\",state=\"%s\"} %d\n",
				 i, urls[i], states[k], !strcmp(pools[i].state, states[k]));
	}
	metric_head(t, "quintminer_pool_shares_total", "counter",
		    "Shares the pool answered, by result.");
	for (unsigned i = 0; i < n_pools; i++) {
		if (pools[i].accepted < 0)
			continue;
		text_add(t, "quintminer_pool_shares_total{pool=\"%u\",url=\"%s\",result=\"accepted\"} "
			 "%ld\n", i, urls[i], pools[i].accepted);
		text_add(t, "quintminer_pool_shares_total{pool=\"%u\",url=\"%s\",result=\"rejected\"} "
			 "%ld\n", i, urls[i], pools[i].rejected);
	}
	metric_head(t, "quintminer_pool_difficulty", "gauge", "Share difficulty set by the pool.");
	for (unsigned i = 0; i < n_pools; i++) {
		if (pools[i].difficulty > 0)
			text_add(t, "quintminer_pool_difficulty{pool=\"%u\",url=\"%s\"} %.17g\n", i,
				 urls[i], pools[i].difficulty);
	}
	metric_head(t, "quintminer_network_difficulty", "gauge", "Network difficulty per algorithm.");
	for (unsigned i = 0; i < n_pools; i++) {
		if (pools[i].is_active && pools[i].net_difficulty > 0)
			text_add(t, "quintminer_network_difficulty{algo=\"%s\"} %.17g\n", algo,
				 pools[i].net_difficulty);
	}
}

/* --- HTTP (libmicrohttpd) ------------------------------------------------- */

/* Per-request state: bytes of body seen (bodies are ignored, only bounded). */
struct request {
	size_t body_len;
};

static enum MHD_Result send_body(struct MHD_Connection *c, unsigned status, const char *type,
				 char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (!body)
		return MHD_NO;
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return send_body(c, status, "application/json", body, body ? strlen(body) : 0);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return send_json(c, status, json_pack("{s:s}", "error", msg));
}

/* Constant-time comparison of the Authorization header with "Bearer TOKEN". */
static int is_authorized(struct api *api, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	const char *tok = api->cfg->api_token;
	size_t n, want;
	unsigned diff = 0;

	if (!tok || !h || strncmp(h, "Bearer ", 7))
		return 0;
	h += 7;
	n = strlen(h);
	want = strlen(tok);
	for (size_t i = 0; i < want; i++)
		diff |= (unsigned)(uint8_t)tok[i] ^ (unsigned)(uint8_t)(i < n ? h[i] : 0);
	return !diff && n == want;
}

static enum MHD_Result handle_control(struct api *api, struct MHD_Connection *c, const char *what)
{
	char err[256] = "";
	int rc;

	if (!api->cfg->api_token)
		return send_error(c, MHD_HTTP_FORBIDDEN, "read-only API: start with --api-token");
	if (!is_authorized(api, c))
		return send_error(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token");
	if (!strcmp(what, "pause") || !strcmp(what, "resume")) {
		int is_paused = !strcmp(what, "pause");
		if (!api->hooks.pause)
			return send_error(c, MHD_HTTP_NOT_IMPLEMENTED, "pausing is not possible here");
		rc = api->hooks.pause(api->hooks.ctx, is_paused);
		if (!rc) {
			pthread_mutex_lock(&api->lock);
			api->is_paused = is_paused;
			pthread_mutex_unlock(&api->lock);
			log_info("API: mining %s", is_paused ? "paused" : "resumed");
		}
	} else if (!strcmp(what, "pool")) {
		const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "index");
		char *end;
		unsigned long i = v && *v ? strtoul(v, &end, 10) : 0;
		if (!v || !*v || *end || i >= api->cfg->url_count)
			return send_error(c, MHD_HTTP_BAD_REQUEST, "give ?index=N of a configured pool");
		if (!api->hooks.switch_pool)
			return send_error(c, MHD_HTTP_NOT_IMPLEMENTED, "switching pools is not possible here");
		rc = api->hooks.switch_pool(api->hooks.ctx, (unsigned)i, err, sizeof(err));
	} else if (!strcmp(what, "algo")) {
		const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
		if (!v || !*v)
			return send_error(c, MHD_HTTP_BAD_REQUEST, "give ?name=ALGO");
		if (!api->hooks.switch_algo)
			return send_error(c, MHD_HTTP_NOT_IMPLEMENTED,
					  "switching algorithms needs the scheduler");
		rc = api->hooks.switch_algo(api->hooks.ctx, v, err, sizeof(err));
	} else if (!strcmp(what, "quit")) {
		if (!api->hooks.quit)
			return send_error(c, MHD_HTTP_NOT_IMPLEMENTED, "quitting is not possible here");
		log_info("API: quit requested");
		api->hooks.quit(api->hooks.ctx);
		rc = 0;
	} else {
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such command");
	}
	if (rc)
		return send_error(c, MHD_HTTP_CONFLICT, err[0] ? err : "refused");
	return send_json(c, MHD_HTTP_OK, json_pack("{s:b,s:s}", "ok", 1, "command", what));
}

static enum MHD_Result handle_get(struct api *api, struct MHD_Connection *c, const char *url,
				  int is_metrics_server)
{
	json_t *j = NULL;

	if (!strcmp(url, "/metrics")) {
		struct text t = { 0 };
		pthread_mutex_lock(&api->lock);
		metrics_text(api, &t);
		pthread_mutex_unlock(&api->lock);
		if (t.is_oom) {
			free(t.buf);
			return MHD_NO;
		}
		return send_body(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", t.buf,
				 t.len);
	}
	if (is_metrics_server)
		return send_error(c, MHD_HTTP_NOT_FOUND, "only /metrics here");
	pthread_mutex_lock(&api->lock);
	if (!strcmp(url, "/summary"))
		j = json_summary(api);
	else if (!strcmp(url, "/pools"))
		j = json_pools(api);
	else if (!strcmp(url, "/devices"))
		j = json_threads(api, 0);
	else if (!strcmp(url, "/threads"))
		j = json_threads(api, 1);
	else if (!strcmp(url, "/scheduler"))
		j = json_scheduler(api);
	else if (!strcmp(url, "/config"))
		j = json_config(api);
	pthread_mutex_unlock(&api->lock);
	if (!j)
		return send_error(c, MHD_HTTP_NOT_FOUND,
				  "no such endpoint: /summary /pools /devices /threads /scheduler "
				  "/config /metrics");
	return send_json(c, MHD_HTTP_OK, j);
}

static enum MHD_Result on_request(struct api *api, int is_metrics_server,
				  struct MHD_Connection *c, const char *url, const char *method,
				  size_t *upload_len, void **req_cls)
{
	struct request *req = *req_cls;

	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*req_cls = req;
		return MHD_YES;
	}
	if (*upload_len) {
		req->body_len += *upload_len;
		*upload_len = 0;
		return MHD_YES;
	}
	if (req->body_len > API_BODY_MAX)
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
		return handle_get(api, c, url, is_metrics_server);
	if (!strcmp(method, "POST") && !is_metrics_server && !strncmp(url, "/control/", 9))
		return handle_control(api, c, url + 9);
	return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET an endpoint, or POST /control/...");
}

static enum MHD_Result on_api_request(void *cls, struct MHD_Connection *c, const char *url,
				      const char *method, const char *version,
				      const char *upload, size_t *upload_len, void **req_cls)
{
	return on_request(cls, 0, c, url, method, upload_len, req_cls);
}

static enum MHD_Result on_metrics_request(void *cls, struct MHD_Connection *c, const char *url,
					  const char *method, const char *version,
					  const char *upload, size_t *upload_len, void **req_cls)
{
	return on_request(cls, 1, c, url, method, upload_len, req_cls);
}

static void on_request_done(void *cls, struct MHD_Connection *c, void **req_cls,
			    enum MHD_RequestTerminationCode why)
{
	free(*req_cls);
	*req_cls = NULL;
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addr_len)
{
	struct api *api = cls;

	if (api_allow_match(&api->allow, addr))
		return MHD_YES;
	log_debug("API: connection from a client not in --api-allow refused");
	return MHD_NO;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_debug("API: %s", msg);
}

/* Checks and splits a --*-bind value; non-loopback needs --api-allow. */
static int bind_address(const struct api *api, const char *opt, const char *value, char *host,
			size_t host_len, char *port, size_t port_len, char *err, size_t err_len)
{
	if (api_split_hostport(value, host, host_len, port, port_len)) {
		snprintf(err, err_len, "%s: '%s' is not ADDRESS:PORT (e.g. 127.0.0.1:4048)", opt,
			 value);
		return -1;
	}
	if (!api_host_is_loopback(host) && !api->allow.count) {
		snprintf(err, err_len,
			 "%s %s: not a loopback address; give --api-allow with the addresses or "
			 "networks that may connect", opt, value);
		return -1;
	}
	return 0;
}

static struct MHD_Daemon *http_start(struct api *api, const char *opt, const char *value,
				     MHD_AccessHandlerCallback handler, unsigned *port_out,
				     char *err, size_t err_len)
{
	char host[64], port[8];
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;

	if (bind_address(api, opt, value, host, sizeof(host), port, sizeof(port), err, err_len))
		return NULL;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)atoi(port));
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)atoi(port));
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, err_len, "%s: '%s' is not a numeric IPv4 or IPv6 address", opt, host);
		return NULL;
	}
	d = MHD_start_daemon(flags, 0, on_accept, api, handler, api,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)API_CONNECTIONS_MAX,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)API_PER_IP_MAX,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)API_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)API_MEMORY_MAX,
			     MHD_OPTION_NOTIFY_COMPLETED, on_request_done, api,
			     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, api, MHD_OPTION_END);
	if (!d) {
		snprintf(err, err_len, "%s %s: cannot listen (address in use or not local?)", opt,
			 value);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port_out = info ? info->port : 0;
	log_info("%s: listening on %s:%u", opt, host, *port_out);
	return d;
}

/* --- cgminer-style port ---------------------------------------------------- */

static json_t *cg_status(const char *code_type, int code, const char *msg)
{
	return json_pack("[{s:s,s:I,s:i,s:s,s:s}]", "STATUS", code_type, "When",
			 (json_int_t)time(NULL), "Code", code, "Msg", msg, "Description",
			 "quintminer " QM_VERSION);
}

/* The reply to one cgminer command (names and fields as cgminer's API has them). */
static json_t *cg_reply(struct api *api, const char *command)
{
	json_t *o = json_object(), *list = json_array();
	struct stats *s;
	double now = api_now();

	pthread_mutex_lock(&api->lock);
	s = api->stats;
	if (!strcmp(command, "summary")) {
		double up = now - api->start_s, dt = s ? now - s->start_s : 0;
		json_t *e = json_object();
		json_object_set_new(e, "Elapsed", json_integer((json_int_t)up));
		json_object_set_new(e, "MHS av", json_real(s && dt > 0 ? stats_total_hashes(s) / dt / 1e6
									  : 0));
		json_object_set_new(e, "MHS 5s", json_real(api->rate_total / 1e6));
		json_object_set_new(e, "Accepted", json_integer(s ? atomic_load(&s->accepted) : 0));
		json_object_set_new(e, "Rejected", json_integer(s ? atomic_load(&s->rejected) : 0));
		json_object_set_new(e, "Stale", json_integer(s ? atomic_load(&s->stale) : 0));
		json_object_set_new(e, "Found Blocks", json_integer(s ? atomic_load(&s->blocks) : 0));
		json_object_set_new(e, "Hardware Errors", json_integer(hw_errors(api)));
		json_array_append_new(list, e);
		json_object_set_new(o, "STATUS", cg_status("S", 11, "Summary"));
		json_object_set_new(o, "SUMMARY", list);
	} else if (!strcmp(command, "pools")) {
		for (unsigned i = 0; i < api->cfg->url_count; i++) {
			struct api_pool_info p;
			char url[512];
			json_t *e = json_object();
			pool_info(api, i, &p);
			mask_url(api->cfg->urls[i], url, sizeof(url));
			json_object_set_new(e, "POOL", json_integer(i));
			json_object_set_new(e, "URL", json_string(url));
			json_object_set_new(e, "Status", json_string(strcmp(p.state, "connected")
								     ? "Dead" : "Alive"));
			json_object_set_new(e, "Priority", json_integer(i));
			json_object_set_new(e, "Stratum Active", json_boolean(p.is_active));
			json_object_set_new(e, "User", json_string(api->cfg->user ? api->cfg->user : ""));
			json_object_set_new(e, "Difficulty", json_real(p.difficulty));
			if (p.accepted >= 0) {
				json_object_set_new(e, "Accepted", json_integer(p.accepted));
				json_object_set_new(e, "Rejected", json_integer(p.rejected));
			}
			if (p.latency_ms >= 0)
				json_object_set_new(e, "Latency ms", json_real(p.latency_ms));
			json_array_append_new(list, e);
		}
		json_object_set_new(o, "STATUS", cg_status("S", 7, "Pool(s)"));
		json_object_set_new(o, "POOLS", list);
	} else if (!strcmp(command, "devs")) {
		for (unsigned i = 0; s && i < s->thread_count; i++) {
			json_t *e = json_object();
			uint64_t h = atomic_load_explicit(&s->threads[i].hashes, memory_order_relaxed);
			double dt = now - s->start_s;
			json_object_set_new(e, "CPU", json_integer(i));
			json_object_set_new(e, "Enabled", json_string("Y"));
			json_object_set_new(e, "Status", json_string(api->is_paused ? "Idle" : "Alive"));
			json_object_set_new(e, "MHS av", json_real(dt > 0 ? (double)h / dt / 1e6 : 0));
			json_object_set_new(e, "MHS 5s", json_real(i < api->sample_count
								       ? api->rate_thread[i] / 1e6 : 0));
			json_object_set_new(e, "Algorithm", json_string(api->algo));
			json_array_append_new(list, e);
		}
		json_object_set_new(o, "STATUS", cg_status("S", 9, "Devs"));
		json_object_set_new(o, "DEVS", list);
	} else if (!strcmp(command, "version")) {
		json_array_append_new(list, json_pack("{s:s,s:s}", "Miner", "quintminer " QM_VERSION,
						      "API", "3.7"));
		json_object_set_new(o, "STATUS", cg_status("S", 22, "Version"));
		json_object_set_new(o, "VERSION", list);
	} else {
		json_decref(list);
		json_object_set_new(o, "STATUS", cg_status("E", 14, "Invalid command"));
	}
	pthread_mutex_unlock(&api->lock);
	json_object_set_new(o, "id", json_integer(1));
	return o;
}

/*
 * One cgminer client: reads until the request parses (JSON {"command": ...}
 * or cgminer's plain "command|parameter"), the peer stops sending, the
 * buffer is full or CGMINER_DEADLINE_MS passes; answers once and closes.
 */
static void cg_serve(struct api *api, struct net_conn *c)
{
	char buf[CGMINER_REQUEST_MAX + 1], command[32] = "";
	size_t len = 0;
	unsigned long long deadline = deadline_now_ms() + CGMINER_DEADLINE_MS;
	json_t *reply;
	int is_bad = 0;

	for (;;) {
		unsigned long long now = deadline_now_ms();
		size_t got = 0;
		int rc;

		if (now >= deadline || len == CGMINER_REQUEST_MAX)
			break;
		rc = net_read_some_bounded(c, buf + len, CGMINER_REQUEST_MAX - len,
					   (unsigned)(deadline - now), &got);
		if (rc != NET_LINE)
			break;
		len += got;
		buf[len] = '\0';
		if (buf[0] == '{') {
			json_t *req = json_loadb(buf, len, 0, NULL);
			const char *cmd = NULL;
			if (!req)
				continue; /* not complete yet */
			if (json_unpack(req, "{s:s}", "command", &cmd) || strlen(cmd) >= sizeof(command))
				is_bad = 1;
			else
				snprintf(command, sizeof(command), "%s", cmd);
			json_decref(req);
			break;
		}
		if (memchr(buf, '\n', len) || memchr(buf, '\0', len))
			break;
	}
	if (!command[0] && !is_bad && len && buf[0] != '{') {
		size_t n = strcspn(buf, "|\r\n");
		if (n && n < sizeof(command)) {
			memcpy(command, buf, n);
			command[n] = '\0';
		}
	}
	if (!command[0]) {
		reply = json_object();
		json_object_set_new(reply, "STATUS", cg_status("E", 23, "Invalid JSON or command"));
		json_object_set_new(reply, "id", json_integer(1));
	} else if (!strcmp(command, "quit") || !strcmp(command, "restart") ||
		   !strncmp(command, "switchpool", 10) || !strncmp(command, "pga", 3)) {
		reply = json_object();
		json_object_set_new(reply, "STATUS", cg_status("E", 45, "Access denied: read-only"));
		json_object_set_new(reply, "id", json_integer(1));
	} else {
		reply = cg_reply(api, command);
	}
	char *text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (text) {
		/* cgminer ends its reply with a NUL byte; clients expect it. */
		net_write_all(c, text, strlen(text) + 1, CGMINER_DEADLINE_MS);
		free(text);
	}
}

static void *cg_main(void *arg)
{
	struct api *api = arg;

	net_block_sigpipe();
	while (!atomic_load(&api->is_stopping)) {
		struct sockaddr_storage addr;
		struct net_conn *c;
		int rc = net_accept(api->cg, 200, &c, &addr);

		if (rc != NET_LINE)
			continue;
		if (api_allow_match(&api->allow, (struct sockaddr *)&addr))
			cg_serve(api, c);
		else
			log_debug("cgminer API: %s is not in --api-allow; refused", net_peer(c));
		net_close(c);
	}
	return NULL;
}

static int cg_start(struct api *api, const char *value, char *err, size_t err_len)
{
	char host[64], port[8];

	if (bind_address(api, "--cgminer-bind", value, host, sizeof(host), port, sizeof(port), err,
			 err_len))
		return -1;
	if (net_listen(&api->cg, host, port, err, err_len))
		return -1;
	if (pthread_create(&api->cg_thread, NULL, cg_main, api)) {
		snprintf(err, err_len, "--cgminer-bind: cannot start a thread");
		return -1;
	}
	api->has_cg_thread = 1;
	log_info("--cgminer-bind: listening on %s:%u", host, net_listener_port(api->cg));
	return 0;
}

/* --- life cycle ------------------------------------------------------------ */

int api_start(struct api **out, const struct options *cfg, const struct api_hooks *hooks,
	      struct topo *topo, const char *mode, char *err, size_t err_len)
{
	struct api *api;

	*out = NULL;
	if (!cfg->api_bind && !cfg->cgminer_bind && !cfg->metrics_bind)
		return 0;
	api = calloc(1, sizeof(*api));
	if (!api) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	api->cfg = cfg;
	if (hooks)
		api->hooks = *hooks;
	api->topo = topo;
	api->mode = mode;
	api->start_s = api_now();
	pthread_mutex_init(&api->lock, NULL);
	atomic_init(&api->is_stopping, 0);
	if (cfg->api_allow && api_allow_parse(&api->allow, cfg->api_allow, err, err_len))
		goto fail;
	if (cfg->api_bind && !(api->http = http_start(api, "--api-bind", cfg->api_bind,
						      on_api_request, &api->http_port, err,
						      err_len)))
		goto fail;
	if (cfg->metrics_bind &&
	    !(api->metrics = http_start(api, "--metrics-bind", cfg->metrics_bind,
					on_metrics_request, &api->metrics_port, err, err_len)))
		goto fail;
	if (cfg->cgminer_bind && cg_start(api, cfg->cgminer_bind, err, err_len))
		goto fail;
	*out = api;
	return 0;
fail:
	api_stop(api);
	return -1;
}

void api_set_stats(struct api *api, struct stats *stats, const char *algo, const char *impl)
{
	if (!api)
		return;
	pthread_mutex_lock(&api->lock);
	api->stats = stats;
	snprintf(api->algo, sizeof(api->algo), "%s", algo ? algo : "");
	snprintf(api->impl, sizeof(api->impl), "%s", impl ? impl : "");
	api->sample_t = 0;
	api->rate_total = 0;
	pthread_mutex_unlock(&api->lock);
}

void api_tick(struct api *api)
{
	struct stats *s;
	double now = api_now();

	if (!api)
		return;
	pthread_mutex_lock(&api->lock);
	s = api->stats;
	if (s && s->thread_count != api->sample_count) {
		uint64_t *h = realloc(api->sample_thread, s->thread_count * sizeof(*h));
		double *r = h ? realloc(api->rate_thread, s->thread_count * sizeof(*r)) : NULL;
		if (h)
			api->sample_thread = h;
		if (r)
			api->rate_thread = r;
		api->sample_count = h && r ? s->thread_count : 0;
		api->sample_t = 0;
	}
	if (s && api->sample_count && (api->sample_t == 0 || now - api->sample_t >= 1.0)) {
		/* Samples at least a second apart, however often this is called. */
		double dt = now - api->sample_t;
		int is_first = api->sample_t == 0;
		uint64_t total = 0;
		for (unsigned i = 0; i < api->sample_count; i++) {
			uint64_t h = atomic_load_explicit(&s->threads[i].hashes, memory_order_relaxed);
			double rate = is_first ? 0 : (double)(h - api->sample_thread[i]) / dt;
			api->rate_thread[i] = is_first ? 0
				: api->rate_thread[i] == 0 ? rate
				: (1 - RATE_SMOOTHING) * api->rate_thread[i] + RATE_SMOOTHING * rate;
			api->sample_thread[i] = h;
			total += h;
		}
		double rate = is_first ? 0 : (double)(total - api->sample_total) / dt;
		api->rate_total = is_first ? 0 : api->rate_total == 0 ? rate
				: (1 - RATE_SMOOTHING) * api->rate_total + RATE_SMOOTHING * rate;
		api->sample_total = total;
		api->sample_t = now;
	}
	pthread_mutex_unlock(&api->lock);
}

unsigned api_port(const struct api *api, const char *which)
{
	if (!api)
		return 0;
	if (!strcmp(which, "api"))
		return api->http_port;
	if (!strcmp(which, "metrics"))
		return api->metrics_port;
	if (!strcmp(which, "cgminer") && api->cg)
		return net_listener_port(api->cg);
	return 0;
}

void api_stop(struct api *api)
{
	if (!api)
		return;
	atomic_store(&api->is_stopping, 1);
	if (api->has_cg_thread)
		pthread_join(api->cg_thread, NULL);
	net_listener_close(api->cg);
	if (api->http)
		MHD_stop_daemon(api->http);
	if (api->metrics)
		MHD_stop_daemon(api->metrics);
	pthread_mutex_destroy(&api->lock);
	free(api->sample_thread);
	free(api->rate_thread);
	free(api);
}
