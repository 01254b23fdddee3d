// SPDX-License-Identifier: GPL-2.0
/*
 * QMP, as docs/interop/qmp-spec in QEMU describes it: a greeting, then
 * qmp_capabilities, then commands tagged with an id whose replies come
 * back in order, interleaved with asynchronous events. Events read while
 * a reply is awaited are kept for qmp_wait_event.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qmp.h"

const char *js_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long js_int(struct json_object *obj, const char *key, long long dflt)
{
	struct json_object *v;

	if (!obj || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

bool js_bool(struct json_object *obj, const char *key)
{
	struct json_object *v;

	return obj && json_object_object_get_ex(obj, key, &v) &&
	       json_object_get_boolean(v);
}

static void set_error(struct qmp *q, const char *what, int err)
{
	snprintf(q->error, sizeof(q->error), "%s: %s: %s", q->path, what,
		 strerror(err));
}

int qmp_open(struct qmp *q, const char *path, int timeout_ms)
{
	struct json_object *greeting;
	int fd, err;

	memset(q, 0, sizeof(*q));
	q->path = path;
	q->jl.fd = -1;
	fd = jl_connect_unix(path);
	if (fd < 0) {
		set_error(q, "connect", -fd);
		return fd;
	}
	err = jl_init(&q->jl, fd);
	if (err) {
		set_error(q, "buffer", -err);
		return err;
	}
	q->events = json_object_new_array();
	greeting = jl_read(&q->jl, timeout_ms);
	if (!greeting || !json_object_object_get_ex(greeting, "QMP", NULL)) {
		err = greeting ? EPROTO : errno;
		json_object_put(greeting);
		set_error(q, "no QMP greeting", err);
		qmp_close(q);
		return -err;
	}
	json_object_put(greeting);
	return qmp_call(q, "qmp_capabilities", NULL, NULL, timeout_ms);
}

void qmp_close(struct qmp *q)
{
	jl_close(&q->jl);
	json_object_put(q->events);
	q->events = NULL;
}

int qmp_call(struct qmp *q, const char *cmd, struct json_object *args,
	     struct json_object **ret, int timeout_ms)
{
	struct json_object *req = json_object_new_object(), *msg, *v;
	long long deadline = ma_now_ms() + timeout_ms;
	int err;

	if (ret)
		*ret = NULL;
	json_object_object_add(req, "execute", json_object_new_string(cmd));
	if (args)
		json_object_object_add(req, "arguments", args);
	json_object_object_add(req, "id", json_object_new_int64(++q->id));
	err = jl_write(&q->jl, req);
	json_object_put(req);
	if (err) {
		set_error(q, cmd, -err);
		return err;
	}
	for (;;) {
		msg = jl_read(&q->jl, deadline - ma_now_ms());
		if (!msg) {
			err = errno;
			set_error(q, cmd, err);
			return -err;
		}
		if (json_object_object_get_ex(msg, "event", NULL)) {
			json_object_array_add(q->events, msg);
			continue;
		}
		if (js_int(msg, "id", -1) != q->id) {
			json_object_put(msg);	/* a reply to a timed-out call */
			continue;
		}
		if (json_object_object_get_ex(msg, "return", &v)) {
			if (ret)
				*ret = json_object_get(v);
			json_object_put(msg);
			return 0;
		}
		json_object_object_get_ex(msg, "error", &v);
		snprintf(q->error, sizeof(q->error), "%s: %s", cmd,
			 js_str(v, "desc") ?: "refused");
		json_object_put(msg);
		return -EREMOTEIO;
	}
}

/* Take a matching event out of the kept ones. */
static bool take_event(struct qmp *q, const char *name, const char *key,
		       const char *value)
{
	size_t i, n = json_object_array_length(q->events);
	struct json_object *ev, *data;
	const char *v;

	for (i = 0; i < n; i++) {
		ev = json_object_array_get_idx(q->events, i);
		if (strcmp(js_str(ev, "event") ?: "", name))
			continue;
		if (key) {
			json_object_object_get_ex(ev, "data", &data);
			v = js_str(data, key);
			if (!v || strcmp(v, value))
				continue;
		}
		json_object_array_del_idx(q->events, i, 1);
		return true;
	}
	return false;
}

int qmp_wait_event(struct qmp *q, const char *name, const char *key,
		   const char *value, int timeout_ms)
{
	long long deadline = ma_now_ms() + timeout_ms;
	struct json_object *msg;
	int err;

	while (!take_event(q, name, key, value)) {
		msg = jl_read(&q->jl, deadline - ma_now_ms());
		if (!msg) {
			err = errno;
			set_error(q, name, err);
			return -err;
		}
		if (json_object_object_get_ex(msg, "event", NULL))
			json_object_array_add(q->events, msg);
		else
			json_object_put(msg);
	}
	return 0;
}

char *qmp_qom_get_string(struct qmp *q, const char *path, const char *prop)
{
	struct json_object *args = json_object_new_object(), *ret;
	char *s = NULL;

	json_object_object_add(args, "path", json_object_new_string(path));
	json_object_object_add(args, "property", json_object_new_string(prop));
	if (qmp_call(q, "qom-get", args, &ret, 5000))
		return NULL;
	if (json_object_is_type(ret, json_type_string))
		s = strdup(json_object_get_string(ret));
	json_object_put(ret);
	return s;
}

char *qmp_status(struct qmp *q)
{
	struct json_object *ret;
	char *s = NULL;

	if (qmp_call(q, "query-status", NULL, &ret, 5000))
		return NULL;
	if (js_str(ret, "status"))
		s = strdup(js_str(ret, "status"));
	json_object_put(ret);
	return s;
}
