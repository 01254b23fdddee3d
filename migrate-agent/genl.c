// SPDX-License-Identifier: GPL-2.0
/*
 * libnl-3 plumbing as iw does it: open, connect, ask for extended acks,
 * resolve the family; per request three callbacks (error, finish, ack)
 * share one status and the receive loop runs while it is positive. A
 * listener joins the events group and polls its socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/shadow.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "genl.h"
#include "log.h"
#include "shadowctl.h"

#define DUMP_TRIES	4

struct req {
	int status;		/* 1 waiting, 0 done, -errno from the kernel */
	bool intr;		/* a message carried NLM_F_DUMP_INTR */
	bool nomem;
	char kmsg[256];		/* extended-ack message, "" if none */
	struct sc_msgs *msgs;
};

void sc_msgs_free(struct sc_msgs *msgs)
{
	size_t i;

	if (!msgs)
		return;
	for (i = 0; i < msgs->n; i++)
		nlmsg_free(msgs->v[i]);
	free(msgs->v);
	msgs->v = NULL;
	msgs->n = 0;
	msgs->cap = 0;
}

static int msgs_add(struct sc_msgs *msgs, struct nl_msg *msg)
{
	struct nl_msg **v;
	size_t cap;

	if (msgs->n == msgs->cap) {
		cap = msgs->cap ? msgs->cap * 2 : 16;
		v = realloc(msgs->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		msgs->v = v;
		msgs->cap = cap;
	}
	nlmsg_get(msg);
	msgs->v[msgs->n++] = msg;
	return 0;
}

/* The NLMSGERR_ATTR_MSG among the TLVS after an error or a done. */
static void get_extack(struct req *req, void *tlvs, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *m;

	if (len <= 0 || nla_parse(tb, NLMSGERR_ATTR_MAX, tlvs, len, NULL))
		return;
	m = tb[NLMSGERR_ATTR_MSG];
	if (!m || nla_len(m) <= 0)
		return;
	snprintf(req->kmsg, sizeof(req->kmsg), "%.*s",
		 (int)strnlen(nla_data(m), nla_len(m)), (char *)nla_data(m));
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	int ack_len = sizeof(*nlh) + sizeof(int) + sizeof(*nlh);
	struct req *req = arg;

	(void)nla;
	req->status = err->error < 0 ? err->error : -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += err->msg.nlmsg_len - sizeof(*nlh);
	if ((int)nlh->nlmsg_len > ack_len)
		get_extack(req, (char *)nlh + ack_len,
			   nlh->nlmsg_len - ack_len);
	return NL_STOP;
}

/* NLMSG_DONE: the dump's errno, then extended-ack TLVs if any. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *req = arg;
	int len = nlmsg_datalen(nlh);
	int err = 0;

	if (len >= (int)sizeof(int))
		memcpy(&err, nlmsg_data(nlh), sizeof(int));
	req->status = err < 0 ? err : 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		get_extack(req, (char *)nlmsg_data(nlh) + sizeof(int),
			   len - (int)sizeof(int));
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req *req = arg;

	(void)msg;
	req->status = 0;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req *req = arg;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		req->intr = true;
	if (req->msgs && msgs_add(req->msgs, msg))
		req->nomem = true;
	return NL_OK;
}

int sc_nl_open(struct sc_nl *nl, bool debug)
{
	int one = 1;
	int rc;

	nl->family = -1;
	nl->cb = nl_cb_alloc(debug ? NL_CB_DEBUG : NL_CB_DEFAULT);
	/* the socket's own callbacks too, for the debug dump of sends */
	nl->sk = nl->cb ? nl_socket_alloc_cb(nl->cb) : NULL;
	if (!nl->sk || !nl->cb) {
		sc_error(ENOMEM, NULL, "cannot allocate a netlink socket");
		return SC_EXIT_IO;
	}
	if (debug) {
		/* libnl's dumps go to stdout unless told; keep it for output */
		nl_cb_set_all(nl->cb, NL_CB_DEBUG, NULL, stderr);
		nl_cb_err(nl->cb, NL_CB_DEBUG, NULL, stderr);
	}
	rc = genl_connect(nl->sk);
	if (rc < 0) {
		sc_error_plain(EIO, "cannot open a generic netlink socket: %s",
			       nl_geterror(rc));
		return SC_EXIT_IO;
	}
	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		       &one, sizeof(one)) < 0)
		pr_debug("no extended acks: %s", strerror(errno));
	rc = genl_ctrl_resolve(nl->sk, SHADOW_GENL_NAME);
	if (rc == -NLE_OBJ_NOTFOUND) {
		sc_error_plain(ENOENT,
			       "shadow.ko is not loaded (no generic netlink family \"%s\")",
			       SHADOW_GENL_NAME);
		return SC_EXIT_NOFAMILY;
	}
	if (rc < 0) {
		sc_error_plain(EIO, "cannot resolve the \"%s\" family: %s",
			       SHADOW_GENL_NAME, nl_geterror(rc));
		return SC_EXIT_IO;
	}
	nl->family = rc;
	pr_debug("family %s is %d", SHADOW_GENL_NAME, nl->family);
	return SC_EXIT_OK;
}

