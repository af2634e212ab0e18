/* SPDX-License-Identifier: MIT */
/*
 * The getblocktemplate work source (gbt.h, layer 2): node connection,
 * templates, longpoll, submission.
 */
#include "gbt.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <time.h>

#include <jansson.h>

#include "address.h"
#include "deadline.h"
#include "errbuf.h"
#include "options.h"
#include "hex.h"
#include "log.h"
#include "queue.h"
#include "rpc.h"
#include "sha256.h"
#include "source.h"
#include "stats.h"

#define GBT_QUEUE_LEN 64
#define GBT_RECENT 8                  /* templates kept so late shares can still be built */
#define GBT_CALL_TIMEOUT_MS 30000u
#define GBT_SUBMIT_TIMEOUT_MS 60000u
#define GBT_LONGPOLL_TIMEOUT_MS (30u * 60 * 1000)
#define GBT_TIP_POLL_FAST_MS 50u      /* no longpoll: a new tip is seen within 100 ms */
#define GBT_TIP_POLL_SLOW_MS 500u     /* beside a working longpoll, a safety net */
/* A node shared by the scheduler's sources, without longpoll: 4 calls a second each. */
#define GBT_TIP_POLL_SHARED_MS 250u
#define GBT_BACKOFF_MAX_S 60u
#define GBT_SUBMIT_TRIES 3
#define GBT_SUBMIT_RETRY_MS 1000u
#define GBT_STOP_GRACE_MS 1000u       /* on stop, a call (a found block's submit) may finish */
#define GBT_PAYOUT_TEXT_MAX ADDRESS_TEXT_MAX
/* JSON-RPC error codes (Bitcoin Core rpc/protocol.h). */
#define RPC_METHOD_NOT_FOUND (-32601)

/* One template and the job made from it; shared by reference. */
struct gbt_work {
	atomic_uint refs;
	uint64_t seq;
	struct gbt_template t;
	struct job *job;
};

/* How one call ended. */
enum gbt_call_end {
	GBT_CALL_OK,
	GBT_CALL_NODE_ERROR,   /* the node answered with a JSON-RPC error */
	GBT_CALL_FAILED,       /* no usable answer: auth, HTTP, malformed */
	GBT_CALL_UNREACHABLE,  /* no HTTP answer at all: refused, reset, timed out */
	GBT_CALL_CANCELLED,
};

struct gbt {
	struct source src;
	const struct algo *algo;
	struct algo_params params;
	struct job_board *board;
	struct stats *stats;
	struct rpc *rpc;          /* the main thread's connection: polls and submits */
	struct rpc *rpc_lp;       /* the longpoll thread's connection */
	struct address payout;
	char payout_text[GBT_PAYOUT_TEXT_MAX + 1];
	const char *tag;
	unsigned retry_pause_s, scantime_s;
	int is_shared_node;       /* options.h: no longpoll thread */
	unsigned ntime_roll_s;           /* --ntime-roll, within the template's maxtime */
	const volatile sig_atomic_t *stop_requested; /* main's flag, for start-up waits */
	char start_err[256];                         /* why the node was unreachable */
	struct queue shares;
	pthread_t thread, lp_thread;
	int has_thread, has_lp_thread, is_rpc_ready;
	atomic_int is_stopping;
	atomic_int use_algo_param;   /* send algo->node_name as getblocktemplate's 2nd param */
	atomic_int said_serves_other; /* the node serves another algorithm: said once */
	atomic_uint_fast64_t next_seq;
	atomic_uint late;             /* solutions dropped as too late since the last block */
	/*
	 * Lock order: lock, then the board's lock (job_board_publish is called
	 * with lock held so the board and current never disagree). Guards the
	 * fields below; never held across a network call.
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;          /* wakes the longpoll thread: new longpollid or stop */
	struct gbt_work *recent[GBT_RECENT];
	struct gbt_work *current;     /* what the board shows; NULL while it is cleared */
	uint64_t published_ms;
};

static int gbt_is_stopping(struct gbt *g)
{
	return atomic_load_explicit(&g->is_stopping, memory_order_acquire);
}

static struct gbt_work *gbt_work_ref(struct gbt_work *w)
{
	atomic_fetch_add_explicit(&w->refs, 1, memory_order_relaxed);
	return w;
}

static void gbt_work_unref(struct gbt_work *w)
{
	if (!w || atomic_fetch_sub_explicit(&w->refs, 1, memory_order_acq_rel) != 1)
		return;
	job_unref(w->job);
	gbt_template_release(&w->t);
	free(w);
}

/*
 * One JSON-RPC call. On GBT_CALL_OK, *result is a new reference to the
 * "result" value (may be JSON null). On GBT_CALL_NODE_ERROR, *code and err
 * carry the node's error. Otherwise err says what went wrong.
 */
