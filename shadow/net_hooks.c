// SPDX-License-Identifier: GPL-2.0
/*
 * What each tapped call means to the shadow: the handlers of the net-class
 * taps marked "hook" in taps/net.spec. Each calls through to the driver or
 * the kernel, then records what was accepted: state changes go to the
 * device's replay log (only when the driver said yes), objects to the
 * tracker. The generated wrappers (taps/gen/) call these with the target
 * kernel's exact prototypes.
 *
 * Netdev allocations of shadowed drivers get their private area padded to
 * at least pad_priv bytes and their queues to at least pad_queues, so that
 * a different driver can later be handed the same net_device (active mode);
 * the driver itself sees no difference.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "compat.h"
#include "net.h"
#include "net_swap.h"
#include "netlink.h"
#include "objects.h"
#include "uapi/linux/shadow.h"

/*
 * 60 KiB: with the net_device in front, the allocation stays within the
 * 64 KiB block the allocator hands out anyway for anything above 32 KiB,
 * and hosts every driver of the test bed (vmxnet3 asks 38464 on 6.12).
 */
static unsigned int pad_priv = 61440;
module_param(pad_priv, uint, 0444);
MODULE_PARM_DESC(pad_priv,
		 "bytes of private area every shadowed netdev allocation gets at least");

/*
 * Multi-queue drivers mostly ask for a queue per CPU, so by default (0) an
 * allocation gets at least one TX and one RX queue per possible CPU; 1
 * turns queue padding off. The driver's own count stays the real one, as
 * on a fresh allocation. The cost per padded queue is its struct
 * netdev_queue and netdev_rx_queue and, once the allocation has more than
 * one TX queue, a child of the mq root qdisc the kernel then attaches
 * (README: "Padding").
 */
static unsigned int pad_queues;
module_param(pad_queues, uint, 0444);
MODULE_PARM_DESC(pad_queues,
		 "TX and RX queues every shadowed netdev allocation gets at least (0: one per possible CPU)");

/* Beyond this, asking is better than guessing (alloc_netdev_mqs allows 4096). */
#define PAD_QUEUES_MAX	64

static const struct net_device_ops *orig_ndo(const struct net_device *dev)
{
	return tap_net_orig_net_device_ops(dev);
}

static const struct ethtool_ops *orig_eto(const struct net_device *dev)
{
	return tap_net_orig_ethtool_ops(dev);
}

static void log_u32(struct net_device *dev, u32 key, u32 val)
{
	shadow_net_log(dev, key, TAP_MODE_LAST, &val, sizeof(val));
}

static void log_rx_flags(struct net_device *dev)
{
	log_u32(dev, SHADOW_LOG_RX_FLAGS, dev->flags & (IFF_PROMISC | IFF_ALLMULTI));
}

/* net_device_ops */

int shadow_net_net_device_ops_ndo_open(struct net_device *dev)
{
	u8 up = 1;
	int ret = orig_ndo(dev)->ndo_open(dev);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_UP, TAP_MODE_LAST, &up, sizeof(up));
	return ret;
}

int shadow_net_net_device_ops_ndo_stop(struct net_device *dev)
{
	u8 up = 0;
	int ret = orig_ndo(dev)->ndo_stop(dev);

	shadow_net_log(dev, SHADOW_LOG_UP, TAP_MODE_LAST, &up, sizeof(up));
	return ret;
}

void shadow_net_net_device_ops_ndo_change_rx_flags(struct net_device *dev, int flags)
{
	orig_ndo(dev)->ndo_change_rx_flags(dev, flags);
	log_rx_flags(dev);
}

/* Address lists are kernel state, reprogrammed on replay; flags are asked. */
void shadow_net_net_device_ops_ndo_set_rx_mode(struct net_device *dev)
{
	orig_ndo(dev)->ndo_set_rx_mode(dev);
	log_rx_flags(dev);
}

