/* SPDX-License-Identifier: MIT */
/*
 * The stratum work source (source.h): one thread owns the pool connection,
 * speaks the protocol through the pure functions of stratum.c, publishes
 * jobs on the board, submits the shares workers queue and fails over
 * between the -o pools. Lock order: none is held across another; the share
 * queue, the job board and the pool view each take only their own leaf lock.
 *
 * The pool view (state, round trip, answers per pool) is written by the
 * thread and read by the API (source_ops.pool_info); a pool switch asked
 * through the API is an atomic request the thread picks up between lines.
 */
#include "stratum.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "deadline.h"
#include "options.h"
#include "hex.h"
#include "log.h"
#include "net.h"
#include "queue.h"
#include "source.h"
#include "stats.h"

#define STRATUM_AGENT "quintminer/" QM_VERSION
#define STRATUM_CONNECT_TIMEOUT_MS 10000
#define STRATUM_PROBE_TIMEOUT_MS 3000     /* connecting to the first pool while on another */
#define STRATUM_WRITE_TIMEOUT_MS 10000
#define STRATUM_HANDSHAKE_TIMEOUT_MS 15000 /* subscribe and authorize answers */
#define STRATUM_SUBMIT_TIMEOUT_MS 60000
#define STRATUM_OTHER_TIMEOUT_MS 30000
#define STRATUM_DRAIN_MS 3000             /* waiting for submit answers before leaving a pool */
#define STRATUM_STOP_DRAIN_MS 1000        /* the same when stopping: exit within 2 s */
#define STRATUM_LONG_SESSION_MS 30000     /* a connection this old was not a flapping one */
#define STRATUM_BACKOFF_MAX_S 60
#define STRATUM_QUEUE_LEN 1024            /* shares between workers and the thread */
#define STRATUM_PENDING_MAX 256           /* shares waiting for a connection */
#define STRATUM_OUT_MAX 4096              /* one request line */
#define STRATUM_WAKE_MS 1000              /* longest wait without looking at the clock */

enum stratum_end {
	STRATUM_END_NONE = -1,
	STRATUM_END_STOP,      /* shutting down */
	STRATUM_END_FAILED,    /* never became usable: next pool */
	STRATUM_END_REFUSED,   /* the pool refused the worker: next pool, said once */
	STRATUM_END_LOST,      /* was mining, connection lost: the same pool first */
	STRATUM_END_RECONNECT, /* client.reconnect: st->redirect after st->redirect_wait_s */
	STRATUM_END_PRIMARY,   /* the preferred pool answers again: st->probe is connected to it */
	STRATUM_END_SWITCH,    /* the API asked for another pool (st->switch_to) */
};

struct stratum {
	struct source src;
	const struct algo *algo;
	struct job_board *board;
	struct stats *stats;
	struct stratum_url urls[OPTIONS_MAX_URLS];
	int has_said_refused;          /* the refused worker was logged as an error */
	unsigned url_count;
	const char *user, *pass;
	unsigned retry_pause_s;
	unsigned long long idle_ms;   /* --stratum-idle: a pool silent this long is dead; 0 never */
	double suggest_diff;
	unsigned net_flags;
	struct queue shares;          /* workers -> thread; lock is a leaf */
	struct net_waker waker;
	struct net_waker stop_waker;  /* fires once, on stop: abandons a connect at once */
	pthread_t thread;
	int has_thread;
	atomic_int is_stopping;
	atomic_int switch_to;         /* a pool index the API asked for, or -1 */
	pthread_mutex_t view_lock;    /* a leaf: guards view[] */
	struct source_pool_info view[OPTIONS_MAX_URLS];
	/* Below: owned by the stratum thread (or by free() after the join). */
	struct stratum_session session;
	struct net_conn *conn;
	struct net_conn *probe;
	const char *peer;             /* "host:port" of conn, for logs */
	struct share *pending[STRATUM_PENDING_MAX];
	unsigned pending_count;
	struct job *held_job;
	int sent_session_id;
	struct stratum_url redirect;
	int has_redirect;
	unsigned redirect_wait_s;
	unsigned quick_losses;
	unsigned long long probe_every_ms; /* next wait before trying the preferred pool again */
	unsigned preferred;           /* the pool returned to: 0, or one switched to until it fails */
	enum stratum_end end;         /* a decided end, waiting for submit answers */
	unsigned long long end_at_ms;
	unsigned long long last_rx_ms;
	unsigned long long connected_ms;
};

static int stratum_is_stopping(struct stratum *st)
{
	return atomic_load_explicit(&st->is_stopping, memory_order_acquire);
}

/* The API's view: pool is now in state; it is the active one while being connected or mined. */
static void stratum_view_set(struct stratum *st, unsigned pool, enum source_pool_state state)
{
	int is_active = state == SOURCE_POOL_CONNECTING || state == SOURCE_POOL_CONNECTED;

	pthread_mutex_lock(&st->view_lock);
	for (unsigned i = 0; i < st->url_count; i++) {
		if (is_active)
			st->view[i].is_active = i == pool;
		st->view[i].is_preferred = i == st->preferred;
	}
	st->view[pool].state = state;
	if (!is_active)
		st->view[pool].is_active = 0;
	pthread_mutex_unlock(&st->view_lock);
}

