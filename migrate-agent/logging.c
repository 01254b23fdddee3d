// SPDX-License-Identifier: GPL-2.0
/*
 * Leveled logging to stderr, and the one place errors are reported (text on
 * stderr, and a JSON object on stdout under -j).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "log.h"

int sc_log_level = SC_LOG_WARN;
bool sc_json_errors;

void sc_log(enum sc_level level, const char *fmt, ...)
{
	va_list ap;

	if ((int)level > sc_log_level)
		return;
	fputs("shadowctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void json_error(const char *msg, int errnum, const char *kmsg)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return;
	json_object_object_add(obj, "error", json_object_new_string(msg));
	json_object_object_add(obj, "errno", json_object_new_int(errnum));
	if (kmsg)
		json_object_object_add(obj, "kernel",
				       json_object_new_string(kmsg));
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(obj);
}

static void verror(int errnum, bool strerr, const char *kmsg,
		   const char *fmt, va_list ap)
{
	char msg[512];
	size_t len;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	if (errnum && strerr)
		snprintf(msg + len, sizeof(msg) - len, ": %s",
			 strerror(errnum));
	if (kmsg)
		fprintf(stderr, "shadowctl: kernel: %s\n", kmsg);
	fprintf(stderr, "shadowctl: %s\n", msg);
	if (sc_json_errors)
		json_error(msg, errnum, kmsg);
}

void sc_error(int errnum, const char *kmsg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(errnum, true, kmsg, fmt, ap);
	va_end(ap);
}

void sc_error_plain(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(errnum, false, NULL, fmt, ap);
	va_end(ap);
}
