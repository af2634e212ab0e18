/* SPDX-License-Identifier: MIT */
/* A --coinbase-addr (or the node's answer about one): address_decode and its parts. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "address.h"

int fuzz_address(const uint8_t *data, size_t len)
{
	char *text = malloc(len + 1);
	struct address addr;
	char err[160], hrp[ADDRESS_HRP_MAX + 1];
	uint8_t script[ADDRESS_SCRIPT_MAX], payload[64], values[ADDRESS_BECH32_MAX];
	size_t n;

	if (!text)
		return 0;
	memcpy(text, data, len);
	text[len] = '\0';
	if (!address_decode(&addr, text, err, sizeof(err))) {
		FUZZ_CHECK(addr.script_len >= 1 && addr.script_len <= ADDRESS_SCRIPT_MAX);
		FUZZ_CHECK(addr.chains != 0);
	}
	if (!address_base58check_decode(text, payload, sizeof(payload), &n))
		FUZZ_CHECK(n <= sizeof(payload));
	if (address_bech32_decode(text, hrp, values, sizeof(values), &n) > 0)
		FUZZ_CHECK(n <= sizeof(values) && strlen(hrp) <= ADDRESS_HRP_MAX);
	if (!address_segwit_decode(text, hrp, script, &n))
		FUZZ_CHECK(n >= 4 && n <= ADDRESS_SCRIPT_MAX);
	free(text);
	return 0;
}

FUZZ_ENTRY(fuzz_address)
