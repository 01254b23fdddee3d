// SPDX-License-Identifier: GPL-2.0
/*
 * From "shadow" family messages to structs, and from structs to text and
 * JSON. The log entries' data layouts are described by tables, so that the
 * text and the JSON of a key cannot disagree.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "compiler.h"
#include "decode.h"
#include "decode_attr.h"

static const struct nla_policy policy[SHADOW_A_MAX + 1] = {
	[SHADOW_A_DEV_IFINDEX]	= { .type = NLA_U32 },
	[SHADOW_A_DEV_IFNAME]	= { .type = NLA_STRING },
	[SHADOW_A_DEV_DRIVER]	= { .type = NLA_STRING },
	[SHADOW_A_DEV_BUS]	= { .type = NLA_STRING },
	[SHADOW_A_DEV_BUS_ADDR]	= { .type = NLA_STRING },
	[SHADOW_A_DEV_STATE]	= { .type = NLA_U32 },
	[SHADOW_A_DEV_LOG_LEN]	= { .type = NLA_U32 },
	[SHADOW_A_DEV_OBJECTS]	= { .type = NLA_U32 },
	[SHADOW_A_DEV_ATTACHED]	= { .type = NLA_U8 },
	[SHADOW_A_DEV_PRIV_SIZE] = { .type = NLA_U32 },
	[SHADOW_A_DEV_TXQ]	= { .type = NLA_U32 },
	[SHADOW_A_DEV_RXQ]	= { .type = NLA_U32 },
	[SHADOW_A_LOG_SEQ]	= { .type = NLA_U64 },
	[SHADOW_A_LOG_KEY]	= { .type = NLA_U32 },
	[SHADOW_A_LOG_DATA]	= { .type = NLA_UNSPEC },
	[SHADOW_A_OBJ_TYPE]	= { .type = NLA_U32 },
	[SHADOW_A_OBJ_ID]	= { .type = NLA_U64 },
	[SHADOW_A_OBJ_DRIVER]	= { .type = NLA_STRING },
	[SHADOW_A_DEV_CAN_HOST]	= { .type = NLA_STRING },
	[SHADOW_A_DEV_SWAP_SEQ]	= { .type = NLA_U32 },
	[SHADOW_A_SWAP_TARGET]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_DRIVER]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_TIMEOUT_MS] = { .type = NLA_U32 },
	[SHADOW_A_SWAP_RESTART]	= { .type = NLA_FLAG },
	[SHADOW_A_SWAP_SEQ]	= { .type = NLA_U32 },
	[SHADOW_A_SWAP_ERRNO]	= { .type = NLA_U32 },
	[SHADOW_A_SWAP_REASON]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_NOTE]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_FROM]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_FROM_ADDR] = { .type = NLA_STRING },
	[SHADOW_A_SWAP_TO]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_TO_ADDR]	= { .type = NLA_STRING },
	[SHADOW_A_SWAP_PARK_US]	= { .type = NLA_U32 },
	[SHADOW_A_SWAP_UNBIND_US] = { .type = NLA_U32 },
	[SHADOW_A_SWAP_PROBE_US] = { .type = NLA_U32 },
	[SHADOW_A_SWAP_REPLAY_US] = { .type = NLA_U32 },
	[SHADOW_A_SWAP_LINK_US]	= { .type = NLA_U32 },
	[SHADOW_A_SWAP_TOTAL_US] = { .type = NLA_U32 },
	[SHADOW_A_SWAP_DRIVER_US] = { .type = NLA_U32 },
	[SHADOW_A_SWAP_OWN_US]	= { .type = NLA_U32 },
	[SHADOW_A_SWAP_PREPARE_US] = { .type = NLA_U32 },
	[SHADOW_A_DISK_NAME]	= { .type = NLA_STRING },
	[SHADOW_A_DISK_MAJOR]	= { .type = NLA_U32 },
	[SHADOW_A_DISK_MINOR]	= { .type = NLA_U32 },
	[SHADOW_A_DISK_CAPACITY] = { .type = NLA_U64 },
	[SHADOW_A_DISK_RO]	= { .type = NLA_U8 },
	[SHADOW_A_DISK_LBS]	= { .type = NLA_U32 },
	[SHADOW_A_DISK_PBS]	= { .type = NLA_U32 },
	[SHADOW_A_DISK_IO_MIN]	= { .type = NLA_U32 },
	[SHADOW_A_DISK_IO_OPT]	= { .type = NLA_U32 },
	[SHADOW_A_DISK_MAX_HW_SECTORS] = { .type = NLA_U32 },
	[SHADOW_A_DISK_MAX_SEGMENTS] = { .type = NLA_U32 },
	[SHADOW_A_DISK_MAX_SEGMENT_SIZE] = { .type = NLA_U32 },
	[SHADOW_A_DISK_MAX_DISCARD_SECTORS] = { .type = NLA_U32 },
	[SHADOW_A_DISK_HW_QUEUES] = { .type = NLA_U32 },
};

int sc_attrs_parse(struct nlmsghdr *nlh, struct nlattr **tb,
		   char *err, size_t errlen)
{
	int rc;

	rc = genlmsg_parse(nlh, 0, tb, SHADOW_A_MAX, policy);
	if (rc < 0) {
		snprintf(err, errlen, "malformed message: %s",
			 nl_geterror(rc));
		return -EINVAL;
	}
	return 0;
}

int sc_attr_missing(const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "malformed message: no %s attribute", what);
	return -EINVAL;
}

const char *sc_attr_str(struct nlattr *nla)
{
	return nla ? nla_get_string(nla) : NULL;
}

long long sc_attr_u32(struct nlattr *nla)
{
	return nla ? (long long)nla_get_u32(nla) : -1;
}

const char *sc_state_name(long long state)
{
	static const char * const names[] = {
		[SHADOW_STATE_DETACHED]		= "detached",
		[SHADOW_STATE_PASSIVE]		= "passive",
		[SHADOW_STATE_PARKING]		= "parking",
		[SHADOW_STATE_PARKED]		= "parked",
		[SHADOW_STATE_BINDING]		= "binding",
		[SHADOW_STATE_REPLAYING]	= "replaying",
		[SHADOW_STATE_SWAPPED]		= "swapped",
		[SHADOW_STATE_FAILED]		= "failed",
		[SHADOW_STATE_ROLLED_BACK]	= "rolled-back",
	};

	if (state < 0 || state >= (long long)ARRAY_SIZE(names) ||
	    !names[state])
		return "unknown";
	return names[state];
}

const char *sc_obj_type_name(__u32 type)
{
	static const char * const names[] = {
		[SHADOW_OBJ_NETDEV]		= "netdev",
		[SHADOW_OBJ_IRQ]		= "irq",
		[SHADOW_OBJ_NAPI]		= "napi",
		[SHADOW_OBJ_DMA_COHERENT]	= "dma_coherent",
	};

	return type < __SHADOW_OBJ_MAX ? names[type] : "unknown";
}

/* Devices */

