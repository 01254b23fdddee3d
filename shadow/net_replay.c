// SPDX-License-Identifier: GPL-2.0
/*
 * The replay: rebuild, in the driver that just took a parked interface,
 * the state the kernel and the user asked of the one before, in the order
 * register_netdevice() and dev_open() would have given it: queue counts,
 * features fixups, MTU, MAC and ethtool settings while the driver is still
 * closed (so that none of them costs a reset), then wanted features, open,
 * receive mode and VLAN filters.
 *
 * Where the new NIC cannot do what was asked, the lowest common
 * denominator is applied and a note says so: an MTU above its maximum, a
 * ring or channel count above its maximum, a MAC it refuses (its own is
 * kept and announced), features it lacks. Nothing is dropped silently.
 *
 * Calls go through the interface's tapped tables, so the log afterwards
 * holds what the new driver accepted.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "compat.h"
#include "net_rss_eee.h"
#include "net_swap.h"
#include "uapi/linux/shadow.h"

atomic_t shadow_swap_fail_open = ATOMIC_INIT(0);

/* Why the swap failed or was refused; the event and the kernel log carry it. */
void shadow_swap_reason(struct shadow_swap *sw, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sw->reason, sizeof(sw->reason), fmt, ap);
	va_end(ap);
}

void shadow_swap_note(struct shadow_swap *sw, const char *fmt, ...)
{
	va_list ap;

	if (sw->nnotes >= SHADOW_SWAP_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(sw->notes[sw->nnotes++], SHADOW_SWAP_NOTE_LEN, fmt, ap);
	va_end(ap);
}

/* What register_netdevice() adds to a driver's features before it runs. */
static void register_fixups(struct net_device *ndev)
{
	ndev->hw_features |= NETIF_F_SOFT_FEATURES | NETIF_F_SOFT_FEATURES_OFF;
	ndev->features |= NETIF_F_SOFT_FEATURES;
}

static void register_fixups_late(struct net_device *ndev)
{
	if (!(ndev->flags & IFF_LOOPBACK))
		ndev->hw_features |= NETIF_F_NOCACHE_COPY;
	if (ndev->hw_features & NETIF_F_TSO)
		ndev->hw_features |= NETIF_F_TSO_MANGLEID;
	if (ndev->vlan_features & NETIF_F_TSO)
		ndev->vlan_features |= NETIF_F_TSO_MANGLEID;
	if (ndev->mpls_features & NETIF_F_TSO)
		ndev->mpls_features |= NETIF_F_TSO_MANGLEID;
	if (ndev->hw_enc_features & NETIF_F_TSO)
		ndev->hw_enc_features |= NETIF_F_TSO_MANGLEID;
	ndev->vlan_features |= NETIF_F_HIGHDMA;
	ndev->hw_enc_features |= NETIF_F_SG | NETIF_F_GSO_PARTIAL;
	ndev->mpls_features |= NETIF_F_SG;
}

static void replay_queues(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	int err = 0;

	if (ndev->real_num_tx_queues != sw->want_txq)
		err = netif_set_real_num_tx_queues(ndev, sw->want_txq);
	if (!err && ndev->real_num_rx_queues != sw->want_rxq)
		err = netif_set_real_num_rx_queues(ndev, sw->want_rxq);
	if (err)
		shadow_swap_note(sw, "queues %u/%u not set (%d)", sw->want_txq, sw->want_rxq,
				 err);
}

/*
 * The MTU the user asked for (the log's), as much of it as the new NIC
 * takes: an MTU an earlier NIC had to lower comes back on one that takes
 * it. The log keeps the wish, not what this NIC could do.
 */
static void replay_mtu(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	const struct net_device_ops *ops = ndev->netdev_ops;
	unsigned int cur = ndev->mtu, want = cur, mtu;
	int err = 0;

	if (shadow_log_get(&sd->log, SHADOW_LOG_MTU, &want, sizeof(want)) < 0)
		want = cur;
	mtu = clamp(want, ndev->min_mtu, ndev->max_mtu);
	if (mtu != cur) {
		/* Through the kernel: routes and sockets learn the new MTU. */
		err = dev_set_mtu(ndev, mtu);
		if (mtu > cur && mtu == want)
			shadow_swap_note(sw, "mtu %u -> %u: as asked, %s takes it%s", cur, mtu,
					 sw->new_driver, err ? " (refused)" : "");
	} else if (mtu != ETH_DATA_LEN && ops->ndo_change_mtu) {
		/* The driver was probed at ETH_DATA_LEN; tell it the real one. */
		err = ops->ndo_change_mtu(ndev, mtu);
		if (err)
			shadow_swap_note(sw, "mtu %u refused by %s (%d)", mtu,
					 sw->new_driver, err);
		WRITE_ONCE(ndev->mtu, mtu);
	}
	if (mtu < want)
		shadow_swap_note(sw, "mtu %u -> %u: %s takes %u..%u%s", want, mtu,
				 sw->new_driver, ndev->min_mtu, ndev->max_mtu,
				 err ? " (refused)" : "");
	/* Both paths went through the tap, which logged what this NIC took. */
	if (ndev->mtu != want &&
	    shadow_log_record(&sd->log, SHADOW_LOG_MTU, TAP_MODE_LAST, &want, sizeof(want)))
		shadow_swap_note(sw, "mtu %u asked: no longer in the log (out of memory)", want);
}

static void replay_mac(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	const struct net_device_ops *ops = ndev->netdev_ops;
	struct sockaddr sa = { .sa_family = ndev->type };
	int err = -EOPNOTSUPP;

	memcpy(sa.sa_data, ndev->dev_addr, ndev->addr_len);
	if (ops->ndo_set_mac_address) {
		bool closed = shadow_swap_closed_begin(ndev);

		err = ops->ndo_set_mac_address(ndev, &sa);
		shadow_swap_closed_end(ndev, closed);
	}
	if (!err || !sw->hw_addr_set || ether_addr_equal(sw->hw_addr, ndev->dev_addr))
		return;
	/* The NIC keeps its own address: the stack and the peers learn it. */
	shadow_swap_note(sw, "mac %pM refused by %s (%d): using its own %pM",
			 ndev->dev_addr, sw->new_driver, err, sw->hw_addr);
	dev_addr_set(ndev, sw->hw_addr);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, ndev);
	sw->announce = true;
}

