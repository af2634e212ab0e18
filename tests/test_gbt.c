/* SPDX-License-Identifier: MIT */
/*
 * gbt.c's pure layer: template JSON -> struct gbt_template -> job -> block.
 *
 * The reference is tests/data/gbt-ltc-regtest.json: a real template from
 * litecoind (regtest) and the block built from it, which litecoind accepted
 * with submitblock. Rebuilding that block byte for byte checks the coinbase,
 * the merkle branches, the witness commitment and the serialization against
 * a node rather than against ourselves. Malformed templates (each a single
 * mutation of the real one) must be refused with a reason and leave nothing
 * allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "address.h"
#include "algo.h"
#include "gbt.h"
#include "hex.h"
#include "odocrypt.h"
#include "sha256.h"
#include "tap.h"
#include "work.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static json_t *fixture;

static json_t *load_fixture(const char *name)
{
	const char *dir = getenv("QM_SRCDIR");
	char path[4096];
	json_error_t err;
	json_t *root;

	snprintf(path, sizeof(path), "%s/tests/data/%s", dir ? dir : ".", name);
	root = json_load_file(path, 0, &err);
	if (!root) {
		printf("Bail out! cannot read %s: %s\n", path, err.text);
		exit(1);
	}
	return root;
}

/* Parses a template given as a jansson value. */
static int parse_value(struct gbt_template *t, json_t *tmpl, char *err, size_t err_len)
{
	char *text = json_dumps(tmpl, JSON_COMPACT);
	int rc = gbt_template_parse(t, text, strlen(text), err, err_len);

	free(text);
	return rc;
}

static void payout_from_fixture(struct address *a)
{
	char err[160];

	if (address_decode(a, json_string_value(json_object_get(fixture, "address")), err,
			   sizeof(err))) {
		printf("Bail out! fixture address: %s\n", err);
		exit(1);
	}
}

