/* SPDX-License-Identifier: MIT */
#ifndef QM_GBT_H
#define QM_GBT_H

#include <stddef.h>
#include <stdint.h>

#include "work.h"

/*
 * Solo mining against a node: getblocktemplate -> job, share -> submitblock
 * (docs/protocols.md §2; BIP22/23 templates, BIP34 height, BIP141/144/145
 * witness rules). Two layers, as in stratum.c:
 *
 * 1. Pure functions, tested by tests/test_gbt.c: a template's JSON -> a
 *    struct gbt_template, with every field type-, range- and hex-checked,
 *    every transaction parsed and its txid and wtxid recomputed and compared
 *    with what the node says, and the witness commitment recomputed and
 *    compared; a template -> a struct job (a coinbase around an 8-byte
 *    extranonce, paying a script; the coinbase's merkle branches), so the
 *    workers build headers with work_header() as for a pool; and a job plus a
 *    share's extranonce2/ntime/nonce -> the serialized block. No I/O, no
 *    logging, no globals: a parser that fails leaves nothing allocated.
 *
 * 2. The source (gbt_source_new in source.h, in gbt_source.c): checks the payout address
 *    with the node at start-up, keeps a current template (longpoll on its own
 *    connection where the node offers it, a tip check every 50 ms where it
 *    does not, a refresh every --scantime), publishes a job per template on
 *    the board, clears the board when the node is gone or a block has just
 *    been found, and turns queued shares into submitblock calls.
 */

#define GBT_TX_MAX 65536           /* transactions in a template: a 4 MB block holds ~16000 */
#define GBT_BLOCK_MAX 4000000u     /* MAX_BLOCK_SERIALIZED_SIZE (BIP141) */
#define GBT_EXTRANONCE_LEN 8       /* extranonce2 bytes in the coinbase scriptSig */
#define GBT_SCRIPTSIG_MAX 100      /* consensus: a coinbase scriptSig is 2..100 bytes */
#define GBT_PAYOUT_SCRIPT_MAX 64   /* longest payout scriptPubKey we put in a coinbase */
#define GBT_TAG_DEFAULT "/quintminer/"
#define GBT_TAG_MAX 75             /* one push opcode: the coinbase tag is cut to this */
#define GBT_LONGPOLLID_MAX 256
/* Bitcoin, Litecoin and DigiByte Core refuse a block timed more than 2 h ahead (chain.h). */
#define GBT_FUTURE_TIME_MAX 7200
#define GBT_HEIGHT_PUSH_MAX 6       /* push opcode + 4 bytes + a sign byte */
#define GBT_MWEB_MAX GBT_BLOCK_MAX /* bytes of a template's MWEB block we accept */
#define GBT_NODE_TEXT_MAX 200       /* node messages we show are cut here */
/* BIP141 commitment output: OP_RETURN, push 36, 0xaa21a9ed, 32-byte commitment. */
#define GBT_COMMITMENT_LEN 38
#define GBT_MONEY_MAX 2100000000000000000ull /* DigiByte's MAX_MONEY, 21e9 * 1e8; LTC is less */

struct gbt_tx {
	uint8_t txid[HASH_LEN];    /* internal order */
	uint8_t wtxid[HASH_LEN];
	size_t offset, len;        /* bytes of gbt_template.tx_data */
	int has_witness;
	int is_hogex;              /* Litecoin's MWEB integration transaction (flag 0x08) */
};

struct gbt_template {
	uint32_t version;            /* with the algorithm's bits 8..11 (docs/pow.md §2) */
	uint32_t nbits;
	uint32_t curtime, mintime;   /* mintime = curtime when the node gave none */
	/*
	 * Largest nTime the template lets a miner roll to: "maxtime" (BIP 23)
	 * when "mutable" has "time" or "time/increment", else curtime +
	 * GBT_FUTURE_TIME_MAX with those; 0 without them (no rolling).
	 */
	uint32_t maxtime;
	uint32_t height;             /* of the block being built */
	uint64_t coinbase_value;     /* satoshis: subsidy + fees */
	uint8_t prevhash[HASH_LEN];  /* internal order */
	uint8_t target[HASH_LEN];    /* little-endian, from nbits (and equal to "target") */
	struct gbt_tx *txs;          /* the template's transactions, in block order */
	size_t tx_count;
	uint8_t *tx_data;            /* their serializations, concatenated */
	size_t tx_data_len;
	uint8_t *mweb;               /* Litecoin: the MWEB block ("mweb"), or NULL */
	size_t mweb_len;
	int has_witness_commitment;  /* segwit active: the coinbase carries the commitment */
	uint8_t witness_commitment[GBT_COMMITMENT_LEN]; /* the commitment output's script */
	uint8_t coinbase_aux[GBT_SCRIPTSIG_MAX];        /* coinbaseaux values, concatenated */
	size_t coinbase_aux_len;
	char longpollid[GBT_LONGPOLLID_MAX + 1];        /* "" when the node offers no longpoll */
	int has_odokey;
	uint32_t odokey;             /* DigiByte's Odocrypt key for curtime */
	/* SHA-256 of everything a job is made of except the time: equal means same work. */
	uint8_t digest[HASH_LEN];
};

