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

/*
 * url with the text of its userinfo (its authority before the last '@')
 * replaced by as many 'Z's, ':' kept, into masked. Returns 0, or -1 when url
 * has no userinfo.
 */
static int mask_userinfo(const char *url, char *masked)
{
	const char *a = strstr(url, "://"), *at = NULL;

	if (!a)
		return -1;
	a += 3;
	for (const char *c = a; c < a + strcspn(a, "/?#"); c++) {
		if (*c == '@')
			at = c;
	}
	if (!at)
		return -1;
	strcpy(masked, url);
	for (size_t i = (size_t)(a - url); i < (size_t)(at - url); i++) {
		if (masked[i] != ':')
			masked[i] = 'Z';
	}
	return 0;
}

/*
 * No part of the userinfo may show: what is shown for url must be what is
 * shown for the same URL with its userinfo masked (a comparison that holds
 * whatever text the userinfo shares with the scheme, the host or the
 * redaction's own "***").
 */
int fuzz_url(const uint8_t *data, size_t len)
{
	char *url = malloc(len + 1), *masked = malloc(len + 1), err[256], err_masked[256], shown[512],
	     shown_masked[512];
	struct stratum_url su;
	struct url u;
	struct rpc *r = NULL, *rm = NULL;

	if (!url || !masked)
		goto out;
	memcpy(url, data, len);
	url[len] = '\0';
	if (!stratum_url_parse(url, &su)) {
		FUZZ_CHECK(su.host[0] != '\0' && strlen(su.host) <= STRATUM_HOST_MAX);
		FUZZ_CHECK(atoi(su.port) >= 1 && atoi(su.port) <= 65535);
	}
	int rc = url_parse(url, &u, err, sizeof(err));
	if (!rc) {
		FUZZ_CHECK(u.host[0] != '\0' && strlen(u.host) <= URL_HOST_MAX);
		FUZZ_CHECK(atoi(u.port) >= 1 && atoi(u.port) <= 65535);
	}
	if (mask_userinfo(url, masked))
		goto out;
	FUZZ_CHECK(url_parse(masked, &u, err_masked, sizeof(err_masked)) == rc);
	FUZZ_CHECK(!rc || !strcmp(err, err_masked));
	url_redact(url, shown, sizeof(shown));
	url_redact(masked, shown_masked, sizeof(shown_masked));
	FUZZ_CHECK(!strcmp(shown, shown_masked));
	if (!rpc_new(&r, url, NULL, NULL, NULL, 0) && !rpc_new(&rm, masked, NULL, NULL, NULL, 0))
		FUZZ_CHECK(!strcmp(rpc_url(r), rpc_url(rm)));
	if (r)
		rpc_free(r);
	if (rm)
		rpc_free(rm);
out:
	free(url);
	free(masked);
	return 0;
}

FUZZ_ENTRY(fuzz_url)
