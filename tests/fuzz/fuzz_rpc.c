/* SPDX-License-Identifier: MIT */
/* A node's JSON-RPC answer body: the envelope (gbt_rpc_answer), then, for a result, the template. */
#include "fuzz.h"

#include <jansson.h>

#include "gbt.h"

int fuzz_rpc(const uint8_t *data, size_t len)
{
	json_t *result = NULL;
	struct gbt_template t;
	char err[256];
	int code;

	switch (gbt_rpc_answer((const char *)data, len, &result, &code, err, sizeof(err))) {
	case GBT_ANSWER_RESULT:
		FUZZ_CHECK(result != NULL);
		if (!gbt_template_from_json(&t, result, err, sizeof(err)))
			gbt_template_release(&t);
		break;
	case GBT_ANSWER_ERROR:
		FUZZ_CHECK(result == NULL);
		for (const char *c = err; *c; c++)
			FUZZ_CHECK(*c >= 0x20 && *c < 0x7f);
		break;
	default:
		FUZZ_CHECK(result == NULL);
		break;
	}
	json_decref(result);
	return 0;
}

FUZZ_ENTRY(fuzz_rpc)
