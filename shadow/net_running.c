// SPDX-License-Identifier: GPL-2.0
/*
 * What the stack reads as running while a swap runs.
 *
 * The stack and the drivers read one bit, __LINK_STATE_START, and want
 * different things from it during a swap. The stack reports it: without
 * it `ip link` shows the interface DOWN without RUNNING, the carrier file
 * fails with EINVAL and every link notification says down. The drivers
 * test it to choose between programming a stopped NIC and restarting a
 * running one (e1000's MTU, ring and feature handlers do a down/up when
 * they find it set), so a driver that is not open must not find it set.
 *
 * So the bit is the stack's for the whole swap, and each driver sees it
 * the way its own open and close would have left it only inside its own
 * calls:
 *  - the old driver is closed with the bit clear, as dev_close() does;
 *    then, its ops parked and the kernel's TX watchdog stopped (the
 *    parked ops have no ndo_tx_timeout and the TX queues stay stopped
 *    for the whole park), the bit is set again: shadow_park_running();
 *  - the new driver's probe runs with the bit set; the nine drivers of
 *    the test bed read it there only to skip powering down a PHY
 *    (e1000e) or to choose a configuration bit (e100);
 *  - before the replay opens the new driver, each call into it is made
 *    with the bit clear and the bit set again as it returns, under RTNL:
 *    shadow_swap_closed_begin()/_end(). The notifications the kernel sends
 *    after such a call (an MTU or feature change) carry the running state.
 *  - a swap that ends with no driver under the interface (failed, parked)
 *    clears the bit and says so: shadow_swap_not_running().
 * RTNL holders (rtnetlink, ethtool, the notifications) therefore never
 * see the bit clear while the interface was running; readers without
 * RTNL (the sysfs carrier and operstate files, SIOCGIFFLAGS) can, for
 * the length of one driver call (the old driver's ndo_stop, a replayed
 * setting).
 *
 * The carrier bit is read the same way by both. A driver edge-detects
 * on it (e1000's watchdog calls netif_carrier_on() only when it finds
 * the bit clear, and sets its link speed there), so it must see its own
 * reports; the stack should see the link it had. While a swap runs, a
 * driver's carrier reports are recorded (sw->drv_carrier) and reach the
 * bit only from that driver's open on (sw->carrier_live): from the old
 * driver's close to the new driver's open the bit holds what the stack
 * had. After the open the bit is the new driver's, as it must be, so
 * the carrier reads 0 until the new NIC reports link (e1000: about two
 * seconds under QEMU); the operstate the stack keeps does not change
 * unless the link never comes (net_swap.c, wake()).
 *
 * Locking: every write of the bits here is under RTNL except the
 * carrier reports, which come from the drivers' own contexts; those only
 * touch the bit once carrier_live is set, which the swap sets under RTNL
 * before the open and clears before it parks the interface again.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "net_swap.h"
#include "uapi/linux/shadow.h"

/*
 * The kernel's dev_watchdog_down(), which is not exported: stop the TX
 * watchdog and drop the reference its timer holds on the interface.
 */
static void watchdog_down(struct net_device *ndev)
{
	netif_tx_lock_bh(ndev);
	spin_lock(&ndev->watchdog_lock);
	if (del_timer(&ndev->watchdog_timer)) {
		netdev_put(ndev, &ndev->watchdog_dev_tracker);
		ndev->watchdog_ref_held = false;
	}
	spin_unlock(&ndev->watchdog_lock);
	netif_tx_unlock_bh(ndev);
}

/**
 * shadow_park_running() - the stack's view of a parked interface
 * @sd: the interface, its old driver closed and its ops parked
 *
 * The interface reads as running again, as it did before the park, and
 * its carrier holds what the stack had.
 *
 * Context: RTNL held; called by park() after the old driver's ndo_stop.
 */
void shadow_park_running(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct shadow_swap *sw = sd->swap;

	ASSERT_RTNL();
	shadow_swap_carrier_stack(sw, ndev);
	if (!sw->was_running)
		return;
	/*
	 * With the bit clear since the close, a watchdog timer running now
	 * does not re-arm itself; once stopped, nothing starts it while the
	 * ops are parked (__netdev_watchdog_up() wants an ndo_tx_timeout).
	 */
	watchdog_down(ndev);
	set_bit(__LINK_STATE_START, &ndev->state);
}

