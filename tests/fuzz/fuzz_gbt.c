/* SPDX-License-Identifier: MIT */
/*
 * A getblocktemplate result from a node: gbt_template_parse, then (when it
 * parses) a job for the algorithm whose version bits it carries and the
 * block for one share, as the solo source would build them. The raw bytes
 * also go through the transaction parser.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "algo.h"
#include "gbt.h"
#include "work.h"

int fuzz_gbt(const uint8_t *data, size_t len)
{
	/* OP_TRUE: any payout script does; its length is what matters here. */
	static const uint8_t script[] = { 0x51 };
	const struct gbt_payout payout = { .script = script, .script_len = sizeof(script),
					   .tag = "fuzz" };
	const struct algo_params params = { .network = ALGO_NETWORK_REGTEST };
	struct gbt_template t;
	struct gbt_tx tx;
	char err[256];

	gbt_tx_parse(data, len, &tx);
	if (gbt_template_parse(&t, (const char *)data, len, err, sizeof(err)))
		return 0;
	FUZZ_CHECK(t.tx_count <= GBT_TX_MAX);
	for (unsigned i = 0; i < algo_count; i++) {
		struct job *job = NULL;
		uint8_t header[HEADER_LEN], *block = NULL;
		size_t block_len = 0;

		if (gbt_job_new(&job, &t, algo_table[i], &params, &payout, 1, err, sizeof(err)))
			continue;
		/* As the source does: rolling within the template's maxtime. */
		job_set_ntime_roll(job, t.maxtime, 60);
		FUZZ_CHECK(job->ntime_max >= job->ntime && job->ntime_max - job->ntime <= 60);
		FUZZ_CHECK(t.maxtime >= job->ntime || job->ntime_max == job->ntime);
		if (!gbt_block_build(&t, job, 1, job->ntime_max, 0, header, &block, &block_len)) {
			FUZZ_CHECK(block_len > HEADER_LEN && block_len >= t.tx_data_len);
			free(block);
		}
		job_unref(job);
	}
	gbt_template_release(&t);
	return 0;
}

FUZZ_ENTRY(fuzz_gbt)
