/* SPDX-License-Identifier: MIT */
#ifndef QM_NET_H
#define QM_NET_H

#include <stddef.h>

/*
 * Line transport over TCP or TLS (OpenSSL) with deadlines: the only socket
 * and OpenSSL code of the program (style.md §1). It knows nothing of
 * stratum: it connects, writes whole buffers and reads '\n'-terminated lines
 * of at most NET_LINE_MAX bytes. Every blocking step is a poll() bounded by
 * the caller's timeout, so a silent or slow peer can never hang a thread.
 *
 * A struct net_conn is used by one thread at a time. A struct net_waker lets
 * other threads interrupt that thread's wait in net_read_line (e.g. when a
 * share is queued); net_waker_wake is the only function here that is safe
 * to call from any thread.
 */

/*
 * Longest line accepted, without its '\n'. A stratum notify carries at most
 * JOB_COINBASE_MAX bytes of coinbase as hex plus 32 branches (~134 KiB), so
 * 256 KiB leaves room while a hostile 1 MiB line is refused.
 */
#define NET_LINE_MAX (256u * 1024u)

/* Results of net_read_line (>= 0) and errors (< 0) of every call here. */
enum net_result {
	NET_TIMEOUT = 0,       /* the deadline passed before a whole line arrived */
	NET_LINE = 1,          /* *line holds one line */
	NET_WOKEN = 2,         /* the waker fired */
	NET_ERR_CLOSED = -1,   /* the peer closed the connection (mid-line or not) */
	NET_ERR_IO = -2,       /* a socket call failed */
	NET_ERR_TOO_LONG = -3, /* a line exceeded NET_LINE_MAX: drop the connection */
	NET_ERR_RESOLVE = -4,  /* the host name did not resolve */
	NET_ERR_CONNECT = -5,  /* no address accepted the connection in time */
	NET_ERR_TLS = -6,      /* TLS set-up or I/O failed */
	NET_ERR_VERIFY = -7,   /* the server certificate failed verification */
	NET_ERR_NOMEM = -8,
	NET_ERR_STOPPED = -9,  /* net_connect: the stop waker fired */
};

enum net_flags {
	NET_USE_TLS = 1u << 0,   /* TLS over the TCP connection */
	NET_NO_VERIFY = 1u << 1, /* with TLS: accept any certificate (--no-verify-tls) */
};

struct net_conn;

#define NET_HOST_MAX 255       /* longest host name resolved (RFC 1035 §2.3.4) */
struct net_waker;
/*
 * Connects to host:port (a name or an address literal, without brackets),
 * then with NET_USE_TLS performs the TLS handshake, verifying the chain
 * against the system's trust store (OpenSSL's default paths, which honour
 * SSL_CERT_FILE / SSL_CERT_DIR) and the name or address unless NET_NO_VERIFY.
 * The whole set-up, name resolution included (it runs in a helper thread),
 * is bounded by timeout_ms. When stop (may be NULL) fires, the set-up is
 * abandoned at once with NET_ERR_STOPPED; stop is not drained, so it must be
 * a waker used for stopping only. Returns 0 and *out, or a negative enum
 * net_result with a one-line reason in err (err_len bytes, always
 * NUL-terminated).
 */
int net_connect(struct net_conn **out, const char *host, const char *port, unsigned flags,
		struct net_waker *stop, unsigned timeout_ms, char *err, size_t err_len);

/* Closes the connection (TLS close_notify best-effort) and frees it. NULL-safe. */
void net_close(struct net_conn *c);

/*
 * Writes len bytes, all of them or fails, within timeout_ms. Returns 0 or a
 * negative enum net_result (NET_TIMEOUT counts as failure: returned as
 * NET_ERR_IO with the reason in net_error).
 */
int net_write_all(struct net_conn *c, const char *buf, size_t len, unsigned timeout_ms);

struct net_waker;

/*
 * Waits up to timeout_ms for one complete line. On NET_LINE, *line points
 * to the line (NUL-terminated, '\n' and a trailing '\r' removed) and *len
 * is its length; the text stays valid until the next call on c. A line may
 * contain NUL bytes: use *len. Bytes after the line stay buffered for the
 * next call. waker (may be NULL) interrupts the wait with NET_WOKEN.
 * Negative results are final for the connection: close it.
 */
int net_read_line(struct net_conn *c, struct net_waker *waker, unsigned timeout_ms,
		  const char **line, size_t *len);

/* The reason of the last failure on c ("" if none). */
const char *net_error(const struct net_conn *c);

/* "host:port" the connection went to (for logs). */
const char *net_peer(const struct net_conn *c);

/*
 * A listening TCP socket, for the cgminer-style API port (api.c): servers
 * that must not parse HTTP live here too, so sockets stay in one file.
 */
struct net_listener;
struct sockaddr_storage;

/*
 * Listens on host:port (numeric address; port "0" picks a free one). Returns
 * 0 and *out, or a negative enum net_result with the reason in err.
 */
int net_listen(struct net_listener **out, const char *host, const char *port, char *err,
	       size_t err_len);

/* The port the listener is bound to. */
unsigned net_listener_port(const struct net_listener *l);

/*
 * Waits up to timeout_ms for a client. Returns NET_LINE with *out (a plain
 * TCP connection, read with net_read_some_bounded) and the client's
 * address in *addr, NET_TIMEOUT, or a negative enum net_result.
 */
int net_accept(struct net_listener *l, unsigned timeout_ms, struct net_conn **out,
	       struct sockaddr_storage *addr);

/* Closes the listener. NULL-safe. */
void net_listener_close(struct net_listener *l);

/*
 * Reads what arrives within timeout_ms, at most len bytes, for requests that
 * are not lines (a cgminer client sends one JSON object without '\n').
 * Returns NET_LINE with *got > 0, NET_TIMEOUT, or a negative enum net_result
 * (NET_ERR_CLOSED at end of stream).
 */
int net_read_some_bounded(struct net_conn *c, char *buf, size_t len, unsigned timeout_ms,
			  size_t *got);

/* A self-pipe: wakes a thread blocked in net_read_line or net_waker_wait. */
struct net_waker {
	int fds[2];
};

/* Returns 0, or NET_ERR_IO. */
int net_waker_init(struct net_waker *w);
void net_waker_release(struct net_waker *w);
/* Thread-safe and async-signal-safe; never blocks. */
void net_waker_wake(struct net_waker *w);
/* Waits up to timeout_ms for a wake; returns NET_WOKEN or NET_TIMEOUT (clears the wake). */
int net_waker_wait(struct net_waker *w, unsigned timeout_ms);

/*
 * Blocks SIGPIPE in the calling thread, so that writing to a socket the peer
 * has closed returns EPIPE instead of killing the process (OpenSSL writes
 * with write(2), which cannot pass MSG_NOSIGNAL). Call once at the start of
 * every thread that uses a net_conn.
 */
void net_block_sigpipe(void);

#endif
