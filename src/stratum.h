/* SPDX-License-Identifier: MIT */
#ifndef QM_STRATUM_H
#define QM_STRATUM_H

#include <stddef.h>
#include <stdint.h>

#include "work.h"
#include "url.h"

/*
 * Stratum v1 pool client (docs/protocols.md §1), in two layers:
 *
 * 1. Pure functions: URL parsing, one parser from a received line to a
 *    struct stratum_msg (every field type-, length- and hex-checked; a
 *    notify becomes a struct job), request formatting, and a struct
 *    stratum_session that holds what the pool told us (extranonce1,
 *    difficulty, which job ids are still valid, which requests are
 *    outstanding). None of them does I/O, logs or touches globals, so the
 *    tests feed them anything. A parser that fails leaves its output and the
 *    session untouched.
 *
 * 2. The source (stratum_source_new in source.h, src/stratum_source.c): one
 *    thread per process that owns the connection (net.c), speaks the
 *    protocol, publishes jobs on the board, turns queued shares into
 *    mining.submit and fails over between the -o pools. Workers only call
 *    submit(), which queues.
 */

#define STRATUM_HOST_MAX URL_HOST_MAX
#define STRATUM_SESSION_ID_MAX 64   /* subscription id we keep to resume */
#define STRATUM_TEXT_MAX 256        /* error texts, show_message; longer is cut */
#define STRATUM_ID_TEXT_MAX 64      /* a request id from the pool, as JSON text */
#define STRATUM_METHOD_MAX 64
#define STRATUM_REQUESTS_MAX 64     /* outstanding requests on one connection */
#define STRATUM_VALID_JOBS 16       /* jobs since the last clean_jobs that we still submit to */
#define STRATUM_EN2_MARGIN 256      /* extranonce2 values skipped when a job is re-sent */
#define STRATUM_RECONNECT_WAIT_MAX 600 /* seconds client.reconnect may ask us to wait */

/* -o URL: stratum+tcp://host:port, stratum+ssl:// or stratum+tls:// (TLS). */
struct stratum_url {
	char host[STRATUM_HOST_MAX + 1]; /* without the brackets of an IPv6 literal */
	char port[6];
	int is_tls;
};

/*
 * Returns 0, or -1 if url is not a stratum URL with a host and a port in
 * 1..65535 (url_parse in url.h, which also says why).
 */
int stratum_url_parse(const char *url, struct stratum_url *out);

/*
 * Copies len bytes of src for a log line: printable ASCII only (anything
 * else becomes '?'), cut at cap - 1 bytes, NUL-terminated. cap must be >= 1.
 */
void stratum_printable(char *dst, size_t cap, const char *src, size_t len);

enum stratum_msg_kind {
	STRATUM_MSG_RESPONSE,        /* has id; result / error */
	STRATUM_MSG_NOTIFY,          /* mining.notify -> job */
	STRATUM_MSG_SET_DIFFICULTY,  /* mining.set_difficulty -> diff */
	STRATUM_MSG_SET_EXTRANONCE,  /* mining.set_extranonce -> extranonce */
	STRATUM_MSG_RECONNECT,       /* client.reconnect -> reconnect */
	STRATUM_MSG_GET_VERSION,     /* client.get_version (a request: answer id_text) */
	STRATUM_MSG_SHOW_MESSAGE,    /* client.show_message -> text */
	STRATUM_MSG_UNKNOWN_METHOD,  /* well-formed, method we do not know: log, answer if id */
};

enum stratum_result_kind {
	STRATUM_RESULT_TRUE,
	STRATUM_RESULT_FALSE,
	STRATUM_RESULT_NULL,
	STRATUM_RESULT_OTHER,        /* any other JSON value (e.g. the subscribe array) */
};

struct stratum_msg {
	enum stratum_msg_kind kind;
	/* Responses: our numeric id. Requests from the pool: their id as JSON text, or "". */
	int has_id;
	uint64_t id;
	char id_text[STRATUM_ID_TEXT_MAX + 1];
	char method[STRATUM_METHOD_MAX + 1];     /* printable, for logs */
	/* STRATUM_MSG_RESPONSE */
	enum stratum_result_kind result;
	int is_error;                            /* "error" is neither absent nor null */
	int error_code;                          /* 0 when the pool gave none */
	char error_text[STRATUM_TEXT_MAX + 1];   /* printable */
	/* STRATUM_MSG_NOTIFY: owned by the message (stratum_msg_release), or taken */
	struct job *job;
	/* STRATUM_MSG_SET_DIFFICULTY */
	double diff;
	/* STRATUM_MSG_SET_EXTRANONCE */
	uint8_t extranonce1[JOB_EXTRANONCE1_MAX];
	size_t extranonce1_len, extranonce2_len;
	/* STRATUM_MSG_RECONNECT: "" / NULL-ish values mean "the same" */
	char host[STRATUM_HOST_MAX + 1];
	char port[6];
	unsigned wait_s;
	/* STRATUM_MSG_SHOW_MESSAGE */
	char text[STRATUM_TEXT_MAX + 1];
};

