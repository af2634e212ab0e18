/* SPDX-License-Identifier: MIT */
#include "gbt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "endian.h"
#include "errbuf.h"
#include "hex.h"
#include "odocrypt.h"
#include "sha256.h"

#define OP_0 0x00
#define OP_1 0x51
#define OP_RETURN 0x6a
#define COINBASE_TX_VERSION 1    /* docs/protocols.md §2: version 1 or 2 */
#define TX_INPUT_MIN 41          /* outpoint 36 + script length 1 + sequence 4 */
#define TX_OUTPUT_MIN 9          /* value 8 + script length 1 */
#define WITNESS_RESERVED_LEN 32  /* BIP141: the coinbase witness is one 32-byte item */
#define TX_FLAG_WITNESS 0x01     /* BIP144 */
#define TX_FLAG_MWEB 0x08        /* Litecoin: MWEB data (a HogEx when it is empty) */
#define MWEB_BLOCK_MARKER 0x01   /* mining-changes.md: <block><0x01><mweb> */
/* BIP141: commitment script = OP_RETURN, push 36, this header, SHA-256d(root || reserved). */
static const uint8_t commitment_header[6] = { OP_RETURN, 0x24, 0xaa, 0x21, 0xa9, 0xed };

/* A bounded reader over one serialized transaction. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static int rd_skip(struct reader *r, uint64_t n)
{
	if (n > r->left)
		return -1;
	r->p += n;
	r->left -= (size_t)n;
	return 0;
}

/* CompactSize, canonical only (Bitcoin Core serialize.h ReadCompactSize). */
static int rd_compact(struct reader *r, uint64_t *v)
{
	uint8_t b;

	if (!r->left)
		return -1;
	b = r->p[0];
	if (b < 0xfd) {
		*v = b;
		return rd_skip(r, 1);
	}
	if (b == 0xfd) {
		if (r->left < 3)
			return -1;
		*v = (uint64_t)r->p[1] | (uint64_t)r->p[2] << 8;
		if (*v < 0xfd)
			return -1;
		return rd_skip(r, 3);
	}
	if (b == 0xfe) {
		if (r->left < 5)
			return -1;
		*v = le32_load(r->p + 1);
		if (*v < 0x10000)
			return -1;
		return rd_skip(r, 5);
	}
	if (r->left < 9)
		return -1;
	*v = le64_load(r->p + 1);
	if (*v < 0x100000000ull)
		return -1;
	return rd_skip(r, 9);
}

/* Skips a CompactSize-prefixed byte string. */
static int rd_skip_string(struct reader *r)
{
	uint64_t n;

	return rd_compact(r, &n) || rd_skip(r, n) ? -1 : 0;
}

int gbt_tx_parse(const uint8_t *data, size_t len, struct gbt_tx *tx)
{
	struct reader r = { data, len };
	uint64_t n_in, n_out;
	size_t body_start, body_end;
	struct sha256 s;
	uint8_t h[HASH_LEN];
	int has_witness = 0, is_hogex = 0;

	if (rd_skip(&r, 4))
		return -1;
	/*
	 * BIP144: marker 0x00, then flags: 0x01 witness, and Litecoin's 0x08
	 * MWEB (litecoin-project/litecoin: src/primitives/transaction.h,
	 * UnserializeTransaction); no other bit is defined.
	 */
	if (r.left >= 2 && r.p[0] == 0) {
		uint8_t flags = r.p[1];

		if (!flags || (flags & ~(TX_FLAG_WITNESS | TX_FLAG_MWEB)))
			return -1;
		has_witness = !!(flags & TX_FLAG_WITNESS);
		is_hogex = !!(flags & TX_FLAG_MWEB);
		rd_skip(&r, 2);
	}
	body_start = len - r.left;
	if (rd_compact(&r, &n_in) || n_in == 0 || n_in > r.left / TX_INPUT_MIN)
		return -1;
	for (uint64_t i = 0; i < n_in; i++) {
		if (rd_skip(&r, 36) || rd_skip_string(&r) || rd_skip(&r, 4))
			return -1;
	}
	if (rd_compact(&r, &n_out) || n_out == 0 || n_out > r.left / TX_OUTPUT_MIN)
		return -1;
	for (uint64_t i = 0; i < n_out; i++) {
		if (rd_skip(&r, 8) || rd_skip_string(&r))
			return -1;
	}
	body_end = len - r.left;
	if (has_witness) {
		int is_all_empty = 1;

		for (uint64_t i = 0; i < n_in; i++) {
			uint64_t items;

			if (rd_compact(&r, &items) || items > r.left)
				return -1;
			for (uint64_t k = 0; k < items; k++) {
				if (rd_skip_string(&r))
					return -1;
			}
			if (items)
				is_all_empty = 0;
		}
		/* BIP144: a witness flag without witness data is invalid ("superfluous"). */
		if (is_all_empty)
			return -1;
	}
	if (is_hogex) {
		/*
		 * The MWEB flag is followed by an optional MWEB transaction: absent
		 * (0x00) makes this the HogEx, the integration transaction that
		 * getblocktemplate puts last (doc/mweb/mining-changes.md). A full
		 * MWEB transaction never appears among a template's transactions.
		 */
		if (!r.left || r.p[0] != 0)
			return -1;
		rd_skip(&r, 1);
	}
	if (r.left != 4)
		return -1;
	/* txid: version || inputs and outputs || lock time, without marker, flags, witness, MWEB. */
	sha256_init(&s);
	sha256_update(&s, data, 4);
	sha256_update(&s, data + body_start, body_end - body_start);
	sha256_update(&s, data + len - 4, 4);
	sha256_final(&s, h);
	sha256(h, HASH_LEN, tx->txid);
	/* Without witness the wtxid is the txid (BIP141), for the HogEx too (its flag aside). */
	if (has_witness)
		sha256d(data, len, tx->wtxid);
	else
		memcpy(tx->wtxid, tx->txid, HASH_LEN);
	tx->has_witness = has_witness;
	tx->is_hogex = is_hogex;
	tx->len = len;
	return 0;
}

