// SPDX-License-Identifier: GPL-2.0
/*
 * genl_abuse: send the "shadow" generic netlink family malformed and
 * unprivileged-looking requests and check that each is refused with an
 * error (and, where the family can say why, an extended-ack message),
 * and that the family still answers afterwards. Run in the test guest by
 * selftests/netlink_abuse.sh; exit 0 pass, 1 fail, 4 skip (no family).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/shadow.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

struct outcome {
	int err;		/* negative errno from the kernel, or 0 */
	char msg[256];		/* its extack text, if any */
};

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;
	struct outcome *o = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	int ack_len = sizeof(*nlh) + sizeof(*e);

	(void)nla;
	o->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - sizeof(*nlh);
	if (nlh->nlmsg_len > (unsigned int)ack_len &&
	    !nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + ack_len),
		       nlh->nlmsg_len - ack_len, NULL) && tb[NLMSGERR_ATTR_MSG])
		snprintf(o->msg, sizeof(o->msg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct outcome *)arg)->err = 0;
	return NL_STOP;
}

/* A dump ends in NLMSG_DONE, whose payload is its error (0 for success). */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct outcome *o = arg;

	o->err = nlmsg_datalen(nlh) >= (int)sizeof(int) ? *(int *)nlmsg_data(nlh) : 0;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Send a prepared message and collect the kernel's verdict. */
static int exchange(struct nl_sock *sk, struct nl_msg *msg, struct outcome *o)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int rc;

	if (!cb)
		return -ENOMEM;
	o->err = 1;
	o->msg[0] = '\0';
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, o);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, o);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, o);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, o);
	rc = nl_send_auto(sk, msg);
	while (rc >= 0 && o->err > 0)
		rc = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	/* libnl reports the kernel's error too; what we have is the verdict. */
	return o->err <= 0 ? 0 : rc;
}

static struct nl_msg *request(int family, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				NLM_F_REQUEST | NLM_F_ACK | flags, cmd, 1)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int failures;

static void expect_refused(struct nl_sock *sk, struct nl_msg *msg, const char *what)
{
	struct outcome o;

	if (!msg || exchange(sk, msg, &o)) {
		printf("not ok - %s: could not send\n", what);
		failures++;
	} else if (o.err >= 0) {
		printf("not ok - %s: accepted\n", what);
		failures++;
	} else {
		printf("ok - %s: %s%s%s\n", what, strerror(-o.err),
		       o.msg[0] ? ", kernel says: " : "", o.msg);
	}
	nlmsg_free(msg);
}

int main(void)
{
	char longname[64];
	struct nl_sock *sk;
	struct nl_msg *msg;
	int family, one = 1;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk))
		return 1;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	family = genl_ctrl_resolve(sk, SHADOW_GENL_NAME);
	if (family < 0) {
		printf("SKIP: no \"%s\" family\n", SHADOW_GENL_NAME);
		return 4;
	}

	msg = request(family, SHADOW_CMD_DEV_GET, 0);
	nla_put_u8(msg, SHADOW_A_DEV_IFINDEX, 1);
	expect_refused(sk, msg, "ifindex of one byte");

	msg = request(family, SHADOW_CMD_DEV_GET, 0);
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, 0);
	expect_refused(sk, msg, "ifindex 0");

	msg = request(family, SHADOW_CMD_DEV_GET, 0);
	nla_put_u32(msg, 200, 1);
	expect_refused(sk, msg, "unknown attribute");

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	msg = request(family, SHADOW_CMD_DEV_ATTACH, 0);
	nla_put_string(msg, SHADOW_A_DEV_IFNAME, longname);
	expect_refused(sk, msg, "interface name longer than IFNAMSIZ");

	msg = request(family, SHADOW_CMD_DEV_DETACH, 0);
	expect_refused(sk, msg, "detach naming no interface");

	msg = request(family, SHADOW_CMD_LOG_GET, NLM_F_DUMP);
	expect_refused(sk, msg, "log dump naming no interface");

	msg = request(family, SHADOW_CMD_LOG_GET, NLM_F_DUMP);
	nla_put_u32(msg, SHADOW_A_DEV_IFINDEX, 1);
	expect_refused(sk, msg, "log dump of an interface that is not shadowed");

	msg = request(family, 99, 0);
	expect_refused(sk, msg, "unknown command");

	msg = request(family, SHADOW_CMD_DEV_GET, 0);
	if (msg)
		nlmsg_hdr(msg)->nlmsg_len = NLMSG_HDRLEN + 1;	/* cut the genl header */
	expect_refused(sk, msg, "truncated generic netlink header");

	/* Still alive and answering. */
	if (genl_ctrl_resolve(sk, SHADOW_GENL_NAME) != family) {
		printf("not ok - the family is gone after the abuse\n");
		failures++;
	}
	nl_socket_free(sk);
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
