// SPDX-License-Identifier: GPL-2.0
/*
 * shadowctl swap | restart: ask for a swap of the driver under an
 * interface (SHADOW_CMD_SWAP) and follow it to its outcome on the events
 * group. The events socket joins the group before the request is sent, so
 * that no phase can pass unseen; the events of other swaps, attaches and
 * detaches are skipped by the swap's number.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "compiler.h"
#include "decode.h"
#include "genl.h"
#include "log.h"
#include "output.h"
#include "shadowctl.h"

/* The kernel's wait for a device when the request names none. */
#define SWAP_TIMEOUT_DEFAULT_MS	10000
/* What a swap may take beyond that wait: rollback, replay, link. */
#define SWAP_GRACE_MS		30000

struct swap_req {
	const char *ifname;
	char target[32];	/* PCI address, "" for any */
	const char *driver;	/* or a PCI driver's name; NULL for any */
	__u32 timeout_ms;	/* 0: the kernel's default */
	bool restart;
};

struct swap_run {
	const char *what;
	__u32 seq;
	struct nl_msg *final;	/* the last event, a reference; NULL yet */
	struct sc_event ev;	/* FINAL decoded */
};

/*
 * A PCI address as lspci or sysfs spell it, [DOMAIN:]BUS:DEV.FN in hex,
 * into BUF the kernel's way (0000:00:05.0). 0 or -EINVAL.
 */
static int pci_addr(const char *s, char *buf, size_t size)
{
	unsigned int dom = 0, bus, dev, fn;
	int n = -1;

	if (strspn(s, "0123456789abcdefABCDEF:.") != strlen(s))
		return -EINVAL;
	if (sscanf(s, "%8x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) != 4 ||
	    s[n]) {
		dom = 0;
		n = -1;
		if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 ||
		    s[n])
			return -EINVAL;
	}
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(buf, size, "%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return 0;
}

/* A PCI driver's name as the kernel spells it (8139cp, virtio-pci). */
static bool driver_name(const char *s)
{
	size_t n = strlen(s);

	return n && n < 32 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

/* MS: a whole number of milliseconds, 1 to UINT32_MAX. 0 or -EINVAL. */
static int parse_ms(const char *s, __u32 *ms)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || !v || v > UINT32_MAX)
		return -EINVAL;
	*ms = v;
	return 0;
}

static int put_swap_attrs(struct nl_msg *msg, const void *arg)
{
	const struct swap_req *req = arg;

	if (req->target[0] &&
	    nla_put_string(msg, SHADOW_A_SWAP_TARGET, req->target) < 0)
		return -EMSGSIZE;
	if (req->driver &&
	    nla_put_string(msg, SHADOW_A_SWAP_DRIVER, req->driver) < 0)
		return -EMSGSIZE;
	if (req->timeout_ms &&
	    nla_put_u32(msg, SHADOW_A_SWAP_TIMEOUT_MS, req->timeout_ms) < 0)
		return -EMSGSIZE;
	if (req->restart && nla_put_flag(msg, SHADOW_A_SWAP_RESTART) < 0)
		return -EMSGSIZE;
	return 0;
}