static void test_reference_block(void)
{
	json_t *tmpl = json_object_get(fixture, "template");
	const char *block_hex = json_string_value(json_object_get(fixture, "block"));
	const char *hash_hex = json_string_value(json_object_get(fixture, "block_hash"));
	uint32_t ntime = (uint32_t)json_integer_value(json_object_get(fixture, "ntime"));
	uint32_t nonce = (uint32_t)json_integer_value(json_object_get(fixture, "nonce"));
	struct algo_params params = { .network = ALGO_NETWORK_REGTEST };
	struct gbt_template t;
	struct address a;
	struct job *job = NULL;
	uint8_t en2_bytes[GBT_EXTRANONCE_LEN], header[HEADER_LEN], header2[HEADER_LEN];
	uint8_t *block = NULL, *want = malloc(strlen(block_hex) / 2), hash[HASH_LEN];
	size_t block_len = 0, want_len = strlen(block_hex) / 2;
	uint64_t en2 = 0;
	char err[256], hex[2 * HASH_LEN + 1];

	payout_from_fixture(&a);
	if (hex_decode(json_string_value(json_object_get(fixture, "extranonce2")), en2_bytes,
		       sizeof(en2_bytes)) || hex_decode(block_hex, want, want_len)) {
		printf("Bail out! fixture hex\n");
		exit(1);
	}
	for (size_t i = 0; i < sizeof(en2_bytes); i++)
		en2 = en2 << 8 | en2_bytes[i];

	int rc = parse_value(&t, tmpl, err, sizeof(err));

	tap_ok(!rc, "real template parses (%s)", rc ? err : "ok");
	tap_ok(t.height == 261 && t.tx_count == 5 && t.version == 0x30000010 &&
	       t.nbits == 0x207fffff && t.has_witness_commitment &&
	       t.coinbase_value ==
		       (uint64_t)json_integer_value(json_object_get(tmpl, "coinbasevalue")),
	       "fields: height %u, %zu txs, version %08x, bits %08x, value %llu", t.height,
	       t.tx_count, t.version, t.nbits, (unsigned long long)t.coinbase_value);
	tap_ok(t.target[31] == 0x7f && t.target[30] == 0xff && t.target[0] == 0,
	       "target decoded from bits, little-endian");
	tap_ok(!t.txs[0].has_witness && t.txs[1].has_witness && t.longpollid[0],
	       "one transaction without witness, the others with; a longpollid");

	struct gbt_payout payout = { .script = a.script, .script_len = a.script_len,
				     .tag = json_string_value(json_object_get(fixture, "tag")) };

	rc = gbt_job_new(&job, &t, &algo_scrypt, &params, &payout, 7, err, sizeof(err));
	tap_ok(!rc, "job for scrypt (%s)", rc ? err : job->id);
	if (!job) {
		gbt_template_release(&t);
		free(want);
		return;
	}
	tap_ok(job->extranonce1_len == 0 && job->extranonce2_len == GBT_EXTRANONCE_LEN &&
	       job->coinb1[job->coinb1_len - 1] == GBT_EXTRANONCE_LEN && job->source_seq == 7 &&
	       job->ntime == ntime && job->ntime_max == job->ntime &&
	       !memcmp(job->share_target, job->block_target, HASH_LEN),
	       "job: no extranonce1, 8-byte extranonce2 pushed last in coinb1, "
	       "share target = block target");
	tap_ok(job->merkle_count == 3, "5 transactions + coinbase: 3 merkle branches");
	tap_ok(!gbt_block_build(&t, job, en2, ntime, nonce, header, &block, &block_len),
	       "block builds");
	tap_ok(block && block_len == want_len && !memcmp(block, want, want_len),
	       "block equals the one litecoind accepted (%zu bytes)", want_len);
	tap_ok(!work_header(job, en2, ntime, header2) && !memcmp(header, header2, NONCE_OFFSET),
	       "work_header builds the same header (merkle root from the job's branches)");
	sha256d(header, HEADER_LEN, hash);
	bytes_reverse(hash, HASH_LEN);
	hex_encode(hash, HASH_LEN, hex);
	tap_ok(!strcmp(hex, hash_hex), "block hash %s", hex);
	algo_scrypt.hash(&params, header, hash);
	tap_ok(hash_le_target(hash, job->block_target), "scrypt PoW meets the template target");
	tap_ok(work_header(job, en2, ntime + 1, header2) < 0,
	       "no ntime rolling past the template's time");
	free(block);

	/* A job for another algorithm is refused: the version's bits 8..11 say scrypt. */
	struct job *other = NULL;

	err[0] = '\0';
	tap_ok(gbt_job_new(&other, &t, &algo_sha256d, &params, &payout, 1, err, sizeof(err)) < 0 &&
	       !other && strstr(err, "sha256d"), "sha256d job from a scrypt template refused: %s",
	       err);
	/* Odocrypt key check. */
	t.has_odokey = 1;
	t.odokey = odocrypt_key_for_time(t.curtime, ODOCRYPT_EPOCH_REGTEST_S);
	tap_ok(!gbt_job_new(&other, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err)),
	       "matching odokey accepted");
	job_unref(other);
	other = NULL;
	t.odokey += ODOCRYPT_EPOCH_REGTEST_S;
	tap_ok(gbt_job_new(&other, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err)) < 0,
	       "odokey of another epoch refused: %s", err);
	t.has_odokey = 0;
	/* A 200-character tag is cut so the scriptSig stays within 100 bytes. */
	char tag[201];

	memset(tag, 'x', 200);
	tag[200] = '\0';
	payout.tag = tag;
	/* scriptSig length is coinb1[41]: after version, input count, outpoint. */
	rc = gbt_job_new(&other, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err));
	tap_ok(!rc && other->coinb1[41] == 3 + 1 + GBT_EXTRANONCE_LEN + 1 + GBT_TAG_MAX,
	       "long tag cut to one push of %d bytes: scriptSig %u bytes", GBT_TAG_MAX,
	       rc ? 0 : other->coinb1[41]);
	job_unref(other);
	other = NULL;
	payout.tag = NULL;
	tap_ok(!gbt_job_new(&other, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err)) &&
	       other->coinb1[41] == 3 + 1 + GBT_EXTRANONCE_LEN, "no tag: height push + extranonce");
	job_unref(other);
	other = NULL;
	payout.script_len = 0;
	tap_ok(gbt_job_new(&other, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err)) < 0,
	       "empty payout script refused");
	job_unref(job);
	gbt_template_release(&t);
	free(want);
}

/*
 * What the template lets nTime become (BIP 23 mutable/maxtime), and a block
 * built at a rolled ntime: the header carries it.
 */
