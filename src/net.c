/* SPDX-License-Identifier: MIT */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "deadline.h"
#include "errbuf.h"

struct net_conn {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	/* Read buffer: bytes [start, end) are unread; [start, scan) hold no '\n'. */
	char *buf;
	size_t start, scan, end;
	size_t consumed; /* bytes of the line returned last time, consumed on the next call */
	char peer[300];
	char err[256];
};

#define NET_KEEPALIVE_IDLE_S 60     /* silence before the first TCP keepalive probe */
#define NET_KEEPALIVE_INTERVAL_S 10 /* between probes */
#define NET_KEEPALIVE_PROBES 3      /* unanswered probes that end the connection */

/* One extra byte for the NUL that terminates a line of exactly NET_LINE_MAX bytes. */
#define NET_BUF_LEN (NET_LINE_MAX + 1)
/* Bytes asked of the socket per read. */
#define NET_READ_CHUNK 16384

/* Milliseconds left until deadline (0 if passed), as a poll() timeout. */
static int net_left_ms(unsigned long long deadline)
{
	unsigned long long now = deadline_now_ms();

	if (now >= deadline)
		return 0;
	return deadline - now > 0x7fffffffull ? 0x7fffffff : (int)(deadline - now);
}

/* Appends OpenSSL's queued error text (and clears the queue). */
static void net_tls_err(char *err, size_t err_len, const char *what)
{
	unsigned long e = ERR_get_error();
	char text[160] = "";

	if (e)
		ERR_error_string_n(e, text, sizeof(text));
	ERR_clear_error();
	errbuf_set(err, err_len, "%s%s%s", what, e ? ": " : "", text);
}

void net_block_sigpipe(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/*
 * Waits for events on fd (and the waker) until deadline: 1 ready, 0 timeout,
 * 2 woken, <0 error. A waker that wakes a read is drained; a stop waker
 * (is_stop) is left readable, so every later wait sees it too.
 */
static int net_poll_ex(int fd, short events, struct net_waker *waker, int is_stop,
		       unsigned long long deadline)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = events } };
		nfds_t n = 1;
		int r;

		if (waker) {
			p[1].fd = waker->fds[0];
			p[1].events = POLLIN;
			n = 2;
		}
		r = poll(p, n, net_left_ms(deadline));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		if (waker && (p[1].revents & POLLIN)) {
			char drain[64];

			while (!is_stop && read(waker->fds[0], drain, sizeof(drain)) > 0)
				;
			return 2;
		}
		/* Errors and hang-ups are reported by the read/write that follows. */
		if (p[0].revents)
			return 1;
	}
}

static int net_poll(int fd, short events, struct net_waker *waker, unsigned long long deadline)
{
	return net_poll_ex(fd, events, waker, 0, deadline);
}

/*
 * Name resolution in a helper thread, so that a slow resolver is bounded by
 * the connect deadline and by the stop waker (getaddrinfo itself cannot be
 * interrupted). The helper and the caller share the request; whoever lets
 * go last frees it, so a caller that gives up returns at once and the
 * helper cleans up when the resolver answers.
 */
struct net_resolve {
	atomic_int refs;
	atomic_int is_done;         /* release/acquire: rc and list are written */
	struct net_waker done;
	char host[NET_HOST_MAX + 1], port[16];
	int rc;
	struct addrinfo *list;
};

static void net_resolve_unref(struct net_resolve *r)
{
	if (atomic_fetch_sub(&r->refs, 1) != 1)
		return;
	if (r->list)
		freeaddrinfo(r->list);
	net_waker_release(&r->done);
	free(r);
}

static void *net_resolve_main(void *arg)
{
	struct net_resolve *r = arg;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };

	r->rc = getaddrinfo(r->host, r->port, &hints, &r->list);
	atomic_store_explicit(&r->is_done, 1, memory_order_release);
	net_waker_wake(&r->done);
	net_resolve_unref(r);
	return NULL;
}