/* Merkle root of n hashes in place (h holds n + 1 slots; an odd level repeats its last). */
static void merkle_root_inplace(uint8_t (*h)[HASH_LEN], size_t n, uint8_t root[HASH_LEN])
{
	while (n > 1) {
		if (n & 1) {
			memcpy(h[n], h[n - 1], HASH_LEN);
			n++;
		}
		for (size_t i = 0; i < n / 2; i++)
			sha256d(h[2 * i], 2 * HASH_LEN, h[i]);
		n /= 2;
	}
	memcpy(root, h[0], HASH_LEN);
}

int gbt_merkle_branches(const uint8_t (*txids)[HASH_LEN], size_t count,
			uint8_t branches[JOB_MERKLE_MAX][HASH_LEN])
{
	uint8_t (*level)[HASH_LEN];
	size_t n = count + 1;
	int k = 0;

	if (count > GBT_TX_MAX)
		return -1;
	level = malloc((count + 2) * sizeof(*level));
	if (!level)
		return -1;
	/* Slot 0 is the coinbase, whose hash we never need: only its siblings. */
	memset(level[0], 0, HASH_LEN);
	if (count)
		memcpy(level[1], txids, count * sizeof(*level));
	while (n > 1) {
		memcpy(branches[k++], level[1], HASH_LEN);
		if (n & 1) {
			memcpy(level[n], level[n - 1], HASH_LEN);
			n++;
		}
		for (size_t i = 1; i < n / 2; i++)
			sha256d(level[2 * i], 2 * HASH_LEN, level[i]);
		n /= 2;
	}
	free(level);
	return k;
}

size_t gbt_height_push(uint32_t height, uint8_t out[GBT_HEIGHT_PUSH_MAX])
{
	uint8_t num[5];
	size_t n = 0;

	if (height == 0) {
		out[0] = OP_0;
		return 1;
	}
	if (height <= 16) {
		out[0] = (uint8_t)(OP_1 - 1 + height);
		return 1;
	}
	/* CScriptNum: minimal little-endian, a 0x00 byte when the top bit would mean negative. */
	while (height) {
		num[n++] = (uint8_t)height;
		height >>= 8;
	}
	if (num[n - 1] & 0x80)
		num[n++] = 0;
	out[0] = (uint8_t)n;
	memcpy(out + 1, num, n);
	return n + 1;
}

static int is_printable(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	}
	return 1;
}

/* The "rules" array (BIP9): a '!' rule must be one we implement. */
static int check_rules(json_t *rules, char *err, size_t err_len)
{
	size_t i;
	json_t *v;

	if (!rules)
		return 0;
	if (!json_is_array(rules)) {
		errbuf_set(err, err_len, "template: \"rules\" is not an array");
		return -1;
	}
	json_array_foreach(rules, i, v) {
		const char *s = json_string_value(v);

		if (!s) {
			errbuf_set(err, err_len, "template: a rule is not a string");
			return -1;
		}
		if (s[0] == '!' && strcmp(s + 1, "segwit") && strcmp(s + 1, "mweb")) {
			errbuf_set(err, err_len,
				"template requires rule '%.40s', which quintminer does not "
				"implement", s + 1);
			return -1;
		}
	}
	return 0;
}