static int dev_from_tb(struct nlattr **tb, struct sc_dev *dev,
		       char *err, size_t errlen)
{
	if (!tb[SHADOW_A_DEV_IFINDEX])
		return sc_attr_missing("SHADOW_A_DEV_IFINDEX", err, errlen);
	if (!tb[SHADOW_A_DEV_IFNAME])
		return sc_attr_missing("SHADOW_A_DEV_IFNAME", err, errlen);
	dev->ifindex = nla_get_u32(tb[SHADOW_A_DEV_IFINDEX]);
	dev->ifname = nla_get_string(tb[SHADOW_A_DEV_IFNAME]);
	dev->driver = sc_attr_str(tb[SHADOW_A_DEV_DRIVER]);
	dev->bus = sc_attr_str(tb[SHADOW_A_DEV_BUS]);
	dev->bus_addr = sc_attr_str(tb[SHADOW_A_DEV_BUS_ADDR]);
	dev->state = sc_attr_u32(tb[SHADOW_A_DEV_STATE]);
	dev->log_len = sc_attr_u32(tb[SHADOW_A_DEV_LOG_LEN]);
	dev->objects = sc_attr_u32(tb[SHADOW_A_DEV_OBJECTS]);
	dev->attached = tb[SHADOW_A_DEV_ATTACHED] ?
		!!nla_get_u8(tb[SHADOW_A_DEV_ATTACHED]) : -1;
	dev->priv_size = sc_attr_u32(tb[SHADOW_A_DEV_PRIV_SIZE]);
	dev->txq = sc_attr_u32(tb[SHADOW_A_DEV_TXQ]);
	dev->rxq = sc_attr_u32(tb[SHADOW_A_DEV_RXQ]);
	dev->can_host = sc_attr_str(tb[SHADOW_A_DEV_CAN_HOST]);
	dev->swap_seq = sc_attr_u32(tb[SHADOW_A_DEV_SWAP_SEQ]);
	return 0;
}

int sc_dev_parse(struct nlmsghdr *nlh, struct sc_dev *dev,
		 char *err, size_t errlen)
{
	struct nlattr *tb[SHADOW_A_MAX + 1];

	if (sc_attrs_parse(nlh, tb, err, errlen))
		return -EINVAL;
	return dev_from_tb(tb, dev, err, errlen);
}

void sc_text_num(FILE *f, const char *label, long long v)
{
	if (v >= 0)
		fprintf(f, " %s %lld", label, v);
}

static void dev_fields(FILE *f, const struct sc_dev *dev)
{
	fprintf(f, "%s ifindex %u", dev->ifname, dev->ifindex);
	if (dev->driver)
		fprintf(f, " driver %s", dev->driver);
	if (dev->bus_addr)
		fprintf(f, " %s %s", dev->bus ? dev->bus : "bus",
			dev->bus_addr);
	if (dev->state >= 0)
		fprintf(f, " state %s", sc_state_name(dev->state));
	sc_text_num(f, "swap", dev->swap_seq);
	sc_text_num(f, "log", dev->log_len);
	sc_text_num(f, "objects", dev->objects);
	sc_text_num(f, "priv", dev->priv_size);
	sc_text_num(f, "txq", dev->txq);
	sc_text_num(f, "rxq", dev->rxq);
	if (dev->attached == 0)
		fputs(" late-attach", f);
	if (dev->can_host)
		fprintf(f, " can-host %s", dev->can_host);
}

void sc_dev_text(FILE *f, const struct sc_dev *dev)
{
	dev_fields(f, dev);
	fputc('\n', f);
}

void sc_json_str(struct json_object *obj, const char *key, const char *s)
{
	if (s)
		json_object_object_add(obj, key, json_object_new_string(s));
}

void sc_json_num(struct json_object *obj, const char *key, long long v)
{
	if (v >= 0)
		json_object_object_add(obj, key, json_object_new_int64(v));
}

/* A comma-separated kernel string as a JSON array ([] when absent). */
static void json_list(struct json_object *obj, const char *key, const char *s)
{
	struct json_object *arr = json_object_new_array();
	const char *p = s, *end;

	if (!arr)
		return;
	while (p && *p) {
		end = strchrnul(p, ',');
		json_object_array_add(arr, json_object_new_string_len(p, end - p));
		p = *end ? end + 1 : end;
	}
	json_object_object_add(obj, key, arr);
}

struct json_object *sc_dev_json(const struct sc_dev *dev)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	sc_json_str(obj, "ifname", dev->ifname);
	sc_json_num(obj, "ifindex", dev->ifindex);
	sc_json_str(obj, "driver", dev->driver);
	sc_json_str(obj, "bus", dev->bus);
	sc_json_str(obj, "bus_addr", dev->bus_addr);
	if (dev->state >= 0)
		sc_json_str(obj, "state", sc_state_name(dev->state));
	sc_json_num(obj, "swap", dev->swap_seq);
	sc_json_num(obj, "log_len", dev->log_len);
	sc_json_num(obj, "objects", dev->objects);
	if (dev->attached >= 0)
		json_object_object_add(obj, "attached",
				       json_object_new_boolean(dev->attached));
	sc_json_num(obj, "priv_size", dev->priv_size);
	sc_json_num(obj, "txq", dev->txq);
	sc_json_num(obj, "rxq", dev->rxq);
	json_list(obj, "can_host", dev->can_host);
	return obj;
}

