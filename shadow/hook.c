// SPDX-License-Identifier: GPL-2.0
/*
 * Driver->kernel taps, the way livepatch redirects functions, with one
 * difference: one ftrace_ops for every exported function of a class,
 * filtered by address, with IPMODIFY. The handler finds the tap by the
 * traced function's address and sends the call to its generated wrapper
 * when it comes from a shadowed driver module (filter.c), or, for destroy
 * calls, from anyone (any_caller()); the wrapper calls the real function,
 * and that call, coming from this module, is let through. The generated
 * wrappers never end in a tail call (tap_done() in tap.h,
 * -fno-optimize-sibling-calls), else the driver's return address would stay
 * on the stack and the call would be redirected again forever (TESTBED.md).
 *
 * Why one ops: each registration and each removal of an ops patches text
 * and waits for RCU-tasks grace periods, so one ops per function made
 * loading and unloading take 6 and 8 s under TCG (61 functions), and each
 * ftrace_set_filter() by name walks every traceable function. Filtering by
 * address (the module links against each function already) looks up one.
 * The same reason puts every class in that one ops: a second ops for the
 * block class made each unload of the shadow 264 ms slower on 6.12 under
 * TCG (364 -> 628 ms). Each hook remembers its class, and whose calls it
 * redirects: the drivers of that class only.
 *
 * A function the running kernel cannot trace (no ftrace location) is
 * reported at load and left unhooked, never silently dropped: debugfs
 * shows each hook's state.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "compat.h"
#include "filter.h"
#include "hook.h"

/*
 * The fentry call of a traced function is at its address, or after an
 * ENDBR64 (4 bytes) on kernels built with IBT: how far past a tap's target
 * the traced ip may be.
 */
#define SHADOW_FENTRY_SLACK	16

struct shadow_hook {
	const struct tap_class *cls;	/* its class */
	enum shadow_class drivers;	/* whose calls it redirects (filter.c) */
	const struct tap_hook *tap;
	int err;		/* why it is not installed, or 0 */
	bool live;
	bool any_caller;	/* see any_caller() */
};

/*
 * Owned by main.c from shadow_hooks_install() to shadow_hooks_remove(); the
 * handler reads it only while the ops is registered, and nothing in it
 * changes then (by_ip is sorted before registering).
 */
struct shadow_hooks {
	struct ftrace_ops ops;
	unsigned int nhooks;		/* every class's */
	unsigned int installed;
	bool registered;
	struct shadow_hook **by_ip;	/* the filtered hooks, by target */
	struct shadow_hook hook[];
};

/* The hook whose function holds the traced @ip, or NULL. */
static __always_inline struct shadow_hook *
hook_by_ip(const struct shadow_hooks *hooks, unsigned long ip)
{
	unsigned int lo = 0, hi = hooks->installed;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		unsigned long target = hooks->by_ip[mid]->tap->target;

		if (ip < target) {
			hi = mid;
			continue;
		}
		if (ip - target < SHADOW_FENTRY_SLACK)
			return hooks->by_ip[mid];
		lo = mid + 1;
	}
	return NULL;
}

