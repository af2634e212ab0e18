/* SPDX-License-Identifier: MIT */
/* Placeholder until src/stratum.c lands (being written now); removed with it. */
#include "log.h"
#include "source.h"

int stratum_source_new(struct source **out, const struct source_env *env)
{
	(void)env;
	*out = 0;
	log_err("the stratum source is not built yet");
	return -1;
}