static enum gbt_call_end gbt_call(struct rpc *r, const char *method, const char *params,
				  unsigned timeout_ms, json_t **result, int *code, char *err,
				  size_t err_len)
{
	char *body = NULL;
	long status;
	enum gbt_call_end end = GBT_CALL_FAILED;
	int rc;

	*result = NULL;
	*code = 0;
	rc = rpc_call(r, method, params, timeout_ms, &body, &status, err, err_len);
	if (rc == RPC_ERR_CANCELLED)
		return GBT_CALL_CANCELLED;
	if (rc == RPC_ERR_TRANSPORT)
		return GBT_CALL_UNREACHABLE;
	if (rc)
		return GBT_CALL_FAILED;
	switch (gbt_rpc_answer(body, strlen(body), result, code, err, err_len)) {
	case GBT_ANSWER_RESULT:
		end = GBT_CALL_OK;
		break;
	case GBT_ANSWER_ERROR:
		end = GBT_CALL_NODE_ERROR;
		break;
	case GBT_ANSWER_BAD_ERROR:
		errbuf_set(err, err_len, "%s failed with a malformed error", method);
		break;
	case GBT_ANSWER_NO_RESULT:
		errbuf_set(err, err_len, "HTTP %ld: the answer to %s has no result", status, method);
		break;
	default:
		errbuf_set(err, err_len, "HTTP %ld: no JSON-RPC answer to %s", status, method);
		break;
	}
	free(body);
	return end;
}

/* The params of a getblocktemplate call, as JSON text (malloc'd) or NULL. */
static char *gbt_request_params(struct gbt *g, const char *longpollid, int with_algo)
{
	json_t *req = json_pack("{s:[s,s]}", "rules", "segwit", "mweb");
	json_t *params = json_array();
	char *text = NULL;

	/* Litecoin Core refuses without "mweb"; other nodes ignore rules they do not know. */
	if (!req || !params)
		goto out;
	if (longpollid && *longpollid && json_object_set_new(req, "longpollid",
							     json_string(longpollid)))
		goto out;
	if (json_array_append(params, req))
		goto out;
	/* DigiByte: the algorithm is the 2nd positional parameter (docs/pow.md §7). */
	if (with_algo && json_array_append_new(params, json_string(g->algo->node_name)))
		goto out;
	text = json_dumps(params, JSON_COMPACT);
out:
	json_decref(req);
	json_decref(params);
	return text;
}

/* One getblocktemplate call on r, with or without the algorithm parameter, parsed. */
static enum gbt_call_end gbt_fetch_once(struct gbt *g, struct rpc *r, const char *longpollid,
					int with_algo, unsigned timeout_ms, struct gbt_work **out,
					char *err, size_t err_len)
{
	char *params = gbt_request_params(g, longpollid, with_algo);
	enum gbt_call_end end;
	json_t *result = NULL;
	struct gbt_work *w;
	int code;

	*out = NULL;
	if (!params) {
		errbuf_set(err, err_len, "out of memory");
		return GBT_CALL_FAILED;
	}
	end = gbt_call(r, "getblocktemplate", params, timeout_ms, &result, &code, err, err_len);
	free(params);
	if (end != GBT_CALL_OK)
		return end;
	w = calloc(1, sizeof(*w));
	if (!w) {
		json_decref(result);
		errbuf_set(err, err_len, "out of memory");
		return GBT_CALL_FAILED;
	}
	atomic_init(&w->refs, 1);
	if (gbt_template_from_json(&w->t, result, err, err_len)) {
		json_decref(result);
		free(w);
		return GBT_CALL_NODE_ERROR;
	}
	json_decref(result);
	*out = w;
	return GBT_CALL_OK;
}

/*
 * Fetches a template on r. DigiByte takes the algorithm as the second
 * parameter (docs/pow.md §7); nodes that do not (Litecoin, some DigiByte
 * 8.22 builds) refuse the call, and are asked with one parameter from then on
 * if that gives a template for our algorithm. When it gives another
 * algorithm's, the node's answer to the two-parameter call is the error
 * (e.g. "algorithm not active").
 */
static enum gbt_call_end gbt_fetch(struct gbt *g, struct rpc *r, const char *longpollid,
				   unsigned timeout_ms, struct gbt_work **out, char *err,
				   size_t err_len)
{
	int with_algo = g->algo->node_name && atomic_load(&g->use_algo_param);
	enum gbt_call_end end;

	end = gbt_fetch_once(g, r, longpollid, with_algo, timeout_ms, out, err, err_len);
	if (end != GBT_CALL_NODE_ERROR || !with_algo)
		return end;
	end = gbt_fetch_once(g, r, longpollid, 0, timeout_ms, out, err, err_len);
	if (end != GBT_CALL_OK)
		return end;
	if (((*out)->t.version & ALGO_VERSION_MASK) != g->algo->version_bits) {
		uint32_t bits = (*out)->t.version & ALGO_VERSION_MASK;
		const char *served = "another algorithm";
		for (unsigned i = 0; i < algo_count; i++)
			if (algo_table[i]->version_bits == bits)
				served = algo_table[i]->name;
		/* Said once, plainly; the retries only say that there is still no work. */
		if (!atomic_exchange(&g->said_serves_other, 1))
			errbuf_set(err, err_len,
				   "the node serves only %s: it refuses getblocktemplate's "
				   "algorithm parameter (DigiByte 8.22.0); for %s, start a node "
				   "with -algo=%s and list it in the pools",
				   served, g->algo->name, g->algo->node_name);
		else
			errbuf_set(err, err_len, "still no %s template from the node",
				   g->algo->name);
		gbt_work_unref(*out);
		*out = NULL;
		return GBT_CALL_NODE_ERROR;
	}
	if (atomic_exchange(&g->use_algo_param, 0))
		log_info("node: getblocktemplate takes no algorithm parameter; asking without it "
			 "and checking the version's algorithm bits");
	return GBT_CALL_OK;
}

