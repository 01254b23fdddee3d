/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink side of shadowctl (libnl-3): open a socket to the
 * "shadow" family, run a request or a dump and collect the replies.
 */
#ifndef _SC_GENL_H
#define _SC_GENL_H

#include <stdbool.h>
#include <stddef.h>

#include <netlink/handlers.h>
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

/* Adds a request's attributes after SHADOW_A_DEV_IFNAME: 0, or < 0. */
typedef int (*sc_nl_fill_t)(struct nl_msg *msg, const void *arg);

/* A request as sc_nl_request_ext() sends it. */
struct sc_nl_req {
	int cmd;
	bool dump;
	const char *ifname;	/* SHADOW_A_DEV_IFNAME, when set */
	sc_nl_fill_t fill;	/* more attributes, when set */
	const void *arg;	/* FILL's */
	bool quiet;		/* a kernel refusal: its exit code, no report */
};

/* sc_nl_request() with more attributes, or without a report. */
int sc_nl_request_ext(struct sc_nl *nl, const struct sc_nl_req *req,
		      struct sc_msgs *msgs, const char *what);

/*
 * Join the family's multicast group NAME and make NL a listener: reads do
 * not block, any sequence number goes, and every message read is handed
 * to FN(msg, ARG). *CB, for sc_nl_events(), is the caller's to put.
 * Returns an sc_exit; WHAT names the command in error messages.
 */
int sc_nl_listen(struct sc_nl *nl, const char *name, nl_recvmsg_msg_cb_t fn,
		 void *arg, struct nl_cb **cb, const char *what);

/*
 * Wait up to TIMEOUT_MS (-1: for ever) for the group's messages and hand
 * over those that came. SC_EXIT_OK, also when a signal cut the wait short;
 * SC_EXIT_TIMEOUT when none came in time; SC_EXIT_IO after a report.
 */
int sc_nl_events(struct sc_nl *nl, struct nl_cb *cb, int timeout_ms,
		 const char *what);

#endif /* _SC_GENL_H */
