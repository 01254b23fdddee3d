// SPDX-License-Identifier: GPL-2.0
/*
 * The "shadow" generic netlink family: list shadowed interfaces, attach and
 * detach, dump a log or the tracked objects, list the recorded disks, and
 * announce attach/detach on the "events" group. The protocol is documented in uapi/linux/shadow.h.
 * Classic genl_ops with one strict family policy, so that the same code
 * serves 6.1 (no split ops) and 6.12.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "blk.h"
#include "compat.h"
#include "filter.h"
#include "net.h"
#include "net_swap.h"
#include "netlink.h"
#include "objects.h"
#include "uapi/linux/shadow.h"

static const struct nla_policy policy[SHADOW_A_MAX + 1] = {
	[SHADOW_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SHADOW_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[SHADOW_A_SWAP_TARGET] = { .type = NLA_NUL_STRING, .len = 31 },
	[SHADOW_A_SWAP_TIMEOUT_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[SHADOW_A_SWAP_RESTART] = { .type = NLA_FLAG },
	[SHADOW_A_SWAP_DRIVER] = { .type = NLA_NUL_STRING, .len = 31 },
};

static struct genl_family family;
static bool family_up;		/* events only while the family exists */

enum { MCGRP_EVENTS };

static const struct genl_multicast_group mcgrps[] = {
	[MCGRP_EVENTS] = { .name = SHADOW_GENL_MCGRP_EVENTS },
};

/*
 * The interface a request names; a reference the caller drops.
 * Return: the device, or ERR_PTR(-EINVAL) when none is named, or
 * ERR_PTR(-ENODEV) when the named one does not exist.
 */
static struct net_device *request_dev(struct net *net, struct nlattr **attrs,
				      struct netlink_ext_ack *extack)
{
	struct net_device *ndev;

	if (attrs[SHADOW_A_DEV_IFINDEX]) {
		ndev = dev_get_by_index(net, nla_get_u32(attrs[SHADOW_A_DEV_IFINDEX]));
	} else if (attrs[SHADOW_A_DEV_IFNAME]) {
		ndev = dev_get_by_name(net, nla_data(attrs[SHADOW_A_DEV_IFNAME]));
	} else {
		NL_SET_ERR_MSG(extack, "name the interface (ifindex or ifname)");
		return ERR_PTR(-EINVAL);
	}
	if (!ndev) {
		NL_SET_ERR_MSG(extack, "no such interface");
		return ERR_PTR(-ENODEV);
	}
	return ndev;
}

static int put_str(struct sk_buff *skb, int type, const char *s)
{
	return s ? nla_put_string(skb, type, s) : 0;
}

static int fill_dev(struct sk_buff *skb, struct shadow_net_dev *sd, u32 state,
		    u32 portid, u32 seq, int flags, u8 cmd)
{
	struct net_device *ndev = sd->ndev;
	struct device *parent = ndev->dev.parent;
	char hosts[160];
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SHADOW_A_DEV_IFINDEX, ndev->ifindex) ||
	    nla_put_string(skb, SHADOW_A_DEV_IFNAME, ndev->name) ||
	    nla_put_u32(skb, SHADOW_A_DEV_STATE, state) ||
	    nla_put_u32(skb, SHADOW_A_DEV_LOG_LEN, READ_ONCE(sd->log.len)) ||
	    nla_put_u32(skb, SHADOW_A_DEV_OBJECTS, shadow_obj_count(ndev)) ||
	    nla_put_u8(skb, SHADOW_A_DEV_ATTACHED, sd->early) ||
	    nla_put_u32(skb, SHADOW_A_DEV_PRIV_SIZE, sd->priv_size) ||
	    nla_put_u32(skb, SHADOW_A_DEV_TXQ, ndev->num_tx_queues) ||
	    nla_put_u32(skb, SHADOW_A_DEV_RXQ, ndev->num_rx_queues))
		goto cancel;
	shadow_net_can_host(sd, hosts, sizeof(hosts));
	if (hosts[0] && nla_put_string(skb, SHADOW_A_DEV_CAN_HOST, hosts))
		goto cancel;
	/*
	 * Which swap is running, if one is: PARKED is the state of a swap
	 * waiting for its device and of an interface parked for good. The
	 * registry lock, which requests hold, orders sd->swap and
	 * sw->running (net_swap_request.c); events do not hold it and carry the
	 * swap's own attributes instead.
	 */
	if (cmd == SHADOW_CMD_DEV_GET) {
		shadow_net_assert_locked();
		if (sd->swap && sd->swap->running &&
		    nla_put_u32(skb, SHADOW_A_DEV_SWAP_SEQ, sd->swap->seq))
			goto cancel;
	}
	if (parent && (put_str(skb, SHADOW_A_DEV_BUS_ADDR, dev_name(parent)) ||
		       (parent->bus && put_str(skb, SHADOW_A_DEV_BUS, parent->bus->name)) ||
		       (parent->driver &&
			put_str(skb, SHADOW_A_DEV_DRIVER, parent->driver->name))))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *ndev;
	struct shadow_net_dev *sd;
	struct sk_buff *msg;
	int err;

	ndev = request_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out_put;
	}
	shadow_net_lock();
	sd = shadow_net_find(ndev);
	if (sd)
		err = fill_dev(msg, sd, READ_ONCE(sd->state), info->snd_portid,
			       info->snd_seq, 0, SHADOW_CMD_DEV_GET);
	else
		err = -ENOENT;
	shadow_net_unlock();
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "interface is not shadowed");
	if (err) {
		nlmsg_free(msg);
		goto out_put;
	}
	err = genlmsg_reply(msg, info);