static void test_time_range(void)
{
	struct algo_params params = { .network = ALGO_NETWORK_REGTEST };
	struct gbt_template t;
	struct address a;
	struct job *job = NULL;
	uint8_t header[HEADER_LEN], *block = NULL;
	size_t block_len = 0;
	char err[256];
	json_t *tmpl = json_deep_copy(json_object_get(fixture, "template"));
	uint32_t ntime;

	payout_from_fixture(&a);
	struct gbt_payout payout = { .script = a.script, .script_len = a.script_len };

	if (parse_value(&t, tmpl, err, sizeof(err)) ||
	    gbt_job_new(&job, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err))) {
		printf("Bail out! the fixture template: %s\n", err);
		exit(1);
	}
	ntime = job->ntime;
	tap_ok(t.maxtime == ntime + GBT_FUTURE_TIME_MAX && job->ntime_max == ntime,
	       "litecoind's template (mutable \"time\", no maxtime): up to %d s ahead; the job "
	       "rolls nothing until the source says so", GBT_FUTURE_TIME_MAX);
	job_set_ntime_roll(job, t.maxtime, 60);
	tap_ok(job->ntime_max == ntime + 60, "--ntime-roll 60 within it: ntime_max = ntime + 60");
	tap_ok(!gbt_block_build(&t, job, 5, ntime + 60, 7, header, &block, &block_len) &&
	       le32_load(header + NTIME_OFFSET) == ntime + 60 &&
	       !memcmp(block, header, HEADER_LEN),
	       "a block at ntime + 60 carries that ntime in its header");
	free(block);
	block = NULL;
	tap_ok(gbt_block_build(&t, job, 5, ntime + 61, 7, header, &block, &block_len) < 0 &&
	       !block, "a block past ntime_max is refused");
	job_unref(job);
	gbt_template_release(&t);

	json_object_set_new(tmpl, "maxtime", json_integer(ntime + 30));
	tap_ok(!parse_value(&t, tmpl, err, sizeof(err)) && t.maxtime == ntime + 30,
	       "maxtime 30 s ahead is the limit (%s)", err);
	gbt_template_release(&t);
	json_object_set_new(tmpl, "mutable", json_pack("[s, s]", "transactions", "prevblock"));
	tap_ok(!parse_value(&t, tmpl, err, sizeof(err)) && t.maxtime == 0,
	       "mutable without \"time\": no rolling, maxtime or not");
	gbt_template_release(&t);
	json_object_set_new(tmpl, "mutable", json_pack("[s]", "time/decrement"));
	tap_ok(!parse_value(&t, tmpl, err, sizeof(err)) && t.maxtime == 0,
	       "\"time/decrement\" alone: no rolling forward");
	gbt_template_release(&t);
	json_object_set_new(tmpl, "mutable", json_pack("[s]", "time/increment"));
	tap_ok(!parse_value(&t, tmpl, err, sizeof(err)) && t.maxtime == ntime + 30,
	       "\"time/increment\": up to maxtime");
	gbt_template_release(&t);
	json_object_del(tmpl, "mutable");
	tap_ok(!parse_value(&t, tmpl, err, sizeof(err)) && t.maxtime == 0,
	       "no mutable at all: no rolling");
	gbt_template_release(&t);
	json_decref(tmpl);
}

/* Without witness transactions and commitment: one output, legacy coinbase. */
static void test_no_witness(void)
{
	json_t *tmpl = json_deep_copy(json_object_get(fixture, "template"));
	json_t *txs = json_object_get(tmpl, "transactions");
	struct algo_params params = { 0 };
	struct gbt_template t;
	struct address a;
	struct job *job = NULL;
	uint8_t header[HEADER_LEN], *block = NULL, cb[512];
	size_t block_len;
	char err[256];

	payout_from_fixture(&a);
	/* Keep only the transaction without witness; drop the commitment. */
	while (json_array_size(txs) > 1)
		json_array_remove(txs, 1);
	json_object_del(tmpl, "default_witness_commitment");
	json_object_set_new(tmpl, "coinbaseaux", json_pack("{s:s}", "flags", "062f503253482f"));

	struct gbt_payout payout = { .script = a.script, .script_len = a.script_len, .tag = "t" };

	int rc = parse_value(&t, tmpl, err, sizeof(err));

	tap_ok(!rc && !t.has_witness_commitment && t.tx_count == 1 && t.coinbase_aux_len == 7,
	       "template without witness parses (%s)", rc ? err : "ok");
	tap_ok(!gbt_job_new(&job, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err)) &&
	       job->merkle_count == 1, "job with one branch");
	if (job) {
		long cb_len = work_coinbase(job, 5, cb, sizeof(cb));

		tap_ok(!gbt_block_build(&t, job, 5, job->ntime, 9, header, &block, &block_len) &&
		       block[HEADER_LEN] == 2 && cb_len > 0 &&
		       !memcmp(block + HEADER_LEN + 1, cb, (size_t)cb_len) &&
		       block_len == HEADER_LEN + 1 + (size_t)cb_len + t.tx_data_len,
		       "block: count 2, coinbase without witness, then the transaction");
		tap_ok(cb[42 + 3] == 0x06 && !memcmp(cb + 42 + 4, "/P2SH/", 6),
		       "coinbaseaux follows the height push");
		tap_ok(cb[(size_t)cb_len - 4 - a.script_len - 1 - 8 - 1] == 1, "one output");
		free(block);
	}
	job_unref(job);
	gbt_template_release(&t);
	json_decref(tmpl);
}

