// SPDX-License-Identifier: GPL-2.0
/*
 * A swap request (netlink.c): what is refused up front, with the reason,
 * because it would only fail after the interface was parked; and the swap
 * set up and queued (net_swap.c runs it). Under the registry lock, which
 * orders a request against the work: sd->swap is set and cleared under
 * it, and so is sw->running, true from the moment a swap is queued until
 * its work is done with it; a request finding it true is refused, so no
 * request rewrites a swap whose work is waiting for a device.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "net_swap.h"
#include "shadow.h"
#include "uapi/linux/shadow.h"

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
			if (d != sd->ndev && shadow_swap_pci_dev(d->dev.parent) == pdev) {
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
		sw->seq = shadow_swap_next_seq();
		sw->reason[0] = '\0';
		sw->nnotes = 0;
		sw->err = 0;
		memset(sw->t, 0, sizeof(sw->t));
		shadow_swap_queue(sw);
		return sw->seq;
	}
	pdev = shadow_swap_pci_dev(sd->ndev->dev.parent);
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
	INIT_WORK(&sw->work, shadow_swap_work);
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
	sw->seq = shadow_swap_next_seq();
	sw->running = true;
	sw->may_load = may_load;
	/* The swap's references, dropped by swap_free(). */
	kref_get(&sd->ref);
	dev_hold(sd->ndev);
	sd->swap = sw;
	WRITE_ONCE(sd->state, SHADOW_STATE_PARKING);
	err = shadow_swap_slot_add(sd);
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
	shadow_swap_queue(sw);
	return sw->seq;
}