/*
 * How far the template lets nTime rise (BIP 23 "Mutations"): "time" or
 * "time/increment" in "mutable" allows it, up to "maxtime" if given.
 * t->curtime and t->mintime are set.
 */
static int parse_time_range(struct gbt_template *t, json_t *mutable, json_t *maxtime,
			    char *err, size_t err_len)
{
	uint32_t ntime = t->curtime > t->mintime ? t->curtime : t->mintime;
	int can_rise = 0;
	size_t i;
	json_t *v;

	t->maxtime = 0;
	if (maxtime && (!json_is_integer(maxtime) || json_integer_value(maxtime) < 0 ||
			json_integer_value(maxtime) > UINT32_MAX)) {
		errbuf_set(err, err_len, "template: maxtime is not a time");
		return -1;
	}
	if (!mutable)
		return 0;
	if (!json_is_array(mutable)) {
		errbuf_set(err, err_len, "template: \"mutable\" is not an array");
		return -1;
	}
	json_array_foreach(mutable, i, v) {
		const char *s = json_string_value(v);

		if (!s) {
			errbuf_set(err, err_len, "template: a \"mutable\" entry is not a string");
			return -1;
		}
		can_rise |= !strcmp(s, "time") || !strcmp(s, "time/increment");
	}
	if (!can_rise)
		return 0;
	if (maxtime)
		t->maxtime = (uint32_t)json_integer_value(maxtime);
	else
		t->maxtime = ntime < UINT32_MAX - GBT_FUTURE_TIME_MAX ? ntime + GBT_FUTURE_TIME_MAX
								   : UINT32_MAX;
	return 0;
}

static int parse_aux(struct gbt_template *t, json_t *aux, char *err, size_t err_len)
{
	const char *key;
	json_t *v;

	if (!aux)
		return 0;
	if (!json_is_object(aux)) {
		errbuf_set(err, err_len, "template: \"coinbaseaux\" is not an object");
		return -1;
	}
	json_object_foreach(aux, key, v) {
		const char *hex = json_string_value(v);
		long n;

		if (!hex) {
			errbuf_set(err, err_len, "template: coinbaseaux value is not a string");
			return -1;
		}
		n = hex_decode_var(hex, t->coinbase_aux + t->coinbase_aux_len,
				   sizeof(t->coinbase_aux) - t->coinbase_aux_len);
		if (n < 0) {
			errbuf_set(err, err_len, "template: coinbaseaux is not hex or is too long");
			return -1;
		}
		t->coinbase_aux_len += (size_t)n;
	}
	return 0;
}

/* Decodes, parses and checks each transaction against its "txid" and "hash". */
static int parse_txs(struct gbt_template *t, json_t *txs, char *err, size_t err_len)
{
	size_t count, total = 0, i;
	json_t *v;

	if (!json_is_array(txs)) {
		errbuf_set(err, err_len, "template: \"transactions\" is not an array");
		return -1;
	}
	count = json_array_size(txs);
	if (count > GBT_TX_MAX) {
		errbuf_set(err, err_len, "template: %zu transactions, more than %d", count,
			   GBT_TX_MAX);
		return -1;
	}
	/* First pass: shapes and sizes, so the blob is allocated once. */
	json_array_foreach(txs, i, v) {
		const char *data = json_string_value(json_object_get(v, "data"));
		size_t n = data ? strlen(data) : 0;

		if (!json_is_object(v) || !data || n % 2 || n / 2 > GBT_BLOCK_MAX - total) {
			errbuf_set(err, err_len,
				   "template: transaction %zu has no valid \"data\" (or the "
				   "transactions pass %u bytes)",
				   i, GBT_BLOCK_MAX);
			return -1;
		}
		total += n / 2;
	}
	t->txs = calloc(count ? count : 1, sizeof(*t->txs));
	t->tx_data = malloc(total ? total : 1);
	if (!t->txs || !t->tx_data) {
		errbuf_set(err, err_len, "out of memory");
		return -1;
	}
	json_array_foreach(txs, i, v) {
		const char *data, *txid = NULL, *hash = NULL;
		struct gbt_tx *tx = &t->txs[i];
		uint8_t want[HASH_LEN];
		json_error_t jerr;
		long n;

		if (json_unpack_ex(v, &jerr, 0, "{s:s, s?s, s?s}", "data", &data, "txid", &txid,
				   "hash", &hash)) {
			errbuf_set(err, err_len, "template: transaction %zu: %s", i, jerr.text);
			return -1;
		}
		n = hex_decode_var(data, t->tx_data + t->tx_data_len, total - t->tx_data_len);
		if (n < 0 || gbt_tx_parse(t->tx_data + t->tx_data_len, (size_t)n, tx)) {
			errbuf_set(err, err_len,
				   "template: transaction %zu is not a valid transaction", i);
			return -1;
		}
		tx->offset = t->tx_data_len;
		t->tx_data_len += (size_t)n;
		t->tx_count++;
		/*
		 * Core: "txid" is the txid and "hash" the wtxid. Older BIP22 nodes give
		 * only "hash", meaning the txid.
		 */
		if (txid && (hex_decode_display(txid, want, HASH_LEN) ||
			     memcmp(want, tx->txid, HASH_LEN))) {
			errbuf_set(err, err_len,
				   "template: transaction %zu: \"txid\" does not match "
				   "its data",
				   i);
			return -1;
		}
		if (hash && (hex_decode_display(hash, want, HASH_LEN) ||
			     (memcmp(want, tx->wtxid, HASH_LEN) &&
			      (txid || memcmp(want, tx->txid, HASH_LEN))))) {
			errbuf_set(err, err_len,
				   "template: transaction %zu: \"hash\" does not match "
				   "its data",
				   i);
			return -1;
		}
		if (!txid && !hash) {
			errbuf_set(err, err_len,
				   "template: transaction %zu has neither \"txid\" nor "
				   "\"hash\"",
				   i);
			return -1;
		}
	}
	return 0;
}