/* Objects */

int sc_obj_parse(struct nlmsghdr *nlh, struct sc_obj *obj,
		 char *err, size_t errlen)
{
	struct nlattr *tb[SHADOW_A_MAX + 1];

	if (sc_attrs_parse(nlh, tb, err, errlen))
		return -EINVAL;
	if (!tb[SHADOW_A_OBJ_TYPE])
		return sc_attr_missing("SHADOW_A_OBJ_TYPE", err, errlen);
	obj->type = nla_get_u32(tb[SHADOW_A_OBJ_TYPE]);
	obj->id = tb[SHADOW_A_OBJ_ID] ? nla_get_u64(tb[SHADOW_A_OBJ_ID]) : 0;
	obj->driver = sc_attr_str(tb[SHADOW_A_OBJ_DRIVER]);
	obj->ifindex = sc_attr_u32(tb[SHADOW_A_DEV_IFINDEX]);
	obj->bus_addr = sc_attr_str(tb[SHADOW_A_DEV_BUS_ADDR]);
	return 0;
}

void sc_obj_text(FILE *f, const struct sc_obj *obj)
{
	fprintf(f, "%s id %" PRIu64, sc_obj_type_name(obj->type),
		(uint64_t)obj->id);
	if (obj->type == SHADOW_OBJ_NETDEV)
		fprintf(f, " priv %u txq %u rxq %u", SHADOW_NETDEV_ID_PRIV(obj->id),
			SHADOW_NETDEV_ID_TXQ(obj->id), SHADOW_NETDEV_ID_RXQ(obj->id));
	if (obj->driver)
		fprintf(f, " driver %s", obj->driver);
	sc_text_num(f, "ifindex", obj->ifindex);
	if (obj->bus_addr)
		fprintf(f, " bus_addr %s", obj->bus_addr);
	fputc('\n', f);
}

struct json_object *sc_obj_json(const struct sc_obj *obj)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	sc_json_str(o, "type", sc_obj_type_name(obj->type));
	json_object_object_add(o, "id", json_object_new_uint64(obj->id));
	/* What the driver asked of the allocation (UAPI: SHADOW_NETDEV_ID). */
	if (obj->type == SHADOW_OBJ_NETDEV) {
		sc_json_num(o, "priv", SHADOW_NETDEV_ID_PRIV(obj->id));
		sc_json_num(o, "txq", SHADOW_NETDEV_ID_TXQ(obj->id));
		sc_json_num(o, "rxq", SHADOW_NETDEV_ID_RXQ(obj->id));
	}
	sc_json_str(o, "driver", obj->driver);
	sc_json_num(o, "ifindex", obj->ifindex);
	sc_json_str(o, "bus_addr", obj->bus_addr);
	return o;
}

/* Events and swaps */

static const struct {
	const char *name;	/* text and JSON */
	int attr;
} phases[SC_SWAP_PHASES] = {
	[SC_SWAP_PARK]		= { "park", SHADOW_A_SWAP_PARK_US },
	[SC_SWAP_UNBIND]	= { "unbind", SHADOW_A_SWAP_UNBIND_US },
	[SC_SWAP_PROBE]		= { "probe", SHADOW_A_SWAP_PROBE_US },
	[SC_SWAP_REPLAY]	= { "replay", SHADOW_A_SWAP_REPLAY_US },
	[SC_SWAP_LINK]		= { "link", SHADOW_A_SWAP_LINK_US },
	[SC_SWAP_TOTAL]		= { "total", SHADOW_A_SWAP_TOTAL_US },
	[SC_SWAP_DRIVERS]	= { "drivers", SHADOW_A_SWAP_DRIVER_US },
	[SC_SWAP_OWN]		= { "own", SHADOW_A_SWAP_OWN_US },
	[SC_SWAP_PREPARE]	= { "prepare", SHADOW_A_SWAP_PREPARE_US },
};

/* The notes repeat: nla_parse() kept the last one only. */
static void swap_from_tb(struct nlmsghdr *nlh, struct nlattr **tb,
			 struct sc_swap *sw)
{
	struct genlmsghdr *ghdr = genlmsg_hdr(nlh);
	struct nlattr *nla;
	unsigned int i;
	int rem;

	sw->seq = sc_attr_u32(tb[SHADOW_A_SWAP_SEQ]);
	sw->from = sc_attr_str(tb[SHADOW_A_SWAP_FROM]);
	sw->from_addr = sc_attr_str(tb[SHADOW_A_SWAP_FROM_ADDR]);
	sw->to = sc_attr_str(tb[SHADOW_A_SWAP_TO]);
	sw->to_addr = sc_attr_str(tb[SHADOW_A_SWAP_TO_ADDR]);
	sw->err = sc_attr_u32(tb[SHADOW_A_SWAP_ERRNO]);
	sw->reason = sc_attr_str(tb[SHADOW_A_SWAP_REASON]);
	for (i = 0; i < SC_SWAP_PHASES; i++)
		sw->us[i] = sc_attr_u32(tb[phases[i].attr]);
	sw->nnotes = 0;
	nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0),
			  genlmsg_attrlen(ghdr, 0), rem) {
		if (nla_type(nla) == SHADOW_A_SWAP_NOTE &&
		    sw->nnotes < SC_SWAP_NOTES)
			sw->notes[sw->nnotes++] = nla_get_string(nla);
	}
}