/* The answer to a request of ours came after ms; a submit's verdict counts for the pool. */
static void stratum_view_answer(struct stratum *st, unsigned pool, double ms,
				enum stratum_req_kind kind, int is_ok)
{
	pthread_mutex_lock(&st->view_lock);
	st->view[pool].latency_ms = ms;
	if (kind == STRATUM_REQ_SUBMIT) {
		if (is_ok)
			st->view[pool].accepted++;
		else
			st->view[pool].rejected++;
	}
	pthread_mutex_unlock(&st->view_lock);
}

/* A pool switch the API asked for and not yet taken: its index, or -1. */
static int stratum_switch_wanted(struct stratum *st)
{
	return atomic_load_explicit(&st->switch_to, memory_order_acquire);
}

static void stratum_stale(struct stratum *st, struct share *share, const char *why)
{
	char text[160];

	snprintf(text, sizeof(text), "job %s, nonce %08x: %s", share->job->id,
		 (unsigned)share->nonce, why);
	stats_share_stale(st->stats, text);
	share_free(share);
}

/* Keeps a share until it can be submitted; counts it stale when there is no room. */
static void stratum_pend(struct stratum *st, struct share *share)
{
	if (st->pending_count == STRATUM_PENDING_MAX) {
		stratum_stale(st, share, "too many shares waiting for the pool");
		return;
	}
	st->pending[st->pending_count++] = share;
}

static int stratum_send(struct stratum *st, const char *line, long len)
{
	int rc;

	if (len < 0) {
		log_warn("%s: request too long to send", st->peer);
		return 0; /* our formatting limit, not the connection's fault */
	}
	/* The password stays out of the log, even at debug level. */
	if (strstr(line, "\"mining.authorize\""))
		log_debug("%s <- mining.authorize %s (password not shown)", st->peer, st->user);
	else
		log_debug("%s <- %.*s", st->peer, (int)(len > 0 ? len - 1 : 0), line);
	rc = net_write_all(st->conn, line, (size_t)len, STRATUM_WRITE_TIMEOUT_MS);
	if (rc) {
		log_warn("%s: %s", st->peer, net_error(st->conn));
		return -1;
	}
	return 0;
}

/* Sends a request of kind; returns 0, 1 if the request table is full, -1 if the send failed. */
static int stratum_request(struct stratum *st, enum stratum_req_kind kind, struct share *share)
{
	char line[STRATUM_OUT_MAX];
	uint64_t id = stratum_session_add_request(&st->session, kind, share, deadline_now_ms());
	long len = -1;

	if (!id)
		return 1;
	switch (kind) {
	case STRATUM_REQ_SUBSCRIBE:
		st->sent_session_id = st->session.session_id[0] != '\0';
		len = stratum_format_subscribe(line, sizeof(line), id, STRATUM_AGENT,
					       st->session.session_id);
		break;
	case STRATUM_REQ_AUTHORIZE:
		len = stratum_format_authorize(line, sizeof(line), id, st->user, st->pass);
		break;
	case STRATUM_REQ_EXTRANONCE_SUBSCRIBE:
		len = stratum_format_extranonce_subscribe(line, sizeof(line), id);
		break;
	case STRATUM_REQ_SUGGEST_DIFFICULTY:
		len = stratum_format_suggest_difficulty(line, sizeof(line), id, st->suggest_diff);
		break;
	case STRATUM_REQ_SUBMIT:
		share->sent_ms = deadline_now_ms();
		len = stratum_format_submit(line, sizeof(line), id, st->user, share);
		break;
	case STRATUM_REQ_NONE:
		break;
	}
	if (len < 0) {
		struct share *none;

		stratum_session_take_request(&st->session, id, &none);
		if (share)
			stratum_stale(st, share, "submit line too long");
		log_warn("%s: request too long to send", st->peer);
		return 0;
	}
	/* On a failed send the request stays outstanding; the disconnect takes it back. */
	return stratum_send(st, line, len);
}

/*
 * Submits a share if its job is still valid on this connection, keeps it if
 * it cannot be sent yet, or counts it stale. Returns -1 if the connection broke.
 */
static int stratum_offer(struct stratum *st, struct share *share)
{
	int rc;

	/*
	 * Leaving this connection (client.reconnect, a switch, back to the
	 * first pool) waits for the answers to what was sent; a share sent now
	 * could be answered after we hang up, be sent again on the next
	 * connection and come back a duplicate. It waits for that connection.
	 * When stopping there is no next one: it goes out now.
	 */
	if (!st->conn || !st->session.is_authorized ||
	    (st->end != STRATUM_END_NONE && st->end != STRATUM_END_STOP &&
	     !stratum_is_stopping(st))) {
		stratum_pend(st, share);
		return 0;
	}
	if (!stratum_session_job_is_valid(&st->session, share->job)) {
		stratum_stale(st, share, share->job->source_tag != st->session.pool
				 ? "job from another pool"
				 : "job no longer valid on this connection");
		return 0;
	}
	log_debug("%s: submitting job %s nonce %08x from thread %u", st->peer, share->job->id,
		  (unsigned)share->nonce, share->thread);
	rc = stratum_request(st, STRATUM_REQ_SUBMIT, share);
	if (rc == 1)
		stratum_pend(st, share);
	return rc < 0 ? -1 : 0;
}