/*
 * Settings a driver is known to mishandle when asked to take them: they are
 * not replayed into it, and a note says why.
 */
static const struct {
	const char *driver;
	u32 key;		/* enum shadow_log_key */
	const char *why;
} quirks[] = {
	/* pcnet32_set_ringparam() frees DMA with interrupts off: a WARN. */
	{ "pcnet32", SHADOW_LOG_RING, "pcnet32 resizes its rings with interrupts off (a kernel warning)" },
};

static const char *quirk(const struct shadow_swap *sw, u32 key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(quirks); i++)
		if (quirks[i].key == key && !strcmp(quirks[i].driver, sw->new_driver))
			return quirks[i].why;
	return NULL;
}

/* Ring sizes: the logged ones, within what the new NIC allows. */
static void replay_ring(struct shadow_net_dev *sd, const struct ethtool_ops *eto)
{
	struct shadow_swap *sw = sd->swap;
	struct kernel_ethtool_ringparam kr = {};
	struct ethtool_ringparam want, cur = { .cmd = ETHTOOL_GRINGPARAM }, set;
	int err;

	if (shadow_log_get(&sd->log, SHADOW_LOG_RING, &want, sizeof(want)) < 0)
		return;
	if (quirk(sw, SHADOW_LOG_RING)) {
		shadow_swap_note(sw, "ring sizes %u/%u not carried: %s", want.rx_pending,
				 want.tx_pending, quirk(sw, SHADOW_LOG_RING));
		return;
	}
	if (!eto->get_ringparam || !eto->set_ringparam) {
		shadow_swap_note(sw, "ring sizes %u/%u: %s cannot set them", want.rx_pending,
				 want.tx_pending, sw->new_driver);
		return;
	}
	eto->get_ringparam(sd->ndev, &cur, &kr, NULL);
	set = cur;
	set.rx_pending = min(want.rx_pending, cur.rx_max_pending);
	set.tx_pending = min(want.tx_pending, cur.tx_max_pending);
	set.rx_mini_pending = min(want.rx_mini_pending, cur.rx_mini_max_pending);
	set.rx_jumbo_pending = min(want.rx_jumbo_pending, cur.rx_jumbo_max_pending);
	if (set.rx_pending != want.rx_pending || set.tx_pending != want.tx_pending)
		shadow_swap_note(sw, "ring rx/tx %u/%u -> %u/%u: %s's maximum", want.rx_pending,
				 want.tx_pending, set.rx_pending, set.tx_pending,
				 sw->new_driver);
	if (!memcmp(&set, &cur, sizeof(set)))
		return;
	err = eto->set_ringparam(sd->ndev, &set, &kr, NULL);
	if (err)
		shadow_swap_note(sw, "ring sizes refused by %s (%d)", sw->new_driver, err);
}

