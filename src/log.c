/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static struct {
	pthread_mutex_t lock;
	enum log_level level;
	int use_color;
} sink = { PTHREAD_MUTEX_INITIALIZER, LOG_INFO, 0 };

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
static void log_line(const char *color, const char *tag, const char *fmt, va_list ap)
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
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", is_colored ? "\033[0m" : "");
	pthread_mutex_unlock(&sink.lock);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "debug: " };
	static const char *const colors[] = { "\033[31m", "\033[33m", "", "\033[90m" };
	va_list ap;

	if (level > sink.level)
		return;
	va_start(ap, fmt);
	log_line(colors[level], tags[level], fmt, ap);
	va_end(ap);
}

void log_result(enum log_tone tone, const char *fmt, ...)
{
	static const char *const colors[] = { "\033[32m", "\033[31m", "\033[1;7m" };
	va_list ap;

	if (LOG_INFO > sink.level)
		return;
	va_start(ap, fmt);
	log_line(colors[tone], "", fmt, ap);
	va_end(ap);
}
