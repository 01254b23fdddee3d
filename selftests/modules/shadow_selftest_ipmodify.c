// SPDX-License-Identifier: GPL-2.0
/*
 * A module that takes ftrace's IPMODIFY on one kernel function, the way a
 * livepatch would, so that a selftest can load shadow.ko while that hook
 * is not to be had (IPMODIFY is exclusive) and check that the shadow
 * refuses swaps instead of running one half hooked. The handler leaves
 * every call as it is.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/string.h>

static char *symbol = "free_netdev";
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "the function to hold IPMODIFY on");

static void notrace pass(unsigned long ip, unsigned long parent_ip,
			 struct ftrace_ops *op, struct ftrace_regs *fregs)
{
}

static struct ftrace_ops ops = {
	.func = pass,
	.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		 FTRACE_OPS_FL_SAVE_REGS |
#endif
		 0,
};

static int __init ipmodify_init(void)
{
	int err;

	err = ftrace_set_filter(&ops, (unsigned char *)symbol, strlen(symbol), 0);
	if (err)
		return err;
	err = register_ftrace_function(&ops);
	if (err) {
		ftrace_free_filter(&ops);
		return err;
	}
	pr_info("holding IPMODIFY on %s\n", symbol);
	return 0;
}

static void __exit ipmodify_exit(void)
{
	unregister_ftrace_function(&ops);
	ftrace_free_filter(&ops);
}

module_init(ipmodify_init);
module_exit(ipmodify_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-bed selftest: hold ftrace IPMODIFY on one function");
