/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one leveled logger of shadowctl and the error reporter. Messages go
 * to stderr prefixed with the program name; -v raises the level.
 */
#ifndef _SC_LOG_H
#define _SC_LOG_H

#include <stdbool.h>

#include "compiler.h"

enum sc_level {
	SC_LOG_WARN,
	SC_LOG_INFO,
	SC_LOG_DEBUG,
};

extern int sc_log_level;	/* highest level printed */
extern bool sc_json_errors;	/* errors also as a JSON object on stdout */

void sc_log(enum sc_level level, const char *fmt, ...) __printf(2, 3);

#define pr_warn(...)	sc_log(SC_LOG_WARN, __VA_ARGS__)
#define pr_info(...)	sc_log(SC_LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	sc_log(SC_LOG_DEBUG, __VA_ARGS__)

/*
 * Report a failure: "shadowctl: kernel: KMSG" when the kernel gave an
 * extended-ack message, then "shadowctl: WHAT: strerror(ERRNUM)" (no
 * strerror when ERRNUM is 0). Under -j also {"error", "errno"} on stdout.
 */
void sc_error(int errnum, const char *kmsg, const char *fmt, ...)
	__printf(3, 4);

/* The same without strerror in the text: ERRNUM only goes to the JSON. */
void sc_error_plain(int errnum, const char *fmt, ...) __printf(2, 3);

#endif /* _SC_LOG_H */