static void notrace handler(unsigned long ip, unsigned long parent_ip,
			    struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct shadow_hooks *hooks = container_of(op, struct shadow_hooks, ops);
	struct shadow_hook *h;

	/* Our wrapper calling through to the real function. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	h = hook_by_ip(hooks, ip);
	if (unlikely(!h))
		return;
	if (!h->any_caller && !shadow_filter_match(parent_ip, h->drivers))
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

static int cmp_target(const void *a, const void *b)
{
	unsigned long x = (*(struct shadow_hook * const *)a)->tap->target;
	unsigned long y = (*(struct shadow_hook * const *)b)->tap->target;

	return x < y ? -1 : x > y;
}

/*
 * Add every hook's function to the ops' filter, the classes' in order;
 * fills and sorts by_ip.
 */
static void filter_all(struct shadow_hooks *hooks,
		       const struct shadow_hook_class *classes, unsigned int n)
{
	unsigned int c, i, k = 0;

	for (c = 0; c < n; c++) {
		const struct tap_class *cls = classes[c].cls;

		for (i = 0; i < cls->nhooks; i++) {
			struct shadow_hook *h = &hooks->hook[k++];

			h->cls = cls;
			h->drivers = classes[c].drivers;
			h->tap = &cls->hooks[i];
			h->any_caller = any_caller(cls, h->tap);
			h->err = ftrace_set_filter_ip(&hooks->ops, h->tap->target, 0, 0);
			if (h->err) {
				pr_warn("%s: cannot hook %s (%d); its calls go unseen\n",
					cls->name, h->tap->symbol, h->err);
				continue;
			}
			hooks->by_ip[hooks->installed++] = h;
		}
	}
	sort(hooks->by_ip, hooks->installed, sizeof(*hooks->by_ip),
	     cmp_target, NULL);
}

static void notrace probe_handler(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op,
				  struct ftrace_regs *fregs)
{
}

/*
 * Whether another IPMODIFY user (a livepatch) holds @h's function: the
 * combined ops cannot tell which of its functions is taken, so each is
 * tried alone, with an ops that changes nothing. Slow (a registration and
 * a removal each), and only run when the combined registration was refused.
 */
static int probe_one(struct shadow_hook *h)
{
	struct ftrace_ops probe = {
		.func = probe_handler,
		.flags = SHADOW_FTRACE_REDIRECT,
	};
	int err;

	err = ftrace_set_filter_ip(&probe, h->tap->target, 0, 0);
	if (!err) {
		err = register_ftrace_function(&probe);
		if (!err)
			WARN_ON_ONCE(unregister_ftrace_function(&probe));
	}
	ftrace_free_filter(&probe);
	return err;
}

/* Take the functions someone else holds out of the filter; by_ip follows. */
static void drop_taken(struct shadow_hooks *hooks)
{
	unsigned int i, kept = 0;

	for (i = 0; i < hooks->installed; i++) {
		struct shadow_hook *h = hooks->by_ip[i];

		h->err = probe_one(h);
		if (!h->err) {
			hooks->by_ip[kept++] = h;
			continue;
		}
		pr_warn("%s: cannot hook %s (%d); its calls go unseen\n",
			h->cls->name, h->tap->symbol, h->err);
		WARN_ON_ONCE(ftrace_set_filter_ip(&hooks->ops, h->tap->target,
						  1, 0));
	}
	hooks->installed = kept;
}

/* Per class: "CLASS: N of M driver->kernel taps hooked on KERNEL". */
static void report(const struct shadow_hooks *hooks,
		   const struct shadow_hook_class *classes, unsigned int n)
{
	unsigned int c, i, k = 0, live;

	for (c = 0; c < n; c++) {
		const struct tap_class *cls = classes[c].cls;

		for (i = 0, live = 0; i < cls->nhooks; i++)
			live += hooks->hook[k++].live;
		pr_info("%s: %u of %u driver->kernel taps hooked on %s\n",
			cls->name, live, cls->nhooks, cls->kernel);
	}
}

/**
 * shadow_hooks_install() - redirect every driver->kernel tap of the classes
 * @classes: each generated class, and the drivers whose calls go to its
 *	wrappers
 * @n: how many
 *
 * One ftrace_ops for them all (see the top). The caller keeps @classes
 * until shadow_hooks_remove().
 *
 * Return: the installed set, or an ERR_PTR when none could be installed.
 * Functions the kernel cannot trace are reported and left out.
 */
struct shadow_hooks *shadow_hooks_install(const struct shadow_hook_class *classes,
					  unsigned int n)
{
	struct shadow_hooks *hooks;
	unsigned int i, nhooks = 0;
	int err;

	for (i = 0; i < n; i++)
		nhooks += classes[i].cls->nhooks;
	hooks = kzalloc(struct_size(hooks, hook, nhooks), GFP_KERNEL);
	if (!hooks)
		return ERR_PTR(-ENOMEM);
	hooks->nhooks = nhooks;
	if (!nhooks)
		goto out;
	hooks->by_ip = kcalloc(nhooks, sizeof(*hooks->by_ip), GFP_KERNEL);
	if (!hooks->by_ip) {
		err = -ENOMEM;
		goto err_free;
	}
	hooks->ops.func = handler;
	hooks->ops.flags = SHADOW_FTRACE_REDIRECT | FTRACE_OPS_FL_PERMANENT;
	filter_all(hooks, classes, n);
	if (!hooks->installed) {
		err = -ENOENT;
		goto err_filter;
	}
	/* An empty filter would trace every function: never register one. */
	err = register_ftrace_function(&hooks->ops);
	if (err == -EBUSY) {
		drop_taken(hooks);
		err = hooks->installed ? register_ftrace_function(&hooks->ops) :
					 -ENOENT;
	}
	if (err) {
		pr_err("cannot register the taps' ftrace ops (%d)\n", err);
		goto err_filter;
	}
	hooks->registered = true;
	for (i = 0; i < hooks->installed; i++)
		hooks->by_ip[i]->live = true;
out:
	report(hooks, classes, n);
	return hooks;

err_filter:
	ftrace_free_filter(&hooks->ops);
	kfree(hooks->by_ip);
err_free:
	kfree(hooks);
	return ERR_PTR(err);
}

void shadow_hooks_remove(struct shadow_hooks *hooks)
{
	unsigned int i;
	int err;

	if (IS_ERR_OR_NULL(hooks))
		return;
	if (hooks->registered) {
		err = unregister_ftrace_function(&hooks->ops);
		if (err)
			pr_err("cannot unhook the taps: %d\n", err);
		for (i = 0; i < hooks->installed; i++)
			hooks->by_ip[i]->live = false;
		ftrace_free_filter(&hooks->ops);
	}
	kfree(hooks->by_ip);
	kfree(hooks);
}

/* Whether the hook on @symbol is installed (false for one not in the class). */
bool shadow_hooks_live(const struct shadow_hooks *hooks, const char *symbol)
{
	unsigned int i;

	if (IS_ERR_OR_NULL(hooks))
		return false;
	for (i = 0; i < hooks->nhooks; i++)
		if (!strcmp(hooks->hook[i].tap->symbol, symbol))
			return hooks->hook[i].live;
	return false;
}

/* One line per hook, the classes in their order: "CLASS SYMBOL STATE ...". */
void shadow_hooks_show(struct seq_file *m, const struct shadow_hooks *hooks)
{
	unsigned int i;

	for (i = 0; i < hooks->nhooks; i++) {
		const struct shadow_hook *h = &hooks->hook[i];

		seq_printf(m, "%s %s %s calls %ld%s\n", h->cls->name, h->tap->symbol,
			   h->live ? "hooked" : "unhooked",
			   atomic_long_read(&h->cls->calls[h->tap->id]),
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
 * shadow_taps_quiesce() - wait until no call is inside a wrapper of the classes
 * @classes: the classes
 * @n: how many
 *
 * For unloading, once nothing new can enter the wrappers waited for: a
 * driver's call redirected before its hook went may still sleep inside one
 * (register_netdev), and would return into freed text. The last call out
 * still runs a few instructions of its wrapper after the decrement: one
 * RCU-tasks grace period, for all the classes, waits for those too, as a
 * task leaves them without a voluntary context switch.
 */
void shadow_taps_quiesce(const struct tap_class * const classes[], unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		wait_var_event(classes[i]->inside, !atomic_read(classes[i]->inside));
	synchronize_rcu_tasks();
}
