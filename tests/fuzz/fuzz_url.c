/* SPDX-License-Identifier: MIT */
/*
 * A -o URL: url_parse (options.c's check of every -o), the stratum URL
 * parser, and what logs and messages show of a URL (url_redact, rpc_url):
 * no part of the USER:PASS before the authority's last '@' may show, in a
 * shown URL or in a refusal's reason.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "rpc.h"
#include "stratum.h"
#include "url.h"

/* How many times needle occurs in hay (overlapping ones too). */
static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/*
 * The userinfo of url (the text of its authority before the last '@') into
 * secret, and url without it into rest. Returns 0, or -1 when there is none
 * or it is too short to tell from other text.
 */
static int split_userinfo(const char *url, char *secret, size_t secret_len, char *rest,
			  size_t rest_len)
{
	const char *a = strstr(url, "://"), *at = NULL;
	size_t n;

	if (!a)
		return -1;
	a += 3;
	n = strcspn(a, "/?#");
	for (const char *c = a; c < a + n; c++) {
		if (*c == '@')
			at = c;
	}
	if (!at || at - a < 4)
		return -1;
	size_t len = (size_t)(at - a) < secret_len - 1 ? (size_t)(at - a) : secret_len - 1;
	memcpy(secret, a, len);
	secret[len] = '\0';
	size_t head = (size_t)(a - url);
	if (head + strlen(at + 1) + 1 > rest_len)
		return -1;
	memcpy(rest, url, head);
	strcpy(rest + head, at + 1);
	return 0;
}

/*
 * Does shown keep the userinfo of url? The same text may stand elsewhere
 * (the scheme, the host, a message's own words: "http://http@host"): it
 * leaks only if shown has it more often than baseline, what is shown for
 * the URL without its userinfo.
 */
static int leaks(const char *secret, const char *shown, const char *baseline)
{
	return count_of(shown, secret) > count_of(baseline, secret);
}

int fuzz_url(const uint8_t *data, size_t len)
{
	char *url = malloc(len + 1), err[256], shown[512];
	struct stratum_url su;
	struct url u;
	struct rpc *r = NULL;

	if (!url)
		return 0;
	memcpy(url, data, len);
	url[len] = '\0';
	if (!stratum_url_parse(url, &su)) {
		FUZZ_CHECK(su.host[0] != '\0' && strlen(su.host) <= STRATUM_HOST_MAX);
		FUZZ_CHECK(atoi(su.port) >= 1 && atoi(su.port) <= 65535);
	}
	char secret[64], rest[1024], base[1024];
	int has_secret = !split_userinfo(url, secret, sizeof(secret), rest, sizeof(rest));
	if (!url_parse(url, &u, err, sizeof(err))) {
		FUZZ_CHECK(u.host[0] != '\0' && strlen(u.host) <= URL_HOST_MAX);
		FUZZ_CHECK(atoi(u.port) >= 1 && atoi(u.port) <= 65535);
	}
	url_redact(url, shown, sizeof(shown));
	if (has_secret && strlen(url) + 4 <= sizeof(shown)) {
		url_redact(rest, base, sizeof(base));
		FUZZ_CHECK(!leaks(secret, shown, base));
	}
	if (!rpc_new(&r, url, NULL, NULL, NULL, 0)) {
		if (has_secret) {
			struct rpc *rr = NULL;
			snprintf(base, sizeof(base), "%s", rest);
			if (!rpc_new(&rr, rest, NULL, NULL, NULL, 0)) {
				snprintf(base, sizeof(base), "%s", rpc_url(rr));
				rpc_free(rr);
			}
			FUZZ_CHECK(!leaks(secret, rpc_url(r), base));
		}
		rpc_free(r);
	}
	free(url);
	return 0;
}

FUZZ_ENTRY(fuzz_url)
