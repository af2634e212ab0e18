/* SPDX-License-Identifier: MIT */
#ifndef QM_ERRBUF_H
#define QM_ERRBUF_H

#include <stddef.h>

/*
 * The caller-supplied error buffer (style.md §2.3): a function that can fail
 * takes `char *err, size_t err_len` and says there why it failed; the caller
 * reports it once, where it has context.
 *
 * errbuf_set() formats into err (truncated to err_len, always terminated).
 * err == NULL or err_len == 0 writes nothing. Returns -1, so a failing path
 * can end with `return errbuf_set(err, err_len, "...", ...);`. Thread-safe.
 */
int errbuf_set(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
