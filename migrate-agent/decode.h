/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the "shadow" family's replies (linux/shadow.h): a message
 * becomes a struct, and the struct becomes one line of text or one JSON
 * object. Nothing here talks to the kernel, so the unit tests feed it
 * messages they build themselves.
 */
#ifndef _SC_DECODE_H
#define _SC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/netlink.h>
#include <linux/types.h>
#include <json-c/json.h>

/* What a message describes. */
enum sc_kind {
	SC_KIND_DEV,	/* SHADOW_CMD_DEV_GET reply or SHADOW_CMD_EVENT */
	SC_KIND_LOG,	/* SHADOW_CMD_LOG_GET reply */
	SC_KIND_OBJ,	/* SHADOW_CMD_OBJ_GET reply */
};

/* Strings point into the message; absent attributes are NULL or -1. */
struct sc_dev {
	__u32 ifindex;
	const char *ifname;
	const char *driver;
	const char *bus;
	const char *bus_addr;
	long long state;
	long long log_len;
	long long objects;
	int attached;
	long long priv_size;
	long long txq;
	long long rxq;
	const char *can_host;	/* comma-separated, or NULL */
};

struct sc_log {
	__u64 seq;
	__u32 ifindex;
	__u32 key;
	const unsigned char *data;
	int len;
};

struct sc_obj {
	__u32 type;
	__u64 id;
	const char *driver;
	long long ifindex;
	const char *bus_addr;
};

/*
 * Each returns 0, or -EINVAL with a message in ERR when the message is
 * malformed (missing attribute, short SHADOW_A_LOG_DATA, ...).
 */
int sc_dev_parse(struct nlmsghdr *nlh, struct sc_dev *dev,
		 char *err, size_t errlen);
int sc_log_parse(struct nlmsghdr *nlh, struct sc_log *log,
		 char *err, size_t errlen);
int sc_obj_parse(struct nlmsghdr *nlh, struct sc_obj *obj,
		 char *err, size_t errlen);

void sc_dev_text(FILE *f, const struct sc_dev *dev);
void sc_log_text(FILE *f, const struct sc_log *log);
void sc_obj_text(FILE *f, const struct sc_obj *obj);

struct json_object *sc_dev_json(const struct sc_dev *dev);
struct json_object *sc_log_json(const struct sc_log *log);
struct json_object *sc_obj_json(const struct sc_obj *obj);

/*
 * Parse a message of KIND and print it: a text line to F, or, when ARRAY
 * is not NULL, a JSON object appended to it. 0 or -EINVAL (message in ERR).
 */
int sc_decode(enum sc_kind kind, struct nlmsghdr *nlh, FILE *f,
	      struct json_object *array, char *err, size_t errlen);

const char *sc_state_name(long long state);
const char *sc_log_key_name(__u32 key);
const char *sc_obj_type_name(__u32 type);

#endif /* _SC_DECODE_H */