/*
 * Coalescing: struct ethtool_coalesce is cmd then u32 fields in the order
 * of the ETHTOOL_COALESCE_* bits, so bit i is field i + 1. Fields both
 * drivers support are carried; those only the old one had are noted.
 */
static void replay_coalesce(struct shadow_net_dev *sd, const struct ethtool_ops *eto)
{
	struct shadow_swap *sw = sd->swap;
	struct kernel_ethtool_coalesce kc = {};
	struct ethtool_coalesce want, cur = { .cmd = ETHTOOL_GCOALESCE };
	u32 *w = (u32 *)&want, *c = (u32 *)&cur;
	u32 both, lost = 0;
	int i, err;

	BUILD_BUG_ON(offsetof(struct ethtool_coalesce, rate_sample_interval) !=
		     21 * sizeof(u32) + sizeof(u32));
	if (shadow_log_get(&sd->log, SHADOW_LOG_COALESCE, &want, sizeof(want)) < 0)
		return;
	if (!eto->get_coalesce || !eto->set_coalesce) {
		shadow_swap_note(sw, "interrupt coalescing: %s cannot set it", sw->new_driver);
		return;
	}
	eto->get_coalesce(sd->ndev, &cur, &kc, NULL);
	both = eto->supported_coalesce_params & sw->old_coalesce_mask;
	for (i = 0; i < 22; i++) {
		if (both & BIT(i))
			c[i + 1] = w[i + 1];
		else if ((sw->old_coalesce_mask & BIT(i)) && w[i + 1])
			lost |= BIT(i);
	}
	if (lost)
		shadow_swap_note(sw, "coalescing parameters 0x%x: not supported by %s", lost,
				 sw->new_driver);
	if (!both)
		return;
	err = eto->set_coalesce(sd->ndev, &cur, &kc, NULL);
	if (err)
		shadow_swap_note(sw, "coalescing refused by %s (%d)", sw->new_driver, err);
}

static void replay_channels(struct shadow_net_dev *sd, const struct ethtool_ops *eto)
{
	struct shadow_swap *sw = sd->swap;
	struct ethtool_channels want, cur = { .cmd = ETHTOOL_GCHANNELS }, set;
	int err;

	if (shadow_log_get(&sd->log, SHADOW_LOG_CHANNELS, &want, sizeof(want)) < 0)
		return;
	if (!eto->get_channels || !eto->set_channels) {
		shadow_swap_note(sw, "channels: %s cannot set them", sw->new_driver);
		return;
	}
	eto->get_channels(sd->ndev, &cur);
	set = cur;
	set.rx_count = min(want.rx_count, cur.max_rx);
	set.tx_count = min(want.tx_count, cur.max_tx);
	set.other_count = min(want.other_count, cur.max_other);
	set.combined_count = min(want.combined_count, cur.max_combined);
	if (set.combined_count != want.combined_count || set.rx_count != want.rx_count ||
	    set.tx_count != want.tx_count)
		shadow_swap_note(sw, "channels lowered to %s's maximum", sw->new_driver);
	if (!memcmp(&set, &cur, sizeof(set)))
		return;
	err = eto->set_channels(sd->ndev, &set);
	if (err)
		shadow_swap_note(sw, "channels refused by %s (%d)", sw->new_driver, err);
}

