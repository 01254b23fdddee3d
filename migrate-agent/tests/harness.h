/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the unit tests share: messages of the "shadow" family built the way
 * shadow/netlink.c builds them (attribute order included), and shadowctl's
 * main for the tests that run its command line.
 */
#ifndef _SC_TESTS_HARNESS_H
#define _SC_TESTS_HARNESS_H

#include <stdbool.h>

#include <json-c/json.h>
#include <linux/types.h>
#include <netlink/msg.h>

#include "decode.h"
#include "fuzz/fuzz_input.h"

#define KM_FAMILY	0x1e	/* any id: decoding never looks at it */

/* What fill_swap() adds; the final events only carry TO and after. */
struct km_swap {
	__u32 seq;
	const char *from;
	const char *from_addr;
	const char *to;		/* NULL: absent */
	const char *to_addr;	/* NULL: absent */
	__u32 err;		/* positive errno, 0: absent */
	const char *reason;	/* NULL: absent */
	__u32 us[SC_SWAP_PHASES];	/* prepare 0: absent (an older module) */
	bool no_split;		/* an older module: no _DRIVER_US, _OWN_US */
	const char *notes[4];	/* up to the first NULL */
};

/*
 * A SHADOW_CMD_EVENT as shadow_nl_swap_event() multicasts it: fill_dev()'s
 * attributes for IFNAME (DRIVER left out when NULL, as on a parked
 * interface), STATE, then SW's. SW NULL: an attach or detach event.
 */
struct nl_msg *km_event(const char *ifname, __u32 ifindex,
			const char *driver, const char *bus_addr,
			__u32 state, const struct km_swap *sw);

/* The SHADOW_CMD_SWAP reply, SEQ in SHADOW_A_SWAP_SEQ. */
struct nl_msg *km_swap_reply(__u32 seq);

/* Print "ok - NAME" or "not ok - NAME"; a failure sets test_failed. */
void result(const char *name, bool ok);
extern int test_failed;

/*
 * With SC_SEED_DIR set, write MSG there as a decode_fuzz input of WHAT
 * (fuzz/fuzz_input.h): the unit tests' messages seed the fuzzer.
 */
void seed_write(enum fuzz_what what, struct nl_msg *msg);

/* OBJ is JSON, plain; else say what it is instead. */
bool json_is(struct json_object *obj, const char *json);

/* shadowctl.c's main, renamed so by the Makefile for swap_test. */
int shadowctl_main(int argc, char **argv);

#endif /* _SC_TESTS_HARNESS_H */
