/* SPDX-License-Identifier: MIT */
#ifndef QM_URL_H
#define QM_URL_H

#include <stddef.h>

/*
 * -o URLs: the one parser of the program. options.c checks every URL with it
 * when the options are read (so a bad one is a usage error, exit 2), and the
 * scheme decides the kind of work source; stratum.c and the solo source take
 * host and port from the same function. Pure: no I/O, no allocation.
 *
 *   stratum+tcp://HOST:PORT             pool, plain TCP
 *   stratum+ssl://HOST:PORT  (+tls)     pool over TLS
 *   http://[USER:PASS@]HOST:PORT[/PATH] node RPC (solo, getblocktemplate)
 *   https://...                         node RPC over TLS
 *
 * HOST is a name, an IPv4 address or a bracketed IPv6 literal
 * (RFC 3986 §3.2.2); PORT is required and in 1..65535.
 */

#define URL_HOST_MAX 255

enum url_kind {
	URL_STRATUM, /* a pool: stratum v1 */
	URL_HTTP,    /* a node: JSON-RPC over HTTP */
};

struct url {
	enum url_kind kind;
	int is_tls;
	char host[URL_HOST_MAX + 1]; /* without the brackets of an IPv6 literal */
	char port[6];                /* decimal, 1..65535 */
	int has_credentials;         /* http: USER:PASS@ given */
};

/*
 * Parses text into *out. Returns 0, or -1 with *out untouched and a short
 * reason in err ("missing port", "port 99999 is out of range (1..65535)", ...),
 * err_len bytes, always NUL-terminated. Thread-safe.
 */
int url_parse(const char *text, struct url *out, char *err, size_t err_len);

/*
 * Copies text for a message, with any USER:PASS of its authority (up to the
 * last '@', RFC 3986 §3.2.1) replaced by "***" (so "USER:PASS@host" shows as
 * "***@host"). Cut to out_len - 1 bytes, NUL-terminated. Use it wherever a
 * URL is shown.
 */
void url_redact(const char *text, char *out, size_t out_len);

/* The schemes url_parse accepts, for messages: "stratum+tcp://, ... https://". */
extern const char url_schemes_text[];

#endif
