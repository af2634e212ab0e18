/* SPDX-License-Identifier: MIT */
#ifndef QM_LOG_H
#define QM_LOG_H

/*
 * Levelled, thread-safe logging to stderr with a timestamp. The one
 * process-wide sink (style.md §2.2): main sets the level once.
 */
enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
/* Colours on or off (main: on for a terminal without --no-color or NO_COLOR). */
void log_set_color(int enabled);
enum log_level log_get_level(void);

/*
 * Also writes every message to path (appending, no colours). Returns 0, or
 * -1 with errno set. log_reopen_file closes and reopens it, for logrotate
 * (main calls it after SIGHUP). Thread-safe.
 */
int log_open_file(const char *path);
int log_reopen_file(void);
void log_close_file(void);

/* Also sends every message to syslog (daemon facility) as ident. */
void log_set_syslog(const char *ident);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Results a miner looks for (share accepted, rejected, block): logged at
 * LOG_INFO, in the tone's colour when colours are on (log_set_color).
 */
enum log_tone {
	LOG_TONE_GOOD,  /* green: accepted */
	LOG_TONE_BAD,   /* red: rejected */
	LOG_TONE_BLOCK, /* bold, reverse video: a block */
};
void log_result(enum log_tone tone, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
