// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of genl.c without a kernel: libnl's send and receive are replaced
 * by a fake "shadow" family that answers as linux/shadow.h says the kernel
 * does (replies, NLMSG_DONE, acks, errors with an extended-ack message,
 * NLM_F_DUMP_INTR). Prints "ok - NAME" or "not ok - NAME" per test.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "compiler.h"
#include "genl.h"
#include "harness.h"
#include "shadowctl.h"

#define FAMILY	0x1e
#define QMAX	16

static struct fake {
	/* how to answer */
	int intr_rounds;	/* this many dumps carry NLM_F_DUMP_INTR */
	int error;		/* answer with -error */
	bool error_in_done;	/* a dump's error comes in NLMSG_DONE */
	const char *extack;
	int nreplies;		/* data messages per answer */
	const struct sc_nl_req *ext;	/* sent with sc_nl_request_ext() */
	/* what was asked */
	int requests;
	int cmd;
	int flags;
	char ifname[IFNAMSIZ];
	long long timeout_ms;	/* SHADOW_A_SWAP_TIMEOUT_MS, -1: absent */
	/* answers not yet read */
	struct nl_msg *q[QMAX];
	int qn;
	int qpos;
} fake;

static void queue(struct nl_msg *msg)
{
	if (!msg || fake.qn == QMAX) {
		fprintf(stderr, "fake: too many answers\n");
		exit(2);
	}
	fake.q[fake.qn++] = msg;
}

static struct nl_msg *answer(int type, int flags, __u32 seq)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (!msg)
		exit(2);
	nlmsg_hdr(msg)->nlmsg_seq = seq;
	nlmsg_hdr(msg)->nlmsg_pid = 1234;
	return msg;
}

static void queue_error(struct nlmsghdr *req, int error)
{
	int flags = NLM_F_CAPPED | (fake.extack ? NLM_F_ACK_TLVS : 0);
	struct nl_msg *msg = answer(NLMSG_ERROR, flags, req->nlmsg_seq);
	struct nlmsgerr e = { .error = -error, .msg = *req };

	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	if (fake.extack)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, fake.extack);
	queue(msg);
}

static void queue_done(struct nlmsghdr *req, int error)
{
	int flags = NLM_F_MULTI | (fake.extack ? NLM_F_ACK_TLVS : 0);
	struct nl_msg *msg = answer(NLMSG_DONE, flags, req->nlmsg_seq);
	int err = -error;

	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	if (error && fake.extack)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, fake.extack);
	queue(msg);
}

static void queue_dev(struct nlmsghdr *req, int i, bool dump)
{
	int flags = dump ? NLM_F_MULTI : 0;
	struct nl_msg *msg;
	char name[IFNAMSIZ];

	if (dump && fake.requests <= fake.intr_rounds)
		flags |= NLM_F_DUMP_INTR;
	msg = answer(FAMILY, flags, req->nlmsg_seq);
	genlmsg_put(msg, 1234, req->nlmsg_seq, FAMILY, 0, flags,
		    SHADOW_CMD_DEV_GET, SHADOW_GENL_VERSION);
	snprintf(name, sizeof(name), "eth%d", i);
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, i + 2);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, name);
	queue(msg);
}

static int fake_send(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;
	struct nlattr *ifname, *timeout;
	int i;

	(void)sk;
	fake.requests++;
	fake.cmd = genlmsg_hdr(nlh)->cmd;
	fake.flags = nlh->nlmsg_flags;
	ifname = nlmsg_find_attr(nlh, GENL_HDRLEN, SHADOW_A_DEV_IFNAME);
	snprintf(fake.ifname, sizeof(fake.ifname), "%s",
		 ifname ? nla_get_string(ifname) : "");
	timeout = nlmsg_find_attr(nlh, GENL_HDRLEN, SHADOW_A_SWAP_TIMEOUT_MS);
	fake.timeout_ms = timeout ? (long long)nla_get_u32(timeout) : -1;
	if (nlh->nlmsg_type != FAMILY ||
	    genlmsg_hdr(nlh)->version != SHADOW_GENL_VERSION)
		return -NLE_INVAL;
	if (fake.error && !(dump && fake.error_in_done)) {
		queue_error(nlh, fake.error);
		return nlh->nlmsg_len;
	}
	for (i = 0; i < fake.nreplies; i++)
		queue_dev(nlh, i, dump);
	if (dump)
		queue_done(nlh, fake.error);
	else if (nlh->nlmsg_flags & NLM_F_ACK)
		queue_error(nlh, 0);
	return nlh->nlmsg_len;
}