int sc_event_parse(struct nlmsghdr *nlh, struct sc_event *ev,
		   char *err, size_t errlen)
{
	struct nlattr *tb[SHADOW_A_MAX + 1];
	int cmd;

	/* The command is read before sc_attrs_parse() checks the header. */
	if (!genlmsg_valid_hdr(nlh, 0)) {
		snprintf(err, errlen,
			 "malformed message: no generic netlink header");
		return -EINVAL;
	}
	cmd = genlmsg_hdr(nlh)->cmd;
	if (cmd != SHADOW_CMD_EVENT) {
		snprintf(err, errlen, "not an event: command %d", cmd);
		return -ENOMSG;
	}
	if (sc_attrs_parse(nlh, tb, err, errlen) ||
	    dev_from_tb(tb, &ev->dev, err, errlen))
		return -EINVAL;
	swap_from_tb(nlh, tb, &ev->swap);
	return 0;
}

int sc_swap_reply_parse(struct nlmsghdr *nlh, __u32 *seq,
			char *err, size_t errlen)
{
	struct nlattr *tb[SHADOW_A_MAX + 1];

	if (sc_attrs_parse(nlh, tb, err, errlen))
		return -EINVAL;
	if (!tb[SHADOW_A_SWAP_SEQ])
		return sc_attr_missing("SHADOW_A_SWAP_SEQ", err, errlen);
	*seq = nla_get_u32(tb[SHADOW_A_SWAP_SEQ]);
	return 0;
}

bool sc_swap_final(const struct sc_event *ev)
{
	return ev->dev.state == SHADOW_STATE_SWAPPED ||
	       ev->dev.state == SHADOW_STATE_FAILED ||
	       ev->dev.state == SHADOW_STATE_ROLLED_BACK;
}

bool sc_swap_ok(const struct sc_event *ev)
{
	return ev->dev.state == SHADOW_STATE_SWAPPED && ev->swap.err < 0;
}

static const char *event_name(const struct sc_event *ev)
{
	if (ev->swap.seq >= 0)
		return "swap";
	return ev->dev.state == SHADOW_STATE_DETACHED ? "detach" : "attach";
}

/* "DRIVER ADDR", leaving out what is absent: "" when both are. */
static const char *driver_addr(char *buf, size_t size, const char *driver,
			       const char *addr)
{
	snprintf(buf, size, "%s%s%s", driver ? driver : "",
		 driver && addr ? " " : "", addr ? addr : "");
	return buf;
}

static void swap_fields(FILE *f, const struct sc_swap *sw)
{
	char buf[128];
	unsigned int i;

	if (*driver_addr(buf, sizeof(buf), sw->from, sw->from_addr))
		fprintf(f, " from %s", buf);
	if (*driver_addr(buf, sizeof(buf), sw->to, sw->to_addr))
		fprintf(f, " to %s", buf);
	for (i = 0; i < SC_SWAP_PHASES; i++)
		if (sw->us[i] >= 0)
			fprintf(f, " %s-us %lld", phases[i].name, sw->us[i]);
	sc_text_num(f, "errno", sw->err);
	if (sw->reason)
		fprintf(f, " reason \"%s\"", sw->reason);
	for (i = 0; i < sw->nnotes; i++)
		fprintf(f, " note \"%s\"", sw->notes[i]);
}

void sc_event_text(FILE *f, const struct sc_event *ev)
{
	if (ev->swap.seq >= 0)
		fprintf(f, "swap %lld %s ", ev->swap.seq,
			sc_state_name(ev->dev.state));
	else
		fprintf(f, "%s ", event_name(ev));
	dev_fields(f, &ev->dev);
	if (ev->swap.seq >= 0)
		swap_fields(f, &ev->swap);
	fputc('\n', f);
}

/* KEY: S, or null when ALL asks for absent values too. */
static void json_str_all(struct json_object *obj, const char *key,
			 const char *s, bool all)
{
	if (s || all)
		json_object_object_add(obj, key,
				       s ? json_object_new_string(s) : NULL);
}

static void json_num_all(struct json_object *obj, const char *key,
			 long long v, bool all)
{
	if (v >= 0 || all)
		json_object_object_add(obj, key,
				       v >= 0 ? json_object_new_int64(v) : NULL);
}

static void json_driver(struct json_object *obj, const char *key,
			const char *driver, const char *addr, bool all)
{
	struct json_object *o;

	if (!driver && !addr && !all)
		return;
	o = json_object_new_object();
	if (o) {
		json_str_all(o, "driver", driver, all);
		json_str_all(o, "bus_addr", addr, all);
	}
	json_object_object_add(obj, key, o);
}

/* The swap's keys after "seq": every one when ALL, else those present. */
static void swap_json(struct json_object *obj, const struct sc_swap *sw,
		      bool all)
{
	struct json_object *o = NULL;
	unsigned int i;

	json_driver(obj, "from", sw->from, sw->from_addr, all);
	json_driver(obj, "to", sw->to, sw->to_addr, all);
	for (i = 0; i < SC_SWAP_PHASES && !all; i++)
		if (sw->us[i] >= 0)
			break;
	if (i < SC_SWAP_PHASES) {
		o = json_object_new_object();
		for (i = 0; i < SC_SWAP_PHASES && o; i++)
			json_num_all(o, phases[i].name, sw->us[i], all);
		json_object_object_add(obj, "phases_us", o);
	}
	json_num_all(obj, "errno", sw->err, all);
	json_str_all(obj, "error", sw->err >= 0 ? strerror(sw->err) : NULL,
		     all);
	json_str_all(obj, "reason", sw->reason, all);
	if (!sw->nnotes && !all)
		return;
	o = json_object_new_array();
	for (i = 0; i < sw->nnotes && o; i++)
		json_object_array_add(o, json_object_new_string(sw->notes[i]));
	json_object_object_add(obj, "notes", o);
}

struct json_object *sc_event_json(const struct sc_event *ev)
{
	struct json_object *obj = sc_dev_json(&ev->dev);
	struct json_object *sw;

