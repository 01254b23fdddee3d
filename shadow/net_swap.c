// SPDX-License-Identifier: GPL-2.0
/*
 * Active mode: swap the driver under a live interface.
 *
 * A swap runs in a work item, in phases (enum shadow_state):
 *
 *  PARKING	First, while the old driver still runs, place the shield's
 *		breakpoints (net_shield.c: a grace period, kept out of the
 *		outage and reported apart as the preparation). Under RTNL:
 *		stop the TX queues (packets wait in the qdisc),
 *		clear __LINK_STATE_START the way dev_close() does and call the
 *		old driver's ndo_stop, so the driver believes it was closed;
 *		point the interface at the parked ops (net_park.c), which
 *		answer from what was saved, and set the bit again: IFF_UP,
 *		IFF_RUNNING, the carrier and the operstate the stack sees do
 *		not change (net_running.c says how the drivers and the stack
 *		share that bit and the carrier). Then unbind the old
 *		driver from its PCI device: its unregister_netdev() and
 *		free_netdev() of the interface are absorbed (the net_device,
 *		with its name, ifindex, addresses, routes, qdisc and sockets,
 *		stays registered; its sysfs node moves off the departing
 *		device to /sys/devices/virtual/net).
 *  PARKED	No driver. Waits for the wanted device to be probed.
 *  BINDING	A PCI probe of that device started (bus notifier); in that
 *		task, a shadowed driver's netdev allocation is handed the
 *		parked interface, reset to what a fresh allocation holds, and
 *		its register_netdev() becomes a re-attach: sysfs parent moved
 *		to the new device, the new driver's tables behind the taps.
 *		Its carrier and address changes meanwhile are kept from the
 *		stack, and so, by the shield (net_shield.c), are its plain
 *		stores to the name and to the table pointers.
 *  REPLAYING	Once the probe returned: replay the log (net_replay.c), open,
 *		wait for the new driver to report link, wake TX.
 *
 * A failure ends in a defined state: back on the old driver when its
 * device still exists, else parked with the reason. The interface is
 * never unregistered.
 *
 * Locking: swap_lock (a spinlock) guards the swapping[] slots and every
 * claim_* field; RCU lets the hooks find a swap from any context, and a
 * hook that uses the swap it found holds rcu_read_lock() across, because
 * slot_del() waits for a grace period before the swap is freed. The
 * registry lock (shadow_net_lock()) orders requests against the work:
 * sd->swap is set and cleared under it, and so is sw->running, which is
 * true from the moment a swap is queued until its work is done with it;
 * a request finding it true is refused, so no request rewrites a swap
 * whose work is waiting for a device. A swap holds a reference on this
 * module while it runs or the interface is parked, so the parked ops
 * cannot go away under the interface.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "net_swap.h"
#include "shadow.h"
#include "netlink.h"
#include "objects.h"
#include "trace.h"
#include "uapi/linux/shadow.h"

static unsigned int link_wait_ms = 5000;
module_param(link_wait_ms, uint, 0644);
MODULE_PARM_DESC(link_wait_ms,
		 "how long a swap waits for the new driver to report link before waking TX");

#define SWAPS_MAX	8

static struct shadow_net_dev __rcu *swapping[SWAPS_MAX];
static DEFINE_SPINLOCK(swap_lock);
static struct workqueue_struct *swap_wq;
static atomic_t swap_seq = ATOMIC_INIT(0);

static void set_state(struct shadow_net_dev *sd, u32 state)
{
	WRITE_ONCE(sd->state, state);
	trace_shadow_swap(sd->ndev, state, sd->swap->seq);
	shadow_nl_swap_event(sd, state);
}

static void mark(struct shadow_swap *sw, enum shadow_swap_mark m)
{
	sw->t[m] = ktime_get_ns();
}

u32 shadow_swap_hold_phase;
u32 shadow_swap_hold_phase_ms;

/*
 * debugfs, for tests: the next swap to reach phase hold_phase (a
 * SHADOW_STATE_ value) waits hold_phase_ms there, once, so that a test
 * can remove a device or unload a module in that phase. Each hold is
 * where the swap holds no lock: after the park, waiting for the device
 * before the bind (a probe meanwhile is claimed), at a probe's claim
 * (before the probe takes RTNL), before the replay.
 */
static void hold_in(struct shadow_net_dev *sd, u32 state)
{
	u32 ms = READ_ONCE(shadow_swap_hold_phase_ms);

	might_sleep();
	if (!ms || cmpxchg(&shadow_swap_hold_phase, state, 0) != state)
		return;
	netdev_info(sd->ndev, "shadow: swap %u: holding %u ms in phase %u (debugfs hold_phase)\n",
		    sd->swap->seq, ms, state);
	msleep(ms);
}

/**
 * shadow_swap_of() - the shadowed interface a swap runs on
 * @ndev: the interface
 * @states: mask of BIT(enum shadow_state) the swap must be in
 *
 * Any context. The swap pins the result while it is in one of @states.
 * Return: the device, or NULL when @ndev is not being swapped in @states.
 */
struct shadow_net_dev *shadow_swap_of(const struct net_device *ndev, u32 states)
{
	struct shadow_net_dev *sd, *found = NULL;
	int i;