/**
 * shadow_swap_closed_begin() - call into a new driver before its open
 * @ndev: the interface
 *
 * Between the replay's start and its open, the driver is called with the
 * interface not running, as it would be before its first dev_open(). The
 * bit is cleared only if it was set and only while such a swap runs.
 *
 * Context: RTNL held (the replay's, or the caller's: dev_set_mtu() and
 * netdev_update_features() from the replay).
 * Return: true when the bit was cleared; hand it to shadow_swap_closed_end().
 */
bool shadow_swap_closed_begin(struct net_device *ndev)
{
	struct shadow_net_dev *sd;
	bool closed;

	ASSERT_RTNL();
	/* The replay's own swap: REPLAYING cannot end without RTNL. */
	sd = shadow_swap_of(ndev, BIT(SHADOW_STATE_REPLAYING));
	closed = sd && sd->swap->closed;
	return closed && test_and_clear_bit(__LINK_STATE_START, &ndev->state);
}

void shadow_swap_closed_end(struct net_device *ndev, bool cleared)
{
	ASSERT_RTNL();
	if (cleared)
		set_bit(__LINK_STATE_START, &ndev->state);
}

/**
 * shadow_swap_carrier_live() - the carrier bit follows a driver from here
 * @sw: the swap
 * @ndev: its interface, whose driver is about to be opened
 *
 * The bit is set to what the driver last reported, silently (the stack
 * keeps its operstate until the swap ends), so that the driver's own edge
 * detection finds what it left.
 *
 * Context: RTNL held.
 */
void shadow_swap_carrier_live(struct shadow_swap *sw, struct net_device *ndev)
{
	ASSERT_RTNL();
	if (READ_ONCE(sw->drv_carrier))
		clear_bit(__LINK_STATE_NOCARRIER, &ndev->state);
	else
		set_bit(__LINK_STATE_NOCARRIER, &ndev->state);
	WRITE_ONCE(sw->carrier_live, true);
}

/**
 * shadow_swap_carrier_stack() - the carrier bit is the stack's again
 * @sw: the swap
 * @ndev: its interface
 *
 * At the park, once the old driver is closed, and when a new driver's
 * open failed: no driver's reports reach the bit until the next open.
 *
 * Context: RTNL held.
 */
void shadow_swap_carrier_stack(struct shadow_swap *sw, struct net_device *ndev)
{
	ASSERT_RTNL();
	WRITE_ONCE(sw->carrier_live, false);
	if (sw->stack_carrier)
		clear_bit(__LINK_STATE_NOCARRIER, &ndev->state);
	else
		set_bit(__LINK_STATE_NOCARRIER, &ndev->state);
}

/**
 * shadow_swap_carrier() - a driver's carrier report while a swap runs
 * @sd: the interface
 * @on: the driver's netif_carrier_on() or _off()
 *
 * Kept from the stack (no linkwatch event): recorded, and the bit changed
 * only once it follows the driver. Wakes the swap waiting for link.
 *
 * Context: any; the caller holds rcu_read_lock(), which the swap's free
 * waits for.
 */
void shadow_swap_carrier(struct shadow_net_dev *sd, bool on)
{
	struct shadow_swap *sw = sd->swap;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "the swap is used outside RCU");
	WRITE_ONCE(sw->drv_carrier, on);
	if (READ_ONCE(sw->carrier_live)) {
		if (on)
			clear_bit(__LINK_STATE_NOCARRIER, &sd->ndev->state);
		else
			set_bit(__LINK_STATE_NOCARRIER, &sd->ndev->state);
	}
	wake_up(&sw->link_wq);
}

/**
 * shadow_swap_not_running() - no driver is left under the interface
 * @sd: the interface, parked by a swap that failed
 *
 * It reads as not running from here until a later swap opens a driver,
 * and a link notification says so.
 *
 * Context: RTNL held.
 */
void shadow_swap_not_running(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;

	ASSERT_RTNL();
	WRITE_ONCE(sd->swap->carrier_live, false);
	if (!test_and_clear_bit(__LINK_STATE_START, &ndev->state))
		return;
	netdev_state_change(ndev);
}