/* Clears the board (and current) because nothing on it can be mined now. */
static void gbt_clear_locked(struct gbt *g)
{
	gbt_work_unref(g->current);
	g->current = NULL;
	job_board_publish(g->board, NULL);
}

static void gbt_clear(struct gbt *g)
{
	pthread_mutex_lock(&g->lock);
	if (g->current)
		gbt_clear_locked(g);
	pthread_mutex_unlock(&g->lock);
}

enum gbt_accept_flags {
	GBT_ACCEPT_REFRESH = 1u << 0, /* publish even if the work is unchanged (new time) */
	GBT_ACCEPT_TIP = 1u << 1,     /* builds on the tip the node just named: authoritative */
};

/*
 * Takes a fetched template (the reference in w): makes its job and
 * publishes it unless it is the work already on the board (same digest) and
 * GBT_ACCEPT_REFRESH is not set. A template for a lower height than the
 * current one is dropped unless GBT_ACCEPT_TIP says the node's best block is
 * its parent (a reorganisation): a slow poll must not undo a longpoll's news.
 * Returns 0, or -1 if no job could be made (err says why; the board is
 * cleared).
 */
static int gbt_accept(struct gbt *g, struct gbt_work *w, const char *origin, unsigned flags,
		      char *err, size_t err_len)
{
	int is_older;

	struct gbt_payout payout = { .script = g->payout.script,
				     .script_len = g->payout.script_len, .tag = g->tag };
	struct gbt_work *cur;
	int is_new_block;

	pthread_mutex_lock(&g->lock);
	cur = g->current;
	is_older = cur && w->t.height < cur->t.height && !(flags & GBT_ACCEPT_TIP);
	if (is_older || (cur && !(flags & GBT_ACCEPT_REFRESH) &&
			 !memcmp(cur->t.digest, w->t.digest, HASH_LEN))) {
		pthread_mutex_unlock(&g->lock);
		gbt_work_unref(w);
		return 0;
	}
	is_new_block = !cur || memcmp(cur->t.prevhash, w->t.prevhash, HASH_LEN);
	pthread_mutex_unlock(&g->lock);

	w->seq = atomic_fetch_add(&g->next_seq, 1);
	if (gbt_job_new(&w->job, &w->t, g->algo, &g->params, &payout, w->seq, err, err_len)) {
		gbt_work_unref(w);
		gbt_clear(g);
		return -1;
	}
	w->job->is_clean = is_new_block;
	job_set_ntime_roll(w->job, w->t.maxtime, g->ntime_roll_s);

	pthread_mutex_lock(&g->lock);
	cur = g->current;
	if (cur && w->t.height < cur->t.height && !(flags & GBT_ACCEPT_TIP)) {
		/* The other thread published newer work meanwhile. */
		pthread_mutex_unlock(&g->lock);
		gbt_work_unref(w);
		return 0;
	}
	gbt_work_unref(g->recent[GBT_RECENT - 1]);
	memmove(&g->recent[1], &g->recent[0], (GBT_RECENT - 1) * sizeof(g->recent[0]));
	g->recent[0] = gbt_work_ref(w);
	gbt_work_unref(g->current);
	g->current = w;
	g->published_ms = deadline_now_ms();
	job_board_publish(g->board, job_ref(w->job));
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);

	if (is_new_block) {
		char prev[2 * HASH_LEN + 1];
		unsigned late = atomic_exchange(&g->late, 0);

		if (late)
			log_info("%u solution%s for the previous block came too late (counted as "
				 "stale)", late, late == 1 ? "" : "s");
		hex_encode_display(w->t.prevhash, HASH_LEN, prev);
		log_info("%s: work for block %" PRIu32 " on %.16s..., %zu transaction%s, reward "
			 "%" PRIu64 ".%08" PRIu64 ", difficulty %.6g", origin, w->t.height, prev,
			 w->t.tx_count, w->t.tx_count == 1 ? "" : "s",
			 w->t.coinbase_value / 100000000u, w->t.coinbase_value % 100000000u,
			 w->job->diff);
	} else {
		log_debug("%s: template refreshed (block %" PRIu32 ", %zu transactions)", origin,
			  w->t.height, w->t.tx_count);
	}
	return 0;
}

/* Sleeps ms, or less if the source stops. Handles nothing meanwhile. */
static void gbt_sleep(struct gbt *g, unsigned ms)
{
	struct timespec ts = deadline_after_ms(ms);

	pthread_mutex_lock(&g->lock);
	if (!gbt_is_stopping(g))
		pthread_cond_timedwait(&g->cond, &g->lock, &ts);
	pthread_mutex_unlock(&g->lock);
}

