/* SPDX-License-Identifier: MIT */
#include "stratum.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "errbuf.h"
#include "hex.h"

/* ------------------------------------------------------------------------
 * URLs
 */

int stratum_url_parse(const char *url, struct stratum_url *out)
{
	struct url u;

	if (url_parse(url, &u, NULL, 0) || u.kind != URL_STRATUM)
		return -1;
	memcpy(out->host, u.host, sizeof(out->host));
	memcpy(out->port, u.port, sizeof(out->port));
	out->is_tls = u.is_tls;
	return 0;
}

/* ------------------------------------------------------------------------
 * Parsing helpers: every one checks type and length and writes nothing on failure.
 */

void stratum_printable(char *dst, size_t cap, const char *src, size_t len)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[n] = '\0';
}

/* Exactly len bytes of hex. */
static int stratum_json_hex(const json_t *v, uint8_t *out, size_t len)
{
	if (!json_is_string(v) || json_string_length(v) != 2 * len)
		return -1;
	return hex_decode(json_string_value(v), out, len);
}

/* An 8-digit big-endian hex number (version, nbits, ntime). */
static int stratum_json_u32(const json_t *v, uint32_t *out)
{
	uint8_t b[4];

	if (stratum_json_hex(v, b, 4))
		return -1;
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 0;
}

/* A string of 1..max printable ASCII characters, copied with its NUL. */
static int stratum_json_token(const json_t *v, char *out, size_t max)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n < 1 || n > max)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return -1;
	}
	memcpy(out, s, n + 1);
	return 0;
}

/* A JSON integer in [lo, hi]. */
static int stratum_json_int(const json_t *v, long long lo, long long hi, long long *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* Variable-length hex into a new buffer (*out, *len); empty hex is allowed. */
static int stratum_json_hex_alloc(const json_t *v, size_t max, uint8_t **out, size_t *len)
{
	size_t n;
	uint8_t *buf;

	if (!json_is_string(v))
		return -1;
	n = json_string_length(v);
	if (n % 2 || n / 2 > max)
		return -1;
	buf = malloc(n / 2 + 1);
	if (!buf)
		return -1;
	if (hex_decode(json_string_value(v), buf, n / 2)) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n / 2;
	return 0;
}

/* ------------------------------------------------------------------------
 * Messages from the pool
 */

/*
 * mining.notify [job_id, prevhash, coinb1, coinb2, merkle_branch[], version,
 * nbits, ntime, clean_jobs] (docs/protocols.md §1). Extra trailing
 * parameters are ignored.
 */
static int stratum_parse_notify(const json_t *params, struct stratum_msg *msg, char *why,
				size_t why_len)
{
	const json_t *branches;
	struct job *job = NULL;
	uint8_t *coinb1 = NULL, *coinb2 = NULL, prevhash[HASH_LEN];
	size_t len1 = 0, len2 = 0;
	int rc = STRATUM_ERR_PARAMS;

	if (json_array_size(params) < 9) {
		errbuf_set(why, why_len, "notify: %zu parameters, 9 expected",
			   json_array_size(params));
		return STRATUM_ERR_PARAMS;
	}
	job = job_new();
	if (!job)
		return STRATUM_ERR_NOMEM;
	if (stratum_json_token(json_array_get(params, 0), job->id, JOB_ID_MAX)) {
		errbuf_set(why, why_len, "notify: job id is not a string of 1..%d characters",
			   JOB_ID_MAX);
		goto fail;
	}
	if (stratum_json_hex(json_array_get(params, 1), prevhash, HASH_LEN)) {
		errbuf_set(why, why_len, "notify: prevhash is not 64 hex digits");
		goto fail;
	}
	/* §1 step 3: each 4-byte word of the notify prevhash is byte-reversed. */
	for (unsigned w = 0; w < HASH_LEN / 4; w++) {
		for (unsigned b = 0; b < 4; b++)
			job->prevhash[4 * w + b] = prevhash[4 * w + 3 - b];
	}
	if (stratum_json_hex_alloc(json_array_get(params, 2), JOB_COINBASE_MAX, &coinb1, &len1) ||
	    stratum_json_hex_alloc(json_array_get(params, 3), JOB_COINBASE_MAX, &coinb2, &len2) ||
	    len1 + len2 > JOB_COINBASE_MAX) {
		errbuf_set(why, why_len, "notify: coinb1/coinb2 not hex or over %d bytes",
			   JOB_COINBASE_MAX);
		goto fail;
	}
	branches = json_array_get(params, 4);
	if (!json_is_array(branches) || json_array_size(branches) > JOB_MERKLE_MAX) {
		errbuf_set(why, why_len, "notify: merkle branch is not an array of at most %d",
			   JOB_MERKLE_MAX);
		goto fail;
	}
	for (size_t i = 0; i < json_array_size(branches); i++) {
		/* §1 step 2: branches arrive in internal order and are used as they are. */
		if (stratum_json_hex(json_array_get(branches, i), job->merkle[i], HASH_LEN)) {
			errbuf_set(why, why_len, "notify: merkle branch %zu is not 64 hex digits",
				   i);
			goto fail;
		}
	}
	job->merkle_count = (unsigned)json_array_size(branches);
	if (stratum_json_u32(json_array_get(params, 5), &job->version) ||
	    stratum_json_u32(json_array_get(params, 6), &job->nbits) ||
	    stratum_json_u32(json_array_get(params, 7), &job->ntime)) {
		errbuf_set(why, why_len, "notify: version/nbits/ntime not 8 hex digits");
		goto fail;
	}
	if (!json_is_boolean(json_array_get(params, 8))) {
		errbuf_set(why, why_len, "notify: clean_jobs is not a boolean");
		goto fail;
	}
	job->is_clean = json_is_true(json_array_get(params, 8));
	job->ntime_max = job->ntime; /* no range until the session binds it */
	/* A target nbits cannot express makes no share a block; it is not a reason to refuse. */
	if (bits_to_target(job->nbits, job->block_target))
		memset(job->block_target, 0, HASH_LEN);
	if (job_set_coinbase(job, coinb1, len1, coinb2, len2)) {
		rc = STRATUM_ERR_NOMEM;
		goto fail;
	}
	free(coinb1);
	free(coinb2);
	msg->job = job;
	return STRATUM_OK;
fail:
	free(coinb1);
	free(coinb2);
	job_unref(job);
	return rc;
}

static int stratum_parse_set_difficulty(const json_t *params, struct stratum_msg *msg,
					char *why, size_t why_len)
{
	const json_t *v = json_array_get(params, 0);

	if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) <= 0) {
		errbuf_set(why, why_len, "set_difficulty: not a positive number");
		return STRATUM_ERR_PARAMS;
	}
	msg->diff = json_number_value(v);
	return STRATUM_OK;
}

