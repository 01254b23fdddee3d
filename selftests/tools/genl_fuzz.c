// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz: random and mutated requests to the "shadow" generic netlink
 * family for a fixed time, built from what the kernel says of the family
 * (CTRL_CMD_GETFAMILY: its commands and their permission flags;
 * CTRL_CMD_GETPOLICY: each attribute's type, range and length), so that
 * the fuzzer follows the UAPI without a copy of it. Beside the root
 * process, three children send the same kind of requests with less
 * privilege (uid 65534; root of a new user namespace in the initial
 * network namespace; root of a new user and network namespace): every
 * command the family marks GENL_ADMIN_PERM, and GENL_UNS_ADMIN_PERM where
 * the caller is no admin of the namespace, must be refused with EPERM.
 * A tenth of the root's requests are dumps given up halfway (the socket
 * closed after the first reply) or doubled on one socket.
 *
 * Run in the test guest by selftests/genl_fuzz.sh, which judges the
 * kernel (the runner fails on any report) and the interfaces afterwards.
 *	genl_fuzz [-s SEED] SECONDS
 * Exit 0 pass, 1 fail (an unprivileged change not refused, or the family
 * stopped answering), 2 usage, 4 skip (no family).
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/shadow.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __aligned(n)	__attribute((aligned(n)))
#define __noreturn	__attribute((noreturn))

#define MAX_ATTR	64
#define MAX_OPS		32
#define MAX_WORDS	256
#define MSG_MAX		1024

/* What CTRL_CMD_GETPOLICY says of one attribute; type 0: not in it. */
struct attr_policy {
	uint32_t type;			/* enum netlink_attribute_type */
	bool has_range;
	int64_t min, max;		/* signed or unsigned, as given */
	uint32_t max_len;		/* strings and binaries; 0: none */
};

struct op {
	uint32_t cmd;
	uint32_t flags;			/* GENL_ADMIN_PERM, GENL_CMD_CAP_* */
};

static struct attr_policy policy[MAX_ATTR + 1];
static int max_attr;
static int known[MAX_ATTR];		/* the attributes the policy has */
static int nknown;
static struct op ops[MAX_OPS];
static int nops;
static int family;
static uint64_t rng;

/* What strings are made of: interface names first, other names, junk. */
static char *words[MAX_WORDS];
static int nwords, nifnames;

/* The counts printed at the end. */
struct stats {
	unsigned long sent, generated, mutated, dumps_cut, dumps_doubled;
	unsigned long swaps_started, no_reply;
	unsigned long err[134];		/* by errno; [0]: accepted */
};

static uint64_t next(void)
{
	/* xorshift64*: repeatable from the seed printed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint32_t below(uint32_t n)
{
	return n ? next() % n : 0;
}

static void add_word(const char *w)
{
	if (nwords < MAX_WORDS)
		words[nwords++] = strdup(w);
}

/* Every interface, PCI device and PCI driver of this guest, and junk. */
static void gather_words(void)
{
	static const char * const dirs[] = {
		"/sys/bus/pci/devices", "/sys/bus/pci/drivers",
	};
	struct if_nameindex *ifs = if_nameindex(), *ifp;
	static const char * const junk[] = {
		"", "x", "lo", "eth0", "0000:00:00.0", "00:03.0", "0000:ff:1f.7",
		"8139cp", "e1000", "virtio-pci", "../..", "%s%n%x",
		"xxxxxxxxxxxxxxx", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	};
	struct dirent *de;
	unsigned int i;
	DIR *d;

	for (ifp = ifs; ifp && ifp->if_name; ifp++)
		add_word(ifp->if_name);
	if (ifs)
		if_freenameindex(ifs);
	nifnames = nwords;
	if (!nifnames)
		add_word("lo");
	nifnames = nwords;
	for (i = 0; i < ARRAY_SIZE(junk); i++)
		add_word(junk[i]);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		d = opendir(dirs[i]);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				add_word(de->d_name);
		closedir(d);
	}
}

/* Policy and ops, through libnl's own parsing */

