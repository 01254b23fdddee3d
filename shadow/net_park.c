// SPDX-License-Identifier: GPL-2.0
/*
 * What a parked interface (no driver under it, net_swap.c) answers with.
 * Queries are answered from what the swap saved; MTU and MAC changes and
 * VLAN ids added or removed are taken into the log and reach the next
 * driver with the replay; bringing the interface up waits for that driver.
 * Ring sizes and pause read as the old driver left them and refuse a
 * change with EBUSY and a reason; every other setting is refused by the
 * ethtool core (EOPNOTSUPP).
 *
 * Statistics stay monotonic across swaps: what earlier drivers counted is
 * kept in stats_base, answered alone while parked and added to the new
 * driver's own counters after a swap (shadow_net_stats64()).
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "net_swap.h"
#include "uapi/linux/shadow.h"

#define ANY_SWAP_STATE	(~0U)

/* The driver's own counters, as dev_get_stats() would read them. */
void shadow_driver_stats(struct net_device *ndev, const struct net_device_ops *ops,
			 struct rtnl_link_stats64 *s)
{
	memset(s, 0, sizeof(*s));
	if (ops->ndo_get_stats64)
		ops->ndo_get_stats64(ndev, s);
	else if (ops->ndo_get_stats)
		netdev_stats_to_stats64(s, ops->ndo_get_stats(ndev));
	else
		netdev_stats_to_stats64(s, &ndev->stats);
}

void shadow_stats_add(struct rtnl_link_stats64 *to, const struct rtnl_link_stats64 *from)
{
	u64 *t = (u64 *)to;
	const u64 *f = (const u64 *)from;
	size_t i;

	BUILD_BUG_ON(sizeof(*to) % sizeof(u64));
	for (i = 0; i < sizeof(*to) / sizeof(u64); i++)
		t[i] += f[i];
}

/* ndo_get_stats64 of an interface that has been swapped at least once. */
void shadow_net_stats64(struct net_device *ndev, struct rtnl_link_stats64 *s)
{
	const struct shadow_net_dev *sd =
		container_of(ndev->netdev_ops, struct shadow_net_dev, ops.ndo);

	shadow_driver_stats(ndev, sd->ops.orig_ndo, s);
	shadow_stats_add(s, &sd->stats_base);
}

static int parked_open(struct net_device *ndev)
{
	netdev_info(ndev, "shadow: parked: the interface comes up with its new driver\n");
	return -EAGAIN;
}

static int parked_stop(struct net_device *ndev)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);
	u8 up = 0;

	if (sd)
		shadow_log_record(&sd->log, SHADOW_LOG_UP, TAP_MODE_LAST, &up, sizeof(up));
	return 0;
}

/* TX is stopped while parked; a packet that bypasses the qdisc is dropped. */
static netdev_tx_t parked_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	dev_core_stats_tx_dropped_inc(ndev);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static void parked_stats64(struct net_device *ndev, struct rtnl_link_stats64 *s)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);

	if (sd)
		*s = sd->stats_base;
}

static int parked_set_mac(struct net_device *ndev, void *addr)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);
	int err = eth_mac_addr(ndev, addr);

	if (!err && sd)
		shadow_log_record(&sd->log, SHADOW_LOG_MAC, TAP_MODE_LAST, ndev->dev_addr,
				  ndev->addr_len);
	return err;
}

static int parked_change_mtu(struct net_device *ndev, int mtu)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);
	u32 val = mtu;

	WRITE_ONCE(ndev->mtu, mtu);
	if (sd)
		shadow_log_record(&sd->log, SHADOW_LOG_MTU, TAP_MODE_LAST, &val, sizeof(val));
	return 0;
}

/* Address lists and flags are kernel state: the replay reprograms them. */
static void parked_set_rx_mode(struct net_device *ndev)
{
}

/*
 * The old driver's VLAN filter features stay on the parked interface (the
 * stack must not see them change), so the VLAN core calls these for every
 * VLAN device added or removed meanwhile, and for VLAN 0 when 8021q loads:
 * without them it called a NULL pointer. Under RTNL, like the log's other
 * writers here. The ids reach the next driver's filter with the replay.
 */
static int parked_vlan(struct net_device *ndev, __be16 proto, u16 vid, int mode)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);
	struct shadow_log_vlan v = { .proto = proto, .vid = vid };

	ASSERT_RTNL();
	if (sd)
		shadow_log_record(&sd->log, SHADOW_LOG_VLAN, mode, &v, sizeof(v));
	return 0;
}

static int parked_vlan_add(struct net_device *ndev, __be16 proto, u16 vid)
{
	return parked_vlan(ndev, proto, vid, TAP_MODE_SET_ADD);
}

static int parked_vlan_kill(struct net_device *ndev, __be16 proto, u16 vid)
{
	return parked_vlan(ndev, proto, vid, TAP_MODE_SET_DEL);
}

const struct net_device_ops shadow_parked_ndo = {
	.ndo_open = parked_open,
	.ndo_stop = parked_stop,
	.ndo_start_xmit = parked_xmit,
	.ndo_get_stats64 = parked_stats64,
	.ndo_set_mac_address = parked_set_mac,
	.ndo_change_mtu = parked_change_mtu,
	.ndo_set_rx_mode = parked_set_rx_mode,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_vlan_rx_add_vid = parked_vlan_add,
	.ndo_vlan_rx_kill_vid = parked_vlan_kill,
};

static void parked_drvinfo(struct net_device *ndev, struct ethtool_drvinfo *info)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);

	/* driver "shadow", firmware "parked", version: the driver it had. */
	strscpy(info->driver, "shadow", sizeof(info->driver));
	strscpy(info->fw_version, "parked", sizeof(info->fw_version));
	if (sd && sd->swap)
		strscpy(info->version, sd->swap->old_driver, sizeof(info->version));
}

static int parked_ksettings(struct net_device *ndev, struct ethtool_link_ksettings *ks)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);

	if (!sd || !sd->swap || !sd->swap->have_ksettings)
		return -EOPNOTSUPP;
	*ks = sd->swap->ksettings;
	return 0;
}

/* Ring sizes and pause: the old driver's, read; a change is refused. */
static void parked_get_ring(struct net_device *ndev, struct ethtool_ringparam *ring,
			    struct kernel_ethtool_ringparam *kring,
			    struct netlink_ext_ack *extack)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);

	if (sd && sd->swap && sd->swap->have_ring) {
		*ring = sd->swap->ring;
		*kring = sd->swap->kring;
	}
}

static int parked_set_ring(struct net_device *ndev, struct ethtool_ringparam *ring,
			   struct kernel_ethtool_ringparam *kring,
			   struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "the interface is parked (it has no driver): set it after the swap");
	return -EBUSY;
}

static void parked_get_pause(struct net_device *ndev, struct ethtool_pauseparam *pause)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);

	if (sd && sd->swap && sd->swap->have_pause)
		*pause = sd->swap->pause;
}

static int parked_set_pause(struct net_device *ndev, struct ethtool_pauseparam *pause)
{
	netdev_info(ndev, "shadow: parked (no driver): set pause after the swap\n");
	return -EBUSY;
}

const struct ethtool_ops shadow_parked_eto = {
	.get_drvinfo = parked_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = parked_ksettings,
	.get_ringparam = parked_get_ring,
	.set_ringparam = parked_set_ring,
	.get_pauseparam = parked_get_pause,
	.set_pauseparam = parked_set_pause,
};

/* What alloc_netdev_mqs() gives a driver that sets no ethtool_ops. */
const struct ethtool_ops shadow_empty_eto = {
	.get_ts_info = ethtool_op_get_ts_info,
};
