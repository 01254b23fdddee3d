// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/shadow/: what the shadow sees, for tests and for a
 * person debugging it. "drivers" lists the shadowed driver modules and
 * their classes; "disks" the disks the block class records (blk_disk.c,
 * one line each, key-value pairs after the name and driver); "taps"
 * lists every driver->kernel tap with its state and call count; "calls"
 * gives, per class, the calls through all its wrappers (tables too) and
 * each tap called so far: the total stays still while only packets flow.
 * Knobs, for tests: writing N to "fail_open" makes the next N opens a
 * swap's replay asks of a new driver fail with EIO, as a driver that
 * cannot open would; writing N to "hold_register_ms" makes the next netdev
 * registration of a shadowed driver sleep N ms inside its wrapper (to
 * unload the shadow under it), and "hold_change_mtu_ms" the next MTU
 * change (to unbind the driver under it). "shield_delay_us" makes the
 * shield's breakpoint handler wait that long before it puts a probe's
 * store back (a slow trap, to widen the window net_probe_rtnl.c closes).
 * "hold_phase" (a SHADOW_STATE_ value: parking, parked, binding or
 * replaying) and "hold_phase_ms" make the next swap that reaches that
 * phase wait there, once (to remove a device or unload a module in it).
 * On a kernel with fault injection, writing N to "fail_swap_nth" makes
 * the next swap's N-th fallible call fail (the kernel's fail-nth, for the
 * swap's worker); "fail_swap_left" then reads 0 if the fault was met, or
 * what was still to go when the swap ended.
 * The control interface proper
 * is generic netlink.
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "blk.h"
#include "filter.h"
#include "hook.h"
#include "net.h"
#include "net_swap.h"
#include "shadow.h"

static struct dentry *dir;

static int drivers_show(struct seq_file *m, void *v)
{
	shadow_filter_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(drivers);

static int taps_show(struct seq_file *m, void *v)
{
	shadow_core_show_taps(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(taps);

static int calls_show(struct seq_file *m, void *v)
{
	shadow_core_show_calls(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(calls);

static int disks_show(struct seq_file *m, void *v)
{
	shadow_blk_show_disks(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(disks);

void shadow_debugfs_init(void)
{
	/* debugfs is for people; its failures are not the module's. */
	dir = debugfs_create_dir("shadow", NULL);
	debugfs_create_file("drivers", 0444, dir, NULL, &drivers_fops);
	debugfs_create_file("taps", 0444, dir, NULL, &taps_fops);
	debugfs_create_file("calls", 0444, dir, NULL, &calls_fops);
	debugfs_create_file("disks", 0444, dir, NULL, &disks_fops);
	debugfs_create_atomic_t("fail_open", 0600, dir, &shadow_swap_fail_open);
	debugfs_create_atomic_t("fail_register", 0600, dir, &shadow_swap_fail_register);
	debugfs_create_u32("hold_register_ms", 0600, dir, &shadow_net_hold_register_ms);
	debugfs_create_u32("hold_change_mtu_ms", 0600, dir, &shadow_net_hold_change_mtu_ms);
	debugfs_create_u32("shield_delay_us", 0600, dir, &shadow_shield_delay_us);
	debugfs_create_u32("hold_phase", 0600, dir, &shadow_swap_hold_phase);
	debugfs_create_u32("hold_phase_ms", 0600, dir, &shadow_swap_hold_phase_ms);
	if (IS_ENABLED(CONFIG_FAULT_INJECTION)) {
		debugfs_create_u32("fail_swap_nth", 0600, dir, &shadow_swap_fail_nth);
		debugfs_create_u32("fail_swap_left", 0400, dir, &shadow_swap_fail_left);
	}
}

void shadow_debugfs_exit(void)
{
	debugfs_remove_recursive(dir);
}
