// SPDX-License-Identifier: GPL-2.0
/*
 * RTNL across a new driver's probe of the handed interface.
 *
 * The probe writes onto the live interface: fresh() resets it for the
 * driver, then the driver assigns its tables and a name template. The
 * shield (net_shield.c) puts each store back, but only once it has
 * landed, so for the debug exception's latency another CPU can read the
 * driver's table and call into a private area the probe has not set up
 * yet. virtio_net's ndo_get_phys_port_name, called by an RTM_GETLINK on
 * the other vCPU, read vi->vdev before virtnet_probe() had set it and
 * oopsed. Those readers, and nearly all that call through the tables or
 * read what fresh() resets, hold RTNL: rtnetlink, ethtool, dev_ioctl's
 * calls into the driver, the sysfs attributes that ask it. So the probing
 * task holds RTNL from the claim, before fresh(), to the end of the
 * re-attach, or to the end of a probe that never re-attached. RTNL
 * holders see the interface as it was before the probe and as the
 * re-attach leaves it, never in between. The shield stays for the RCU
 * readers: lookups by name, statistics, the transmit path.
 *
 * The cost is RTNL held for the probe's own length (an e1000 probe takes
 * about half a second under TCG), which a driver's ndo_change_mtu or
 * ethtool reset also costs.
 *
 * The probe may take RTNL itself (virtio_net registers under it). Its
 * rtnl_lock() and rtnl_unlock() are tapped: while the task probes for a
 * swap, they nest in the swap's hold instead of deadlocking on it. A swap
 * does not start without these taps (swap_hooks[] in net_swap_request.c).
 *
 * Ownership: rtnl_depth and rtnl_holder belong to the probing task
 * (sw->claim_task), the only one that reads or writes them, and the
 * owner of RTNL whenever rtnl_depth is not 0. The swap outlives them: its
 * work waits for the probe's end (sw->bound) before it goes on.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rtnetlink.h>

#include "net.h"
#include "net_swap.h"

static void nest_lock(struct shadow_swap *sw)
{
	if (!sw->rtnl_depth++)
		rtnl_lock();
}

static void nest_unlock(struct shadow_swap *sw)
{
	ASSERT_RTNL();
	if (!--sw->rtnl_depth)
		rtnl_unlock();
}

/**
 * shadow_probe_rtnl_hold() - take RTNL for the probe of the handed interface
 * @sw: the swap whose interface the current task is about to hand over
 *
 * In the probing task, with the probe's own holds (if any) counted.
 */
void shadow_probe_rtnl_hold(struct shadow_swap *sw)
{
	if (WARN_ON_ONCE(sw->rtnl_holder))
		return;
	sw->rtnl_holder = current;
	nest_lock(sw);
}

/**
 * shadow_probe_rtnl_release() - the swap's hold ends (the driver's may not)
 * @sw: the swap
 *
 * A no-op but in the task that took the hold (a mutex is its owner's to
 * release), and after the first call.
 */
void shadow_probe_rtnl_release(struct shadow_swap *sw)
{
	if (sw->rtnl_holder != current)
		return;
	sw->rtnl_holder = NULL;
	nest_unlock(sw);
}

/* The rtnl_lock() of a shadowed driver module: nested while it probes. */
void shadow_net_rtnl_lock(void)
{
	struct shadow_swap *sw = shadow_swap_probing(false);

	if (sw)
		nest_lock(sw);
	else
		rtnl_lock();
}

void shadow_net_rtnl_unlock(void)
{
	struct shadow_swap *sw = shadow_swap_probing(false);

	if (sw && sw->rtnl_depth)
		nest_unlock(sw);
	else
		rtnl_unlock();
}