	if (!obj)
		return NULL;
	sc_json_str(obj, "event", event_name(ev));
	if (ev->swap.seq < 0)
		return obj;
	sw = json_object_new_object();
	if (!sw) {
		json_object_put(obj);
		return NULL;
	}
	sc_json_num(sw, "seq", ev->swap.seq);
	swap_json(sw, &ev->swap, false);
	json_object_object_add(obj, "swap", sw);
	return obj;
}

void sc_swap_phase_text(FILE *f, const struct sc_event *ev)
{
	char from[128];

	fprintf(f, "%s: %s", ev->dev.ifname, sc_state_name(ev->dev.state));
	if (*driver_addr(from, sizeof(from), ev->swap.from,
			 ev->swap.from_addr))
		fprintf(f, " (%s)", from);
	fputc('\n', f);
}

static void ms_text(FILE *f, long long us)
{
	if (us < 0)
		fputc('?', f);
	else
		fprintf(f, "%.1f", us / 1000.0);
}

void sc_swap_result_text(FILE *f, const struct sc_event *ev,
			 const char *state)
{
	bool swapped = ev->dev.state == SHADOW_STATE_SWAPPED;
	const struct sc_swap *sw = &ev->swap;
	char buf[128];
	unsigned int i;

	fprintf(f, "%s: %s", ev->dev.ifname, sc_state_name(ev->dev.state));
	if (*driver_addr(buf, sizeof(buf), sw->from, sw->from_addr))
		fprintf(f, " %s", buf);
	if (*driver_addr(buf, sizeof(buf), sw->to, sw->to_addr))
		fprintf(f, " -> %s", buf);
	fprintf(f, " %s ", swapped ? "in" : "after");
	ms_text(f, sw->us[SC_SWAP_TOTAL]);
	fputs(" ms (", f);
	for (i = 0; i < SC_SWAP_TOTAL; i++) {
		fprintf(f, "%s%s ", i ? ", " : "", phases[i].name);
		ms_text(f, sw->us[i]);
	}
	fputs(" ms; in the drivers ", f);
	ms_text(f, sw->us[SC_SWAP_DRIVERS]);
	fputs(" ms, the shadow's own ", f);
	ms_text(f, sw->us[SC_SWAP_OWN]);
	if (sw->us[SC_SWAP_PREPARE] >= 0) {
		fputs(" ms and ", f);
		ms_text(f, sw->us[SC_SWAP_PREPARE]);
		fputs(" ms before the park", f);
	} else {
		fputs(" ms", f);
	}
	fputs(")\n", f);
	for (i = 0; i < sw->nnotes; i++)
		fprintf(f, "  note: %s\n", sw->notes[i]);
	if (sw->err >= 0)
		fprintf(f, "  error: %s%s%s\n", strerror(sw->err),
			sw->reason ? ": " : "", sw->reason ? sw->reason : "");
	else if (sw->reason)
		fprintf(f, "  reason: %s\n", sw->reason);
	if (state && strcmp(state, sc_state_name(SHADOW_STATE_PASSIVE)))
		fprintf(f, "  state: %s\n", state);
}

struct json_object *sc_swap_result_json(const struct sc_event *ev,
					const char *state)
{
	struct json_object *obj = json_object_new_object();

	if (!obj)
		return NULL;
	sc_json_str(obj, "ifname", ev->dev.ifname);
	sc_json_num(obj, "ifindex", ev->dev.ifindex);
	sc_json_num(obj, "seq", ev->swap.seq);
	sc_json_str(obj, "result", sc_state_name(ev->dev.state));
	swap_json(obj, &ev->swap, true);
	json_str_all(obj, "state", state, true);
	return obj;
}

/* Log entries: a table of fields per key */

enum field_kind {
	F_U32,		/* number */
	F_X32,		/* number; hexadecimal in text */
	F_BOOL8,	/* u8, on/off */
	F_BOOL32,	/* u32, on/off */
	F_MASK32,	/* u32 & mask, on/off */
	F_X64,		/* u64; "0x%016llx" in text and JSON */
	F_MAC,		/* the whole data, aa:bb:... */
	F_VLAN,		/* struct shadow_log_vlan */
	F_RSS_INDIR,	/* struct shadow_log_rss: indir[], numbers */
	F_RSS_KEY,	/* struct shadow_log_rss: the key after indir[], aa:bb:... */
};

struct field {
	const char *json;	/* JSON key */
	const char *text;	/* text label; "" value only, NULL JSON only */
	enum field_kind kind;
	unsigned short off;
	unsigned int mask;
};

#define FLD(s, m, j, t, k) { j, t, k, offsetof(struct s, m), 0 }
#define RING(m, j, t)	FLD(ethtool_ringparam, m, j, t, F_U32)
#define COAL(m, t)	FLD(ethtool_coalesce, m, #m, t, F_U32)
#define PAUSE(m, n)	FLD(ethtool_pauseparam, m, n, n, F_BOOL32)
#define CHAN(m, j, t)	FLD(ethtool_channels, m, j, t, F_U32)

static const struct field up_fields[] = {
	{ "up", "", F_BOOL8, 0, 0 },
};

static const struct field mtu_fields[] = {
	{ "mtu", "", F_U32, 0, 0 },
};

static const struct field mac_fields[] = {
	{ "address", "", F_MAC, 0, 0 },
};

static const struct field rx_flags_fields[] = {
	{ "promisc", "promisc", F_MASK32, 0, IFF_PROMISC },
	{ "allmulti", "allmulti", F_MASK32, 0, IFF_ALLMULTI },
};

static const struct field vlan_fields[] = {
	{ NULL, "", F_VLAN, 0, 0 },
};

static const struct field features_fields[] = {
	{ "features", "", F_X64, 0, 0 },
};

static const struct field msglevel_fields[] = {
	{ "msglevel", "", F_X32, 0, 0 },
};

static const struct field priv_flags_fields[] = {
	{ "priv_flags", "", F_X32, 0, 0 },
};