/* Full merkle root, computed level by level: the plain definition. */
static void plain_root(uint8_t (*leaves)[HASH_LEN], size_t n, uint8_t root[HASH_LEN])
{
	uint8_t (*level)[HASH_LEN] = malloc((n + 1) * HASH_LEN);

	memcpy(level, leaves, n * HASH_LEN);
	while (n > 1) {
		size_t m = 0;

		for (size_t i = 0; i < n; i += 2) {
			uint8_t pair[2 * HASH_LEN];

			memcpy(pair, level[i], HASH_LEN);
			memcpy(pair + HASH_LEN, level[i + 1 < n ? i + 1 : i], HASH_LEN);
			sha256d(pair, sizeof(pair), level[m++]);
		}
		n = m;
	}
	memcpy(root, level[0], HASH_LEN);
	free(level);
}

static void test_merkle(void)
{
	for (size_t count = 0; count <= 17; count++) {
		uint8_t leaves[18][HASH_LEN], want[HASH_LEN], got[HASH_LEN];
		struct job *job = job_new();
		int n;

		for (size_t i = 0; i <= count; i++) {
			uint8_t seed[2] = { (uint8_t)i, (uint8_t)count };

			sha256(seed, sizeof(seed), leaves[i]);
		}
		plain_root(leaves, count + 1, want);
		n = gbt_merkle_branches((const uint8_t (*)[HASH_LEN])leaves + 1, count,
					job->merkle);
		job->merkle_count = n < 0 ? 0 : (unsigned)n;
		work_merkle_root(job, leaves[0], got);
		tap_ok(n >= 0 && !memcmp(want, got, HASH_LEN),
		       "merkle branches for the coinbase + %zu transactions (%d branches)", count,
		       n);
		job_unref(job);
	}
}

static void test_height(void)
{
	static const struct {
		uint32_t height;
		const char *hex;
	} v[] = {
		{ 1, "51" }, { 16, "60" }, { 17, "0111" }, { 102, "0166" }, { 127, "017f" },
		{ 128, "028000" }, { 255, "02ff00" }, { 256, "020001" }, { 32767, "02ff7f" },
		{ 32768, "03008000" }, { 65536, "03000001" }, { 8388607, "03ffff7f" },
		{ 8388608, "0400008000" }, { 0x7fffffff, "04ffffff7f" },
	};

	for (size_t i = 0; i < COUNT(v); i++) {
		uint8_t out[GBT_HEIGHT_PUSH_MAX];
		char hex[2 * GBT_HEIGHT_PUSH_MAX + 1];
		size_t n = gbt_height_push(v[i].height, out);

		hex_encode(out, n, hex);
		tap_ok(!strcmp(hex, v[i].hex), "BIP34 height %u -> %s", v[i].height, hex);
	}
}