/* Offers the shares that waited for a connection. Returns -1 if the connection broke. */
static int stratum_flush_pending(struct stratum *st)
{
	struct share *list[STRATUM_PENDING_MAX];
	unsigned n = st->pending_count;
	int rc = 0;

	if (!n || !st->conn || !st->session.is_authorized)
		return 0;
	memcpy(list, st->pending, n * sizeof(list[0]));
	st->pending_count = 0;
	for (unsigned i = 0; i < n; i++) {
		if (rc < 0)
			stratum_pend(st, list[i]);
		else
			rc = stratum_offer(st, list[i]);
	}
	return rc;
}

/* Takes the shares workers queued. Returns -1 if the connection broke. */
static int stratum_take_shares(struct stratum *st)
{
	struct share *share;
	int rc = 0;

	while ((share = queue_pop(&st->shares, 0))) {
		if (rc < 0)
			stratum_pend(st, share);
		else
			rc = stratum_offer(st, share);
	}
	return rc;
}

/* Waits up to ms for stop, keeping queued shares for later. */
/* source_pause's wait: handles shares and wake-ups, at most STRATUM_WAKE_MS at a time. */
static int stratum_pause_wait(void *arg, unsigned ms)
{
	struct stratum *st = arg;

	if (stratum_is_stopping(st) || stratum_switch_wanted(st) >= 0)
		return 1;
	net_waker_wait(&st->waker, ms < STRATUM_WAKE_MS ? ms : STRATUM_WAKE_MS);
	stratum_take_shares(st);
	return 0;
}

static void stratum_pause(struct stratum *st, unsigned long long ms)
{
	source_pause(ms, stratum_pause_wait, st);
}

static void stratum_publish(struct stratum *st, struct job *job)
{
	int is_new_block = 0;
	uint32_t height;

	if (stratum_session_bind_job(&st->session, job, &is_new_block)) {
		job_unref(job);
		return;
	}
	if (is_new_block) {
		if (!stratum_coinbase_height(job->coinb1, job->coinb1_len, &height))
			log_info("%s: new block %u, job %s, difficulty %g", st->peer, height,
				 job->id, job->diff);
		else
			log_info("%s: new block, job %s, difficulty %g", st->peer, job->id,
				 job->diff);
	} else {
		log_debug("%s: job %s%s, difficulty %g", st->peer, job->id,
			  job->is_clean ? " (clean)" : "", job->diff);
	}
	job_board_publish(st->board, job);
}

static void stratum_reply_error_text(const struct stratum_msg *msg, char *buf, size_t len)
{
	if (msg->error_code && msg->error_text[0])
		snprintf(buf, len, "%d: %s", msg->error_code, msg->error_text);
	else if (msg->error_text[0])
		snprintf(buf, len, "%s", msg->error_text);
	else if (msg->error_code)
		snprintf(buf, len, "error %d", msg->error_code);
	else
		snprintf(buf, len, "%s", msg->is_error ? "error" : "false");
}

/* The answer to mining.subscribe; returns an end or STRATUM_END_NONE. */
static enum stratum_end stratum_on_subscribed(struct stratum *st, const struct stratum_msg *msg,
					      const char *line, size_t len)
{
	struct stratum_subscribe sub;
	char en1[2 * JOB_EXTRANONCE1_MAX + 1], why[STRATUM_TEXT_MAX + 16];
	int is_resumed;

	if (msg->is_error || stratum_parse_subscribe(line, len, &sub)) {
		stratum_reply_error_text(msg, why, sizeof(why));
		if (st->sent_session_id) {
			/* Some pools refuse the resume form: subscribe afresh. */
			log_info("%s: pool did not resume the session (%s); subscribing anew",
				 st->peer, why);
			stratum_session_forget_id(&st->session);
			return stratum_request(st, STRATUM_REQ_SUBSCRIBE, NULL) < 0
				       ? STRATUM_END_FAILED
				       : STRATUM_END_NONE;
		}
		log_warn("%s: subscribe refused or malformed (%s)", st->peer, why);
		return STRATUM_END_FAILED;
	}
	is_resumed = stratum_session_subscribed(&st->session, &sub);
	if (is_resumed < 0)
		return STRATUM_END_FAILED;
	hex_encode(sub.extranonce1, sub.extranonce1_len, en1);
	log_info("%s: subscribed, extranonce1 %s, extranonce2 size %zu%s", st->peer, en1,
		 sub.extranonce2_len, is_resumed ? ", session resumed" : "");
	if ((st->suggest_diff > 0 &&
	     stratum_request(st, STRATUM_REQ_SUGGEST_DIFFICULTY, NULL) < 0) ||
	    stratum_request(st, STRATUM_REQ_AUTHORIZE, NULL) < 0 ||
	    stratum_request(st, STRATUM_REQ_EXTRANONCE_SUBSCRIBE, NULL) < 0)
		return STRATUM_END_FAILED;
	if (st->held_job) {
		struct job *job = st->held_job;

		st->held_job = NULL;
		stratum_publish(st, job);
	}
	return STRATUM_END_NONE;
}

