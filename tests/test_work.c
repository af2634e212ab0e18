/* SPDX-License-Identifier: MIT */
/*
 * work.c: header building against the worked example of
 * docs/protocols.md §1, difficulty -> target, the work split
 * (extranonce2, then ntime rolling), and the job board (job_board.c) that publishes those jobs.
 */
#include <pthread.h>
#include <string.h>

#include "algo.h"
#include "endian.h"
#include "hex.h"
#include "job_board.h"
#include "sha256.h"
#include "tap.h"
#include "work.h"

static const char coinb1_hex[] =
	"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff1a036f6e01";
static const char coinb2_hex[] =
	"0d2f6467626d696e65722d65782fffffffff0100f2052a010000001976a914811f691f5582cd2458def567575a30e"
	"643ac25eb88ac00000000";
static const char *const branches_hex[] = {
	"95cd603fe577fa9548ec0c9b50b067566fe07c8af6acba45f6196f3a15d511f6",
	"709b55bd3da0f5a838125bd0ee20c5bfdd7caba173912d4281cae816b79a201b",
};

static int hex_is(const uint8_t *bytes, size_t len, const char *want)
{
	char got[2 * 512 + 1];

	hex_encode(bytes, len, got);
	if (strcmp(got, want))
		tap_diag("got  %s\n# want %s", got, want);
	return !strcmp(got, want);
}

static struct job *example_job(void)
{
	uint8_t c1[64], c2[128];
	struct job *job = job_new();
	long n1 = hex_decode_var(coinb1_hex, c1, sizeof(c1));
	long n2 = hex_decode_var(coinb2_hex, c2, sizeof(c2));

	if (!job || n1 < 0 || n2 < 0 || job_set_coinbase(job, c1, (size_t)n1, c2, (size_t)n2))
		return NULL;
	hex_decode("f8002c90", job->extranonce1, 4);
	job->extranonce1_len = 4;
	job->extranonce2_len = 4;
	for (unsigned i = 0; i < 2; i++)
		hex_decode(branches_hex[i], job->merkle[i], HASH_LEN);
	job->merkle_count = 2;
	/* The doc's "prevhash internal (as in header)". */
	hex_decode("df6ce7ef0ef7b6df3f5ea2e62d8b34d9b54ee65feed6e3d3579e02302ebf17e6", job->prevhash,
		   HASH_LEN);
	job->version = 0x20000202;
	job->nbits = 0x1d00ffff;
	job->ntime = 0x67436d00;
	job->ntime_max = job->ntime;
	job->algo = &algo_sha256d;
	return job;
}