static void replay_simple(struct shadow_net_dev *sd, const struct ethtool_ops *eto)
{
	struct shadow_swap *sw = sd->swap;
	struct ethtool_pauseparam pause;
	struct ethtool_wolinfo wol, cur = { .cmd = ETHTOOL_GWOL };
	u32 val;
	int err;

	if (shadow_log_get(&sd->log, SHADOW_LOG_PAUSE, &pause, sizeof(pause)) >= 0) {
		err = eto->set_pauseparam ? eto->set_pauseparam(sd->ndev, &pause) : -EOPNOTSUPP;
		if (err)
			shadow_swap_note(sw, "pause rx %u tx %u autoneg %u: not taken by %s (%d)",
					 pause.rx_pause, pause.tx_pause, pause.autoneg,
					 sw->new_driver, err);
	}
	if (shadow_log_get(&sd->log, SHADOW_LOG_MSGLEVEL, &val, sizeof(val)) >= 0) {
		if (eto->set_msglevel)
			eto->set_msglevel(sd->ndev, val);
		else
			shadow_swap_note(sw, "msglevel 0x%x: %s has none", val, sw->new_driver);
	}
	if (shadow_log_get(&sd->log, SHADOW_LOG_WOL, &wol, sizeof(wol)) >= 0) {
		if (eto->get_wol && eto->set_wol) {
			eto->get_wol(sd->ndev, &cur);
			if (wol.wolopts & ~cur.supported)
				shadow_swap_note(sw, "wake-on-lan 0x%x -> 0x%x: %s supports 0x%x",
						 wol.wolopts, wol.wolopts & cur.supported,
						 sw->new_driver, cur.supported);
			wol.wolopts &= cur.supported;
			err = eto->set_wol(sd->ndev, &wol);
			if (err)
				shadow_swap_note(sw, "wake-on-lan refused by %s (%d)",
						 sw->new_driver, err);
		} else if (wol.wolopts) {
			shadow_swap_note(sw, "wake-on-lan 0x%x: %s has none", wol.wolopts,
					 sw->new_driver);
		}
	}
	if (shadow_log_get(&sd->log, SHADOW_LOG_PRIV_FLAGS, &val, sizeof(val)) >= 0) {
		/* Private flags mean something only to the driver that defined them. */
		if (strcmp(sw->old_driver, sw->new_driver) || !eto->set_priv_flags)
			shadow_swap_note(sw, "private flags 0x%x are %s's own: not carried", val,
					 sw->old_driver);
		else if (eto->set_priv_flags(sd->ndev, val))
			shadow_swap_note(sw, "private flags 0x%x refused", val);
	}
}

/* Called directly, not through the kernel: no notification to keep true. */
static void replay_ethtool(struct shadow_net_dev *sd)
{
	const struct ethtool_ops *eto = sd->ndev->ethtool_ops;
	bool closed = shadow_swap_closed_begin(sd->ndev);

	replay_ring(sd, eto);
	replay_coalesce(sd, eto);
	replay_channels(sd, eto);
	replay_simple(sd, eto);
	shadow_replay_eee(sd, eto);
	shadow_swap_closed_end(sd->ndev, closed);
}

/*
 * Wanted features: the new driver's own defaults, with the changes the user
 * made to the old driver's defaults (ethtool -K) applied where the new one
 * lets the user choose; then the kernel computes the rest
 * (netdev_update_features() calls the driver's fix/set hooks). An old
 * driver's default is not carried: it was that NIC's choice, not the
 * user's (TSO that suited e1000 is off by default on 8139cp for a reason).
 */
