/* SPDX-License-Identifier: MIT */
/*
 * A -o URL: the stratum URL parser, and the node client's URL handling
 * (rpc_new keeps the URL without its user:password@ for logs: no part of
 * the authority before its last '@' may show).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "stratum.h"

int fuzz_url(const uint8_t *data, size_t len)
{
	char *url = malloc(len + 1);
	struct stratum_url su;
	struct rpc *r = NULL;

	if (!url)
		return 0;
	memcpy(url, data, len);
	url[len] = '\0';
	if (!stratum_url_parse(url, &su)) {
		FUZZ_CHECK(su.host[0] != '\0' && strlen(su.host) <= STRATUM_HOST_MAX);
		FUZZ_CHECK(atoi(su.port) >= 1 && atoi(su.port) <= 65535);
	}
	if (!rpc_new(&r, url, NULL, NULL, NULL, 0)) {
		/* What logs show has no user:password@ left in its authority. */
		const char *shown = rpc_url(r), *authority = strstr(shown, "://");

		if (authority && strstr(url, "://")) {
			authority += 3;
			FUZZ_CHECK(!memchr(authority, '@', strcspn(authority, "/?#")));
		}
		rpc_free(r);
	}
	free(url);
	return 0;
}

FUZZ_ENTRY(fuzz_url)
