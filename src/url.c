/* SPDX-License-Identifier: MIT */
#include "url.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *prefix;
	enum url_kind kind;
	int is_tls;
} schemes[] = {
	{ "stratum+tcp://", URL_STRATUM, 0 },
	{ "stratum+ssl://", URL_STRATUM, 1 },
	{ "stratum+tls://", URL_STRATUM, 1 },
	{ "http://", URL_HTTP, 0 },
	{ "https://", URL_HTTP, 1 },
};

const char url_schemes_text[] =
	"stratum+tcp://, stratum+ssl://, stratum+tls://, http:// or https://";

static int url_fail(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int url_fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The port from p up to end (exclusive): digits only, 1..65535. */
static int url_port(const char *p, const char *end, char port[6], char *err, size_t err_len)
{
	unsigned long v = 0;
	int len = (int)(end - p);

	if (p == end)
		return url_fail(err, err_len, "missing port (HOST:PORT)");
	for (const char *c = p; c < end; c++) {
		if (!isdigit((unsigned char)*c))
			return url_fail(err, err_len, "port '%.*s' is not a number", len > 16 ? 16 : len,
					p);
		if (v <= 65535)
			v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v < 1 || v > 65535)
		return url_fail(err, err_len, "port %.*s is out of range (1..65535)",
				len > 16 ? 16 : len, p);
	snprintf(port, 6, "%lu", v);
	return 0;
}

/* RFC 3986 §3.2.1: the userinfo of [p, end) ends at its last '@'; NULL if none. */
static const char *url_userinfo_end(const char *p, const char *end)
{
	const char *at = NULL;

	for (const char *c = p; c < end; c++) {
		if (*c == '@')
			at = c;
	}
	return at;
}

void url_redact(const char *text, char *out, size_t out_len)
{
	const char *p = strstr(text, "://"), *at;

	if (!out_len)
		return;
	at = p ? url_userinfo_end(p + 3, p + 3 + strcspn(p + 3, "/?#")) : NULL;
	if (!at) {
		snprintf(out, out_len, "%s", text);
		return;
	}
	snprintf(out, out_len, "%.*s***%s", (int)(p + 3 - text), text, at);
}

int url_parse(const char *text, struct url *out, char *err, size_t err_len)
{
	struct url u = { 0 };
	const char *p = NULL, *authority_end, *host, *host_end, *port;

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]) && !p; i++) {
		size_t n = strlen(schemes[i].prefix);
		if (!strncasecmp(text, schemes[i].prefix, n)) {
			p = text + n;
			u.kind = schemes[i].kind;
			u.is_tls = schemes[i].is_tls;
		}
	}
	if (!p) {
		const char *sep = strstr(text, "://");
		if (sep)
			return url_fail(err, err_len, "unknown scheme '%.*s://' (use %s)",
					(int)(sep - text > 20 ? 20 : sep - text), text,
					url_schemes_text);
		return url_fail(err, err_len, "no scheme (use %s)", url_schemes_text);
	}
	authority_end = p + strcspn(p, "/?#");
	const char *at = url_userinfo_end(p, authority_end);

	if (u.kind == URL_HTTP) {
		if (at) {
			u.has_credentials = 1;
			p = at + 1;
		}
	} else if (at) {
		/* Said without echoing the URL: the userinfo may hold a password. */
		return url_fail(err, err_len, "a stratum URL has no USER:PASS@ (use -u and -p)");
	} else if (*authority_end && strcmp(authority_end, "/")) {
		return url_fail(err, err_len, "a stratum URL has no path ('%.20s')", authority_end);
	}
	if (*p == '[') {
		host = p + 1;
		host_end = memchr(host, ']', (size_t)(authority_end - host));
		if (!host_end)
			return url_fail(err, err_len, "unclosed '[' in the host");
		if (host_end + 1 == authority_end)
			return url_fail(err, err_len, "missing port (HOST:PORT)");
		if (host_end[1] != ':')
			return url_fail(err, err_len, "':PORT' must follow ']'");
		port = host_end + 2;
	} else {
		host = p;
		host_end = memchr(host, ':', (size_t)(authority_end - host));
		if (!host_end) {
			if (host == authority_end)
				return url_fail(err, err_len, "missing host and port (HOST:PORT)");
			return url_fail(err, err_len, "missing port (HOST:PORT)");
		}
		port = host_end + 1;
	}
	if (host_end == host)
		return url_fail(err, err_len, "missing host");
	if ((size_t)(host_end - host) > URL_HOST_MAX)
		return url_fail(err, err_len, "host name longer than %d characters", URL_HOST_MAX);
	for (const char *c = host; c < host_end; c++) {
		if (!isalnum((unsigned char)*c) && !strchr(".-_", *c) && !(*c == ':' && *p == '['))
			return url_fail(err, err_len, "'%c' in the host name",
					isprint((unsigned char)*c) ? *c : '?');
	}
	if (url_port(port, authority_end, u.port, err, err_len))
		return -1;
	memcpy(u.host, host, (size_t)(host_end - host));
	u.host[host_end - host] = '\0';
	*out = u;
	return 0;
}