out_put:
	dev_put(ndev);
	return err;
}

/* Each namespace sees its own interfaces only (a container, the host's). */
static int dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	unsigned int pos = cb->args[0];
	struct shadow_net_dev *sd;

	shadow_net_lock();
	while ((sd = shadow_net_nth(pos))) {
		if (!net_eq(dev_net(sd->ndev), net)) {
			pos++;
			continue;
		}
		if (fill_dev(skb, sd, READ_ONCE(sd->state),
			     NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			     NLM_F_MULTI, SHADOW_CMD_DEV_GET))
			break;
		pos++;
	}
	shadow_net_unlock();
	cb->args[0] = pos;
	return skb->len;
}

static int dev_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shadow_net_dev *sd;
	struct net_device *ndev;
	struct device *parent;
	int err = 0;

	ndev = request_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	rtnl_lock();
	parent = ndev->dev.parent;
	if (ndev->reg_state != NETREG_REGISTERED) {
		NL_SET_ERR_MSG(info->extack, "the interface is being registered or unregistered");
		err = -EBUSY;
		goto out;
	}
	if (!parent || !parent->driver ||
	    !shadow_filter_module(parent->driver->owner, SHADOW_CLASS_NET)) {
		NL_SET_ERR_MSG(info->extack,
			       "the interface's driver is not shadowed (see shadow.ko's drivers= parameter)");
		err = -EOPNOTSUPP;
		goto out;
	}
	sd = shadow_net_attach(ndev, false);
	if (IS_ERR(sd)) {
		err = PTR_ERR(sd);
		if (err == -EEXIST)
			NL_SET_ERR_MSG(info->extack, "interface is already shadowed");
	}
out:
	rtnl_unlock();
	dev_put(ndev);
	return err;
}

static int dev_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct shadow_net_dev *sd;
	struct net_device *ndev;
	int err = 0;

	ndev = request_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	rtnl_lock();
	shadow_net_lock();
	sd = shadow_net_find(ndev);
	shadow_net_unlock();
	if (sd && shadow_net_detach(sd, true)) {
		NL_SET_ERR_MSG(info->extack,
			       "the interface is being swapped or is parked; swap it onto a driver first");
		err = -EBUSY;
	} else if (!sd) {
		NL_SET_ERR_MSG(info->extack, "interface is not shadowed");
		err = -ENOENT;
	}
	rtnl_unlock();
	dev_put(ndev);
	return err;
}

#define SWAP_TIMEOUT_MAX_MS	600000

