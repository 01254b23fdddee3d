// SPDX-License-Identifier: GPL-2.0
/* Phase events and the outcome of migrate-agent (see report.h). */
#include <stdarg.h>
#include <stdio.h>

#include "jsonline.h"
#include "report.h"

static bool json_out;
static long long t_start, t_last;
static struct json_object *phases;	/* phase -> milliseconds it took */

void report_init(bool json)
{
	json_out = json;
	t_start = t_last = ma_now_ms();
	phases = json_object_new_object();
}

static void print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
}

void report_phase(const char *phase, struct json_object *detail,
		  const char *fmt, ...)
{
	long long now = ma_now_ms(), took = now - t_last;
	struct json_object *ev;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t_last = now;
	json_object_object_add(phases, phase, json_object_new_int64(took));
	if (!json_out) {
		printf("[%7lld ms +%6lld] %s: %s\n", now - t_start, took,
		       phase, msg);
		fflush(stdout);
		json_object_put(detail);
		return;
	}
	ev = json_object_new_object();
	json_object_object_add(ev, "event", json_object_new_string("phase"));
	json_object_object_add(ev, "phase", json_object_new_string(phase));
	json_object_object_add(ev, "t_ms", json_object_new_int64(now - t_start));
	json_object_object_add(ev, "took_ms", json_object_new_int64(took));
	json_object_object_add(ev, "message", json_object_new_string(msg));
	if (detail)
		json_object_object_add(ev, "detail", detail);
	print_json(ev);
	json_object_put(ev);
}

static void say(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "migrate-agent: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void report_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void report_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("error: ", fmt, ap);
	va_end(ap);
}

int report_end(const char *result, enum ma_exit code, const char *state,
	       const char *reason)
{
	long long total = ma_now_ms() - t_start;
	struct json_object *ev;

	if (!json_out) {
		printf("%s after %lld ms: the guest is %s%s%s (exit %d)\n",
		       result, total, state, reason ? ": " : "",
		       reason ?: "", code);
		fflush(stdout);
		json_object_put(phases);
		return code;
	}
	ev = json_object_new_object();
	json_object_object_add(ev, "event", json_object_new_string("end"));
	json_object_object_add(ev, "result", json_object_new_string(result));
	json_object_object_add(ev, "exit", json_object_new_int(code));
	json_object_object_add(ev, "state", json_object_new_string(state));
	json_object_object_add(ev, "reason",
			       reason ? json_object_new_string(reason) : NULL);
	json_object_object_add(ev, "total_ms", json_object_new_int64(total));
	json_object_object_add(ev, "phases_ms", phases);
	print_json(ev);
	json_object_put(ev);
	return code;
}
