/* SPDX-License-Identifier: MIT */
/*
 * stratum.c's pure layer: URL parsing, every message parser (good input and
 * truncated, wrong-type, oversized, unknown and out-of-order input, with the
 * output and session left unchanged after an error), request formatting,
 * the session (resume, clean_jobs, validity, requests), and the worked
 * example of docs/protocols.md §1 run through the notify
 * parser -> job -> work_header path and hashed with sha256d and scrypt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "endian.h"
#include "hex.h"
#include "stratum.h"
#include "tap.h"
#include "work.h"

/* docs/protocols.md §1, the worked example. */
static const char example_notify[] =
	"{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"4f\","
	"\"efe76cdfdfb6f70ee6a25e3fd9348b2d5fe64eb5d3e3d6ee30029e57e617bf2e\","
	"\"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff1a036f"
	"6e01\","
	"\"0d2f6467626d696e65722d65782fffffffff0100f2052a010000001976a914811f691f5582cd2458def567"
	"575a30e643ac25eb88ac00000000\","
	"[\"95cd603fe577fa9548ec0c9b50b067566fe07c8af6acba45f6196f3a15d511f6\","
	"\"709b55bd3da0f5a838125bd0ee20c5bfdd7caba173912d4281cae816b79a201b\"],"
	"\"20000202\",\"1d00ffff\",\"67436d00\",true]}";
static const char example_subscribe[] =
	"{\"id\":1,\"result\":[[[\"mining.set_difficulty\",\"d1\"],[\"mining.notify\",\"ab12\"]],"
	"\"f8002c90\",4],\"error\":null}";
static const char example_coinbase[] =
	"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff1a036f6e"
	"01f8002c90000000020d2f6467626d696e65722d65782fffffffff0100f2052a010000001976a914811f691f55"
	"82cd2458def567575a30e643ac25eb88ac00000000";
static const char example_header[] =
	"02020020df6ce7ef0ef7b6df3f5ea2e62d8b34d9b54ee65feed6e3d3579e02302ebf17e674be4b3a0107722a18"
	"fa8bd75f811906d0605d56a7e670a3b4e52e436011d67d006d4367ffff001d78563412";

static int hex_is(const uint8_t *bytes, size_t len, const char *want)
{
	char *got = malloc(2 * len + 1);
	int ok;

	if (!got)
		return 0;
	hex_encode(bytes, len, got);
	ok = !strcmp(got, want);
	if (!ok)
		tap_diag("got  %s\n# want %s", got, want);
	free(got);
	return ok;
}

static int parse(const char *line, struct stratum_msg *msg)
{
	char why[160];
	int rc = stratum_parse(line, strlen(line), msg, why, sizeof(why));

	if (rc)
		tap_diag("refused (%d): %s", rc, why);
	return rc;
}

/* A msg must be all zero after a refused line (no allocation held, nothing half-filled). */
static int msg_is_zero(const struct stratum_msg *msg)
{
	static const struct stratum_msg zero;

	return !memcmp(msg, &zero, sizeof(zero));
}

static struct stratum_session session;

static void session_subscribe(struct stratum_session *s, const char *line)
{
	struct stratum_subscribe sub;

	if (stratum_parse_subscribe(line, strlen(line), &sub) ||
	    stratum_session_subscribed(s, &sub) < 0)
		tap_diag("subscribe of the example failed");
}

static void test_urls(void)
{
	struct stratum_url u;
	static const char *const bad[] = {
		"stratum+tcp://host",        "stratum+tcp://host:",     "stratum+tcp://:3333",
		"stratum+tcp://host:0",      "stratum+tcp://host:65536", "http://host:3333",
		"stratum+tcp://ho st:3333",  "stratum+tcp://host:33x3", "stratum+tcp://[::1]3333",
		"stratum+udp://host:3333",   "stratum+tcp://host:-1",   "stratum+tcp://host:3333/x",
	};

	tap_ok(!stratum_url_parse("stratum+tcp://pool.example.org:3333", &u) &&
		       !strcmp(u.host, "pool.example.org") && !strcmp(u.port, "3333") && !u.is_tls,
	       "url: stratum+tcp host:port");
	tap_ok(!stratum_url_parse("stratum+ssl://127.0.0.1:443/", &u) && u.is_tls &&
		       !strcmp(u.host, "127.0.0.1") && !strcmp(u.port, "443"),
	       "url: stratum+ssl with a trailing slash is TLS");
	tap_ok(!stratum_url_parse("STRATUM+TLS://[::1]:3334", &u) && u.is_tls &&
		       !strcmp(u.host, "::1") && !strcmp(u.port, "3334"),
	       "url: stratum+tls, bracketed IPv6, scheme in capitals");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&u, 0x5a, sizeof(u));
		struct stratum_url before = u;
		tap_ok(stratum_url_parse(bad[i], &u) == -1 && !memcmp(&u, &before, sizeof(u)),
		       "url: %s refused, output untouched", bad[i]);
	}
}