static void test_worked_example(void)
{
	struct job *job = example_job();
	uint8_t coinbase[512], txid[HASH_LEN], root[HASH_LEN], header[HEADER_LEN], hash[HASH_LEN];
	const struct algo_params params = { .network = ALGO_NETWORK_MAINNET };

	if (!tap_ok(job != NULL, "worked example job built"))
		return;
	long len = work_coinbase(job, 2, coinbase, sizeof(coinbase));
	tap_ok(len > 0 &&
		       hex_is(coinbase, (size_t)len,
			      "01000000010000000000000000000000000000000000000000000000000000000000000000"
			      "ffffffff1a036f6e01f8002c90000000020d2f6467626d696e65722d65782fffffffff0100"
			      "f2052a010000001976a914811f691f5582cd2458def567575a30e643ac25eb88ac00000000"),
	       "coinbase = coinb1 || extranonce1 || extranonce2 (big-endian) || coinb2");
	tap_ok(work_coinbase(job, 2, coinbase, 10) == -1, "coinbase refuses a small buffer");

	sha256d(coinbase, (size_t)len, txid);
	tap_ok(hex_is(txid, HASH_LEN,
		      "6291dc6529dbe0eb24a0b189c08f1b4130feb00af6dad268cea032ce4a463da9"),
	       "coinbase txid");
	work_merkle_root(job, txid, root);
	tap_ok(hex_is(root, HASH_LEN,
		      "74be4b3a0107722a18fa8bd75f811906d0605d56a7e670a3b4e52e436011d67d"),
	       "merkle root from the branches");

	tap_ok(work_header(job, 2, job->ntime, header) == 0, "header built");
	le32_store(header + NONCE_OFFSET, 0x12345678);
	tap_ok(hex_is(header, HEADER_LEN,
		      "02020020df6ce7ef0ef7b6df3f5ea2e62d8b34d9b54ee65feed6e3d3579e02302ebf17e674be4b"
		      "3a0107722a18fa8bd75f811906d0605d56a7e670a3b4e52e436011d67d006d4367ffff001d7856"
		      "3412"),
	       "header of the worked example (nonce 0x12345678)");

	algo_sha256d.hash(&params, header, hash);
	bytes_reverse(hash, HASH_LEN);
	tap_ok(hex_is(hash, HASH_LEN,
		      "f4550481af7f9f05bd65947685b3041853a7653cf247a5b8bf58cb0e7223e2a2"),
	       "sha256d PoW of the worked example");
	algo_scrypt.hash(&params, header, hash);
	bytes_reverse(hash, HASH_LEN);
	tap_ok(hex_is(hash, HASH_LEN,
		      "b63cd2d3630f3e16c2e3c4abf76f1e283bf0fff86c217c50642c092e5e503254"),
	       "scrypt PoW of the worked example");

	tap_ok(work_header(job, 2, job->ntime + 1, header) == -1,
	       "ntime beyond what the job allows is refused");
	tap_ok(work_header(job, 2, job->ntime - 1, header) == -1, "ntime before the job's is refused");
	job_unref(job);
}