static enum stratum_end stratum_on_response(struct stratum *st, struct stratum_msg *msg,
					    const char *line, size_t len)
{
	struct share *share = NULL;
	unsigned long long sent_ms = msg->has_id
					     ? stratum_session_sent_ms(&st->session, msg->id) : 0;
	enum stratum_req_kind kind = msg->has_id
					     ? stratum_session_take_request(&st->session, msg->id,
									    &share)
					     : STRATUM_REQ_NONE;
	int is_ok = msg->result == STRATUM_RESULT_TRUE && !msg->is_error;
	char why[STRATUM_TEXT_MAX + 16];

	if (kind != STRATUM_REQ_NONE)
		stratum_view_answer(st, st->session.pool, (double)(deadline_now_ms() - sent_ms),
				    kind, is_ok);

	stratum_reply_error_text(msg, why, sizeof(why));
	switch (kind) {
	case STRATUM_REQ_NONE:
		log_debug("%s: answer to no request of ours (id %llu) ignored", st->peer,
			  (unsigned long long)msg->id);
		return STRATUM_END_NONE;
	case STRATUM_REQ_SUBSCRIBE:
		return stratum_on_subscribed(st, msg, line, len);
	case STRATUM_REQ_AUTHORIZE:
		if (!is_ok) {
			/* Said once; the retries (with back-off) say it again only in debug. */
			if (!st->has_said_refused)
				log_err("%s: worker %s not authorized by the pool (%s)", st->peer,
					st->user, why);
			else
				log_debug("%s: worker %s not authorized by the pool (%s)", st->peer,
					  st->user, why);
			st->has_said_refused = 1;
			return STRATUM_END_REFUSED;
		}
		stratum_session_authorized(&st->session);
		stratum_view_set(st, st->session.pool, SOURCE_POOL_CONNECTED);
		log_info("%s: authorized as %s", st->peer, st->user);
		return stratum_flush_pending(st) < 0 ? STRATUM_END_LOST : STRATUM_END_NONE;
	case STRATUM_REQ_EXTRANONCE_SUBSCRIBE:
		log_debug("%s: extranonce.subscribe %s", st->peer, is_ok ? "accepted" : why);
		return STRATUM_END_NONE;
	case STRATUM_REQ_SUGGEST_DIFFICULTY:
		log_debug("%s: suggest_difficulty %s", st->peer, is_ok ? "accepted" : why);
		return STRATUM_END_NONE;
	case STRATUM_REQ_SUBMIT:
		stats_share_result(st->stats, share, is_ok, is_ok ? NULL : why,
				   (double)(deadline_now_ms() - share->sent_ms));
		share_free(share);
		/* A freed request slot lets shares that waited for one go. */
		return stratum_flush_pending(st) < 0 ? STRATUM_END_LOST : STRATUM_END_NONE;
	}
	return STRATUM_END_NONE;
}

/* Handles one line from the pool; returns an end or STRATUM_END_NONE. */
static enum stratum_end stratum_on_line(struct stratum *st, const char *line, size_t len)
{
	struct stratum_msg msg;
	char why[160], out[STRATUM_OUT_MAX], excerpt[81];
	enum stratum_end end = STRATUM_END_NONE;
	int rc = stratum_parse(line, len, &msg, why, sizeof(why));