static void test_worked_example(void)
{
	struct stratum_msg msg;
	struct job *job;
	struct share share = { 0 };
	uint8_t coinbase[512], header[HEADER_LEN], hash[HASH_LEN];
	char line[512];
	long len;
	int is_new_block = 0;
	uint32_t height = 0;

	stratum_session_init(&session, &algo_sha256d, &(struct algo_params){ 0 }, 1.0);
	session_subscribe(&session, example_subscribe);
	tap_ok(session.is_subscribed && session.extranonce1_len == 4 &&
		       session.extranonce2_len == 4 && !strcmp(session.session_id, "ab12"),
	       "example: subscribe result gives extranonce1, size 4 and session id");
	if (!tap_ok(parse(example_notify, &msg) == STRATUM_OK && msg.kind == STRATUM_MSG_NOTIFY &&
			    msg.job,
		    "example: notify parses"))
		return;
	job = msg.job;
	msg.job = NULL;
	tap_ok(!strcmp(job->id, "4f") && job->is_clean && job->merkle_count == 2 &&
		       job->version == 0x20000202 && job->nbits == 0x1d00ffff &&
		       job->ntime == 0x67436d00 && job->ntime_max == job->ntime,
	       "example: job id, clean, branches, version, nbits, ntime");
	tap_ok(hex_is(job->prevhash, HASH_LEN,
		      "df6ce7ef0ef7b6df3f5ea2e62d8b34d9b54ee65feed6e3d3579e02302ebf17e6"),
	       "example: prevhash words swapped into internal order");
	{
		int rc = stratum_coinbase_height(job->coinb1, job->coinb1_len, &height);

		tap_ok(!rc && height == 0x016e6f, "example: BIP34 height %u read from coinb1",
		       height);
	}
	tap_ok(!stratum_session_bind_job(&session, job, &is_new_block) && is_new_block,
	       "example: job bound to the session, new block");
	tap_ok(stratum_session_job_is_valid(&session, job), "example: job valid after binding");
	tap_ok(hex_is(job->share_target, HASH_LEN,
		      "0000000000000000000000000000000000000000000000000000ffff00000000"),
	       "example: difficulty 1, factor 1 -> 0x00000000ffff0000... (little-endian)");
	len = work_coinbase(job, 2, coinbase, sizeof(coinbase));
	tap_ok(len > 0 && hex_is(coinbase, (size_t)len, example_coinbase),
	       "example: coinbase = coinb1 + extranonce1 + extranonce2 + coinb2");
	tap_ok(!work_header(job, 2, job->ntime, header), "example: work_header builds");
	le32_store(header + NONCE_OFFSET, 0x12345678);
	tap_ok(hex_is(header, HEADER_LEN, example_header), "example: header matches the document");
	algo_sha256d.hash(&job->params, header, hash);
	bytes_reverse(hash, HASH_LEN);
	tap_ok(hex_is(hash, HASH_LEN,
		      "f4550481af7f9f05bd65947685b3041853a7653cf247a5b8bf58cb0e7223e2a2"),
	       "example: sha256d PoW (display order)");
	algo_scrypt.hash(&job->params, header, hash);
	bytes_reverse(hash, HASH_LEN);
	tap_ok(hex_is(hash, HASH_LEN,
		      "b63cd2d3630f3e16c2e3c4abf76f1e283bf0fff86c217c50642c092e5e503254"),
	       "example: scrypt PoW (display order)");
	share.job = job;
	share.extranonce2 = 2;
	share.ntime = 0x67436d00;
	share.nonce = 0x12345678;
	len = stratum_format_submit(line, sizeof(line), 7, "worker", &share);
	tap_ok(len > 0 && !strcmp(line, "{\"id\":7,\"method\":\"mining.submit\",\"params\":"
					"[\"worker\",\"4f\",\"00000002\",\"67436d00\","
					"\"12345678\"]}\n"),
	       "example: submit params ['worker', '4f', '00000002', '67436d00', '12345678']");
	job_unref(job);
	stratum_session_release(&session);
}

static void test_targets(void)
{
	struct stratum_session s;
	struct stratum_msg msg;
	int is_new;

	stratum_session_init(&s, &algo_scrypt, &(struct algo_params){ 0 }, 65536.0);
	session_subscribe(&s, example_subscribe);
	parse(example_notify, &msg);
	stratum_session_bind_job(&s, msg.job, &is_new);
	tap_ok(hex_is(msg.job->share_target, HASH_LEN,
		      "00000000000000000000000000000000000000000000000000000000ffff0000"),
	       "scrypt factor 65536, difficulty 1 -> 0x0000ffff00...");
	stratum_msg_release(&msg);
	tap_ok(!stratum_session_set_difficulty(&s, 0.5) && s.diff == 0.5, "difficulty 0.5 taken");
	parse(example_notify, &msg);
	stratum_session_bind_job(&s, msg.job, &is_new);
	tap_ok(!is_new &&
		       hex_is(msg.job->share_target, HASH_LEN,
			      "00000000000000000000000000000000000000000000000000000000feff0100"),
	       "difficulty applies to the next job: 0.5 doubles the target; same prevhash is "
	       "no new block");
	stratum_msg_release(&msg);
	tap_ok(stratum_session_set_difficulty(&s, 0) == -1 &&
		       stratum_session_set_difficulty(&s, -3) == -1 && s.diff == 0.5,
	       "difficulty 0 and negative refused, difficulty unchanged");
	stratum_session_release(&s);
}

