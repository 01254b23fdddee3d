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
 * Where each part lives: the request and its refusals in
 * net_swap_request.c; parking and what a parked interface answers in
 * net_park.c; the claims, the slots the hooks find a swap in and the
 * binding in net_bind.c; the hand-over to the probing driver and its
 * re-attach in net_handover.c; the replay in net_replay.c. This file runs
 * the phases in order, takes the old driver's departure, and ends a swap.
 *
 * Locking: swap_lock guards the slots and the claims (net_bind.c says
 * how); the registry lock (shadow_net_lock()) orders requests against the
 * work (net_swap_request.c). A swap holds a reference on this module
 * while it runs or the interface is parked, so the parked ops cannot go
 * away under the interface.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
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

static struct workqueue_struct *swap_wq;
static atomic_t swap_seq = ATOMIC_INIT(0);

static void set_state(struct shadow_net_dev *sd, u32 state)
{
	WRITE_ONCE(sd->state, state);
	trace_shadow_swap(sd->ndev, state, sd->swap->seq);
	shadow_nl_swap_event(sd, state);
}

void shadow_swap_stamp(struct shadow_swap *sw, enum shadow_swap_mark m)
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
void shadow_swap_hold_in(struct shadow_net_dev *sd, u32 state)
{
	u32 ms = READ_ONCE(shadow_swap_hold_phase_ms);

	might_sleep();
	if (!ms || cmpxchg(&shadow_swap_hold_phase, state, 0) != state)
		return;
	netdev_info(sd->ndev, "shadow: swap %u: holding %u ms in phase %u (debugfs hold_phase)\n",
		    sd->swap->seq, ms, state);
	msleep(ms);
}

/* The PCI device an interface's parent hangs from (virtio_net: two up). */
struct device *shadow_swap_pci_dev(struct device *dev)
{
	for (; dev; dev = dev->parent)
		if (dev_is_pci(dev))
			return dev;
	return NULL;
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
int shadow_swap_device_move(struct device *dev, struct device *parent,
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
	err = shadow_swap_device_move(&ndev->dev, NULL, DPM_ORDER_NONE);
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
void shadow_swap_wait_departed(struct shadow_net_dev *sd)
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
	shadow_swap_stamp(sw, SWAP_T_UNBOUND);
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
		shadow_swap_stamp(sw, SWAP_T_WOKEN);
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
	shadow_swap_stamp(sw, SWAP_T_WOKEN);
}

/* The interface runs on a driver again: the swap and its references go. */
static void swap_free(struct shadow_net_dev *sd)
{
	struct shadow_swap *sw = sd->swap;

	shadow_shield_unwatch(&sw->shield);	/* none left but on an early end */
	shadow_swap_slot_del(sd);
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
	struct device *dev = get_device(shadow_swap_pci_dev(ndev->dev.parent));
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
	shadow_swap_hold_in(sd, SHADOW_STATE_REPLAYING);
	rtnl_lock();
	/*
	 * Since the probe, the new driver let go of the interface (absorbed:
	 * roll back once it has freed it), or the interface is unregistered
	 * (detached, under RTNL too: its namespace went; the unregister waits
	 * for the swap's reference).
	 */
	if (!sw->reattached || READ_ONCE(sd->detached)) {
		rtnl_unlock();
		shadow_swap_wait_departed(sd);
		return -ENODEV;
	}
	err = shadow_replay(sd);
	rtnl_unlock();
	shadow_swap_stamp(sw, SWAP_T_REPLAYED);
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

	shadow_swap_stamp(sw, SWAP_T_START);
	/* Before the park: placing them waits for a grace period (net_shield.c). */
	shadow_shield_watch(&sw->shield, sd->ndev);
	shadow_swap_stamp(sw, SWAP_T_WATCHED);
	if (READ_ONCE(sd->state) == SHADOW_STATE_PARKING) {
		set_state(sd, SHADOW_STATE_PARKING);
		rtnl_lock();
		shadow_swap_park(sd);
		rtnl_unlock();
		shadow_swap_hold_in(sd, SHADOW_STATE_PARKING);
		err = unbind_old(sd);
		if (err && !sw->absorbed_unregister) {
			/* The driver is still there: give the interface back. */
			rtnl_lock();
			shadow_swap_unpark(sd);
			WRITE_ONCE(sd->state, SHADOW_STATE_PASSIVE);
			rtnl_unlock();
			sw->err = err;
			shadow_swap_stamp(sw, SWAP_T_WOKEN);
			shadow_nl_swap_event(sd, SHADOW_STATE_ROLLED_BACK);
			swap_free(sd);
			return;
		}
	}
	set_state(sd, SHADOW_STATE_PARKED);
	strscpy(old_addr, sw->old_bus_addr, sizeof(old_addr));
	err = shadow_swap_adopt(sd, sw->restart ? old_addr : sw->want_dev, sw->want_driver, sw->timeout);
	if (err && !sw->reattached && can_roll_back(sw)) {
		/* Roll back onto the old driver, whose device is still here. */
		sw->err = err;
		netdev_warn(sd->ndev, "shadow: swap %u: %s; back to %s\n", sw->seq,
			    sw->reason, sw->old_driver);
		err = shadow_swap_adopt(sd, old_addr, "", msecs_to_jiffies(10000));
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
		err = shadow_swap_adopt(sd, old_addr, "", msecs_to_jiffies(10000));
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
void shadow_swap_work(struct work_struct *work)
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


/* The next swap's number, for its events and messages. */
unsigned int shadow_swap_next_seq(void)
{
	return atomic_inc_return(&swap_seq);
}

/* Run a set-up swap (its request made it, net_swap_request.c). */
void shadow_swap_queue(struct shadow_swap *sw)
{
	queue_work(swap_wq, &sw->work);
}

int shadow_swap_init(void)
{
	int err;

	swap_wq = alloc_workqueue("shadow_swap", WQ_UNBOUND, 0);
	if (!swap_wq)
		return -ENOMEM;
	err = shadow_swap_bind_init();
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
	shadow_swap_bind_exit();
	destroy_workqueue(swap_wq);
}
