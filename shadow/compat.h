/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the shadow supports (Debian 12's 6.1 and
 * 6.12), wrapped here so that no other file carries a version test; the
 * exception is net_rss_eee.c, whose hooks take the kernel's own prototypes.
 */

#ifndef _SHADOW_COMPAT_H
#define _SHADOW_COMPAT_H

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
/* 6.5 moved struct netdev_rx_queue out of netdevice.h (Kbuild probes). */
#ifdef SHADOW_HAVE_NETDEV_RX_QUEUE_H
#include <net/netdev_rx_queue.h>
#endif

/* 6.12 renamed the helper that redirects a traced call (livepatch uses it). */
#ifdef ftrace_regs_set_instruction_pointer
#define shadow_ftrace_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define shadow_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * The flags of an ops that redirects a traced call: the handler changes
 * the ip, must not recurse into itself, and where ftrace passes no
 * arguments of its own (no DYNAMIC_FTRACE_WITH_ARGS) it needs the saved
 * registers to change the ip in.
 */
#ifdef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
#define SHADOW_FTRACE_REDIRECT	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION)
#else
#define SHADOW_FTRACE_REDIRECT	(FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION | \
				 FTRACE_OPS_FL_SAVE_REGS)
#endif

/*
 * 6.2 moved a dump's parsed attributes into an embedded genl_info; Kbuild
 * probes the headers for it (SHADOW_HAVE_GENL_INFO_DUMP).
 */
static inline struct nlattr **shadow_dump_attrs(struct netlink_callback *cb)
{
#ifdef SHADOW_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * The bytes of private area a net_device's allocation may use: on 6.12
 * (dev->priv_len) what was asked for; on 6.1 that plus the allocator's
 * slack, the allocation's start being in dev->padded (Kbuild probes for
 * both), and 0 when it cannot be known (vmalloc).
 */
static inline size_t shadow_netdev_priv_room(const struct net_device *ndev)
{
#ifdef SHADOW_HAVE_NETDEV_PRIV_LEN
	/*
	 * Since 6.2 ksize() no longer makes an object's slack usable (KASAN
	 * reports a write there), and a large allocation may be vmalloc'd:
	 * the size asked for, which the kernel now records, is the room.
	 */
	return ndev->priv_len;
#else
#ifdef SHADOW_NETDEV_PADDED
	const void *start = (const char *)ndev - ndev->padded;
#else
	const void *start = ndev;
#endif
	const char *priv = netdev_priv(ndev);

	/* 6.1: ksize() unpoisons the whole object, slack included. */
	if (is_vmalloc_addr(start))
		return 0;
	return ksize(start) - (priv - (const char *)start);
#endif
}

/*
 * Tables a driver hangs on its net_device besides its netdev and ethtool
 * ops, which the next driver's probe sets again if it has them: a swap
 * must not leave the old driver's there (6.12's virtio_net sets stat_ops,
 * whose callbacks would read the next driver's private area as its own).
 */
static inline void shadow_netdev_reset_tables(struct net_device *ndev)
{
#ifdef CONFIG_DCB
	ndev->dcbnl_ops = NULL;
#endif
#ifdef SHADOW_HAVE_NETDEV_STAT_OPS
	ndev->stat_ops = NULL;
#endif
#ifdef SHADOW_HAVE_NETDEV_QUEUE_MGMT_OPS
	ndev->queue_mgmt_ops = NULL;
#endif
#ifdef SHADOW_HAVE_NETDEV_XDP_METADATA_OPS
	ndev->xdp_metadata_ops = NULL;
#endif
#ifdef SHADOW_HAVE_NETDEV_XSK_TX_METADATA_OPS
	ndev->xsk_tx_metadata_ops = NULL;
#endif
}

/*
 * State the stack keeps for the driver that a swap cannot carry to another
 * one (offloaded SAs, tunnel ports, a devlink port the driver owns): the
 * name of the first found, or NULL.
 */
static inline const char *shadow_netdev_foreign_state(const struct net_device *ndev)
{
#ifdef CONFIG_XFRM_OFFLOAD
	if (ndev->xfrmdev_ops)
		return "IPsec offload (xfrmdev_ops)";
#endif
#if IS_ENABLED(CONFIG_TLS_DEVICE)
	if (ndev->tlsdev_ops)
		return "TLS offload (tlsdev_ops)";
#endif
#if IS_ENABLED(CONFIG_MACSEC)
	if (ndev->macsec_ops)
		return "MACsec offload (macsec_ops)";
#endif
	if (ndev->udp_tunnel_nic_info)
		return "UDP tunnel port offload (udp_tunnel_nic_info)";
#ifdef SHADOW_HAVE_NETDEV_DEVLINK_PORT
	if (ndev->devlink_port)
		return "a devlink port";
#endif
	return NULL;
}

/*
 * XDP programs that run in the driver (native or offloaded), which a swap
 * replaces; a generic one runs in the stack and stays.
 */
static inline unsigned int shadow_netdev_driver_xdp(struct net_device *ndev)
{
	return dev_xdp_prog_count(ndev) - !!rcu_access_pointer(ndev->xdp_prog);
}

/*
 * What XDP the driver said it can do (6.3 on: xdp_features, reported over
 * netlink and trusted by devmap redirects): nothing while no driver is
 * there, and what the new driver sets once it is. Under RTNL.
 */
static inline void shadow_netdev_xdp_features_changed(struct net_device *ndev, bool clear)
{
#ifdef SHADOW_HAVE_NETDEV_XDP_FEATURES
	ASSERT_RTNL();
	if (clear) {
		if (!ndev->xdp_features)
			return;
		ndev->xdp_features = 0;
	}
	call_netdevice_notifiers(NETDEV_XDP_FEAT_CHANGE, ndev);
#endif
}

#endif /* _SHADOW_COMPAT_H */