static void test_messages(void)
{
	struct stratum_msg msg;

	tap_ok(!parse("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0.001]}",
		      &msg) &&
		       msg.kind == STRATUM_MSG_SET_DIFFICULTY && msg.diff == 0.001,
	       "set_difficulty: a float below 1");
	tap_ok(!parse("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[16]}", &msg) &&
		       msg.diff == 16,
	       "set_difficulty: an integer");
	tap_ok(!parse("{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"0a0B\",8]}",
		      &msg) &&
		       msg.kind == STRATUM_MSG_SET_EXTRANONCE && msg.extranonce1_len == 2 &&
		       msg.extranonce1[1] == 0x0b && msg.extranonce2_len == 8,
	       "set_extranonce: hex in either case, size");
	tap_ok(!parse("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"p.example\","
		      "3334,5]}", &msg) &&
		       msg.kind == STRATUM_MSG_RECONNECT && !strcmp(msg.host, "p.example") &&
		       !strcmp(msg.port, "3334") && msg.wait_s == 5,
	       "reconnect: host, integer port, wait");
	tap_ok(!parse("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"h\",\"80\"]}",
		      &msg) && !strcmp(msg.port, "80") && msg.wait_s == 0,
	       "reconnect: string port, no wait");
	tap_ok(!parse("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[]}", &msg) &&
		       !msg.host[0] && !msg.port[0],
	       "reconnect: no params means the same pool");
	tap_ok(!parse("{\"id\":null,\"method\":\"client.reconnect\"}", &msg) &&
		       msg.kind == STRATUM_MSG_RECONNECT,
	       "reconnect: params absent");
	tap_ok(!parse("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"\",null,"
		      "99999999]}", &msg) && msg.wait_s == STRATUM_RECONNECT_WAIT_MAX,
	       "reconnect: a huge wait is capped at %d s", STRATUM_RECONNECT_WAIT_MAX);
	tap_ok(!parse("{\"id\":\"v1\",\"method\":\"client.get_version\",\"params\":[]}", &msg) &&
		       msg.kind == STRATUM_MSG_GET_VERSION && !strcmp(msg.id_text, "\"v1\""),
	       "get_version: a request whose string id we echo");
	tap_ok(!parse("{\"id\":null,\"method\":\"client.show_message\",\"params\":"
		      "[\"hi\\u0007\\nthere\"]}", &msg) &&
		       msg.kind == STRATUM_MSG_SHOW_MESSAGE && !strcmp(msg.text, "hi??there"),
	       "show_message: control characters replaced");
	tap_ok(!parse("{\"id\":9,\"method\":\"mining.ping\",\"params\":[]}", &msg) &&
		       msg.kind == STRATUM_MSG_UNKNOWN_METHOD &&
		       !strcmp(msg.method, "mining.ping") && !strcmp(msg.id_text, "9"),
	       "unknown method: recognised as such, its id kept to answer");
	tap_ok(!parse("{\"id\":3,\"result\":true,\"error\":null}", &msg) &&
		       msg.kind == STRATUM_MSG_RESPONSE && msg.has_id && msg.id == 3 &&
		       msg.result == STRATUM_RESULT_TRUE && !msg.is_error,
	       "response: true");
	tap_ok(!parse("{\"id\":4,\"result\":null,\"error\":[21,\"Job not found\",null]}", &msg) &&
		       msg.result == STRATUM_RESULT_NULL && msg.is_error && msg.error_code == 21 &&
		       !strcmp(msg.error_text, "Job not found"),
	       "response: error [21, text, null] (stale)");
	tap_ok(!parse("{\"id\":5,\"result\":false,\"error\":\"low difficulty share\"}", &msg) &&
		       msg.result == STRATUM_RESULT_FALSE && msg.is_error && msg.error_code == 0 &&
		       !strcmp(msg.error_text, "low difficulty share"),
	       "response: false with a bare string error");
	tap_ok(!parse("{\"id\":6,\"result\":null,\"error\":{\"code\":24,\"message\":\"Unauthorized "
		      "worker\"}}", &msg) &&
		       msg.error_code == 24 && !strcmp(msg.error_text, "Unauthorized worker"),
	       "response: error object {code, message}");
	tap_ok(!parse("{\"id\":7,\"result\":false,\"error\":[22,{\"x\":1}]}", &msg) &&
		       msg.error_code == 22 && !strcmp(msg.error_text, "{\"x\":1}"),
	       "response: error text of another type is shown as JSON");
	tap_ok(!parse("{\"id\":\"abc\",\"result\":true}", &msg) &&
		       msg.kind == STRATUM_MSG_RESPONSE && !msg.has_id,
	       "response: a string id cannot answer one of our requests");
	tap_ok(!parse("{\"id\":-5,\"result\":true}", &msg) && !msg.has_id,
	       "response: a negative id is not ours");
}