static const struct field ring_fields[] = {
	RING(rx_pending, "rx", "rx"),
	RING(rx_mini_pending, "rx_mini", "rx-mini"),
	RING(rx_jumbo_pending, "rx_jumbo", "rx-jumbo"),
	RING(tx_pending, "tx", "tx"),
	RING(rx_max_pending, "rx_max", NULL),
	RING(rx_mini_max_pending, "rx_mini_max", NULL),
	RING(rx_jumbo_max_pending, "rx_jumbo_max", NULL),
	RING(tx_max_pending, "tx_max", NULL),
};

static const struct field coalesce_fields[] = {
	COAL(rx_coalesce_usecs, "rx-usecs"),
	COAL(rx_max_coalesced_frames, "rx-frames"),
	COAL(rx_coalesce_usecs_irq, NULL),
	COAL(rx_max_coalesced_frames_irq, NULL),
	COAL(tx_coalesce_usecs, "tx-usecs"),
	COAL(tx_max_coalesced_frames, "tx-frames"),
	COAL(tx_coalesce_usecs_irq, NULL),
	COAL(tx_max_coalesced_frames_irq, NULL),
	COAL(stats_block_coalesce_usecs, NULL),
	COAL(use_adaptive_rx_coalesce, "adaptive-rx"),
	COAL(use_adaptive_tx_coalesce, "adaptive-tx"),
	COAL(pkt_rate_low, NULL),
	COAL(rx_coalesce_usecs_low, NULL),
	COAL(rx_max_coalesced_frames_low, NULL),
	COAL(tx_coalesce_usecs_low, NULL),
	COAL(tx_max_coalesced_frames_low, NULL),
	COAL(pkt_rate_high, NULL),
	COAL(rx_coalesce_usecs_high, NULL),
	COAL(rx_max_coalesced_frames_high, NULL),
	COAL(tx_coalesce_usecs_high, NULL),
	COAL(tx_max_coalesced_frames_high, NULL),
	COAL(rate_sample_interval, NULL),
};

static const struct field pause_fields[] = {
	PAUSE(autoneg, "autoneg"),
	PAUSE(rx_pause, "rx"),
	PAUSE(tx_pause, "tx"),
};

static const struct field channels_fields[] = {
	CHAN(rx_count, "rx", "rx"),
	CHAN(tx_count, "tx", "tx"),
	CHAN(other_count, "other", "other"),
	CHAN(combined_count, "combined", "combined"),
	CHAN(max_rx, "rx_max", NULL),
	CHAN(max_tx, "tx_max", NULL),
	CHAN(max_other, "other_max", NULL),
	CHAN(max_combined, "combined_max", NULL),
};

static const struct field wol_fields[] = {
	FLD(ethtool_wolinfo, supported, "supported", "supported", F_X32),
	FLD(ethtool_wolinfo, wolopts, "wolopts", "wolopts", F_X32),
};

static const struct field eee_fields[] = {
	FLD(shadow_log_eee, eee_enabled, "eee_enabled", "enabled", F_BOOL32),
	FLD(shadow_log_eee, tx_lpi_enabled, "tx_lpi_enabled", "tx-lpi",
	    F_BOOL32),
	FLD(shadow_log_eee, tx_lpi_timer, "tx_lpi_timer", "tx-lpi-timer",
	    F_U32),
	FLD(shadow_log_eee, advertised, "advertised", "advertised", F_X64),
};

/*
 * Both variable parts start at indir[]: the key follows its entries. Its
 * JSON name is ethtool netlink's, "key" being the entry's own.
 */
static const struct field rss_fields[] = {
	FLD(shadow_log_rss, hfunc, "hfunc", "hfunc", F_X32),
	FLD(shadow_log_rss, indir, "indir", "indir", F_RSS_INDIR),
	FLD(shadow_log_rss, indir, "hkey", "key", F_RSS_KEY),
};

struct key_desc {
	const char *name;
	size_t size;		/* the least SHADOW_A_LOG_DATA length */
	const struct field *fields;
	size_t nfields;
};

#define KEY(n, type, f) { n, sizeof(type), f, ARRAY_SIZE(f) }

static const struct key_desc keys[__SHADOW_LOG_MAX] = {
	[SHADOW_LOG_UP]		= KEY("up", __u8, up_fields),
	[SHADOW_LOG_MTU]	= KEY("mtu", __u32, mtu_fields),
	[SHADOW_LOG_MAC]	= KEY("mac", __u8, mac_fields),
	[SHADOW_LOG_RX_FLAGS]	= KEY("rx_flags", __u32, rx_flags_fields),
	[SHADOW_LOG_VLAN]	= KEY("vlan", struct shadow_log_vlan,
				      vlan_fields),
	[SHADOW_LOG_FEATURES]	= KEY("features", __u64, features_fields),
	[SHADOW_LOG_MSGLEVEL]	= KEY("msglevel", __u32, msglevel_fields),
	[SHADOW_LOG_PRIV_FLAGS]	= KEY("priv_flags", __u32, priv_flags_fields),
	[SHADOW_LOG_RING]	= KEY("ring", struct ethtool_ringparam,
				      ring_fields),
	[SHADOW_LOG_COALESCE]	= KEY("coalesce", struct ethtool_coalesce,
				      coalesce_fields),
	[SHADOW_LOG_PAUSE]	= KEY("pause", struct ethtool_pauseparam,
				      pause_fields),
	[SHADOW_LOG_CHANNELS]	= KEY("channels", struct ethtool_channels,
				      channels_fields),
	[SHADOW_LOG_WOL]	= KEY("wol", struct ethtool_wolinfo,
				      wol_fields),
	[SHADOW_LOG_EEE]	= KEY("eee", struct shadow_log_eee, eee_fields),
	[SHADOW_LOG_RSS]	= KEY("rss", struct shadow_log_rss, rss_fields),
};

const char *sc_log_key_name(__u32 key)
{
	return key < __SHADOW_LOG_MAX ? keys[key].name : NULL;
}

static __u16 get_u16(const struct sc_log *log, unsigned int off)
{
	__u16 v;

	memcpy(&v, log->data + off, sizeof(v));
	return v;
}

