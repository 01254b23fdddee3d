/* SPDX-License-Identifier: GPL-2.0 */
/* A QMP client over a unix socket, on json-c. */
#ifndef _MA_QMP_H
#define _MA_QMP_H

#include <stdbool.h>

#include "jsonline.h"

struct qmp {
	struct jsonline jl;
	const char *path;
	long id;			/* of the last command sent */
	struct json_object *events;	/* array: events not yet waited for */
	char error[512];		/* of the last failed call */
};

/* qmp_open: connect, read the greeting, leave capabilities negotiation. */
int qmp_open(struct qmp *q, const char *path, int timeout_ms);
void qmp_close(struct qmp *q);
/*
 * qmp_call: run CMD with ARGS (taken: put by this call; may be NULL); 0 and
 * the "return" value in *ret (the caller puts it; ret may be NULL), or
 * -errno with q->error saying why (QEMU's own "desc" for a refused
 * command, -EREMOTEIO).
 */
int qmp_call(struct qmp *q, const char *cmd, struct json_object *args,
	     struct json_object **ret, int timeout_ms);
/*
 * qmp_wait_event: the first event NAME whose data has KEY equal to VALUE
 * (KEY NULL: any), received since open; 0, or -ETIMEDOUT.
 */
int qmp_wait_event(struct qmp *q, const char *name, const char *key,
		   const char *value, int timeout_ms);
/* qmp_qom_get_string: a QOM property of PATH as a string, or NULL. */
char *qmp_qom_get_string(struct qmp *q, const char *path, const char *prop);
/* qmp_status: the run state ("running", "inmigrate", ...), or NULL. */
char *qmp_status(struct qmp *q);

/* Small json-c helpers shared by the agent. */
const char *js_str(struct json_object *obj, const char *key);
long long js_int(struct json_object *obj, const char *key, long long dflt);
bool js_bool(struct json_object *obj, const char *key);

#endif /* _MA_QMP_H */