/* Lines that must be refused, each leaving msg zeroed. */
static void test_refused(void)
{
	static const struct {
		const char *line;
		int rc;
		const char *what;
	} cases[] = {
		{ "", STRATUM_ERR_JSON, "empty line" },
		{ "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"4f\",", STRATUM_ERR_JSON,
		  "truncated line" },
		{ "[1,2,3]", STRATUM_ERR_JSON, "an array, not an object" },
		{ "{\"id\":1,\"result\":true} trailing", STRATUM_ERR_JSON, "trailing garbage" },
		{ "{\"id\":1,\"id\":2,\"result\":true}", STRATUM_ERR_JSON, "duplicate keys" },
		{ "{\"id\":null,\"params\":[]}", STRATUM_ERR_SHAPE, "neither method nor result" },
		{ "{\"id\":1}", STRATUM_ERR_SHAPE, "id alone" },
		{ "{\"id\":null,\"method\":7,\"params\":[]}", STRATUM_ERR_SHAPE,
		  "method a number" },
		{ "{\"id\":[1],\"method\":\"client.get_version\"}", STRATUM_ERR_SHAPE,
		  "request id an array" },
		{ "{\"id\":"
		  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
		  "\"method\":\"client.get_version\"}",
		  STRATUM_ERR_SHAPE, "request id too long" },
		{ "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":{}}",
		  STRATUM_ERR_PARAMS, "params an object" },
		{ "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[]}",
		  STRATUM_ERR_PARAMS, "set_difficulty without a value" },
		{ "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[\"8\"]}",
		  STRATUM_ERR_PARAMS, "set_difficulty a string" },
		{ "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0]}",
		  STRATUM_ERR_PARAMS, "set_difficulty zero" },
		{ "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[-1.5]}",
		  STRATUM_ERR_PARAMS, "set_difficulty negative" },
		{ "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1e999]}",
		  STRATUM_ERR_JSON, "set_difficulty overflowing a double" },
		{ "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"abc\",4]}",
		  STRATUM_ERR_PARAMS, "set_extranonce odd hex" },
		{ "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"zz\",4]}",
		  STRATUM_ERR_PARAMS, "set_extranonce not hex" },
		{ "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"00\",17]}",
		  STRATUM_ERR_PARAMS, "set_extranonce extranonce2 size 17" },
		{ "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"00\",\"4\"]}",
		  STRATUM_ERR_PARAMS, "set_extranonce size a string" },
		{ "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":["
		  "\"00000000000000000000"
		  "000000000000000000000000000000000000000000000000\",4]}",
		  STRATUM_ERR_PARAMS, "set_extranonce extranonce1 of 33 bytes" },
		{ "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"a b\",1,1]}",
		  STRATUM_ERR_PARAMS, "reconnect host with a space" },
		{ "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"h\",70000,1]}",
		  STRATUM_ERR_PARAMS, "reconnect port 70000" },
		{ "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"h\",\"80x\",1]}",
		  STRATUM_ERR_PARAMS, "reconnect port not a number" },
		{ "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"h\",80,-1]}",
		  STRATUM_ERR_PARAMS, "reconnect negative wait" },
		{ "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[5]}",
		  STRATUM_ERR_PARAMS, "reconnect host a number" },
		{ "{\"id\":null,\"method\":\"client.show_message\",\"params\":[5]}",
		  STRATUM_ERR_PARAMS, "show_message a number" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stratum_msg msg;
		char why[160];
		int rc;

		memset(&msg, 0x5a, sizeof(msg));
		rc = stratum_parse(cases[i].line, strlen(cases[i].line), &msg, why, sizeof(why));
		tap_ok(rc == cases[i].rc && msg_is_zero(&msg) && why[0], "refused: %s (%s)",
		       cases[i].what, why);
	}
}

/* Replaces the n-th (0-based) parameter of the example notify with repl. */
static char *notify_with(unsigned n, const char *repl)
{
	static const char *const params[] = {
		"\"4f\"",
		"\"efe76cdfdfb6f70ee6a25e3fd9348b2d5fe64eb5d3e3d6ee30029e57e617bf2e\"",
		"\"01000000010000000000000000000000000000000000000000000000000000000000000000ffffff"
		"ff"
		"1a036f6e01\"",
		"\"0d2f6467626d696e65722d65782fffffffff0100f2052a010000001976a914811f691f5582cd2458"
		"de"
		"f567575a30e643ac25eb88ac00000000\"",
		"[\"95cd603fe577fa9548ec0c9b50b067566fe07c8af6acba45f6196f3a15d511f6\"]",
		"\"20000202\"",
		"\"1d00ffff\"",
		"\"67436d00\"",
		"true",
	};
	size_t cap = strlen(repl) + 1024;
	char *line = malloc(cap);
	size_t used;

	if (!line)
		return NULL;
	used = (size_t)snprintf(line, cap,
				"{\"id\":null,\"method\":\"mining.notify\",\"params\":[");
	for (unsigned i = 0; i < 9; i++)
		used += (size_t)snprintf(line + used, cap - used, "%s%s", i ? "," : "",
					 i == n ? repl : params[i]);
	snprintf(line + used, cap - used, "]}");
	return line;
}

static void test_notify_refused(void)
{
	static const struct {
		unsigned param;
		const char *repl;
		const char *what;
	} cases[] = {
		{ 0, "4", "job id a number" },
		{ 0, "\"\"", "job id empty" },
		{ 0, "\"a\\u0001b\"", "job id with a control character" },
		{ 0, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
		  "job id of 65 characters" },
		{ 1, "\"efe76cdf\"", "prevhash too short" },
		{ 1, "\"efe76cdfdfb6f70ee6a25e3fd9348b2d5fe64eb5d3e3d6ee30029e57e617bf2e00\"",
		  "prevhash too long" },
		{ 1, "\"gfe76cdfdfb6f70ee6a25e3fd9348b2d5fe64eb5d3e3d6ee30029e57e617bf2e\"",
		  "prevhash not hex" },
		{ 1, "null", "prevhash null" },
		{ 2, "\"0100000\"", "coinb1 odd length" },
		{ 2, "\"01 0\"", "coinb1 not hex" },
		{ 2, "[]", "coinb1 an array" },
		{ 3, "false", "coinb2 a boolean" },
		{ 4, "\"95cd\"", "merkle branch a string" },
		{ 4, "[\"95cd\"]", "merkle branch item short" },
		{ 4, "[7]", "merkle branch item a number" },
		{ 5, "\"2000020\"", "version 7 digits" },
		{ 5, "536871426", "version a number" },
		{ 6, "\"1d00fffg\"", "nbits not hex" },
		{ 7, "\"67436d000\"", "ntime 9 digits" },
		{ 8, "1", "clean_jobs a number" },
		{ 8, "\"true\"", "clean_jobs a string" },
	};
	struct stratum_msg msg;
	char why[160], *line;
	int rc;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		line = notify_with(cases[i].param, cases[i].repl);
		memset(&msg, 0x5a, sizeof(msg));
		rc = line ? stratum_parse(line, strlen(line), &msg, why, sizeof(why)) : 0;
		tap_ok(rc == STRATUM_ERR_PARAMS && msg_is_zero(&msg), "notify refused: %s (%s)",
		       cases[i].what, why);
		free(line);
	}

	/* Eight parameters: truncated message. */
	line = notify_with(0, "\"4f\"");
	if (line) {
		char *last = strrchr(line, ',');
		strcpy(last, "]}");
		rc = stratum_parse(line, strlen(line), &msg, why, sizeof(why));
		tap_ok(rc == STRATUM_ERR_PARAMS && msg_is_zero(&msg),
		       "notify refused: 8 parameters (%s)", why);
		free(line);
	}

	/* 33 branches: one more than JOB_MERKLE_MAX. */
	{
		static const char b[] =
			"\"95cd603fe577fa9548ec0c9b50b067566fe07c8af6acba45f6196f3a15d511f6\"";
		char *list = malloc(40 * sizeof(b) + 4);
		size_t used = 0;

		if (list) {
			list[used++] = '[';
			for (unsigned k = 0; k < JOB_MERKLE_MAX + 1; k++) {
				used += (size_t)sprintf(list + used, "%s%s", k ? "," : "", b);
				if (k == JOB_MERKLE_MAX - 1) {
					strcpy(list + used, "]");
					line = notify_with(4, list);
					rc = line ? stratum_parse(line, strlen(line), &msg, why,
								  sizeof(why))
						  : -1;
					tap_ok(rc == 0 && msg.job->merkle_count == JOB_MERKLE_MAX,
					       "notify: %d branches accepted", JOB_MERKLE_MAX);
					stratum_msg_release(&msg);
					free(line);
				}
			}
			strcpy(list + used, "]");
			line = notify_with(4, list);
			rc = line ? stratum_parse(line, strlen(line), &msg, why, sizeof(why)) : 0;
			tap_ok(rc == STRATUM_ERR_PARAMS && msg_is_zero(&msg),
			       "notify refused: %d branches (%s)", JOB_MERKLE_MAX + 1, why);
			free(line);
			free(list);
		}
	}

	/* Oversized coinbase: coinb1 alone over JOB_COINBASE_MAX, and the two together. */
	{
		size_t n = 2 * JOB_COINBASE_MAX + 2;
		char *big = malloc(n + 3);

		if (big) {
			big[0] = '"';
			memset(big + 1, '0', n);
			strcpy(big + 1 + n, "\"");
			line = notify_with(2, big);
			rc = line ? stratum_parse(line, strlen(line), &msg, why, sizeof(why)) : 0;
			tap_ok(rc == STRATUM_ERR_PARAMS && msg_is_zero(&msg),
			       "notify refused: coinb1 of %d bytes (%s)", JOB_COINBASE_MAX + 1,
			       why);
			free(line);
			/* JOB_COINBASE_MAX - 40 bytes in coinb1: with coinb2 (60) over the limit */
			strcpy(big + 1 + 2 * (JOB_COINBASE_MAX - 40), "\"");
			line = notify_with(2, big);
			rc = line ? stratum_parse(line, strlen(line), &msg, why, sizeof(why)) : 0;
			tap_ok(rc == STRATUM_ERR_PARAMS && msg_is_zero(&msg),
			       "notify refused: coinb1 + coinb2 over %d bytes (%s)",
			       JOB_COINBASE_MAX, why);
			free(line);
			free(big);
		}
	}

	/* Extra trailing parameters are tolerated. */
	line = notify_with(8, "false,\"extra\",7");
	tap_ok(line && !stratum_parse(line, strlen(line), &msg, why, sizeof(why)) &&
		       msg.job && !msg.job->is_clean,
	       "notify: extra trailing parameters ignored, clean_jobs false");
	stratum_msg_release(&msg);
	free(line);
}

