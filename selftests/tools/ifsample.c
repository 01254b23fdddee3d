// SPDX-License-Identifier: GPL-2.0
/*
 * ifsample: what userspace sees of one interface, sampled as fast as the
 * machine allows while something (a swap) happens underneath. Each sample
 * does what a configuration script or a monitoring agent would:
 *
 *	lookup	 the name resolves to the interface's ifindex (SIOCGIFINDEX,
 *		 as if_nametoindex(), SO_BINDTODEVICE and "ip link show dev")
 *	name	 RTM_GETLINK by ifindex reports the name (as "ip -o link")
 *	stats	 no counter of RTM_GETLINK's statistics goes backwards
 *	mtu, mac the same as at the start
 *	state	 IFF_UP, IFF_RUNNING and the operstate as at the start
 *	carrier	 /sys/class/net/NAME/carrier can be read (an interface that
 *		 is not running answers EINVAL)
 *	link	 IFF_LOWER_UP and the carrier file's value as at the start (a
 *		 NIC reports link some time after its driver opens it)
 *	drvinfo	 ETHTOOL_GDRVINFO answers (as "ethtool -i")
 *	monitor	 every RTM_NEWLINK of the interface (as "ip monitor link")
 *		 carries the name of the start
 *	monitor_state  and its state (IFF_UP, IFF_RUNNING, the operstate)
 *	monitor_link   and its IFF_LOWER_UP
 *
 *	ifsample [-r FILE] [-t SECONDS] IFNAME
 *
 * It samples until SIGINT or SIGTERM (or -t), then prints one JSON object:
 * the number of samples, the longest time between two, the drivers
 * ETHTOOL_GDRVINFO named in order, and per check the number of bad
 * samples, the longest bad stretch in ms and the first bad value seen.
 * -r FILE is created once the baseline is taken. Exit: 0 when the report
 * was printed (whatever it says), 1 on bad usage, 2 when the interface
 * cannot be sampled at all.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

enum check {
	C_LOOKUP, C_NAME, C_STATS, C_MTU, C_MAC, C_STATE, C_CARRIER, C_LINK, C_DRVINFO,
	C_MONITOR, C_MONITOR_STATE, C_MONITOR_LINK, C_MAX
};

static const char * const check_name[C_MAX] = {
	"lookup", "name", "stats", "mtu", "mac", "state", "carrier", "link", "drvinfo",
	"monitor", "monitor_state", "monitor_link",
};

struct tally {
	unsigned long bad;
	double bad_since;	/* ms; 0 while good */
	double longest_ms;
	double first_ms;	/* since the baseline */
	char first[128];
};

#define STAT_IDS 4
static const rtnl_link_stat_id_t stat_id[STAT_IDS] = {
	RTNL_LINK_RX_PACKETS, RTNL_LINK_TX_PACKETS, RTNL_LINK_RX_BYTES, RTNL_LINK_TX_BYTES,
};

#define STATE_FLAGS (IFF_UP | IFF_RUNNING)
#define DRIVERS_MAX 8

struct sampler {
	const char *ifname;
	int ifindex;
	int ioctl_fd;
	struct nl_sock *query;
	struct nl_sock *monitor;
	/* the baseline */
	unsigned int mtu;
	unsigned char mac[32];
	unsigned int mac_len;
	unsigned int flags;
	bool lower_up;
	uint8_t operstate;
	char carrier[8];
	/* running */
	uint64_t stats[STAT_IDS];
	unsigned long samples, events;
	double longest_gap_ms, last_ms, start_ms;
	char drivers[DRIVERS_MAX][32];
	unsigned int ndrivers;
	struct tally tally[C_MAX];
	double slowest_ms[4];	/* per step: lookup, RTM_GETLINK, carrier, drvinfo */
};

static const char * const step_name[4] = { "lookup", "getlink", "carrier", "drvinfo" };


/* One sample's verdict on one check: bad with what was seen, or good. */
static void verdict(struct sampler *s, enum check c, double t, const char *fmt, ...)
	__printf(4, 5);

