/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>

/*
 * syslog.h's priority macros share names with enum log_level (LOG_ERR,
 * LOG_INFO, LOG_DEBUG): keep its numbers under other names, then drop the
 * macros so the names mean our enum again.
 */
enum {
	SYSLOG_ERR = LOG_ERR,
	SYSLOG_WARNING = LOG_WARNING,
	SYSLOG_NOTICE = LOG_NOTICE,
	SYSLOG_INFO = LOG_INFO,
	SYSLOG_DEBUG = LOG_DEBUG,
};
#undef LOG_ERR
#undef LOG_INFO
#undef LOG_DEBUG
#include <time.h>

static struct {
	pthread_mutex_t lock;
	enum log_level level;
	int use_color;
	FILE *file;        /* --log-file, or NULL */
	char *file_path;
	int use_syslog;
} sink = { PTHREAD_MUTEX_INITIALIZER, LOG_INFO, 0, NULL, NULL, 0 };

int log_open_file(const char *path)
{
	FILE *f = fopen(path, "a");
	char *copy = f ? strdup(path) : NULL;

	if (!f || !copy) {
		int e = errno;
		if (f)
			fclose(f);
		errno = e;
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&sink.lock);
	if (sink.file)
		fclose(sink.file);
	free(sink.file_path);
	sink.file = f;
	sink.file_path = copy;
	pthread_mutex_unlock(&sink.lock);
	return 0;
}

int log_reopen_file(void)
{
	int rc = 0;

	pthread_mutex_lock(&sink.lock);
	if (sink.file_path) {
		/* Open the new file first: on failure, keep writing to the old one. */
		FILE *f = fopen(sink.file_path, "a");
		if (f) {
			setvbuf(f, NULL, _IOLBF, 0);
			fclose(sink.file);
			sink.file = f;
		} else {
			rc = -1;
		}
	}
	pthread_mutex_unlock(&sink.lock);
	return rc;
}

void log_close_file(void)
{
	pthread_mutex_lock(&sink.lock);
	if (sink.file)
		fclose(sink.file);
	free(sink.file_path);
	sink.file = NULL;
	sink.file_path = NULL;
	pthread_mutex_unlock(&sink.lock);
}

void log_set_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	sink.use_syslog = 1;
}

void log_set_level(enum log_level level)
{
	sink.level = level;
}

enum log_level log_get_level(void)
{
	return sink.level;
}

void log_set_color(int enabled)
{
	sink.use_color = enabled;
}

/* One line: timestamp, colour (if on), tag, text, colour reset. */
static void log_line(const char *color, const char *tag, int syslog_prio, const char *fmt,
		     va_list ap)
{
	struct timeval tv;
	struct tm tm;
	int is_colored = sink.use_color && color[0];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	pthread_mutex_lock(&sink.lock);
	fprintf(stderr, "[%04d-%02d-%02d %02d:%02d:%02d.%03ld] %s%s", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		(long)(tv.tv_usec / 1000), is_colored ? color : "", tag);
	va_list copy;
	va_copy(copy, ap);
	vfprintf(stderr, fmt, copy);
	va_end(copy);
	fprintf(stderr, "%s\n", is_colored ? "\033[0m" : "");
	if (sink.file) {
		fprintf(sink.file, "[%04d-%02d-%02d %02d:%02d:%02d.%03ld] %s", tm.tm_year + 1900,
			tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			(long)(tv.tv_usec / 1000), tag);
		va_copy(copy, ap);
		vfprintf(sink.file, fmt, copy);
		va_end(copy);
		fputc('\n', sink.file);
	}
	if (sink.use_syslog) {
		va_copy(copy, ap);
		vsyslog(syslog_prio, fmt, copy);
		va_end(copy);
	}
	pthread_mutex_unlock(&sink.lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "debug: " };
	static const char *const colors[] = { "\033[31m", "\033[33m", "", "\033[90m" };
	static const int prio[] = { SYSLOG_ERR, SYSLOG_WARNING, SYSLOG_INFO, SYSLOG_DEBUG };
	va_list ap;

	if (level > sink.level)
		return;
	va_start(ap, fmt);
	log_line(colors[level], tags[level], prio[level], fmt, ap);
	va_end(ap);
}

void log_result(enum log_tone tone, const char *fmt, ...)
{
	static const char *const colors[] = { "\033[32m", "\033[31m", "\033[1;7m" };
	va_list ap;

	if (LOG_INFO > sink.level)
		return;
	va_start(ap, fmt);
	log_line(colors[tone], "", SYSLOG_NOTICE, fmt, ap);
	va_end(ap);
}