static int stratum_parse_set_extranonce(const json_t *params, struct stratum_msg *msg,
					char *why, size_t why_len)
{
	const json_t *en1 = json_array_get(params, 0);
	uint8_t buf[JOB_EXTRANONCE1_MAX];
	long long en2_len;

	if (!json_is_string(en1) || json_string_length(en1) % 2 ||
	    json_string_length(en1) / 2 > JOB_EXTRANONCE1_MAX ||
	    hex_decode(json_string_value(en1), buf, json_string_length(en1) / 2) ||
	    stratum_json_int(json_array_get(params, 1), 0, JOB_EXTRANONCE2_MAX, &en2_len)) {
		errbuf_set(why, why_len, "set_extranonce: want [hex of at most %d bytes, 0..%d]",
			   JOB_EXTRANONCE1_MAX, JOB_EXTRANONCE2_MAX);
		return STRATUM_ERR_PARAMS;
	}
	memcpy(msg->extranonce1, buf, json_string_length(en1) / 2);
	msg->extranonce1_len = json_string_length(en1) / 2;
	msg->extranonce2_len = (size_t)en2_len;
	return STRATUM_OK;
}

/* client.reconnect [host, port, wait_seconds], each optional (null or absent: the same). */
static int stratum_parse_reconnect(const json_t *params, struct stratum_msg *msg, char *why,
				   size_t why_len)
{
	const json_t *host = json_array_get(params, 0), *port = json_array_get(params, 1);
	const json_t *wait = json_array_get(params, 2);
	char host_buf[STRATUM_HOST_MAX + 1] = "", port_buf[6] = "";
	long long port_val = 0, wait_val = 0;

	if (host && !json_is_null(host) &&
	    !(json_is_string(host) && json_string_length(host) == 0)) {
		if (stratum_json_token(host, host_buf, STRATUM_HOST_MAX))
			goto fail;
		for (const char *c = host_buf; *c; c++) {
			if (!isalnum((unsigned char)*c) && !strchr(".-_:", *c))
				goto fail;
		}
	}
	if (json_is_string(port) && json_string_length(port) > 0) {
		char digits[6];
		char *end;

		if (stratum_json_token(port, digits, 5))
			goto fail;
		port_val = strtol(digits, &end, 10);
		if (*end || !isdigit((unsigned char)digits[0]))
			goto fail;
	} else if (json_is_integer(port)) {
		port_val = json_integer_value(port);
	} else if (port && !json_is_null(port) && !json_is_string(port)) {
		goto fail;
	}
	if (port_val) {
		if (port_val < 1 || port_val > 65535)
			goto fail;
		snprintf(port_buf, sizeof(port_buf), "%lld", port_val);
	}
	if (wait && !json_is_null(wait)) {
		if (stratum_json_int(wait, 0, 1LL << 40, &wait_val))
			goto fail;
		if (wait_val > STRATUM_RECONNECT_WAIT_MAX)
			wait_val = STRATUM_RECONNECT_WAIT_MAX;
	}
	memcpy(msg->host, host_buf, sizeof(host_buf));
	memcpy(msg->port, port_buf, sizeof(port_buf));
	msg->wait_s = (unsigned)wait_val;
	return STRATUM_OK;
fail:
	errbuf_set(why, why_len, "reconnect: want [host, port 1..65535, wait seconds]");
	return STRATUM_ERR_PARAMS;
}

