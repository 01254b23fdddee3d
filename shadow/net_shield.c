// SPDX-License-Identifier: GPL-2.0
/*
 * The shield: what a new driver's probe writes onto the handed interface
 * does not reach the stack before the re-attach.
 *
 * A driver's probe fills its net_device with plain stores: e1000 and
 * e1000e write the PCI address, then "eth%d", into dev->name, and every
 * driver assigns its netdev_ops and ethtool_ops. On a fresh allocation no
 * one else can see them yet; on the handed interface the stack and
 * userspace can, at any instant: a lookup by name fails, "ip link" lists
 * the PCI address, dev_get_stats() and ethtool reach a driver whose
 * private area is half set up. No call into the kernel surrounds those
 * stores, so no tap can see them. A hardware data breakpoint can: the
 * shield watches the name and the two table pointers with write
 * breakpoints (perf's wide kernel breakpoints, on every CPU) from the
 * claim until the re-attach. Its handler runs on the writing CPU right
 * after the store, puts back the stack's value and keeps the driver's
 * tables in the landing place the re-attach takes them from; the name the
 * driver wrote is a template the re-attach ignores anyway. What is left
 * is the handler's latency: the stored value is visible to another CPU
 * for the time the debug exception takes to run.
 *
 * That latency is short natively, but under emulation the first trap of a
 * boot can take a millisecond, and a loaded host can deschedule the vCPU
 * in between. A table the driver stored, read in that window, leads into
 * a private area its probe has not set up (virtio_net oopsed so), so the
 * readers that call through the tables do not depend on the latency: the
 * probing task holds RTNL from the claim to the re-attach
 * (net_probe_rtnl.c), which keeps rtnetlink, ethtool and the ioctls out.
 * Of the readers without RTNL, dev_get_stats() of a probing interface
 * answers what the parked ops would, without reading the table pointer
 * the driver is writing, and lookups by name compare against the
 * shield's copy of the name (the interface's name node points there).
 * What is left for the latency is the name as RCU readers copy it
 * (SIOCGIFNAME) and the transmit path's tables, whose queues are stopped.
 * debugfs "shield_delay_us" lengthens the handler, for the tests.
 *
 * A store by another task (the stack renaming a down interface under
 * RTNL) is the stack's own: the shield adopts the new name instead.
 *
 * Without free debug registers (a debugger, perf, or a kernel without
 * hardware breakpoints) the swap goes on unshielded and says so in a
 * note.
 *
 * Placing and removing CPU-wide breakpoints each wait for an RCU grace
 * period (their slots are counted under a per-CPU rwsem whose write side
 * enters through rcu_sync: kernel/events/hw_breakpoint.c), some 10 ms
 * under TCG. Done at the claim and the re-attach, the two were most of
 * the shadow's own share of a swap's outage. So the breakpoints are
 * placed before the park (shadow_shield_watch()) and removed once the
 * swap has ended (shadow_shield_unwatch()); in between the handler does
 * nothing unless the shield is armed, from a claim to its re-attach, and
 * arming and disarming are a flag and a wait for the handlers inside.
 *
 * Lifetime: the shield is part of its swap (struct shadow_swap). The swap
 * watches the interface, which it holds a reference to (dev_hold), from
 * its start, and unwatches it before it is freed or left parked;
 * unregister_wide_hw_breakpoint() returns only after the breakpoint left
 * every CPU, so no handler runs on a freed swap or interface. Armed in the
 * probing task by shadow_swap_claim(), disarmed by the re-attach or, when
 * the probe ended without one, by adopt() once the probe's completion
 * fired; disarming returns once no handler is inside (sh->inside). The
 * handler runs in the debug exception (NMI-like): it only loads and
 * stores. A lookup still comparing against the shield's copy of the name
 * after the disarm holds RCU or RTNL: the swap is freed after a grace
 * period (slot_del()), and after the replay or the failure took RTNL.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/hw_breakpoint.h>
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/sched.h>

#include "compat.h"
#include "net_swap.h"
#include "uapi/linux/shadow.h"

/*
 * The name node is private to net/core (net/core/dev.h, not in the
 * headers packages); 6.1 and 6.12 both begin it as below. The shield
 * points it at its copy only after finding the interface and its name
 * where this layout says they are; otherwise lookups stay on dev->name.
 */
struct shield_name_node {
	struct hlist_node hlist;
	struct list_head list;
	struct net_device *dev;
	const char *name;
};

static struct shield_name_node *name_node_of(struct net_device *ndev)
{
	struct shield_name_node *nn = (struct shield_name_node *)ndev->name_node;

	return nn && nn->dev == ndev && nn->name == ndev->name ? nn : NULL;
}

/* Shields armed now: dev_get_stats() is redirected only while there are. */
static atomic_t shields_armed = ATOMIC_INIT(0);
/* Callers inside shielded_dev_get_stats(): the module waits for them. */
static atomic_t stats_inside = ATOMIC_INIT(0);
static bool stats_hooked;

/* debugfs: the handler waits this long first, as a slow trap would. */
u32 shadow_shield_delay_us;

