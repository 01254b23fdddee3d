// SPDX-License-Identifier: GPL-2.0
/*
 * XDP redirects into a shadowed interface.
 *
 * XDP_REDIRECT into an interface goes through a per-CPU bulk queue that
 * the kernel's devmap gives the interface once, when it is registered, and
 * only if its driver has ndo_xdp_xmit then; the queue's frames are then
 * handed to that ndo_xdp_xmit. A swap changes the driver under a
 * registered interface, so an interface first registered by a driver
 * without ndo_xdp_xmit (e1000) and swapped onto one with it (virtio_net)
 * took redirects without a queue: the first frame was written through a
 * NULL per-CPU pointer (swap_xdp_redirect.sh oopsed in bq_xmit_all()).
 *
 *  - While a shadowed driver registers its interface, the interface's
 *    tables offer an ndo_xdp_xmit if the driver has none, so that devmap's
 *    own handler gives it its queue; the entry is gone again once the
 *    register returns, so the driver's XDP capabilities read as its own.
 *  - An interface registered before the shadow was loaded may have no
 *    queue: a driver swapped onto it is not offered as a redirect target
 *    (its ndo_xdp_xmit is hidden, and on 6.3 and later the matching
 *    xdp_features bits), and a note says so.
 *  - From 6.3 on devmap trusts xdp_features, which a new driver's probe
 *    sets with plain stores while the interface still has the parked
 *    tables: those have an ndo_xdp_xmit that transmits nothing (the caller
 *    frees the frames). Before 6.3 devmap asks for ndo_xdp_xmit itself,
 *    which the parked tables do not have.
 *
 * Locking: the tables are the interface's own copy (struct shadow_net_ops);
 * a register runs before anyone can redirect into the interface by its
 * ifindex, and the replay holds RTNL. A redirect that reads the entry
 * while it changes calls a function that transmits nothing, or none.
 */

#include <linux/netdevice.h>
#include <net/xdp.h>

#include "net_swap.h"

/*
 * Transmits nothing, the frames being the caller's to free: offered while
 * an interface registers, and the parked tables' own from 6.3 on.
 */
int shadow_xdp_xmit_none(struct net_device *ndev, int n, struct xdp_frame **frames,
			 u32 flags)
{
	return -ENETDOWN;
}

/**
 * shadow_xdp_queue_offer() - have devmap give the interface its bulk queue
 * @sd: the interface, about to be registered by its first driver
 *
 * Return: true when the tables offer an ndo_xdp_xmit of the shadow's,
 * which shadow_xdp_queue_withdraw() takes back once registered.
 */
bool shadow_xdp_queue_offer(struct shadow_net_dev *sd)
{
	if (sd->ops.ndo.ndo_xdp_xmit || sd->ndev->xdp_bulkq)
		return false;
	WRITE_ONCE(sd->ops.ndo.ndo_xdp_xmit, shadow_xdp_xmit_none);
	return true;
}

void shadow_xdp_queue_withdraw(struct shadow_net_dev *sd)
{
	if (!sd->ndev->xdp_bulkq)
		netdev_warn(sd->ndev, "shadow: no XDP bulk queue: redirects into this interface will not be offered after a swap\n");
	WRITE_ONCE(sd->ops.ndo.ndo_xdp_xmit, NULL);
}

/**
 * shadow_xdp_replay() - the new driver as a redirect target, if it can be
 * @sd: the interface, its new driver's tables just installed
 *
 * Context: RTNL held.
 */
void shadow_xdp_replay(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;

	ASSERT_RTNL();
	if (!sd->ops.ndo.ndo_xdp_xmit || ndev->xdp_bulkq)
		return;
	WRITE_ONCE(sd->ops.ndo.ndo_xdp_xmit, NULL);
#ifdef SHADOW_HAVE_NETDEV_XDP_FEATURES
	ndev->xdp_features &= ~(NETDEV_XDP_ACT_NDO_XMIT | NETDEV_XDP_ACT_NDO_XMIT_SG);
#endif
	shadow_swap_note(sd->swap, "XDP redirects into the interface: not offered on %s (registered before the shadow was loaded, it has no XDP bulk queue)",
			 sd->swap->new_driver);
}

/**
 * shadow_xdp_check_target() - after a driver's ndo_bpf
 * @ndev: a shadowed interface
 *
 * From 6.3 a driver may turn redirects into itself on when a program is
 * attached to it (virtio_net: xdp_features_set_redirect_target()): not
 * on an interface without a bulk queue, where devmap would queue frames
 * through a NULL pointer.
 *
 * Context: RTNL held (ndo_bpf's).
 */
void shadow_xdp_check_target(struct net_device *ndev)
{
#ifdef SHADOW_HAVE_NETDEV_XDP_FEATURES
	const xdp_features_t xmit = NETDEV_XDP_ACT_NDO_XMIT | NETDEV_XDP_ACT_NDO_XMIT_SG;

	ASSERT_RTNL();
	if (ndev->xdp_bulkq || !(ndev->xdp_features & xmit))
		return;
	ndev->xdp_features &= ~xmit;
	call_netdevice_notifiers(NETDEV_XDP_FEAT_CHANGE, ndev);
	netdev_warn(ndev, "shadow: XDP redirects into the interface not offered: it has no XDP bulk queue (registered before the shadow was loaded)\n");
#endif
}