/* The "error" member: [code, "text", data], a bare string, or {"code", "message"}. */
static void stratum_parse_error_member(const json_t *err, struct stratum_msg *msg)
{
	const json_t *code = NULL, *text = NULL;

	if (!err || json_is_null(err))
		return;
	msg->is_error = 1;
	if (json_is_array(err)) {
		code = json_array_get(err, 0);
		text = json_array_get(err, 1);
	} else if (json_is_object(err)) {
		code = json_object_get(err, "code");
		text = json_object_get(err, "message");
	} else {
		text = err;
	}
	if (json_is_integer(code) && json_integer_value(code) >= -1000000 &&
	    json_integer_value(code) <= 1000000)
		msg->error_code = (int)json_integer_value(code);
	if (json_is_string(text)) {
		stratum_printable(msg->error_text, sizeof(msg->error_text), json_string_value(text),
				  json_string_length(text));
	} else {
		char buf[STRATUM_TEXT_MAX + 1];
		size_t n = json_dumpb(text ? text : err, buf, sizeof(buf) - 1,
				      JSON_COMPACT | JSON_ENCODE_ANY);

		if (n > sizeof(buf) - 1)
			n = sizeof(buf) - 1;
		stratum_printable(msg->error_text, sizeof(msg->error_text), buf, n);
	}
}

static int stratum_parse_method(const json_t *root, const char *method, struct stratum_msg *msg,
				char *why, size_t why_len)
{
	const json_t *params = json_object_get(root, "params");
	const json_t *id = json_object_get(root, "id");
	json_t *empty = NULL;
	int rc = STRATUM_OK;

	if (id && !json_is_null(id)) {
		size_t n;

		if (!json_is_integer(id) && !json_is_string(id)) {
			errbuf_set(why, why_len, "request id is neither a number nor a string");
			return STRATUM_ERR_SHAPE;
		}
		n = json_dumpb(id, msg->id_text, sizeof(msg->id_text) - 1,
			       JSON_COMPACT | JSON_ENCODE_ANY);
		if (n == 0 || n > sizeof(msg->id_text) - 1) {
			errbuf_set(why, why_len, "request id longer than %d characters",
				   STRATUM_ID_TEXT_MAX);
			memset(msg->id_text, 0, sizeof(msg->id_text));
			return STRATUM_ERR_SHAPE;
		}
		msg->id_text[n] = '\0';
	}
	if (!params || json_is_null(params)) {
		params = empty = json_array();
		if (!empty)
			return STRATUM_ERR_NOMEM;
	}
	if (!json_is_array(params)) {
		errbuf_set(why, why_len, "%s: params is not an array", msg->method);
		return STRATUM_ERR_PARAMS;
	}
	if (!strcmp(method, "mining.notify")) {
		msg->kind = STRATUM_MSG_NOTIFY;
		rc = stratum_parse_notify(params, msg, why, why_len);
	} else if (!strcmp(method, "mining.set_difficulty")) {
		msg->kind = STRATUM_MSG_SET_DIFFICULTY;
		rc = stratum_parse_set_difficulty(params, msg, why, why_len);
	} else if (!strcmp(method, "mining.set_extranonce")) {
		msg->kind = STRATUM_MSG_SET_EXTRANONCE;
		rc = stratum_parse_set_extranonce(params, msg, why, why_len);
	} else if (!strcmp(method, "client.reconnect")) {
		msg->kind = STRATUM_MSG_RECONNECT;
		rc = stratum_parse_reconnect(params, msg, why, why_len);
	} else if (!strcmp(method, "client.get_version")) {
		msg->kind = STRATUM_MSG_GET_VERSION;
	} else if (!strcmp(method, "client.show_message")) {
		const json_t *text = json_array_get(params, 0);

		msg->kind = STRATUM_MSG_SHOW_MESSAGE;
		if (!json_is_string(text)) {
			errbuf_set(why, why_len, "show_message: not a string");
			rc = STRATUM_ERR_PARAMS;
		} else {
			stratum_printable(msg->text, sizeof(msg->text), json_string_value(text),
					  json_string_length(text));
		}
	} else {
		msg->kind = STRATUM_MSG_UNKNOWN_METHOD;
	}
	json_decref(empty);
	return rc;
}