/*
 * BIP141 commitment: SHA-256d(witness root || reserved value), the witness
 * root over the wtxids with the coinbase's taken as zero. Checked against the
 * node's default_witness_commitment, which must be there when any
 * transaction has a witness.
 */
static int check_commitment(struct gbt_template *t, const char *dwc, char *err, size_t err_len)
{
	uint8_t (*h)[HASH_LEN];
	uint8_t buf[2 * HASH_LEN], script[GBT_COMMITMENT_LEN];
	int has_witness = 0;

	for (size_t i = 0; i < t->tx_count; i++)
		has_witness |= t->txs[i].has_witness;
	if (!dwc) {
		if (has_witness) {
			errbuf_set(err, err_len,
				   "template has witness transactions but no "
				   "default_witness_commitment");
			return -1;
		}
		return 0;
	}
	if (hex_decode(dwc, t->witness_commitment, GBT_COMMITMENT_LEN) ||
	    memcmp(t->witness_commitment, commitment_header, sizeof(commitment_header))) {
		errbuf_set(err, err_len,
			   "template: default_witness_commitment is not a BIP141 "
			   "commitment script");
		return -1;
	}
	h = malloc((t->tx_count + 2) * sizeof(*h));
	if (!h) {
		errbuf_set(err, err_len, "out of memory");
		return -1;
	}
	memset(h[0], 0, HASH_LEN);
	for (size_t i = 0; i < t->tx_count; i++)
		memcpy(h[i + 1], t->txs[i].wtxid, HASH_LEN);
	merkle_root_inplace(h, t->tx_count + 1, buf);
	free(h);
	memset(buf + HASH_LEN, 0, WITNESS_RESERVED_LEN);
	memcpy(script, commitment_header, sizeof(commitment_header));
	sha256d(buf, sizeof(buf), script + sizeof(commitment_header));
	if (memcmp(script, t->witness_commitment, GBT_COMMITMENT_LEN)) {
		errbuf_set(err, err_len,
			   "template: default_witness_commitment does not match the "
			   "transactions' witnesses");
		return -1;
	}
	t->has_witness_commitment = 1;
	return 0;
}

/*
 * Litecoin MWEB (doc/mweb/mining-changes.md): the template's "mweb" is the
 * serialized MWEB block, appended after a 0x01 to the block we submit, and
 * its last transaction is the HogEx that commits to it. A HogEx anywhere
 * else, or one without the MWEB block (or the reverse), is refused.
 */