void sc_nl_close(struct sc_nl *nl)
{
	nl_cb_put(nl->cb);
	nl_socket_free(nl->sk);
	nl->cb = NULL;
	nl->sk = NULL;
}

/* The id of multicast group NAME of the family, or an sc_exit negated. */
static int group_id(struct sc_nl *nl, const char *name)
{
	int rc;

	rc = genl_ctrl_resolve_grp(nl->sk, SHADOW_GENL_NAME, name);
	if (rc < 0) {
		sc_error_plain(ENOENT, "no multicast group \"%s\": %s", name,
			       nl_geterror(rc));
		return -SC_EXIT_IO;
	}
	return rc;
}

/* Events are not answers: any sequence number goes. */
static int seq_any(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int sc_nl_listen(struct sc_nl *nl, const char *name, nl_recvmsg_msg_cb_t fn,
		 void *arg, struct nl_cb **cb, const char *what)
{
	int group;
	int rc;

	*cb = NULL;
	group = group_id(nl, name);
	if (group < 0)
		return -group;
	rc = nl_socket_add_membership(nl->sk, group);
	if (rc < 0) {
		sc_error_plain(EIO, "%s: cannot join \"%s\": %s", what, name,
			       nl_geterror(rc));
		return SC_EXIT_IO;
	}
	nl_socket_set_nonblocking(nl->sk);
	*cb = nl_cb_clone(nl->cb);
	if (!*cb) {
		sc_error(ENOMEM, NULL, "%s", what);
		return SC_EXIT_IO;
	}
	nl_cb_set(*cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);
	nl_cb_set(*cb, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);
	return SC_EXIT_OK;
}

int sc_nl_events(struct sc_nl *nl, struct nl_cb *cb, int timeout_ms,
		 const char *what)
{
	struct pollfd pfd = { nl_socket_get_fd(nl->sk), POLLIN, 0 };
	int rc;

	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0 && errno == EINTR)
		return SC_EXIT_OK;
	if (rc < 0) {
		sc_error(errno, NULL, "%s: poll", what);
		return SC_EXIT_IO;
	}
	if (!rc)
		return SC_EXIT_TIMEOUT;
	rc = nl_recvmsgs(nl->sk, cb);
	if (rc == -NLE_NOMEM) {
		/* ENOBUFS: the socket overflowed */
		pr_warn("%s: events were lost", what);
	} else if (rc < 0 && rc != -NLE_AGAIN) {
		sc_error_plain(EIO, "%s: receive: %s", what, nl_geterror(rc));
		return SC_EXIT_IO;
	}
	return SC_EXIT_OK;
}

