// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose only job is to raise a kernel warning on demand, so that a
 * selftest can prove that the VM runner fails a run on any WARN. Loading it
 * with trigger=1 warns once from module init; with the guest booted
 * panic_on_warn=1 that ends the guest at once.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/bug.h>

static bool trigger;
module_param(trigger, bool, 0444);
MODULE_PARM_DESC(trigger, "raise a WARN from module init");

static int __init warn_init(void)
{
	WARN(trigger, "deliberate warning asked for by a selftest\n");
	return 0;
}

static void __exit warn_exit(void)
{
}

module_init(warn_init);
module_exit(warn_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-bed selftest: a WARN on demand");