/* One answer per read, as a real socket gives one datagram. */
static int fake_recv(struct nl_sock *sk, struct sockaddr_nl *nla,
		     unsigned char **buf, struct ucred **creds)
{
	struct nlmsghdr *nlh;
	int len;

	(void)sk;
	(void)creds;
	if (fake.qpos == fake.qn)
		return -NLE_FAILURE;	/* would block forever */
	nlh = nlmsg_hdr(fake.q[fake.qpos]);
	len = nlh->nlmsg_len;
	*buf = malloc(len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, nlh, len);
	memset(nla, 0, sizeof(*nla));
	nla->nl_family = AF_NETLINK;
	nlmsg_free(fake.q[fake.qpos++]);
	return len;
}

static void fake_reset(void)
{
	while (fake.qpos < fake.qn)
		nlmsg_free(fake.q[fake.qpos++]);
	memset(&fake, 0, sizeof(fake));
}

static void fake_open(struct sc_nl *nl)
{
	struct nl_cb *scb;

	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	nl->family = FAMILY;
	if (!nl->sk || !nl->cb)
		exit(2);
	scb = nl_socket_get_cb(nl->sk);
	nl_cb_overwrite_send(scb, fake_send);
	nl_cb_put(scb);
	nl_cb_overwrite_recv(nl->cb, fake_recv);
}

/*
 * Run one request against the fake; RET is its sc_exit and ERR what it
 * wrote to stderr.
 */
static int request(int cmd, bool dump, const char *ifname,
		   struct sc_msgs *msgs, char *err, size_t errlen)
{
	struct sc_nl nl;
	FILE *tmp = tmpfile();
	int saved = dup(2);
	char copy[1024];
	char *line, *save;
	size_t n;
	int ret;

	if (!tmp || saved < 0)
		exit(2);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	fake_open(&nl);
	if (fake.ext)
		ret = sc_nl_request_ext(&nl, fake.ext, msgs, "test");
	else
		ret = sc_nl_request(&nl, cmd, dump, ifname, msgs, "test");
	sc_nl_close(&nl);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, MIN(errlen, sizeof(copy)) - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	memcpy(copy, err, n + 1);
	printf("# exit %d, %d requests, %zu replies\n", ret, fake.requests,
	       msgs ? msgs->n : 0);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		printf("# stderr: %s\n", line);
	return ret;
}

static void test_dump(void)
{
	struct sc_msgs msgs = { 0 };
	char err[1024];
	int ret;

	fake_reset();
	fake.nreplies = 3;
	ret = request(SHADOW_CMD_DEV_GET, true, NULL, &msgs, err,
		      sizeof(err));
	result("dump: three replies and NLMSG_DONE",
	       ret == SC_EXIT_OK && msgs.n == 3 && fake.requests == 1 &&
	       fake.cmd == SHADOW_CMD_DEV_GET &&
	       (fake.flags & NLM_F_DUMP) == NLM_F_DUMP && !fake.ifname[0] &&
	       !err[0]);
	sc_msgs_free(&msgs);

	fake_reset();
	fake.nreplies = 2;
	fake.intr_rounds = 2;
	ret = request(SHADOW_CMD_LOG_GET, true, "eth0", &msgs, err,
		      sizeof(err));
	result("dump: NLM_F_DUMP_INTR twice, then a clean dump",
	       ret == SC_EXIT_OK && msgs.n == 2 && fake.requests == 3 &&
	       fake.cmd == SHADOW_CMD_LOG_GET &&
	       !strcmp(fake.ifname, "eth0"));
	sc_msgs_free(&msgs);

	fake_reset();
	fake.nreplies = 2;
	fake.intr_rounds = 100;
	ret = request(SHADOW_CMD_LOG_GET, true, "eth0", &msgs, err,
		      sizeof(err));
	result("dump: always interrupted gives up (exit 4)",
	       ret == SC_EXIT_IO && msgs.n == 0 && fake.requests == 4 &&
	       strstr(err, "still changing"));
	sc_msgs_free(&msgs);

	fake_reset();
	fake.error = ENODEV;
	fake.error_in_done = true;
	fake.extack = "no interface eth7";
	ret = request(SHADOW_CMD_LOG_GET, true, "eth7", &msgs, err,
		      sizeof(err));
	result("dump: error in NLMSG_DONE with extack (exit 2)",
	       ret == SC_EXIT_KERNEL && msgs.n == 0 &&
	       strstr(err, "shadowctl: kernel: no interface eth7\n") &&
	       strstr(err, "shadowctl: test: No such device\n"));
	sc_msgs_free(&msgs);

	fake_reset();
	fake.error = EPERM;
	ret = request(SHADOW_CMD_OBJ_GET, true, NULL, &msgs, err,
		      sizeof(err));
	result("dump: refused at start, no extack (exit 2)",
	       ret == SC_EXIT_KERNEL && !strstr(err, "kernel:") &&
	       strstr(err, "shadowctl: test: needs CAP_NET_ADMIN: Operation not permitted\n"));
	sc_msgs_free(&msgs);
}

