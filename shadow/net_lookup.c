// SPDX-License-Identifier: GPL-2.0
/*
 * The net class's answer to the generated kernel->driver wrappers' one
 * question: "what was the driver's own table?" A wrapper only runs from a
 * table the shadow filled (tap_net_fill_*), so the answer always exists.
 *
 * net_device_ops and ethtool_ops are per-device copies embedded next to the
 * driver's pointers (struct shadow_net_ops), found by container_of.
 *
 * The bus-driver tables (pci_driver, virtio_driver) are generated but not
 * filled in passive mode: the swap (active mode) will patch a driver's
 * probe and remove before it registers and answer here from a snapshot of
 * its own entries. Until then no wrapper of theirs can run.
 */

#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/virtio.h>

#include "net.h"

const struct net_device_ops *
tap_net_orig_net_device_ops(const struct net_device *dev)
{
	return container_of(dev->netdev_ops, struct shadow_net_ops, ndo)->orig_ndo;
}

const struct ethtool_ops *
tap_net_orig_ethtool_ops(const struct net_device *dev)
{
	return container_of(dev->ethtool_ops, struct shadow_net_ops, eto)->orig_eto;
}

const struct pci_driver *tap_net_orig_pci_driver(const struct pci_dev *pdev)
{
	return NULL;	/* never filled yet: see the comment at the top */
}

const struct virtio_driver *
tap_net_orig_virtio_driver(const struct virtio_device *vdev)
{
	return NULL;	/* never filled yet: see the comment at the top */
}