/* Why stratum_parse refused a line (for logs). */
enum stratum_parse_error {
	STRATUM_OK = 0,
	STRATUM_ERR_JSON = -1,     /* not a JSON object */
	STRATUM_ERR_SHAPE = -2,    /* neither a response nor a method call */
	STRATUM_ERR_PARAMS = -3,   /* a known method with a wrong parameter type, length or hex */
	STRATUM_ERR_NOMEM = -4,
};

/*
 * Parses one received line (len bytes, need not be NUL-terminated) into msg.
 * A notify's job gets the pool's fields (id, prevhash in internal order,
 * coinbase halves, branches, version, nbits, ntime with ntime_max = ntime (until bound),
 * block_target from nbits, is_clean); the session fills the rest
 * (stratum_session_bind_job). Returns STRATUM_OK, or a negative enum
 * stratum_parse_error with msg zeroed (no allocation held) and, if why is
 * not NULL, a short reason (why_len bytes).
 */
int stratum_parse(const char *line, size_t len, struct stratum_msg *msg, char *why,
		  size_t why_len);

/* Frees what a parsed message owns (the notify job). NULL-safe; msg is zeroed. */
void stratum_msg_release(struct stratum_msg *msg);

/* What a mining.subscribe result told us. */
struct stratum_subscribe {
	char session_id[STRATUM_SESSION_ID_MAX + 1]; /* the mining.notify subscription, or "" */
	uint8_t extranonce1[JOB_EXTRANONCE1_MAX];
	size_t extranonce1_len, extranonce2_len;
};

/*
 * Parses the result of mining.subscribe from the whole response line:
 * [subscriptions (any shape), extranonce1_hex, extranonce2_size]. Returns 0,
 * or -1 (out untouched) on any type, length or hex error.
 */
int stratum_parse_subscribe(const char *line, size_t len, struct stratum_subscribe *out);

/*
 * BIP34 height from the start of the coinbase scriptSig inside coinb1
 * (serialized tx: version, input count 1, null prevout, script length, then
 * the height push or OP_1..OP_16). Returns 0 and *height, or -1 if coinb1
 * ends before it or does not start that way.
 */
int stratum_coinbase_height(const uint8_t *coinb1, size_t len, uint32_t *height);

/*
 * Request formatting: each writes one JSON line ending in '\n' into buf (cap
 * bytes) and returns its length, or -1 if it does not fit. Strings are
 * JSON-escaped.
 */
long stratum_format_subscribe(char *buf, size_t cap, uint64_t id, const char *agent,
			      const char *session_id);
long stratum_format_authorize(char *buf, size_t cap, uint64_t id, const char *user,
			      const char *pass);
long stratum_format_extranonce_subscribe(char *buf, size_t cap, uint64_t id);
long stratum_format_suggest_difficulty(char *buf, size_t cap, uint64_t id, double diff);
/* mining.submit [user, job_id, extranonce2_hex, ntime_hex, nonce_hex] of a share. */
long stratum_format_submit(char *buf, size_t cap, uint64_t id, const char *user,
			   const struct share *share);
/* Replies to a pool's request (id_text is its id as JSON text). */
long stratum_format_result(char *buf, size_t cap, const char *id_text, const char *result);
long stratum_format_error(char *buf, size_t cap, const char *id_text, int code,
			  const char *text);

/* The requests we send; outstanding ones are remembered by id. */
enum stratum_req_kind {
	STRATUM_REQ_NONE,
	STRATUM_REQ_SUBSCRIBE,
	STRATUM_REQ_AUTHORIZE,
	STRATUM_REQ_EXTRANONCE_SUBSCRIBE,
	STRATUM_REQ_SUGGEST_DIFFICULTY,
	STRATUM_REQ_SUBMIT,
};

struct stratum_request {
	uint64_t id;                  /* 0: free slot */
	enum stratum_req_kind kind;
	struct share *share;          /* STRATUM_REQ_SUBMIT: owned until the response */
	unsigned long long sent_ms;
};

/*
 * What the pool has told this client. Owned and used by one thread.
 * Jobs are tagged with `epoch`: it changes whenever shares of older jobs can
 * no longer be valid (another pool, or a subscription that did not resume
 * the old one), and clean_jobs empties the valid id list.
 */
struct stratum_session {
	const struct algo *algo;
	struct algo_params params;
	double diff_factor;           /* share target factor (algo->share_scale or --diff-factor) */
	/*
	 * Stratum v1 grants no ntime range; jobs get ntime_max = ntime + this
	 * (--ntime-roll; 0 after stratum_session_init: no rolling). Workers
	 * reach it only when a job's extranonce2 space is used up (work.h).
	 */
	uint32_t ntime_roll_s;
	unsigned pool;                /* index of the -o URL this session is on */
	int is_subscribed, is_authorized;
	char session_id[STRATUM_SESSION_ID_MAX + 1];
	uint8_t extranonce1[JOB_EXTRANONCE1_MAX];
	size_t extranonce1_len, extranonce2_len;
	double diff;                  /* from set_difficulty; applies to the next job */
	unsigned epoch;
	struct job *valid[STRATUM_VALID_JOBS]; /* ring of references to valid jobs; NULL = empty */
	unsigned valid_next;
	uint8_t last_prevhash[HASH_LEN];
	uint64_t next_id;
	struct stratum_request requests[STRATUM_REQUESTS_MAX];
};