static void test_tx_parse(void)
{
	json_t *txs = json_object_get(json_object_get(fixture, "template"), "transactions");
	const char *hex0 = json_string_value(json_object_get(json_array_get(txs, 0), "data"));
	const char *hex1 = json_string_value(json_object_get(json_array_get(txs, 1), "data"));
	uint8_t legacy[1024], witness[1024], buf[1100];
	size_t n0 = strlen(hex0) / 2, n1 = strlen(hex1) / 2;
	struct gbt_tx tx;

	if (n0 > sizeof(legacy) || n1 > sizeof(witness) || hex_decode(hex0, legacy, n0) ||
	    hex_decode(hex1, witness, n1)) {
		printf("Bail out! fixture transactions\n");
		exit(1);
	}
	tap_ok(!gbt_tx_parse(legacy, n0, &tx) && !tx.has_witness &&
	       !memcmp(tx.txid, tx.wtxid, HASH_LEN), "legacy transaction: txid = wtxid");
	tap_ok(!gbt_tx_parse(witness, n1, &tx) && tx.has_witness &&
	       memcmp(tx.txid, tx.wtxid, HASH_LEN), "witness transaction: txid != wtxid");
	tap_ok(gbt_tx_parse(witness, n1 - 1, &tx) < 0, "truncated by one byte refused");
	memcpy(buf, witness, n1);
	buf[n1] = 0;
	tap_ok(gbt_tx_parse(buf, n1 + 1, &tx) < 0, "one trailing byte refused");
	tap_ok(gbt_tx_parse(witness, 4, &tx) < 0 && gbt_tx_parse(witness, 0, &tx) < 0,
	       "version only / nothing refused");
	memcpy(buf, witness, n1);
	buf[5] = 0x10;
	tap_ok(gbt_tx_parse(buf, n1, &tx) < 0, "flag 0x10 (undefined) refused");
	buf[5] = 0x08;
	tap_ok(gbt_tx_parse(buf, n1, &tx) < 0,
	       "flag 0x08 (Litecoin MWEB) without the empty MWEB byte refused");
	/* Legacy body with a marker and flag but empty witnesses (BIP144: invalid). */
	memcpy(buf, legacy, 4);
	buf[4] = 0;
	buf[5] = 1;
	memcpy(buf + 6, legacy + 4, n0 - 8);
	{
		size_t k = 6 + n0 - 8, inputs = legacy[4];

		for (size_t i = 0; i < inputs; i++)
			buf[k++] = 0;
		memcpy(buf + k, legacy + n0 - 4, 4);
		tap_ok(inputs < 0xfd && gbt_tx_parse(buf, k + 4, &tx) < 0,
		       "witness flag with empty witnesses refused");
	}
	/* Non-canonical CompactSize for the input count (0xfd 0x01 0x00). */
	memcpy(buf, legacy, 4);
	buf[4] = 0xfd;
	buf[5] = legacy[4];
	buf[6] = 0;
	memcpy(buf + 7, legacy + 5, n0 - 5);
	tap_ok(gbt_tx_parse(buf, n0 + 2, &tx) < 0, "non-canonical CompactSize refused");
	/* An input count far beyond the bytes there. */
	memcpy(buf, legacy, n0);
	buf[4] = 0xfc;
	tap_ok(gbt_tx_parse(buf, n0, &tx) < 0, "input count beyond the data refused");
}

typedef void mutate_fn(json_t *tmpl);

#define SET(key, value) json_object_set_new(tmpl, key, value)
#define TX(i) json_array_get(json_object_get(tmpl, "transactions"), i)