/* Waits up to ms for a share (then handles it) or for stop. */
static struct share *gbt_wait(struct gbt *g, unsigned ms)
{
	if (gbt_is_stopping(g))
		return NULL;
	return queue_pop(&g->shares, ms);
}

static void gbt_submit_share(struct gbt *g, struct share *share);

/* source_pause's wait: submits a share if one comes within ms. */
static int gbt_pause_wait(void *arg, unsigned ms)
{
	struct gbt *g = arg;
	struct share *s;

	if (gbt_is_stopping(g))
		return 1;
	s = gbt_wait(g, ms);
	if (s)
		gbt_submit_share(g, s);
	return 0;
}

/*
 * Sleeps ms while still handling shares (a block found just before the node
 * went away is worth submitting when it returns). Returns early on stop.
 */
static void gbt_pause(struct gbt *g, uint64_t ms)
{
	source_pause(ms, gbt_pause_wait, g);
}

/*
 * Compares the node's best block (copied to tip) with the current work's
 * parent. Returns 1 changed, 0 same, -1 error.
 */
static int gbt_tip_changed(struct gbt *g, uint8_t tip[HASH_LEN], char *err, size_t err_len)
{
	json_t *result = NULL;
	int code, changed = -1;
	const char *hex;

	if (gbt_call(g->rpc, "getbestblockhash", "[]", GBT_CALL_TIMEOUT_MS, &result, &code, err,
		     err_len) != GBT_CALL_OK)
		return -1;
	hex = json_string_value(result);
	if (!hex || hex_decode_display(hex, tip, HASH_LEN)) {
		errbuf_set(err, err_len, "getbestblockhash did not return a hash");
		goto out;
	}
	pthread_mutex_lock(&g->lock);
	changed = !g->current || memcmp(g->current->t.prevhash, tip, HASH_LEN) != 0;
	pthread_mutex_unlock(&g->lock);
out:
	json_decref(result);
	return changed;
}

static int gbt_has_longpoll(struct gbt *g)
{
	int has;

	pthread_mutex_lock(&g->lock);
	has = g->current && g->current->t.longpollid[0];
	pthread_mutex_unlock(&g->lock);
	return has;
}

/*
 * Counts a solution that came too late to matter (the chain moved on, or
 * the queue is full of solutions for the same block) without a log line
 * each: on regtest, where half of all hashes solve a block, workers find
 * thousands before they see the board cleared. gbt_accept() reports the
 * count once per block.
 */
static void gbt_late(struct gbt *g, struct share *share)
{
	atomic_fetch_add(&g->stats->stale, 1);
	atomic_fetch_add(&g->late, 1);
	share_free(share);
}