/* Sets up a session for algo/params with the given factor; pool index 0, diff 1. */
void stratum_session_init(struct stratum_session *s, const struct algo *algo,
			  const struct algo_params *params, double diff_factor);
/* Frees the shares of outstanding submits (without reporting them) and drops the jobs. */
void stratum_session_release(struct stratum_session *s);

/*
 * A new connection to pool `pool` begins: forgets subscription state (keeps
 * session_id and extranonce1 of the same pool, to resume). Outstanding
 * requests must have been taken back first (stratum_session_take_expired).
 */
void stratum_session_connecting(struct stratum_session *s, unsigned pool);

/*
 * Applies a mining.subscribe result. When the pool resumed our session (same
 * pool, same extranonce1 and extranonce2 size) earlier jobs stay valid and
 * 1 is returned; otherwise the epoch changes, no earlier job is valid any
 * more, and 0 is returned. Returns -1 (session unchanged) for an
 * extranonce2 size above JOB_EXTRANONCE2_MAX.
 */
int stratum_session_subscribed(struct stratum_session *s, const struct stratum_subscribe *sub);

/* The pool would not resume the session: the next subscribe asks for a fresh one. */
void stratum_session_forget_id(struct stratum_session *s);

/* mining.authorize succeeded: shares may be submitted on this connection. */
void stratum_session_authorized(struct stratum_session *s);

/*
 * The connection ended: neither subscribed nor authorized until the next
 * one. Keeps what stratum_session_connecting keeps, for a resume.
 */
void stratum_session_disconnected(struct stratum_session *s);

/* mining.set_difficulty: returns 0, or -1 (unchanged) for a non-positive or non-finite diff. */
int stratum_session_set_difficulty(struct stratum_session *s, double diff);

/* mining.set_extranonce: applies from the next job. Returns 0, or -1 (unchanged). */
int stratum_session_set_extranonce(struct stratum_session *s, const uint8_t *extranonce1,
				   size_t extranonce1_len, size_t extranonce2_len);

/*
 * Completes a parsed notify job with the session's algorithm, extranonce1,
 * extranonce2 size, share target (work_diff_to_target(diff, factor)), epoch
 * and ntime_max (ntime + ntime_roll_s), and records it as valid (after
 * emptying the list on clean jobs; the session holds a reference). A job
 * whose id is still valid in this epoch (the pool re-sent it, e.g. after
 * resuming), or with the same work as a valid one, continues after the units
 * of work taken from the earlier one (its rolled ntimes included), so
 * workers do not hash the same headers again.
 * *is_new_block tells whether the prevhash changed. Returns 0, or -1
 * (session and job unchanged) when not subscribed yet.
 */
int stratum_session_bind_job(struct stratum_session *s, struct job *job, int *is_new_block);

/* Can a share of job still be submitted in this session (same epoch, id still valid)? */
int stratum_session_job_is_valid(const struct stratum_session *s, const struct job *job);

/*
 * Records an outstanding request and returns its id (never 0), or 0 if
 * STRATUM_REQUESTS_MAX are already outstanding. A submit's share is owned
 * by the session from here on.
 */
uint64_t stratum_session_add_request(struct stratum_session *s, enum stratum_req_kind kind,
				     struct share *share, unsigned long long now_ms);

/*
 * Takes the outstanding request with this id: returns its kind (and share,
 * now the caller's), or STRATUM_REQ_NONE for an id we are not waiting for.
 */
enum stratum_req_kind stratum_session_take_request(struct stratum_session *s, uint64_t id,
						   struct share **share);

/* When the outstanding request with this id was sent (ms, deadline_now_ms), or 0 if none. */
unsigned long long stratum_session_sent_ms(const struct stratum_session *s, uint64_t id);

/*
 * Takes one outstanding request of kind (STRATUM_REQ_NONE: any kind) sent
 * max_age_ms or more before now_ms (max_age_ms 0: any age) into *req;
 * returns 1, or 0 if there is none. Used to time requests out and to take
 * back in-flight shares after a disconnect.
 */
int stratum_session_take_expired(struct stratum_session *s, enum stratum_req_kind kind,
				 unsigned long long now_ms, unsigned long long max_age_ms,
				 struct stratum_request *req);

/* Outstanding requests of kind (STRATUM_REQ_NONE: all). */
unsigned stratum_session_outstanding(const struct stratum_session *s, enum stratum_req_kind kind);

#endif