static void test_subscribe(void)
{
	static const struct {
		const char *line;
		const char *what;
	} bad[] = {
		{ "{\"id\":1,\"result\":[[],\"f8002c9\",4],\"error\":null}", "odd extranonce1" },
		{ "{\"id\":1,\"result\":[[],\"f8002c9x\",4],\"error\":null}",
		  "extranonce1 not hex" },
		{ "{\"id\":1,\"result\":[[],\"f8002c90\",\"4\"],\"error\":null}", "size a string" },
		{ "{\"id\":1,\"result\":[[],\"f8002c90\",17],\"error\":null}", "size 17" },
		{ "{\"id\":1,\"result\":[[],\"f8002c90\",-1],\"error\":null}", "size -1" },
		{ "{\"id\":1,\"result\":[[],\"f8002c90\"],\"error\":null}", "two elements" },
		{ "{\"id\":1,\"result\":true,\"error\":null}", "result true" },
		{ "{\"id\":1,\"result\":null,\"error\":[20,\"busy\",null]}", "an error" },
		{ "{\"id\":1,\"result\":[[],", "truncated" },
		{ "{\"id\":1,\"result\":[[],"
		  "\"00000000000000000000000000000000000000000000000000000000"
		  "0000000000\",4]}",
		  "extranonce1 of 33 bytes" },
	};
	struct stratum_subscribe sub;
	const char *line;

	line = "{\"id\":1,\"result\":[[\"mining.notify\",\"s1\"],\"\",8],\"error\":null}";
	tap_ok(!stratum_parse_subscribe(line, strlen(line), &sub) &&
		       !strcmp(sub.session_id, "s1") && sub.extranonce1_len == 0 &&
		       sub.extranonce2_len == 8,
	       "subscribe: unnested pair, empty extranonce1");
	line = "{\"id\":1,\"result\":[\"whatever\",\"01\",4],\"error\":null}";
	tap_ok(!stratum_parse_subscribe(line, strlen(line), &sub) && !sub.session_id[0],
	       "subscribe: subscriptions of another shape: no session id, still subscribed");
	line = "{\"id\":1,\"result\":[[[\"mining.notify\",\"bad\\u0001\"]],\"01\",4]}";
	tap_ok(!stratum_parse_subscribe(line, strlen(line), &sub) && !sub.session_id[0],
	       "subscribe: a session id with a control character is not kept");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&sub, 0x5a, sizeof(sub));
		struct stratum_subscribe before = sub;
		tap_ok(stratum_parse_subscribe(bad[i].line, strlen(bad[i].line), &sub) == -1 &&
			       !memcmp(&sub, &before, sizeof(sub)),
		       "subscribe refused: %s, output untouched", bad[i].what);
	}
}

