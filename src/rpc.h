/* SPDX-License-Identifier: MIT */
#ifndef QM_RPC_H
#define QM_RPC_H

#include <signal.h>
#include <stddef.h>

/*
 * JSON-RPC 1.0 over HTTP(S) POST to a node (Bitcoin Core's dialect, which
 * DigiByte and Litecoin share): the only libcurl code (style.md §1).
 *
 * rpc.c moves text: it formats the request around a method and a params
 * JSON text, authenticates (basic auth from user/password, or the node's
 * cookie file, re-read on every call because the node rewrites it when it
 * restarts), bounds the time and the size of the answer, and hands back the
 * body. Parsing the body is the caller's job (gbt.c, with jansson).
 *
 * One struct rpc is one HTTP connection (kept alive between calls) and must
 * be used by one thread at a time; rpc_cancel() is the exception and may be
 * called from any thread.
 */

#define RPC_BODY_MAX (32u << 20)   /* largest answer accepted: a 4 MB block's template in hex */
#define RPC_COOKIE_MAX 1024        /* a cookie file is "__cookie__:" + 64 hex digits */

enum rpc_result {
	RPC_OK = 0,
	RPC_ERR_TRANSPORT = -1,  /* no HTTP answer: refused, reset, timed out, TLS failure */
	RPC_ERR_AUTH = -2,       /* HTTP 401: wrong user/password or cookie */
	RPC_ERR_HTTP = -3,       /* an HTTP status with no body to parse (403, 404, 5xx) */
	RPC_ERR_TOO_LARGE = -4,  /* the answer passed RPC_BODY_MAX */
	RPC_ERR_CANCELLED = -5,  /* rpc_cancel() was called */
	RPC_ERR_COOKIE = -6,     /* the cookie file cannot be read or is malformed */
	RPC_ERR_NOMEM = -7,
};

struct rpc;

/*
 * Initialises libcurl for the process. Call once from the main thread before
 * any other thread exists (curl_global_init is not thread-safe everywhere).
 * Returns 0 or -1. rpc_global_cleanup() undoes it at exit.
 */
int rpc_global_init(void);
void rpc_global_cleanup(void);

/*
 * Creates a client for url (http:// or https://). Authentication comes from
 * cookie_path when it is not NULL, else from user and pass, else from a
 * user:password@ in the URL. no_verify_tls skips certificate checks. The strings are
 * copied. Returns 0 and *out, or a negative enum rpc_result.
 */
int rpc_new(struct rpc **out, const char *url, const char *user, const char *pass,
	    const char *cookie_path, int no_verify_tls);

/* Frees the client and closes its connection. NULL-safe. */
void rpc_free(struct rpc *r);

/*
 * Makes one call: {"jsonrpc":"1.0","id":N,"method":method,"params":params}
 * where params is JSON text (an array). Waits at most timeout_ms for the
 * whole exchange. On RPC_OK, *body is the NUL-terminated answer (malloc'd,
 * the caller frees it) and *http_status its status: Bitcoin Core answers
 * JSON-RPC errors with 500 or 404 and a JSON body, so a body comes back for
 * any status that has one. On failure, err holds a one-line reason and
 * *body is NULL.
 */
int rpc_call(struct rpc *r, const char *method, const char *params, unsigned timeout_ms,
	     char **body, long *http_status, char *err, size_t err_len);

/*
 * Makes the call in flight (and every later call) on r fail with
 * RPC_ERR_CANCELLED at once (curl is woken). Thread-safe; used to stop a
 * thread that waits in a long poll or on a silent node.
 */
void rpc_cancel(struct rpc *r);
/*
 * The same, ms from now: calls still running then (or started later) fail
 * with RPC_ERR_CANCELLED within 100 ms; until then they may finish
 * (e.g. a found block's submitblock while the miner stops). An earlier
 * cancel is never postponed. Thread-safe.
 */
void rpc_cancel_after(struct rpc *r, unsigned ms);
/*
 * While *flag (may be NULL: none) is non-zero, calls fail at once, as after
 * rpc_cancel; for a caller whose stop is a signal handler's flag (start-up,
 * before a source has threads to stop). Call from the thread that makes
 * the calls.
 */
void rpc_set_stop_flag(struct rpc *r, const volatile sig_atomic_t *flag);

/* The URL without any user:password part, for logs. */
const char *rpc_url(const struct rpc *r);

#endif
