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

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = { "error: ", "warning: ", "", "debug: " };
	static const char *const colors[] = { "\033[31m", "\033[33m", "", "\033[90m" };
	struct timeval tv;
	struct tm tm;
	va_list ap;

	if (level > sink.level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	pthread_mutex_lock(&sink.lock);
	fprintf(stderr, "[%04d-%02d-%02d %02d:%02d:%02d.%03ld] %s%s", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		(long)(tv.tv_usec / 1000), sink.use_color ? colors[level] : "", tags[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", sink.use_color && colors[level][0] ? "\033[0m" : "");
	pthread_mutex_unlock(&sink.lock);
}