static __u32 get_u32(const struct sc_log *log, unsigned int off)
{
	__u32 v;

	memcpy(&v, log->data + off, sizeof(v));
	return v;
}

static __u64 get_u64(const struct sc_log *log, unsigned int off)
{
	__u64 v;

	memcpy(&v, log->data + off, sizeof(v));
	return v;
}

/* An RSS entry's sizes; its data holds at least struct shadow_log_rss. */
static unsigned int rss_indir_size(const struct sc_log *log)
{
	return get_u16(log, offsetof(struct shadow_log_rss, indir_size));
}

static unsigned int rss_key_size(const struct sc_log *log)
{
	return get_u16(log, offsetof(struct shadow_log_rss, key_size));
}

/* The data length FL reaches, for fields sized by the data; else 0. */
static size_t field_end(const struct sc_log *log, const struct field *fl)
{
	switch (fl->kind) {
	case F_RSS_INDIR:
		return fl->off + rss_indir_size(log) * sizeof(__u16);
	case F_RSS_KEY:
		return fl->off + rss_indir_size(log) * sizeof(__u16) +
		       rss_key_size(log);
	default:
		return 0;
	}
}

/* The least data length: the key's fixed part, then what its sizes ask. */
static size_t log_size(const struct sc_log *log)
{
	const struct key_desc *kd = &keys[log->key];
	size_t size = kd->size, end, i;

	if ((size_t)log->len < size)
		return size;
	for (i = 0; i < kd->nfields; i++) {
		end = field_end(log, &kd->fields[i]);
		if (end > size)
			size = end;
	}
	return size;
}

int sc_log_parse(struct nlmsghdr *nlh, struct sc_log *log,
		 char *err, size_t errlen)
{
	struct nlattr *tb[SHADOW_A_MAX + 1];
	size_t size;

	if (sc_attrs_parse(nlh, tb, err, errlen))
		return -EINVAL;
	if (!tb[SHADOW_A_LOG_SEQ])
		return sc_attr_missing("SHADOW_A_LOG_SEQ", err, errlen);
	if (!tb[SHADOW_A_LOG_KEY])
		return sc_attr_missing("SHADOW_A_LOG_KEY", err, errlen);
	if (!tb[SHADOW_A_LOG_DATA])
		return sc_attr_missing("SHADOW_A_LOG_DATA", err, errlen);
	log->seq = nla_get_u64(tb[SHADOW_A_LOG_SEQ]);
	log->key = nla_get_u32(tb[SHADOW_A_LOG_KEY]);
	log->ifindex = tb[SHADOW_A_DEV_IFINDEX] ?
		nla_get_u32(tb[SHADOW_A_DEV_IFINDEX]) : 0;
	log->data = nla_data(tb[SHADOW_A_LOG_DATA]);
	log->len = nla_len(tb[SHADOW_A_LOG_DATA]);
	/* Unknown keys (a newer kernel) are shown by number, not refused. */
	if (log->key >= __SHADOW_LOG_MAX)
		return 0;
	size = log_size(log);
	if ((size_t)log->len < size) {
		snprintf(err, errlen,
			 "log entry seq %" PRIu64 ": %s data is %d bytes, expected %zu",
			 (uint64_t)log->seq, keys[log->key].name, log->len,
			 size);
		return -EINVAL;
	}
	return 0;
}

/* The N bytes at P as "aa:bb:..." in BUF, as many as SIZE bytes hold. */
static void format_hex(char *buf, size_t size, const unsigned char *p,
		       size_t n)
{
	size_t pos = 0, i;

	buf[0] = '\0';
	for (i = 0; i < n && pos + (i ? 3 : 2) < size; i++)
		pos += snprintf(buf + pos, size - pos, "%s%02x",
				i ? ":" : "", p[i]);
}

static void format_mac(const struct sc_log *log, char *buf, size_t size)
{
	format_hex(buf, size, log->data, log->len);
}

/* Entry I of an RSS entry's indir[], which FL starts at. */
static unsigned int rss_indir(const struct sc_log *log,
			      const struct field *fl, unsigned int i)
{
	return get_u16(log, fl->off + i * sizeof(__u16));
}

/* An RSS entry's key, after the indir_size entries FL starts at. */
static const unsigned char *rss_key(const struct sc_log *log,
				    const struct field *fl)
{
	return log->data + fl->off + rss_indir_size(log) * sizeof(__u16);
}

/* Left out of the text: an empty table or key (the JSON keeps "indir"). */
static bool field_empty(const struct sc_log *log, const struct field *fl)
{
	switch (fl->kind) {
	case F_RSS_INDIR:
		return !rss_indir_size(log);
	case F_RSS_KEY:
		return !rss_key_size(log);
	default:
		return false;
	}
}

static const char *vlan_proto(__u16 proto, char *buf, size_t size)
{
	switch (proto) {
	case ETH_P_8021Q:
		return "802.1Q";
	case ETH_P_8021AD:
		return "802.1ad";
	}
	snprintf(buf, size, "0x%04x", proto);
	return buf;
}

static bool field_bool(const struct sc_log *log, const struct field *fl)
{
	switch (fl->kind) {
	case F_BOOL8:
		return log->data[fl->off];
	case F_MASK32:
		return get_u32(log, fl->off) & fl->mask;
	default:
		return get_u32(log, fl->off);
	}
}

