/* SPDX-License-Identifier: MIT */
/*
 * net.c against a scripted TCP peer on 127.0.0.1: lines split across
 * segments, CRLF, a line of exactly NET_LINE_MAX bytes, NUL bytes inside a
 * line, timeouts, the waker, a close mid-line, a 1 MiB line (refused, no
 * crash), writes, a refused connection and TLS against a peer that does not
 * speak it. Every wait in here is bounded.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "tap.h"

static int listen_fd = -1;
static char port[8];

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return; /* the client went away: fine for the oversize case */
		p += n;
		len -= (size_t)n;
	}
}

/* Accepts with a bound, so a failing client never leaves the peer hanging. */
static int accept_one(void)
{
	struct pollfd p = { .fd = listen_fd, .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		return -1;
	return accept(listen_fd, NULL, NULL);
}

static void *peer_main(void *arg)
{
	struct timeval tv = { 2, 0 };
	char *big;
	int fd;

	(void)arg;
	/* 1: lines in pieces, then silence, then a partial line and close. */
	fd = accept_one();
	if (fd < 0)
		return NULL;
	send_all(fd, "a\r\nb\npar", 8);
	sleep_ms(50);
	send_all(fd, "tial\n", 5);
	big = malloc(NET_LINE_MAX + 1);
	if (big) {
		memset(big, 'x', NET_LINE_MAX);
		big[NET_LINE_MAX] = '\n';
		send_all(fd, big, NET_LINE_MAX + 1);
	}
	send_all(fd, "emb\0ed\n", 7);
	sleep_ms(400);
	send_all(fd, "no-newline", 10);
	close(fd);

	/* 2: one MiB without a newline. */
	fd = accept_one();
	if (fd < 0)
		goto out;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (big) {
		for (int i = 0; i < 4; i++)
			send_all(fd, big, NET_LINE_MAX); /* 4 x 256 KiB of 'x' */
	}
	close(fd);

	/* 3: echo one line. */
	fd = accept_one();
	if (fd < 0)
		goto out;
	{
		char buf[64];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			send_all(fd, buf, (size_t)n);
	}
	sleep_ms(100);
	close(fd);

	/* 4: not TLS. */
	fd = accept_one();
	if (fd < 0)
		goto out;
	send_all(fd, "this is not TLS\n", 16);
	sleep_ms(100);
	close(fd);
out:
	free(big);
	return NULL;
}

static void test_lines(void)
{
	struct net_conn *c = NULL;
	struct net_waker w;
	const char *line;
	size_t len;
	char err[256];
	int rc;

	rc = net_connect(&c, "127.0.0.1", port, 0, NULL, 5000, err, sizeof(err));
	if (!tap_ok(rc == 0, "connect to the peer (%s)", err))
		return;
	tap_ok(!strcmp(net_peer(c), "127.0.0.1") || strstr(net_peer(c), port),
	       "peer is named %s", net_peer(c));
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_LINE && len == 1 && !strcmp(line, "a"), "CRLF line: '\\r' removed");
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_LINE && len == 1 && !strcmp(line, "b"), "second line of the same segment");
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_LINE && !strcmp(line, "partial"), "a line split across two segments");
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_LINE && len == NET_LINE_MAX && line[0] == 'x' &&
		       line[NET_LINE_MAX - 1] == 'x' && line[NET_LINE_MAX] == '\0',
	       "a line of exactly NET_LINE_MAX (%u) bytes", NET_LINE_MAX);
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_LINE && len == 6 && !memcmp(line, "emb\0ed", 6),
	       "a NUL byte inside a line is kept and counted");
	rc = net_read_line(c, NULL, 100, &line, &len);
	tap_ok(rc == NET_TIMEOUT && !line, "silence: timeout after 100 ms");
	if (!net_waker_init(&w)) {
		net_waker_wake(&w);
		net_waker_wake(&w);
		rc = net_read_line(c, &w, 5000, &line, &len);
		tap_ok(rc == NET_WOKEN, "the waker interrupts a wait");
		tap_ok(net_waker_wait(&w, 10) == NET_TIMEOUT, "a wake is consumed once");
		rc = net_read_line(c, &w, 5000, &line, &len);
		tap_ok(rc == NET_ERR_CLOSED, "close after a partial line: closed, partial dropped "
					     "(%s)", net_error(c));
		net_waker_release(&w);
	}
	net_close(c);
}

static void test_too_long(void)
{
	struct net_conn *c = NULL;
	const char *line;
	size_t len;
	char err[256];
	int rc;

	rc = net_connect(&c, "127.0.0.1", port, 0, NULL, 5000, err, sizeof(err));
	if (!tap_ok(rc == 0, "connect again (%s)", err))
		return;
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_ERR_TOO_LONG, "a 1 MiB line is refused (%s)", net_error(c));
	net_close(c);
}

static void test_write(void)
{
	struct net_conn *c = NULL;
	const char *line;
	size_t len;
	char err[256];
	int rc;

	rc = net_connect(&c, "localhost", port, 0, NULL, 5000, err, sizeof(err));
	if (!tap_ok(rc == 0, "connect by name (%s)", err))
		return;
	rc = net_write_all(c, "ping\n", 5, 5000);
	tap_ok(rc == 0, "write a line");
	rc = net_read_line(c, NULL, 5000, &line, &len);
	tap_ok(rc == NET_LINE && !strcmp(line, "ping"), "the echo comes back");
	net_close(c);
}

static void test_tls_refused(void)
{
	struct net_conn *c = NULL;
	char err[256];
	int rc;

	rc = net_connect(&c, "127.0.0.1", port, NET_USE_TLS, NULL, 5000, err, sizeof(err));
	tap_ok(rc == NET_ERR_TLS && !c && err[0], "TLS to a plain-text peer fails cleanly (%s)",
	       err);
}

static void test_refused(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct net_conn *c = NULL;
	char err[256], closed_port[8];
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

	/* A port that was just free: bind, read it back, close. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen)) {
		tap_ok(0, "a free port for the refusal test");
		return;
	}
	snprintf(closed_port, sizeof(closed_port), "%u", ntohs(a.sin_port));
	close(fd);
	rc = net_connect(&c, "127.0.0.1", closed_port, 0, NULL, 5000, err, sizeof(err));
	tap_ok(rc == NET_ERR_CONNECT && !c, "a closed port: refused (%s)", err);
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	pthread_t peer;

	net_block_sigpipe();
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(listen_fd, 4) || getsockname(listen_fd, (struct sockaddr *)&a, &alen)) {
		tap_ok(0, "listen on 127.0.0.1");
		return tap_done();
	}
	snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
	if (pthread_create(&peer, NULL, peer_main, NULL)) {
		tap_ok(0, "start the peer thread");
		return tap_done();
	}
	test_lines();
	test_too_long();
	test_write();
	test_tls_refused();
	pthread_join(peer, NULL);
	test_refused();
	close(listen_fd);
	return tap_done();
}