int shadow_net_net_device_ops_ndo_set_mac_address(struct net_device *dev, void *addr)
{
	int ret = orig_ndo(dev)->ndo_set_mac_address(dev, addr);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_MAC, TAP_MODE_LAST, dev->dev_addr,
			       dev->addr_len);
	return ret;
}

/* debugfs: the next MTU change sleeps this long in its wrapper, for tests. */
u32 shadow_net_hold_change_mtu_ms;

/*
 * The replay reaches these two through the kernel (dev_set_mtu(),
 * netdev_update_features()), whose notifications follow the call: a new
 * driver not opened yet is called as such, and the stack reads the
 * interface as running around it (net_running.c).
 */
int shadow_net_net_device_ops_ndo_change_mtu(struct net_device *dev, int new_mtu)
{
	bool closed = shadow_swap_closed_begin(dev);
	int ret = orig_ndo(dev)->ndo_change_mtu(dev, new_mtu);
	u32 hold = xchg(&shadow_net_hold_change_mtu_ms, 0);

	shadow_swap_closed_end(dev, closed);

	/* As a driver that sleeps in its change (e1000 resets), under RTNL. */
	if (hold)
		msleep(hold);
	if (!ret)
		log_u32(dev, SHADOW_LOG_MTU, new_mtu);
	return ret;
}

int shadow_net_net_device_ops_ndo_vlan_rx_add_vid(struct net_device *dev,
						  __be16 proto, u16 vid)
{
	struct shadow_log_vlan v = { .proto = proto, .vid = vid };
	int ret = orig_ndo(dev)->ndo_vlan_rx_add_vid(dev, proto, vid);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_VLAN, TAP_MODE_SET_ADD, &v, sizeof(v));
	return ret;
}

int shadow_net_net_device_ops_ndo_vlan_rx_kill_vid(struct net_device *dev,
						   __be16 proto, u16 vid)
{
	struct shadow_log_vlan v = { .proto = proto, .vid = vid };
	int ret = orig_ndo(dev)->ndo_vlan_rx_kill_vid(dev, proto, vid);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_VLAN, TAP_MODE_SET_DEL, &v, sizeof(v));
	return ret;
}

int shadow_net_net_device_ops_ndo_set_features(struct net_device *dev,
					       netdev_features_t features)
{
	u64 f = features;
	bool closed = shadow_swap_closed_begin(dev);
	int ret = orig_ndo(dev)->ndo_set_features(dev, features);

	shadow_swap_closed_end(dev, closed);
	/* > 0: accepted, and the driver set dev->features itself. */
	if (ret >= 0)
		shadow_net_log(dev, SHADOW_LOG_FEATURES, TAP_MODE_LAST, &f, sizeof(f));
	return ret;
}

/* A driver may make itself a redirect target here (net_xdp.c). */
int shadow_net_net_device_ops_ndo_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	int ret = orig_ndo(dev)->ndo_bpf(dev, bpf);

	shadow_xdp_check_target(dev);
	return ret;
}

/* ethtool_ops: the UAPI struct the kernel passed, as accepted */

void shadow_net_ethtool_ops_set_msglevel(struct net_device *dev, u32 level)
{
	orig_eto(dev)->set_msglevel(dev, level);
	log_u32(dev, SHADOW_LOG_MSGLEVEL, level);
}

int shadow_net_ethtool_ops_set_priv_flags(struct net_device *dev, u32 flags)
{
	int ret = orig_eto(dev)->set_priv_flags(dev, flags);

	if (!ret)
		log_u32(dev, SHADOW_LOG_PRIV_FLAGS, flags);
	return ret;
}

int shadow_net_ethtool_ops_set_wol(struct net_device *dev, struct ethtool_wolinfo *wol)
{
	int ret = orig_eto(dev)->set_wol(dev, wol);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_WOL, TAP_MODE_LAST, wol, sizeof(*wol));
	return ret;
}

