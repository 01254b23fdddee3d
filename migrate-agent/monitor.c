// SPDX-License-Identifier: GPL-2.0
/*
 * shadowctl monitor: print the events of the "events" multicast group
 * until interrupted, or until -c N of them. Under -j, one JSON object per
 * line (a stream cannot be one array).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <linux/shadow.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "decode.h"
#include "genl.h"
#include "log.h"
#include "output.h"
#include "shadowctl.h"

static atomic_bool stop;

struct mon {
	long seen;
	int ret;
};

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Events are not answers: any sequence number goes. */
static int seq_ok(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static const char *event_name(const struct sc_dev *dev)
{
	return dev->state == SHADOW_STATE_DETACHED ? "detach" : "attach";
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct json_object *obj = NULL;
	struct mon *mon = arg;
	struct sc_dev dev;
	char err[256];

	if (genlmsg_hdr(nlh)->cmd != SHADOW_CMD_EVENT)
		return NL_SKIP;
	if (sc_dev_parse(nlh, &dev, err, sizeof(err))) {
		pr_warn("event: %s", err);
		return NL_SKIP;
	}
	if (sc_opts.json) {
		obj = sc_dev_json(&dev);
		if (!obj) {
			sc_error(ENOMEM, NULL, "monitor");
			mon->ret = SC_EXIT_IO;
			stop = 1;
			return NL_STOP;
		}
		json_object_object_add(obj, "event",
				       json_object_new_string(event_name(&dev)));
		sc_json_print(obj);
		json_object_put(obj);
	} else {
		printf("%s ", event_name(&dev));
		sc_dev_text(stdout, &dev);
		fflush(stdout);
	}
	if (sc_opts.count > 0 && ++mon->seen >= sc_opts.count) {
		stop = 1;
		return NL_STOP;
	}
	return NL_OK;
}

static int listen_loop(struct sc_nl *nl, struct nl_cb *cb, struct mon *mon)
{
	struct pollfd pfd = { nl_socket_get_fd(nl->sk), POLLIN, 0 };
	int rc;

	while (!stop) {
		if (poll(&pfd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			sc_error(errno, NULL, "monitor: poll");
			return SC_EXIT_IO;
		}
		rc = nl_recvmsgs(nl->sk, cb);
		if (rc == -NLE_NOMEM) {
			/* ENOBUFS: the socket overflowed */
			pr_warn("monitor: events were lost");
		} else if (rc < 0 && rc != -NLE_AGAIN) {
			sc_error_plain(EIO, "monitor: receive: %s",
				       nl_geterror(rc));
			return SC_EXIT_IO;
		}
	}
	return mon->ret;
}

int do_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct mon mon = { 0, SC_EXIT_OK };
	struct sc_nl nl = { 0 };
	struct nl_cb *cb = NULL;
	int group;
	int ret;
	int rc;

	(void)argv;
	if (argc > 0) {
		sc_error_plain(EINVAL, "monitor takes no arguments");
		ret = SC_EXIT_USAGE;
		goto out;
	}
	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	group = sc_nl_group(&nl, SHADOW_GENL_MCGRP_EVENTS);
	if (group < 0) {
		ret = -group;
		goto out;
	}
	rc = nl_socket_add_membership(nl.sk, group);
	if (rc < 0) {
		sc_error_plain(EIO, "monitor: cannot join \"%s\": %s",
			       SHADOW_GENL_MCGRP_EVENTS, nl_geterror(rc));
		ret = SC_EXIT_IO;
		goto out;
	}
	nl_socket_set_nonblocking(nl.sk);
	cb = nl_cb_clone(nl.cb);
	if (!cb) {
		sc_error(ENOMEM, NULL, "monitor");
		ret = SC_EXIT_IO;
		goto out;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_ok, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &mon);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = listen_loop(&nl, cb, &mon);
out:
	nl_cb_put(cb);
	sc_nl_close(&nl);
	return ret;
}