/* getaddrinfo bounded by deadline and stop: 0 and *list, or a negative enum net_result. */
static int net_resolve(const char *host, const char *port, struct net_waker *stop,
		       unsigned long long deadline, struct addrinfo **list, char *err,
		       size_t err_len)
{
	struct net_resolve *r;
	pthread_attr_t attr;
	pthread_t thread;
	int rc;

	*list = NULL;
	if (strlen(host) > NET_HOST_MAX || strlen(port) >= sizeof(r->port)) {
		errbuf_set(err, err_len, "cannot resolve %s: name too long", host);
		return NET_ERR_RESOLVE;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		errbuf_set(err, err_len, "out of memory");
		return NET_ERR_NOMEM;
	}
	if (net_waker_init(&r->done)) {
		errbuf_set(err, err_len, "pipe: %s", strerror(errno));
		free(r);
		return NET_ERR_IO;
	}
	strcpy(r->host, host);
	strcpy(r->port, port);
	atomic_init(&r->refs, 2);
	atomic_init(&r->is_done, 0);
	if (pthread_attr_init(&attr) ||
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) ||
	    (rc = pthread_create(&thread, &attr, net_resolve_main, r))) {
		pthread_attr_destroy(&attr);
		atomic_store(&r->refs, 1);
		net_resolve_unref(r);
		errbuf_set(err, err_len, "cannot start a resolver thread");
		return NET_ERR_IO;
	}
	pthread_attr_destroy(&attr);
	rc = net_poll_ex(r->done.fds[0], POLLIN, stop, 1, deadline);
	if (rc == 1 && atomic_load_explicit(&r->is_done, memory_order_acquire)) {
		if (r->rc) {
			errbuf_set(err, err_len, "cannot resolve %s: %s", host, gai_strerror(r->rc));
			rc = NET_ERR_RESOLVE;
		} else {
			*list = r->list;
			r->list = NULL;
			rc = 0;
		}
	} else if (rc == 2) {
		errbuf_set(err, err_len, "stopped while resolving %s", host);
		rc = NET_ERR_STOPPED;
	} else {
		errbuf_set(err, err_len, "cannot resolve %s: %s", host,
			    rc == 0 ? "timed out" : strerror(errno));
		rc = NET_ERR_RESOLVE;
	}
	net_resolve_unref(r);
	return rc;
}

static int net_tcp_connect(struct net_conn *c, const char *host, const char *port,
			   struct net_waker *stop, unsigned long long deadline, char *err,
			   size_t err_len)
{
	struct addrinfo *list = NULL;
	int rc, last_errno = 0;

	rc = net_resolve(host, port, stop, deadline, &list, err, err_len);
	if (rc)
		return rc;
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				ai->ai_protocol);
		int one = 1, so_err = 0;
		socklen_t so_len = sizeof(so_err);

		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			if (errno != EINPROGRESS) {
				last_errno = errno;
				close(fd);
				continue;
			}
			rc = net_poll_ex(fd, POLLOUT, stop, 1, deadline);
			if (rc == 2) {
				close(fd);
				freeaddrinfo(list);
				errbuf_set(err, err_len, "stopped while connecting to %s", c->peer);
				return NET_ERR_STOPPED;
			}
			if (rc <= 0) {
				last_errno = rc == 0 ? ETIMEDOUT : errno;
				close(fd);
				continue;
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_err, &so_len) < 0 || so_err) {
				last_errno = so_err ? so_err : errno;
				close(fd);
				continue;
			}
		}
		/*
		 * Shares are small and latency matters. Keepalive probes after
		 * NET_KEEPALIVE_IDLE_S of silence (Linux's default is 2 hours) keep
		 * NAT and firewall mappings of a quiet high-difficulty connection
		 * alive, and notice a peer that vanished without a FIN within
		 * about 90 s (tcp(7): TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT).
		 */
		int idle_s = NET_KEEPALIVE_IDLE_S, intvl_s = NET_KEEPALIVE_INTERVAL_S,
		    probes = NET_KEEPALIVE_PROBES;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle_s, sizeof(idle_s));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl_s, sizeof(intvl_s));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
		c->fd = fd;
		freeaddrinfo(list);
		return 0;
	}
	freeaddrinfo(list);
	errbuf_set(err, err_len, "cannot connect to %s: %s", c->peer,
		   strerror(last_errno ? last_errno : ECONNREFUSED));
	return NET_ERR_CONNECT;
}