static int parse_mweb(struct gbt_template *t, const char *mweb, char *err, size_t err_len)
{
	size_t hex_len = mweb ? strlen(mweb) : 0;
	int has_hogex = t->tx_count && t->txs[t->tx_count - 1].is_hogex;
	long n;

	for (size_t i = 0; i + 1 < t->tx_count; i++) {
		if (t->txs[i].is_hogex) {
			errbuf_set(err, err_len, "template: transaction %zu is an MWEB HogEx but not "
				"the last one", i);
			return -1;
		}
	}
	if (!hex_len) {
		if (has_hogex) {
			errbuf_set(err, err_len, "template: an MWEB HogEx but no \"mweb\" block");
			return -1;
		}
		return 0;
	}
	if (!has_hogex) {
		errbuf_set(err, err_len, "template: an \"mweb\" block but no HogEx transaction last");
		return -1;
	}
	if (hex_len % 2 || hex_len / 2 > GBT_MWEB_MAX) {
		errbuf_set(err, err_len, "template: \"mweb\" is not hex or longer than %u bytes",
			GBT_MWEB_MAX);
		return -1;
	}
	t->mweb = malloc(hex_len / 2);
	if (!t->mweb) {
		errbuf_set(err, err_len, "out of memory");
		return -1;
	}
	n = hex_decode_var(mweb, t->mweb, hex_len / 2);
	if (n != (long)(hex_len / 2)) {
		errbuf_set(err, err_len, "template: \"mweb\" is not hex");
		return -1;
	}
	t->mweb_len = (size_t)n;
	return 0;
}

static void template_digest(struct gbt_template *t)
{
	struct sha256 s;
	uint8_t b[8];

	sha256_init(&s);
	le32_store(b, t->version);
	sha256_update(&s, b, 4);
	le32_store(b, t->nbits);
	sha256_update(&s, b, 4);
	le32_store(b, t->height);
	sha256_update(&s, b, 4);
	le64_store(b, t->coinbase_value);
	sha256_update(&s, b, 8);
	sha256_update(&s, t->prevhash, HASH_LEN);
	for (size_t i = 0; i < t->tx_count; i++)
		sha256_update(&s, t->txs[i].wtxid, HASH_LEN);
	b[0] = (uint8_t)t->has_witness_commitment;
	sha256_update(&s, b, 1);
	sha256_update(&s, t->witness_commitment, GBT_COMMITMENT_LEN);
	sha256_update(&s, t->coinbase_aux, t->coinbase_aux_len);
	sha256_final(&s, t->digest);
}

static int template_from_json(struct gbt_template *t, json_t *root, char *err, size_t err_len)
{
	json_int_t version, value, curtime, height, mintime = -1, odokey = -1;
	const char *prev, *bits, *target = NULL, *dwc = NULL, *lpid = NULL, *mweb = NULL;
	json_t *txs, *aux = NULL, *rules = NULL, *mutable = NULL, *maxtime = NULL;
	json_error_t jerr;
	uint8_t b4[4], want[HASH_LEN];

	memset(t, 0, sizeof(*t));
	if (json_unpack_ex(root, &jerr, 0,
			   "{s:I, s:s, s:o, s:I, s:s, s:I, s:I, s?I, s?s, s?s, s?s, s?o, s?o, s?I, "
			   "s?s, s?o, s?o}",
			   "version", &version, "previousblockhash", &prev, "transactions", &txs,
			   "coinbasevalue", &value, "bits", &bits, "curtime", &curtime, "height",
			   &height, "mintime", &mintime, "target", &target,
			   "default_witness_commitment", &dwc, "longpollid", &lpid, "coinbaseaux",
			   &aux, "rules", &rules, "odokey", &odokey, "mweb", &mweb, "mutable",
			   &mutable, "maxtime", &maxtime)) {
		errbuf_set(err, err_len, "template: %s", jerr.text);
		return -1;
	}
	/* nVersion is an int32 the node may print signed. */
	if (version < INT32_MIN || version > UINT32_MAX) {
		errbuf_set(err, err_len, "template: version %" JSON_INTEGER_FORMAT " out of range",
			   version);
		return -1;
	}
	t->version = (uint32_t)version;
	if (hex_decode_display(prev, t->prevhash, HASH_LEN)) {
		errbuf_set(err, err_len, "template: previousblockhash is not 64 hex digits");
		return -1;
	}
	if (hex_decode(bits, b4, 4) || bits_to_target(be32_load(b4), t->target)) {
		errbuf_set(err, err_len, "template: bits '%.16s' is not a valid compact target",
			   bits);
		return -1;
	}
	t->nbits = be32_load(b4);
	if (target &&
	    (hex_decode_display(target, want, HASH_LEN) || memcmp(want, t->target, HASH_LEN))) {
		errbuf_set(err, err_len, "template: target does not match bits %08x", t->nbits);
		return -1;
	}
	if (curtime < 0 || curtime > UINT32_MAX || mintime < -1 || mintime > UINT32_MAX) {
		errbuf_set(err, err_len, "template: curtime or mintime out of range");
		return -1;
	}
	t->curtime = (uint32_t)curtime;
	t->mintime = mintime < 0 ? t->curtime : (uint32_t)mintime;
	if (parse_time_range(t, mutable, maxtime, err, err_len))
		return -1;
	if (height < 1 || height > INT32_MAX) {
		errbuf_set(err, err_len, "template: height %" JSON_INTEGER_FORMAT " out of range",
			   height);
		return -1;
	}
	t->height = (uint32_t)height;
	if (value < 0 || (uint64_t)value > GBT_MONEY_MAX) {
		errbuf_set(err, err_len,
			   "template: coinbasevalue %" JSON_INTEGER_FORMAT " out of range", value);
		return -1;
	}
	t->coinbase_value = (uint64_t)value;
	if (lpid) {
		if (strlen(lpid) > GBT_LONGPOLLID_MAX || !is_printable(lpid)) {
			errbuf_set(err, err_len, "template: longpollid too long or not printable");
			return -1;
		}
		strcpy(t->longpollid, lpid);
	}
	if (odokey != -1) {
		if (odokey < 0 || odokey > UINT32_MAX) {
			errbuf_set(err, err_len, "template: odokey out of range");
			return -1;
		}
		t->has_odokey = 1;
		t->odokey = (uint32_t)odokey;
	}
	if (check_rules(rules, err, err_len) || parse_aux(t, aux, err, err_len) ||
	    parse_txs(t, txs, err, err_len) || parse_mweb(t, mweb, err, err_len) ||
	    check_commitment(t, dwc, err, err_len))
		return -1;
	template_digest(t);
	return 0;
}