static int swap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	const char *target = "", *driver = "";
	u32 timeout = 10000;
	struct shadow_net_dev *sd;
	struct net_device *ndev;
	struct sk_buff *msg;
	void *hdr;
	int seq;

	if (attrs[SHADOW_A_SWAP_TARGET])
		target = nla_data(attrs[SHADOW_A_SWAP_TARGET]);
	if (attrs[SHADOW_A_SWAP_DRIVER])
		driver = nla_data(attrs[SHADOW_A_SWAP_DRIVER]);
	if (attrs[SHADOW_A_SWAP_TIMEOUT_MS])
		timeout = nla_get_u32(attrs[SHADOW_A_SWAP_TIMEOUT_MS]);
	if (timeout > SWAP_TIMEOUT_MAX_MS) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[SHADOW_A_SWAP_TIMEOUT_MS],
				    "timeout above 600000 ms");
		return -EINVAL;
	}
	ndev = request_dev(genl_info_net(info), attrs, info->extack);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		dev_put(ndev);
		return -ENOMEM;
	}
	shadow_net_lock();
	sd = shadow_net_find(ndev);
	if (sd) {
		seq = shadow_swap_start(sd, target, driver, timeout,
					nla_get_flag(attrs[SHADOW_A_SWAP_RESTART]),
					capable(CAP_SYS_MODULE), info->extack);
	} else {
		NL_SET_ERR_MSG(info->extack, "interface is not shadowed");
		seq = -ENOENT;
	}
	shadow_net_unlock();
	dev_put(ndev);
	if (seq < 0) {
		nlmsg_free(msg);
		return seq;
	}
	hdr = genlmsg_put_reply(msg, info, &family, 0, SHADOW_CMD_SWAP);
	if (!hdr || nla_put_u32(msg, SHADOW_A_SWAP_SEQ, seq)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* cb->args: [0] ifindex, [1] next position. */
static int log_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct shadow_log_item *item;
	struct shadow_net_dev *sd;
	struct net_device *ndev;
	unsigned int gen;
	void *hdr;
	int err = 0;

	if (!cb->args[0]) {
		ndev = request_dev(net, shadow_dump_attrs(cb), cb->extack);
		if (IS_ERR(ndev))
			return PTR_ERR(ndev);
		cb->args[0] = ndev->ifindex;
		dev_put(ndev);
	}
	item = kmalloc(sizeof(*item), GFP_KERNEL);
	if (!item)
		return -ENOMEM;
	ndev = dev_get_by_index(net, cb->args[0]);
	if (!ndev) {
		kfree(item);
		return -ENODEV;
	}
	shadow_net_lock();
	sd = shadow_net_find(ndev);
	if (!sd) {
		NL_SET_ERR_MSG(cb->extack, "interface is not shadowed");
		err = -ENOENT;
	}
	while (sd && !shadow_log_item(&sd->log, cb->args[1], item, &gen)) {
		cb->seq = gen;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &family, NLM_F_MULTI, SHADOW_CMD_LOG_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		/* ethtool shows the SecureOn password to admins only: never dump it. */
		if (item->key == SHADOW_LOG_WOL && item->len >= sizeof(struct ethtool_wolinfo))
			memset(((struct ethtool_wolinfo *)item->data)->sopass, 0,
			       sizeof(((struct ethtool_wolinfo *)item->data)->sopass));
		if (nla_put_u32(skb, SHADOW_A_DEV_IFINDEX, ndev->ifindex) ||
		    nla_put_u64_64bit(skb, SHADOW_A_LOG_SEQ, item->seq, SHADOW_A_PAD) ||
		    nla_put_u32(skb, SHADOW_A_LOG_KEY, item->key) ||
		    nla_put(skb, SHADOW_A_LOG_DATA, item->len, item->data)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[1]++;
	}
	shadow_net_unlock();
	dev_put(ndev);
	kfree(item);
	return err ?: skb->len;
}

/* cb->args: [0] 1 once the request was read, [1] ifindex or 0, [2] position. */
static int obj_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = shadow_dump_attrs(cb);
	struct shadow_obj_item item;
	struct net_device *ndev;
	unsigned int gen;
	void *hdr;

	if (!cb->args[0]) {
		cb->args[0] = 1;
		if (attrs[SHADOW_A_DEV_IFINDEX] || attrs[SHADOW_A_DEV_IFNAME]) {
			ndev = request_dev(sock_net(cb->skb->sk), attrs, cb->extack);
			if (IS_ERR(ndev))
				return PTR_ERR(ndev);
			cb->args[1] = ndev->ifindex;
			dev_put(ndev);
		}
	}
	while (!shadow_obj_item(cb->args[2], cb->args[1], sock_net(cb->skb->sk), &item, &gen)) {
		cb->seq = gen;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &family, NLM_F_MULTI, SHADOW_CMD_OBJ_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_u32(skb, SHADOW_A_OBJ_TYPE, item.type) ||
		    nla_put_u64_64bit(skb, SHADOW_A_OBJ_ID, item.id, SHADOW_A_PAD) ||
		    nla_put_u32(skb, SHADOW_A_DEV_IFINDEX, item.ifindex) ||
		    (item.driver[0] &&
		     nla_put_string(skb, SHADOW_A_OBJ_DRIVER, item.driver)) ||
		    (item.bus_addr[0] &&
		     nla_put_string(skb, SHADOW_A_DEV_BUS_ADDR, item.bus_addr))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[2]++;
	}
	return skb->len;
}

