/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink side of shadowctl (libnl-3): open a socket to the
 * "shadow" family, run a request or a dump and collect the replies.
 */
#ifndef _SC_GENL_H
#define _SC_GENL_H

#include <stdbool.h>
#include <stddef.h>

#include <netlink/netlink.h>

struct sc_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;	/* template: NL_CB_DEFAULT or NL_CB_DEBUG */
	int family;
};

/* The reply messages of one request, in order; each holds a reference. */
struct sc_msgs {
	struct nl_msg **v;
	size_t n;
	size_t cap;
};

void sc_msgs_free(struct sc_msgs *msgs);

/* Both return an sc_exit and report their own errors. */
int sc_nl_open(struct sc_nl *nl, bool debug);
void sc_nl_close(struct sc_nl *nl);

/*
 * Send CMD (with SHADOW_A_DEV_IFNAME when IFNAME is set) and wait for the
 * answer; replies go to MSGS when not NULL. A dump whose messages carry
 * NLM_F_DUMP_INTR is restarted from scratch a few times. WHAT names the
 * request in error messages. Returns an sc_exit.
 */
int sc_nl_request(struct sc_nl *nl, int cmd, bool dump, const char *ifname,
		  struct sc_msgs *msgs, const char *what);

/* The id of multicast group NAME of the family, or an sc_exit negated. */
int sc_nl_group(struct sc_nl *nl, const char *name);

#endif /* _SC_GENL_H */
