// SPDX-License-Identifier: GPL-2.0
/*
 * Parking an interface (phase PARKING of a swap, net_swap.c): the old
 * driver closed the way dev_close() would, what its ethtool settings read
 * saved, and the interface pointed at the parked ops; and undoing that
 * when the old driver never left.
 *
 * What a parked interface (no driver under it) answers with.
 * Queries are answered from what the swap saved; MTU and MAC changes and
 * VLAN ids added or removed are taken into the log and reach the next
 * driver with the replay; bringing the interface up waits for that driver.
 * The ethtool settings the log carries read as the old driver left them and
 * a change joins the log too; link settings, private flags and the rest
 * are refused by the ethtool core (EOPNOTSUPP): they belong to a driver.
 *
 * Statistics stay monotonic across swaps: what earlier drivers counted is
 * kept in stats_base, answered alone while parked and added to the new
 * driver's own counters after a swap (shadow_net_stats64()).
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "compat.h"
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

/*
 * TX is stopped while parked, but an arriving driver may wake the queues
 * before the swap gives it the interface (virtio_net's link work does, as
 * its probe returns): the packet the qdisc then hands over goes back to
 * it (requeued, not lost) and the queue is stopped again until the swap
 * wakes it. The qdisc validated it for the features the interface had
 * then; the replay validates it again for the new driver's
 * (net_requeued.c). Called with the queue's lock held.
 */
static netdev_tx_t parked_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	netif_tx_stop_queue(netdev_get_tx_queue(ndev, skb_get_queue_mapping(skb)));
	return NETDEV_TX_BUSY;
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
#ifdef SHADOW_HAVE_NETDEV_XDP_FEATURES
	/* A new driver's probe may offer redirects before its replay (net_xdp.c). */
	.ndo_xdp_xmit = shadow_xdp_xmit_none,
#endif
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

/*
 * The ethtool settings the log carries (ring sizes, channels, coalescing,
 * pause, wake-on-LAN, message level) read as the old driver left them or as
 * changed since, and a change is taken into the log for the replay, which
 * applies the most of it the new driver takes and notes the rest. The
 * ethtool core has already checked a change against what these answer (the
 * old driver's maxima and supported modes), under RTNL; the saved copies in
 * the swap are only read and written under RTNL (net_swap.h).
 */
static struct shadow_swap *parked_swap(struct net_device *ndev)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);

	ASSERT_RTNL();
	return sd ? sd->swap : NULL;
}

static int parked_log(struct net_device *ndev, u32 key, const void *data, size_t len,
		      struct netlink_ext_ack *extack)
{
	struct shadow_net_dev *sd = shadow_swap_of(ndev, ANY_SWAP_STATE);
	int err;

	if (!sd || !sd->swap) {
		NL_SET_ERR_MSG(extack, "the interface is between drivers: try again");
		return -EBUSY;
	}
	err = shadow_log_record(&sd->log, key, TAP_MODE_LAST, data, len);
	if (err)
		NL_SET_ERR_MSG(extack, "the shadow could not log the change");
	return err;
}

/*
 * parked_keep - log @len bytes of @data, a setting asked of the parked
 * interface, and keep them in @saved, the swap's copy of that setting
 * that the parked interface reads back. -EOPNOTSUPP when there is no such
 * copy (@have false): the old driver had no such setting to start from.
 */
static int parked_keep(struct net_device *ndev, u32 key, bool have, void *saved,
		       const void *data, size_t len, struct netlink_ext_ack *extack)
{
	int err;

	if (!have)
		return -EOPNOTSUPP;
	err = parked_log(ndev, key, data, len, extack);
	if (!err)
		memcpy(saved, data, len);
	return err;
}

static void parked_get_ring(struct net_device *ndev, struct ethtool_ringparam *ring,
			    struct kernel_ethtool_ringparam *kring,
			    struct netlink_ext_ack *extack)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (sw && sw->have_ring) {
		*ring = sw->ring;
		*kring = sw->kring;
	}
}

static int parked_set_ring(struct net_device *ndev, struct ethtool_ringparam *ring,
			   struct kernel_ethtool_ringparam *kring,
			   struct netlink_ext_ack *extack)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (!sw || !sw->have_ring) {
		NL_SET_ERR_MSG(extack, "parked: the old driver had no ring sizes to start from");
		return -EOPNOTSUPP;
	}
	return parked_keep(ndev, SHADOW_LOG_RING, true, &sw->ring, ring, sizeof(*ring), extack);
}

static void parked_get_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (sw && sw->have_channels)
		*ch = sw->channels;
}

static int parked_set_channels(struct net_device *ndev, struct ethtool_channels *ch)
{
	struct shadow_swap *sw = parked_swap(ndev);

	return sw ? parked_keep(ndev, SHADOW_LOG_CHANNELS, sw->have_channels, &sw->channels, ch,
				sizeof(*ch), NULL) : -EOPNOTSUPP;
}

/* The fields of struct ethtool_coalesce, one bit each (net_replay.c). */
#define PARKED_COALESCE_PARAMS	GENMASK(21, 0)