/* Is host an IPv4 or IPv6 literal (checked as an address, not a name)? */
static int net_is_ip(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static int net_tls_handshake(struct net_conn *c, const char *host, unsigned flags,
			     struct net_waker *stop, unsigned long long deadline, char *err,
			     size_t err_len)
{
	int is_verify = !(flags & NET_NO_VERIFY);

	ERR_clear_error();
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx) {
		net_tls_err(err, err_len, "SSL_CTX_new");
		return NET_ERR_TLS;
	}
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (is_verify) {
		if (SSL_CTX_set_default_verify_paths(c->ctx) != 1) {
			net_tls_err(err, err_len, "loading the trust store");
			return NET_ERR_TLS;
		}
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	} else {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	}
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		net_tls_err(err, err_len, "SSL_new");
		return NET_ERR_TLS;
	}
	if (net_is_ip(host)) {
		/* RFC 6066 §3: no SNI for address literals; match the address instead. */
		if (is_verify &&
		    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) != 1) {
			net_tls_err(err, err_len, "setting the expected address");
			return NET_ERR_TLS;
		}
	} else {
		if (SSL_set_tlsext_host_name(c->ssl, host) != 1 ||
		    (is_verify && SSL_set1_host(c->ssl, host) != 1)) {
			net_tls_err(err, err_len, "setting the server name");
			return NET_ERR_TLS;
		}
	}
	for (;;) {
		int r = SSL_connect(c->ssl), e, p;

		if (r == 1)
			return 0;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			p = net_poll_ex(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, stop,
					1, deadline);
			if (p == 2) {
				errbuf_set(err, err_len, "stopped during the TLS handshake with %s",
					    c->peer);
				return NET_ERR_STOPPED;
			}
			if (p <= 0) {
				errbuf_set(err, err_len, "TLS handshake with %s: %s", c->peer,
					   p == 0 ? "timed out" : strerror(errno));
				return NET_ERR_TLS;
			}
			continue;
		}
		if (is_verify && SSL_get_verify_result(c->ssl) != X509_V_OK) {
			errbuf_set(err, err_len,
				   "certificate of %s not trusted: %s (use "
				   "--no-verify-tls to accept it)",
				   c->peer,
				   X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
			ERR_clear_error();
			return NET_ERR_VERIFY;
		}
		net_tls_err(err, err_len, "TLS handshake failed");
		return NET_ERR_TLS;
	}
}

int net_connect(struct net_conn **out, const char *host, const char *port, unsigned flags,
		struct net_waker *stop, unsigned timeout_ms, char *err, size_t err_len)
{
	unsigned long long deadline = deadline_now_ms() + timeout_ms;
	struct net_conn *c;
	int rc;

