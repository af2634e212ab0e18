/* SPDX-License-Identifier: MIT */
/*
 * Replays the fuzz corpora through the harnesses without libFuzzer, for
 * make check: every file in tests/fuzz/<harness>/seeds and .../regress (the
 * inputs that once crashed a parser, kept so the bug stays fixed) is fed to
 * the same entry point the fuzzer calls. One TAP line per harness and
 * directory; a crash or sanitizer report fails the test program.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tap.h"

static const struct {
	const char *name;
	int (*fn)(const uint8_t *data, size_t len);
} harnesses[] = {
	{ "stratum", fuzz_stratum }, { "gbt", fuzz_gbt },         { "rpc", fuzz_rpc },
	{ "config", fuzz_config },   { "address", fuzz_address }, { "url", fuzz_url },
};

static int read_all(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return -1;
	for (;;) {
		if (n == cap) {
			uint8_t *p = realloc(buf, cap ? 2 * cap : 4096);

			if (!p) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
			cap = cap ? 2 * cap : 4096;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	*data = buf;
	*len = n;
	return 0;
}

/* Feeds every regular file of dir to fn; returns how many, or -1 if one cannot be read. */
static long replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long count = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[4096];
		uint8_t *data;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (read_all(path, &data, &len)) {
			tap_diag("cannot read %s", path);
			count = -1;
			break;
		}
		fn(data, len);
		free(data);
		count++;
	}
	closedir(d);
	return count;
}

int main(void)
{
	const char *srcdir = getenv("QM_SRCDIR");
	char dir[4096];

	if (!srcdir)
		srcdir = ".";
	for (size_t i = 0; i < sizeof(harnesses) / sizeof(harnesses[0]); i++) {
		long seeds, regress;

		snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s/seeds", srcdir, harnesses[i].name);
		seeds = replay_dir(dir, harnesses[i].fn);
		tap_ok(seeds > 0, "%s: %ld seed inputs replayed", harnesses[i].name, seeds);
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s/regress", srcdir, harnesses[i].name);
		regress = replay_dir(dir, harnesses[i].fn);
		tap_ok(regress >= 0, "%s: %ld regression inputs replayed", harnesses[i].name,
		       regress);
	}
	return tap_done();
}