int stratum_parse(const char *line, size_t len, struct stratum_msg *msg, char *why,
		  size_t why_len)
{
	struct stratum_msg m;
	json_error_t jerr;
	json_t *root;
	const json_t *method, *id;
	int rc;

	memset(msg, 0, sizeof(*msg));
	memset(&m, 0, sizeof(m));
	errbuf_set(why, why_len, "%s", "");
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		errbuf_set(why, why_len, "not JSON: %s", jerr.text);
		return STRATUM_ERR_JSON;
	}
	if (!json_is_object(root)) {
		errbuf_set(why, why_len, "not a JSON object");
		rc = STRATUM_ERR_JSON;
		goto out;
	}
	method = json_object_get(root, "method");
	id = json_object_get(root, "id");
	if (json_is_string(method)) {
		stratum_printable(m.method, sizeof(m.method), json_string_value(method),
				  json_string_length(method));
		rc = stratum_parse_method(root, json_string_value(method), &m, why, why_len);
	} else if (!method || json_is_null(method)) {
		if (!id || json_is_null(id) ||
		    (!json_object_get(root, "result") && !json_object_get(root, "error"))) {
			errbuf_set(why, why_len, "neither a response nor a method call");
			rc = STRATUM_ERR_SHAPE;
			goto out;
		}
		m.kind = STRATUM_MSG_RESPONSE;
		/* Our ids are positive integers; any other id cannot answer us. */
		if (json_is_integer(id) && json_integer_value(id) > 0) {
			m.has_id = 1;
			m.id = (uint64_t)json_integer_value(id);
		}
		{
			const json_t *result = json_object_get(root, "result");

			m.result = json_is_true(result)                 ? STRATUM_RESULT_TRUE
				   : json_is_false(result)              ? STRATUM_RESULT_FALSE
				   : !result || json_is_null(result)    ? STRATUM_RESULT_NULL
									: STRATUM_RESULT_OTHER;
		}
		stratum_parse_error_member(json_object_get(root, "error"), &m);
		rc = STRATUM_OK;
	} else {
		errbuf_set(why, why_len, "method is not a string");
		rc = STRATUM_ERR_SHAPE;
	}
out:
	json_decref(root);
	if (rc) {
		job_unref(m.job);
		return rc;
	}
	*msg = m;
	return STRATUM_OK;
}

void stratum_msg_release(struct stratum_msg *msg)
{
	if (!msg)
		return;
	job_unref(msg->job);
	memset(msg, 0, sizeof(*msg));
}

/* Finds ["mining.notify", "id"] in the subscriptions element, nested once or not at all. */
static const json_t *stratum_find_subscription(const json_t *subs)
{
	const json_t *first = json_array_get(subs, 0);

	if (json_is_string(first)) {
		if (!strcmp(json_string_value(first), "mining.notify") &&
		    json_is_string(json_array_get(subs, 1)))
			return json_array_get(subs, 1);
		return NULL;
	}
	for (size_t i = 0; i < json_array_size(subs) && i < 16; i++) {
		const json_t *pair = json_array_get(subs, i);
		const json_t *name = json_array_get(pair, 0);

		if (json_is_string(name) && !strcmp(json_string_value(name), "mining.notify") &&
		    json_is_string(json_array_get(pair, 1)))
			return json_array_get(pair, 1);
	}
	return NULL;
}