static int on_policy(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *idx, *a;
	struct nlattr *pt[NL_POLICY_TYPE_ATTR_MAX + 1];
	struct attr_policy *p;
	int r1, r2, t;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_POLICY])
		return NL_OK;
	nla_for_each_nested(idx, tb[CTRL_ATTR_POLICY], r1) {
		nla_for_each_nested(a, idx, r2) {
			t = nla_type(a);
			if (t < 1 || t > MAX_ATTR ||
			    nla_parse_nested(pt, NL_POLICY_TYPE_ATTR_MAX, a, NULL) ||
			    !pt[NL_POLICY_TYPE_ATTR_TYPE])
				continue;
			p = &policy[t];
			p->type = nla_get_u32(pt[NL_POLICY_TYPE_ATTR_TYPE]);
			if (pt[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]) {
				p->has_range = true;
				p->min = nla_get_u64(pt[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
				p->max = nla_get_u64(pt[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
			} else if (pt[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]) {
				p->has_range = true;
				p->min = nla_get_s64(pt[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]);
				p->max = nla_get_s64(pt[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]);
			}
			if (pt[NL_POLICY_TYPE_ATTR_MAX_LENGTH])
				p->max_len = nla_get_u32(pt[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);
			if (t > max_attr)
				max_attr = t;
		}
	}
	return NL_OK;
}

static int on_family(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *op;
	struct nlattr *ot[CTRL_ATTR_OP_MAX + 1];
	int rem;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL) ||
	    !tb[CTRL_ATTR_OPS])
		return NL_OK;
	nla_for_each_nested(op, tb[CTRL_ATTR_OPS], rem) {
		if (nops == MAX_OPS ||
		    nla_parse_nested(ot, CTRL_ATTR_OP_MAX, op, NULL) ||
		    !ot[CTRL_ATTR_OP_ID])
			continue;
		ops[nops].cmd = nla_get_u32(ot[CTRL_ATTR_OP_ID]);
		ops[nops].flags = ot[CTRL_ATTR_OP_FLAGS] ?
				  nla_get_u32(ot[CTRL_ATTR_OP_FLAGS]) : 0;
		nops++;
	}
	return NL_OK;
}

/* Ask the controller CMD about the family; replies go to FN. */
static int ask_ctrl(struct nl_sock *sk, int cmd, int flags, nl_recvmsg_msg_cb_t fn)
{
	struct nl_msg *msg = nlmsg_alloc();
	int rc = -ENOMEM;

	if (msg && genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			       flags, cmd, 1) &&
	    !nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, SHADOW_GENL_NAME)) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, fn, NULL);
		rc = nl_send_auto(sk, msg);
		if (rc >= 0)
			rc = nl_recvmsgs_default(sk);
	}
	nlmsg_free(msg);
	return rc < 0 ? rc : 0;
}

static int learn_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc = -NLE_NOMEM, i;

	if (!sk || genl_connect(sk))
		goto out;
	/* one reply per question: no ack left over for the next one */
	nl_socket_disable_auto_ack(sk);
	family = genl_ctrl_resolve(sk, SHADOW_GENL_NAME);
	if (family < 0) {
		rc = family;
		goto out;
	}
	rc = ask_ctrl(sk, CTRL_CMD_GETFAMILY, 0, on_family);
	if (!rc)
		rc = ask_ctrl(sk, CTRL_CMD_GETPOLICY, NLM_F_DUMP, on_policy);
	for (i = 1; i <= max_attr; i++)
		if (policy[i].type)
			known[nknown++] = i;
	if (!rc && (!nops || !nknown))
		rc = -NLE_OBJ_NOTFOUND;
out:
	nl_socket_free(sk);
	return rc;
}

/* Raw messages: the fuzzer's own bytes, not libnl's */

static int raw_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

struct msgbuf {
	unsigned char b[MSG_MAX] __aligned(NLMSG_ALIGNTO);
	size_t len;
};

static void put_attr(struct msgbuf *m, int type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (m->len + total > sizeof(m->b))
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(a + 1, data, len);
	memset((char *)(a + 1) + len, 0, total - NLA_HDRLEN - len);
	m->len += total;
}

