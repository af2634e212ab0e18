/* SPDX-License-Identifier: MIT */
#include "rpc.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "deadline.h"
#include "url.h"

#define RPC_CONNECT_TIMEOUT_MS 5000u
#define RPC_POLL_MS 100u /* longest wait in curl before the cancel deadline is looked at */
#define RPC_METHOD_MAX 64

struct rpc {
	CURL *curl;
	CURLM *multi;         /* runs curl's transfer, so that a cancel is seen within RPC_POLL_MS */
	struct curl_slist *headers;
	char *url;            /* as given (may hold user:password@) */
	char *url_shown;      /* without credentials */
	char *user, *pass, *cookie_path;
	unsigned long long next_id;
	atomic_ullong cancel_at_ms; /* deadline_now_ms() from which calls fail; 0: never */
	const volatile sig_atomic_t *stop_flag; /* rpc_set_stop_flag */
	char curl_err[CURL_ERROR_SIZE];
};

/* The growing answer of one call. */
struct rpc_buf {
	char *data;
	size_t len, cap;
	int is_too_large;
};

int rpc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void rpc_global_cleanup(void)
{
	curl_global_cleanup();
}

static char *rpc_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* url for logs: a USER:PASS@ in it shown as "***@" (url_redact). */
static char *url_without_credentials(const char *url)
{
	size_t len = strlen(url) + 4;
	char *out = malloc(len);

	if (out)
		url_redact(url, out, len);
	return out;
}

static size_t rpc_on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct rpc_buf *b = userdata;
	size_t n = size * nmemb;

	if (n > RPC_BODY_MAX - b->len) {
		b->is_too_large = 1;
		return 0; /* makes curl fail the transfer with CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return 0;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

static int rpc_is_cancelled(struct rpc *r)
{
	unsigned long long at = atomic_load_explicit(&r->cancel_at_ms, memory_order_acquire);

	return (at && deadline_now_ms() >= at) || (r->stop_flag && *r->stop_flag);
}

static int rpc_on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
			   curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return rpc_is_cancelled(clientp);
}

/*
 * curl_easy_perform, on r's multi handle: waits at most RPC_POLL_MS at a
 * time (rpc_cancel wakes it at once), so a cancel ends even a call stuck in
 * name resolution or on a silent node promptly. Connections stay cached in
 * the multi handle between calls.
 */
static CURLcode rpc_perform(struct rpc *r)
{
	CURLcode cc = CURLE_ABORTED_BY_CALLBACK;
	int running = 1, queued;
	CURLMsg *msg;

	if (curl_multi_add_handle(r->multi, r->curl) != CURLM_OK)
		return CURLE_FAILED_INIT;
	while (running) {
		if (curl_multi_perform(r->multi, &running) != CURLM_OK) {
			cc = CURLE_FAILED_INIT;
			break;
		}
		if (!running) {
			cc = CURLE_FAILED_INIT;
			while ((msg = curl_multi_info_read(r->multi, &queued))) {
				if (msg->msg == CURLMSG_DONE && msg->easy_handle == r->curl)
					cc = msg->data.result;
			}
			break;
		}
		if (rpc_is_cancelled(r))
			break;
		if (curl_multi_poll(r->multi, NULL, 0, RPC_POLL_MS, NULL) != CURLM_OK) {
			cc = CURLE_FAILED_INIT;
			break;
		}
	}
	curl_multi_remove_handle(r->multi, r->curl);
	return cc;
}

int rpc_new(struct rpc **out, const char *url, const char *user, const char *pass,
	    const char *cookie_path, int no_verify_tls)
{
	struct rpc *r = calloc(1, sizeof(*r));
	int rc = RPC_ERR_NOMEM;

	*out = NULL;
	if (!r)
		return RPC_ERR_NOMEM;
	atomic_init(&r->cancel_at_ms, 0);
	r->next_id = 1;
	r->url = strdup(url);
	r->url_shown = url_without_credentials(url);
	r->user = rpc_strdup(user);
	r->pass = rpc_strdup(pass);
	r->cookie_path = rpc_strdup(cookie_path);
	r->curl = curl_easy_init();
	r->multi = curl_multi_init();
	if (!r->url || !r->url_shown || (user && !r->user) || (pass && !r->pass) ||
	    (cookie_path && !r->cookie_path) || !r->curl || !r->multi)
		goto fail;
	/* Expect: 100-continue would stall a large submitblock on servers that ignore it. */
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");

	if (!h)
		goto fail;
	r->headers = h;
	h = curl_slist_append(r->headers, "Expect:");
	if (!h)
		goto fail;
	r->headers = h;

	CURL *c = r->curl;

	if (curl_easy_setopt(c, CURLOPT_URL, r->url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->curl_err) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, rpc_on_data) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, rpc_on_progress) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_XFERINFODATA, r) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK)
		goto fail;
	if (no_verify_tls && (curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK ||
			      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK))
		goto fail;
	*out = r;
	return RPC_OK;
fail:
	rpc_free(r);
	return rc;
}

void rpc_free(struct rpc *r)
{
	if (!r)
		return;
	if (r->curl)
		curl_easy_cleanup(r->curl);
	if (r->multi)
		curl_multi_cleanup(r->multi);
	curl_slist_free_all(r->headers);
	free(r->url);
	free(r->url_shown);
	free(r->user);
	if (r->pass)
		memset(r->pass, 0, strlen(r->pass));
	free(r->pass);
	free(r->cookie_path);
	free(r);
}