	rcu_read_lock();
	for (i = 0; i < SWAPS_MAX; i++) {
		sd = rcu_dereference(swapping[i]);
		if (sd && sd->ndev == ndev && (BIT(READ_ONCE(sd->state)) & states)) {
			found = sd;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

static int slot_add(struct shadow_net_dev *sd)
{
	int i, err = -ENOSPC;

	spin_lock(&swap_lock);
	for (i = 0; i < SWAPS_MAX; i++) {
		if (!rcu_access_pointer(swapping[i])) {
			rcu_assign_pointer(swapping[i], sd);
			err = 0;
			break;
		}
	}
	spin_unlock(&swap_lock);
	return err;
}

static void slot_del(struct shadow_net_dev *sd)
{
	int i;

	spin_lock(&swap_lock);
	for (i = 0; i < SWAPS_MAX; i++)
		if (rcu_access_pointer(swapping[i]) == sd)
			RCU_INIT_POINTER(swapping[i], NULL);
	spin_unlock(&swap_lock);
	synchronize_rcu();
}

/* The PCI device an interface's parent hangs from (virtio_net: two up). */
static struct device *pci_device_of(struct device *dev)
{
	for (; dev; dev = dev->parent)
		if (dev_is_pci(dev))
			return dev;
	return NULL;
}

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
static void park(struct shadow_net_dev *sd)
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
	mark(sw, SWAP_T_PARKED);
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
static void unpark(struct shadow_net_dev *sd)
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

/*
 * device_move() with no fault injected inside it. When its class links
 * fail, 6.1's device_move() moves the device back under old_parent->kobj
 * (for a parentless interface, /sys/devices itself) rather than into the
 * class's glue directory, and kernfs refuses a namespaced class device
 * there with a WARN ("kernfs: ns invalid", met by swap_faults.sh). That
 * unwind is the kernel's and cannot be repaired from here, so an injected
 * fault lands on the next fallible call instead; a real allocation
 * failure there still meets it.
 */
static int swap_device_move(struct device *dev, struct device *parent,
			    enum dpm_order order)
{
#ifdef CONFIG_FAULT_INJECTION
	unsigned int nth = READ_ONCE(current->fail_nth);
	int err;

	WRITE_ONCE(current->fail_nth, 0);
	err = device_move(dev, parent, order);
	WRITE_ONCE(current->fail_nth, nth);
	return err;
#else
	return device_move(dev, parent, order);
#endif
}

/* The old driver's unregister_netdev() of the interface, absorbed. */
void shadow_swap_absorb_unregister(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	const struct net_device_ops *ops;
	int err;

	/* The old driver's remove, or a new driver's failing probe. */
	if (READ_ONCE(sd->state) == SHADOW_STATE_PARKING) {
		sw->absorbed_unregister = true;
		ops = sd->ops.orig_ndo;
	} else {
		if (sw->reattached) {
			if (!sw->reason[0])
				shadow_swap_reason(sw, "%s unregistered the interface it had taken (its probe failed after the register, or its device went)",
						   sw->new_driver);
			WRITE_ONCE(sw->departing, true);
		}
		sw->reattached = false;
		ops = sw->new_ndo;
	}
	if (ops && ops->ndo_uninit)
		ops->ndo_uninit(ndev);
	err = swap_device_move(&ndev->dev, NULL, DPM_ORDER_NONE);
	if (err)
		netdev_err(ndev, "shadow: cannot move off the departing device (%d)\n", err);
}

/**
 * shadow_swap_absorb_departing() - a new driver's unregister after its probe
 * @sd: the interface, being swapped in phase binding or replaying
 *
 * The new driver unregisters the interface it had taken (its device went
 * during the probe or since, or its probe failed after the register)
 * before the replay gave it its tables: it was never opened, so the swap
 * takes the interface back, as from a probe that fails, and rolls back or
 * parks. Decided under RTNL, which the replay takes to give the driver
 * its tables: either the replay sees the interface gone from the driver,
 * or this sees the tables given and leaves the unregister to the kernel.
 *
 * Context: RTNL held. The registry's reference keeps @sd: only the
 * unregister detaches it.
 * Return: true when absorbed.
 */
bool shadow_swap_absorb_departing(struct shadow_net_dev *sd)
{
	u32 state = READ_ONCE(sd->state);
	struct shadow_swap *sw;

	ASSERT_RTNL();
	/* In these phases the swap cannot end without RTNL: sd->swap holds. */
	if (state != SHADOW_STATE_BINDING && state != SHADOW_STATE_REPLAYING)
		return false;
	sw = sd->swap;
	if (!sw || !sw->reattached || READ_ONCE(sd->ndev->netdev_ops) != &shadow_parked_ndo)
		return false;
	shadow_swap_absorb_unregister(sd);
	return true;
}

/*
 * A new driver that let go of the interface it had taken frees it in its
 * own task (its remove, or its probe's unwind): wait for that free before
 * another driver is handed the interface, or it is left parked.
 */
static void wait_departed(struct shadow_net_dev *sd)
{
	struct shadow_swap *sw = sd->swap;

	if (!READ_ONCE(sw->departing))
		return;
	if (!wait_for_completion_timeout(&sw->departed, msecs_to_jiffies(30000)))
		netdev_warn(sd->ndev, "shadow: swap %u: %s did not free the interface within 30 s\n",
			    sw->seq, sw->new_driver);
}

/* The old driver's free_netdev(), absorbed: only its NAPI instances go. */
void shadow_swap_absorb_free(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct napi_struct *napi, *tmp;

	sd->swap->absorbed_free = true;
	/*
	 * A probe that fails before its register leaves SET_NETDEV_DEV()'s
	 * parent in the field, a device the interface holds no reference to
	 * (it may be hot-unplugged next) and that sysfs never moved it under.
	 * The probing task still holds RTNL (net_probe_rtnl.c), which the
	 * readers of the field (rtnetlink, ethtool's runtime PM) take.
	 */
	if (READ_ONCE(sd->state) == SHADOW_STATE_BINDING && !sd->swap->reattached)
		ndev->dev.parent = NULL;
	list_for_each_entry_safe(napi, tmp, &ndev->napi_list, dev_list) {
		netif_napi_del(napi);
		shadow_obj_del(SHADOW_OBJ_NAPI, napi, SHADOW_OBJ_ANY_ID);
	}
	shadow_obj_del(SHADOW_OBJ_NETDEV, ndev, SHADOW_OBJ_ANY_ID);
	/*
	 * A failed probe frees the interface it was handed: the hold on RTNL
	 * ends there, in the probing task (a worker's probe has no other
	 * end this module sees).
	 */
	shadow_probe_rtnl_release(sd->swap);
	/* The departing driver's last touch of the interface. */
	if (READ_ONCE(sd->swap->departing))
		complete(&sd->swap->departed);
}

/* Phase PARKING, second half: the old driver leaves its device. */
static int unbind_old(struct shadow_net_dev *sd)
{
	struct shadow_swap *sw = sd->swap;
	struct device *dev = sw->old_dev;

	device_release_driver(dev);
	mark(sw, SWAP_T_UNBOUND);
	sw->driver_ns += sw->t[SWAP_T_UNBOUND] - sw->t[SWAP_T_PARKED];
	if (!sw->absorbed_unregister) {
		shadow_swap_reason(sw, "%s left %s without unregistering the interface",
				   sw->old_driver, sw->old_bus_addr);
		return -EPROTO;
	}
	if (!sw->absorbed_free)
		shadow_swap_note(sw, "%s did not free the interface on remove",
				 sw->old_driver);
	/* The device may be detached from here: leave it nothing bound. */
	shadow_xen_release_irq(sw);
	return 0;
}

/* How strongly a waiting swap wants a probe of @dev; 0: not at all. */
enum claim_rank {
	CLAIM_NONE,
	CLAIM_ANY,		/* no target: any network controller */
	CLAIM_DRIVER,		/* the driver it named */
	CLAIM_NAMED,		/* the device it named */
	CLAIM_BOUND,		/* the device its own task is binding */
};

/*
 * With no target, only a network controller may take the interface: a
 * disk or anything else hot-plugged meanwhile is none of the swap's.
 * Several swaps may wait at once, and a no-target one would take any
 * probe: the most specific claim wins (claim_for()).
 */
static enum claim_rank claim_rank(const struct shadow_swap *sw, struct device *dev)
{
	lockdep_assert_held(&swap_lock);
	if (!sw->waiting || sw->claim_dev)
		return CLAIM_NONE;
	if (sw->we_bound == dev)
		return CLAIM_BOUND;
	if (sw->cur_dev[0])
		return strcmp(sw->cur_dev, dev_name(dev)) ? CLAIM_NONE : CLAIM_NAMED;
	if (sw->cur_driver[0])
		return dev->driver && !strcmp(sw->cur_driver, dev->driver->name) ?
		       CLAIM_DRIVER : CLAIM_NONE;
	return dev_is_pci(dev) &&
	       (to_pci_dev(dev)->class >> 16) == PCI_BASE_CLASS_NETWORK ?
	       CLAIM_ANY : CLAIM_NONE;
}

/* The waiting swap a probe of @dev belongs to, or NULL. */
static struct shadow_net_dev *claim_for(struct device *dev)
{
	enum claim_rank rank, best = CLAIM_NONE;
	struct shadow_net_dev *sd, *found = NULL;
	int i;

	lockdep_assert_held(&swap_lock);
	for (i = 0; i < SWAPS_MAX; i++) {
		sd = rcu_dereference_protected(swapping[i], lockdep_is_held(&swap_lock));
		rank = sd ? claim_rank(sd->swap, dev) : CLAIM_NONE;
		if (rank > best) {
			best = rank;
			found = sd;
		}
	}
	return found;
}

/*
 * Bus notifier: a probe of the wanted device claims the parked interface
 * for its task, and its end completes the wait.
 */
static int bus_event(struct notifier_block *nb, unsigned long action, void *data)
{
	struct shadow_swap *sw, *ended = NULL;
	struct device *dev = data;
	struct shadow_net_dev *sd;
	int i;

	if (action != BUS_NOTIFY_BIND_DRIVER && action != BUS_NOTIFY_BOUND_DRIVER &&
	    action != BUS_NOTIFY_DRIVER_NOT_BOUND)
		return NOTIFY_DONE;
	spin_lock(&swap_lock);
	if (action == BUS_NOTIFY_BIND_DRIVER) {
		sd = claim_for(dev);
		if (sd) {
			sw = sd->swap;
			sw->claim_dev = get_device(dev);
			sw->claim_task = current;
			sw->probe_start = ktime_get_ns();
			sw->own_in_probe_base = sw->own_in_probe_ns;
			WRITE_ONCE(sd->state, SHADOW_STATE_BINDING);
		}
		spin_unlock(&swap_lock);
		/* The swap waits for this probe's end (sw->bound): sd lives. */
		if (sd)
			hold_in(sd, SHADOW_STATE_BINDING);
		return NOTIFY_DONE;
	}
	for (i = 0; i < SWAPS_MAX; i++) {
		sd = rcu_dereference_protected(swapping[i], lockdep_is_held(&swap_lock));
		if (!sd)
			continue;
		sw = sd->swap;
		if (sw->claim_dev != dev)
			continue;
		sw->bound_err = action == BUS_NOTIFY_BOUND_DRIVER ? 0 : -ENXIO;
		sw->driver_ns += shadow_swap_since(sw->probe_start) -
				 (sw->own_in_probe_ns - sw->own_in_probe_base);
		sw->claim_task = NULL;
		ended = sw;
		break;
	}
	spin_unlock(&swap_lock);
	if (ended) {
		/* A probe that never re-attached still holds RTNL (the task's). */
		shadow_probe_rtnl_release(ended);
		if (ended->rtnl_holder)
			pr_err("swap %u: the worker that probed %s ended holding RTNL\n",
			       ended->seq, dev_name(dev));
		/* The swap's work goes on (and may free it) from here. */
		complete(&ended->bound);
	}
	return NOTIFY_DONE;
}

static struct notifier_block pci_nb = { .notifier_call = bus_event };

/*
 * The swap whose wanted device the current task probes, if any: the task
 * the bus notifier saw, or the worker pci_call_probe() handed the probe
 * to (net_probe_worker.c), which from then on is the claim's task.
 */
static struct shadow_swap *probing(bool unhanded)
{
	struct shadow_swap *sw, *found = NULL;
	struct device *in_worker = NULL;
	struct shadow_net_dev *sd;
	bool asked = false;
	int i;

	spin_lock(&swap_lock);
	for (i = 0; i < SWAPS_MAX; i++) {
		sd = rcu_dereference_protected(swapping[i], lockdep_is_held(&swap_lock));
		sw = sd ? sd->swap : NULL;
		if (!sw || !sw->claim_task || (unhanded && sw->handed))
			continue;
		/*
		 * Ask the worker only while a probe is claimed: every rtnl_lock()
		 * of a shadowed driver comes here, and the answer costs two
		 * symbol lookups. It takes no lock and does not sleep.
		 */
		if (sw->claim_task != current && !asked) {
			in_worker = shadow_worker_probe_dev();
			asked = true;
		}
		if (sw->claim_task != current && (!in_worker || sw->claim_dev != in_worker))
			continue;
		sw->claim_task = current;
		found = sw;
		break;
	}
	spin_unlock(&swap_lock);
	return found;
}

/**
 * shadow_swap_probing() - the swap the current task probes a device for
 *
 * The swap lives until that probe ends (its work waits for it).
 * Return: the swap, or NULL when the task does not probe for one.
 */
struct shadow_swap *shadow_swap_probing(void)
{
	return probing(false);
}

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
	struct shadow_swap *sw = probing(true);
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
	err = swap_device_move(&ndev->dev, parent, DPM_ORDER_PARENT_BEFORE_DEV);
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
		strscpy(sw->new_bus_addr, dev_name(pci_device_of(parent) ?: parent),
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

/* Say which device the swap binds before its probe can start. */
static void set_we_bound(struct shadow_swap *sw, const struct device *dev)
{
	spin_lock(&swap_lock);
	sw->we_bound = dev;
	spin_unlock(&swap_lock);
}

/* Start a driver on @name: bind it, loading the driver module if need be. */
static int bind(struct shadow_swap *sw, const char *name)
{
	struct device *dev = bus_find_device_by_name(&pci_bus_type, NULL, name);
	u64 t, before, own_before;
	struct pci_dev *pdev;
	bool claimed;
	int ret = 0;

	if (!dev)
		return 1;	/* not here yet: hot-plug will probe it */
	spin_lock(&swap_lock);
	claimed = sw->claim_dev == dev;
	spin_unlock(&swap_lock);
	if (claimed) {
		/* It came (hot-plug) while the swap waited: its probe is ours. */
		ret = 1;
		goto out;
	}
	if (dev->driver) {
		shadow_swap_reason(sw, "%s is bound to %s; unbind it first",
				   name, dev->driver->name);
		ret = -EBUSY;
		goto out;
	}
	set_we_bound(sw, dev);
	ret = device_attach(dev);
	if (ret == 0) {
		/* No driver loaded matches it: ask modprobe, whose load probes it. */
		pdev = to_pci_dev(dev);
		before = sw->driver_ns;
		own_before = sw->own_in_probe_ns;
		t = ktime_get_ns();
		ret = request_module("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
				     pdev->vendor, pdev->device, pdev->subsystem_vendor,
				     pdev->subsystem_device, (u8)(pdev->class >> 16),
				     (u8)(pdev->class >> 8), (u8)pdev->class);
		/*
		 * Loading the driver is the driver's time, with the probe its
		 * init ran (already counted by the bus notifier: count it once);
		 * the claim and re-attach inside it stay the shadow's.
		 */
		sw->driver_ns = before + shadow_swap_since(t) -
				(sw->own_in_probe_ns - own_before);
		if (ret > 0)
			ret = -ENOENT;
		if (!ret && !dev->driver)
			ret = device_attach(dev);
	}
	ret = ret < 0 ? ret : 0;
	if (ret && !sw->reason[0])
		shadow_swap_reason(sw, "binding %s failed (%d)", name, ret);
out:
	put_device(dev);
	return ret;
}

struct unbound_match {
	const struct pci_device_id *ids;
	struct device *skip;
	struct device *found;
};

static int match_unbound(struct device *dev, void *data)
{
	struct unbound_match *m = data;

	if (dev->driver || dev == m->skip || !pci_match_id(m->ids, to_pci_dev(dev)))
		return 0;
	m->found = get_device(dev);
	return 1;
}

/*
 * Start the PCI driver @name on the first unbound device it supports,
 * other than the one the interface just left; load it first if need be.
 * Return: 0, 1 when no such device is here yet (hot-plug will probe it),
 * or an error.
 */
static int bind_driver(struct shadow_swap *sw, const char *name)
{
	struct unbound_match m = { .skip = sw->old_dev };
	struct device_driver *drv = driver_find(name, &pci_bus_type);
	u64 t;
	int ret;

	/*
	 * A bare module name is any module: as for dev_load() (CVE-2011-1019),
	 * only a requester with CAP_SYS_MODULE may have one loaded.
	 */
	if (!drv && sw->may_load) {
		t = ktime_get_ns();
		ret = request_module("%s", name);
		sw->driver_ns += shadow_swap_since(t);
		drv = driver_find(name, &pci_bus_type);
	}
	if (!drv && !sw->may_load) {
		shadow_swap_reason(sw, "no PCI driver %s loaded, and loading one by name needs CAP_SYS_MODULE",
				   name);
		return -EPERM;
	}
	if (!drv) {
		shadow_swap_reason(sw, "no PCI driver %s", name);
		return -ENOENT;
	}
	m.ids = to_pci_driver(drv)->id_table;
	bus_for_each_dev(&pci_bus_type, NULL, &m, match_unbound);
	if (!m.found)
		return 1;
	set_we_bound(sw, m.found);
	ret = device_driver_attach(drv, m.found);
	if (ret < 0)
		shadow_swap_reason(sw, "%s did not bind %s (%d)", name,
				   dev_name(m.found), ret);
	put_device(m.found);
	return ret < 0 ? ret : 0;
}

/* Phases PARKED and BINDING: wait for a driver to take the interface. */
static int adopt(struct shadow_net_dev *sd, const char *want, const char *driver,
		 unsigned long timeout)
{
	struct shadow_swap *sw = sd->swap;
	struct device *claimed;
	bool waited;
	long left;
	u64 start;
	int err;

	spin_lock(&swap_lock);
	strscpy(sw->cur_dev, want, sizeof(sw->cur_dev));
	strscpy(sw->cur_driver, driver, sizeof(sw->cur_driver));
	sw->claim_dev = NULL;
	sw->claim_task = NULL;
	sw->we_bound = NULL;
	sw->handed = false;
	sw->reattached = false;
	sw->bound_err = 0;
	reinit_completion(&sw->bound);
	WRITE_ONCE(sw->departing, false);
	reinit_completion(&sw->departed);
	sw->waiting = true;
	spin_unlock(&swap_lock);
	hold_in(sd, SHADOW_STATE_PARKED);

	start = ktime_get_ns();
	err = want[0] ? bind(sw, want) : driver[0] ? bind_driver(sw, driver) : 1;
	waited = err > 0;
	if (waited)
		err = 0;
	left = err ? 0 : wait_for_completion_timeout(&sw->bound, timeout);
	/* Waiting for a device to appear is nobody's work: keep it apart. */
	if (waited)
		sw->wait_ns += (sw->probe_start > start ? sw->probe_start : ktime_get_ns()) -
			       start;

	spin_lock(&swap_lock);
	sw->waiting = false;
	if (!left && sw->claim_dev) {
		/* A probe started just in time: let it finish. */
		spin_unlock(&swap_lock);
		wait_for_completion(&sw->bound);
		left = 1;
		spin_lock(&swap_lock);
	}
	claimed = sw->claim_dev;
	sw->claim_dev = NULL;
	spin_unlock(&swap_lock);
	/* A probe that took the interface but never re-attached it. */
	shadow_shield_disarm(&sw->shield);
	mark(sw, SWAP_T_PROBED);
	/* a PV domU's bounce pool after a migration: say what it is */
	shadow_xen_check_dma(sw, claimed);
	if (claimed) {
		/*
		 * Bound with an interface of its own: undo what the swap bound,
		 * leave nothing behind. A device someone else bound (hot-plug)
		 * keeps its driver: it is not the shadow's to take away.
		 */
		if (!sw->reattached && !sw->bound_err && claimed == sw->we_bound) {
			u64 t = ktime_get_ns();

			device_release_driver(claimed);
			sw->driver_ns += shadow_swap_since(t);
		} else if (!sw->reattached && !sw->bound_err) {
			shadow_swap_reason(sw, "%s probed with an interface of its own; left bound",
					   dev_name(claimed));
		}
		put_device(claimed);
	}
	wait_departed(sd);

	if (err)
		return err;
	if (!left) {
		shadow_swap_reason(sw, "no device %s%s%sprobed within %u ms",
				   driver[0] ? "for " : "", want[0] ? want : driver,
				   want[0] || driver[0] ? " " : "", jiffies_to_msecs(timeout));
		return -ETIMEDOUT;
	}
	if (!sw->reattached) {
		if (!sw->reason[0])
			shadow_swap_reason(sw, "%s probed %s%swithout taking the interface",
					   sw->new_driver[0] ? sw->new_driver : "the driver", want,
					   want[0] ? " " : "");
		return sw->bound_err ?: -ENXIO;
	}
	return sw->bound_err;
}

/* Phase REPLAYING, last step: the stack gets the driver's link; TX wakes. */
static void wake(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	bool up;

	/* An interface that is being unregistered (detached) has no link to wait for. */
	if (sw->was_running && netif_running(ndev))
		wait_event_timeout(sw->link_wq, netif_carrier_ok(ndev) || READ_ONCE(sd->detached),
				   msecs_to_jiffies(link_wait_ms));
	rtnl_lock();
	WRITE_ONCE(sd->state, SHADOW_STATE_PASSIVE);
	/* Its driver is unregistering it: leave the queues to the unregister. */
	if (READ_ONCE(sd->detached)) {
		rtnl_unlock();
		mark(sw, SWAP_T_WOKEN);
		return;
	}
	up = netif_carrier_ok(ndev);
	if (!up && netif_running(ndev)) {
		/* Tell the stack the truth: the bit is set, so fire by hand. */
		clear_bit(__LINK_STATE_NOCARRIER, &ndev->state);
		netif_carrier_off(ndev);
		shadow_swap_note(sw, "no link from %s within %u ms", sw->new_driver,
				 link_wait_ms);
	} else if (up && READ_ONCE(ndev->operstate) != IF_OPER_UP) {
		/*
		 * The driver's carrier changes were kept from the stack, but a
		 * link event run meanwhile (any one reads the bit as it is) let
		 * it see the carrier down: the bit alone would leave it
		 * operationally down for good. Report the link as new.
		 */
		set_bit(__LINK_STATE_NOCARRIER, &ndev->state);
		netif_carrier_on(ndev);
	}
	if (netif_running(ndev)) {
		netif_tx_wake_all_queues(ndev);
		__netdev_watchdog_up(ndev);
		/* Announced as not running when a failed swap parked it. */
		if (sw->revived)
			netdev_state_change(ndev);
	}
	rtnl_unlock();
	mark(sw, SWAP_T_WOKEN);
}

/* The interface runs on a driver again: the swap and its references go. */
static void swap_free(struct shadow_net_dev *sd)
{
	struct shadow_swap *sw = sd->swap;

	shadow_shield_unwatch(&sw->shield);	/* none left but on an early end */
	slot_del(sd);
	shadow_net_lock();
	sd->swap = NULL;
	shadow_net_unlock();
	put_device(sw->old_dev);
	kfree(sw);
	/* ORDER: the references the swap took, the device state last. */
	dev_put(sd->ndev);
	shadow_net_put(sd);
	module_put(THIS_MODULE);
}

static void finish(struct shadow_net_dev *sd, bool on_driver)
{
	struct shadow_swap *sw = sd->swap;

	/*
	 * The breakpoints go before the outcome is told (a grace period, but
	 * after the outage): a requester that then asks for the next swap
	 * finds this one gone, as when they lived only through the probe.
	 */
	shadow_shield_unwatch(&sw->shield);
	/* Its device went during the link wait: the driver unregisters it. */
	if (on_driver && (READ_ONCE(sd->detached) ||
			  READ_ONCE(sd->ndev->reg_state) != NETREG_REGISTERED)) {
		sw->err = sw->err ?: -ENODEV;
		shadow_swap_reason(sw, "the interface was unregistered during the swap (its new device %s went)",
				   sw->new_bus_addr);
		shadow_nl_swap_event(sd, SHADOW_STATE_FAILED);
		netdev_warn(sd->ndev, "shadow: swap %u: %s\n", sw->seq, sw->reason);
		swap_free(sd);
		return;
	}

	if (!on_driver) {
		/* No driver under it: it reads as not running, and says so. */
		rtnl_lock();
		shadow_swap_not_running(sd);
		rtnl_unlock();
		set_state(sd, SHADOW_STATE_PARKED);
		shadow_nl_swap_event(sd, SHADOW_STATE_FAILED);
		netdev_err(sd->ndev, "shadow: swap %u failed, interface parked: %s\n",
			   sw->seq, sw->reason);
		/* Last touch of the request: a new one may take the swap now. */
		shadow_net_lock();
		sw->running = false;
		shadow_net_unlock();
		return;
	}
	shadow_nl_swap_event(sd, sw->err ? SHADOW_STATE_ROLLED_BACK : SHADOW_STATE_SWAPPED);
	netdev_info(sd->ndev, "shadow: swap %u %s -> %s in %llu us%s%s\n", sw->seq,
		    sw->old_driver, sw->new_driver,
		    (sw->t[SWAP_T_WOKEN] - sw->t[SWAP_T_START]) / NSEC_PER_USEC,
		    sw->err ? ", rolled back: " : "", sw->err ? sw->reason : "");
	/* What the probe wrote onto the live interface, kept from the stack. */
	netdev_info(sd->ndev, "shadow: swap %u: %s's probe stores put back: name %u, netdev_ops %u, ethtool_ops %u\n",
		    sw->seq, sw->new_driver, sw->shield.caught[SHADOW_SHIELD_NAME],
		    sw->shield.caught[SHADOW_SHIELD_NDO], sw->shield.caught[SHADOW_SHIELD_ETO]);
	swap_free(sd);
}

/* The old driver's device is still here and free: a rollback can bind it. */
static bool can_roll_back(const struct shadow_swap *sw)
{
	return sw->old_dev && device_is_registered(sw->old_dev) && !sw->old_dev->driver;
}

/*
 * The new driver would not open: take the interface off it again, as the
 * park does (its remove's unregister and free absorbed), so that it is
 * parked and its device free.
 */
static void drop_new(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;
	struct device *dev = get_device(pci_device_of(ndev->dev.parent));
	u64 t;

	rtnl_lock();
	shadow_rx_queue_group(ndev, ndev->sysfs_rx_queue_group, false);
	ndev->sysfs_rx_queue_group = NULL;
	WRITE_ONCE(ndev->netdev_ops, &shadow_parked_ndo);
	WRITE_ONCE(ndev->ethtool_ops, &shadow_parked_eto);
	WRITE_ONCE(sd->state, SHADOW_STATE_PARKING);
	rtnl_unlock();
	synchronize_net();
	sw->absorbed_unregister = false;
	t = ktime_get_ns();
	if (dev)
		device_release_driver(dev);
	sw->driver_ns += shadow_swap_since(t);
	put_device(dev);
	if (!sw->absorbed_unregister)
		netdev_err(ndev, "shadow: %s kept the interface on remove\n", sw->new_driver);
	sw->reattached = false;
	WRITE_ONCE(sd->state, SHADOW_STATE_PARKED);
}

/* Phase REPLAYING; a driver that cannot open is dropped again. */
static int replay_or_drop(struct shadow_net_dev *sd)
{
	struct shadow_swap *sw = sd->swap;
	int err;

	set_state(sd, SHADOW_STATE_REPLAYING);
	hold_in(sd, SHADOW_STATE_REPLAYING);
	rtnl_lock();
	/*
	 * Since the probe, the new driver let go of the interface (absorbed:
	 * roll back once it has freed it), or the interface is unregistered
	 * (detached, under RTNL too: its namespace went; the unregister waits
	 * for the swap's reference).
	 */
	if (!sw->reattached || READ_ONCE(sd->detached)) {
		rtnl_unlock();
		wait_departed(sd);
		return -ENODEV;
	}
	err = shadow_replay(sd);
	rtnl_unlock();
	mark(sw, SWAP_T_REPLAYED);
	if (!err)
		return 0;
	if (!sw->reason[0])
		shadow_swap_reason(sw, "replay failed (%d)", err);
	drop_new(sd);
	return err;
}

static void swap_run(struct work_struct *work)
{
	struct shadow_swap *sw = container_of(work, struct shadow_swap, work);
	struct shadow_net_dev *sd = sw->sd;
	char old_addr[sizeof(sw->old_bus_addr)];
	int err = 0;

	mark(sw, SWAP_T_START);
	/* Before the park: placing them waits for a grace period (net_shield.c). */
	shadow_shield_watch(&sw->shield, sd->ndev);
	mark(sw, SWAP_T_WATCHED);
	if (READ_ONCE(sd->state) == SHADOW_STATE_PARKING) {
		set_state(sd, SHADOW_STATE_PARKING);
		rtnl_lock();
		park(sd);
		rtnl_unlock();
		hold_in(sd, SHADOW_STATE_PARKING);
		err = unbind_old(sd);
		if (err && !sw->absorbed_unregister) {
			/* The driver is still there: give the interface back. */
			rtnl_lock();
			unpark(sd);
			WRITE_ONCE(sd->state, SHADOW_STATE_PASSIVE);
			rtnl_unlock();
			sw->err = err;
			mark(sw, SWAP_T_WOKEN);
			shadow_nl_swap_event(sd, SHADOW_STATE_ROLLED_BACK);
			swap_free(sd);
			return;
		}
	}
	set_state(sd, SHADOW_STATE_PARKED);
	strscpy(old_addr, sw->old_bus_addr, sizeof(old_addr));
	err = adopt(sd, sw->restart ? old_addr : sw->want_dev, sw->want_driver, sw->timeout);
	if (err && !sw->reattached && can_roll_back(sw)) {
		/* Roll back onto the old driver, whose device is still here. */
		sw->err = err;
		netdev_warn(sd->ndev, "shadow: swap %u: %s; back to %s\n", sw->seq,
			    sw->reason, sw->old_driver);
		err = adopt(sd, old_addr, "", msecs_to_jiffies(10000));
	}
	if (!sw->reattached) {
		sw->err = err ?: -ENXIO;
		/* Why there was no rollback: the operator's next step depends on it. */
		if (!sw->old_dev || !device_is_registered(sw->old_dev)) {
			size_t n = strlen(sw->reason);

			snprintf(sw->reason + n, sizeof(sw->reason) - n, "; %s is gone",
				 old_addr);
		}
		finish(sd, false);
		return;
	}
	err = replay_or_drop(sd);
	if (READ_ONCE(sd->detached)) {
		finish(sd, true);	/* says it was unregistered */
		return;
	}
	if (err && !sw->err)
		sw->err = err;
	if (err && can_roll_back(sw)) {
		/* The new driver would not open: back onto the old one. */
		netdev_warn(sd->ndev, "shadow: swap %u: %s; back to %s\n", sw->seq,
			    sw->reason, sw->old_driver);
		set_state(sd, SHADOW_STATE_PARKED);
		err = adopt(sd, old_addr, "", msecs_to_jiffies(10000));
		if (!err && sw->reattached)
			err = replay_or_drop(sd);
	}
	if (err || !sw->reattached) {
		finish(sd, false);
		return;
	}
	wake(sd);
	finish(sd, true);
}

u32 shadow_swap_fail_nth;
u32 shadow_swap_fail_left;

/*
 * A swap runs in this worker from parking to waking, the old driver's
 * remove and (but for probes deferred to a worker of their own) the new
 * driver's probe included. The fault-injection knob arms the kernel's own
 * fail-nth for it: the N-th fallible call (failslab, fail_page_alloc) the
 * swap makes fails, once; what was still to go at the end tells a test
 * whether the fault was met (0) or the swap made fewer calls. The knob is
 * taken by the next swap only (xchg), and the worker's count is cleared
 * before it serves other work.
 */
static void swap_work(struct work_struct *work)
{
#ifdef CONFIG_FAULT_INJECTION
	u32 nth = xchg(&shadow_swap_fail_nth, 0);

	if (nth) {
		WRITE_ONCE(current->fail_nth, nth);
		swap_run(work);
		WRITE_ONCE(shadow_swap_fail_left, READ_ONCE(current->fail_nth));
		WRITE_ONCE(current->fail_nth, 0);
		return;
	}
#endif
	swap_run(work);
}

/* Refuse up front what would only fail after the interface was parked. */
/*
 * The driver->kernel calls a swap has to take over: without one of them
 * (ftrace IPMODIFY is exclusive, and a livepatch or another tool may hold
 * a function first) a swap would, say, absorb the old driver's unregister
 * and then let the real free_netdev() run on the registered interface.
 */
static const char * const swap_hooks[] = {
	"alloc_netdev_mqs", "alloc_etherdev_mqs", "devm_alloc_etherdev_mqs",
	"register_netdev", "register_netdevice",
	"unregister_netdev", "unregister_netdevice_queue", "free_netdev",
	"netif_carrier_on", "netif_carrier_off", "dev_addr_mod",
	"netif_set_real_num_tx_queues", "netif_set_real_num_rx_queues",
	"rtnl_lock", "rtnl_unlock",
};

static int hooks_live(struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(swap_hooks); i++) {
		if (shadow_core_hook_live(swap_hooks[i]))
			continue;
		pr_warn_ratelimited("no swap: %s is not hooked (another IPMODIFY user, such as a livepatch, may hold it)\n",
				    swap_hooks[i]);
		NL_SET_ERR_MSG(extack,
			       "a call a swap must take over is not hooked (held by a livepatch?): see dmesg and debugfs shadow/taps");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int target_free(struct device *cur, const char *want, struct netlink_ext_ack *extack)
{
	struct device *dev;
	int err = 0;

	if (!want[0])
		return 0;
	if (!strcmp(want, dev_name(cur))) {
		NL_SET_ERR_MSG(extack, "that is the interface's own device: use restart");
		return -EINVAL;
	}
	dev = bus_find_device_by_name(&pci_bus_type, NULL, want);
	if (dev && dev->driver) {
		NL_SET_ERR_MSG(extack,
			       "the target device is bound to a driver (an interface of its own): unbind it first");
		err = -EBUSY;
	}
	put_device(dev);
	return err;
}

static int is_auxiliary(struct device *dev, void *data)
{
	return dev->bus && !strcmp(dev->bus->name, "auxiliary");
}

/*
 * A swap unbinds a whole PCI function; it swaps one interface. Refuse when
 * the function carries more than this interface: another netdev (a port
 * of a multi-port card, a representor), SR-IOV VFs in use, auxiliary
 * devices (RDMA and the like). Return: 0, or -EOPNOTSUPP with the reason.
 */
static int function_alone(struct shadow_net_dev *sd, struct device *pdev,
			  struct netlink_ext_ack *extack)
{
	struct net_device *other = NULL, *d;
	struct net *net;

	if (pci_num_vf(to_pci_dev(pdev)) > 0) {
		NL_SET_ERR_MSG(extack,
			       "the device has SR-IOV VFs in use: unbinding it would take them down");
		return -EOPNOTSUPP;
	}
	if (device_for_each_child(pdev, NULL, is_auxiliary)) {
		NL_SET_ERR_MSG(extack,
			       "the device carries auxiliary devices: unbinding it would take them down");
		return -EOPNOTSUPP;
	}
	rcu_read_lock();
	for_each_net_rcu(net) {
		for_each_netdev_rcu(net, d) {
			if (d != sd->ndev && pci_device_of(d->dev.parent) == pdev) {
				other = d;
				break;
			}
		}
		if (other)
			break;
	}
	if (other) {
		netdev_warn(sd->ndev, "shadow: no swap: %s also carries %s\n",
			    dev_name(pdev), other->name);
		NL_SET_ERR_MSG(extack,
			       "the device carries another interface too: unbinding it would take that down (see dmesg)");
	}
	rcu_read_unlock();
	return other ? -EOPNOTSUPP : 0;
}

/**
 * shadow_swap_start() - queue a swap of an interface's driver
 * @sd: the interface; the registry lock is held
 * @want_dev: PCI address of the device to move to, "" for any
 * @want_driver: PCI driver to start on a device it supports, "" for any
 * @timeout_ms: how long to wait for the device
 * @restart: the interface's own device and driver again
 * @may_load: the requester may have @want_driver loaded by name
 * @extack: for the reason of a refusal
 *
 * Return: the swap's number (> 0), or a negative errno.
 */
int shadow_swap_start(struct shadow_net_dev *sd, const char *want_dev,
		      const char *want_driver, unsigned int timeout_ms, bool restart,
		      bool may_load, struct netlink_ext_ack *extack)
{
	struct shadow_swap *sw = sd->swap;
	struct device *pdev;
	int err;

	shadow_net_assert_locked();
	err = hooks_live(extack);
	if (err)
		return err;
	/* PARKED is also the state of a swap that waits for its device. */
	if (sw && (sw->running || READ_ONCE(sd->state) != SHADOW_STATE_PARKED)) {
		NL_SET_ERR_MSG(extack, "a swap of this interface is running");
		return -EBUSY;
	}
	if (want_driver[0] && !may_load && !driver_find(want_driver, &pci_bus_type)) {
		NL_SET_ERR_MSG(extack,
			       "no such PCI driver is loaded, and loading one by name needs CAP_SYS_MODULE");
		return -EPERM;
	}
	if (sw) {
		/* Parked by a failed swap: only the binding is left to do. */
		if (restart) {
			NL_SET_ERR_MSG(extack, "the interface is parked: it has no device to restart");
			return -EINVAL;
		}
		sw->running = true;
		sw->may_load = may_load;
		strscpy(sw->want_dev, want_dev, sizeof(sw->want_dev));
		strscpy(sw->want_driver, want_driver, sizeof(sw->want_driver));
		sw->timeout = msecs_to_jiffies(timeout_ms);
		sw->seq = atomic_inc_return(&swap_seq);
		sw->reason[0] = '\0';
		sw->nnotes = 0;
		sw->err = 0;
		memset(sw->t, 0, sizeof(sw->t));
		queue_work(swap_wq, &sw->work);
		return sw->seq;
	}
	pdev = pci_device_of(sd->ndev->dev.parent);
	if (!pdev || !pdev->driver) {
		NL_SET_ERR_MSG(extack, "the interface's device is not a PCI device with a driver");
		return -EOPNOTSUPP;
	}
	err = function_alone(sd, pdev, extack);
	if (err)
		return err;
	if (shadow_netdev_driver_xdp(sd->ndev)) {
		NL_SET_ERR_MSG(extack,
			       "an XDP program runs in the driver (native mode): detach it first, or attach it in generic mode, which a swap keeps");
		return -EOPNOTSUPP;
	}
	if (shadow_netdev_foreign_state(sd->ndev)) {
		NL_SET_ERR_MSG(extack,
			       "the driver keeps state in the stack that no swap can carry (offloads, a devlink port): see dmesg");
		netdev_warn(sd->ndev, "shadow: no swap: the driver has %s\n",
			    shadow_netdev_foreign_state(sd->ndev));
		return -EOPNOTSUPP;
	}
	if (restart && (want_dev[0] || want_driver[0])) {
		NL_SET_ERR_MSG(extack, "a restart takes no target");
		return -EINVAL;
	}
	if (want_dev[0] && want_driver[0]) {
		NL_SET_ERR_MSG(extack, "name a device or a driver, not both");
		return -EINVAL;
	}
	err = target_free(pdev, want_dev, extack);
	if (err)
		return err;
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw) {
		module_put(THIS_MODULE);
		return -ENOMEM;
	}
	INIT_WORK(&sw->work, swap_work);
	init_completion(&sw->bound);
	init_completion(&sw->departed);
	init_waitqueue_head(&sw->link_wq);
	sw->sd = sd;
	sw->restart = restart;
	strscpy(sw->want_dev, want_dev, sizeof(sw->want_dev));
	strscpy(sw->want_driver, want_driver, sizeof(sw->want_driver));
	sw->timeout = msecs_to_jiffies(timeout_ms);
	sw->old_dev = get_device(pdev);
	strscpy(sw->old_driver, sd->ndev->dev.parent->driver ?
		sd->ndev->dev.parent->driver->name : pdev->driver->name,
		sizeof(sw->old_driver));
	strscpy(sw->old_bus_addr, dev_name(pdev), sizeof(sw->old_bus_addr));
	sw->seq = atomic_inc_return(&swap_seq);
	sw->running = true;
	sw->may_load = may_load;
	/* The swap's references, dropped by swap_free(). */
	kref_get(&sd->ref);
	dev_hold(sd->ndev);
	sd->swap = sw;
	WRITE_ONCE(sd->state, SHADOW_STATE_PARKING);
	err = slot_add(sd);
	if (err) {
		NL_SET_ERR_MSG(extack, "too many swaps at once");
		WRITE_ONCE(sd->state, SHADOW_STATE_PASSIVE);
		sd->swap = NULL;
		dev_put(sd->ndev);
		shadow_net_put(sd);
		put_device(sw->old_dev);
		kfree(sw);
		module_put(THIS_MODULE);
		return err;
	}
	queue_work(swap_wq, &sw->work);
	return sw->seq;
}

int shadow_swap_init(void)
{
	int err;

	swap_wq = alloc_workqueue("shadow_swap", WQ_UNBOUND, 0);
	if (!swap_wq)
		return -ENOMEM;
	err = bus_register_notifier(&pci_bus_type, &pci_nb);
	if (err) {
		destroy_workqueue(swap_wq);
		return err;
	}
	shadow_shield_init();
	shadow_xen_init();
	return 0;
}

/* Swaps hold a module reference: none runs or is parked at unload. */
void shadow_swap_exit(void)
{
	shadow_xen_exit();
	shadow_shield_exit();
	bus_unregister_notifier(&pci_bus_type, &pci_nb);
	destroy_workqueue(swap_wq);
}
