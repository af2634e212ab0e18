/* SPDX-License-Identifier: MIT */
/*
 * A -c/--config JSON file: the bytes are written to a private temporary file
 * and parsed by options_parse, the way main() reads a config file.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"

int fuzz_config(const uint8_t *data, size_t len)
{
	static char path[64];
	struct options cfg;
	char err[512];
	FILE *f;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/qm-fuzz-config-XXXXXX");
		fd = mkstemp(path);
		FUZZ_CHECK(fd >= 0);
		close(fd);
	}
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(fwrite(data, 1, len, f) == len);
	FUZZ_CHECK(fclose(f) == 0);

	char prog[] = "quintminer", opt[] = "-c";
	char *argv[] = { prog, opt, path, NULL };
	if (options_parse(&cfg, 3, argv, err, sizeof(err)))
		FUZZ_CHECK(err[0] != '\0');
	options_release(&cfg);
	return 0;
}

FUZZ_ENTRY(fuzz_config)
