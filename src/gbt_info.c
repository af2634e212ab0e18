/* SPDX-License-Identifier: MIT */
#include "gbt_info.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

static double positive_number(json_t *v)
{
	double d = json_is_number(v) ? json_number_value(v) : 0;

	return isfinite(d) && d > 0 ? d : 0;
}

/* The name the node uses for a: node_name ("odo"), else the algorithm's name. */
static const char *node_name(const struct algo *a)
{
	return a->node_name ? a->node_name : a->name;
}

int gbt_info_parse_difficulties(const char *json, size_t len, const struct algo *fallback,
				double diffs[], char *err, size_t err_len)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	int found = 0;

	for (unsigned i = 0; i < algo_count; i++)
		diffs[i] = 0;
	if (!json_is_object(root)) {
		snprintf(err, err_len, "getmininginfo result is not a JSON object%s%s",
			 root ? "" : ": ", root ? "" : jerr.text);
		json_decref(root);
		return -1;
	}
	/* A whole JSON-RPC answer: its error, or its result. */
	json_t *rpc_err = json_object_get(root, "error");
	if (rpc_err && !json_is_null(rpc_err)) {
		json_t *msg = json_is_object(rpc_err) ? json_object_get(rpc_err, "message") : NULL;
		snprintf(err, err_len, "getmininginfo: %.200s",
			 json_is_string(msg) ? json_string_value(msg) : "the node answered an error");
		json_decref(root);
		return -1;
	}
	json_t *result = json_object_get(root, "result");
	if (result) {
		if (!json_is_object(result)) {
			snprintf(err, err_len, "getmininginfo result is not a JSON object");
			json_decref(root);
			return -1;
		}
		json_incref(result);
		json_decref(root);
		root = result;
	}
	json_t *by_name = json_object_get(root, "difficulties");
	for (unsigned i = 0; i < algo_count; i++) {
		const struct algo *a = algo_table[i];
		char key[64];
		double d = 0;

		if (json_is_object(by_name)) {
			d = positive_number(json_object_get(by_name, node_name(a)));
			if (!d)
				d = positive_number(json_object_get(by_name, a->name));
		}
		if (!d) {
			snprintf(key, sizeof(key), "difficulty_%s", node_name(a));
			d = positive_number(json_object_get(root, key));
		}
		if (!d) {
			snprintf(key, sizeof(key), "difficulty_%s", a->name);
			d = positive_number(json_object_get(root, key));
		}
		diffs[i] = d;
		found += d > 0;
	}
	if (!found && fallback) {
		for (unsigned i = 0; i < algo_count; i++) {
			if (algo_table[i] == fallback) {
				diffs[i] = positive_number(json_object_get(root, "difficulty"));
				found += diffs[i] > 0;
			}
		}
	}
	json_decref(root);
	return found;
}
