// SPDX-License-Identifier: GPL-2.0
/*
 * Active mode, phase BINDING (net_swap.c): the parked interface handed to
 * the probing driver's netdev allocation, reset to what a fresh allocation
 * holds, and its register_netdev() turned into a re-attach under the new
 * device. From the claim to the re-attach, the shield (net_shield.c) keeps
 * the probe's stores to the name and the tables from the stack, and RTNL
 * holders wait (net_probe_rtnl.c). Called from the hooks (net_hooks.c) in
 * the probing task, which the claim (net_bind.c) identified.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>

#include "compat.h"
#include "net_swap.h"
#include "objects.h"
#include "uapi/linux/shadow.h"

/*
 * Reset what a driver sets on a fresh allocation, so the new driver finds
 * the parked interface as alloc_netdev_mqs() and ether_setup() leave one.
 * Kernel state (name, flags, addresses, MTU the stack uses, qdisc) stays.
 */
static void fresh(struct net_device *ndev, size_t room)
{
	memset(netdev_priv(ndev), 0, room);
	shadow_netdev_reset_tables(ndev);
	memset(&ndev->stats, 0, sizeof(ndev->stats));
	/*
	 * The carrier bit stays the stack's until the driver's open; what
	 * the driver reports meanwhile is kept for it (net_running.c).
	 */
	ndev->features = 0;
	ndev->hw_features = 0;
	ndev->vlan_features = 0;
	ndev->hw_enc_features = 0;
	ndev->mpls_features = 0;
	ndev->gso_partial_features = 0;
	ndev->priv_flags &= ~(IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE | IFF_SUPP_NOFCS |
			      IFF_TX_SKB_NO_LINEAR);
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = ETH_DATA_LEN;
	/*
	 * A fresh allocation has ETH_DATA_LEN; a smaller MTU is one every
	 * driver takes, and keeping it keeps the stack's reading unchanged.
	 */
	ndev->mtu = min_t(unsigned int, ndev->mtu, ETH_DATA_LEN);
	ndev->watchdog_timeo = 0;
	ndev->irq = 0;
	ndev->base_addr = 0;
	ndev->mem_start = 0;
	ndev->mem_end = 0;
	ndev->needed_headroom = 0;
	ndev->needed_tailroom = 0;
	ndev->dev_port = 0;
	ndev->dev_id = 0;
	ndev->tso_max_size = TSO_LEGACY_MAX_SIZE;
	ndev->tso_max_segs = TSO_MAX_SEGS;
}

/*
 * ether_setup() on an Ethernet interface, without its stores of the
 * stack's MTU, flags and queue length (restored after it, but visible in
 * between): what else it sets, the interface has (its header_ops are
 * ether_setup()'s own, which is not exported), or gets here.
 */
static bool ether_again(struct net_device *ndev)
{
	if (ndev->type != ARPHRD_ETHER || ndev->addr_len != ETH_ALEN)
		return false;
	ndev->hard_header_len = ETH_HLEN;
	ndev->min_header_len = ETH_HLEN;
	ndev->priv_flags |= IFF_TX_SKB_SHARING;
	return true;
}

/*
 * Run the driver's setup function (ether_setup(), or a wrapper such as the
 * 8390 library's) on the parked interface, as its allocation would have,
 * keeping what the stack owns: flags, queue length, link-layer type.
 * Return: false, with everything restored, when it is not Ethernet.
 */
static bool setup_again(struct net_device *ndev, void (*setup)(struct net_device *))
{
	const struct header_ops *header_ops = ndev->header_ops;
	unsigned int flags = ndev->flags, txqlen = ndev->tx_queue_len, mtu = ndev->mtu;
	unsigned short type = ndev->type, hlen = ndev->hard_header_len;
	unsigned char addr_len = ndev->addr_len;

	if (setup == ether_setup)
		return ether_again(ndev);
	/* Another (8390's ethdev_setup) runs on the interface itself. */
	setup(ndev);
	if (ndev->type == ARPHRD_ETHER && ndev->addr_len == ETH_ALEN && type == ARPHRD_ETHER) {
		ndev->flags = flags;
		ndev->tx_queue_len = txqlen;
		ndev->mtu = mtu;
		return true;
	}
	ndev->header_ops = header_ops;
	ndev->flags = flags;
	ndev->tx_queue_len = txqlen;
	ndev->type = type;
	ndev->hard_header_len = hlen;
	ndev->addr_len = addr_len;
	return false;
}

/**
 * shadow_swap_claim() - hand the parked interface to a probing driver
 * @sizeof_priv: private area the driver asks for
 * @setup: its setup function
 * @txqs: TX queues it asks for
 * @rxqs: RX queues it asks for
 *
 * Called from the netdev allocation hooks, in the probing task.
 * Return: the parked interface, or NULL to let the allocation happen.
 */