static void test_do(void)
{
	struct sc_msgs msgs = { 0 };
	char err[1024];
	int ret;

	fake_reset();
	fake.nreplies = 1;
	ret = request(SHADOW_CMD_DEV_GET, false, "eth0", &msgs, err,
		      sizeof(err));
	result("do: one reply and the ack",
	       ret == SC_EXIT_OK && msgs.n == 1 &&
	       !(fake.flags & NLM_F_DUMP) && !strcmp(fake.ifname, "eth0"));
	sc_msgs_free(&msgs);

	fake_reset();
	ret = request(SHADOW_CMD_DEV_ATTACH, false, "eth0", NULL, err,
		      sizeof(err));
	result("do: attach acked",
	       ret == SC_EXIT_OK && fake.cmd == SHADOW_CMD_DEV_ATTACH &&
	       (fake.flags & NLM_F_ACK) && !err[0]);

	fake_reset();
	fake.error = EOPNOTSUPP;
	fake.extack = "driver module e1000e is not shadowed";
	ret = request(SHADOW_CMD_DEV_ATTACH, false, "eth1", NULL, err,
		      sizeof(err));
	result("do: error with extack printed verbatim (exit 2)",
	       ret == SC_EXIT_KERNEL &&
	       strstr(err, "shadowctl: kernel: driver module e1000e is not shadowed\n"));

	fake_reset();
	fake.error = ENOENT;
	ret = request(SHADOW_CMD_DEV_DETACH, false, "eth1", NULL, err,
		      sizeof(err));
	result("do: error without extack (exit 2)",
	       ret == SC_EXIT_KERNEL && !strstr(err, "kernel:") &&
	       strstr(err, "shadowctl: test: not shadowed: No such file or directory\n"));
}

static int put_timeout(struct nl_msg *msg, const void *arg)
{
	return nla_put_u32(msg, SHADOW_A_SWAP_TIMEOUT_MS, *(const __u32 *)arg);
}

static void test_ext(void)
{
	static const __u32 ms = 2500;
	const struct sc_nl_req swap = {
		.cmd = SHADOW_CMD_SWAP, .ifname = "eth0",
		.fill = put_timeout, .arg = &ms,
	};
	const struct sc_nl_req quiet = {
		.cmd = SHADOW_CMD_DEV_GET, .ifname = "eth3", .quiet = true,
	};
	struct sc_msgs msgs = { 0 };
	char err[1024];
	int ret;

	fake_reset();
	fake.nreplies = 1;
	fake.ext = &swap;
	ret = request(0, false, NULL, &msgs, err, sizeof(err));
	result("ext: the fill adds its attributes after the ifname",
	       ret == SC_EXIT_OK && msgs.n == 1 &&
	       fake.cmd == SHADOW_CMD_SWAP && !strcmp(fake.ifname, "eth0") &&
	       fake.timeout_ms == 2500 && !err[0]);
	sc_msgs_free(&msgs);

	fake_reset();
	fake.error = ENOENT;
	fake.extack = "interface is not shadowed";
	fake.ext = &quiet;
	ret = request(0, false, NULL, &msgs, err, sizeof(err));
	result("ext: quiet refusal, exit 2 and no report",
	       ret == SC_EXIT_KERNEL && msgs.n == 0 && !err[0] &&
	       fake.timeout_ms == -1);
	sc_msgs_free(&msgs);
}

int main(void)
{
	test_dump();
	test_do();
	test_ext();
	fake_reset();
	return test_failed;
}