static void replay_features(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	netdev_features_t defaults, user_on, user_off, lost;

	register_fixups(ndev);
	defaults = ndev->features & ndev->hw_features;
	register_fixups_late(ndev);
	user_on = sw->old_wanted & ~sw->old_default & sw->old_hw_features;
	user_off = ~sw->old_wanted & sw->old_default & sw->old_hw_features;
	ndev->wanted_features = (defaults | (user_on & ndev->hw_features)) &
				~(user_off & ndev->hw_features);
	sd->default_wanted = defaults;
	netdev_update_features(ndev);
	lost = user_on & ~ndev->features;
	/* One checksum offload stands for another (IP_CSUM vs HW_CSUM). */
	if (ndev->features & NETIF_F_CSUM_MASK)
		lost &= ~NETIF_F_CSUM_MASK;
	if (lost)
		shadow_swap_note(sw, "features %pNF turned on by the user are off on %s",
				 &lost, sw->new_driver);
}

/* The VLAN ids to filter, one bitmap per tag protocol (802.1Q, 802.1ad). */
struct vlan_set {
	DECLARE_BITMAP(ctag, VLAN_N_VID);
	DECLARE_BITMAP(stag, VLAN_N_VID);
};

static void vlan_set_add(struct vlan_set *set, __be16 proto, u16 vid)
{
	if (vid >= VLAN_N_VID)
		return;
	__set_bit(vid, proto == htons(ETH_P_8021AD) ? set->stag : set->ctag);
}

static int collect_vid(struct net_device *vlan_dev, int vid, void *arg)
{
	/* No device for the ids the kernel adds itself (vid 0 on NETDEV_UP). */
	vlan_set_add(arg, vlan_dev ? vlan_dev_vlan_proto(vlan_dev) : htons(ETH_P_8021Q), vid);
	return 0;
}

/* The filters the log's size makes many: the driver's time, counted. */
static void add_vids(struct shadow_net_dev *sd, const unsigned long *ids, __be16 proto)
{
	const struct net_device_ops *ops = sd->ndev->netdev_ops;
	unsigned int vid;
	u64 t;
	int err;

	for_each_set_bit(vid, ids, VLAN_N_VID) {
		t = ktime_get_ns();
		err = ops->ndo_vlan_rx_add_vid(sd->ndev, proto, vid);
		sd->swap->driver_ns += shadow_swap_since(t);
		if (err)
			shadow_swap_note(sd->swap, "VLAN %u refused by %s", vid,
					 sd->swap->new_driver);
	}
}

/*
 * VLAN filters: the logged set and the kernel's VLAN devices, vid 0 too,
 * every one of them (the 4094 a filter can hold, per protocol).
 */
static void replay_vlans(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	const struct net_device_ops *ops = ndev->netdev_ops;
	struct shadow_log_vlan v;
	struct shadow_log_item *item;
	struct vlan_set *set;
	unsigned int pos, gen, n;

	item = kmalloc(sizeof(*item), GFP_KERNEL);
	set = kzalloc(sizeof(*set), GFP_KERNEL);
	if (!item || !set) {
		shadow_swap_note(sw, "VLAN filters from the log not carried: out of memory");
		goto out;
	}
	__set_bit(0, set->ctag);
	for (pos = 0; !shadow_log_item(&sd->log, pos, item, &gen); pos++) {
		if (item->key != SHADOW_LOG_VLAN || item->len != sizeof(v))
			continue;
		memcpy(&v, item->data, sizeof(v));
		vlan_set_add(set, v.proto, v.vid);
	}
	vlan_for_each(ndev, collect_vid, set);
	n = bitmap_weight(set->ctag, VLAN_N_VID) + bitmap_weight(set->stag, VLAN_N_VID);
	if (!(ndev->features & NETIF_F_HW_VLAN_CTAG_FILTER) || !ops->ndo_vlan_rx_add_vid) {
		if (n > 1)
			shadow_swap_note(sw, "%u VLAN ids: %s has no VLAN filter, VLANs pass unfiltered",
					 n - 1, sw->new_driver);
		goto out;
	}
	add_vids(sd, set->ctag, htons(ETH_P_8021Q));
	add_vids(sd, set->stag, htons(ETH_P_8021AD));
out:
	kfree(set);
	kfree(item);
}