static struct job *example_job(void)
{
	struct stratum_msg msg;
	struct job *job;

	if (parse(example_notify, &msg))
		return NULL;
	job = msg.job;
	msg.job = NULL;
	return job;
}

static void test_session(void)
{
	struct stratum_session s, before;
	struct stratum_subscribe sub;
	struct job *a, *b, *c;
	struct share *share = NULL;
	struct stratum_request req;
	int is_new;
	const char *other_en1 =
		"{\"id\":1,\"result\":[[[\"mining.notify\",\"ab12\"]],\"00000001\",4]}";

	stratum_session_init(&s, &algo_sha256d, &(struct algo_params){ 0 }, 1.0);
	a = example_job();
	before = s;
	tap_ok(a && stratum_session_bind_job(&s, a, &is_new) == -1 &&
		       !memcmp(&s, &before, sizeof(s)),
	       "out of order: notify before subscribe is refused, session unchanged");
	tap_ok(stratum_session_set_extranonce(&s, (const uint8_t *)"\1", 1, 4) == -1 &&
		       !memcmp(&s, &before, sizeof(s)),
	       "out of order: set_extranonce before subscribe refused, session unchanged");
	tap_ok(stratum_session_take_request(&s, 1, &share) == STRATUM_REQ_NONE && !share,
	       "out of order: an answer to an id never sent is not ours");

	session_subscribe(&s, example_subscribe);
	stratum_session_bind_job(&s, a, &is_new);
	tap_ok(stratum_session_job_is_valid(&s, a), "session: job A valid");

	/* Lost connection, same pool, resumed with the same extranonce1: A still valid. */
	stratum_session_connecting(&s, 0);
	tap_ok(!s.is_subscribed && !strcmp(s.session_id, "ab12"),
	       "session: reconnecting keeps the session id to resume");
	stratum_parse_subscribe(example_subscribe, strlen(example_subscribe), &sub);
	tap_ok(stratum_session_subscribed(&s, &sub) == 1 && stratum_session_job_is_valid(&s, a),
	       "session: resumed, job A still valid");

	/* The pool re-sends job A: workers continue after the extranonce2 values taken. */
	{
		struct job *again = example_job();
		uint64_t en2 = 0;
		uint32_t ntime;

		for (int i = 0; i < 3; i++)
			job_take_work(a, &en2, &ntime);
		again->is_clean = 0;
		stratum_session_bind_job(&s, again, &is_new);
		tap_ok(atomic_load(&again->work_next) == 3 + STRATUM_EN2_MARGIN && !is_new,
		       "session: a re-sent job continues the extranonce2 counter (+%d)",
		       STRATUM_EN2_MARGIN);
		job_take_work(again, &en2, &ntime);
		job_unref(again);
		again = example_job();
		again->is_clean = 0;
		stratum_session_bind_job(&s, again, &is_new);
		tap_ok(atomic_load(&again->work_next) == 4 + 2 * STRATUM_EN2_MARGIN,
		       "session: sent a third time, it continues from the second copy");
		job_unref(again);
		/* The same headers under a new id (e.g. after set_difficulty). */
		again = example_job();
		again->is_clean = 0;
		strcpy(again->id, "4f-again");
		stratum_session_bind_job(&s, again, &is_new);
		tap_ok(atomic_load(&again->work_next) == 4 + 3 * STRATUM_EN2_MARGIN,
		       "session: the same work under a new job id continues the counter too");
		job_unref(again);
		again = example_job();
		again->is_clean = 0;
		again->ntime++;
		strcpy(again->id, "4f-later");
		stratum_session_bind_job(&s, again, &is_new);
		tap_ok(atomic_load(&again->work_next) == 0,
		       "session: the same work at a later ntime that A never rolled to starts at 0");
		job_unref(again);
	}

	/* Not resumed (new extranonce1): A invalid. */
	stratum_session_connecting(&s, 0);
	stratum_parse_subscribe(other_en1, strlen(other_en1), &sub);
	tap_ok(stratum_session_subscribed(&s, &sub) == 0 && !stratum_session_job_is_valid(&s, a),
	       "session: a new extranonce1 invalidates earlier jobs");

	/* set_extranonce applies to the next job. */
	tap_ok(!stratum_session_set_extranonce(&s, (const uint8_t *)"\xaa\xbb", 2, 6),
	       "session: set_extranonce accepted when subscribed");
	b = example_job();
	stratum_session_bind_job(&s, b, &is_new);
	tap_ok(b->extranonce1_len == 2 && b->extranonce1[0] == 0xaa && b->extranonce2_len == 6,
	       "session: the next job carries the new extranonce");

	/* clean_jobs empties the valid list; a non-clean job keeps older ids valid. */
	c = example_job();
	c->is_clean = 0;
	strcpy(c->id, "50");
	stratum_session_bind_job(&s, c, &is_new);
	tap_ok(stratum_session_job_is_valid(&s, b) && stratum_session_job_is_valid(&s, c),
	       "session: a job without clean_jobs keeps earlier ones valid");
	job_unref(c);
	c = example_job();
	strcpy(c->id, "51");
	stratum_session_bind_job(&s, c, &is_new);
	tap_ok(!stratum_session_job_is_valid(&s, b) && stratum_session_job_is_valid(&s, c),
	       "session: clean_jobs drops earlier jobs");

	/* Only the last STRATUM_VALID_JOBS ids stay valid. */
	for (unsigned i = 0; i < STRATUM_VALID_JOBS; i++) {
		struct job *j = example_job();
		j->is_clean = 0;
		snprintf(j->id, sizeof(j->id), "x%u", i);
		stratum_session_bind_job(&s, j, &is_new);
		job_unref(j);
	}
	tap_ok(!stratum_session_job_is_valid(&s, c), "session: the ring forgets the oldest id");

	/* Another pool: nothing carries over. */
	job_unref(c);
	c = example_job();
	stratum_session_bind_job(&s, c, &is_new);
	stratum_session_connecting(&s, 1);
	tap_ok(!stratum_session_job_is_valid(&s, c) && !s.session_id[0] && s.diff == 1.0,
	       "session: switching pools forgets jobs, session id and difficulty");
	stratum_session_subscribed(&s, &sub);
	tap_ok(!stratum_session_job_is_valid(&s, c),
	       "session: a job from the first pool stays invalid on the second");

	/* Requests. */
	{
		uint64_t ids[STRATUM_REQUESTS_MAX];
		int all = 1;

		for (unsigned i = 0; i < STRATUM_REQUESTS_MAX; i++) {
			ids[i] = stratum_session_add_request(&s, STRATUM_REQ_AUTHORIZE, NULL,
							     1000 + i);
			all &= ids[i] != 0;
		}
		tap_ok(all && stratum_session_add_request(&s, STRATUM_REQ_SUBMIT, NULL, 0) == 0,
		       "requests: %d outstanding, then the table is full", STRATUM_REQUESTS_MAX);
		tap_ok(stratum_session_sent_ms(&s, ids[3]) == 1003 &&
			       stratum_session_sent_ms(&s, ids[5]) == 1005 &&
			       stratum_session_sent_ms(&s, 0) == 0,
		       "requests: the send time of an outstanding one (the round trip's start)");
		tap_ok(stratum_session_take_request(&s, ids[3], &share) == STRATUM_REQ_AUTHORIZE &&
			       stratum_session_take_request(&s, ids[3], &share) == STRATUM_REQ_NONE,
		       "requests: an answer is taken once; a duplicate answer is not ours");
		tap_ok(stratum_session_sent_ms(&s, ids[3]) == 0,
		       "requests: an answered one has no send time any more");
		tap_ok(stratum_session_take_expired(&s, STRATUM_REQ_NONE, 1010, 10, &req) &&
			       req.sent_ms == 1000 &&
			       stratum_session_outstanding(&s, STRATUM_REQ_NONE) ==
				       STRATUM_REQUESTS_MAX - 2,
		       "requests: expiry takes the old ones only");
		tap_ok(!stratum_session_take_expired(&s, STRATUM_REQ_NONE, 999, 10, &req),
		       "requests: one sent after 'now' was read is not expired");
		while (stratum_session_take_expired(&s, STRATUM_REQ_NONE, 0, 0, &req))
			;
		tap_ok(!stratum_session_outstanding(&s, STRATUM_REQ_NONE),
		       "requests: all taken back");
	}
	job_unref(a);
	job_unref(b);
	job_unref(c);
	stratum_session_release(&s);
}