int shadow_net_ethtool_ops_set_coalesce(struct net_device *dev,
					struct ethtool_coalesce *ec,
					struct kernel_ethtool_coalesce *kec,
					struct netlink_ext_ack *extack)
{
	int ret = orig_eto(dev)->set_coalesce(dev, ec, kec, extack);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_COALESCE, TAP_MODE_LAST, ec, sizeof(*ec));
	return ret;
}

int shadow_net_ethtool_ops_set_ringparam(struct net_device *dev,
					 struct ethtool_ringparam *ring,
					 struct kernel_ethtool_ringparam *kring,
					 struct netlink_ext_ack *extack)
{
	int ret = orig_eto(dev)->set_ringparam(dev, ring, kring, extack);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_RING, TAP_MODE_LAST, ring, sizeof(*ring));
	return ret;
}

int shadow_net_ethtool_ops_set_pauseparam(struct net_device *dev,
					  struct ethtool_pauseparam *pause)
{
	int ret = orig_eto(dev)->set_pauseparam(dev, pause);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_PAUSE, TAP_MODE_LAST, pause, sizeof(*pause));
	return ret;
}

int shadow_net_ethtool_ops_set_channels(struct net_device *dev,
					struct ethtool_channels *ch)
{
	int ret = orig_eto(dev)->set_channels(dev, ch);

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_CHANNELS, TAP_MODE_LAST, ch, sizeof(*ch));
	return ret;
}

/* Netdev lifetime */

static unsigned int pad_queues_now(void)
{
	return min_t(unsigned int, pad_queues ?: num_possible_cpus(), PAD_QUEUES_MAX);
}

/*
 * The object's id is what the driver itself asked of the allocation. A
 * padded allocation shows the driver its own queue counts as the real ones,
 * as alloc_netdev_mqs() would have; nothing is registered yet.
 */
static struct net_device *track_netdev(struct net_device *dev, int priv,
				       unsigned int txqs, unsigned int rxqs)
{
	if (!dev)
		return NULL;
	/* Rare (one per probe), and the figures a person sizing the padding wants. */
	pr_info("netdev allocation padded: private area %d -> %zu bytes, TX/RX queues %u/%u -> %u/%u (%zu bytes more)\n",
		priv, shadow_netdev_priv_room(dev), txqs, rxqs, dev->num_tx_queues,
		dev->num_rx_queues,
		(dev->num_tx_queues - txqs) * sizeof(struct netdev_queue) +
		(dev->num_rx_queues - rxqs) * sizeof(struct netdev_rx_queue));
	dev->real_num_tx_queues = txqs;
	dev->real_num_rx_queues = rxqs;
	if (shadow_obj_add(SHADOW_OBJ_NETDEV, dev, SHADOW_NETDEV_ID(priv, txqs, rxqs), dev, NULL))
		pr_err("out of memory: netdev %p not tracked\n", dev);
	return dev;
}

static int padded(int sizeof_priv)
{
	return max_t(int, sizeof_priv, pad_priv);
}

static unsigned int padded_queues(unsigned int asked)
{
	return max(asked, pad_queues_now());
}

/* A probe a swap waits for gets the parked interface (net_handover.c). */
struct net_device *shadow_net_alloc_netdev_mqs(int sizeof_priv, const char *name,
					       unsigned char name_assign_type,
					       void (*setup)(struct net_device *),
					       unsigned int txqs, unsigned int rxqs)
{
	struct net_device *dev = shadow_swap_claim(sizeof_priv, setup, txqs, rxqs);

	if (dev)
		return dev;
	return track_netdev(alloc_netdev_mqs(padded(sizeof_priv), name, name_assign_type,
					     setup, padded_queues(txqs), padded_queues(rxqs)),
			    sizeof_priv, txqs, rxqs);
}