static void m_not_object(json_t *tmpl) { json_object_clear(tmpl); }
static void m_no_version(json_t *tmpl) { json_object_del(tmpl, "version"); }
static void m_version_string(json_t *tmpl) { SET("version", json_string("536870912")); }
static void m_version_huge(json_t *tmpl) { SET("version", json_integer(1ll << 33)); }
static void m_prev_short(json_t *tmpl) { SET("previousblockhash", json_string("00ff")); }
static void m_prev_nonhex(json_t *tmpl)
{
	SET("previousblockhash",
	    json_string("zz5fb9d33ee1f9b4bf6e77ae0a8e5f23af1d0ea8b8283e7f9a3ea4ff78c1a6a7"));
}
static void m_no_txs(json_t *tmpl) { json_object_del(tmpl, "transactions"); }
static void m_txs_object(json_t *tmpl) { SET("transactions", json_object()); }
static void m_bits_bad(json_t *tmpl) { SET("bits", json_string("207fff")); }
static void m_bits_zero(json_t *tmpl) { SET("bits", json_string("00000000")); }
static void m_bits_negative(json_t *tmpl) { SET("bits", json_string("04923456")); }
static void m_target_mismatch(json_t *tmpl)
{
	SET("target",
	    json_string("7ffff00000000000000000000000000000000000000000000000000000000000"));
}
static void m_value_negative(json_t *tmpl) { SET("coinbasevalue", json_integer(-1)); }
static void m_value_huge(json_t *tmpl)
{
	SET("coinbasevalue", json_integer(3000000000000000000ll));
}
static void m_value_real(json_t *tmpl) { SET("coinbasevalue", json_real(1.5)); }
static void m_height_zero(json_t *tmpl) { SET("height", json_integer(0)); }
static void m_height_huge(json_t *tmpl) { SET("height", json_integer(1ll << 31)); }
static void m_curtime_negative(json_t *tmpl) { SET("curtime", json_integer(-5)); }
static void m_curtime_huge(json_t *tmpl) { SET("curtime", json_integer(1ll << 32)); }
static void m_no_curtime(json_t *tmpl) { json_object_del(tmpl, "curtime"); }
static void m_tx_not_object(json_t *tmpl)
{
	json_array_append_new(json_object_get(tmpl, "transactions"), json_string("00"));
}
static void m_tx_no_data(json_t *tmpl) { json_object_del(TX(2), "data"); }
static void m_tx_odd_hex(json_t *tmpl)
{
	char *d = strdup(json_string_value(json_object_get(TX(0), "data")));

	d[strlen(d) - 1] = '\0';
	json_object_set_new(TX(0), "data", json_string(d));
	free(d);
}
static void m_tx_nonhex(json_t *tmpl)
{
	char *d = strdup(json_string_value(json_object_get(TX(1), "data")));

	d[10] = 'g';
	json_object_set_new(TX(1), "data", json_string(d));
	free(d);
}
static void m_tx_truncated(json_t *tmpl)
{
	char *d = strdup(json_string_value(json_object_get(TX(3), "data")));

	d[strlen(d) - 2] = '\0';
	json_object_set_new(TX(3), "data", json_string(d));
	free(d);
}
static void m_tx_txid(json_t *tmpl)
{
	json_object_set(TX(1), "txid", json_object_get(TX(2), "txid"));
}
static void m_tx_hash(json_t *tmpl)
{
	json_object_set(TX(2), "hash", json_object_get(TX(2), "txid"));
}
static void m_tx_no_ids(json_t *tmpl)
{
	json_object_del(TX(0), "txid");
	json_object_del(TX(0), "hash");
}
static void m_tx_swap(json_t *tmpl)
{
	/* Data of tx 3 under the ids of tx 4. */
	json_object_set(TX(3), "data", json_object_get(TX(4), "data"));
}
static void m_too_many_txs(json_t *tmpl)
{
	json_t *txs = json_array();

	for (int i = 0; i <= GBT_TX_MAX; i++)
		json_array_append_new(txs, json_object());
	SET("transactions", txs);
}
static void m_dwc_changed(json_t *tmpl)
{
	char *d = strdup(json_string_value(json_object_get(tmpl, "default_witness_commitment")));

	d[20] = d[20] == '0' ? '1' : '0';
	SET("default_witness_commitment", json_string(d));
	free(d);
}
static void m_dwc_missing(json_t *tmpl) { json_object_del(tmpl, "default_witness_commitment"); }
static void m_dwc_not_commitment(json_t *tmpl)
{
	SET("default_witness_commitment", json_string("6a00"));
}
static void m_lpid_long(json_t *tmpl)
{
	char id[GBT_LONGPOLLID_MAX + 2];

	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	SET("longpollid", json_string(id));
}
static void m_lpid_control(json_t *tmpl) { SET("longpollid", json_string("ab\ncd")); }
static void m_rule_unknown(json_t *tmpl)
{
	json_array_append_new(json_object_get(tmpl, "rules"), json_string("!foo"));
}
static void m_rules_not_array(json_t *tmpl) { SET("rules", json_string("segwit")); }
static void m_mweb_block(json_t *tmpl) { SET("mweb", json_string("0100")); }
static void m_aux_number(json_t *tmpl) { SET("coinbaseaux", json_pack("{s:i}", "flags", 1)); }
static void m_aux_huge(json_t *tmpl)
{
	char hex[2 * GBT_SCRIPTSIG_MAX + 3];

	memset(hex, 'a', sizeof(hex) - 1);
	hex[sizeof(hex) - 1] = '\0';
	SET("coinbaseaux", json_pack("{s:s}", "flags", hex));
}
static void m_odokey_negative(json_t *tmpl) { SET("odokey", json_integer(-7)); }
static void m_mutable_string(json_t *tmpl) { SET("mutable", json_string("time")); }
static void m_mutable_number(json_t *tmpl) { SET("mutable", json_pack("[s, i]", "time", 1)); }
static void m_maxtime_negative(json_t *tmpl) { SET("maxtime", json_integer(-2)); }
static void m_maxtime_huge(json_t *tmpl) { SET("maxtime", json_integer(1ll << 32)); }