static void verdict(struct sampler *s, enum check c, double t, const char *fmt, ...)
{
	struct tally *k = &s->tally[c];
	va_list ap;

	if (!fmt) {
		if (k->bad_since && t - k->bad_since > k->longest_ms)
			k->longest_ms = t - k->bad_since;
		k->bad_since = 0;
		return;
	}
	if (!k->bad_since)
		k->bad_since = t;
	if (!k->bad++) {
		k->first_ms = t - s->start_ms;
		va_start(ap, fmt);
		vsnprintf(k->first, sizeof(k->first), fmt, ap);
		va_end(ap);
	}
}

static void good(struct sampler *s, enum check c, double t)
{
	verdict(s, c, t, NULL);
}

static int read_carrier(const char *ifname, char *buf, size_t len)
{
	char path[64 + IFNAMSIZ];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int drvinfo(struct sampler *s, struct ethtool_drvinfo *info)
{
	struct ifreq ifr = { 0 };

	memset(info, 0, sizeof(*info));
	info->cmd = ETHTOOL_GDRVINFO;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", s->ifname);
	ifr.ifr_data = (void *)info;
	return ioctl(s->ioctl_fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int lookup(struct sampler *s)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", s->ifname);
	return ioctl(s->ioctl_fd, SIOCGIFINDEX, &ifr) ? -errno : ifr.ifr_ifindex;
}

static void note_driver(struct sampler *s, const char *drv)
{
	if (s->ndrivers && !strcmp(s->drivers[s->ndrivers - 1], drv))
		return;
	if (s->ndrivers < DRIVERS_MAX)
		snprintf(s->drivers[s->ndrivers++], sizeof(s->drivers[0]), "%s", drv);
}

/* Checks one RTM_GETLINK reply; returns its IFF_LOWER_UP, for the link check. */
static bool check_link(struct sampler *s, struct rtnl_link *link, double t)
{
	struct nl_addr *addr = rtnl_link_get_addr(link);
	const char *name = rtnl_link_get_name(link);
	unsigned int flags = rtnl_link_get_flags(link) & STATE_FLAGS;
	uint8_t oper = rtnl_link_get_operstate(link);
	int i;

	if (!name || strcmp(name, s->ifname))
		verdict(s, C_NAME, t, "%s", name ?: "(none)");
	else
		good(s, C_NAME, t);
	if (rtnl_link_get_mtu(link) != s->mtu)
		verdict(s, C_MTU, t, "%u", rtnl_link_get_mtu(link));
	else
		good(s, C_MTU, t);
	if (!addr || nl_addr_get_len(addr) != s->mac_len ||
	    memcmp(nl_addr_get_binary_addr(addr), s->mac, s->mac_len)) {
		char buf[64];

		verdict(s, C_MAC, t, "%s", addr ? nl_addr2str(addr, buf, sizeof(buf)) : "(none)");
	} else {
		good(s, C_MAC, t);
	}
	if (flags != s->flags || oper != s->operstate)
		verdict(s, C_STATE, t, "flags 0x%x operstate %u", flags, oper);
	else
		good(s, C_STATE, t);
	for (i = 0; i < STAT_IDS; i++) {
		uint64_t v = rtnl_link_get_stat(link, stat_id[i]);

		if (v < s->stats[i]) {
			char buf[32];

			verdict(s, C_STATS, t, "%s %llu -> %llu (rx %llu, tx %llu packets, at %.1f ms)",
				rtnl_link_stat2str(stat_id[i], buf, sizeof(buf)),
				(unsigned long long)s->stats[i], (unsigned long long)v,
				(unsigned long long)rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS),
				(unsigned long long)rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS), t);
			break;
		}
	}
	if (i == STAT_IDS)
		good(s, C_STATS, t);
	for (i = 0; i < STAT_IDS; i++)
		s->stats[i] = rtnl_link_get_stat(link, stat_id[i]);
	return rtnl_link_get_flags(link) & IFF_LOWER_UP;
}