	*out = NULL;
	errbuf_set(err, err_len, "%s", "");
	c = calloc(1, sizeof(*c));
	if (!c || !(c->buf = malloc(NET_BUF_LEN))) {
		free(c);
		errbuf_set(err, err_len, "out of memory");
		return NET_ERR_NOMEM;
	}
	c->fd = -1;
	snprintf(c->peer, sizeof(c->peer), strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	rc = net_tcp_connect(c, host, port, stop, deadline, err, err_len);
	if (!rc && (flags & NET_USE_TLS))
		rc = net_tls_handshake(c, host, flags, stop, deadline, err, err_len);
	if (rc) {
		net_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void net_close(struct net_conn *c)
{
	if (!c)
		return;
	if (c->ssl) {
		/* Best effort, non-blocking: never wait for the peer's close_notify. */
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	ERR_clear_error();
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

const char *net_error(const struct net_conn *c)
{
	return c->err;
}

const char *net_peer(const struct net_conn *c)
{
	return c->peer;
}

/* One read into buf: >0 bytes, 0 would block (with *events to wait for), <0 result. */
static long net_read_some(struct net_conn *c, char *buf, size_t len, short *events)
{
	if (c->ssl) {
		size_t got = 0;
		int r, e;

		ERR_clear_error();
		r = SSL_read_ex(c->ssl, buf, len, &got);
		if (r == 1)
			return (long)got;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			*events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
			return 0;
		}
		if (e == SSL_ERROR_ZERO_RETURN) {
			errbuf_set(c->err, sizeof(c->err), "connection closed by peer");
			return NET_ERR_CLOSED;
		}
		if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
			/* EOF without close_notify: treat as a plain close. */
			errbuf_set(c->err, sizeof(c->err), "connection closed by peer%s%s",
				   errno ? ": " : "", errno ? strerror(errno) : "");
			return NET_ERR_CLOSED;
		}
		net_tls_err(c->err, sizeof(c->err), "TLS read");
		return NET_ERR_TLS;
	}
	for (;;) {
		ssize_t r = recv(c->fd, buf, len, 0);

		if (r > 0)
			return (long)r;
		if (r == 0) {
			errbuf_set(c->err, sizeof(c->err), "connection closed by peer");
			return NET_ERR_CLOSED;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			*events = POLLIN;
			return 0;
		}
		errbuf_set(c->err, sizeof(c->err), "read: %s", strerror(errno));
		return errno == ECONNRESET ? NET_ERR_CLOSED : NET_ERR_IO;
	}
}

int net_read_line(struct net_conn *c, struct net_waker *waker, unsigned timeout_ms,
		  const char **line, size_t *len)
{
	unsigned long long deadline = deadline_now_ms() + timeout_ms;

	*line = NULL;
	*len = 0;
	c->start += c->consumed;
	c->consumed = 0;
	if (c->scan < c->start)
		c->scan = c->start;
	for (;;) {
		char *nl = memchr(c->buf + c->scan, '\n', c->end - c->scan);
		short events = POLLIN;
		long got;
		int p;

		if (nl) {
			size_t n = (size_t)(nl - (c->buf + c->start));

			*nl = '\0';
			c->consumed = n + 1;
			c->scan = c->start + n + 1;
			if (n && c->buf[c->start + n - 1] == '\r')
				c->buf[c->start + --n] = '\0';
			*line = c->buf + c->start;
			*len = n;
			return NET_LINE;
		}
		c->scan = c->end;
		if (c->end - c->start > NET_LINE_MAX) {
			errbuf_set(c->err, sizeof(c->err), "line longer than %u bytes refused",
				   NET_LINE_MAX);
			return NET_ERR_TOO_LONG;
		}
		if (c->start) {
			memmove(c->buf, c->buf + c->start, c->end - c->start);
			c->end -= c->start;
			c->scan -= c->start;
			c->start = 0;
		}
		{
			size_t room = NET_BUF_LEN - c->end;

			got = net_read_some(c, c->buf + c->end,
					    room < NET_READ_CHUNK ? room : NET_READ_CHUNK, &events);
		}
		if (got > 0) {
			c->end += (size_t)got;
			continue;
		}
		if (got < 0)
			return (int)got;
		p = net_poll(c->fd, events, waker, deadline);
		if (p == 2)
			return NET_WOKEN;
		if (p == 0)
			return NET_TIMEOUT;
		if (p < 0) {
			errbuf_set(c->err, sizeof(c->err), "poll: %s", strerror(errno));
			return NET_ERR_IO;
		}
	}
}

int net_write_all(struct net_conn *c, const char *buf, size_t len, unsigned timeout_ms)
{
	unsigned long long deadline = deadline_now_ms() + timeout_ms;
	size_t done = 0;

	while (done < len) {
		short events = POLLOUT;
		int p;

		if (c->ssl) {
			size_t n = 0;
			int r, e;

			ERR_clear_error();
			r = SSL_write_ex(c->ssl, buf + done, len - done, &n);
			if (r == 1) {
				done += n;
				continue;
			}
			e = SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_WANT_READ)
				events = POLLIN;
			else if (e != SSL_ERROR_WANT_WRITE) {
				if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
					errbuf_set(c->err, sizeof(c->err), "write: %s",
						   strerror(errno ? errno : EPIPE));
					return NET_ERR_CLOSED;
				}
				net_tls_err(c->err, sizeof(c->err), "TLS write");
				return NET_ERR_TLS;
			}
		} else {
			ssize_t n = send(c->fd, buf + done, len - done, MSG_NOSIGNAL);

			if (n > 0) {
				done += (size_t)n;
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				errbuf_set(c->err, sizeof(c->err), "write: %s", strerror(errno));
				return errno == EPIPE || errno == ECONNRESET ? NET_ERR_CLOSED
									     : NET_ERR_IO;
			}
		}
		p = net_poll(c->fd, events, NULL, deadline);
		if (p <= 0) {
			errbuf_set(c->err, sizeof(c->err), "write: %s",
				   p == 0 ? "timed out" : strerror(errno));
			return NET_ERR_IO;
		}
	}
	return 0;
}

int net_waker_init(struct net_waker *w)
{
	if (pipe(w->fds) < 0) {
		w->fds[0] = w->fds[1] = -1;
		return NET_ERR_IO;
	}
	for (int i = 0; i < 2; i++) {
		if (fcntl(w->fds[i], F_SETFL, O_NONBLOCK) < 0 ||
		    fcntl(w->fds[i], F_SETFD, FD_CLOEXEC) < 0) {
			net_waker_release(w);
			return NET_ERR_IO;
		}
	}
	return 0;
}

void net_waker_release(struct net_waker *w)
{
	for (int i = 0; i < 2; i++) {
		if (w->fds[i] >= 0)
			close(w->fds[i]);
		w->fds[i] = -1;
	}
}

void net_waker_wake(struct net_waker *w)
{
	char one = 1;

	/* A full pipe already holds a pending wake: EAGAIN is fine. */
	if (write(w->fds[1], &one, 1) < 0)
		return;
}

int net_waker_wait(struct net_waker *w, unsigned timeout_ms)
{
	unsigned long long deadline = deadline_now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = w->fds[0], .events = POLLIN };
		int r = poll(&p, 1, net_left_ms(deadline));
		char drain[64];

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return NET_TIMEOUT;
		while (read(w->fds[0], drain, sizeof(drain)) > 0)
			;
		return NET_WOKEN;
	}
}

