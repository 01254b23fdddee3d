// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of shadowctl swap and restart without a kernel: the whole command
 * line runs (shadowctl.c's main, renamed), and the calls that would reach
 * the kernel (sc_nl_open, sc_nl_listen, sc_nl_request_ext, sc_nl_events,
 * wrapped at link time) meet a fake that records the request, answers it
 * and hands over scripted events built as the kernel builds them. Prints
 * "ok - NAME" or "not ok - NAME" per test.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "compiler.h"
#include "genl.h"
#include "harness.h"
#include "log.h"
#include "shadowctl.h"

#define EMAX	16

static struct fake {
	/* how to answer */
	int swap_ret;		/* SHADOW_CMD_SWAP's exit, 0: the reply */
	__u32 seq;		/* in the reply */
	long long state;	/* DEV_GET's state; -1: refused */
	struct nl_msg *events[EMAX];
	int nevents;
	/* what was asked */
	int listens;
	bool listened_first;	/* joined the group before the request */
	int swaps;
	int dev_gets;
	char ifname[IFNAMSIZ];
	char target[32];
	long long timeout_ms;	/* -1: absent */
	bool restart;
	int waits;
	int first_wait_ms;
	/* the listener */
	int pos;
	nl_recvmsg_msg_cb_t fn;
	void *arg;
} fake;

static void fake_reset(void)
{
	while (fake.pos < fake.nevents)
		nlmsg_free(fake.events[fake.pos++]);
	memset(&fake, 0, sizeof(fake));
	fake.timeout_ms = -1;
}

static void event(struct nl_msg *msg)
{
	if (fake.nevents == EMAX)
		exit(2);
	fake.events[fake.nevents++] = msg;
}

int __wrap_sc_nl_open(struct sc_nl *nl, bool debug)
{
	(void)debug;
	nl->sk = NULL;
	nl->cb = NULL;
	nl->family = KM_FAMILY;
	return SC_EXIT_OK;
}

int __wrap_sc_nl_listen(struct sc_nl *nl, const char *name,
			nl_recvmsg_msg_cb_t fn, void *arg, struct nl_cb **cb,
			const char *what)
{
	(void)nl;
	(void)what;
	fake.listens += !strcmp(name, SHADOW_GENL_MCGRP_EVENTS);
	fake.fn = fn;
	fake.arg = arg;
	*cb = NULL;
	return SC_EXIT_OK;
}

/* What the request carries, from the message the request's fill built. */
static void record(const struct sc_nl_req *r)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct nlattr *a;

	if (!msg || !genlmsg_put(msg, 0, 0, KM_FAMILY, 0, 0, r->cmd,
				 SHADOW_GENL_VERSION) ||
	    (r->ifname &&
	     nla_put_string(msg, SHADOW_A_DEV_IFNAME, r->ifname) < 0) ||
	    (r->fill && r->fill(msg, r->arg) < 0))
		exit(2);
	nlh = nlmsg_hdr(msg);
	a = nlmsg_find_attr(nlh, GENL_HDRLEN, SHADOW_A_DEV_IFNAME);
	snprintf(fake.ifname, sizeof(fake.ifname), "%s",
		 a ? nla_get_string(a) : "");
	a = nlmsg_find_attr(nlh, GENL_HDRLEN, SHADOW_A_SWAP_TARGET);
	snprintf(fake.target, sizeof(fake.target), "%s",
		 a ? nla_get_string(a) : "");
	a = nlmsg_find_attr(nlh, GENL_HDRLEN, SHADOW_A_SWAP_TIMEOUT_MS);
	fake.timeout_ms = a ? (long long)nla_get_u32(a) : -1;
	fake.restart = nlmsg_find_attr(nlh, GENL_HDRLEN,
				       SHADOW_A_SWAP_RESTART);
	nlmsg_free(msg);
}

static void reply(struct sc_msgs *msgs, struct nl_msg *msg)
{
	msgs->v = malloc(sizeof(*msgs->v));
	if (!msgs->v)
		exit(2);
	msgs->v[0] = msg;
	msgs->n = 1;
	msgs->cap = 1;
}

int __wrap_sc_nl_request_ext(struct sc_nl *nl, const struct sc_nl_req *r,
			     struct sc_msgs *msgs, const char *what)
{
	(void)nl;
	(void)what;
	if (r->cmd == SHADOW_CMD_DEV_GET) {
		fake.dev_gets++;
		if (fake.state < 0 || !r->quiet)
			return SC_EXIT_KERNEL;
		reply(msgs, km_event(r->ifname, 2, "8139cp", "0000:00:04.0",
				     fake.state, NULL));
		return SC_EXIT_OK;
	}
	if (r->cmd != SHADOW_CMD_SWAP)
		return SC_EXIT_IO;
	fake.swaps++;
	fake.listened_first = fake.listens == 1;
	record(r);
	if (fake.swap_ret)
		return fake.swap_ret;
	reply(msgs, km_swap_reply(fake.seq));
	return SC_EXIT_OK;
}

