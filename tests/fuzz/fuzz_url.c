/* SPDX-License-Identifier: MIT */
/*
 * A -o URL: url_parse (options.c's check of every -o), the stratum URL
 * parser, and what logs and messages show of a URL (url_redact, rpc_url):
 * no part of the USER:PASS before the authority's last '@' may show, in a
 * shown URL or in a refusal's reason.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "stratum.h"
#include "url.h"

/* Does shown keep any of the userinfo of url (the text of its authority before the last '@')? */
static int shows_userinfo(const char *url, const char *shown)
{
	const char *a = strstr(url, "://"), *at = NULL;
	size_t n;

	if (!a)
		return 0;
	a += 3;
	n = strcspn(a, "/?#");
	for (const char *c = a; c < a + n; c++) {
		if (*c == '@')
			at = c;
	}
	if (!at || at - a < 4)
		return 0; /* no userinfo, or too short to tell from other text */
	char secret[64];
	size_t len = (size_t)(at - a) < sizeof(secret) - 1 ? (size_t)(at - a) : sizeof(secret) - 1;

	memcpy(secret, a, len);
	secret[len] = '\0';
	return strstr(shown, secret) != NULL;
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
	if (!url_parse(url, &u, err, sizeof(err))) {
		FUZZ_CHECK(u.host[0] != '\0' && strlen(u.host) <= URL_HOST_MAX);
		FUZZ_CHECK(atoi(u.port) >= 1 && atoi(u.port) <= 65535);
	} else {
		/* A refused URL's reason never repeats its USER:PASS. */
		FUZZ_CHECK(!shows_userinfo(url, err));
	}
	url_redact(url, shown, sizeof(shown));
	if (strlen(url) + 4 <= sizeof(shown))
		FUZZ_CHECK(!shows_userinfo(url, shown));
	if (!rpc_new(&r, url, NULL, NULL, NULL, 0)) {
		FUZZ_CHECK(!shows_userinfo(url, rpc_url(r)));
		rpc_free(r);
	}
	free(url);
	return 0;
}

FUZZ_ENTRY(fuzz_url)