/* cb->args: [0] position. */
static int disk_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct shadow_blk_disk_info info;
	unsigned int gen;
	void *hdr;

	if (!net_eq(sock_net(cb->skb->sk), &init_net)) {
		NL_SET_ERR_MSG(cb->extack, "disks are listed in the initial network namespace only");
		return -EOPNOTSUPP;
	}
	while (!shadow_blk_disk_info(cb->args[0], &info, &gen)) {
		cb->seq = gen;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &family, NLM_F_MULTI, SHADOW_CMD_DISK_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_string(skb, SHADOW_A_DISK_NAME, info.name) ||
		    nla_put_string(skb, SHADOW_A_DEV_DRIVER, info.driver) ||
		    (info.pci[0] && nla_put_string(skb, SHADOW_A_DEV_BUS_ADDR, info.pci)) ||
		    nla_put_u32(skb, SHADOW_A_DISK_MAJOR, MAJOR(info.devt)) ||
		    nla_put_u32(skb, SHADOW_A_DISK_MINOR, MINOR(info.devt)) ||
		    nla_put_u64_64bit(skb, SHADOW_A_DISK_CAPACITY, info.capacity, SHADOW_A_PAD) ||
		    nla_put_u8(skb, SHADOW_A_DISK_RO, info.ro) ||
		    nla_put_u32(skb, SHADOW_A_DISK_LBS, info.lbs) ||
		    nla_put_u32(skb, SHADOW_A_DISK_PBS, info.pbs) ||
		    nla_put_u32(skb, SHADOW_A_DISK_IO_MIN, info.io_min) ||
		    nla_put_u32(skb, SHADOW_A_DISK_IO_OPT, info.io_opt) ||
		    nla_put_u32(skb, SHADOW_A_DISK_MAX_HW_SECTORS, info.max_hw_sectors) ||
		    nla_put_u32(skb, SHADOW_A_DISK_MAX_SEGMENTS, info.max_segments) ||
		    nla_put_u32(skb, SHADOW_A_DISK_MAX_SEGMENT_SIZE, info.max_segment_size) ||
		    nla_put_u32(skb, SHADOW_A_DISK_MAX_DISCARD_SECTORS, info.max_discard_sectors) ||
		    nla_put_u32(skb, SHADOW_A_DISK_HW_QUEUES, info.nr_hw_queues)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	return skb->len;
}

static const struct genl_ops ops[] = {
	{
		.cmd = SHADOW_CMD_DEV_GET,
		.doit = dev_get_doit,
		.dumpit = dev_get_dumpit,
	},
	{
		.cmd = SHADOW_CMD_DEV_ATTACH,
		.doit = dev_attach_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SHADOW_CMD_DEV_DETACH,
		.doit = dev_detach_doit,
		.flags = GENL_ADMIN_PERM,
	},
	/*
	 * The log holds what ethtool shows admins only (WoL), and both dumps
	 * walk a list per message: admins of the caller's namespace only.
	 */
	{
		.cmd = SHADOW_CMD_LOG_GET,
		.dumpit = log_get_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SHADOW_CMD_OBJ_GET,
		.dumpit = obj_get_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = SHADOW_CMD_SWAP,
		.doit = swap_doit,
		.flags = GENL_ADMIN_PERM,
	},
	/* what /sys/block shows: any user */
	{
		.cmd = SHADOW_CMD_DISK_GET,
		.dumpit = disk_get_dumpit,
	},
};

static struct genl_family family = {
	.name = SHADOW_GENL_NAME,
	.version = SHADOW_GENL_VERSION,
	.maxattr = SHADOW_A_MAX,
	.policy = policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = ops,
	.n_ops = ARRAY_SIZE(ops),
	.resv_start_op = SHADOW_CMD_DEV_GET,
	.mcgrps = mcgrps,
	.n_mcgrps = ARRAY_SIZE(mcgrps),
};

static u32 us(const struct shadow_swap *sw, enum shadow_swap_mark from,
	      enum shadow_swap_mark to)
{
	if (!sw->t[from] || !sw->t[to] || sw->t[to] < sw->t[from])
		return 0;
	return div_u64(sw->t[to] - sw->t[from], NSEC_PER_USEC);
}