int __wrap_sc_nl_events(struct sc_nl *nl, struct nl_cb *cb, int timeout_ms,
			const char *what)
{
	struct nl_msg *msg;

	(void)nl;
	(void)cb;
	(void)what;
	if (!fake.waits++)
		fake.first_wait_ms = timeout_ms;
	if (fake.pos == fake.nevents)
		return SC_EXIT_TIMEOUT;
	msg = fake.events[fake.pos++];
	fake.fn(msg, fake.arg);
	nlmsg_free(msg);
	return SC_EXIT_OK;
}

/* Read back what went to FD since TMP took its place, and restore it. */
static void restore(int fd, int saved, FILE *tmp, char *buf, size_t size)
{
	size_t n;

	fflush(fd == 1 ? stdout : stderr);
	dup2(saved, fd);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, size - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void show(const char *what, const char *text)
{
	const char *p = text, *end;

	while (*p) {
		end = strchrnul(p, '\n');
		printf("# %s: %.*s\n", what, (int)(end - p), p);
		p = *end ? end + 1 : end;
	}
}

/* Run "shadowctl ARGS..." (NULL-ended); its stdout and stderr to OUT, ERR. */
static int run(char *out, char *err, size_t size, ...)
{
	FILE *tout = tmpfile(), *terr = tmpfile();
	int sout = dup(1), serr = dup(2);
	char *argv[16] = { "shadowctl" };
	int argc = 1;
	va_list ap;
	int ret;

	va_start(ap, size);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	if (!tout || !terr || sout < 0 || serr < 0)
		exit(2);
	memset(&sc_opts, 0, sizeof(sc_opts));
	sc_json_errors = false;
	sc_log_level = SC_LOG_WARN;
	optind = 0;
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(tout), 1);
	dup2(fileno(terr), 2);
	ret = shadowctl_main(argc, argv);
	restore(1, sout, tout, out, size);
	restore(2, serr, terr, err, size);
	printf("# exit %d, %d waits, first %d ms\n", ret, fake.waits,
	       fake.first_wait_ms);
	show("stdout", out);
	show("stderr", err);
	return ret;
}

static const struct km_swap parking = {
	.seq = 7, .from = "e1000", .from_addr = "0000:00:03.0",
};

static const struct km_swap other = {
	.seq = 6, .from = "virtio_net", .from_addr = "0000:00:07.0",
};

static const struct km_swap swapped = {
	.seq = 7, .from = "e1000", .from_addr = "0000:00:03.0",
	.to = "8139cp", .to_addr = "0000:00:04.0",
	.us = { 1200, 30100, 120000, 15200, 600000, 812300, 158400, 53900 },
	.notes = { "wake-on-lan 0x20: 8139cp has none" },
};

static void phases(__u32 last, const struct km_swap *outcome)
{
	__u32 st;

	event(km_event("eth1", 3, "e1000", "0000:00:05.0",
		       SHADOW_STATE_PASSIVE, NULL));
	event(km_event("eth9", 9, "virtio_net", "0000:00:07.0",
		       SHADOW_STATE_PARKING, &other));
	for (st = SHADOW_STATE_PARKING; st <= last; st++)
		event(km_event("eth0", 2, st == SHADOW_STATE_PARKING ?
			       "e1000" : NULL, "0000:00:03.0", st, &parking));
	if (outcome)
		event(km_event("eth0", 2, "8139cp", "0000:00:04.0",
			       !outcome->to ? SHADOW_STATE_FAILED :
			       outcome->err ? SHADOW_STATE_ROLLED_BACK :
			       SHADOW_STATE_SWAPPED, outcome));
}

static void test_swap(void)
{
	char out[4096], err[4096];
	int ret;

	fake_reset();
	fake.seq = 7;
	fake.state = SHADOW_STATE_PASSIVE;
	phases(SHADOW_STATE_REPLAYING, &swapped);
	ret = run(out, err, sizeof(out), "swap", "dev", "eth0", "timeout",
		  "5000", "to", "00:04.0", NULL);
	result("swap: listens first, then asks with target and timeout",
	       fake.listened_first && fake.swaps == 1 &&
	       !strcmp(fake.ifname, "eth0") &&
	       !strcmp(fake.target, "0000:00:04.0") &&
	       fake.timeout_ms == 5000 && !fake.restart);
	result("swap: waits the timeout and 30 s",
	       fake.first_wait_ms > 34000 && fake.first_wait_ms <= 35000);
	result("swap: a line per phase, the summary and notes, exit 0",
	       ret == SC_EXIT_OK && !err[0] && fake.dev_gets == 1 &&
	       !strcmp(out,
		       "eth0: parking (e1000 0000:00:03.0)\n"
		       "eth0: parked (e1000 0000:00:03.0)\n"
		       "eth0: binding (e1000 0000:00:03.0)\n"
		       "eth0: replaying (e1000 0000:00:03.0)\n"
		       "eth0: swapped e1000 0000:00:03.0 -> 8139cp 0000:00:04.0 in 812.3 ms (park 1.2, unbind 30.1, probe 120.0, replay 15.2, link 600.0 ms; in the drivers 158.4 ms, the shadow's own 53.9 ms)\n"
		       "  note: wake-on-lan 0x20: 8139cp has none\n"));
}