/* The work split: extranonce2 first, then ntime + 1 (rolling) up to ntime_max. */
static void test_work_split(void)
{
	struct job *job = example_job();
	const uint32_t t0 = job->ntime;
	uint64_t en2, prev = 0;
	uint32_t ntime;
	int ok = 1;

	job->extranonce2_len = 1;
	job->ntime_max = t0;
	tap_ok(job_work_units(job) == 256, "1-byte extranonce2, no rolling: 256 units");
	for (unsigned i = 0; i < 256; i++) {
		ok &= job_take_work(job, &en2, &ntime) == 0 && (i == 0 || en2 == prev + 1) &&
		      ntime == t0;
		prev = en2;
	}
	tap_ok(ok, "extranonce2 values are distinct and consecutive at the job's ntime");
	tap_ok(job_take_work(job, &en2, &ntime) == -1,
	       "without rolling, a 1-byte extranonce2 is exhausted after 256");

	job_set_ntime_roll(job, UINT32_MAX, 2);
	atomic_store(&job->work_next, 0);
	tap_ok(job->ntime_max == t0 + 2 && job_work_units(job) == 768,
	       "--ntime-roll 2: ntime_max = ntime + 2, 3 x 256 units");
	ok = 1;
	for (unsigned i = 0; i < 768; i++) {
		ok &= job_take_work(job, &en2, &ntime) == 0 && en2 == i % 256 &&
		      ntime == t0 + i / 256;
	}
	tap_ok(ok, "extranonce2 wraps to 0 with ntime + 1, twice");
	tap_ok(job_take_work(job, &en2, &ntime) == -1 && job_take_work(job, &en2, &ntime) == -1,
	       "the work stops at ntime_max (a take past it keeps failing)");

	{
		uint8_t header[HEADER_LEN], want[HEADER_LEN];

		atomic_store(&job->work_next, 256 + 7);
		tap_ok(work_next_header(job, &en2, header) == 0 && en2 == 7 &&
		       le32_load(header + NTIME_OFFSET) == t0 + 1 &&
		       work_header(job, 7, t0 + 1, want) == 0 && !memcmp(header, want, HEADER_LEN),
		       "work_next_header: the header of extranonce2 7 at ntime + 1");
		tap_ok(work_header(job, 0, t0 + 3, header) == -1 && work_header(job, 255, t0 + 2,
										header) == 0,
		       "work_header still refuses an ntime past ntime_max, takes ntime_max");
	}

	job->extranonce2_len = 0;
	atomic_store(&job->work_next, 0);
	ok = job_work_units(job) == 3;
	for (unsigned i = 0; i < 3; i++)
		ok &= job_take_work(job, &en2, &ntime) == 0 && en2 == 0 && ntime == t0 + i;
	tap_ok(ok && job_take_work(job, &en2, &ntime) == -1,
	       "no extranonce2 at all: every unit is the next ntime, up to ntime_max");

	job->extranonce2_len = 8;
	atomic_store(&job->work_next, 0);
	tap_ok(job_work_units(job) == UINT64_MAX && job_take_work(job, &en2, &ntime) == 0 &&
	       en2 == 0 && ntime == t0 && job_take_work(job, &en2, &ntime) == 0 && en2 == 1,
	       "8-byte extranonce2: 2^64 values before any rolling");
	atomic_store(&job->work_next, UINT64_MAX);
	tap_ok(job_take_work(job, &en2, &ntime) == 0 && en2 == UINT64_MAX && ntime == t0,
	       "8-byte extranonce2: the last value is still at the job's ntime");

	job->extranonce2_len = 16;
	tap_ok(job_work_units(job) == UINT64_MAX, "16-byte extranonce2: units saturate");

	job->extranonce2_len = 4;
	job_set_ntime_roll(job, t0 + 1, 60);
	tap_ok(job->ntime_max == t0 + 1 && job_work_units(job) == 2ull << 32,
	       "the source's limit (e.g. a template's maxtime) caps --ntime-roll");
	job_set_ntime_roll(job, 0, 60);
	tap_ok(job->ntime_max == t0, "a limit below the job's ntime: no rolling");
	job_set_ntime_roll(job, UINT32_MAX, 0);
	tap_ok(job->ntime_max == t0, "--ntime-roll 0: no rolling");
	job->ntime = UINT32_MAX - 5;
	job_set_ntime_roll(job, UINT32_MAX, 60);
	tap_ok(job->ntime_max == UINT32_MAX, "ntime_max stops at 2^32 - 1");

	uint8_t out[8];
	job->extranonce2_len = 8;
	work_extranonce2_bytes(job, 0x0102030405060708ull, out);
	tap_ok(hex_is(out, 8, "0102030405060708"), "extranonce2 bytes are big-endian");
	job_unref(job);
}

#define SPLIT_THREADS 4
#define SPLIT_UNITS (4 * 256)

struct split_arg {
	struct job *job;
	uint8_t *seen; /* SPLIT_UNITS counters, by (ntime - job->ntime) * 256 + extranonce2 */
	atomic_uint *bad;
};

static void *split_worker(void *varg)
{
	struct split_arg *a = varg;
	uint64_t en2;
	uint32_t ntime;

	while (!job_take_work(a->job, &en2, &ntime)) {
		uint64_t k = (uint64_t)(ntime - a->job->ntime) * 256 + en2;

		if (en2 > 255 || ntime > a->job->ntime_max || k >= SPLIT_UNITS)
			atomic_fetch_add(a->bad, 1);
		else
			a->seen[k]++; /* each k is written by one thread at most, or it is a bug */
	}
	return NULL;
}

