// SPDX-License-Identifier: GPL-2.0
/*
 * Shadowed interfaces. Attaching puts per-device copies of the driver's
 * net_device_ops and ethtool_ops in front of the driver, with the entries
 * the class spec taps pointing at the generated wrappers and every other
 * entry (the data path above all) still the driver's own: passive mode
 * adds nothing per packet. Detaching puts the driver's tables back.
 *
 * A driver's interfaces are attached when it registers them (the
 * register_netdev tap), or late, on request, for drivers loaded before the
 * shadow; a late attach seeds the log from the interface's current state.
 *
 * Ownership and locking: a shadowed interface's state is reference-counted
 * (struct shadow_net_dev, net.h): the registry holds one reference from
 * attach to detach and each swap one from its start to its end, so a swap
 * still running when the driver unregisters the interface keeps it valid.
 * The registry is a list under devs_lock, taken inside RTNL when both are
 * needed; sd->swap is set and cleared under it. Detaching happens under
 * RTNL (the netlink request, the driver's unregister, unload), which every
 * wrapper of a table call that may sleep holds, so no such call is inside
 * a wrapper when the tables go back; swapping dev->netdev_ops is a single
 * pointer store, and the copy it pointed to is released only after
 * synchronize_net() for the lockless callers.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "compat.h"
#include "net.h"
#include "net_swap.h"
#include "netlink.h"
#include "objects.h"
#include "trace.h"
#include "uapi/linux/shadow.h"

static LIST_HEAD(devs);
static DEFINE_MUTEX(devs_lock);
static bool closing;		/* unloading: no new attach; devs_lock */

/*
 * The private area and queues each shadowed driver asked for when it
 * allocated an interface, largest seen, so that an interface can say which
 * drivers its allocation could host in a swap.
 */
static struct {
	char driver[32];
	u32 priv;
	u32 txqs;
	u32 rxqs;
} needs[16];
static DEFINE_SPINLOCK(needs_lock);

/* @ask: the netdev's tracked id (SHADOW_NETDEV_ID). */
void shadow_net_note_need(const struct net_device *ndev, u64 ask)
{
	struct device *parent = ndev->dev.parent;
	const char *name;
	int i;

	if (!parent || !parent->driver)
		return;
	name = parent->driver->name;
	spin_lock(&needs_lock);
	for (i = 0; i < ARRAY_SIZE(needs); i++) {
		if (!needs[i].driver[0])
			strscpy(needs[i].driver, name, sizeof(needs[i].driver));
		if (!strcmp(needs[i].driver, name)) {
			needs[i].priv = max(needs[i].priv, SHADOW_NETDEV_ID_PRIV(ask));
			needs[i].txqs = max(needs[i].txqs, SHADOW_NETDEV_ID_TXQ(ask));
			needs[i].rxqs = max(needs[i].rxqs, SHADOW_NETDEV_ID_RXQ(ask));
			break;
		}
	}
	spin_unlock(&needs_lock);
}

/* The drivers whose asks fit in @sd's allocation, comma-separated. */
void shadow_net_can_host(const struct shadow_net_dev *sd, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	spin_lock(&needs_lock);
	for (i = 0; i < ARRAY_SIZE(needs) && needs[i].driver[0]; i++) {
		if (!sd->priv_size || needs[i].priv > sd->priv_size ||
		    needs[i].txqs > sd->ndev->num_tx_queues ||
		    needs[i].rxqs > sd->ndev->num_rx_queues)
			continue;
		used += scnprintf(buf + used, len - used, "%s%s", used ? "," : "",
				  needs[i].driver);
	}
	spin_unlock(&needs_lock);
}

void shadow_net_lock(void)
{
	mutex_lock(&devs_lock);
}

void shadow_net_unlock(void)
{
	mutex_unlock(&devs_lock);
}

void shadow_net_assert_locked(void)
{
	lockdep_assert_held(&devs_lock);
}

struct shadow_net_dev *shadow_net_find(const struct net_device *ndev)
{
	struct shadow_net_dev *sd;