/* An RTM_NEWLINK on the multicast group: the name and state it carries. */
static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct sampler *s = arg;
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;
	double t = now_ms();
	const char *name;
	unsigned int flags;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_OK;
	ifi = nlmsg_data(nlh);
	if (ifi->ifi_index != s->ifindex)
		return NL_OK;
	s->events++;
	name = tb[IFLA_IFNAME] ? nla_get_string(tb[IFLA_IFNAME]) : "(none)";
	flags = ifi->ifi_flags & STATE_FLAGS;
	if (!!(ifi->ifi_flags & IFF_LOWER_UP) != s->lower_up)
		verdict(s, C_MONITOR_LINK, t, "lower_up %d", !s->lower_up);
	else
		good(s, C_MONITOR_LINK, t);
	if (strcmp(name, s->ifname))
		verdict(s, C_MONITOR, t, "name %s", name);
	else
		good(s, C_MONITOR, t);
	if (flags != s->flags ||
	    (tb[IFLA_OPERSTATE] && nla_get_u8(tb[IFLA_OPERSTATE]) != s->operstate))
		verdict(s, C_MONITOR_STATE, t, "flags 0x%x operstate %u", flags,
			tb[IFLA_OPERSTATE] ? nla_get_u8(tb[IFLA_OPERSTATE]) : 0);
	else
		good(s, C_MONITOR_STATE, t);
	return NL_OK;
}

/* How long the step that ended now took, since *t; *t moves on. */
static void step(struct sampler *s, int i, double *t)
{
	double now = now_ms();

	if (now - *t > s->slowest_ms[i])
		s->slowest_ms[i] = now - *t;
	*t = now;
}

static void sample(struct sampler *s)
{
	struct ethtool_drvinfo info;
	struct rtnl_link *link;
	double t = now_ms(), t0 = t;
	bool lower_up;
	char carrier[8];
	int ret;

	ret = lookup(s);
	step(s, 0, &t0);
	if (ret != s->ifindex)
		verdict(s, C_LOOKUP, t, "%s", ret < 0 ? strerror(-ret) : "another ifindex");
	else
		good(s, C_LOOKUP, t);

	ret = rtnl_link_get_kernel(s->query, s->ifindex, NULL, &link);
	step(s, 1, &t0);
	lower_up = s->lower_up;
	if (ret < 0) {
		verdict(s, C_NAME, t, "RTM_GETLINK: %s", nl_geterror(ret));
	} else {
		lower_up = check_link(s, link, t);
		rtnl_link_put(link);
	}

	ret = read_carrier(s->ifname, carrier, sizeof(carrier));
	step(s, 2, &t0);
	if (ret < 0)
		verdict(s, C_CARRIER, t, "%s", strerror(-ret));
	else
		good(s, C_CARRIER, t);
	if (lower_up != s->lower_up || (!ret && strcmp(carrier, s->carrier)))
		verdict(s, C_LINK, t, "lower_up %d carrier %s", lower_up, ret ? "-" : carrier);
	else
		good(s, C_LINK, t);

	ret = drvinfo(s, &info);
	step(s, 3, &t0);
	if (ret < 0) {
		verdict(s, C_DRVINFO, t, "%s", strerror(-ret));
	} else {
		good(s, C_DRVINFO, t);
		note_driver(s, info.driver);
	}

	while (nl_recvmsgs_default(s->monitor) >= 0)
		;

	if (s->last_ms && t - s->last_ms > s->longest_gap_ms)
		s->longest_gap_ms = t - s->last_ms;
	s->last_ms = t;
	s->samples++;
}

static int baseline(struct sampler *s)
{
	struct ethtool_drvinfo info;
	struct rtnl_link *link;
	struct nl_addr *addr;
	int ret, i;

	s->ifindex = lookup(s);
	if (s->ifindex < 0) {
		fprintf(stderr, "ifsample: %s: %s\n", s->ifname, strerror(-s->ifindex));
		return -1;
	}
	ret = rtnl_link_get_kernel(s->query, s->ifindex, NULL, &link);
	if (ret < 0) {
		fprintf(stderr, "ifsample: RTM_GETLINK %s: %s\n", s->ifname, nl_geterror(ret));
		return -1;
	}
	s->mtu = rtnl_link_get_mtu(link);
	s->flags = rtnl_link_get_flags(link) & STATE_FLAGS;
	s->lower_up = rtnl_link_get_flags(link) & IFF_LOWER_UP;
	s->operstate = rtnl_link_get_operstate(link);
	addr = rtnl_link_get_addr(link);
	if (addr && nl_addr_get_len(addr) <= sizeof(s->mac)) {
		s->mac_len = nl_addr_get_len(addr);
		memcpy(s->mac, nl_addr_get_binary_addr(addr), s->mac_len);
	}
	for (i = 0; i < STAT_IDS; i++)
		s->stats[i] = rtnl_link_get_stat(link, stat_id[i]);
	rtnl_link_put(link);
	ret = read_carrier(s->ifname, s->carrier, sizeof(s->carrier));
	if (ret < 0) {
		fprintf(stderr, "ifsample: %s carrier: %s\n", s->ifname, strerror(-ret));
		return -1;
	}
	if (drvinfo(s, &info) < 0) {
		fprintf(stderr, "ifsample: %s: no driver information\n", s->ifname);
		return -1;
	}
	note_driver(s, info.driver);
	return 0;
}