/* dev_open()'s driver-facing half; the stack already thinks it is up. */
static int replay_open(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	const struct net_device_ops *ops = ndev->netdev_ops;
	u64 t;
	int err;

	/* Open: the driver is called running, and the carrier is its own. */
	sw->closed = false;
	shadow_swap_carrier_live(sw, ndev);
	/* Not running since a failed swap parked it: announced in wake(). */
	sw->revived = !test_and_set_bit(__LINK_STATE_START, &ndev->state);
	t = ktime_get_ns();
	if (atomic_add_unless(&shadow_swap_fail_open, -1, 0))
		err = -EIO;	/* a test asked for a driver that cannot open */
	else
		err = ops->ndo_open ? ops->ndo_open(ndev) : 0;
	sw->driver_ns += shadow_swap_since(t);
	if (err) {
		/* Dropped again (net_swap.c): no driver is open under it. */
		clear_bit(__LINK_STATE_START, &ndev->state);
		shadow_swap_carrier_stack(sw, ndev);
		shadow_swap_reason(sw, "%s did not open (%d)",
				   sw->new_driver, err);
		return err;
	}
	/* Queued packets wait for link (net_swap.c wakes TX). */
	netif_tx_stop_all_queues(ndev);
	t = ktime_get_ns();
	netif_addr_lock_bh(ndev);
	if (ops->ndo_set_rx_mode)
		ops->ndo_set_rx_mode(ndev);	/* all the multicast addresses */
	netif_addr_unlock_bh(ndev);
	sw->driver_ns += shadow_swap_since(t);
	if (!(ndev->priv_flags & IFF_UNICAST_FLT) && !netdev_uc_empty(ndev) &&
	    !ndev->uc_promisc)
		shadow_swap_note(sw, "%s has no unicast filter: secondary unicast addresses need promiscuous mode",
				 sw->new_driver);
	replay_vlans(sd);
	if (sw->announce)
		__netdev_notify_peers(ndev);
	return 0;
}

/**
 * shadow_replay() - rebuild the logged state in the new driver
 * @sd: the interface, re-attached to its new driver
 *
 * Context: RTNL held.
 * Return: 0, or the error that kept the new driver from opening.
 */
int shadow_replay(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	int err;

	ASSERT_RTNL();
	/* Until its open, the driver is called as one not yet opened. */
	sd->swap->closed = true;
	/*
	 * No packet for a driver that is not open: its probe may have woken
	 * the queues (parked_xmit() stops them only once a packet comes), and
	 * a transmit in progress still runs in the parked tables.
	 */
	netif_tx_disable(ndev);
	/* The new driver's tables, behind the taps (net_handover.c kept them). */
	shadow_net_install(sd, sd->swap->new_ndo, sd->swap->new_eto);
	/* A redirect target only with a bulk queue (net_xdp.c). */
	shadow_xdp_replay(sd);
	/* The new driver's probe set its XDP features without telling anyone. */
	shadow_netdev_xdp_features_changed(ndev, false);
	replay_queues(sd);
	ndev->sysfs_rx_queue_group = sd->swap->new_rx_group;
	shadow_rx_queue_group(ndev, ndev->sysfs_rx_queue_group, true);
	replay_mtu(sd);
	replay_mac(sd);
	replay_ethtool(sd);
	replay_features(sd);
	/* Stopped since netif_tx_disable(): nothing took them since. */
	shadow_swap_revalidate_requeued(sd);
	err = ndev->flags & IFF_UP ? replay_open(sd) : 0;
	sd->swap->closed = false;
	if (!err)
		shadow_replay_rss(sd);
	return err;
}