	lockdep_assert_held(&devs_lock);
	list_for_each_entry(sd, &devs, node)
		if (sd->ndev == ndev)
			return sd;
	return NULL;
}

struct shadow_net_dev *shadow_net_nth(unsigned int pos)
{
	struct shadow_net_dev *sd;

	lockdep_assert_held(&devs_lock);
	list_for_each_entry(sd, &devs, node)
		if (!pos--)
			return sd;
	return NULL;
}

/* Only called through a table the shadow filled: the device is attached. */
static struct shadow_net_dev *of(const struct net_device *ndev)
{
	return container_of(ndev->netdev_ops, struct shadow_net_dev, ops.ndo);
}

void shadow_net_log(struct net_device *ndev, u32 key, enum tap_mode mode,
		    const void *data, size_t len)
{
	int err = shadow_log_record(&of(ndev)->log, key, mode, data, len);

	trace_shadow_log(ndev, key, mode, err);
	if (err)
		netdev_err(ndev, "shadow: change %u not logged (%d); a swap would lose it\n",
			   key, err);
}

/* A late attach has missed the changes so far: log the state they left. */
static void seed(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	u32 mtu = ndev->mtu, flags = ndev->flags & (IFF_PROMISC | IFF_ALLMULTI);
	u64 features = ndev->wanted_features;
	u8 up = !!(ndev->flags & IFF_UP);

	ASSERT_RTNL();
	shadow_log_record(&sd->log, SHADOW_LOG_MAC, TAP_MODE_LAST, ndev->dev_addr,
			  ndev->addr_len);
	shadow_log_record(&sd->log, SHADOW_LOG_MTU, TAP_MODE_LAST, &mtu, sizeof(mtu));
	shadow_log_record(&sd->log, SHADOW_LOG_FEATURES, TAP_MODE_LAST, &features,
			  sizeof(features));
	shadow_log_record(&sd->log, SHADOW_LOG_RX_FLAGS, TAP_MODE_LAST, &flags,
			  sizeof(flags));
	shadow_log_record(&sd->log, SHADOW_LOG_UP, TAP_MODE_LAST, &up, sizeof(up));
}

/**
 * shadow_net_install() - put a driver's tables behind the taps
 * @sd: the shadowed device
 * @ndo: the driver's net_device_ops
 * @eto: its ethtool_ops, or NULL
 *
 * Also used when a swap hands the interface to a new driver, whose tables
 * never reach the interface themselves: each pointer the stack reads goes
 * from one complete table to the next. Once the interface has been
 * swapped, statistics add what the earlier drivers counted.
 */
void shadow_net_install(struct shadow_net_dev *sd, const struct net_device_ops *ndo,
			const struct ethtool_ops *eto)
{
	static const struct rtnl_link_stats64 zero;
	struct net_device *ndev = sd->ndev;

	sd->ops.orig_ndo = ndo;
	tap_net_fill_net_device_ops(&sd->ops.ndo, ndo);
	if (memcmp(&sd->stats_base, &zero, sizeof(zero)))
		sd->ops.ndo.ndo_get_stats64 = shadow_net_stats64;
	sd->ops.orig_eto = eto;
	if (eto) {
		tap_net_fill_ethtool_ops(&sd->ops.eto, eto);
		WRITE_ONCE(ndev->ethtool_ops, &sd->ops.eto);
	} else {
		WRITE_ONCE(ndev->ethtool_ops, &shadow_empty_eto);
	}
	WRITE_ONCE(ndev->netdev_ops, &sd->ops.ndo);
}

/**
 * shadow_net_attach() - start shadowing an interface
 * @ndev: the interface; its driver module is shadowed
 * @early: true before the interface is registered, false for a late attach
 *	   (then RTNL is held)
 *
 * Return: the shadowed device, or an ERR_PTR: -EEXIST, -ENOMEM, or
 * -ESHUTDOWN once the module is being unloaded.
 */