static uint64_t pick_int(const struct attr_policy *p, int type)
{
	static const uint64_t edges[] = { 0, 1, 2, 0x7f, 0xff, 0xffff,
					  0x7fffffff, 0xffffffff, ~0ULL };
	unsigned int ifindex;

	switch (below(6)) {
	case 0:
		return edges[below(ARRAY_SIZE(edges))];
	case 1:
		if (p->has_range)
			return p->min - 1 + below(3);
		break;
	case 2:
		if (p->has_range)
			return p->max - 1 + below(3);
		break;
	case 3:
		if (type == SHADOW_A_SWAP_TIMEOUT_MS)
			break;
		ifindex = if_nametoindex(words[below(nwords)]);
		if (ifindex)
			return ifindex;
		break;
	}
	return next();
}

/* One attribute of TYPE, mostly as its policy wants it. */
static void gen_attr(struct msgbuf *m, int type)
{
	const struct attr_policy *p = &policy[type];
	unsigned char raw[96];
	size_t len = 0, i;
	uint64_t v;
	const char *w;

	switch (p->type) {
	case NL_ATTR_TYPE_U8: case NL_ATTR_TYPE_S8:
		len = 1;
		break;
	case NL_ATTR_TYPE_U16: case NL_ATTR_TYPE_S16:
		len = 2;
		break;
	case NL_ATTR_TYPE_U32: case NL_ATTR_TYPE_S32:
		len = 4;
		break;
	case NL_ATTR_TYPE_U64: case NL_ATTR_TYPE_S64:
		len = 8;
		break;
	case NL_ATTR_TYPE_FLAG:
		len = below(8) ? 0 : 4;
		memset(raw, 0, 4);
		put_attr(m, type, raw, len);
		return;
	case NL_ATTR_TYPE_STRING: case NL_ATTR_TYPE_NUL_STRING:
		w = words[below(2) ? below(nifnames) : below(nwords)];
		len = strlen(w);
		if (len > sizeof(raw) - 1)
			len = sizeof(raw) - 1;
		memcpy(raw, w, len);
		raw[len] = '\0';
		put_attr(m, type, raw, below(8) ? len + 1 : len);
		return;
	default:
		len = below(p->max_len ? p->max_len + 8 : 64);
		if (len > sizeof(raw))
			len = sizeof(raw);
		for (i = 0; i < len; i++)
			raw[i] = next();
		put_attr(m, type, raw, len);
		return;
	}
	v = pick_int(p, type);
	/* A swap waits parked up to its timeout: keep the waits short. */
	if (type == SHADOW_A_SWAP_TIMEOUT_MS && v > 3000)
		v = 1 + v % 3000;
	memcpy(raw, &v, sizeof(v));
	if (!below(10))
		len = 1 + below(8);	/* the wrong size */
	put_attr(m, type, raw, len);
}

/* A request for OP (or, now and then, for no command there is). */
static void gen_msg(struct msgbuf *m, const struct op *op, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = (struct genlmsghdr *)(nlh + 1);
	int n = below(5), type;

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if ((op->flags & GENL_CMD_CAP_DUMP) && (below(2) || !(op->flags & GENL_CMD_CAP_DO)))
		nlh->nlmsg_flags |= NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g->cmd = below(20) ? op->cmd : below(256);
	g->version = below(10) ? SHADOW_GENL_VERSION : below(256);
	while (n--) {
		type = known[below(nknown)];
		if (!below(12))
			type = below(0x10000);	/* unknown, nested bit, ... */
		if (type >= 1 && type <= max_attr && policy[type].type)
			gen_attr(m, type);
		else
			put_attr(m, type, &seq, below(5));
	}
	nlh->nlmsg_len = m->len;
}

/* Some bytes of M changed, cut or added; its length field mostly kept. */
static void mutate(struct msgbuf *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->b;
	int n = 1 + below(4);

	while (n--) {
		switch (below(4)) {
		case 0:
			if (m->len > NLMSG_HDRLEN)
				m->b[NLMSG_HDRLEN + below(m->len - NLMSG_HDRLEN)] = next();
			break;
		case 1:
			if (m->len > NLMSG_HDRLEN + 1)
				m->len = NLMSG_HDRLEN + below(m->len - NLMSG_HDRLEN);
			break;
		case 2:
			if (m->len + 8 <= sizeof(m->b)) {
				memset(m->b + m->len, (int)next(), 8);
				m->len += 8;
			}
			break;
		default:
			m->b[NLMSG_HDRLEN + below(GENL_HDRLEN)] ^= 1 << below(8);
		}
	}
	nlh->nlmsg_len = below(4) ? m->len : (uint32_t)next() % (m->len + 8);
}