	if (rc) {
		stratum_printable(excerpt, sizeof(excerpt), line, len);
		log_warn("%s: malformed message ignored (%s): %s%s", st->peer, why, excerpt,
			 len >= sizeof(excerpt) ? "..." : "");
		return STRATUM_END_NONE;
	}
	if (log_get_level() >= LOG_DEBUG) {
		char text[2001];

		stratum_printable(text, sizeof(text), line, len);
		log_debug("%s -> %s%s", st->peer, text, len >= sizeof(text) ? "..." : "");
	}
	switch (msg.kind) {
	case STRATUM_MSG_RESPONSE:
		end = stratum_on_response(st, &msg, line, len);
		break;
	case STRATUM_MSG_NOTIFY:
		if (!st->session.is_subscribed) {
			/* Out of order: keep the newest until the subscribe answer. */
			job_unref(st->held_job);
			st->held_job = msg.job;
		} else {
			stratum_publish(st, msg.job);
		}
		msg.job = NULL;
		break;
	case STRATUM_MSG_SET_DIFFICULTY:
		if (msg.diff != st->session.diff)
			log_info("%s: difficulty %g (from the next job)", st->peer, msg.diff);
		stratum_session_set_difficulty(&st->session, msg.diff);
		break;
	case STRATUM_MSG_SET_EXTRANONCE:
		if (stratum_session_set_extranonce(&st->session, msg.extranonce1,
						   msg.extranonce1_len, msg.extranonce2_len)) {
			log_warn("%s: set_extranonce before subscribe ignored", st->peer);
		} else {
			char en1[2 * JOB_EXTRANONCE1_MAX + 1];

			hex_encode(msg.extranonce1, msg.extranonce1_len, en1);
			log_info("%s: extranonce1 %s, extranonce2 size %zu (from the next job)",
				 st->peer, en1, msg.extranonce2_len);
		}
		break;
	case STRATUM_MSG_RECONNECT: {
		const struct stratum_url *cur = st->has_redirect ? &st->redirect
								 : &st->urls[st->session.pool];

		st->redirect = *cur;
		if (msg.host[0])
			snprintf(st->redirect.host, sizeof(st->redirect.host), "%s", msg.host);
		if (msg.port[0])
			snprintf(st->redirect.port, sizeof(st->redirect.port), "%s", msg.port);
		st->has_redirect = 1;
		st->redirect_wait_s = msg.wait_s;
		log_info("%s: pool asks to reconnect to %s:%s in %u s", st->peer, st->redirect.host,
			 st->redirect.port, msg.wait_s);
		end = STRATUM_END_RECONNECT;
		break;
	}
	case STRATUM_MSG_GET_VERSION:
		if (msg.id_text[0] &&
		    stratum_send(st, out, stratum_format_result(out, sizeof(out), msg.id_text,
								STRATUM_AGENT)) < 0)
			end = STRATUM_END_LOST;
		break;
	case STRATUM_MSG_SHOW_MESSAGE:
		log_info("%s: message from the pool: %s", st->peer, msg.text);
		break;
	case STRATUM_MSG_UNKNOWN_METHOD:
		log_warn("%s: unknown method %s ignored", st->peer, msg.method);
		if (msg.id_text[0] &&
		    stratum_send(st, out, stratum_format_error(out, sizeof(out), msg.id_text, 20,
							       "unknown method")) < 0)
			end = STRATUM_END_LOST;
		break;
	}
	stratum_msg_release(&msg);
	return end;
}

/*
 * A submitted share whose answer cannot come any more on this connection:
 * submitted again on the next one, or reported when stopping.
 */
static void stratum_take_back(struct stratum *st, struct share *share)
{
	if (stratum_is_stopping(st))
		stratum_stale(st, share, "submitted, no answer before exit");
	else
		stratum_pend(st, share);
}

/* Times out requests; returns an end or STRATUM_END_NONE. */
static enum stratum_end stratum_expire(struct stratum *st, unsigned long long now)
{
	struct stratum_request req;

	if (stratum_session_take_expired(&st->session, STRATUM_REQ_SUBSCRIBE, now,
					 STRATUM_HANDSHAKE_TIMEOUT_MS, &req) ||
	    stratum_session_take_expired(&st->session, STRATUM_REQ_AUTHORIZE, now,
					 STRATUM_HANDSHAKE_TIMEOUT_MS, &req)) {
		log_warn("%s: no answer to %s in %u s", st->peer,
			 req.kind == STRATUM_REQ_SUBSCRIBE ? "mining.subscribe"
							   : "mining.authorize",
			 STRATUM_HANDSHAKE_TIMEOUT_MS / 1000);
		return STRATUM_END_FAILED;
	}
	while (stratum_session_take_expired(&st->session, STRATUM_REQ_SUBMIT, now,
					    STRATUM_SUBMIT_TIMEOUT_MS, &req)) {
		if (st->last_rx_ms < req.sent_ms) {
			/*
			 * Not a byte since this submit went out: the connection is
			 * dead (half-open), not the pool unwilling. The submit is the
			 * only probe stratum v1 has; like any lost connection, the
			 * share goes out again on the next one (stratum_disconnect).
			 */
			stratum_take_back(st, req.share);
			log_warn("%s: no answer to a submit and nothing else from the pool for "
				 "%u s; reconnecting", st->peer, STRATUM_SUBMIT_TIMEOUT_MS / 1000);
			return STRATUM_END_LOST;
		}
		stats_share_result(st->stats, req.share, 0, "no answer from the pool", -1);
		share_free(req.share);
	}
	while (stratum_session_take_expired(&st->session, STRATUM_REQ_EXTRANONCE_SUBSCRIBE, now,
					    STRATUM_OTHER_TIMEOUT_MS, &req) ||
	       stratum_session_take_expired(&st->session, STRATUM_REQ_SUGGEST_DIFFICULTY, now,
					    STRATUM_OTHER_TIMEOUT_MS, &req))
		;
	if (st->idle_ms && now - st->last_rx_ms >= st->idle_ms) {
		log_warn("%s: nothing received from the pool for %llu s (--stratum-idle); "
			 "reconnecting", st->peer, st->idle_ms / 1000);
		return st->session.is_authorized ? STRATUM_END_LOST : STRATUM_END_FAILED;
	}
	return STRATUM_END_NONE;
}