static void gbt_submit_share(struct gbt *g, struct share *share)
{
	struct gbt_work *w = NULL;
	uint8_t header[HEADER_LEN], hash[HASH_LEN], *block = NULL;
	char err[256], hashhex[2 * HASH_LEN + 1], *hex = NULL, *params = NULL;
	size_t block_len;
	json_t *result = NULL;
	enum gbt_call_end end = GBT_CALL_FAILED;
	int code, is_tip;

	pthread_mutex_lock(&g->lock);
	for (unsigned i = 0; i < GBT_RECENT; i++) {
		if (g->recent[i] && g->recent[i]->job == share->job) {
			w = gbt_work_ref(g->recent[i]);
			break;
		}
	}
	is_tip = w && g->current && !memcmp(g->current->t.prevhash, w->t.prevhash, HASH_LEN);
	pthread_mutex_unlock(&g->lock);
	if (!w) {
		stats_share_stale(g->stats, "its template is gone");
		goto out;
	}
	if (!is_tip) {
		gbt_late(g, share);
		share = NULL;
		goto out;
	}
	if (!share->is_block) {
		log_debug("share above the block target ignored (solo mining)");
		goto out;
	}
	if (gbt_block_build(&w->t, w->job, share->extranonce2, share->ntime, share->nonce, header,
			    &block, &block_len) ||
	    memcmp(header, share->header, HEADER_LEN)) {
		log_err("block %" PRIu32 ": the rebuilt header differs from the solved one; not "
			"submitted", w->t.height);
		stats_share_result(g->stats, share, 0, "header mismatch", -1);
		goto out;
	}
	sha256d(header, HEADER_LEN, hash);
	hex_encode_display(hash, HASH_LEN, hashhex);
	hex = malloc(2 * block_len + 1);
	params = malloc(2 * block_len + 8);
	if (!hex || !params) {
		log_err("block %" PRIu32 ": out of memory", w->t.height);
		stats_share_result(g->stats, share, 0, "out of memory", -1);
		goto out;
	}
	hex_encode(block, block_len, hex);
	snprintf(params, 2 * block_len + 8, "[\"%s\"]", hex);
	log_info("block %" PRIu32 " found (hash %s); submitting %zu bytes", w->t.height, hashhex,
		 block_len);
	double sent_s = stats_now();
	for (int attempt = 1; attempt <= GBT_SUBMIT_TRIES; attempt++) {
		end = gbt_call(g->rpc, "submitblock", params, GBT_SUBMIT_TIMEOUT_MS, &result,
			       &code, err, sizeof(err));
		if ((end != GBT_CALL_FAILED && end != GBT_CALL_UNREACHABLE) ||
		    attempt == GBT_SUBMIT_TRIES)
			break;
		log_warn("submitblock: %s; trying again (%d/%d)", err, attempt + 1,
			 GBT_SUBMIT_TRIES);
		gbt_sleep(g, GBT_SUBMIT_RETRY_MS);
	}
	double answer_ms = 1000.0 * (stats_now() - sent_s);
	if (end == GBT_CALL_OK && json_is_null(result)) {
		log_info("block %" PRIu32 " accepted by the node", w->t.height);
		stats_share_result(g->stats, share, 1, NULL, answer_ms);
		/* The chain has moved: nothing on the board can make another block now. */
		pthread_mutex_lock(&g->lock);
		if (g->current && !memcmp(g->current->t.prevhash, w->t.prevhash, HASH_LEN))
			gbt_clear_locked(g);
		pthread_mutex_unlock(&g->lock);
	} else if (end == GBT_CALL_OK && json_is_string(result) &&
		   !strcmp(json_string_value(result), "inconclusive")) {
		/* BIP 22: valid, but not on the best chain: another block came first. */
		log_info("block %" PRIu32 " is stale: valid, but another block reached the node "
			 "first (inconclusive)", w->t.height);
		stats_share_stale(g->stats, "another block came first (inconclusive)");
	} else if (end == GBT_CALL_OK) {
		gbt_node_text(err, sizeof(err), json_is_string(result) ? json_string_value(result)
								   : "unexpected answer");
		log_warn("block %" PRIu32 " rejected by the node: %s", w->t.height, err);
		stats_share_result(g->stats, share, 0, err, answer_ms);
	} else if (end == GBT_CALL_CANCELLED) {
		/* Stopping, and the node did not answer within the grace period. */
		log_warn("block %" PRIu32 " not submitted: stopped before the node answered",
			 w->t.height);
		stats_share_stale(g->stats, "stopped before the node answered");
	} else {
		log_warn("block %" PRIu32 " not submitted: %s", w->t.height, err);
		stats_share_result(g->stats, share, 0, err, -1);
		/* The node is unreachable: the queued solutions for this block are lost too. */
		if (end == GBT_CALL_FAILED || end == GBT_CALL_UNREACHABLE)
			gbt_clear(g);
	}
out:
	json_decref(result);
	free(params);
	free(hex);
	free(block);
	gbt_work_unref(w);
	share_free(share);
}

static void *gbt_main(void *arg)
{
	struct gbt *g = arg;
	uint64_t backoff_ms = 1000ull * g->retry_pause_s, next_tip_ms = 0;
	int need_fetch = 1, is_down = 0, has_tip = 0;
	uint8_t tip[HASH_LEN];
	char err[256];

	prctl(PR_SET_NAME, "qm-gbt", 0, 0, 0);
	while (!gbt_is_stopping(g)) {
		uint64_t now = deadline_now_ms();
		enum gbt_call_end end = GBT_CALL_OK;
		unsigned flags = 0;

		pthread_mutex_lock(&g->lock);
		if (!g->current) {
			need_fetch = 1;
		} else if (now - g->published_ms >= 1000ull * g->scantime_s) {
			need_fetch = 1;
			flags |= GBT_ACCEPT_REFRESH;
		}
		pthread_mutex_unlock(&g->lock);
		if (!need_fetch && now >= next_tip_ms) {
			int changed = gbt_tip_changed(g, tip, err, sizeof(err));

			next_tip_ms = now + (g->is_shared_node ? GBT_TIP_POLL_SHARED_MS
					     : gbt_has_longpoll(g) ? GBT_TIP_POLL_SLOW_MS
								 : GBT_TIP_POLL_FAST_MS);
			if (changed < 0)
				end = GBT_CALL_FAILED;
			else
				need_fetch = has_tip = changed;
		}
		if (end == GBT_CALL_OK && need_fetch) {
			struct gbt_work *w;

			end = gbt_fetch(g, g->rpc, NULL, GBT_CALL_TIMEOUT_MS, &w, err, sizeof(err));
			if (end == GBT_CALL_OK && has_tip && !memcmp(w->t.prevhash, tip, HASH_LEN))
				flags |= GBT_ACCEPT_TIP;
			if (end == GBT_CALL_OK && gbt_accept(g, w, "node", flags, err, sizeof(err)))
				end = GBT_CALL_NODE_ERROR;
			has_tip = 0;
		}
		if (end == GBT_CALL_CANCELLED)
			break;
		if (end != GBT_CALL_OK) {
			gbt_clear(g);
			log_warn("node %s: %s; no work until it answers, retrying in %" PRIu64 " s",
				 rpc_url(g->rpc), err, backoff_ms / 1000);
			is_down = 1;
			need_fetch = 1;
			gbt_pause(g, backoff_ms);
			backoff_ms = source_backoff_ms(backoff_ms, 1000ull * GBT_BACKOFF_MAX_S);
			continue;
		}
		if (need_fetch && is_down)
			log_info("node %s answers again", rpc_url(g->rpc));
		if (need_fetch) {
			is_down = 0;
			backoff_ms = 1000ull * g->retry_pause_s;
		}
		need_fetch = 0;

		/* Handle shares until the next tip check is due. */
		now = deadline_now_ms();
		struct share *s = gbt_wait(g, next_tip_ms > now ? (unsigned)(next_tip_ms - now)
							      : 0);

		if (s) {
			gbt_submit_share(g, s);
			/* Drain what else is queued before polling again. */
			while ((s = queue_pop(&g->shares, 0)))
				gbt_submit_share(g, s);
		}
	}
	return NULL;
}

