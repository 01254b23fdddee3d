// SPDX-License-Identifier: GPL-2.0
/*
 * shadow.ko: module entry and exit.
 *
 * The shadow watches an unmodified NIC driver through generated taps and can
 * swap the driver under a live interface (see DESIGN.md). This file only
 * orders the start and stop of the module's parts; each part lives in a file
 * of its own. For now the module has no parts yet: it proves that a module
 * of this suite builds against Debian's kernels and loads and unloads
 * cleanly in the test guests.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>

static int __init shadow_init(void)
{
	pr_info("version %s loaded\n", SHADOW_VERSION);
	return 0;
}

static void __exit shadow_exit(void)
{
	pr_info("unloaded\n");
}

module_init(shadow_init);
module_exit(shadow_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Shadow driver: swap the driver under a live network interface");
MODULE_VERSION(SHADOW_VERSION);