void rpc_cancel_after(struct rpc *r, unsigned ms)
{
	unsigned long long at = deadline_now_ms() + ms;

	/* Never later than an earlier cancel; 0 would mean none. */
	unsigned long long old = atomic_load_explicit(&r->cancel_at_ms, memory_order_acquire);
	while ((!old || at < old) &&
	       !atomic_compare_exchange_weak_explicit(&r->cancel_at_ms, &old, at ? at : 1,
						      memory_order_acq_rel, memory_order_acquire))
		;
	if (!ms)
		curl_multi_wakeup(r->multi);
}

void rpc_set_stop_flag(struct rpc *r, const volatile sig_atomic_t *flag)
{
	r->stop_flag = flag;
}

void rpc_cancel(struct rpc *r)
{
	rpc_cancel_after(r, 0);
}

const char *rpc_url(const struct rpc *r)
{
	return r->url_shown;
}

/*
 * Reads "user:password" from the cookie file (Bitcoin Core writes
 * "__cookie__:<hex>" to <datadir>/.cookie on start). Returns 0 or
 * RPC_ERR_COOKIE with the reason in err.
 */
static int read_cookie(const char *path, char user[RPC_COOKIE_MAX], char pass[RPC_COOKIE_MAX],
		       char *err, size_t err_len)
{
	char buf[RPC_COOKIE_MAX];
	FILE *f = fopen(path, "r");
	size_t n;
	char *colon;

	if (!f) {
		snprintf(err, err_len, "cannot read the cookie file %s", path);
		return RPC_ERR_COOKIE;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	colon = strchr(buf, ':');
	if (n == sizeof(buf) - 1 || !colon || colon == buf || !colon[1]) {
		snprintf(err, err_len, "cookie file %s is not \"user:password\"", path);
		return RPC_ERR_COOKIE;
	}
	*colon = '\0';
	snprintf(user, RPC_COOKIE_MAX, "%s", buf);
	snprintf(pass, RPC_COOKIE_MAX, "%s", colon + 1);
	memset(buf, 0, sizeof(buf));
	return 0;
}

int rpc_call(struct rpc *r, const char *method, const char *params, unsigned timeout_ms,
	     char **body, long *http_status, char *err, size_t err_len)
{
	struct rpc_buf b = { 0 };
	char cookie_user[RPC_COOKIE_MAX], cookie_pass[RPC_COOKIE_MAX];
	const char *user = r->user, *pass = r->pass;
	char *request = NULL;
	size_t request_len;
	CURLcode cc;
	int rc;

	*body = NULL;
	*http_status = 0;
	err[0] = '\0';
	if (rpc_is_cancelled(r)) {
		snprintf(err, err_len, "cancelled");
		return RPC_ERR_CANCELLED;
	}
	if (strnlen(method, RPC_METHOD_MAX + 1) > RPC_METHOD_MAX) {
		snprintf(err, err_len, "method name too long");
		return RPC_ERR_HTTP;
	}
	if (r->cookie_path) {
		rc = read_cookie(r->cookie_path, cookie_user, cookie_pass, err, err_len);
		if (rc)
			return rc;
		user = cookie_user;
		pass = cookie_pass;
	}
	request_len = strlen(params) + strlen(method) + 80;
	request = malloc(request_len);
	if (!request) {
		snprintf(err, err_len, "out of memory");
		return RPC_ERR_NOMEM;
	}
	snprintf(request, request_len,
		 "{\"jsonrpc\":\"1.0\",\"id\":%llu,\"method\":\"%s\",\"params\":%s}",
		 r->next_id++, method, params);

	CURL *c = r->curl;
	long connect_ms = timeout_ms < RPC_CONNECT_TIMEOUT_MS ? (long)timeout_ms
							      : (long)RPC_CONNECT_TIMEOUT_MS;

	r->curl_err[0] = '\0';
	if (curl_easy_setopt(c, CURLOPT_POSTFIELDS, request) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(request)) !=
		    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERNAME, user) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PASSWORD, pass) != CURLE_OK) {
		snprintf(err, err_len, "cannot set up the HTTP request");
		rc = RPC_ERR_NOMEM;
		goto out;
	}
	cc = rpc_perform(r);
	/*
	 * The credentials must not outlive the call in curl's copy or on our
	 * stack. NULL (none set) lets a user:password in the URL apply.
	 */
	curl_easy_setopt(c, CURLOPT_USERNAME, NULL);
	curl_easy_setopt(c, CURLOPT_PASSWORD, NULL);
	memset(cookie_pass, 0, sizeof(cookie_pass));
	if (cc != CURLE_OK) {
		if (b.is_too_large) {
			snprintf(err, err_len, "answer larger than %u bytes", RPC_BODY_MAX);
			rc = RPC_ERR_TOO_LARGE;
		} else if (cc == CURLE_ABORTED_BY_CALLBACK) {
			snprintf(err, err_len, "cancelled");
			rc = RPC_ERR_CANCELLED;
		} else {
			snprintf(err, err_len, "%s", r->curl_err[0] ? r->curl_err
								: curl_easy_strerror(cc));
			rc = RPC_ERR_TRANSPORT;
		}
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, http_status);
	if (*http_status == 401) {
		snprintf(err, err_len, "HTTP 401: the node refused the RPC credentials");
		rc = RPC_ERR_AUTH;
		goto out;
	}
	if (!b.len) {
		snprintf(err, err_len, "HTTP %ld with an empty answer", *http_status);
		rc = RPC_ERR_HTTP;
		goto out;
	}
	*body = b.data;
	b.data = NULL;
	rc = RPC_OK;
out:
	/* Do not leave curl pointing at the request or the buffer we free. */
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(c, CURLOPT_WRITEDATA, NULL);
	free(request);
	free(b.data);
	return rc;
}