/* One send and receive; SC_EXIT_OK with REQ filled in, or an error. */
static int request_once(struct sc_nl *nl, const struct sc_nl_req *r,
			struct req *req, const char *what)
{
	struct nl_msg *msg = NULL;
	struct nl_cb *cb = NULL;
	int ret = SC_EXIT_IO;
	int rc;

	msg = nlmsg_alloc();
	cb = nl_cb_clone(nl->cb);
	if (!msg || !cb) {
		sc_error(ENOMEM, NULL, "%s", what);
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 r->dump ? NLM_F_DUMP : 0, r->cmd, SHADOW_GENL_VERSION) ||
	    (r->ifname &&
	     nla_put_string(msg, SHADOW_A_DEV_IFNAME, r->ifname) < 0) ||
	    (r->fill && r->fill(msg, r->arg) < 0)) {
		sc_error(EMSGSIZE, NULL, "%s: cannot build the request", what);
		goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, req);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, req);

	rc = nl_send_auto(nl->sk, msg);
	if (rc < 0) {
		sc_error_plain(EIO, "%s: send: %s", what, nl_geterror(rc));
		goto out;
	}
	req->status = 1;
	while (req->status > 0) {
		rc = nl_recvmsgs(nl->sk, cb);
		if (rc == -NLE_DUMP_INTR)
			req->intr = true;
		else if (rc < 0 && req->status > 0) {
			sc_error_plain(EIO, "%s: receive: %s", what,
				       nl_geterror(rc));
			goto out;
		}
	}
	if (req->nomem) {
		sc_error(ENOMEM, NULL, "%s", what);
		goto out;
	}
	ret = SC_EXIT_OK;
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return ret;
}

/* What the errors of linux/shadow.h mean, for when there is no extack. */
static const char *errno_hint(int err)
{
	switch (err) {
	case ENODEV:
		return "no such interface";
	case ENOENT:
		return "not shadowed";
	case EEXIST:
		return "already attached";
	case EOPNOTSUPP:
		return "the driver module is not shadowed";
	case EPERM:
		return "needs CAP_NET_ADMIN";
	case EBUSY:
		return "a swap of the interface is running, or the device is busy";
	}
	return NULL;
}

static void report_kernel_error(const struct req *req, const char *what)
{
	const char *hint = errno_hint(-req->status);

	if (req->kmsg[0])
		sc_error(-req->status, req->kmsg, "%s", what);
	else if (hint)
		sc_error(-req->status, NULL, "%s: %s", what, hint);
	else
		sc_error(-req->status, NULL, "%s", what);
}

int sc_nl_request_ext(struct sc_nl *nl, const struct sc_nl_req *r,
		      struct sc_msgs *msgs, const char *what)
{
	struct req req;
	int tries = 0;
	int ret;

	do {
		memset(&req, 0, sizeof(req));
		req.msgs = msgs;
		sc_msgs_free(msgs);
		if (tries)
			pr_info("%s: changed during the dump, starting over",
				what);
		ret = request_once(nl, r, &req, what);
		if (ret != SC_EXIT_OK)
			goto out;
		if (req.status < 0) {
			if (!r->quiet)
				report_kernel_error(&req, what);
			ret = SC_EXIT_KERNEL;
			goto out;
		}
	} while (r->dump && req.intr && ++tries < DUMP_TRIES);
	if (req.intr) {
		sc_error(EINTR, NULL, "%s: still changing after %d dumps",
			 what, DUMP_TRIES);
		ret = SC_EXIT_IO;
	}
out:
	if (ret != SC_EXIT_OK)
		sc_msgs_free(msgs);
	return ret;
}

int sc_nl_request(struct sc_nl *nl, int cmd, bool dump, const char *ifname,
		  struct sc_msgs *msgs, const char *what)
{
	const struct sc_nl_req r = { .cmd = cmd, .dump = dump,
				     .ifname = ifname };

	return sc_nl_request_ext(nl, &r, msgs, what);
}