static void test_malformed(void)
{
	static const struct {
		const char *name;
		mutate_fn *fn;
	} cases[] = {
		{ "empty object", m_not_object },
		{ "no version", m_no_version },
		{ "version a string", m_version_string },
		{ "version > 32 bits", m_version_huge },
		{ "previousblockhash short", m_prev_short },
		{ "previousblockhash not hex", m_prev_nonhex },
		{ "no transactions", m_no_txs },
		{ "transactions an object", m_txs_object },
		{ "bits 6 digits", m_bits_bad },
		{ "bits zero", m_bits_zero },
		{ "bits negative", m_bits_negative },
		{ "target not bits", m_target_mismatch },
		{ "coinbasevalue negative", m_value_negative },
		{ "coinbasevalue above MAX_MONEY", m_value_huge },
		{ "coinbasevalue a real", m_value_real },
		{ "height 0", m_height_zero },
		{ "height 2^31", m_height_huge },
		{ "curtime negative", m_curtime_negative },
		{ "curtime 2^32", m_curtime_huge },
		{ "no curtime", m_no_curtime },
		{ "transaction a string", m_tx_not_object },
		{ "transaction without data", m_tx_no_data },
		{ "transaction odd hex", m_tx_odd_hex },
		{ "transaction not hex", m_tx_nonhex },
		{ "transaction truncated", m_tx_truncated },
		{ "txid of another transaction", m_tx_txid },
		{ "hash = txid for a witness transaction", m_tx_hash },
		{ "neither txid nor hash", m_tx_no_ids },
		{ "data of another transaction", m_tx_swap },
		{ "more than GBT_TX_MAX transactions", m_too_many_txs },
		{ "witness commitment altered", m_dwc_changed },
		{ "witness commitment missing", m_dwc_missing },
		{ "witness commitment not BIP141", m_dwc_not_commitment },
		{ "longpollid too long", m_lpid_long },
		{ "longpollid with a control character", m_lpid_control },
		{ "rule !foo", m_rule_unknown },
		{ "rules a string", m_rules_not_array },
		{ "MWEB block without a HogEx", m_mweb_block },
		{ "coinbaseaux a number", m_aux_number },
		{ "coinbaseaux longer than a scriptSig", m_aux_huge },
		{ "odokey negative", m_odokey_negative },
		{ "mutable a string", m_mutable_string },
		{ "mutable with a number", m_mutable_number },
		{ "maxtime negative", m_maxtime_negative },
		{ "maxtime 2^32", m_maxtime_huge },
	};
	struct gbt_template t;
	char err[256];

	for (size_t i = 0; i < COUNT(cases); i++) {
		json_t *tmpl = json_deep_copy(json_object_get(fixture, "template"));
		int rc;

		cases[i].fn(tmpl);
		err[0] = '\0';
		memset(&t, 0xa5, sizeof(t));
		rc = parse_value(&t, tmpl, err, sizeof(err));
		tap_ok(rc < 0 && err[0] && !t.txs && !t.tx_data && !t.tx_count,
		       "refused: %s (%s)", cases[i].name, err);
		if (!rc)
			gbt_template_release(&t);
		json_decref(tmpl);
	}
	static const char *const texts[] = { "", "[]", "null", "{", "{\"version\":1",
					     "\"template\"" };

	for (size_t i = 0; i < COUNT(texts); i++) {
		err[0] = '\0';
		tap_ok(gbt_template_parse(&t, texts[i], strlen(texts[i]), err, sizeof(err)) < 0 &&
		       err[0] && !t.txs, "refused text '%s' (%s)", texts[i], err);
	}
	/* Bytes after the object, and a NUL inside, are not a template either. */
	const char bad[] = "{}\0{}";

	tap_ok(gbt_template_parse(&t, bad, sizeof(bad) - 1, err, sizeof(err)) < 0,
	       "embedded NUL refused");
}