int gbt_template_from_json(struct gbt_template *t, struct json_t *result, char *err,
			   size_t err_len)
{
	int rc = template_from_json(t, result, err, err_len);

	if (rc)
		gbt_template_release(t);
	return rc;
}

int gbt_template_parse(struct gbt_template *t, const char *json, size_t len, char *err,
		       size_t err_len)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	int rc;

	if (!root) {
		memset(t, 0, sizeof(*t));
		errbuf_set(err, err_len, "template is not JSON: %s", jerr.text);
		return -1;
	}
	rc = gbt_template_from_json(t, root, err, err_len);
	json_decref(root);
	return rc;
}

void gbt_node_text(char *out, size_t out_len, const char *in)
{
	size_t n = 0;

	for (; in && *in && *in != '\n' && n + 1 < out_len && n < GBT_NODE_TEXT_MAX; in++)
		out[n++] = (unsigned char)*in >= 0x20 && (unsigned char)*in < 0x7f ? *in : '?';
	out[n] = '\0';
}

int gbt_rpc_answer(const char *body, size_t len, json_t **result, int *code, char *err,
		   size_t err_len)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, 0, &jerr), *res = NULL, *error = NULL;
	int rc = GBT_ANSWER_MALFORMED;

	*result = NULL;
	*code = 0;
	if (!root || json_unpack_ex(root, &jerr, 0, "{s?o, s?o}", "result", &res, "error", &error))
		goto out;
	if (error && !json_is_null(error)) {
		json_int_t c = 0;
		const char *msg = NULL;

		if (json_unpack_ex(error, &jerr, 0, "{s?I, s?s}", "code", &c, "message", &msg)) {
			rc = GBT_ANSWER_BAD_ERROR;
			goto out;
		}
		*code = c > INT32_MIN && c < INT32_MAX ? (int)c : 0;
		gbt_node_text(err, err_len, msg ? msg : "no message");
		rc = GBT_ANSWER_ERROR;
		goto out;
	}
	if (!res) {
		rc = GBT_ANSWER_NO_RESULT;
		goto out;
	}
	*result = json_incref(res);
	rc = GBT_ANSWER_RESULT;
out:
	json_decref(root);
	return rc;
}

void gbt_template_release(struct gbt_template *t)
{
	free(t->txs);
	free(t->tx_data);
	free(t->mweb);
	memset(t, 0, sizeof(*t));
}