/*
 * --ntime-roll in the session: bound jobs get ntime_max = ntime + roll, and
 * the same work sent again at a later ntime does not hash what rolling
 * already covered.
 */
static void test_session_ntime_roll(void)
{
	static const char sub_en2_1[] =
		"{\"id\":1,\"result\":[[[\"mining.notify\",\"ab12\"]],\"f8002c90\",1],"
		"\"error\":null}";
	struct stratum_session s;
	struct algo_params params = { 0 };
	struct job *a = example_job(), *b = example_job(), *c = example_job(), *d = example_job();
	uint64_t en2 = 0, want_en2 = 0;
	uint32_t ntime = 0, want_ntime = 0;
	int is_new;

	stratum_session_init(&s, algo_find("sha256d"), &params, 1.0);
	tap_ok(s.ntime_roll_s == 0, "session: no ntime rolling unless the source sets it");
	s.ntime_roll_s = 5;
	session_subscribe(&s, sub_en2_1);
	stratum_session_bind_job(&s, a, &is_new);
	tap_ok(a->ntime_max == a->ntime + 5 && a->extranonce2_len == 1 &&
	       job_work_units(a) == 6 * 256,
	       "session: --ntime-roll 5 gives a bound job ntime_max = ntime + 5");
	for (int i = 0; i < 600; i++)
		job_take_work(a, &en2, &ntime);
	tap_ok(en2 == 87 && ntime == a->ntime + 2, "job A rolled to ntime + 2 (extranonce2 87)");
	job_work_unit(a, 600, &want_en2, &want_ntime);

	/* B: the same work, one second later, under another id. */
	b->ntime = a->ntime + 1;
	b->is_clean = 0;
	strcpy(b->id, "4f-b");
	stratum_session_bind_job(&s, b, &is_new);
	tap_ok(atomic_load(&b->work_next) == 600 - 256 + STRATUM_EN2_MARGIN &&
	       !job_work_unit(b, 600 - 256, &en2, &ntime) && en2 == want_en2 &&
	       ntime == want_ntime,
	       "the same work at ntime + 1 starts where A's rolling stopped (+%d)",
	       STRATUM_EN2_MARGIN);
	/* C: the same work past what A reached and B's counter (with its margin) points at. */
	c->ntime = a->ntime + 4;
	c->is_clean = 0;
	strcpy(c->id, "4f-c");
	stratum_session_bind_job(&s, c, &is_new);
	tap_ok(atomic_load(&c->work_next) == 0,
	       "the same work at ntime + 4, which no job reached, starts at 0");
	/* D: the same work at an earlier ntime (a pool going back in time). */
	d->ntime = a->ntime - 1;
	d->is_clean = 0;
	strcpy(d->id, "4f-d");
	stratum_session_bind_job(&s, d, &is_new);
	tap_ok(atomic_load(&d->work_next) == 0 && d->ntime_max == d->ntime + 5,
	       "the same work at an earlier ntime starts at 0");
	job_unref(a);
	job_unref(b);
	job_unref(c);
	job_unref(d);
	stratum_session_release(&s);
}