struct net_device *shadow_net_alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs,
						 unsigned int rxqs)
{
	struct net_device *dev = shadow_swap_claim(sizeof_priv, ether_setup, txqs, rxqs);

	if (dev)
		return dev;
	return track_netdev(alloc_etherdev_mqs(padded(sizeof_priv), padded_queues(txqs),
					       padded_queues(rxqs)),
			    sizeof_priv, txqs, rxqs);
}

/*
 * What devm_alloc_etherdev_mqs() arranges, for a handed interface. The
 * action is this module's code, run by the driver core whenever the driver
 * leaves its device: each one pins the module until it has run. The put is
 * its last statement; the RCU-tasks grace period of the module's exit
 * (shadow_taps_quiesce()) covers the instructions after it.
 */
static void devm_free(void *dev)
{
	shadow_net_free_netdev(dev);
	module_put(THIS_MODULE);
}

/* devres frees this one from the kernel, unseen: it is forgotten on unregister. */
struct net_device *shadow_net_devm_alloc_etherdev_mqs(struct device *dev, int sizeof_priv,
						      unsigned int txqs, unsigned int rxqs)
{
	struct net_device *ndev = shadow_swap_claim(sizeof_priv, ether_setup, txqs, rxqs);

	if (ndev) {
		/* A swap holds a reference while it runs: this cannot fail. */
		__module_get(THIS_MODULE);
		if (devm_add_action(dev, devm_free, ndev)) {
			module_put(THIS_MODULE);
			shadow_net_free_netdev(ndev);
			return NULL;
		}
		return ndev;
	}
	return track_netdev(devm_alloc_etherdev_mqs(dev, padded(sizeof_priv),
						    padded_queues(txqs), padded_queues(rxqs)),
			    sizeof_priv, txqs, rxqs);
}

/* debugfs: the next registration sleeps this long in its wrapper, for tests. */
u32 shadow_net_hold_register_ms;

static int registered(struct net_device *dev, int (*reg)(struct net_device *))
{
	u32 hold = xchg(&shadow_net_hold_register_ms, 0);
	struct shadow_net_dev *sd;
	bool offered;
	int ret;

	if (hold)
		msleep(hold);
	sd = shadow_net_attach(dev, true);

	/* -ESHUTDOWN: the shadow is being unloaded. */
	if (IS_ERR(sd) && PTR_ERR(sd) != -ESHUTDOWN)
		netdev_err(dev, "shadow: cannot attach (%ld); not shadowed\n", PTR_ERR(sd));
	/* Any later driver may take XDP redirects (net_xdp.c). */
	offered = !IS_ERR(sd) && shadow_xdp_queue_offer(sd);
	ret = reg(dev);
	if (offered && !ret)
		shadow_xdp_queue_withdraw(sd);
	if (ret && !IS_ERR(sd))
		shadow_net_detach(sd, false);
	if (!ret) {
		if (!IS_ERR(sd))
			sd->default_wanted = dev->wanted_features;
		shadow_obj_set_device(dev, dev->dev.parent);
		shadow_net_note_need(dev, shadow_obj_id(SHADOW_OBJ_NETDEV, dev));
		if (!IS_ERR(sd))
			shadow_nl_event(sd, SHADOW_STATE_PASSIVE);
	}
	return ret;
}

/* A handed interface is registered already: its register is a re-attach. */
int shadow_net_register_netdev(struct net_device *dev)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, BIT(SHADOW_STATE_BINDING));

	return sd ? shadow_swap_reattach(sd) : registered(dev, register_netdev);
}

int shadow_net_register_netdevice(struct net_device *dev)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, BIT(SHADOW_STATE_BINDING));

	return sd ? shadow_swap_reattach(sd) : registered(dev, register_netdevice);
}

/*
 * The driver unregisters its interface: stop shadowing it first, under
 * RTNL, which every table call a wrapper may be sleeping in holds (an MTU
 * or ring change), so that none still runs when the state goes.
 */
