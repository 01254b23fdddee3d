/* SPDX-License-Identifier: GPL-2.0 */
/* Printing decoded replies as text lines or as one JSON array. */
#ifndef _SC_OUTPUT_H
#define _SC_OUTPUT_H

#include <json-c/json.h>

#include "decode.h"
#include "genl.h"

/*
 * Decode every message of MSGS as KIND and print the lot: text lines, or
 * a JSON array under -j. Nothing is printed if one fails to decode.
 * Returns an sc_exit.
 */
int sc_show(enum sc_kind kind, struct sc_msgs *msgs, const char *what);
int sc_query(int cmd, bool dump, const char *ifname, enum sc_kind kind,
	     const char *what);

/* Print one JSON value on stdout as -p asks, then flush. */
void sc_json_print(struct json_object *obj);

#endif /* _SC_OUTPUT_H */
