// SPDX-License-Identifier: GPL-2.0
/*
 * shadowctl monitor: print the events of the "events" multicast group
 * until interrupted, or until -c N of them. Under -j, one JSON object per
 * line (a stream cannot be one array).
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>

#include <linux/shadow.h>
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

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct json_object *obj = NULL;
	struct mon *mon = arg;
	struct sc_event ev;
	char err[256];
	int rc;

	rc = sc_event_parse(nlmsg_hdr(msg), &ev, err, sizeof(err));
	if (rc == -EINVAL)
		pr_warn("event: %s", err);
	if (rc)
		return NL_SKIP;
	if (sc_opts.json) {
		obj = sc_event_json(&ev);
		if (!obj) {
			sc_error(ENOMEM, NULL, "monitor");
			mon->ret = SC_EXIT_IO;
			stop = 1;
			return NL_STOP;
		}
		sc_json_print(obj);
		json_object_put(obj);
	} else {
		sc_event_text(stdout, &ev);
		fflush(stdout);
	}
	if (sc_opts.count > 0 && ++mon->seen >= sc_opts.count) {
		stop = 1;
		return NL_STOP;
	}
	return NL_OK;
}

int do_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct mon mon = { 0, SC_EXIT_OK };
	struct sc_nl nl = { 0 };
	struct nl_cb *cb = NULL;
	int ret;

	(void)argv;
	if (argc > 0) {
		sc_error_plain(EINVAL, "monitor takes no arguments");
		ret = SC_EXIT_USAGE;
		goto out;
	}
	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	ret = sc_nl_listen(&nl, SHADOW_GENL_MCGRP_EVENTS, event_cb, &mon, &cb,
			   "monitor");
	if (ret)
		goto out;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop && !ret)
		ret = sc_nl_events(&nl, cb, -1, "monitor");
	if (!ret)
		ret = mon.ret;
out:
	nl_cb_put(cb);
	sc_nl_close(&nl);
	return ret;
}