static void detach(struct net_device *dev)
{
	struct shadow_net_dev *sd;

	ASSERT_RTNL();
	shadow_net_lock();
	sd = shadow_net_find(dev);
	shadow_net_unlock();
	if (sd)
		shadow_net_detach(sd, false);
}

/*
 * A departing driver's unregister and free of a swapped interface: the old
 * driver's while parking; a new driver's probe that fails before it took
 * the interface, while binding. A new driver that had taken it (its
 * device went, or its probe failed after the register) is decided under
 * RTNL (shadow_swap_absorb_departing()), and its free is absorbed too.
 */
#define SWAP_ABSORBS	(BIT(SHADOW_STATE_PARKING) | BIT(SHADOW_STATE_BINDING))
#define SWAP_DEPARTS	(BIT(SHADOW_STATE_BINDING) | BIT(SHADOW_STATE_REPLAYING))

static struct shadow_net_dev *absorbs_unregister(struct net_device *dev)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, SWAP_ABSORBS);

	/* A new driver that had taken it: not without RTNL (departs()). */
	if (sd && READ_ONCE(sd->state) == SHADOW_STATE_BINDING && sd->swap->reattached)
		return NULL;
	return sd;
}

/* Under RTNL: a new driver lets go of the interface it had taken. */
static bool departs(struct net_device *dev)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, SWAP_DEPARTS);

	return sd && shadow_swap_absorb_departing(sd);
}

void shadow_net_unregister_netdev(struct net_device *dev)
{
	struct shadow_net_dev *sd = absorbs_unregister(dev);

	if (sd) {
		shadow_swap_absorb_unregister(sd);
		return;
	}
	rtnl_lock();
	if (departs(dev)) {
		rtnl_unlock();
		return;
	}
	detach(dev);
	rtnl_unlock();
	unregister_netdev(dev);
}

void shadow_net_unregister_netdevice_queue(struct net_device *dev, struct list_head *head)
{
	struct shadow_net_dev *sd = absorbs_unregister(dev);

	if (sd) {
		shadow_swap_absorb_unregister(sd);
		return;
	}
	/* the caller holds RTNL */
	if (departs(dev))
		return;
	detach(dev);
	unregister_netdevice_queue(dev, head);
}

void shadow_net_free_netdev(struct net_device *dev)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, SWAP_ABSORBS | SWAP_DEPARTS);

	/* Replaying, only the free of a driver that departed (absorbed). */
	if (sd && READ_ONCE(sd->state) == SHADOW_STATE_REPLAYING &&
	    !READ_ONCE(sd->swap->departing))
		sd = NULL;
	if (sd) {
		shadow_swap_absorb_free(sd);
		return;
	}
	/* Not seen allocated: it predates the shadow (a late attach). */
	if (!shadow_obj_del(SHADOW_OBJ_NETDEV, dev, SHADOW_OBJ_ANY_ID))
		netdev_dbg(dev, "shadow: freeing a netdev never seen allocated\n");
	shadow_obj_netdev_freed(dev);
	free_netdev(dev);
}

/* IRQs, NAPI, DMA */

int shadow_net_request_threaded_irq(unsigned int irq, irq_handler_t handler,
				    irq_handler_t thread_fn, unsigned long flags,
				    const char *name, void *dev)
{
	int ret = request_threaded_irq(irq, handler, thread_fn, flags, name, dev);

	if (!ret && shadow_obj_add(SHADOW_OBJ_IRQ, dev, irq, shadow_obj_netdev_of(dev), NULL))
		pr_err("out of memory: irq %u not tracked\n", irq);
	return ret;
}

const void *shadow_net_free_irq(unsigned int irq, void *dev)
{
	const void *ret = free_irq(irq, dev);

	if (!shadow_obj_del(SHADOW_OBJ_IRQ, dev, irq))
		pr_debug("irq %u freed but never seen requested\n", irq);
	return ret;
}