/*
 * Send M and read until its ack, error or dump end (or the receive
 * timeout). Returns the errno of the answer (0: accepted), or -1 for no
 * answer. GIVE_UP: return after the first datagram, mid-dump.
 */
static int exchange(int fd, const struct msgbuf *m, bool give_up)
{
	static unsigned char buf[65536];
	const struct nlmsghdr *req = (const struct nlmsghdr *)m->b;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_usec = 500000 };
	uint32_t seq = req->nlmsg_seq;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	/* A length that does not fit gets no answer, or a quick one. */
	if (req->nlmsg_len != m->len)
		tv.tv_usec = 20000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, m->b, m->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return errno == EAGAIN ? -1 : errno;
		if (give_up)
			return 0;
		len = n;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				return -*(int *)NLMSG_DATA(nlh);
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
		}
	}
}

static void count(struct stats *st, int e)
{
	if (e < 0)
		st->no_reply++;
	else if ((size_t)e < ARRAY_SIZE(st->err))
		st->err[e]++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The root's run: generated, mutated, and dumps cut or doubled. */
static void fuzz_root(double end, struct stats *st)
{
	static struct msgbuf m, dump;
	uint32_t seq = 1;
	int fd = raw_socket(), e;
	const struct op *op;

	while (fd >= 0 && now() < end) {
		op = &ops[below(nops)];
		switch (below(10)) {
		case 0:	/* a dump given up after its first datagram */
			gen_msg(&dump, op, seq++);
			((struct nlmsghdr *)dump.b)->nlmsg_flags |= NLM_F_DUMP;
			exchange(fd, &dump, true);
			close(fd);
			fd = raw_socket();
			st->dumps_cut++;
			break;
		case 1:	/* two requests while a dump is half read */
			gen_msg(&dump, op, seq++);
			((struct nlmsghdr *)dump.b)->nlmsg_flags |= NLM_F_DUMP;
			exchange(fd, &dump, true);
			gen_msg(&m, &ops[below(nops)], seq++);
			count(st, exchange(fd, &m, false));
			close(fd);
			fd = raw_socket();
			st->dumps_doubled++;
			break;
		case 2: case 3:
			mutate(&m);
			((struct nlmsghdr *)m.b)->nlmsg_seq = seq++;
			count(st, exchange(fd, &m, false));
			st->mutated++;
			break;
		default:
			gen_msg(&m, op, seq++);
			e = exchange(fd, &m, false);
			count(st, e);
			if (!e && ((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->cmd ==
			    SHADOW_CMD_SWAP)
				st->swaps_started++;
			st->generated++;
		}
		st->sent++;
	}
	if (fd >= 0)
		close(fd);
}

enum who { WHO_NOBODY, WHO_USERNS, WHO_USERNS_NETNS, WHO_N };

static const char * const who_name[WHO_N] = {
	[WHO_NOBODY] = "uid 65534",
	[WHO_USERNS] = "root of a new user namespace, initial network namespace",
	[WHO_USERNS_NETNS] = "root of a new user and network namespace",
};

/* Must WHO be refused OP? */
static bool must_refuse(enum who who, const struct op *op)
{
	if (op->flags & GENL_ADMIN_PERM)
		return true;
	return (op->flags & GENL_UNS_ADMIN_PERM) && who != WHO_USERNS_NETNS;
}

/*
 * A child's run as WHO: every request to a command WHO may not use must
 * be refused with EPERM. Prints its counts; exits with the violations
 * (at most 100).
 */
static __noreturn void fuzz_unprivileged(enum who who, double end)
{
	static struct msgbuf m;
	unsigned long sent = 0, refused = 0, bad = 0;
	const struct op *op;
	uint32_t seq = 1;
	int fd, e;

	if (who == WHO_NOBODY) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
	} else if (unshare(CLONE_NEWUSER |
			   (who == WHO_USERNS_NETNS ? CLONE_NEWNET : 0))) {
		printf("genl_fuzz: %s: unshare: %s\n", who_name[who], strerror(errno));
		_exit(100);
	}
	fd = raw_socket();
	if (fd < 0 || nice(19) < 0)
		_exit(100);
	while (now() < end) {
		/* the root's run gets the CPU; a thousand a second is plenty */
		usleep(1000);
		op = &ops[below(nops)];
		gen_msg(&m, op, seq++);
		/* the command as sent: must_refuse() judges the real one */
		((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->cmd = op->cmd;
		((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = SHADOW_GENL_VERSION;
		e = exchange(fd, &m, false);
		sent++;
		if (!must_refuse(who, op))
			continue;
		refused++;
		if (e != EPERM) {
			if (bad < 5)
				printf("genl_fuzz: %s: command %u answered %s, not EPERM\n",
				       who_name[who], op->cmd,
				       e < 0 ? "nothing" : e ? strerror(e) : "ok");
			bad++;
		}
	}
	printf("genl_fuzz: %s: %lu requests, %lu to admin commands, %lu not refused with EPERM\n",
	       who_name[who], sent, refused, bad);
	fflush(stdout);
	_exit(bad > 100 ? 100 : bad);
}

static void print_stats(const struct stats *st, double secs)
{
	size_t i;

	printf("genl_fuzz: root: %lu requests in %.0f s (%.0f/s): %lu generated, %lu mutated, %lu dumps cut, %lu dumps doubled; %lu swaps started, %lu unanswered\n",
	       st->sent, secs, st->sent / secs, st->generated, st->mutated,
	       st->dumps_cut, st->dumps_doubled, st->swaps_started, st->no_reply);
	printf("genl_fuzz: answers:");
	for (i = 0; i < ARRAY_SIZE(st->err); i++)
		if (st->err[i])
			printf(" %s %lu;", i ? strerror(i) : "accepted", st->err[i]);
	printf("\n");
}

static bool family_answers(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	bool ok = sk && !genl_connect(sk) &&
		  genl_ctrl_resolve(sk, SHADOW_GENL_NAME) == family;

	nl_socket_free(sk);
	return ok;
}

int main(int argc, char **argv)
{
	struct stats st = { 0 };
	double start, secs;
	pid_t kids[WHO_N];
	int opt, i, status, bad = 0;
	uint64_t seed = 0;
	char *end;

	while ((opt = getopt(argc, argv, "s:h")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, &end, 0);
			if (*end || !seed)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	secs = strtod(argv[optind], &end);
	if (*end || secs <= 0)
		goto usage;
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ getpid();
	rng = seed;

	i = learn_family();
	if (i) {
		printf("SKIP: no \"%s\" family, or no ops or policy from the controller: %s\n",
		       SHADOW_GENL_NAME, nl_geterror(i));
		return 4;
	}
	gather_words();
	printf("genl_fuzz: seed %llu, %.0f s; family %d: %d commands, attributes up to %d, %d words\n",
	       (unsigned long long)seed, secs, family, nops, max_attr, nwords);
	for (i = 0; i < nops; i++)
		printf("genl_fuzz: command %u flags 0x%x\n", ops[i].cmd, ops[i].flags);
	fflush(stdout);

	start = now();
	for (i = 0; i < WHO_N; i++) {
		rng = seed + i + 1;
		kids[i] = fork();
		if (kids[i] == 0)
			fuzz_unprivileged(i, start + secs);
	}
	rng = seed;
	fuzz_root(start + secs, &st);
	for (i = 0; i < WHO_N; i++) {
		if (kids[i] < 0 || waitpid(kids[i], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("genl_fuzz: FAIL: %s: %s\n", who_name[i],
			       kids[i] < 0 ? "no child" : "unprivileged changes not refused (or the child failed)");
			bad++;
		}
	}
	print_stats(&st, now() - start);
	if (!family_answers()) {
		printf("genl_fuzz: FAIL: the family does not answer afterwards\n");
		bad++;
	}
	return bad ? 1 : 0;
usage:
	fprintf(stderr, "usage: genl_fuzz [-s SEED] SECONDS\n");
	return 2;
}