static void test_format(void)
{
	char buf[512];
	long n;

	n = stratum_format_subscribe(buf, sizeof(buf), 1, "quintminer/0.1", NULL);
	tap_ok(n > 0 && !strcmp(buf, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":"
				     "[\"quintminer/0.1\"]}\n") && (size_t)n == strlen(buf),
	       "format: subscribe");
	n = stratum_format_subscribe(buf, sizeof(buf), 2, "a", "s1");
	tap_ok(n > 0 && strstr(buf, "\"params\":[\"a\",\"s1\"]"), "format: subscribe resuming s1");
	n = stratum_format_authorize(buf, sizeof(buf), 3, "we\"ird\\user", "p");
	tap_ok(n > 0 && strstr(buf, "[\"we\\\"ird\\\\user\",\"p\"]"),
	       "format: authorize escapes quotes and backslashes");
	n = stratum_format_extranonce_subscribe(buf, sizeof(buf), 4);
	tap_ok(n > 0 && !strcmp(buf, "{\"id\":4,\"method\":\"mining.extranonce.subscribe\","
				     "\"params\":[]}\n"),
	       "format: extranonce.subscribe");
	n = stratum_format_suggest_difficulty(buf, sizeof(buf), 5, 0.25);
	tap_ok(n > 0 && strstr(buf, "\"params\":[0.25]"), "format: suggest_difficulty");
	n = stratum_format_result(buf, sizeof(buf), "\"v1\"", "quintminer/0.1");
	tap_ok(n > 0 && !strcmp(buf, "{\"id\":\"v1\",\"result\":\"quintminer/0.1\","
				     "\"error\":null}\n"),
	       "format: get_version answer echoes the id");
	n = stratum_format_error(buf, sizeof(buf), "9", 20, "unknown method");
	tap_ok(n > 0 && !strcmp(buf, "{\"id\":9,\"result\":null,\"error\":[20,\"unknown method\","
				     "null]}\n"),
	       "format: error answer");
	tap_ok(stratum_format_subscribe(buf, 20, 1, "quintminer/0.1", NULL) == -1,
	       "format: a buffer too small is an error");
}

static void test_height(void)
{
	static const struct {
		const char *hex;
		long height;
		const char *what;
	} cases[] = {
		{ "01000000010000000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff0451", 1, "OP_1" },
		{ "01000000010000000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff0460", 16, "OP_16" },
		{ "01000000010000000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff04028000", 128, "two-byte push 80 00" },
		{ "01000000010000000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff0403000001", 65536, "three-byte push" },
		{ "020000000001010000000000000000000000000000000000000000000000000000000000000000ff"
		  "ffffff04017f", 127, "after a BIP144 marker and flag" },
		{ "020000000001010000000000000000000000000000000000000000000000000000000000000000ff"
		  "ffffff0401ff", -1, "negative number" },
		{ "01000000010000000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff040300", -1, "truncated push" },
		{ "01000000020000000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff0451", -1, "two inputs" },
		{ "01000000010100000000000000000000000000000000000000000000000000000000000000ffffff"
		  "ff0451", -1, "not a null prevout" },
		{ "0100", -1, "too short" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[128];
		uint32_t h = 0xdeadbeef;
		long n = hex_decode_var(cases[i].hex, buf, sizeof(buf));
		int rc = n < 0 ? -2 : stratum_coinbase_height(buf, (size_t)n, &h);

		if (cases[i].height < 0)
			tap_ok(rc == -1, "height: %s refused", cases[i].what);
		else
			tap_ok(rc == 0 && h == (uint32_t)cases[i].height, "height: %s = %ld",
			       cases[i].what, cases[i].height);
	}
}

int main(void)
{
	test_urls();
	test_worked_example();
	test_targets();
	test_messages();
	test_refused();
	test_notify_refused();
	test_subscribe();
	test_session();
	test_session_ntime_roll();
	test_format();
	test_height();
	return tap_done();
}