/* Armed: a store the handler caught is put back, the driver's kept. */
static void shield_put_back(struct shadow_shield *sh)
{
	struct net_device *ndev = sh->ndev;
	const struct net_device_ops *ndo;
	const struct ethtool_ops *eto;
	u32 delay = READ_ONCE(shadow_shield_delay_us);

	if (delay)
		udelay(min(delay, 10000U));
	ndo = READ_ONCE(ndev->netdev_ops);
	eto = READ_ONCE(ndev->ethtool_ops);

	if (ndo != sh->parked_ndo) {
		WRITE_ONCE(ndev->netdev_ops, sh->parked_ndo);
		WRITE_ONCE(sh->ndo, ndo);
		WRITE_ONCE(sh->caught[SHADOW_SHIELD_NDO], sh->caught[SHADOW_SHIELD_NDO] + 1);
	}
	if (eto != sh->parked_eto) {
		WRITE_ONCE(ndev->ethtool_ops, sh->parked_eto);
		WRITE_ONCE(sh->eto, eto);
		WRITE_ONCE(sh->caught[SHADOW_SHIELD_ETO], sh->caught[SHADOW_SHIELD_ETO] + 1);
	}
	if (!strncmp(ndev->name, sh->name, IFNAMSIZ))
		return;
	if (current == sh->task) {
		memcpy(ndev->name, sh->name, IFNAMSIZ);
		WRITE_ONCE(sh->caught[SHADOW_SHIELD_NAME], sh->caught[SHADOW_SHIELD_NAME] + 1);
	} else {
		memcpy(sh->name, ndev->name, IFNAMSIZ);
	}
}

static void shield_hit(struct perf_event *bp, struct perf_sample_data *data,
		       struct pt_regs *regs)
{
	struct shadow_shield *sh = bp->overflow_handler_context;

	atomic_inc(&sh->inside);
	/* Inside, then armed? Pairs with disarm's: one sees the other's store. */
	smp_mb__after_atomic();
	/* Acquire: armed, then the fields shadow_shield_arm() set before it. */
	if (smp_load_acquire(&sh->armed))
		shield_put_back(sh);
	/* The put-back's stores, before disarm can see no handler inside. */
	smp_mb__before_atomic();
	atomic_dec(&sh->inside);
}

static struct perf_event * __percpu *watch(struct shadow_shield *sh, void *addr)
{
	struct perf_event_attr attr;

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)addr;
	attr.bp_len = HW_BREAKPOINT_LEN_8;
	attr.bp_type = HW_BREAKPOINT_W;
	return register_wide_hw_breakpoint(&attr, shield_hit, sh);
}

/**
 * shadow_shield_watch() - place the breakpoints on the interface
 * @sh: the swap's shield, not watching
 * @ndev: the interface, which the swap holds
 *
 * Sleeps (a grace period: see the top). Called by the swap before its
 * park; the handler does nothing until shadow_shield_arm(). What could not
 * be placed is in @sh->err, for the arm to report.
 */
void shadow_shield_watch(struct shadow_shield *sh, struct net_device *ndev)
{
	/* By priority: a name that fits 8 bytes needs only the first block. */
	void *addr[SHADOW_SHIELD_WATCHES] = {
		ndev->name, &ndev->netdev_ops, &ndev->ethtool_ops, ndev->name + 8,
	};
	struct perf_event * __percpu *bp;

	BUILD_BUG_ON(IFNAMSIZ != 16);
	if (WARN_ON_ONCE(sh->watches))
		return;
	sh->ndev = ndev;
	WRITE_ONCE(sh->armed, false);
	atomic_set(&sh->inside, 0);
	sh->err = 0;
	/* The name's blocks must be 8-aligned (they follow pointers). */
	if (!IS_ALIGNED((unsigned long)ndev->name, 8)) {
		sh->err = -EINVAL;
		return;
	}
	while (sh->watches < SHADOW_SHIELD_WATCHES) {
		bp = watch(sh, addr[sh->watches]);
		if (IS_ERR_OR_NULL((void __force *)bp)) {
			sh->err = bp ? PTR_ERR((void __force *)bp) : -EOPNOTSUPP;
			break;
		}
		sh->bp[sh->watches++] = bp;
	}
}

/**
 * shadow_shield_unwatch() - remove the breakpoints
 * @sh: the shield, watching or not, armed or not
 *
 * Sleeps. After it no handler runs: the swap and the interface may go.
 */
void shadow_shield_unwatch(struct shadow_shield *sh)
{
	shadow_shield_disarm(sh);
	while (sh->watches)
		unregister_wide_hw_breakpoint(sh->bp[--sh->watches]);
}

/**
 * shadow_shield_arm() - keep the probe's stores to the interface from the stack
 * @sh: the swap's shield, watching @ndev, disarmed
 * @ndev: the interface, on the tables the stack is to keep seeing (parked)
 *
 * Called in the probing task, whose stores are the driver's.
 * Return: 0 when all it needs is watched (the name's second block only
 * for a name that does not fit the first), else why not.
 */