/* Workers taking from one job at once get every (extranonce2, ntime) exactly once. */
static void test_work_split_threads(void)
{
	struct job *job = example_job();
	static uint8_t seen[SPLIT_THREADS][SPLIT_UNITS];
	struct split_arg args[SPLIT_THREADS];
	pthread_t th[SPLIT_THREADS];
	atomic_uint bad;
	unsigned once = 0, twice = 0;

	atomic_init(&bad, 0);
	job->extranonce2_len = 1;
	job_set_ntime_roll(job, UINT32_MAX, 3);
	for (unsigned i = 0; i < SPLIT_THREADS; i++) {
		args[i] = (struct split_arg){ .job = job, .seen = seen[i], .bad = &bad };
		pthread_create(&th[i], NULL, split_worker, &args[i]);
	}
	for (unsigned i = 0; i < SPLIT_THREADS; i++)
		pthread_join(th[i], NULL);
	for (unsigned k = 0; k < SPLIT_UNITS; k++) {
		unsigned n = 0;

		for (unsigned i = 0; i < SPLIT_THREADS; i++)
			n += seen[i][k];
		once += n == 1;
		twice += n > 1;
	}
	tap_ok(once == SPLIT_UNITS && twice == 0 && atomic_load(&bad) == 0,
	       "%d threads: each of the %d (extranonce2, ntime) units taken once (%u once, "
	       "%u more than once, %u out of range)", SPLIT_THREADS, SPLIT_UNITS, once, twice,
	       atomic_load(&bad));
	job_unref(job);
}

static void test_targets(void)
{
	uint8_t t[HASH_LEN];

	work_diff_to_target(1.0, 1.0, t);
	bytes_reverse(t, HASH_LEN);
	tap_ok(hex_is(t, HASH_LEN,
		      "00000000ffff0000000000000000000000000000000000000000000000000000"),
	       "difficulty 1, factor 1 -> 0x00000000FFFF0000...");
	work_diff_to_target(1.0, 65536.0, t);
	bytes_reverse(t, HASH_LEN);
	tap_ok(hex_is(t, HASH_LEN,
		      "0000ffff00000000000000000000000000000000000000000000000000000000"),
	       "scrypt difficulty 1 (factor 65536) -> 0x0000FFFF...");
	work_diff_to_target(16.0, 1.0, t);
	bytes_reverse(t, HASH_LEN);
	tap_ok(hex_is(t, HASH_LEN,
		      "000000000ffff000000000000000000000000000000000000000000000000000"),
	       "difficulty 16 -> target / 16");
	work_diff_to_target(1.0 / 65536, 1.0, t);
	bytes_reverse(t, HASH_LEN);
	tap_ok(hex_is(t, HASH_LEN,
		      "0000ffff00000000000000000000000000000000000000000000000000000000"),
	       "difficulty 1/65536 -> 0x0000FFFF...");
	work_diff_to_target(1e-80, 1.0, t);
	int all_ff = 1;
	for (int i = 0; i < HASH_LEN; i++)
		all_ff &= t[i] == 0xff;
	tap_ok(all_ff, "a tiny difficulty caps the target at 2^256 - 1");
	work_diff_to_target(0, 1.0, t);
	tap_ok(t[31] == 0xff, "difficulty 0 is the maximum target, not a division by zero");
	work_diff_to_target(1.0, 1.0, t);
	double d = work_target_to_diff(t);
	tap_ok(d > 0.999999 && d < 1.000001, "target -> difficulty round trip (%g)", d);
}

static void test_board(void)
{
	struct job_board b;
	uint64_t gen;

	job_board_init(&b);
	tap_ok(job_board_get(&b, &gen) == NULL && gen == 0, "an empty board has no job");
	struct job *job = example_job();
	job_board_publish(&b, job);
	struct job *got = job_board_get(&b, &gen);
	tap_ok(got == job && gen == 1, "a published job is current, generation 1");
	job_board_publish(&b, NULL);
	tap_ok(job_board_generation(&b) == 2, "clearing the board is a new generation");
	tap_ok(atomic_load(&got->refs) == 1, "the board dropped its reference");
	job_board_wait(&b, 1, 1000);
	tap_ok(1, "waiting on an old generation returns at once");
	job_unref(got);
	job_board_release(&b);
}

int main(void)
{
	test_worked_example();
	test_work_split();
	test_work_split_threads();
	test_targets();
	test_board();
	return tap_done();
}
