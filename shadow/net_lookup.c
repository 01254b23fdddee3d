// SPDX-License-Identifier: GPL-2.0
/*
 * The net class's answer to the generated kernel->driver wrappers' one
 * question: "what was the driver's own table?" A wrapper only runs from a
 * table the shadow filled (tap_net_fill_*), so the answer always exists.
 *
 * net_device_ops and ethtool_ops are per-device copies embedded next to the
 * driver's pointers, found by container_of. A bus driver (pci_driver,
 * virtio_driver) is patched in place before it registers, since the kernel
 * and the driver both hold its address; the driver's own entries are kept
 * in a snapshot looked up by that address.
 */

#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/virtio.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "net.h"

struct bus_snapshot {
	struct list_head node;
	const void *live;	/* the driver's struct, as registered */
	void *orig;		/* its entries before the shadow filled it */
	struct rcu_head rcu;
};

static LIST_HEAD(snapshots);
static DEFINE_SPINLOCK(snapshots_lock);

const struct net_device_ops *tap_net_orig_net_device_ops(const void *obj)
{
	const struct net_device *dev = obj;

	return container_of(dev->netdev_ops, struct shadow_net_ops, ndo)->orig_ndo;
}

const struct ethtool_ops *tap_net_orig_ethtool_ops(const void *obj)
{
	const struct net_device *dev = obj;

	return container_of(dev->ethtool_ops, struct shadow_net_ops, eto)->orig_eto;
}

static const void *snapshot_of(const void *live)
{
	struct bus_snapshot *s;
	const void *orig = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &snapshots, node) {
		if (s->live == live) {
			orig = s->orig;
			break;
		}
	}
	rcu_read_unlock();
	return orig;
}

const struct pci_driver *tap_net_orig_pci_driver(const void *obj)
{
	const struct pci_dev *pdev = obj;

	return snapshot_of(to_pci_driver(pdev->dev.driver));
}

const struct virtio_driver *tap_net_orig_virtio_driver(const void *obj)
{
	const struct virtio_device *vdev = obj;

	return snapshot_of(drv_to_virtio(vdev->dev.driver));
}

/**
 * shadow_net_snapshot_add() - remember a bus driver's own entries
 * @live: the driver's struct, about to be filled and registered
 * @orig: a copy of it taken before filling; owned by the snapshot now
 *
 * Return: 0, or -ENOMEM (then @orig is freed).
 */
int shadow_net_snapshot_add(const void *live, void *orig)
{
	struct bus_snapshot *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s) {
		kfree(orig);
		return -ENOMEM;
	}
	s->live = live;
	s->orig = orig;
	spin_lock(&snapshots_lock);
	list_add_rcu(&s->node, &snapshots);
	spin_unlock(&snapshots_lock);
	return 0;
}

static void snapshot_free(struct rcu_head *rcu)
{
	struct bus_snapshot *s = container_of(rcu, struct bus_snapshot, rcu);

	kfree(s->orig);
	kfree(s);
}

void shadow_net_snapshot_del(const void *live)
{
	struct bus_snapshot *s, *found = NULL;

	spin_lock(&snapshots_lock);
	list_for_each_entry(s, &snapshots, node) {
		if (s->live == live) {
			list_del_rcu(&s->node);
			found = s;
			break;
		}
	}
	spin_unlock(&snapshots_lock);
	if (found)
		call_rcu(&found->rcu, snapshot_free);
}