int stratum_parse_subscribe(const char *line, size_t len, struct stratum_subscribe *out)
{
	struct stratum_subscribe sub;
	const json_t *result, *en1, *session;
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	long long en2_len;
	int rc = -1;

	memset(&sub, 0, sizeof(sub));
	if (!json_is_object(root))
		goto out;
	result = json_object_get(root, "result");
	if (!json_is_array(result) || json_array_size(result) < 3)
		goto out;
	en1 = json_array_get(result, 1);
	if (!json_is_string(en1) || json_string_length(en1) % 2 ||
	    json_string_length(en1) / 2 > JOB_EXTRANONCE1_MAX ||
	    hex_decode(json_string_value(en1), sub.extranonce1, json_string_length(en1) / 2))
		goto out;
	sub.extranonce1_len = json_string_length(en1) / 2;
	if (stratum_json_int(json_array_get(result, 2), 0, JOB_EXTRANONCE2_MAX, &en2_len))
		goto out;
	sub.extranonce2_len = (size_t)en2_len;
	/* A session id we cannot store or echo back is simply not used for resuming. */
	session = stratum_find_subscription(json_array_get(result, 0));
	if (session &&
	    stratum_json_token(session, sub.session_id, STRATUM_SESSION_ID_MAX))
		sub.session_id[0] = '\0';
	*out = sub;
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* Bitcoin's CompactSize (only the forms a coinbase can use here). */
static int stratum_read_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *v)
{
	if (*pos >= len)
		return -1;
	if (p[*pos] < 0xfd) {
		*v = p[(*pos)++];
		return 0;
	}
	if (p[*pos] == 0xfd && *pos + 3 <= len) {
		*v = p[*pos + 1] | (uint64_t)p[*pos + 2] << 8;
		*pos += 3;
		return 0;
	}
	return -1;
}

int stratum_coinbase_height(const uint8_t *coinb1, size_t len, uint32_t *height)
{
	static const uint8_t null_prevout_index[4] = { 0xff, 0xff, 0xff, 0xff };
	size_t pos = 4; /* nVersion */
	uint64_t inputs, script_len;
	uint8_t op;

	if (len < pos + 2)
		return -1;
	if (coinb1[pos] == 0x00 && coinb1[pos + 1] == 0x01)
		pos += 2; /* BIP144 marker and flag, should a pool include them */
	if (stratum_read_varint(coinb1, len, &pos, &inputs) || inputs != 1)
		return -1;
	if (pos + 36 > len)
		return -1;
	for (size_t i = 0; i < 32; i++) {
		if (coinb1[pos + i])
			return -1;
	}
	if (memcmp(coinb1 + pos + 32, null_prevout_index, 4))
		return -1;
	pos += 36;
	if (stratum_read_varint(coinb1, len, &pos, &script_len) || script_len < 1 || pos >= len)
		return -1;
	/* BIP34: the scriptSig starts with the height as a minimal script number. */
	op = coinb1[pos++];
	if (op >= 0x51 && op <= 0x60) {
		*height = op - 0x50u; /* OP_1..OP_16 */
		return 0;
	}
	if (op == 0x00) {
		*height = 0;
		return 0;
	}
	if (op > 4 || op + 1u > script_len || pos + op > len)
		return -1;
	if (coinb1[pos + op - 1] & 0x80)
		return -1; /* negative: not a height */
	*height = 0;
	for (unsigned i = 0; i < op; i++)
		*height |= (uint32_t)coinb1[pos + i] << (8 * i);
	return 0;
}

/* ------------------------------------------------------------------------
 * Formatting
 */

/* Dumps obj (consumed) as one compact line with '\n' into buf. */
static long stratum_dump_line(json_t *obj, char *buf, size_t cap)
{
	size_t n;

	if (!obj)
		return -1;
	n = cap >= 2 ? json_dumpb(obj, buf, cap - 2, JSON_COMPACT) : 0;
	json_decref(obj);
	if (n == 0 || n > cap - 2)
		return -1;
	buf[n++] = '\n';
	buf[n] = '\0';
	return (long)n;
}

long stratum_format_subscribe(char *buf, size_t cap, uint64_t id, const char *agent,
			      const char *session_id)
{
	if (session_id && session_id[0])
		return stratum_dump_line(json_pack("{s:I, s:s, s:[s, s]}", "id", (json_int_t)id,
						   "method", "mining.subscribe", "params", agent,
						   session_id),
					 buf, cap);
	return stratum_dump_line(json_pack("{s:I, s:s, s:[s]}", "id", (json_int_t)id, "method",
					   "mining.subscribe", "params", agent),
				 buf, cap);
}

long stratum_format_authorize(char *buf, size_t cap, uint64_t id, const char *user,
			      const char *pass)
{
	return stratum_dump_line(json_pack("{s:I, s:s, s:[s, s]}", "id", (json_int_t)id, "method",
					   "mining.authorize", "params", user, pass),
				 buf, cap);
}

long stratum_format_extranonce_subscribe(char *buf, size_t cap, uint64_t id)
{
	return stratum_dump_line(json_pack("{s:I, s:s, s:[]}", "id", (json_int_t)id, "method",
					   "mining.extranonce.subscribe", "params"),
				 buf, cap);
}

long stratum_format_suggest_difficulty(char *buf, size_t cap, uint64_t id, double diff)
{
	return stratum_dump_line(json_pack("{s:I, s:s, s:[f]}", "id", (json_int_t)id, "method",
					   "mining.suggest_difficulty", "params", diff),
				 buf, cap);
}