/* Decides to leave the connection once the outstanding submits are answered (or not). */
static void stratum_end_soon(struct stratum *st, enum stratum_end end)
{
	if (st->end != STRATUM_END_NONE)
		return;
	st->end = end;
	st->end_at_ms = deadline_now_ms() +
			(end == STRATUM_END_STOP ? STRATUM_STOP_DRAIN_MS : STRATUM_DRAIN_MS);
}

/* Runs one connection to pool `pool` until it ends; st->conn is open. */
static enum stratum_end stratum_run(struct stratum *st, unsigned pool)
{
	unsigned long long next_probe_ms = deadline_now_ms() + st->probe_every_ms;

	st->end = STRATUM_END_NONE;
	st->last_rx_ms = st->connected_ms = deadline_now_ms();
	stratum_session_connecting(&st->session, pool);
	if (stratum_request(st, STRATUM_REQ_SUBSCRIBE, NULL) < 0)
		return STRATUM_END_FAILED;
	for (;;) {
		unsigned long long now = deadline_now_ms();
		enum stratum_end end;
		const char *line;
		size_t len;
		int rc;

		if (stratum_is_stopping(st))
			stratum_end_soon(st, STRATUM_END_STOP);
		int want = stratum_switch_wanted(st);
		if (want >= 0 && (unsigned)want == pool &&
		    atomic_compare_exchange_strong(&st->switch_to, &want, -1)) {
			/* Already here: it becomes the preferred pool. */
			st->preferred = pool;
			stratum_view_set(st, pool, st->session.is_authorized ? SOURCE_POOL_CONNECTED
									     : SOURCE_POOL_CONNECTING);
		} else if (want >= 0 && (unsigned)want != pool && st->end == STRATUM_END_NONE) {
			log_info("%s: leaving for pool %d (asked through the API)", st->peer, want + 1);
			stratum_end_soon(st, STRATUM_END_SWITCH);
		}
		if (stratum_take_shares(st) < 0)
			return st->end == STRATUM_END_STOP ? STRATUM_END_STOP : STRATUM_END_LOST;
		if (st->end != STRATUM_END_NONE &&
		    (!stratum_session_outstanding(&st->session, STRATUM_REQ_SUBMIT) ||
		     now >= st->end_at_ms || !st->session.is_authorized))
			return st->end;
		end = stratum_expire(st, deadline_now_ms());
		if (end != STRATUM_END_NONE)
			return st->end == STRATUM_END_STOP ? STRATUM_END_STOP : end;
		if (pool != st->preferred && st->end == STRATUM_END_NONE && now >= next_probe_ms) {
			const struct stratum_url *u = &st->urls[st->preferred];
			char err[256];

			/*
			 * Return to the preferred pool (the first, or the one the API
			 * switched to) as soon as it accepts connections again. The
			 * interval grows with each probe and is reset only once that
			 * pool has authorized us, so a pool that accepts connections
			 * but nothing else cannot make us flap.
			 */
			st->probe_every_ms = source_backoff_ms(st->probe_every_ms,
									  1000ull * STRATUM_BACKOFF_MAX_S);
			next_probe_ms = deadline_now_ms() + st->probe_every_ms;
			if (!net_connect(&st->probe, u->host, u->port,
					 st->net_flags | (u->is_tls ? NET_USE_TLS : 0),
					 &st->stop_waker, STRATUM_PROBE_TIMEOUT_MS, err,
					 sizeof(err))) {
				log_info("%s:%s is back; leaving %s", u->host, u->port, st->peer);
				stratum_end_soon(st, STRATUM_END_PRIMARY);
			} else {
				log_debug("pool %u still down: %s", st->preferred + 1, err);
			}
		}
		rc = net_read_line(st->conn, &st->waker, STRATUM_WAKE_MS, &line, &len);
		if (rc == NET_LINE) {
			st->last_rx_ms = deadline_now_ms();
			end = stratum_on_line(st, line, len);
			if (end == STRATUM_END_RECONNECT)
				stratum_end_soon(st, end);
			else if (end != STRATUM_END_NONE)
				return st->end == STRATUM_END_STOP ? STRATUM_END_STOP : end;
		} else if (rc < 0) {
			log_warn("%s: disconnected: %s", st->peer, net_error(st->conn));
			if (st->end != STRATUM_END_NONE)
				return st->end;
			return st->session.is_authorized ? STRATUM_END_LOST : STRATUM_END_FAILED;
		}
	}
}

/* After a connection: in-flight shares wait for the next one; workers stop on old work. */
static void stratum_disconnect(struct stratum *st)
{
	struct stratum_request req;

	while (stratum_session_take_expired(&st->session, STRATUM_REQ_NONE, 0, 0, &req)) {
		if (req.share)
			stratum_take_back(st, req.share);
	}
	net_close(st->conn);
	st->conn = NULL;
	job_unref(st->held_job);
	st->held_job = NULL;
	stratum_session_disconnected(&st->session);
	job_board_publish(st->board, NULL);
}

static struct net_conn *stratum_open(struct stratum *st, unsigned pool)
{
	const struct stratum_url *u = st->has_redirect ? &st->redirect : &st->urls[pool];
	struct net_conn *conn = NULL;
	char err[256];

