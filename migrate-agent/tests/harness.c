// SPDX-License-Identifier: GPL-2.0
/*
 * What the unit tests share: their report, and messages of the "shadow"
 * family as shadow/netlink.c builds them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "harness.h"

int test_failed;

void result(const char *name, bool ok)
{
	printf("%sok - %s\n", ok ? "" : "not ", name);
	if (!ok)
		test_failed = 1;
}

void seed_write(enum fuzz_what what, struct nl_msg *msg)
{
	const char *dir = getenv("SC_SEED_DIR");
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	static int n;
	char path[4096];
	unsigned char w = what;
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/unit-%03d", dir, ++n);
	f = fopen(path, "w");
	if (!f || fwrite(&w, 1, 1, f) != 1 ||
	    fwrite(nlh, 1, nlh->nlmsg_len, f) != nlh->nlmsg_len ||
	    fclose(f)) {
		perror(path);
		exit(2);
	}
}

bool json_is(struct json_object *obj, const char *json)
{
	const char *got = json_object_to_json_string_ext(obj,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!strcmp(got, json))
		return true;
	printf("# json: got      %s\n", got);
	printf("# json: expected %s\n", json);
	return false;
}

static const int us_attrs[SC_SWAP_PHASES] = {
	[SC_SWAP_PARK]		= SHADOW_A_SWAP_PARK_US,
	[SC_SWAP_UNBIND]	= SHADOW_A_SWAP_UNBIND_US,
	[SC_SWAP_PROBE]		= SHADOW_A_SWAP_PROBE_US,
	[SC_SWAP_REPLAY]	= SHADOW_A_SWAP_REPLAY_US,
	[SC_SWAP_LINK]		= SHADOW_A_SWAP_LINK_US,
	[SC_SWAP_TOTAL]		= SHADOW_A_SWAP_TOTAL_US,
	[SC_SWAP_DRIVERS]	= SHADOW_A_SWAP_DRIVER_US,
	[SC_SWAP_OWN]		= SHADOW_A_SWAP_OWN_US,
	[SC_SWAP_PREPARE]	= SHADOW_A_SWAP_PREPARE_US,
};

/* A multicast: port 0, sequence 0, no flags. */
static struct nl_msg *km_new(int cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg || !genlmsg_put(msg, 0, 0, KM_FAMILY, 0, 0, cmd,
				 SHADOW_GENL_VERSION)) {
		fprintf(stderr, "cannot build a message\n");
		exit(2);
	}
	return msg;
}

static void put_swap(struct nl_msg *msg, __u32 state,
		     const struct km_swap *sw)
{
	unsigned int i;

	nla_put_u32(msg, SHADOW_A_SWAP_SEQ, sw->seq);
	nla_put_string(msg, SHADOW_A_SWAP_FROM, sw->from);
	nla_put_string(msg, SHADOW_A_SWAP_FROM_ADDR, sw->from_addr);
	/* As the kernel's fill_swap(): the outcome in final events only. */
	if (state != SHADOW_STATE_SWAPPED && state != SHADOW_STATE_FAILED &&
	    state != SHADOW_STATE_ROLLED_BACK)
		return;
	if (sw->to)
		nla_put_string(msg, SHADOW_A_SWAP_TO, sw->to);
	if (sw->to_addr)
		nla_put_string(msg, SHADOW_A_SWAP_TO_ADDR, sw->to_addr);
	if (sw->err)
		nla_put_u32(msg, SHADOW_A_SWAP_ERRNO, sw->err);
	if (sw->reason)
		nla_put_string(msg, SHADOW_A_SWAP_REASON, sw->reason);
	for (i = 0; i < SC_SWAP_PHASES; i++)
		if ((!sw->no_split || i <= SC_SWAP_TOTAL) &&
		    (i != SC_SWAP_PREPARE || sw->us[i]))
			nla_put_u32(msg, us_attrs[i], sw->us[i]);
	for (i = 0; i < 4 && sw->notes[i]; i++)
		nla_put_string(msg, SHADOW_A_SWAP_NOTE, sw->notes[i]);
}

struct nl_msg *km_event(const char *ifname, __u32 ifindex,
			const char *driver, const char *bus_addr,
			__u32 state, const struct km_swap *sw)
{
	struct nl_msg *msg = km_new(SHADOW_CMD_EVENT);

	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, ifindex);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, ifname);
	nla_put_u32(msg, SHADOW_A_DEV_STATE, state);
	nla_put_u32(msg, SHADOW_A_DEV_LOG_LEN, 5);
	nla_put_u32(msg, SHADOW_A_DEV_OBJECTS, 7);
	nla_put_u8(msg, SHADOW_A_DEV_ATTACHED, 1);
	nla_put_u32(msg, SHADOW_A_DEV_PRIV_SIZE, 2048);
	nla_put_u32(msg, SHADOW_A_DEV_TXQ, 1);
	nla_put_u32(msg, SHADOW_A_DEV_RXQ, 1);
	nla_put_string(msg, SHADOW_A_DEV_BUS_ADDR, bus_addr);
	nla_put_string(msg, SHADOW_A_DEV_BUS, "pci");
	if (driver)
		nla_put_string(msg, SHADOW_A_DEV_DRIVER, driver);
	if (sw)
		put_swap(msg, state, sw);
	return msg;
}

struct nl_msg *km_swap_reply(__u32 seq)
{
	struct nl_msg *msg = km_new(SHADOW_CMD_SWAP);

	nla_put_u32(msg, SHADOW_A_SWAP_SEQ, seq);
	return msg;
}