/* The template is for algo, on params' network, and the payout script fits. */
static int gbt_template_check(const struct gbt_template *t, const struct algo *algo,
			      const struct algo_params *params, const struct gbt_payout *payout,
			      char *err, size_t err_len)
{
	if ((t->version & ALGO_VERSION_MASK) != algo->version_bits) {
		errbuf_set(
			err, err_len,
			"the node's template (version 0x%08x, algorithm bits 0x%03x) is not for %s "
			"(0x%03x)",
			t->version, t->version & ALGO_VERSION_MASK, algo->name, algo->version_bits);
		return -1;
	}
	if (t->has_odokey && !params->has_odo_key &&
	    t->odokey != odocrypt_key_for_time(t->curtime, odocrypt_epoch_s(params->network))) {
		errbuf_set(err, err_len,
			   "the node's odokey %u is not the key of curtime %u under "
			   "--network: check --network",
			   t->odokey, t->curtime);
		return -1;
	}
	if (!payout->script_len || payout->script_len > GBT_PAYOUT_SCRIPT_MAX) {
		errbuf_set(err, err_len, "payout script of %zu bytes", payout->script_len);
		return -1;
	}
	return 0;
}

/*
 * The coinbase around its extranonce: cb1 (128 bytes) gets version, input and
 * scriptSig up to the extranonce, cb2 (256 bytes) the tag, sequence, outputs
 * and lock time (docs/protocols.md §2). Returns 0, or -1 with err.
 */
static int gbt_coinbase_halves(const struct gbt_template *t, const struct gbt_payout *payout,
			       uint8_t cb1[128], size_t *len1, uint8_t cb2[256], size_t *len2,
			       char *err, size_t err_len)
{
	uint8_t height[GBT_HEIGHT_PUSH_MAX];
	size_t height_len, fixed, tag_len, room;
	uint8_t *p = cb1, *q = cb2;

	/* scriptSig: height push || coinbaseaux || push 8 || extranonce || push tag. */
	height_len = gbt_height_push(t->height, height);
	fixed = height_len + t->coinbase_aux_len + 1 + GBT_EXTRANONCE_LEN;
	if (fixed > GBT_SCRIPTSIG_MAX)
		return errbuf_set(err, err_len,
				  "template: coinbaseaux leaves no room in the coinbase");
	room = GBT_SCRIPTSIG_MAX - fixed;
	tag_len = payout->tag ? strlen(payout->tag) : 0;
	if (tag_len > GBT_TAG_MAX)
		tag_len = GBT_TAG_MAX;
	if (tag_len + 1 > room)
		tag_len = room > 1 ? room - 1 : 0;

	le32_store(p, COINBASE_TX_VERSION);
	p += 4;
	*p++ = 1;                      /* one input: the coinbase outpoint */
	memset(p, 0, HASH_LEN);
	p += HASH_LEN;
	memset(p, 0xff, 4);            /* index 0xffffffff */
	p += 4;
	*p++ = (uint8_t)(fixed + (tag_len ? tag_len + 1 : 0)); /* <= 100: one-byte CompactSize */
	memcpy(p, height, height_len);
	p += height_len;
	memcpy(p, t->coinbase_aux, t->coinbase_aux_len);
	p += t->coinbase_aux_len;
	*p++ = GBT_EXTRANONCE_LEN;     /* push opcode of the extranonce bytes */

	if (tag_len) {
		*q++ = (uint8_t)tag_len;
		memcpy(q, payout->tag, tag_len);
		q += tag_len;
	}
	memset(q, 0xff, 4);            /* sequence */
	q += 4;
	*q++ = t->has_witness_commitment ? 2 : 1;
	le64_store(q, t->coinbase_value);
	q += 8;
	*q++ = (uint8_t)payout->script_len;
	memcpy(q, payout->script, payout->script_len);
	q += payout->script_len;
	if (t->has_witness_commitment) {
		le64_store(q, 0);
		q += 8;
		*q++ = GBT_COMMITMENT_LEN;
		memcpy(q, t->witness_commitment, GBT_COMMITMENT_LEN);
		q += GBT_COMMITMENT_LEN;
	}
	le32_store(q, 0);              /* lock time */
	q += 4;
	*len1 = (size_t)(p - cb1);
	*len2 = (size_t)(q - cb2);
	return 0;
}