static int fill_swap(struct sk_buff *skb, const struct shadow_swap *sw, u32 state)
{
	bool last = state == SHADOW_STATE_SWAPPED || state == SHADOW_STATE_FAILED ||
		    state == SHADOW_STATE_ROLLED_BACK;
	u32 total, prepare, drivers, link, own;
	unsigned int i;

	if (nla_put_u32(skb, SHADOW_A_SWAP_SEQ, sw->seq) ||
	    nla_put_string(skb, SHADOW_A_SWAP_FROM, sw->old_driver) ||
	    nla_put_string(skb, SHADOW_A_SWAP_FROM_ADDR, sw->old_bus_addr))
		return -EMSGSIZE;
	if (!last)
		return 0;
	total = us(sw, SWAP_T_START, SWAP_T_WOKEN);
	prepare = us(sw, SWAP_T_START, SWAP_T_WATCHED);
	drivers = div_u64(sw->driver_ns, NSEC_PER_USEC);
	link = us(sw, SWAP_T_REPLAYED, SWAP_T_WOKEN);
	link += div_u64(sw->wait_ns, NSEC_PER_USEC);	/* neither is the shadow's */
	/* Its preparation is the shadow's, but before the outage: apart. */
	own = total > drivers + link + prepare ? total - drivers - link - prepare : 0;
	if ((sw->new_driver[0] &&
	     nla_put_string(skb, SHADOW_A_SWAP_TO, sw->new_driver)) ||
	    (sw->new_bus_addr[0] &&
	     nla_put_string(skb, SHADOW_A_SWAP_TO_ADDR, sw->new_bus_addr)) ||
	    (sw->err && nla_put_u32(skb, SHADOW_A_SWAP_ERRNO, -sw->err)) ||
	    (sw->reason[0] && nla_put_string(skb, SHADOW_A_SWAP_REASON, sw->reason)) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_PREPARE_US, prepare) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_PARK_US, us(sw, SWAP_T_WATCHED, SWAP_T_PARKED)) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_UNBIND_US, us(sw, SWAP_T_PARKED, SWAP_T_UNBOUND)) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_PROBE_US,
			us(sw, sw->t[SWAP_T_UNBOUND] ? SWAP_T_UNBOUND : SWAP_T_WATCHED,
			   SWAP_T_PROBED)) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_REPLAY_US, us(sw, SWAP_T_PROBED, SWAP_T_REPLAYED)) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_LINK_US, us(sw, SWAP_T_REPLAYED, SWAP_T_WOKEN)) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_TOTAL_US, total) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_DRIVER_US, drivers) ||
	    nla_put_u32(skb, SHADOW_A_SWAP_OWN_US, own))
		return -EMSGSIZE;
	for (i = 0; i < sw->nnotes; i++)
		if (nla_put_string(skb, SHADOW_A_SWAP_NOTE, sw->notes[i]))
			return -EMSGSIZE;
	return 0;
}

/*
 * An event: attach or detach, or a swap's phase (its outcome on the last).
 * A swap's outcome is the requester's only answer (shadowctl waits for
 * it): its allocations may not fail, or the request is left with no
 * outcome although the swap ended (swap_faults.sh met that once).
 */
static void event(struct shadow_net_dev *sd, u32 state, const struct shadow_swap *sw)
{
	gfp_t gfp = GFP_KERNEL;
	struct sk_buff *msg;

	if (!READ_ONCE(family_up) ||
	    !genl_has_listeners(&family, dev_net(sd->ndev), MCGRP_EVENTS))
		return;
	if (sw && (state == SHADOW_STATE_SWAPPED || state == SHADOW_STATE_FAILED ||
		   state == SHADOW_STATE_ROLLED_BACK))
		gfp |= __GFP_NOFAIL;
	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return;
	if (fill_dev(msg, sd, state, 0, 0, 0, SHADOW_CMD_EVENT))
		goto drop;
	/* Swap attributes go inside the message fill_dev() closed. */
	if (sw) {
		if (fill_swap(msg, sw, state))
			goto drop;
		nlmsg_end(msg, nlmsg_hdr(msg));
	}
	genlmsg_multicast_netns(&family, dev_net(sd->ndev), msg, 0, MCGRP_EVENTS, gfp);
	return;
drop:
	nlmsg_free(msg);
}

void shadow_nl_event(struct shadow_net_dev *sd, u32 state)
{
	event(sd, state, NULL);
}

void shadow_nl_swap_event(struct shadow_net_dev *sd, u32 state)
{
	event(sd, state, sd->swap);
}

int shadow_nl_init(void)
{
	int err = genl_register_family(&family);

	if (!err)
		WRITE_ONCE(family_up, true);
	return err;
}

void shadow_nl_exit(void)
{
	WRITE_ONCE(family_up, false);
	genl_unregister_family(&family);
}