long stratum_format_submit(char *buf, size_t cap, uint64_t id, const char *user,
			   const struct share *share)
{
	const struct job *job = share->job;
	uint8_t en2[JOB_EXTRANONCE2_MAX];
	char en2_hex[2 * JOB_EXTRANONCE2_MAX + 1], ntime_hex[9], nonce_hex[9];

	/* §1: extranonce2 as its big-endian bytes; ntime and nonce as %08x of the value. */
	work_extranonce2_bytes(job, share->extranonce2, en2);
	hex_encode(en2, job->extranonce2_len, en2_hex);
	snprintf(ntime_hex, sizeof(ntime_hex), "%08x", (unsigned)share->ntime);
	snprintf(nonce_hex, sizeof(nonce_hex), "%08x", (unsigned)share->nonce);
	return stratum_dump_line(json_pack("{s:I, s:s, s:[s, s, s, s, s]}", "id", (json_int_t)id,
					   "method", "mining.submit", "params", user, job->id,
					   en2_hex, ntime_hex, nonce_hex),
				 buf, cap);
}

long stratum_format_result(char *buf, size_t cap, const char *id_text, const char *result)
{
	json_t *id = json_loads(id_text, JSON_DECODE_ANY, NULL);

	if (!id)
		return -1;
	return stratum_dump_line(json_pack("{s:o, s:s, s:n}", "id", id, "result", result,
					   "error"),
				 buf, cap);
}

long stratum_format_error(char *buf, size_t cap, const char *id_text, int code, const char *text)
{
	json_t *id = json_loads(id_text, JSON_DECODE_ANY, NULL);

	if (!id)
		return -1;
	return stratum_dump_line(json_pack("{s:o, s:n, s:[i, s, n]}", "id", id, "result",
					   "error", code, text),
				 buf, cap);
}

/* ------------------------------------------------------------------------
 * Session state
 */

void stratum_session_init(struct stratum_session *s, const struct algo *algo,
			  const struct algo_params *params, double diff_factor)
{
	memset(s, 0, sizeof(*s));
	s->algo = algo;
	s->params = *params;
	s->diff_factor = diff_factor > 0 ? diff_factor : 1.0;
	s->diff = 1.0;
	s->next_id = 1;
}

static void stratum_session_forget_jobs(struct stratum_session *s)
{
	for (unsigned i = 0; i < STRATUM_VALID_JOBS; i++) {
		job_unref(s->valid[i]);
		s->valid[i] = NULL;
	}
	s->valid_next = 0;
}

void stratum_session_release(struct stratum_session *s)
{
	for (unsigned i = 0; i < STRATUM_REQUESTS_MAX; i++) {
		share_free(s->requests[i].share);
		s->requests[i].share = NULL;
		s->requests[i].id = 0;
	}
	stratum_session_forget_jobs(s);
}

/* The valid job with this id, or NULL. */
static struct job *stratum_session_find(const struct stratum_session *s, const char *id)
{
	for (unsigned i = 0; i < STRATUM_VALID_JOBS; i++) {
		if (s->valid[i] && !strcmp(s->valid[i]->id, id))
			return s->valid[i];
	}
	return NULL;
}

void stratum_session_connecting(struct stratum_session *s, unsigned pool)
{
	if (pool != s->pool) {
		/* Another pool: nothing of the old one carries over. */
		s->pool = pool;
		s->session_id[0] = '\0';
		s->extranonce1_len = s->extranonce2_len = 0;
		s->diff = 1.0;
		s->epoch++;
		stratum_session_forget_jobs(s);
		memset(s->last_prevhash, 0, HASH_LEN);
	}
	stratum_session_disconnected(s);
}

void stratum_session_forget_id(struct stratum_session *s)
{
	s->session_id[0] = '\0';
}

void stratum_session_authorized(struct stratum_session *s)
{
	s->is_authorized = 1;
}

void stratum_session_disconnected(struct stratum_session *s)
{
	s->is_subscribed = s->is_authorized = 0;
}

int stratum_session_subscribed(struct stratum_session *s, const struct stratum_subscribe *sub)
{
	int is_resumed;

	if (sub->extranonce2_len > JOB_EXTRANONCE2_MAX ||
	    sub->extranonce1_len > JOB_EXTRANONCE1_MAX)
		return -1;
	is_resumed = s->session_id[0] && s->extranonce1_len == sub->extranonce1_len &&
		     s->extranonce2_len == sub->extranonce2_len &&
		     !memcmp(s->extranonce1, sub->extranonce1, sub->extranonce1_len);
	if (!is_resumed) {
		s->epoch++;
		stratum_session_forget_jobs(s);
	}
	memcpy(s->session_id, sub->session_id, sizeof(s->session_id));
	memcpy(s->extranonce1, sub->extranonce1, sub->extranonce1_len);
	s->extranonce1_len = sub->extranonce1_len;
	s->extranonce2_len = sub->extranonce2_len;
	s->is_subscribed = 1;
	return is_resumed;
}