static void *gbt_longpoll_main(void *arg)
{
	struct gbt *g = arg;
	char lpid[GBT_LONGPOLLID_MAX + 1], err[256];

	prctl(PR_SET_NAME, "qm-gbt-lp", 0, 0, 0);
	while (!gbt_is_stopping(g)) {
		struct gbt_work *w = NULL;
		enum gbt_call_end end;
		uint64_t start;

		pthread_mutex_lock(&g->lock);
		while (!gbt_is_stopping(g) && !(g->current && g->current->t.longpollid[0]))
			pthread_cond_wait(&g->cond, &g->lock);
		if (g->current)
			strcpy(lpid, g->current->t.longpollid);
		pthread_mutex_unlock(&g->lock);
		if (gbt_is_stopping(g))
			break;
		start = deadline_now_ms();
		end = gbt_fetch(g, g->rpc_lp, lpid, GBT_LONGPOLL_TIMEOUT_MS, &w, err, sizeof(err));
		if (end == GBT_CALL_CANCELLED)
			break;
		if (end == GBT_CALL_OK) {
			int is_same = !strcmp(w->t.longpollid, lpid);

			if (gbt_accept(g, w, "longpoll", 0, err, sizeof(err)))
				log_warn("longpoll: %s", err);
			/* A node that answers at once with the same id does not hold longpolls. */
			if (!is_same || deadline_now_ms() - start >= 1000)
				continue;
		} else {
			log_debug("longpoll: %s", err);
		}
		/* Wait a little (or until stop) before asking again. */
		gbt_sleep(g, 1000u * g->retry_pause_s);
	}
	return NULL;
}

/* Says how a start-up call failed, as one log line. */
static void log_call_failure(struct gbt *g, const char *what, enum gbt_call_end end, int code,
			     const char *err)
{
	if (end == GBT_CALL_NODE_ERROR)
		log_err("node %s: %s failed: %s (code %d)", rpc_url(g->rpc), what, err, code);
	else
		log_err("node %s: %s: %s", rpc_url(g->rpc), what, err);
}

/*
 * Start-up checks: the node answers, its chain is one the address belongs
 * to, and the node decodes the address to the same script we pay. An
 * address the node does not accept stops us here, before any hashing.
 * Returns 0, -1 (logged), or GBT_CHECK_UNREACHABLE when the node gave no
 * HTTP answer at all (g->start_err says why; the caller waits and retries).
 */
#define GBT_CHECK_UNREACHABLE (-2)

static int gbt_check_node(struct gbt *g)
{
	json_t *result = NULL;
	json_error_t jerr;
	char err[256], params[GBT_PAYOUT_TEXT_MAX + 8], mine[2 * ADDRESS_SCRIPT_MAX + 1];
	const char *chain = NULL, *spk = NULL;
	json_int_t blocks = -1;
	enum gbt_call_end end;
	int code, is_valid = 0, rc = -1;

	end = gbt_call(g->rpc, "getblockchaininfo", "[]", GBT_CALL_TIMEOUT_MS, &result, &code, err,
		       sizeof(err));
	if (end == GBT_CALL_CANCELLED)
		goto out;
	if (end == GBT_CALL_UNREACHABLE) {
		snprintf(g->start_err, sizeof(g->start_err), "%s", err);
		rc = GBT_CHECK_UNREACHABLE;
		goto out;
	}
	if (end != GBT_CALL_OK) {
		log_call_failure(g, "getblockchaininfo", end, code, err);
		goto out;
	}
	if (json_unpack_ex(result, &jerr, 0, "{s:s, s?I}", "chain", &chain, "blocks", &blocks)) {
		log_err("node %s: getblockchaininfo: %s", rpc_url(g->rpc), jerr.text);
		goto out;
	}
	gbt_node_text(err, sizeof(err), chain);
	if (!(address_chain_from_name(chain) & g->payout.chains)) {
		log_err("--coinbase-addr %s is a %s address, but the node runs chain '%s'",
			g->payout_text, g->payout.desc, err);
		goto out;
	}
	log_info("node %s: chain %s, %" JSON_INTEGER_FORMAT " blocks", rpc_url(g->rpc), err,
		 blocks);
	json_decref(result);
	result = NULL;

	/* The address text passed our decoder, so it holds no JSON-special characters. */
	snprintf(params, sizeof(params), "[\"%s\"]", g->payout_text);
	end = gbt_call(g->rpc, "validateaddress", params, GBT_CALL_TIMEOUT_MS, &result, &code, err,
		       sizeof(err));
	if (end == GBT_CALL_CANCELLED)
		goto out;
	if (end == GBT_CALL_NODE_ERROR && code == RPC_METHOD_NOT_FOUND) {
		log_warn("node has no validateaddress; paying %s as quintminer decodes it",
			 g->payout_text);
		rc = 0;
		goto out;
	}
	if (end != GBT_CALL_OK) {
		log_call_failure(g, "validateaddress", end, code, err);
		goto out;
	}
	if (json_unpack_ex(result, &jerr, 0, "{s:b, s?s}", "isvalid", &is_valid, "scriptPubKey",
			   &spk)) {
		log_err("node %s: validateaddress: %s", rpc_url(g->rpc), jerr.text);
		goto out;
	}
	if (!is_valid) {
		log_err("--coinbase-addr %s: the node says this is not a valid address on its "
			"chain", g->payout_text);
		goto out;
	}
	hex_encode(g->payout.script, g->payout.script_len, mine);
	if (spk && strcmp(spk, mine)) {
		gbt_node_text(err, sizeof(err), spk);
		log_err("--coinbase-addr %s: the node's script %s differs from quintminer's %s",
			g->payout_text, err, mine);
		goto out;
	}
	log_info("solo: the reward goes to %s (%s), script %s", g->payout_text, g->payout.desc,
		 mine);
	rc = 0;
out:
	json_decref(result);
	return rc;
}