/*
 * Parses a getblocktemplate result (the JSON object, len bytes of text) into
 * t. Returns 0, or -1 with a one-line reason in err and t zeroed. The
 * caller releases t with gbt_template_release().
 */
int gbt_template_parse(struct gbt_template *t, const char *json, size_t len, char *err,
		       size_t err_len);
/* The same from a parsed jansson value (gbt_source.c already holds one); same contract. */
struct json_t;
int gbt_template_from_json(struct gbt_template *t, struct json_t *result, char *err,
			   size_t err_len);
void gbt_template_release(struct gbt_template *t);

/*
 * Copies a node's text for a log line: printable ASCII (anything else
 * becomes '?') up to its first line break, at most GBT_NODE_TEXT_MAX bytes
 * and out_len - 1. in may be NULL (gives "").
 */
void gbt_node_text(char *out, size_t out_len, const char *in);

/* What a node's JSON-RPC answer said (gbt_rpc_answer). */
enum gbt_answer {
	GBT_ANSWER_RESULT = 0,     /* *result: a new reference to "result" (may be JSON null) */
	GBT_ANSWER_ERROR = 1,      /* "error" is set: *code and err carry the node's error */
	GBT_ANSWER_MALFORMED = -1, /* not a JSON-RPC answer (not JSON, no object, bad types) */
	GBT_ANSWER_BAD_ERROR = -2, /* an "error" that is not {code, message} */
	GBT_ANSWER_NO_RESULT = -3, /* neither "result" nor "error" */
};
/*
 * Parses a JSON-RPC 1.0 answer body (len bytes, need not be NUL-terminated):
 * {"result": ..., "error": null | {"code": N, "message": "..."}}. The
 * node's message is copied to err as printable ASCII up to its first line
 * break. Returns an enum gbt_answer; *result is NULL unless
 * GBT_ANSWER_RESULT. Pure and thread-safe.
 */
int gbt_rpc_answer(const char *body, size_t len, struct json_t **result, int *code, char *err,
		   size_t err_len);

/* What the coinbase pays and says. */
struct gbt_payout {
	const uint8_t *script;       /* scriptPubKey of the reward output */
	size_t script_len;           /* 1..GBT_PAYOUT_SCRIPT_MAX */
	const char *tag;             /* text pushed after the extranonce (cut to fit), or NULL */
};

/*
 * Makes the job for template t: coinb1 = the coinbase (serialized without
 * witness) up to the extranonce, coinb2 = the rest, no extranonce1,
 * GBT_EXTRANONCE_LEN bytes of extranonce2, merkle branches from the
 * template's txids, share target = block target. Fails when the template's
 * version does not carry algo->version_bits in bits 8..11, or its odokey
 * disagrees with params. seq goes to job->source_seq. Returns 0 and *out
 * (one reference), or -1 with the reason in err.
 */
int gbt_job_new(struct job **out, const struct gbt_template *t, const struct algo *algo,
		const struct algo_params *params, const struct gbt_payout *payout, uint64_t seq,
		char *err, size_t err_len);

/*
 * Serializes the block for a solved share of job (made from t): header
 * (work_header + nonce, copied to header), transaction count, the coinbase
 * in its witness serialization when t has a witness commitment, then the
 * template's transactions, and with Litecoin MWEB 0x01 and the MWEB block. Returns 0 and *block (malloc'd, *block_len
 * bytes), or -1 if the job does not produce a header.
 */
int gbt_block_build(const struct gbt_template *t, const struct job *job, uint64_t extranonce2,
		    uint32_t ntime, uint32_t nonce, uint8_t header[HEADER_LEN], uint8_t **block,
		    size_t *block_len);

/*
 * The BIP34 height push, as the node writes it (CScript() << height):
 * OP_1..OP_16 for 1..16, otherwise a minimal little-endian script number.
 * Returns its length (1..6).
 */
size_t gbt_height_push(uint32_t height, uint8_t out[GBT_HEIGHT_PUSH_MAX]);

/*
 * Merkle branches of the coinbase (index 0) over the coinbase and txids,
 * in internal order, so that work_merkle_root() gives the block's root.
 * Returns the number of branches, or -1 if count > GBT_TX_MAX.
 */
int gbt_merkle_branches(const uint8_t (*txids)[HASH_LEN], size_t count,
			uint8_t branches[JOB_MERKLE_MAX][HASH_LEN]);

/*
 * Parses one transaction (BIP144 serialization, with or without witness,
 * or Litecoin's HogEx with the MWEB flag) that must fill exactly len bytes,
 * and computes its txid and wtxid.
 * Returns 0, or -1 if it is malformed.
 */
int gbt_tx_parse(const uint8_t *data, size_t len, struct gbt_tx *tx);

#endif