/* --- listening (the cgminer-style API port) ------------------------------ */

struct net_listener {
	int fd;
	unsigned port;
};

int net_listen(struct net_listener **out, const char *host, const char *port, char *err,
	       size_t err_len)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	struct net_listener *l;
	struct sockaddr_storage ss;
	socklen_t ss_len = sizeof(ss);
	int one = 1, rc;

	*out = NULL;
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		errbuf_set(err, err_len, "%s:%s: %s", host, port, gai_strerror(rc));
		return NET_ERR_RESOLVE;
	}
	l = calloc(1, sizeof(*l));
	if (!l) {
		freeaddrinfo(ai);
		errbuf_set(err, err_len, "out of memory");
		return NET_ERR_NOMEM;
	}
	l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l->fd, ai->ai_addr, ai->ai_addrlen) || listen(l->fd, 16) ||
	    getsockname(l->fd, (struct sockaddr *)&ss, &ss_len)) {
		errbuf_set(err, err_len, "cannot listen on %s:%s: %s", host, port, strerror(errno));
		freeaddrinfo(ai);
		net_listener_close(l);
		return NET_ERR_IO;
	}
	freeaddrinfo(ai);
	l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						 : ((struct sockaddr_in *)&ss)->sin_port);
	*out = l;
	return 0;
}

unsigned net_listener_port(const struct net_listener *l)
{
	return l->port;
}

int net_accept(struct net_listener *l, unsigned timeout_ms, struct net_conn **out,
	       struct sockaddr_storage *addr)
{
	socklen_t len = sizeof(*addr);
	struct net_conn *c;
	char host[INET6_ADDRSTRLEN] = "?";
	int fd, p;

	*out = NULL;
	p = net_poll(l->fd, POLLIN, NULL, deadline_now_ms() + timeout_ms);
	if (p <= 0)
		return p == 0 ? NET_TIMEOUT : NET_ERR_IO;
	fd = accept(l->fd, (struct sockaddr *)addr, &len);
	if (fd < 0)
		return errno == EAGAIN || errno == EINTR || errno == ECONNABORTED ? NET_TIMEOUT
										  : NET_ERR_IO;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC)) {
		close(fd);
		return NET_ERR_IO;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return NET_ERR_NOMEM;
	}
	c->fd = fd;
	if (addr->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)addr)->sin6_addr, host, sizeof(host));
	else if (addr->ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)addr)->sin_addr, host, sizeof(host));
	snprintf(c->peer, sizeof(c->peer), "%s", host);
	*out = c;
	return NET_LINE;
}

void net_listener_close(struct net_listener *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l);
}

int net_read_some_bounded(struct net_conn *c, char *buf, size_t len, unsigned timeout_ms,
			  size_t *got)
{
	unsigned long long deadline = deadline_now_ms() + timeout_ms;

	*got = 0;
	for (;;) {
		short events = POLLIN;
		long r = net_read_some(c, buf, len, &events);
		int p;

		if (r > 0) {
			*got = (size_t)r;
			return NET_LINE;
		}
		if (r < 0)
			return (int)r;
		p = net_poll(c->fd, events, NULL, deadline);
		if (p == 0)
			return NET_TIMEOUT;
		if (p < 0)
			return NET_ERR_IO;
	}
}
