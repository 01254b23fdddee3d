// SPDX-License-Identifier: GPL-2.0
/*
 * Active mode, phases PARKED and BINDING (net_swap.c): which probe takes a
 * parked interface, and starting the driver a swap asked for.
 *
 * Running swaps sit in the swapping[] slots, where the hooks find them
 * from any context (shadow_swap_of()). A waiting swap is claimed by a
 * probe: the PCI bus notifier sees a driver about to probe a device and
 * gives the probe to the swap that wants that device most (a device it
 * bound itself, the device it named, the driver it named, any network
 * controller); the task that probes, or the worker pci_call_probe() hands
 * the probe to (net_probe_worker.c), is then the claim's task, and its
 * netdev allocation is handed the interface (net_handover.c).
 *
 * Locking: swap_lock (a spinlock) guards the slots and every claim_*
 * field, and we_bound; RCU lets the hooks find a swap from any context,
 * and a hook that uses the swap it found holds rcu_read_lock() across,
 * because shadow_swap_slot_del() waits for a grace period before the swap
 * is freed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kmod.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "net_swap.h"
#include "uapi/linux/shadow.h"

#define SWAPS_MAX	8

static struct shadow_net_dev __rcu *swapping[SWAPS_MAX];
static DEFINE_SPINLOCK(swap_lock);

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

int shadow_swap_slot_add(struct shadow_net_dev *sd)
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

void shadow_swap_slot_del(struct shadow_net_dev *sd)
{
	int i;

	spin_lock(&swap_lock);
	for (i = 0; i < SWAPS_MAX; i++)
		if (rcu_access_pointer(swapping[i]) == sd)
			RCU_INIT_POINTER(swapping[i], NULL);
	spin_unlock(&swap_lock);
	synchronize_rcu();
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
			shadow_swap_hold_in(sd, SHADOW_STATE_BINDING);
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

/**
 * shadow_swap_probing() - the swap the current task probes a device for
 * @unhanded: only a swap whose interface no allocation was handed yet
 *
 * The task the bus notifier saw, or the worker pci_call_probe() handed the
 * probe to (net_probe_worker.c), which from then on is the claim's task.
 * The swap lives until that probe ends (its work waits for it).
 * Return: the swap, or NULL when the task does not probe for one.
 */
struct shadow_swap *shadow_swap_probing(bool unhanded)
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
int shadow_swap_adopt(struct shadow_net_dev *sd, const char *want, const char *driver,
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
	shadow_swap_hold_in(sd, SHADOW_STATE_PARKED);

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
	shadow_swap_stamp(sw, SWAP_T_PROBED);
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
	shadow_swap_wait_departed(sd);

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


int shadow_swap_bind_init(void)
{
	return bus_register_notifier(&pci_bus_type, &pci_nb);
}

void shadow_swap_bind_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &pci_nb);
}
