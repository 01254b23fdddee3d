/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The net class of the shadow.
 */

#ifndef _SHADOW_NET_H
#define _SHADOW_NET_H

#include <linux/netdevice.h>
#include <linux/ethtool.h>

#include "net_taps.h"

/*
 * A shadowed device's tables: copies whose tapped entries are wrappers,
 * filled at attach time, so they cannot be const like the driver's own.
 */
struct shadow_net_ops {
	struct net_device_ops ndo;
	struct ethtool_ops eto;
	const struct net_device_ops *orig_ndo;
	const struct ethtool_ops *orig_eto;
};

int shadow_net_snapshot_add(const void *live, void *orig);
void shadow_net_snapshot_del(const void *live);

#endif /* _SHADOW_NET_H */
