/* SPDX-License-Identifier: MIT */
#include "tvec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

json_t *tvec_load(const char *name)
{
	const char *dir = getenv("QM_SRCDIR");
	char path[4096];
	json_error_t err;
	json_t *v;

	snprintf(path, sizeof(path), "%s/tests/vectors/%s", dir ? dir : ".", name);
	v = json_load_file(path, 0, &err);
	if (!v || !json_is_array(v)) {
		fprintf(stderr, "cannot read vectors %s: %s (line %d)\n", path, err.text, err.line);
		printf("Bail out! vectors %s unreadable\n", path);
		exit(99);
	}
	return v;
}

const char *tvec_str(json_t *o, const char *key)
{
	json_t *s = json_object_get(o, key);

	if (!json_is_string(s)) {
		printf("Bail out! vector field %s missing\n", key);
		exit(99);
	}
	return json_string_value(s);
}

void tvec_hex(json_t *o, const char *key, uint8_t *out, size_t len)
{
	if (hex_decode(tvec_str(o, key), out, len)) {
		printf("Bail out! vector field %s is not %zu hex bytes\n", key, len);
		exit(99);
	}
}

uint8_t *tvec_hex_alloc(json_t *o, const char *key, size_t *len)
{
	const char *s = tvec_str(o, key);
	size_t n = strlen(s) / 2;
	uint8_t *out = malloc(n + 1);

	if (!out || hex_decode_var(s, out, n) != (long)n) {
		printf("Bail out! vector field %s is not hex\n", key);
		exit(99);
	}
	*len = n;
	return out;
}

json_t *tvec_next_primitive(json_t *v, const char *prim, size_t *index)
{
	while (*index < json_array_size(v)) {
		json_t *o = json_array_get(v, (*index)++);
		json_t *p = json_object_get(o, "primitive");
		if (json_is_string(p) && !strcmp(json_string_value(p), prim))
			return o;
	}
	return NULL;
}

void *tvec_aligned_alloc(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, len ? len : 64))
		abort();
	memset(p, 0, len);
	return p;
}