/*
 * Litecoin MWEB: the example of Litecoin Core's doc/mweb/mining-changes.md.
 * Its default_witness_commitment was computed by the node, so matching it
 * checks how the HogEx's wtxid is taken; the block must end with the
 * template's transactions as given (HogEx last), 0x01 and the mweb bytes.
 */
static void test_mweb(void)
{
	json_t *doc = load_fixture("gbt-ltc-mweb-doc.json"), *tmpl = json_object_get(doc, "template");
	const char *doc_block = json_string_value(json_object_get(doc, "block"));
	const char *mweb_hex = json_string_value(json_object_get(tmpl, "mweb"));
	static const uint8_t script[] = { 0x51 };
	struct gbt_payout payout = { .script = script, .script_len = sizeof(script) };
	struct algo_params params = { .network = ALGO_NETWORK_MAINNET };
	struct gbt_template t;
	struct job *job = NULL;
	uint8_t header[HEADER_LEN], *block = NULL, *tail = NULL;
	size_t block_len = 0, txs_len, tail_len;
	char err[256];
	int rc = parse_value(&t, tmpl, err, sizeof(err));

	tap_ok(!rc, "MWEB template of mining-changes.md parses (%s)", rc ? err : "ok");
	if (rc) {
		json_decref(doc);
		return;
	}
	tap_ok(t.tx_count == 2 && !t.txs[0].is_hogex && t.txs[1].is_hogex && !t.txs[1].has_witness &&
	       t.mweb_len == strlen(mweb_hex) / 2,
	       "the last transaction is the HogEx; %zu bytes of MWEB block", t.mweb_len);
	tap_ok(t.has_witness_commitment && !memcmp(t.txs[1].txid, t.txs[1].wtxid, HASH_LEN),
	       "the node's witness commitment matches with the HogEx's wtxid = txid");
	/* The block: ... transactions as the document has them, then 01 and the mweb bytes. */
	txs_len = t.tx_data_len;
	tail_len = txs_len + 1 + t.mweb_len;
	tail = malloc(tail_len);
	rc = gbt_job_new(&job, &t, &algo_scrypt, &params, &payout, 1, err, sizeof(err));
	tap_ok(!rc, "a job from the MWEB template (%s)", rc ? err : "ok");
	if (!rc && tail &&
	    !hex_decode(doc_block + strlen(doc_block) - 2 * txs_len, tail, txs_len) &&
	    !hex_decode(mweb_hex, tail + txs_len + 1, t.mweb_len)) {
		int built = !gbt_block_build(&t, job, 3, job->ntime, 7, header, &block, &block_len);

		tail[txs_len] = 0x01;
		tap_ok(built && block_len > HEADER_LEN + tail_len && block[HEADER_LEN] == 3 &&
		       !memcmp(block + block_len - tail_len, tail, tail_len),
		       "block: 3 transactions, the template's as given (HogEx last), then 01 "
		       "and the mweb block (%zu bytes)", block_len);
	} else {
		tap_ok(0, "block: could not be built");
	}
	/* The same template with the HogEx first, or without its mweb block, is refused. */
	json_t *swapped = json_deep_copy(tmpl), *txs = json_object_get(swapped, "transactions");
	json_t *first = json_incref(json_array_get(txs, 0));
	struct gbt_template t2;

	json_array_remove(txs, 0);
	json_array_append_new(txs, first);
	tap_ok(parse_value(&t2, swapped, err, sizeof(err)) < 0 && strstr(err, "HogEx"),
	       "HogEx not last refused (%s)", err);
	json_object_del(swapped, "mweb");
	json_decref(swapped);
	swapped = json_deep_copy(tmpl);
	json_object_del(swapped, "mweb");
	tap_ok(parse_value(&t2, swapped, err, sizeof(err)) < 0 && strstr(err, "mweb"),
	       "HogEx without the mweb block refused (%s)", err);
	json_decref(swapped);
	free(block);
	free(tail);
	job_unref(job);
	gbt_template_release(&t);
	json_decref(doc);
}

int main(void)
{
	fixture = load_fixture("gbt-ltc-regtest.json");
	test_reference_block();
	test_time_range();
	test_no_witness();
	test_merkle();
	test_height();
	test_tx_parse();
	test_malformed();
	test_mweb();
	json_decref(fixture);
	return tap_done();
}