int shadow_shield_arm(struct shadow_shield *sh, struct net_device *ndev)
{
	if (WARN_ON_ONCE(sh->armed || (sh->watches && sh->ndev != ndev)))
		return -EINVAL;
	sh->task = current;
	sh->parked_ndo = ndev->netdev_ops;
	sh->parked_eto = ndev->ethtool_ops;
	sh->ndo = sh->parked_ndo;
	sh->eto = sh->parked_eto;
	memset(sh->caught, 0, sizeof(sh->caught));
	memcpy(sh->name, ndev->name, IFNAMSIZ);
	if (sh->watches) {
		atomic_inc(&shields_armed);
		/* Lookups by name read the shield's copy (see the top). */
		sh->node = name_node_of(ndev);
		if (sh->node)
			WRITE_ONCE(sh->node->name, sh->name);
		/* A handler that sees it armed sees all of the above. */
		smp_store_release(&sh->armed, true);
	}
	if (sh->watches < SHADOW_SHIELD_WATCHES - (strnlen(sh->name, IFNAMSIZ) < 8))
		return sh->err ?: -ENOSPC;
	return 0;
}

/**
 * shadow_shield_disarm() - stop putting stores back; the driver's tables stay in @sh
 * @sh: the shield, armed or not
 *
 * After it, no handler acts, and @sh->ndo and @sh->eto hold the tables
 * the driver assigned last (the parked ones when it assigned none).
 */
void shadow_shield_disarm(struct shadow_shield *sh)
{
	if (!sh->armed)
		return;
	WRITE_ONCE(sh->armed, false);
	/* Disarmed, then inside? Pairs with shield_hit(): it is counted. */
	smp_mb();
	while (atomic_read_acquire(&sh->inside))
		cpu_relax();
	/* The handler kept dev->name equal to the copy: swap them back. */
	if (sh->node)
		WRITE_ONCE(sh->node->name, sh->ndev->name);
	sh->node = NULL;
	atomic_dec(&shields_armed);
}

/*
 * dev_get_stats() while a driver probes the interface: the stack's totals
 * (what the parked ops answer) and the core's own drop counters, added as
 * dev_get_stats() adds them. Anything else goes to the real function, in a
 * call that is not a tail call (the redirect lets only this module's calls
 * through; Kbuild also builds this file with -fno-optimize-sibling-calls).
 */
static struct rtnl_link_stats64 *shielded_dev_get_stats(struct net_device *dev,
							struct rtnl_link_stats64 *storage)
{
	const struct net_device_core_stats __percpu *p;
	struct rtnl_link_stats64 *ret = storage;
	struct shadow_net_dev *sd;
	int cpu;

	atomic_inc(&stats_inside);
	rcu_read_lock();
	sd = shadow_swap_of(dev, BIT(SHADOW_STATE_BINDING));
	if (sd) {
		*storage = sd->stats_base;
		p = READ_ONCE(dev->core_stats);
		for_each_possible_cpu(cpu) {
			const struct net_device_core_stats *c = p ? per_cpu_ptr(p, cpu) : NULL;

			if (!c)
				break;
			storage->rx_dropped += READ_ONCE(c->rx_dropped);
			storage->tx_dropped += READ_ONCE(c->tx_dropped);
			storage->rx_nohandler += READ_ONCE(c->rx_nohandler);
			storage->rx_otherhost_dropped += READ_ONCE(c->rx_otherhost_dropped);
		}
	}
	rcu_read_unlock();
	if (!sd)
		ret = dev_get_stats(dev, storage);
	if (atomic_dec_and_test(&stats_inside))
		wake_up_var(&stats_inside);
	return ret;
}

static void notrace stats_redirect(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	if (!atomic_read(&shields_armed) || within_module(parent_ip, THIS_MODULE))
		return;
	shadow_ftrace_set_ip(fregs, (unsigned long)shielded_dev_get_stats);
}

static struct ftrace_ops stats_ops = {
	.func = stats_redirect,
	.flags = SHADOW_FTRACE_REDIRECT,
};

/**
 * shadow_shield_init() - redirect dev_get_stats() while shields are armed
 *
 * Without it (ftrace refused: another IPMODIFY user holds the function)
 * swaps still work; statistics may then read 0 in the window the top
 * describes, which the kernel log says once.
 */
void shadow_shield_init(void)
{
	int err;

	/* By address: a filter by name walks every traceable function. */
	err = ftrace_set_filter_ip(&stats_ops, (unsigned long)dev_get_stats, 0, 0);
	if (!err)
		err = register_ftrace_function(&stats_ops);
	if (err) {
		ftrace_free_filter(&stats_ops);
		pr_warn("cannot hook dev_get_stats (%d): statistics may read 0 while a driver probes a swapped interface\n",
			err);
		return;
	}
	stats_hooked = true;
}

void shadow_shield_exit(void)
{
	if (!stats_hooked)
		return;
	unregister_ftrace_function(&stats_ops);
	ftrace_free_filter(&stats_ops);
	/* A caller redirected before the unhook may still be in there. */
	wait_var_event(&stats_inside, !atomic_read(&stats_inside));
	stats_hooked = false;
}