	stratum_view_set(st, pool, SOURCE_POOL_CONNECTING);
	int rc = net_connect(&conn, u->host, u->port,
			     st->net_flags | (u->is_tls ? NET_USE_TLS : 0), &st->stop_waker,
			     STRATUM_CONNECT_TIMEOUT_MS, err, sizeof(err));

	if (rc) {
		if (rc == NET_ERR_STOPPED)
			log_info("pool %u: %s", pool + 1, err);
		else
			log_warn("pool %u: %s", pool + 1, err);
		stratum_view_set(st, pool, SOURCE_POOL_FAILED);
		return NULL;
	}
	return conn;
}

static void *stratum_main(void *arg)
{
	struct stratum *st = arg;
	unsigned pool = 0;
	unsigned long long backoff_ms = 1000ull * st->retry_pause_s;
	int is_round_refused = 0; /* a pool of this round refused the worker */

	prctl(PR_SET_NAME, "qm-stratum", 0, 0, 0);
	net_block_sigpipe();
	while (!stratum_is_stopping(st)) {
		enum stratum_end end = STRATUM_END_FAILED;
		int want = atomic_exchange(&st->switch_to, -1);

		if (want >= 0) {
			/* The API's choice: preferred from now on, until it fails. */
			pool = st->preferred = (unsigned)want;
			st->has_redirect = 0;
			net_close(st->probe);
			st->probe = NULL;
			st->quick_losses = 0;
			st->probe_every_ms = backoff_ms = 1000ull * st->retry_pause_s;
			log_info("switching to pool %u", pool + 1);
		}
		if (st->probe) {
			pool = st->preferred;
			stratum_view_set(st, pool, SOURCE_POOL_CONNECTING);
			st->conn = st->probe;
			st->probe = NULL;
		} else {
			st->conn = stratum_open(st, pool);
		}
		if (st->conn) {
			st->peer = net_peer(st->conn);
			log_info("pool %u: connected to %s%s", pool + 1, st->peer,
				 (st->has_redirect ? st->redirect : st->urls[pool]).is_tls
					 ? " (TLS)" : "");
			end = stratum_run(st, pool);
			if (st->session.is_authorized)
				backoff_ms = 1000ull * st->retry_pause_s;
			if (st->session.is_authorized && pool == st->preferred)
				st->probe_every_ms = 1000ull * st->retry_pause_s;
			if (end == STRATUM_END_LOST &&
			    deadline_now_ms() - st->connected_ms < STRATUM_LONG_SESSION_MS)
				st->quick_losses++;
			else if (end == STRATUM_END_LOST)
				st->quick_losses = 0;
			stratum_disconnect(st);
			st->peer = "(none)";
			stratum_view_set(st, pool, end == STRATUM_END_FAILED || end == STRATUM_END_REFUSED ||
							   end == STRATUM_END_LOST
							   ? SOURCE_POOL_FAILED : SOURCE_POOL_IDLE);
		}
		switch (end) {
		case STRATUM_END_NONE:
		case STRATUM_END_STOP:
		case STRATUM_END_PRIMARY:
		case STRATUM_END_SWITCH: /* the loop's top takes st->switch_to */
			st->has_redirect = 0;
			break;
		case STRATUM_END_RECONNECT:
			stratum_pause(st, 1000ull * st->redirect_wait_s);
			break;
		case STRATUM_END_LOST:
			/* Back to the same pool at once, unless it keeps dropping us. */
			if (st->quick_losses > 1) {
				unsigned shift =
					st->quick_losses - 2 < 6 ? st->quick_losses - 2 : 6;
				unsigned long long ms = (1000ull * st->retry_pause_s) << shift;

				stratum_pause(st, ms < 1000ull * STRATUM_BACKOFF_MAX_S
							  ? ms : 1000ull * STRATUM_BACKOFF_MAX_S);
			}
			break;
		case STRATUM_END_FAILED:
		case STRATUM_END_REFUSED:
			if (end == STRATUM_END_REFUSED)
				is_round_refused = 1;
			if (st->has_redirect) {
				/* The place client.reconnect named failed: back to the -o URL. */
				st->has_redirect = 0;
				break;
			}
			if (pool == st->preferred && pool != 0) {
				log_info("pool %u failed: it is no longer preferred; back to the -o order",
					 pool + 1);
				st->preferred = 0;
			}
			pool = (pool + 1) % st->url_count;
			if (pool == 0 && !stratum_is_stopping(st)) {
				if (is_round_refused)
					log_info("worker %s refused; retrying in %llu s", st->user,
						 backoff_ms / 1000);
				else
					log_info("no pool reachable; retrying in %llu s",
						 backoff_ms / 1000);
				is_round_refused = 0;
				stratum_pause(st, backoff_ms);
				backoff_ms = source_backoff_ms(backoff_ms, 1000ull * STRATUM_BACKOFF_MAX_S);
			}
			break;
		}
	}
	net_close(st->probe);
	st->probe = NULL;
	return NULL;
}