int gbt_job_new(struct job **out, const struct gbt_template *t, const struct algo *algo,
		const struct algo_params *params, const struct gbt_payout *payout, uint64_t seq,
		char *err, size_t err_len)
{
	uint8_t cb1[128], cb2[256];
	uint8_t (*txids)[HASH_LEN] = NULL;
	size_t len1 = 0, len2 = 0;
	struct job *job = NULL;
	int n;

	*out = NULL;
	if (gbt_template_check(t, algo, params, payout, err, err_len) ||
	    gbt_coinbase_halves(t, payout, cb1, &len1, cb2, &len2, err, err_len))
		return -1;
	job = job_new();
	txids = malloc((t->tx_count ? t->tx_count : 1) * sizeof(*txids));
	if (!job || !txids ||
	    job_set_coinbase(job, cb1, len1, cb2, len2)) {
		errbuf_set(err, err_len, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < t->tx_count; i++)
		memcpy(txids[i], t->txs[i].txid, HASH_LEN);
	n = gbt_merkle_branches((const uint8_t (*)[HASH_LEN])txids, t->tx_count, job->merkle);
	if (n < 0) {
		errbuf_set(err, err_len, "out of memory");
		goto fail;
	}
	job->merkle_count = (unsigned)n;
	snprintf(job->id, sizeof(job->id), "%" PRIu32 ".%" PRIu64, t->height, seq);
	job->algo = algo;
	job->params = *params;
	job->version = t->version;
	job->nbits = t->nbits;
	job->ntime = t->curtime > t->mintime ? t->curtime : t->mintime;
	job->ntime_max = job->ntime; /* the source may allow more (t->maxtime) */
	memcpy(job->prevhash, t->prevhash, HASH_LEN);
	job->extranonce1_len = 0;
	job->extranonce2_len = GBT_EXTRANONCE_LEN;
	memcpy(job->block_target, t->target, HASH_LEN);
	memcpy(job->share_target, t->target, HASH_LEN);
	job->diff = work_target_to_diff(t->target);
	job->source_seq = seq;
	free(txids);
	*out = job;
	return 0;
fail:
	free(txids);
	job_unref(job);
	return -1;
}

static size_t compact_size_len(uint64_t n)
{
	return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffffu ? 5 : 9;
}

static uint8_t *put_compact_size(uint8_t *p, uint64_t n)
{
	if (n < 0xfd) {
		*p++ = (uint8_t)n;
	} else if (n <= 0xffff) {
		*p++ = 0xfd;
		*p++ = (uint8_t)n;
		*p++ = (uint8_t)(n >> 8);
	} else {
		*p++ = 0xfe;
		le32_store(p, (uint32_t)n);
		p += 4;
	}
	return p;
}

int gbt_block_build(const struct gbt_template *t, const struct job *job, uint64_t extranonce2,
		    uint32_t ntime, uint32_t nonce, uint8_t header[HEADER_LEN], uint8_t **block,
		    size_t *block_len)
{
	size_t cb_cap = job->coinb1_len + job->extranonce1_len + job->extranonce2_len +
			job->coinb2_len;
	/* Witness serialization adds marker, flag, one item count, one length, 32 bytes. */
	size_t witness_extra = t->has_witness_commitment ? 2 + 1 + 1 + WITNESS_RESERVED_LEN : 0;
	uint8_t *cb = malloc(cb_cap), *out = NULL, *p;
	long cb_len;
	size_t total;

	*block = NULL;
	if (!cb)
		return -1;
	cb_len = work_coinbase(job, extranonce2, cb, cb_cap);
	if (cb_len < 8 || work_header(job, extranonce2, ntime, header))
		goto fail;
	le32_store(header + NONCE_OFFSET, nonce);
	total = HEADER_LEN + compact_size_len(t->tx_count + 1) + (size_t)cb_len + witness_extra +
		t->tx_data_len + (t->mweb_len ? 1 + t->mweb_len : 0);
	out = malloc(total);
	if (!out)
		goto fail;
	p = out;
	memcpy(p, header, HEADER_LEN);
	p += HEADER_LEN;
	p = put_compact_size(p, t->tx_count + 1);
	if (t->has_witness_commitment) {
		/* BIP144: version, 00 01, inputs and outputs, witness, lock time. */
		memcpy(p, cb, 4);
		p += 4;
		*p++ = 0x00;
		*p++ = 0x01;
		memcpy(p, cb + 4, (size_t)cb_len - 8);
		p += cb_len - 8;
		*p++ = 1;
		*p++ = WITNESS_RESERVED_LEN;
		memset(p, 0, WITNESS_RESERVED_LEN);
		p += WITNESS_RESERVED_LEN;
		memcpy(p, cb + cb_len - 4, 4);
		p += 4;
	} else {
		memcpy(p, cb, (size_t)cb_len);
		p += cb_len;
	}
	memcpy(p, t->tx_data, t->tx_data_len);
	p += t->tx_data_len;
	if (t->mweb_len) {
		*p++ = MWEB_BLOCK_MARKER;
		memcpy(p, t->mweb, t->mweb_len);
	}
	free(cb);
	*block = out;
	*block_len = total;
	return 0;
fail:
	free(cb);
	free(out);
	return -1;
}
