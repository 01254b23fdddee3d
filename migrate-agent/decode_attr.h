/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the decoders of the "shadow" family's messages share (decode.c,
 * decode_disk.c): reading the attributes against the family's policy, and
 * printing a field that may be absent as text or JSON.
 */
#ifndef _SC_DECODE_ATTR_H
#define _SC_DECODE_ATTR_H

#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>
#include <linux/netlink.h>
#include <netlink/attr.h>

/* genlmsg_parse() against the family's policy; -EINVAL with ERR set. */
int sc_attrs_parse(struct nlmsghdr *nlh, struct nlattr **tb,
		   char *err, size_t errlen);
/* -EINVAL, with "malformed message: no WHAT attribute" in ERR. */
int sc_attr_missing(const char *what, char *err, size_t errlen);
/* An attribute's value, or NULL / -1 when it is absent. */
const char *sc_attr_str(struct nlattr *nla);
long long sc_attr_u32(struct nlattr *nla);

/* " LABEL V" / "KEY": V, only when V >= 0; a string only when not NULL. */
void sc_text_num(FILE *f, const char *label, long long v);
void sc_json_num(struct json_object *obj, const char *key, long long v);
void sc_json_str(struct json_object *obj, const char *key, const char *s);

#endif /* _SC_DECODE_ATTR_H */