struct shadow_net_dev *shadow_net_attach(struct net_device *ndev, bool early)
{
	struct shadow_net_dev *sd;

	mutex_lock(&devs_lock);
	if (closing || shadow_net_find(ndev)) {
		mutex_unlock(&devs_lock);
		return ERR_PTR(closing ? -ESHUTDOWN : -EEXIST);
	}
	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd) {
		mutex_unlock(&devs_lock);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&sd->ref);	/* the registry's */
	sd->ndev = ndev;
	sd->early = early;
	sd->state = SHADOW_STATE_PASSIVE;
	/* Early: register_netdevice() sets it; late: take what is on as his. */
	sd->default_wanted = ndev->wanted_features;
	sd->priv_size = shadow_netdev_priv_room(ndev);
	shadow_log_init(&sd->log);
	shadow_net_install(sd, ndev->netdev_ops, ndev->ethtool_ops);
	list_add_tail(&sd->node, &devs);
	if (!early)
		seed(sd);
	mutex_unlock(&devs_lock);
	netdev_dbg(ndev, "shadow: attached%s\n", early ? "" : " late");
	/* An early attach is announced once the interface has a name. */
	if (!early)
		shadow_nl_event(sd, SHADOW_STATE_PASSIVE);
	return sd;
}

/**
 * shadow_net_detach() - give the interface back to its driver alone
 * @sd: the shadowed device
 * @idle: only if no swap runs on it and it is not parked
 *
 * The caller may sleep; RTNL may be held.
 * Return: 0, or -EBUSY when @idle and a swap holds the interface (checked
 * under the registry lock, which a swap request takes to start one).
 */
int shadow_net_detach(struct shadow_net_dev *sd, bool idle)
{
	struct net_device *ndev = sd->ndev;

	mutex_lock(&devs_lock);
	if (idle && sd->swap) {
		mutex_unlock(&devs_lock);
		return -EBUSY;
	}
	/* A swap waiting for link on an interface that goes stops waiting. */
	WRITE_ONCE(sd->detached, true);
	if (sd->swap)
		wake_up(&sd->swap->link_wq);
	/*
	 * A parked interface keeps the parked tables: the old driver's are
	 * gone with it, and a new driver the replay has not given its tables
	 * was never opened (the parked stop does nothing).
	 */
	if (READ_ONCE(ndev->netdev_ops) != &shadow_parked_ndo) {
		WRITE_ONCE(ndev->netdev_ops, sd->ops.orig_ndo);
		if (sd->ops.orig_eto)
			WRITE_ONCE(ndev->ethtool_ops, sd->ops.orig_eto);
	}
	list_del(&sd->node);
	mutex_unlock(&devs_lock);
	shadow_nl_event(sd, SHADOW_STATE_DETACHED);
	/* Lockless callers (the data path, ndo_get_stats64) may hold the copy. */
	synchronize_net();
	netdev_dbg(ndev, "shadow: detached\n");
	shadow_net_put(sd);
	return 0;
}

static void release(struct kref *ref)
{
	struct shadow_net_dev *sd = container_of(ref, struct shadow_net_dev, ref);

	shadow_log_clear(&sd->log);
	kfree(sd);
}

/* Drop a reference; the last frees the state (log included). */
void shadow_net_put(struct shadow_net_dev *sd)
{
	kref_put(&sd->ref, release);
}

/*
 * At unload, while the hooks are still in: every interface goes back to its
 * driver, and none attaches any more, so that no driver can unregister and
 * free an interface the registry still names (its unregister is hooked
 * until the registry is empty).
 */
void shadow_net_exit(void)
{
	struct shadow_net_dev *sd;

	mutex_lock(&devs_lock);
	closing = true;
	mutex_unlock(&devs_lock);
	rtnl_lock();
	for (;;) {
		mutex_lock(&devs_lock);
		sd = list_first_entry_or_null(&devs, struct shadow_net_dev, node);
		mutex_unlock(&devs_lock);
		if (!sd)
			break;
		shadow_net_detach(sd, false);
	}
	rtnl_unlock();
}