static int parked_get_coalesce(struct net_device *ndev, struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (!sw || !sw->have_coalesce)
		return -EOPNOTSUPP;
	*ec = sw->coalesce;
	*kec = sw->kcoalesce;
	return 0;
}

/*
 * The parked ops claim every field so that the core lets any through; a
 * change to one the old driver did not have is refused here, since nothing
 * is known of the next driver yet.
 */
static int parked_set_coalesce(struct net_device *ndev, struct ethtool_coalesce *ec,
			       struct kernel_ethtool_coalesce *kec,
			       struct netlink_ext_ack *extack)
{
	struct shadow_swap *sw = parked_swap(ndev);
	const u32 *want = (const u32 *)ec, *had;
	int i;

	if (!sw || !sw->have_coalesce)
		return -EOPNOTSUPP;
	had = (const u32 *)&sw->coalesce;
	for (i = 0; i < 22; i++) {
		if (want[i + 1] != had[i + 1] && !(sw->old_coalesce_mask & BIT(i))) {
			NL_SET_ERR_MSG(extack,
				       "parked: the interface's last driver has no such coalescing parameter");
			return -EOPNOTSUPP;
		}
	}
	return parked_keep(ndev, SHADOW_LOG_COALESCE, true, &sw->coalesce, ec, sizeof(*ec), extack);
}

static void parked_get_pause(struct net_device *ndev, struct ethtool_pauseparam *pause)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (sw && sw->have_pause)
		*pause = sw->pause;
}

static int parked_set_pause(struct net_device *ndev, struct ethtool_pauseparam *pause)
{
	struct shadow_swap *sw = parked_swap(ndev);

	return sw ? parked_keep(ndev, SHADOW_LOG_PAUSE, sw->have_pause, &sw->pause, pause,
				sizeof(*pause), NULL) : -EOPNOTSUPP;
}

static void parked_get_wol(struct net_device *ndev, struct ethtool_wolinfo *wol)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (sw && sw->have_wol)
		*wol = sw->wol;
}

static int parked_set_wol(struct net_device *ndev, struct ethtool_wolinfo *wol)
{
	struct shadow_swap *sw = parked_swap(ndev);

	return sw ? parked_keep(ndev, SHADOW_LOG_WOL, sw->have_wol, &sw->wol, wol,
				sizeof(*wol), NULL) : -EOPNOTSUPP;
}

static u32 parked_get_msglevel(struct net_device *ndev)
{
	struct shadow_swap *sw = parked_swap(ndev);

	return sw && sw->have_msglevel ? sw->msglevel : 0;
}

/* The core has no error path for this one: a failed log entry is said. */
static void parked_set_msglevel(struct net_device *ndev, u32 level)
{
	struct shadow_swap *sw = parked_swap(ndev);

	if (!sw || !sw->have_msglevel)
		return;
	if (parked_keep(ndev, SHADOW_LOG_MSGLEVEL, true, &sw->msglevel, &level, sizeof(level),
			NULL))
		netdev_warn(ndev, "shadow: parked: message level 0x%x not logged\n", level);
}

const struct ethtool_ops shadow_parked_eto = {
	.supported_coalesce_params = PARKED_COALESCE_PARAMS,
	.get_drvinfo = parked_drvinfo,
	.get_msglevel = parked_get_msglevel,
	.set_msglevel = parked_set_msglevel,
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = parked_ksettings,
	.get_wol = parked_get_wol,
	.set_wol = parked_set_wol,
	.get_coalesce = parked_get_coalesce,
	.set_coalesce = parked_set_coalesce,
	.get_ringparam = parked_get_ring,
	.set_ringparam = parked_set_ring,
	.get_channels = parked_get_channels,
	.set_channels = parked_set_channels,
	.get_pauseparam = parked_get_pause,
	.set_pauseparam = parked_set_pause,
};

/* What alloc_netdev_mqs() gives a driver that sets no ethtool_ops. */
const struct ethtool_ops shadow_empty_eto = {
	.get_ts_info = ethtool_op_get_ts_info,
};

/*
 * What the old driver's ethtool settings read just before the park: the
 * parked interface answers with these copies and takes changes into them
 * (net_park.c). Under RTNL, like every later use.
 */
static void park_save_ethtool(struct shadow_swap *sw, struct net_device *ndev,
			      const struct ethtool_ops *eto)
{
	ASSERT_RTNL();
	if (eto->get_link_ksettings)
		sw->have_ksettings = !eto->get_link_ksettings(ndev, &sw->ksettings);
	if (eto->get_ringparam) {
		sw->ring.cmd = ETHTOOL_GRINGPARAM;
		eto->get_ringparam(ndev, &sw->ring, &sw->kring, NULL);
		sw->have_ring = true;
	}
	if (eto->get_pauseparam) {
		sw->pause.cmd = ETHTOOL_GPAUSEPARAM;
		eto->get_pauseparam(ndev, &sw->pause);
		sw->have_pause = true;
	}
	if (eto->get_coalesce) {
		sw->coalesce.cmd = ETHTOOL_GCOALESCE;
		sw->have_coalesce = !eto->get_coalesce(ndev, &sw->coalesce, &sw->kcoalesce, NULL);
	}
	if (eto->get_wol) {
		sw->wol.cmd = ETHTOOL_GWOL;
		eto->get_wol(ndev, &sw->wol);
		sw->have_wol = true;
	}
	if (eto->get_channels) {
		sw->channels.cmd = ETHTOOL_GCHANNELS;
		eto->get_channels(ndev, &sw->channels);
		sw->have_channels = true;
	}
	if (eto->get_msglevel) {
		sw->msglevel = eto->get_msglevel(ndev);
		sw->have_msglevel = true;
	}
}