void shadow_net_netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi,
				      int (*poll)(struct napi_struct *, int), int weight)
{
	netif_napi_add_weight(dev, napi, poll, weight);
	if (shadow_obj_add(SHADOW_OBJ_NAPI, napi, 0, dev, NULL))
		pr_err("out of memory: napi not tracked\n");
}

void shadow_net___netif_napi_del(struct napi_struct *napi)
{
	__netif_napi_del(napi);
	shadow_obj_del(SHADOW_OBJ_NAPI, napi, SHADOW_OBJ_ANY_ID);
}

void *shadow_net_dma_alloc_attrs(struct device *dev, size_t size, dma_addr_t *handle,
				 gfp_t flag, unsigned long attrs)
{
	void *cpu = dma_alloc_attrs(dev, size, handle, flag, attrs);

	if (cpu && shadow_obj_add(SHADOW_OBJ_DMA_COHERENT, cpu, size, NULL, dev))
		pr_err("out of memory: DMA buffer not tracked\n");
	return cpu;
}

void shadow_net_dma_free_attrs(struct device *dev, size_t size, void *cpu,
			       dma_addr_t handle, unsigned long attrs)
{
	dma_free_attrs(dev, size, cpu, handle, attrs);
	if (!shadow_obj_del(SHADOW_OBJ_DMA_COHERENT, cpu, size))
		dev_dbg(dev, "shadow: DMA buffer freed but never seen allocated\n");
}

/* Link, address and queue changes while a swap runs are the swap's. */

#define SWAP_KEEPS_LINK	(BIT(SHADOW_STATE_PARKING) | BIT(SHADOW_STATE_PARKED) | \
			 BIT(SHADOW_STATE_BINDING) | BIT(SHADOW_STATE_REPLAYING))

/*
 * A watchdog or interrupt may report link while the swap ends: the swap
 * found is used under RCU, which its free waits for (slot_del()).
 */
static bool swap_carrier(struct net_device *dev, bool on)
{
	struct shadow_net_dev *sd;

	rcu_read_lock();
	sd = shadow_swap_of(dev, SWAP_KEEPS_LINK);
	if (sd)
		shadow_swap_carrier(sd, on);
	rcu_read_unlock();
	return sd;
}

void shadow_net_netif_carrier_on(struct net_device *dev)
{
	if (!swap_carrier(dev, true))
		netif_carrier_on(dev);
}

void shadow_net_netif_carrier_off(struct net_device *dev)
{
	if (!swap_carrier(dev, false))
		netif_carrier_off(dev);
}

/* A probing driver's address: the interface keeps the stack's (replay). */
void shadow_net_dev_addr_mod(struct net_device *dev, unsigned int offset,
			     const void *addr, size_t len)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, BIT(SHADOW_STATE_BINDING));

	if (!sd) {
		dev_addr_mod(dev, offset, addr, len);
		return;
	}
	if (offset + len <= sizeof(sd->swap->hw_addr)) {
		memcpy(sd->swap->hw_addr + offset, addr, len);
		sd->swap->hw_addr_set = true;
	}
}

/* A probing driver's queue counts wait for RTNL, in the replay. */
int shadow_net_netif_set_real_num_tx_queues(struct net_device *dev, unsigned int txq)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, BIT(SHADOW_STATE_BINDING));

	if (!sd)
		return netif_set_real_num_tx_queues(dev, txq);
	if (txq < 1 || txq > dev->num_tx_queues)
		return -EINVAL;
	sd->swap->want_txq = txq;
	return 0;
}

int shadow_net_netif_set_real_num_rx_queues(struct net_device *dev, unsigned int rxq)
{
	struct shadow_net_dev *sd = shadow_swap_of(dev, BIT(SHADOW_STATE_BINDING));

	if (!sd)
		return netif_set_real_num_rx_queues(dev, rxq);
	if (rxq < 1 || rxq > dev->num_rx_queues)
		return -EINVAL;
	sd->swap->want_rxq = rxq;
	return 0;
}