int stratum_session_set_difficulty(struct stratum_session *s, double diff)
{
	if (!isfinite(diff) || diff <= 0)
		return -1;
	s->diff = diff;
	return 0;
}

int stratum_session_set_extranonce(struct stratum_session *s, const uint8_t *extranonce1,
				   size_t extranonce1_len, size_t extranonce2_len)
{
	if (!s->is_subscribed || extranonce1_len > JOB_EXTRANONCE1_MAX ||
	    extranonce2_len > JOB_EXTRANONCE2_MAX)
		return -1;
	memcpy(s->extranonce1, extranonce1, extranonce1_len);
	s->extranonce1_len = extranonce1_len;
	s->extranonce2_len = extranonce2_len;
	return 0;
}

/*
 * 1 if a and b describe the same headers but for ntime (everything else
 * work_header reads, but the id): a pool that re-sends its work under a new
 * id, e.g. after a difficulty change, must not make the workers hash those
 * headers again, nor those a rolled ntime already reached.
 */
static int stratum_same_work(const struct job *a, const struct job *b)
{
	return a->version == b->version && a->nbits == b->nbits &&
	       !memcmp(a->prevhash, b->prevhash, HASH_LEN) &&
	       a->extranonce1_len == b->extranonce1_len &&
	       !memcmp(a->extranonce1, b->extranonce1, a->extranonce1_len) &&
	       a->extranonce2_len == b->extranonce2_len && a->coinb1_len == b->coinb1_len &&
	       a->coinb2_len == b->coinb2_len && a->merkle_count == b->merkle_count &&
	       !memcmp(a->coinb1, b->coinb1, a->coinb1_len) &&
	       !memcmp(a->coinb2, b->coinb2, a->coinb2_len) &&
	       !memcmp(a->merkle, b->merkle, sizeof(a->merkle[0]) * a->merkle_count);
}

/*
 * Where job's units of work start once old's taken units are skipped, old
 * being the same work (stratum_same_work) at an ntime not later than job's:
 * old's unit u is job's unit u - (job->ntime - old->ntime) * E (work.h), so
 * the units old took at ntime >= job->ntime are job's first ones. Returns 1
 * and *next, or 0 if old took none of job's headers (and is not at the same
 * ntime).
 */
static int stratum_overlap_next(const struct job *old, const struct job *job, uint64_t *next)
{
	uint64_t taken = atomic_load(&old->work_next), shift;
	uint32_t late = job->ntime - old->ntime;
	unsigned bits = 8 * (unsigned)job->extranonce2_len;

	if (old->ntime > job->ntime)
		return 0;
	if (taken > job_work_units(old))
		taken = job_work_units(old); /* takes past the end failed: nothing was hashed */
	if (late == 0) {
		*next = taken;
		return 1;
	}
	if (bits >= 64 || late > (UINT64_MAX >> bits))
		return 0; /* old cannot have rolled that far */
	shift = (uint64_t)late << bits;
	if (taken <= shift)
		return 0;
	*next = taken - shift;
	return 1;
}

/*
 * The largest start (stratum_overlap_next) that valid jobs with the same
 * work as job leave it, into *next; returns 1 if there is any such job.
 */
static int stratum_same_work_next(const struct stratum_session *s, struct job *job,
				  uint64_t *next)
{
	int found = 0;

	for (unsigned i = 0; i < STRATUM_VALID_JOBS; i++) {
		struct job *v = s->valid[i];
		uint64_t n;

		if (v && v != job && stratum_same_work(v, job) &&
		    stratum_overlap_next(v, job, &n)) {
			if (!found || n > *next)
				*next = n;
			found = 1;
		}
	}
	return found;
}