struct net_device *shadow_swap_claim(int sizeof_priv, void (*setup)(struct net_device *),
				     unsigned int txqs, unsigned int rxqs)
{
	struct shadow_swap *sw = shadow_swap_probing(true);
	struct shadow_net_dev *sd;
	struct net_device *ndev;
	int err;
	u64 t = ktime_get_ns();

	if (!sw)
		return NULL;
	sd = sw->sd;
	ndev = sd->ndev;
	if (sizeof_priv < 0 || sizeof_priv > sd->priv_size) {
		shadow_swap_reason(sw,
				   "the new driver needs %d bytes of private area, the interface has %u (load shadow before the first driver)",
				   sizeof_priv, sd->priv_size);
		return NULL;
	}
	if (txqs > ndev->num_tx_queues || rxqs > ndev->num_rx_queues) {
		shadow_swap_reason(sw,
				   "the new driver needs %u/%u TX/RX queues, the interface has %u/%u (pad_queues=%u would fit)",
				   txqs, rxqs, ndev->num_tx_queues, ndev->num_rx_queues, max(txqs, rxqs));
		return NULL;
	}
	/* RTNL holders see none of the probe's stores (net_probe_rtnl.c). */
	shadow_probe_rtnl_hold(sw);
	fresh(ndev, sd->priv_size);
	if (!setup_again(ndev, setup)) {
		shadow_probe_rtnl_release(sw);
		shadow_swap_reason(sw, "the new driver's interface is not Ethernet");
		return NULL;
	}
	sw->want_txq = txqs;
	sw->want_rxq = rxqs;
	sw->hw_addr_set = false;
	/* A fresh allocation has link until its driver says otherwise. */
	WRITE_ONCE(sw->drv_carrier, true);
	sw->handed = true;
	/* From here the probe writes: keep its stores from the stack. */
	err = shadow_shield_arm(&sw->shield, ndev);
	if (err)
		shadow_swap_note(sw, "not all of name and tables watched (%d): the probe's stores may show during the swap",
				 err);
	if (shadow_obj_add(SHADOW_OBJ_NETDEV, ndev, SHADOW_NETDEV_ID(sizeof_priv, txqs, rxqs),
			   ndev, NULL))
		pr_err("out of memory: netdev %p not tracked\n", ndev);
	netdev_dbg(ndev, "shadow: handed to a new driver\n");
	sw->own_in_probe_ns += shadow_swap_since(t);
	return ndev;
}

/*
 * The new driver's register_netdev() of the handed interface: move it under
 * the new device and put the new driver's tables behind the taps. The parts
 * of register_netdevice() that need RTNL are done by the replay.
 */
static int reattach(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	struct device *parent = ndev->dev.parent;
	u64 t = ktime_get_ns();
	int err;

	shadow_shield_disarm(&sw->shield);
	/* SET_NETDEV_DEV() wrote the field; sysfs still has it parentless. */
	ndev->dev.parent = NULL;
	err = shadow_swap_device_move(&ndev->dev, parent, DPM_ORDER_PARENT_BEFORE_DEV);
	if (err) {
		shadow_swap_reason(sw, "cannot move the interface under %s (%d)",
				   parent ? dev_name(parent) : "?", err);
		return err;
	}
	/*
	 * The new driver's tables wait for the replay, under RTNL: until then
	 * the stack finds the parked ones, and cannot close or configure a
	 * driver that has not been opened yet.
	 */
	/* Its RX queue attributes join the nodes once their count is set. */
	sw->new_rx_group = ndev->sysfs_rx_queue_group;
	ndev->sysfs_rx_queue_group = NULL;
	/* The node's attribute groups were made at registration: keep them. */
	memcpy(ndev->sysfs_groups, sw->sysfs_groups, sizeof(sw->sysfs_groups));
	/* The driver's tables: where the shield put them, or on the interface. */
	sw->new_ndo = ndev->netdev_ops != &shadow_parked_ndo ? ndev->netdev_ops : sw->shield.ndo;
	sw->new_eto = ndev->ethtool_ops != &shadow_parked_eto ? ndev->ethtool_ops : sw->shield.eto;
	if (sw->new_eto == &shadow_parked_eto)
		sw->new_eto = NULL;
	WRITE_ONCE(ndev->netdev_ops, &shadow_parked_ndo);
	WRITE_ONCE(ndev->ethtool_ops, &shadow_parked_eto);
	/*
	 * Drivers write a name template (e1000: "eth%d"); the name is the
	 * stack's, as the shield kept it (a rename meanwhile included).
	 */
	memcpy(ndev->name, sw->shield.name, sizeof(ndev->name));
	memcpy(sw->ifname, sw->shield.name, sizeof(sw->ifname));
	ndev->mtu = sw->old_mtu;
	if (sw->hw_addr_set)
		memcpy(ndev->perm_addr, sw->hw_addr, ndev->addr_len);
	ndev->addr_assign_type = sw->old_addr_assign_type;
	if (parent && parent->driver)
		strscpy(sw->new_driver, parent->driver->name, sizeof(sw->new_driver));
	/* The bus address, as for the old side (virtio_net: the PCI function). */
	if (parent)
		strscpy(sw->new_bus_addr, dev_name(shadow_swap_pci_dev(parent) ?: parent),
			sizeof(sw->new_bus_addr));
	shadow_obj_set_device(ndev, parent);
	shadow_net_note_need(ndev, shadow_obj_id(SHADOW_OBJ_NETDEV, ndev));
	sw->reattached = true;
	sw->own_in_probe_ns += shadow_swap_since(t);
	return 0;
}

/* debugfs: handed registers to fail before the re-attach, for tests. */
atomic_t shadow_swap_fail_register = ATOMIC_INIT(0);

int shadow_swap_reattach(struct shadow_net_dev *sd)
{
	int err;

	/* As a register_netdev() that fails in the kernel: a probe's unwind. */
	if (atomic_add_unless(&shadow_swap_fail_register, -1, 0)) {
		shadow_swap_reason(sd->swap, "its register failed (debugfs fail_register)");
		err = -EIO;
	} else {
		err = reattach(sd);
	}

	/* The interface is as the stack should see it: RTNL holders may. */
	shadow_probe_rtnl_release(sd->swap);
	return err;
}