static int stratum_start(struct source *src)
{
	struct stratum *st = src->priv;
	int rc = pthread_create(&st->thread, NULL, stratum_main, st);

	if (rc) {
		log_err("cannot start the stratum thread: %s", strerror(rc));
		return -1;
	}
	st->has_thread = 1;
	return 0;
}

static void stratum_submit(struct source *src, struct share *share)
{
	struct stratum *st = src->priv;

	if (queue_push(&st->shares, share)) {
		stats_share_stale(st->stats, "share queue full or closed");
		share_free(share);
		return;
	}
	net_waker_wake(&st->waker);
}

static void stratum_free(struct source *src)
{
	struct stratum *st;
	struct share *share;

	if (!src)
		return;
	st = src->priv;
	atomic_store_explicit(&st->is_stopping, 1, memory_order_release);
	net_waker_wake(&st->stop_waker);
	net_waker_wake(&st->waker);
	if (st->has_thread)
		pthread_join(st->thread, NULL);
	queue_close(&st->shares);
	while ((share = queue_pop(&st->shares, 0)))
		stratum_pend(st, share);
	for (unsigned i = 0; i < st->pending_count; i++)
		stratum_stale(st, st->pending[i], "not submitted before exit");
	{
		unsigned n = stratum_session_outstanding(&st->session, STRATUM_REQ_SUBMIT);

		if (n)
			log_warn("%u share%s submitted without an answer before exit", n,
				 n == 1 ? "" : "s");
	}
	stratum_session_release(&st->session);
	pthread_mutex_destroy(&st->view_lock);
	queue_release(&st->shares);
	net_waker_release(&st->waker);
	net_waker_release(&st->stop_waker);
	free(st);
}

static int stratum_pool_info(struct source *src, unsigned index, struct source_pool_info *out)
{
	struct stratum *st = src->priv;

	if (index >= st->url_count)
		return -1;
	pthread_mutex_lock(&st->view_lock);
	*out = st->view[index];
	pthread_mutex_unlock(&st->view_lock);
	return 0;
}

static int stratum_switch_pool(struct source *src, unsigned index, char *err, size_t err_len)
{
	struct stratum *st = src->priv;

	if (index >= st->url_count) {
		snprintf(err, err_len, "there is no pool %u (%u configured)", index, st->url_count);
		return -1;
	}
	atomic_store_explicit(&st->switch_to, (int)index, memory_order_release);
	net_waker_wake(&st->waker);
	return 0;
}

static const struct source_ops stratum_ops = {
	.name = "stratum",
	.start = stratum_start,
	.submit = stratum_submit,
	.free = stratum_free,
	.pool_info = stratum_pool_info,
	.switch_pool = stratum_switch_pool,
};

int stratum_source_new(struct source **out, const struct source_env *env)
{
	const struct options *cfg = env->cfg;
	struct stratum *st;
	int has_queue = 0;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st) {
		log_err("out of memory");
		return -1;
	}
	for (unsigned i = 0; i < cfg->url_count; i++) {
		if (stratum_url_parse(cfg->urls[i], &st->urls[i])) {
			log_err("-o %s: not a stratum URL (stratum+tcp://HOST:PORT, "
				"stratum+ssl://, stratum+tls://)", cfg->urls[i]);
			goto fail;
		}
	}
	st->url_count = cfg->url_count;
	if (!st->url_count) {
		log_err("no pool given (-o)");
		goto fail;
	}
	if (queue_init(&st->shares, STRATUM_QUEUE_LEN)) {
		log_err("out of memory");
		goto fail;
	}
	has_queue = 1;
	if (net_waker_init(&st->waker)) {
		log_err("cannot create the stratum wake-up pipe: %s", strerror(errno));
		goto fail;
	}
	if (net_waker_init(&st->stop_waker)) {
		log_err("cannot create the stratum stop pipe: %s", strerror(errno));
		net_waker_release(&st->waker);
		goto fail;
	}
	pthread_mutex_init(&st->view_lock, NULL);
	st->algo = env->algo;
	st->board = env->board;
	st->stats = env->stats;
	st->user = cfg->user;
	st->pass = cfg->pass;
	st->retry_pause_s = cfg->retry_pause_s;
	st->idle_ms = 1000ull * cfg->stratum_idle_s;
	st->probe_every_ms = 1000ull * st->retry_pause_s;
	st->suggest_diff = cfg->suggest_diff;
	st->net_flags = cfg->no_verify_tls ? NET_NO_VERIFY : 0;
	st->peer = "(none)";
	st->end = STRATUM_END_NONE;
	atomic_init(&st->is_stopping, 0);
	atomic_init(&st->switch_to, -1);
	for (unsigned i = 0; i < st->url_count; i++)
		st->view[i].latency_ms = -1;
	st->view[0].is_preferred = 1;
	stratum_session_init(&st->session, env->algo, &cfg->params, cfg->diff_factor);
	st->session.ntime_roll_s = cfg->ntime_roll_s;
	st->src.ops = &stratum_ops;
	st->src.env = *env;
	st->src.priv = st;
	*out = &st->src;
	return 0;
fail:
	if (has_queue)
		queue_release(&st->shares);
	free(st);
	return -1;
}
