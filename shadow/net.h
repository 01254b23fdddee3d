/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The net class of the shadow: shadowed interfaces, their logs, and the
 * handlers of the taps the class spec marks "hook".
 */

#ifndef _SHADOW_NET_H
#define _SHADOW_NET_H

#include <linux/ethtool.h>
#include <linux/kref.h>
#include <linux/netdevice.h>

#include "log.h"
#include "net_taps.h"

/* A shadowed device's tables: copies whose tapped entries are wrappers. */
struct shadow_net_ops {
	struct net_device_ops ndo;
	struct ethtool_ops eto;
	const struct net_device_ops *orig_ndo;
	const struct ethtool_ops *orig_eto;
};

/*
 * One shadowed interface. Owned by references: the registry holds one from
 * attach to detach, a swap one (and one on the net_device) from its start
 * to its end, so that an interface unregistered while a swap still runs
 * on it (its new NIC unplugged during the link wait) stays valid until the
 * swap has finished with it.
 */
struct shadow_net_dev {
	struct shadow_net_ops ops;	/* first: found from dev->netdev_ops */
	struct kref ref;
	struct list_head node;		/* in the registry; RTNL */
	struct net_device *ndev;
	struct shadow_log log;
	bool early;			/* attached before registration */
	bool detached;			/* out of the registry; READ_ONCE */
	u32 priv_size;			/* private area it has, 0: unknown */
	u32 state;			/* enum shadow_state; READ_ONCE */
	/* The driver's own choice of features, to tell the user's from it. */
	netdev_features_t default_wanted;
	/* While swapping or parked; set and cleared under the registry lock. */
	struct shadow_swap *swap;
	/* What the drivers before the current one counted (net_park.c). */
	struct rtnl_link_stats64 stats_base;
};

void shadow_net_exit(void);

struct shadow_swap;

struct shadow_net_dev *shadow_net_attach(struct net_device *ndev, bool early);
int shadow_net_detach(struct shadow_net_dev *sd, bool idle);
void shadow_net_put(struct shadow_net_dev *sd);
struct shadow_net_dev *shadow_net_find(const struct net_device *ndev);
struct shadow_net_dev *shadow_net_nth(unsigned int pos);
void shadow_net_log(struct net_device *ndev, u32 key, enum tap_mode mode,
		    const void *data, size_t len);
void shadow_net_note_need(const struct net_device *ndev, u64 ask);
extern u32 shadow_net_hold_register_ms;	/* debugfs, for tests */
extern u32 shadow_net_hold_change_mtu_ms;	/* debugfs, for tests */
void shadow_net_can_host(const struct shadow_net_dev *sd, char *buf, size_t len);
void shadow_net_install(struct shadow_net_dev *sd, const struct net_device_ops *ndo,
			const struct ethtool_ops *eto);
void shadow_net_lock(void);
void shadow_net_unlock(void);
void shadow_net_assert_locked(void);

#endif /* _SHADOW_NET_H */