/* source_pause's wait before the threads run: only SIGINT/SIGTERM end it. */
static int gbt_start_wait(void *arg, unsigned ms)
{
	struct gbt *g = arg;
	struct timespec ts = { 0, (long)(ms < 100 ? ms : 100) * 1000000L };

	if (g->stop_requested && *g->stop_requested)
		return 1;
	nanosleep(&ts, NULL);
	return 0;
}

/* Start-up: waits for the node, checks it, and takes the first template. Returns 0 or -1. */
static int gbt_start_checks(struct gbt *g)
{
	struct gbt_work *w;
	enum gbt_call_end end;
	char err[256];
	int rc;

	/*
	 * A node that is not up yet (started together with the miner, or
	 * restarting) is waited for with back-off; anything it answers wrongly
	 * is a start-up error. SIGINT/SIGTERM end the wait.
	 */
	uint64_t backoff_ms = 1000ull * g->retry_pause_s;
	while ((rc = gbt_check_node(g)) == GBT_CHECK_UNREACHABLE) {
		if (g->stop_requested && *g->stop_requested)
			return -1;
		log_warn("node %s: %s; waiting for it, retrying in %" PRIu64 " s",
			 rpc_url(g->rpc), g->start_err, backoff_ms / 1000);
		if (source_pause(backoff_ms, gbt_start_wait, g))
			return -1;
		backoff_ms = source_backoff_ms(backoff_ms, 1000ull * GBT_BACKOFF_MAX_S);
	}
	if (rc)
		return -1;
	/* The first template: a wrong algorithm is a start-up error; anything else is retried. */
	end = gbt_fetch(g, g->rpc, NULL, GBT_CALL_TIMEOUT_MS, &w, err, sizeof(err));
	if (end == GBT_CALL_OK) {
		struct gbt_payout payout = { .script = g->payout.script,
					     .script_len = g->payout.script_len, .tag = g->tag };
		struct job *job;

		if (gbt_job_new(&job, &w->t, g->algo, &g->params, &payout, 0, err, sizeof(err))) {
			log_err("node %s: %s", rpc_url(g->rpc), err);
			gbt_work_unref(w);
			return -1;
		}
		job_unref(job);
		if (gbt_accept(g, w, "node", 0, err, sizeof(err)))
			log_warn("node %s: %s", rpc_url(g->rpc), err);
		if (g->is_shared_node)
			log_debug("node shared by the scheduler's sources: checking its tip every "
				  "%u ms, no longpoll", GBT_TIP_POLL_SHARED_MS);
		else if (!gbt_has_longpoll(g))
			log_info("node offers no longpoll: checking its tip every %u ms",
				 GBT_TIP_POLL_FAST_MS);
	} else if (end == GBT_CALL_CANCELLED) {
		return -1;
	} else {
		log_warn("node %s: getblocktemplate: %s; retrying", rpc_url(g->rpc), err);
	}
	return 0;
}

static int gbt_start(struct source *src)
{
	struct gbt *g = src->priv;
	int rc;

	/* Until the threads run, a signal's flag is all that can stop a call to a silent node. */
	rpc_set_stop_flag(g->rpc, g->stop_requested);
	rc = gbt_start_checks(g);
	rpc_set_stop_flag(g->rpc, NULL);
	if (rc)
		return -1;
	rc = pthread_create(&g->thread, NULL, gbt_main, g);
	if (rc) {
		log_err("cannot start the getblocktemplate thread: %s", strerror(rc));
		return -1;
	}
	g->has_thread = 1;
	if (g->is_shared_node)
		return 0;
	rc = pthread_create(&g->lp_thread, NULL, gbt_longpoll_main, g);
	if (rc) {
		log_err("cannot start the longpoll thread: %s", strerror(rc));
		return -1;
	}
	g->has_lp_thread = 1;
	return 0;
}