int stratum_session_bind_job(struct stratum_session *s, struct job *job, int *is_new_block)
{
	if (!s->is_subscribed)
		return -1;
	job->algo = s->algo;
	job->params = s->params;
	memcpy(job->extranonce1, s->extranonce1, s->extranonce1_len);
	job->extranonce1_len = s->extranonce1_len;
	job->extranonce2_len = s->extranonce2_len;
	job->diff = s->diff;
	work_diff_to_target(s->diff, s->diff_factor, job->share_target);
	job->source_tag = s->pool;
	job->source_seq = s->epoch;
	/* Stratum v1 grants no ntime range: --ntime-roll decides (stratum_session). */
	job_set_ntime_roll(job, UINT32_MAX, s->ntime_roll_s);
	{
		struct job *same = stratum_session_find(s, job->id);
		uint64_t next = 0;
		int has_prior = stratum_same_work_next(s, job, &next);

		if (same && (!has_prior || atomic_load(&same->work_next) > next))
			next = atomic_load(&same->work_next);
		if (same || has_prior) {
			/*
			 * The same work again (same id, or the same headers under a new
			 * id): continue after the units workers took from the earlier
			 * copy, with a margin for takes in flight, unless that would run
			 * out of work.
			 */
			uint64_t units = job_work_units(job);

			if (next < units && units - next > STRATUM_EN2_MARGIN)
				next += STRATUM_EN2_MARGIN;
			atomic_store(&job->work_next, next);
		}
		if (same) {
			if (!job->is_clean) {
				/* The copy takes the earlier one's place: one entry per id. */
				for (unsigned i = 0; i < STRATUM_VALID_JOBS; i++) {
					if (s->valid[i] == same)
						s->valid[i] = job_ref(job);
				}
				job_unref(same);
				goto done;
			}
		}
	}
	if (job->is_clean)
		stratum_session_forget_jobs(s);
	job_unref(s->valid[s->valid_next]);
	s->valid[s->valid_next] = job_ref(job);
	s->valid_next = (s->valid_next + 1) % STRATUM_VALID_JOBS;
done:
	*is_new_block = memcmp(s->last_prevhash, job->prevhash, HASH_LEN) != 0;
	memcpy(s->last_prevhash, job->prevhash, HASH_LEN);
	return 0;
}

int stratum_session_job_is_valid(const struct stratum_session *s, const struct job *job)
{
	return job->source_tag == s->pool && job->source_seq == s->epoch &&
	       stratum_session_find(s, job->id) != NULL;
}

uint64_t stratum_session_add_request(struct stratum_session *s, enum stratum_req_kind kind,
				     struct share *share, unsigned long long now_ms)
{
	for (unsigned i = 0; i < STRATUM_REQUESTS_MAX; i++) {
		struct stratum_request *r = &s->requests[i];

		if (r->id)
			continue;
		/* Ids stay positive and below 2^53 (exact in any JSON parser). */
		if (s->next_id == 0 || s->next_id >= (1ull << 53))
			s->next_id = 1;
		r->id = s->next_id++;
		r->kind = kind;
		r->share = share;
		r->sent_ms = now_ms;
		return r->id;
	}
	return 0;
}

enum stratum_req_kind stratum_session_take_request(struct stratum_session *s, uint64_t id,
						   struct share **share)
{
	*share = NULL;
	if (!id)
		return STRATUM_REQ_NONE;
	for (unsigned i = 0; i < STRATUM_REQUESTS_MAX; i++) {
		struct stratum_request *r = &s->requests[i];
		enum stratum_req_kind kind = r->kind;

		if (r->id != id)
			continue;
		*share = r->share;
		memset(r, 0, sizeof(*r));
		return kind;
	}
	return STRATUM_REQ_NONE;
}

unsigned long long stratum_session_sent_ms(const struct stratum_session *s, uint64_t id)
{
	for (unsigned i = 0; id && i < STRATUM_REQUESTS_MAX; i++) {
		if (s->requests[i].id == id)
			return s->requests[i].sent_ms;
	}
	return 0;
}

int stratum_session_take_expired(struct stratum_session *s, enum stratum_req_kind kind,
				 unsigned long long now_ms, unsigned long long max_age_ms,
				 struct stratum_request *req)
{
	for (unsigned i = 0; i < STRATUM_REQUESTS_MAX; i++) {
		struct stratum_request *r = &s->requests[i];

		if (!r->id || (kind != STRATUM_REQ_NONE && r->kind != kind))
			continue;
		/* A request sent after now_ms was taken is not old (no unsigned wrap). */
		if (max_age_ms && (r->sent_ms > now_ms || now_ms - r->sent_ms < max_age_ms))
			continue;
		*req = *r;
		memset(r, 0, sizeof(*r));
		return 1;
	}
	return 0;
}

unsigned stratum_session_outstanding(const struct stratum_session *s, enum stratum_req_kind kind)
{
	unsigned n = 0;

	for (unsigned i = 0; i < STRATUM_REQUESTS_MAX; i++) {
		if (s->requests[i].id && (kind == STRATUM_REQ_NONE || s->requests[i].kind == kind))
			n++;
	}
	return n;
}