/* A phase is printed as it comes; the final event ends the wait. */
static int event_cb(struct nl_msg *msg, void *arg)
{
	struct swap_run *run = arg;
	struct sc_event ev;
	char err[256];
	int rc;

	/* the group also carries other swaps', attaches and detaches */
	rc = sc_event_parse(nlmsg_hdr(msg), &ev, err, sizeof(err));
	if (rc == -EINVAL)
		pr_warn("%s: event: %s", run->what, err);
	if (rc || ev.swap.seq != run->seq)
		return NL_SKIP;
	if (!sc_swap_final(&ev)) {
		if (!sc_opts.json) {
			sc_swap_phase_text(stdout, &ev);
			fflush(stdout);
		} else if (sc_log_level >= SC_LOG_INFO) {
			sc_swap_phase_text(stderr, &ev);
		}
		return NL_OK;
	}
	nlmsg_get(msg);
	run->final = msg;
	run->ev = ev;
	return NL_STOP;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read the events until RUN's final one, for WAIT_MS at the most. */
static int wait_final(struct sc_nl *nl, struct nl_cb *cb,
		      struct swap_run *run, long long wait_ms)
{
	long long deadline = now_ms() + wait_ms;
	long long left;
	int ret = SC_EXIT_OK;

	while (!run->final && ret == SC_EXIT_OK) {
		left = deadline - now_ms();
		if (left <= 0)
			ret = SC_EXIT_TIMEOUT;
		else
			ret = sc_nl_events(nl, cb, (int)MIN(left, INT_MAX),
					   run->what);
	}
	if (ret == SC_EXIT_TIMEOUT)
		sc_error_plain(ETIMEDOUT,
			       "%s: swap %u: no outcome within %lld ms (see \"shadowctl dev show\")",
			       run->what, run->seq, wait_ms);
	return ret;
}

/* The interface's state once the swap is over; NULL if unknown. */
static const char *state_after(struct sc_nl *nl, const char *ifname,
			       const char *what)
{
	const struct sc_nl_req r = { .cmd = SHADOW_CMD_DEV_GET,
				     .ifname = ifname, .quiet = true };
	struct sc_msgs msgs = { 0 };
	const char *state = NULL;
	struct sc_dev dev;
	char err[256];

	if (!sc_nl_request_ext(nl, &r, &msgs, what) && msgs.n == 1 &&
	    !sc_dev_parse(nlmsg_hdr(msgs.v[0]), &dev, err, sizeof(err)) &&
	    dev.state >= 0)
		state = sc_state_name(dev.state);
	sc_msgs_free(&msgs);
	if (!state)
		pr_info("%s: the interface's state after the swap is unknown",
			what);
	return state;
}

static int report(struct sc_nl *nl, const struct swap_run *run,
		  const char *ifname)
{
	const char *state = state_after(nl, ifname, run->what);
	struct json_object *obj;

	if (sc_opts.json) {
		obj = sc_swap_result_json(&run->ev, state);
		if (!obj) {
			sc_error(ENOMEM, NULL, "%s", run->what);
			return SC_EXIT_IO;
		}
		sc_json_print(obj);
		json_object_put(obj);
	} else {
		sc_swap_result_text(stdout, &run->ev, state);
		fflush(stdout);
	}
	return sc_swap_ok(&run->ev) ? SC_EXIT_OK : SC_EXIT_SWAP_FAILED;
}

/* The swap's number from the reply; an sc_exit. */
static int reply_seq(const struct sc_msgs *msgs, struct swap_run *run)
{
	char err[256];

	if (msgs->n != 1)
		snprintf(err, sizeof(err), "%zu replies, expected one",
			 msgs->n);
	else if (!sc_swap_reply_parse(nlmsg_hdr(msgs->v[0]), &run->seq, err,
				      sizeof(err)))
		return SC_EXIT_OK;
	sc_error_plain(EPROTO, "%s: %s", run->what, err);
	return SC_EXIT_IO;
}

static int swap_follow(const struct swap_req *req, const char *what)
{
	const struct sc_nl_req r = { .cmd = SHADOW_CMD_SWAP,
				     .ifname = req->ifname,
				     .fill = put_swap_attrs, .arg = req };
	struct swap_run run = { .what = what };
	struct sc_nl events = { 0 };
	struct sc_msgs msgs = { 0 };
	struct sc_nl nl = { 0 };
	struct nl_cb *cb = NULL;
	int ret;

	ret = sc_nl_open(&events, sc_opts.debug);
	if (ret)
		goto out;
	/* Listen first: the phases may come before the reply. */
	ret = sc_nl_listen(&events, SHADOW_GENL_MCGRP_EVENTS, event_cb, &run,
			   &cb, what);
	if (ret)
		goto out;
	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	ret = sc_nl_request_ext(&nl, &r, &msgs, what);
	if (ret)
		goto out;
	ret = reply_seq(&msgs, &run);
	if (ret)
		goto out;
	pr_info("%s: swap %u queued", what, run.seq);
	ret = wait_final(&events, cb, &run,
			 (long long)(req->timeout_ms ? req->timeout_ms :
				     SWAP_TIMEOUT_DEFAULT_MS) + SWAP_GRACE_MS);
	if (ret)
		goto out;
	ret = report(&nl, &run, req->ifname);
out:
	if (run.final)
		nlmsg_free(run.final);
	sc_msgs_free(&msgs);
	nl_cb_put(cb);
	sc_nl_close(&nl);
	sc_nl_close(&events);
	return ret;
}

static int swap_cmd(int argc, char **argv, bool restart)
{
	const char *target = NULL, *timeout = NULL;
	const struct sc_kwarg kw[] = {
		{ "to", "a PCI_ADDR or DRIVER", &target },
		{ "timeout", "MS", &timeout },
	};
	struct swap_req req = { .restart = restart };
	char what[64];
	int ret;

	ret = sc_parse_args(argc, argv, &req.ifname, true, kw,
			    ARRAY_SIZE(kw));
	if (ret)
		return ret;
	if (target && restart)
		return sc_usage_error("restart binds the interface's own device again; it takes no",
				      "to");
	if (target && pci_addr(target, req.target, sizeof(req.target))) {
		if (!driver_name(target))
			return sc_usage_error("neither a PCI address ([DOMAIN:]BUS:DEV.FN) nor a driver name:",
					      target);
		req.driver = target;
	}
	if (timeout && parse_ms(timeout, &req.timeout_ms))
		return sc_usage_error("bad timeout MS (whole milliseconds, 1 or more):",
				      timeout);
	snprintf(what, sizeof(what), "%s dev %s",
		 restart ? "restart" : "swap", req.ifname);
	return swap_follow(&req, what);
}

int do_swap(int argc, char **argv)
{
	return swap_cmd(argc, argv, false);
}

int do_restart(int argc, char **argv)
{
	return swap_cmd(argc, argv, true);
}