static void gbt_submit(struct source *src, struct share *share)
{
	struct gbt *g = src->priv;
	int is_live;

	pthread_mutex_lock(&g->lock);
	is_live = g->current && !memcmp(g->current->t.prevhash, share->job->prevhash, HASH_LEN);
	pthread_mutex_unlock(&g->lock);
	if (!is_live || queue_push(&g->shares, share))
		gbt_late(g, share);
}

static void gbt_free(struct source *src)
{
	struct gbt *g;
	struct share *share;

	if (!src)
		return;
	g = src->priv;
	atomic_store_explicit(&g->is_stopping, 1, memory_order_release);
	pthread_mutex_lock(&g->lock);
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	/*
	 * A found block still in the queue is submitted before the main thread
	 * ends, within a grace period: a node that does not answer by then
	 * cannot hold the exit up.
	 */
	if (g->rpc)
		rpc_cancel_after(g->rpc, GBT_STOP_GRACE_MS);
	if (g->has_thread) {
		queue_close(&g->shares);
		if (g->rpc_lp)
			rpc_cancel(g->rpc_lp);
		pthread_join(g->thread, NULL);
	}
	if (g->has_lp_thread)
		pthread_join(g->lp_thread, NULL);
	queue_close(&g->shares);
	while ((share = queue_pop(&g->shares, 0))) {
		if (share->is_block && g->has_thread)
			gbt_submit_share(g, share);
		else
			share_free(share);
	}
	job_board_publish(g->board, NULL);
	for (unsigned i = 0; i < GBT_RECENT; i++)
		gbt_work_unref(g->recent[i]);
	gbt_work_unref(g->current);
	rpc_free(g->rpc);
	rpc_free(g->rpc_lp);
	if (g->is_rpc_ready)
		rpc_global_cleanup();
	queue_release(&g->shares);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

static const struct source_ops gbt_ops = {
	.name = "getblocktemplate",
	.start = gbt_start,
	.submit = gbt_submit,
	.free = gbt_free,
};

int gbt_source_new(struct source **out, const struct source_env *env)
{
	const struct options *cfg = env->cfg;
	const char *url = cfg->urls[0];
	struct gbt *g;
	char err[256];
	int has_locks = 0, can_free = 0; /* can_free: gbt_free releases everything */

	/* options.c checked the URL, the address and the credentials (options.h). */
	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g) {
		log_err("out of memory");
		return -1;
	}
	if (address_decode(&g->payout, cfg->coinbase_addr, err, sizeof(err))) {
		log_err("--coinbase-addr %.100s: %s", cfg->coinbase_addr, err);
		goto fail;
	}
	if (g->payout.script_len > GBT_PAYOUT_SCRIPT_MAX) {
		log_err("--coinbase-addr: script too long");
		goto fail;
	}
	snprintf(g->payout_text, sizeof(g->payout_text), "%s", cfg->coinbase_addr);
	g->tag = cfg->coinbase_sig ? cfg->coinbase_sig : GBT_TAG_DEFAULT;
	g->algo = env->algo;
	g->params = cfg->params;
	g->board = env->board;
	g->stats = env->stats;
	g->stop_requested = env->stop_requested;
	g->retry_pause_s = cfg->retry_pause_s;
	g->scantime_s = cfg->scantime_s;
	g->is_shared_node = cfg->is_shared_node;
	g->ntime_roll_s = cfg->ntime_roll_s;
	atomic_init(&g->is_stopping, 0);
	atomic_init(&g->use_algo_param, 1);
	atomic_init(&g->said_serves_other, 0);
	atomic_init(&g->next_seq, 1);
	atomic_init(&g->late, 0);
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	has_locks = 1;
	if (queue_init(&g->shares, GBT_QUEUE_LEN)) {
		log_err("out of memory");
		goto fail;
	}
	g->src.ops = &gbt_ops;
	g->src.env = *env;
	g->src.priv = g;
	can_free = 1;
	if (rpc_global_init()) {
		log_err("cannot initialise libcurl");
		goto fail;
	}
	g->is_rpc_ready = 1;
	if (rpc_new(&g->rpc, url, cfg->user, cfg->pass, cfg->rpc_cookie, cfg->no_verify_tls) ||
	    rpc_new(&g->rpc_lp, url, cfg->user, cfg->pass, cfg->rpc_cookie, cfg->no_verify_tls)) {
		log_err("cannot set up the HTTP client for %s", url);
		goto fail;
	}
	*out = &g->src;
	return 0;
fail:
	if (can_free) {
		gbt_free(&g->src);
		return -1;
	}
	if (has_locks) {
		pthread_cond_destroy(&g->cond);
		pthread_mutex_destroy(&g->lock);
	}
	free(g);
	return -1;
}
