// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.ko: module entry and exit.
 *
 * The shadow watches unmodified NIC drivers through generated taps and will
 * swap the driver under a live interface (see DESIGN.md). This file only
 * orders the start and stop of the module's parts; each part lives in a
 * file of its own:
 *   filter.c	which driver modules are shadowed
 *   hook.c	driver->kernel taps (ftrace redirection of exported calls)
 *   log.c	the replay log; objects.c the object tracker
 *   net_*.c	the net class: shadowed interfaces, tap handlers, lookups
 *   blk_*.c	the block class (passive mode): the disks shadowed drivers add
 *   netlink.c	the "shadow" generic netlink family
 *   debugfs.c	read-only view for tests and people
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

#include "blk.h"
#include "filter.h"
#include "hook.h"
#include "net.h"
#include "net_swap.h"
#include "netlink.h"
#include "objects.h"
#include "shadow.h"

/*
 * Default: the drivers of the NICs QEMU emulates and this suite tests, the
 * 8390 library that allocates ne2k-pci's interfaces, and the MII library
 * that reports link for 8139cp, e100 and pcnet32 (a swap keeps the link
 * changes of the driver it is bringing up from the stack). The disk
 * drivers: those of scripts/disks.conf (nvme_core adds nvme's disks).
 */
static char *drivers = "e1000,e1000e,8139cp,vmxnet3,virtio_net,e100,pcnet32,tulip,ne2k_pci,8390,mii";
module_param(drivers, charp, 0444);
MODULE_PARM_DESC(drivers, "comma-separated NIC driver modules to shadow");
static char *disk_drivers = "virtio_blk,nvme,nvme_core,sd_mod";
module_param(disk_drivers, charp, 0444);
MODULE_PARM_DESC(disk_drivers, "comma-separated disk driver modules to shadow (passive mode)");

/* The classes, each with its driver list; one ftrace_ops hooks them all. */
static const struct shadow_hook_class hook_classes[] = {
	{ &tap_net_class, SHADOW_CLASS_NET },
	{ &tap_blk_class, SHADOW_CLASS_BLK },
};
static const struct tap_class * const tap_classes[] = {
	&tap_net_class,
	&tap_blk_class,
};
static struct shadow_hooks *hooks;

void shadow_core_show_taps(struct seq_file *m)
{
	shadow_hooks_show(m, hooks);
}

void shadow_core_show_calls(struct seq_file *m)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tap_classes); i++)
		shadow_taps_show_calls(m, tap_classes[i]);
}

/* hooks is set before any request can arrive and cleared after the last. */
bool shadow_core_hook_live(const char *symbol)
{
	return shadow_hooks_live(hooks, symbol);
}

static int __init shadow_init(void)
{
	const char * const names[SHADOW_NR_CLASSES] = {
		[SHADOW_CLASS_NET] = drivers,
		[SHADOW_CLASS_BLK] = disk_drivers,
	};
	int err;

	/* ORDER: the filter exists before any hook can consult it. */
	err = shadow_filter_init(names);
	if (err)
		return err;
	err = shadow_swap_init();
	if (err)
		goto err_filter;
	err = shadow_nl_init();
	if (err)
		goto err_swap;
	/* ORDER: hooks last, once everything their handlers use is up. */
	hooks = shadow_hooks_install(hook_classes, ARRAY_SIZE(hook_classes));
	if (IS_ERR(hooks)) {
		err = PTR_ERR(hooks);
		goto err_nl;
	}
	shadow_debugfs_init();
	pr_info("version %s loaded\n", SHADOW_VERSION);
	return 0;

err_nl:
	shadow_nl_exit();
err_swap:
	shadow_swap_exit();
err_filter:
	shadow_filter_exit();
	return err;
}

static void __exit shadow_exit(void)
{
	shadow_debugfs_exit();
	shadow_nl_exit();
	shadow_swap_exit();
	/*
	 * ORDER: interfaces go back to their drivers after the last request,
	 * and before the hooks: with the unregister hook gone, a driver could
	 * free an interface the registry still names.
	 */
	shadow_net_exit();
	shadow_hooks_remove(hooks);
	/*
	 * ORDER: calls redirected before the hooks went, and calls through the
	 * tables just restored, end before what they use goes.
	 */
	shadow_taps_quiesce(tap_classes, ARRAY_SIZE(tap_classes));
	shadow_blk_exit();
	shadow_obj_exit();
	shadow_filter_exit();
	pr_info("unloaded\n");
}

module_init(shadow_init);
module_exit(shadow_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Shadow driver: swap the driver under a live network interface");
MODULE_VERSION(SHADOW_VERSION);