static void field_text(FILE *f, const struct sc_log *log,
		       const struct field *fl)
{
	struct shadow_log_vlan vlan;
	const unsigned char *key;
	unsigned int i, n;
	char buf[128];

	if (!fl->text || field_empty(log, fl))
		return;
	if (*fl->text)
		fprintf(f, " %s", fl->text);
	switch (fl->kind) {
	case F_U32:
		fprintf(f, " %u", get_u32(log, fl->off));
		break;
	case F_X32:
		fprintf(f, " 0x%x", get_u32(log, fl->off));
		break;
	case F_BOOL8:
	case F_BOOL32:
	case F_MASK32:
		fputs(field_bool(log, fl) ? " on" : " off", f);
		break;
	case F_X64:
		fprintf(f, " 0x%016llx",
			(unsigned long long)get_u64(log, fl->off));
		break;
	case F_MAC:
		format_mac(log, buf, sizeof(buf));
		fprintf(f, " %s", buf);
		break;
	case F_VLAN:
		memcpy(&vlan, log->data, sizeof(vlan));
		fprintf(f, " %s %u",
			vlan_proto(ntohs(vlan.proto), buf, sizeof(buf)),
			vlan.vid);
		break;
	case F_RSS_INDIR:
		n = rss_indir_size(log);
		for (i = 0; i < n; i++)
			fprintf(f, " %u", rss_indir(log, fl, i));
		break;
	case F_RSS_KEY:
		n = rss_key_size(log);
		key = rss_key(log, fl);
		for (i = 0; i < n; i++)
			fprintf(f, "%c%02x", i ? ':' : ' ', key[i]);
		break;
	}
}

static void field_json(struct json_object *obj, const struct sc_log *log,
		       const struct field *fl)
{
	struct shadow_log_vlan vlan;
	struct json_object *v = NULL;
	unsigned int i, n;
	char buf[128];
	char *hex;

	switch (fl->kind) {
	case F_U32:
	case F_X32:
		v = json_object_new_int64(get_u32(log, fl->off));
		break;
	case F_BOOL8:
	case F_BOOL32:
	case F_MASK32:
		v = json_object_new_boolean(field_bool(log, fl));
		break;
	case F_X64:
		snprintf(buf, sizeof(buf), "0x%016llx",
			 (unsigned long long)get_u64(log, fl->off));
		v = json_object_new_string(buf);
		break;
	case F_MAC:
		format_mac(log, buf, sizeof(buf));
		v = json_object_new_string(buf);
		break;
	case F_VLAN:
		memcpy(&vlan, log->data, sizeof(vlan));
		sc_json_str(obj, "proto",
			 vlan_proto(ntohs(vlan.proto), buf, sizeof(buf)));
		sc_json_num(obj, "vid", vlan.vid);
		return;
	case F_RSS_INDIR:
		n = rss_indir_size(log);
		v = json_object_new_array();
		for (i = 0; i < n && v; i++)
			json_object_array_add(v, json_object_new_int(rss_indir(log, fl, i)));
		break;
	case F_RSS_KEY:
		n = rss_key_size(log);
		if (!n)
			return;
		hex = malloc(3 * n);
		if (hex) {
			format_hex(hex, 3 * n, rss_key(log, fl), n);
			v = json_object_new_string(hex);
			free(hex);
		}
		break;
	}
	json_object_object_add(obj, fl->json, v);
}

void sc_log_text(FILE *f, const struct sc_log *log)
{
	const struct key_desc *kd;
	size_t i;

	fprintf(f, "seq %" PRIu64, (uint64_t)log->seq);
	if (log->key >= __SHADOW_LOG_MAX) {
		fprintf(f, " key-%u len %d\n", log->key, log->len);
		return;
	}
	kd = &keys[log->key];
	fprintf(f, " %s", kd->name);
	for (i = 0; i < kd->nfields; i++)
		field_text(f, log, &kd->fields[i]);
	fputc('\n', f);
}

struct json_object *sc_log_json(const struct sc_log *log)
{
	struct json_object *obj = json_object_new_object();
	const struct key_desc *kd;
	char name[32];
	size_t i;

	if (!obj)
		return NULL;
	json_object_object_add(obj, "seq", json_object_new_uint64(log->seq));
	if (log->key >= __SHADOW_LOG_MAX) {
		snprintf(name, sizeof(name), "key-%u", log->key);
		sc_json_str(obj, "key", name);
		sc_json_num(obj, "len", log->len);
		return obj;
	}
	kd = &keys[log->key];
	sc_json_str(obj, "key", kd->name);
	for (i = 0; i < kd->nfields; i++)
		field_json(obj, log, &kd->fields[i]);
	return obj;
}

/* One entry point for the commands and the tests */

int sc_decode(enum sc_kind kind, struct nlmsghdr *nlh, FILE *f,
	      struct json_object *array, char *err, size_t errlen)
{
	struct json_object *obj = NULL;
	union {
		struct sc_dev dev;
		struct sc_log log;
		struct sc_obj obj;
		struct sc_event ev;
		struct sc_disk disk;
	} u;
	int rc;

	switch (kind) {
	case SC_KIND_DEV:
		rc = sc_dev_parse(nlh, &u.dev, err, errlen);
		if (rc)
			return rc;
		if (!array)
			sc_dev_text(f, &u.dev);
		else
			obj = sc_dev_json(&u.dev);
		break;
	case SC_KIND_LOG:
		rc = sc_log_parse(nlh, &u.log, err, errlen);
		if (rc)
			return rc;
		if (!array)
			sc_log_text(f, &u.log);
		else
			obj = sc_log_json(&u.log);
		break;
	case SC_KIND_OBJ:
		rc = sc_obj_parse(nlh, &u.obj, err, errlen);
		if (rc)
			return rc;
		if (!array)
			sc_obj_text(f, &u.obj);
		else
			obj = sc_obj_json(&u.obj);
		break;
	case SC_KIND_EVENT:
		rc = sc_event_parse(nlh, &u.ev, err, errlen);
		if (rc)
			return rc;
		if (!array)
			sc_event_text(f, &u.ev);
		else
			obj = sc_event_json(&u.ev);
		break;
	case SC_KIND_DISK:
		rc = sc_disk_parse(nlh, &u.disk, err, errlen);
		if (rc)
			return rc;
		if (!array)
			sc_disk_text(f, &u.disk);
		else
			obj = sc_disk_json(&u.disk);
		break;
	}
	if (array) {
		if (!obj) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		json_object_array_add(array, obj);
	}
	return 0;
}