static int open_sockets(struct sampler *s)
{
	s->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	s->query = nl_socket_alloc();
	s->monitor = nl_socket_alloc();
	if (s->ioctl_fd < 0 || !s->query || !s->monitor)
		return -1;
	if (nl_connect(s->query, NETLINK_ROUTE) < 0)
		return -1;
	nl_socket_disable_seq_check(s->monitor);
	nl_socket_modify_cb(s->monitor, NL_CB_VALID, NL_CB_CUSTOM, on_event, s);
	if (nl_connect(s->monitor, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_membership(s->monitor, RTNLGRP_LINK) < 0 ||
	    nl_socket_set_nonblocking(s->monitor) < 0)
		return -1;
	/* A swap sends a handful of events; a long run must not overrun. */
	nl_socket_set_buffer_size(s->monitor, 1 << 20, 0);
	return 0;
}

static void report(struct sampler *s, double t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *drivers = json_object_new_array();
	unsigned int i;

	json_object_object_add(o, "ifname", json_object_new_string(s->ifname));
	json_object_object_add(o, "samples", json_object_new_int64(s->samples));
	json_object_object_add(o, "events", json_object_new_int64(s->events));
	json_object_object_add(o, "longest_gap_ms", json_object_new_double(s->longest_gap_ms));
	for (i = 0; i < s->ndrivers; i++)
		json_object_array_add(drivers, json_object_new_string(s->drivers[i]));
	json_object_object_add(o, "drivers", drivers);
	for (i = 0; i < 4; i++) {
		char key[32];

		snprintf(key, sizeof(key), "slowest_%s_ms", step_name[i]);
		json_object_object_add(o, key, json_object_new_double(s->slowest_ms[i]));
	}
	for (i = 0; i < C_MAX; i++) {
		struct tally *k = &s->tally[i];
		struct json_object *c = json_object_new_object();

		verdict(s, i, t, NULL);	/* close a stretch still open */
		json_object_object_add(c, "bad", json_object_new_int64(k->bad));
		json_object_object_add(c, "longest_ms", json_object_new_double(k->longest_ms));
		if (k->bad) {
			json_object_object_add(c, "first", json_object_new_string(k->first));
			json_object_object_add(c, "first_ms", json_object_new_double(k->first_ms));
		}
		json_object_object_add(o, check_name[i], c);
	}
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static void print_help(FILE *f)
{
	fprintf(f, "usage: ifsample [-r READY-FILE] [-t SECONDS] IFNAME\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ready", required_argument, NULL, 'r' },
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sampler s = { 0 };
	const char *ready = NULL;
	double until = 0, start;
	struct sigaction sa = { .sa_handler = on_signal };
	int c, fd;

	while ((c = getopt_long(argc, argv, "r:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			ready = optarg;
			break;
		case 't':
			until = atof(optarg) * 1e3;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 1;
		}
	}
	if (optind != argc - 1 || strlen(argv[optind]) >= IFNAMSIZ) {
		print_help(stderr);
		return 1;
	}
	s.ifname = argv[optind];
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (open_sockets(&s) < 0) {
		fprintf(stderr, "ifsample: sockets: %s\n", strerror(errno));
		return 2;
	}
	if (baseline(&s) < 0)
		return 2;
	if (ready) {
		fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0)
			close(fd);
	}
	start = now_ms();
	s.start_ms = start;
	while (!stop && (!until || now_ms() - start < until))
		sample(&s);
	report(&s, now_ms());
	return 0;
}