static void test_swap_json(void)
{
	static const struct km_swap rolled_back = {
		.seq = 7, .from = "e1000", .from_addr = "0000:00:03.0",
		.to = "e1000", .to_addr = "0000:00:03.0", .err = EIO,
		.reason = "8139cp did not open (-5)",
		.us = { 1, 2, 3, 4, 5, 15, 7, 3 },
	};
	char out[4096], err[4096];
	int ret;

	fake_reset();
	fake.seq = 7;
	fake.state = -1;
	phases(SHADOW_STATE_REPLAYING, &rolled_back);
	ret = run(out, err, sizeof(out), "-j", "s", "eth0", NULL);
	result("swap -j: no target, no timeout asked",
	       fake.swaps == 1 && !fake.target[0] && fake.timeout_ms == -1 &&
	       fake.first_wait_ms > 39000 && fake.first_wait_ms <= 40000);
	result("swap -j: rolled back is one JSON object, exit 6",
	       ret == SC_EXIT_SWAP_FAILED && !err[0] &&
	       !strcmp(out, "{\"ifname\":\"eth0\",\"ifindex\":2,\"seq\":7,\"result\":\"rolled-back\",\"from\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"to\":{\"driver\":\"e1000\",\"bus_addr\":\"0000:00:03.0\"},\"phases_us\":{\"park\":1,\"unbind\":2,\"probe\":3,\"replay\":4,\"link\":5,\"total\":15,\"drivers\":7,\"own\":3,\"prepare\":null},\"errno\":5,\"error\":\"Input/output error\",\"reason\":\"8139cp did not open (-5)\",\"notes\":[],\"state\":null}\n"));
}

static void test_restart(void)
{
	static const struct km_swap failure = {
		.seq = 4, .from = "e1000", .from_addr = "0000:00:03.0",
		.err = ENXIO, .reason = "no device probed within 100 ms",
		.us = { 1000, 2000, 100000, 0, 0, 103000, 101500, 1500 },
	};
	char out[4096], err[4096];
	int ret;

	fake_reset();
	fake.seq = 4;
	fake.state = SHADOW_STATE_PARKED;
	event(km_event("eth0", 2, NULL, "0000:00:03.0",
		       SHADOW_STATE_FAILED, &failure));
	ret = run(out, err, sizeof(out), "restart", "timeout", "100", "eth0",
		  NULL);
	result("restart: the flag, no target",
	       fake.restart && !fake.target[0] && fake.timeout_ms == 100);
	result("restart: failed, parked, exit 6",
	       ret == SC_EXIT_SWAP_FAILED &&
	       !strcmp(out,
		       "eth0: failed e1000 0000:00:03.0 after 103.0 ms (park 1.0, unbind 2.0, probe 100.0, replay 0.0, link 0.0 ms; in the drivers 101.5 ms, the shadow's own 1.5 ms)\n"
		       "  error: No such device or address: no device probed within 100 ms\n"
		       "  state: parked\n"));
}

static void test_errors(void)
{
	char out[4096], err[4096];
	int ret;

	fake_reset();
	fake.seq = 7;
	phases(SHADOW_STATE_PARKED, NULL);
	ret = run(out, err, sizeof(out), "swap", "dev", "eth0", "timeout",
		  "1000", NULL);
	result("swap: no outcome in time, exit 5",
	       ret == SC_EXIT_TIMEOUT &&
	       strstr(err, "shadowctl: swap dev eth0: swap 7: no outcome within 31000 ms") &&
	       strstr(out, "eth0: parked (e1000 0000:00:03.0)\n") &&
	       !fake.dev_gets);

	fake_reset();
	fake.swap_ret = SC_EXIT_KERNEL;
	phases(SHADOW_STATE_PARKED, NULL);
	ret = run(out, err, sizeof(out), "swap", "dev", "eth0", NULL);
	result("swap: refused, exit 2 and no wait",
	       ret == SC_EXIT_KERNEL && !fake.waits && !out[0]);

	fake_reset();
	ret = run(out, err, sizeof(out), "restart", "dev", "eth0", "to",
		  "0000:00:04.0", NULL);
	result("restart: a target is a usage error",
	       ret == SC_EXIT_USAGE && !fake.swaps &&
	       strstr(err, "it takes no \"to\""));

	fake_reset();
	ret = run(out, err, sizeof(out), "swap", "dev", "eth0", "to",
		  "0000:00:20.0", NULL);
	result("swap: device 0x20 is no PCI address",
	       ret == SC_EXIT_USAGE && !fake.swaps);
}

int main(void)
{
	test_swap();
	test_swap_json();
	test_restart();
	test_errors();
	fake_reset();
	return test_failed;
}
