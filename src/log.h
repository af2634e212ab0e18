/* SPDX-License-Identifier: MIT */
#ifndef QM_LOG_H
#define QM_LOG_H

/*
 * Levelled, thread-safe logging to stderr with a timestamp. The one
 * process-wide sink (style.md §2.2): main sets the level once.
 */
enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
void log_set_color(int enabled);
enum log_level log_get_level(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
