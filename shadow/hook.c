// SPDX-License-Identifier: GPL-2.0
/*
 * Driver->kernel taps, the way livepatch redirects functions: one ftrace_ops
 * per exported function, filtered by name, with IPMODIFY. The handler sends
 * the call to the generated wrapper when it comes from a shadowed driver
 * module (filter.c), or, for destroy calls, from anyone (any_caller()); the
 * wrapper calls the real function, and that call, coming from this module,
 * is let through. The generated wrappers never end
 * in a tail call (tap_done() in tap.h, -fno-optimize-sibling-calls), else
 * the driver's return address would stay on the stack and the call would be
 * redirected again forever (TESTBED.md).
 *
 * A function the running kernel cannot trace (not in
 * available_filter_functions) is reported at load and left unhooked, never
 * silently dropped: debugfs shows each hook's state.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "filter.h"
#include "hook.h"

struct shadow_hook {
	struct ftrace_ops ops;
	const struct tap_hook *tap;
	int err;		/* why it is not installed, or 0 */
	bool live;
	bool any_caller;	/* see any_caller() */
};

struct shadow_hooks {
	const struct tap_class *cls;
	unsigned int installed;
	struct shadow_hook hook[];
};

static void notrace handler(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct shadow_hook *h = container_of(op, struct shadow_hook, ops);

	/* Our wrapper calling through to the real function. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (!h->any_caller && !shadow_filter_match(parent_ip))
		return;
	shadow_ftrace_set_ip(fregs, h->tap->wrapper);
}

/*
 * A destroy call is known by its object, not its caller: a driver that
 * frees in a tail call (8139cp, vmxnet3 and virtio_net end their remove
 * with free_netdev) leaves its caller's return address, in the PCI core,
 * on the stack. So a hand-written destroy handler sees every call and
 * passes through those for objects it does not track.
 */
static bool any_caller(const struct tap_class *cls, const struct tap_hook *tap)
{
	const struct tap_info *info = &cls->info[tap->id];

	return info->kind == TAP_OBJECT_DESTROY && (info->flags & TAP_F_HOOK);
}

static int install(struct shadow_hook *h)
{
	const char *sym = h->tap->symbol;
	int err;

	h->ops.func = handler;
	h->ops.flags = FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_RECURSION |
#ifndef CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS
		       FTRACE_OPS_FL_SAVE_REGS |
#endif
		       FTRACE_OPS_FL_PERMANENT;
	err = ftrace_set_filter(&h->ops, (unsigned char *)sym, strlen(sym), 0);
	if (err)
		return err;
	err = register_ftrace_function(&h->ops);
	if (err) {
		ftrace_free_filter(&h->ops);
		return err;
	}
	h->live = true;
	return 0;
}

static void uninstall(struct shadow_hook *h)
{
	int err;

	if (!h->live)
		return;
	err = unregister_ftrace_function(&h->ops);
	if (err)
		pr_err("cannot unhook %s: %d\n", h->tap->symbol, err);
	ftrace_free_filter(&h->ops);
	h->live = false;
}

/**
 * shadow_hooks_install() - redirect every driver->kernel tap of a class
 * @cls: the generated class
 *
 * Return: the installed set, or an ERR_PTR when none could be installed.
 * Functions the kernel cannot trace are reported and left out.
 */
struct shadow_hooks *shadow_hooks_install(const struct tap_class *cls)
{
	struct shadow_hooks *hooks;
	unsigned int i;

	hooks = kzalloc(struct_size(hooks, hook, cls->nhooks), GFP_KERNEL);
	if (!hooks)
		return ERR_PTR(-ENOMEM);
	hooks->cls = cls;
	for (i = 0; i < cls->nhooks; i++) {
		struct shadow_hook *h = &hooks->hook[i];

		h->tap = &cls->hooks[i];
		h->any_caller = any_caller(cls, h->tap);
		h->err = install(h);
		if (h->err)
			pr_warn("%s: cannot hook %s (%d); its calls go unseen\n",
				cls->name, h->tap->symbol, h->err);
		else
			hooks->installed++;
	}
	if (cls->nhooks && !hooks->installed) {
		kfree(hooks);
		return ERR_PTR(-ENOENT);
	}
	pr_info("%s: %u of %u driver->kernel taps hooked on %s\n", cls->name,
		hooks->installed, cls->nhooks, cls->kernel);
	return hooks;
}

void shadow_hooks_remove(struct shadow_hooks *hooks)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(hooks))
		return;
	for (i = hooks->cls->nhooks; i > 0; i--)
		uninstall(&hooks->hook[i - 1]);
	kfree(hooks);
}

/* Whether the hook on @symbol is installed (false for one not in the class). */
bool shadow_hooks_live(const struct shadow_hooks *hooks, const char *symbol)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(hooks))
		return false;
	for (i = 0; i < hooks->cls->nhooks; i++)
		if (!strcmp(hooks->hook[i].tap->symbol, symbol))
			return hooks->hook[i].live;
	return false;
}

void shadow_hooks_show(struct seq_file *m, const struct shadow_hooks *hooks)
{
	const struct tap_class *cls = hooks->cls;
	unsigned int i;

	for (i = 0; i < cls->nhooks; i++) {
		const struct shadow_hook *h = &hooks->hook[i];

		seq_printf(m, "%s %s %s calls %ld%s\n", cls->name, h->tap->symbol,
			   h->live ? "hooked" : "unhooked",
			   atomic_long_read(&cls->calls[h->tap->id]),
			   h->any_caller ? " any-caller" : "");
	}
}

/*
 * Every call through a wrapper of @cls so far, tables and exports alike:
 * "CLASS TOTAL", then "  TABLE.MEMBER N" or "  FUNCTION N" for each tap
 * called at least once.
 */
void shadow_taps_show_calls(struct seq_file *m, const struct tap_class *cls)
{
	long sum = 0, n;
	unsigned int i;

	for (i = 0; i < cls->ninfo; i++)
		sum += atomic_long_read(&cls->calls[i]);
	seq_printf(m, "%s %ld\n", cls->name, sum);
	for (i = 0; i < cls->ninfo; i++) {
		const struct tap_info *info = &cls->info[i];

		n = atomic_long_read(&cls->calls[i]);
		if (n)
			seq_printf(m, "  %s%s%s %ld\n", info->table ?: "", info->table ? "." : "",
				   info->name, n);
	}
}

/**
 * shadow_taps_quiesce() - wait until no call is inside a wrapper of a class
 * @cls: the class
 *
 * For unloading, once nothing new can enter the wrappers waited for: a
 * driver's call redirected before its hook went may still sleep inside one
 * (register_netdev), and would return into freed text. The last call out
 * still runs a few instructions of its wrapper after the decrement: an
 * RCU-tasks grace period waits for those too, as a task leaves them
 * without a voluntary context switch.
 */
void shadow_taps_quiesce(const struct tap_class *cls)
{
	wait_var_event(cls->inside, !atomic_read(cls->inside));
	synchronize_rcu_tasks();
}