/* Phase PARKING, first half: the old driver closed, the ops parked. */
void shadow_swap_park(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	const struct ethtool_ops *eto = sd->ops.orig_eto;
	struct rtnl_link_stats64 s;
	u64 t;

	ASSERT_RTNL();
	strscpy(sw->ifname, ndev->name, sizeof(sw->ifname));
	memcpy(sw->sysfs_groups, ndev->sysfs_groups, sizeof(sw->sysfs_groups));
	sw->old_mtu = ndev->mtu;
	sw->old_addr_assign_type = ndev->addr_assign_type;
	sw->old_hw_features = ndev->hw_features;
	sw->old_wanted = ndev->wanted_features;
	sw->old_default = sd->default_wanted;
	sw->old_coalesce_mask = eto ? eto->supported_coalesce_params : 0;
	if (eto)
		park_save_ethtool(sw, ndev, eto);

	/* TX stops; netif_tx_disable() waits for a transmit in progress. */
	netif_tx_disable(ndev);
	sw->was_running = netif_running(ndev);
	/* The old driver's close reports no carrier: kept from the stack. */
	sw->stack_carrier = netif_carrier_ok(ndev);
	sw->drv_carrier = sw->stack_carrier;
	WRITE_ONCE(sw->carrier_live, false);
	if (sw->was_running) {
		clear_bit(__LINK_STATE_START, &ndev->state);
		smp_mb__after_atomic();	/* as __dev_close_many(): before ndo_stop */
		t = ktime_get_ns();
		sd->ops.orig_ndo->ndo_stop(ndev);
		sw->driver_ns += shadow_swap_since(t);
	}
	shadow_driver_stats(ndev, sd->ops.orig_ndo, &s);
	shadow_stats_add(&sd->stats_base, &s);
	/* Its attributes on the RX queues' nodes would call into it. */
	shadow_rx_queue_group(ndev, ndev->sysfs_rx_queue_group, false);
	ndev->sysfs_rx_queue_group = NULL;

	WRITE_ONCE(ndev->netdev_ops, &shadow_parked_ndo);
	WRITE_ONCE(ndev->ethtool_ops, &shadow_parked_eto);
	/* No redirect may target a driver that is not there. */
	shadow_netdev_xdp_features_changed(ndev, true);
	/* Lockless readers (stats, the data path) may still be in the copy. */
	synchronize_net();
	/* No driver is open under it now: it reads as running all the same. */
	shadow_park_running(sd);
	shadow_swap_stamp(sw, SWAP_T_PARKED);
}

/**
 * shadow_rx_queue_group() - a driver's own attributes on the RX queue nodes
 * @ndev: the interface
 * @grp: the driver's group (virtio_net has one), or NULL
 * @add: create, or remove
 *
 * register_netdevice() creates them; a swap does not register again, so
 * the departing driver's go and the arriving driver's come here.
 */
void shadow_rx_queue_group(struct net_device *ndev, const struct attribute_group *grp,
			   bool add)
{
	unsigned int i;

	if (!grp)
		return;
	for (i = 0; i < ndev->real_num_rx_queues; i++) {
		struct kobject *kobj = &ndev->_rx[i].kobj;

		if (!add)
			sysfs_remove_group(kobj, grp);
		else if (sysfs_create_group(kobj, grp))
			netdev_warn(ndev, "shadow: no %s attributes on rx-%u\n", grp->name, i);
	}
}

/* Undo park() when the old driver never left (its device had no driver). */
void shadow_swap_unpark(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;

	ASSERT_RTNL();
	WRITE_ONCE(ndev->ethtool_ops, sd->ops.orig_eto ? &sd->ops.eto : &shadow_empty_eto);
	WRITE_ONCE(ndev->netdev_ops, &sd->ops.ndo);
	if (sw->was_running) {
		/* The driver finds the carrier it left at its close. */
		shadow_swap_carrier_live(sw, ndev);
		set_bit(__LINK_STATE_START, &ndev->state);
		if (sd->ops.orig_ndo->ndo_open(ndev)) {
			clear_bit(__LINK_STATE_START, &ndev->state);
			netdev_state_change(ndev);
			netdev_err(ndev, "shadow: the driver did not reopen\n");
			return;
		}
		/* park() stopped the TX watchdog. */
		__netdev_watchdog_up(ndev);
	}
	netif_tx_wake_all_queues(ndev);
}
