// SPDX-License-Identifier: GPL-2.0
/*
 * The set of shadowed driver modules, each in one or more classes. A driver
 * is named by module name in its class's parameter ("drivers" for net,
 * "disk_drivers" for blk); it joins the set when it is loaded (module
 * notifier) or, if it was loaded before the shadow, when one of its network
 * interfaces or, for a PCI driver, its registration is found at init (a
 * disk driver loaded before the shadow that is no PCI driver, virtio_blk or
 * sd_mod, is not found: load the shadow first). It leaves when it is
 * unloaded. The set is read by the ftrace handler of every driver->kernel
 * tap, in any context, so it is an RCU list; it never holds a module
 * reference, because a swap must be able to unload the driver.
 *
 * A class's taps redirect only the calls of that class's drivers: nvme's
 * DMA allocations are not the net class's business.
 *
 * Calls from library modules that allocate on a driver's behalf (8390 for
 * ne2k-pci) are caught by naming the library too.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "filter.h"

struct shadowed_module {
	struct list_head node;
	struct module *mod;
	unsigned long classes;		/* BIT(enum shadow_class) */
	struct rcu_head rcu;
};

static LIST_HEAD(shadowed);		/* RCU readers; writers hold lock */
static DEFINE_MUTEX(shadowed_lock);
/* per class: comma-separated, '-' as '_'; set at init, freed at exit */
static char *wanted[SHADOW_NR_CLASSES];
static const char * const class_names[SHADOW_NR_CLASSES] = {
	[SHADOW_CLASS_NET] = "net",
	[SHADOW_CLASS_BLK] = "blk",
};

static bool in_list(const char *list, const char *name)
{
	const char *p = list;
	size_t len = strlen(name);

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if (end - p == len && !strncmp(p, name, len))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/*
 * The classes that want a module, as BIT(enum shadow_class); module names
 * use '_' where the file name has '-' (ne2k-pci).
 */
static unsigned long name_wanted(const char *name)
{
	unsigned long classes = 0;
	int c;

	for (c = 0; c < SHADOW_NR_CLASSES; c++)
		if (in_list(wanted[c], name))
			classes |= BIT(c);
	return classes;
}

static struct shadowed_module *find_locked(struct module *mod)
{
	struct shadowed_module *s;

	lockdep_assert_held(&shadowed_lock);
	list_for_each_entry(s, &shadowed, node)
		if (s->mod == mod)
			return s;
	return NULL;
}

static int add(struct module *mod)
{
	struct shadowed_module *s;

	mutex_lock(&shadowed_lock);
	if (find_locked(mod)) {
		mutex_unlock(&shadowed_lock);
		return 0;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		mutex_unlock(&shadowed_lock);
		return -ENOMEM;
	}
	s->mod = mod;
	s->classes = name_wanted(mod->name);
	list_add_tail_rcu(&s->node, &shadowed);
	mutex_unlock(&shadowed_lock);
	pr_info("shadowing driver module %s\n", mod->name);
	return 0;
}

static void del(struct module *mod)
{
	struct shadowed_module *s;

	mutex_lock(&shadowed_lock);
	s = find_locked(mod);
	if (s)
		list_del_rcu(&s->node);
	mutex_unlock(&shadowed_lock);
	if (!s)
		return;
	pr_info("driver module %s unloaded\n", mod->name);
	kfree_rcu(s, rcu);
}

static int module_event(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (!name_wanted(mod->name))
		return NOTIFY_DONE;
	if (state == MODULE_STATE_COMING && add(mod))
		pr_err("out of memory: %s is not shadowed\n", mod->name);
	else if (state == MODULE_STATE_GOING)
		del(mod);
	return NOTIFY_DONE;
}

static struct notifier_block module_nb = {
	.notifier_call = module_event,
};

/*
 * The wanted libraries a driver loaded before us uses (8390, mii): they
 * have no interface of their own to be found by. A live module's list of
 * the modules it uses is fixed once it has loaded, and the reference the
 * caller holds on @mod keeps it, and them, loaded.
 */
static int add_libraries(struct module *mod)
{
#ifdef CONFIG_MODULE_UNLOAD
	struct module_use *use;
	int err;

	list_for_each_entry(use, &mod->target_list, target_list) {
		if (!name_wanted(use->target->name))
			continue;
		err = add(use->target);
		if (err)
			return err;
	}
#endif
	return 0;
}

/* Wanted modules loaded before us, each held until it has been added. */
struct found {
	struct module *mod[16];
	int n;
};

static void found_add(struct found *f, struct module *mod)
{
	if (mod && name_wanted(mod->name) && f->n < ARRAY_SIZE(f->mod) && try_module_get(mod))
		f->mod[f->n++] = mod;
}

static int found_pci_driver(struct device_driver *drv, void *data)
{
	found_add(data, drv->owner);
	return 0;
}

/*
 * Drivers loaded before us: found through their interfaces, and PCI
 * drivers also through the bus, for those with no device bound yet (the
 * driver a swap will bind).
 */
static int scan_loaded(void)
{
	struct found f = {};
	struct net_device *dev;
	struct net *net;
	int i, err;

	rtnl_lock();
	for_each_net(net) for_each_netdev(net, dev) {
		struct device *parent = dev->dev.parent;

		if (parent && parent->driver)
			found_add(&f, parent->driver->owner);
	}
	rtnl_unlock();
	err = bus_for_each_drv(&pci_bus_type, NULL, &f, found_pci_driver);
	for (i = 0; i < f.n; i++) {
		if (!err)
			err = add(f.mod[i]);
		if (!err)
			err = add_libraries(f.mod[i]);
		module_put(f.mod[i]);
	}
	return err;
}

int shadow_filter_init(const char * const names[SHADOW_NR_CLASSES])
{
	int c, err;
	char *p;

	for (c = 0; c < SHADOW_NR_CLASSES; c++) {
		wanted[c] = kstrdup(names[c], GFP_KERNEL);
		if (!wanted[c]) {
			err = -ENOMEM;
			goto err_free;
		}
		for (p = wanted[c]; *p; p++)
			if (*p == '-')
				*p = '_';
	}
	err = register_module_notifier(&module_nb);
	if (err)
		goto err_free;
	err = scan_loaded();
	if (err)
		goto err_notifier;
	return 0;

err_notifier:
	shadow_filter_exit();	/* unregisters the notifier, frees the rest */
	return err;
err_free:
	while (c-- > 0) {
		kfree(wanted[c]);
		wanted[c] = NULL;
	}
	return err;
}

/* Only once no tap can run any more: after the hooks are gone. */
void shadow_filter_exit(void)
{
	struct shadowed_module *s, *tmp;
	int c;

	unregister_module_notifier(&module_nb);
	mutex_lock(&shadowed_lock);
	list_for_each_entry_safe(s, tmp, &shadowed, node) {
		list_del_rcu(&s->node);
		kfree_rcu(s, rcu);
	}
	mutex_unlock(&shadowed_lock);
	for (c = 0; c < SHADOW_NR_CLASSES; c++) {
		kfree(wanted[c]);
		wanted[c] = NULL;
	}
}

/*
 * Whether @caller is code of a driver module of class @cls. Called from
 * ftrace handlers: any context, preemption disabled.
 */
bool shadow_filter_match(unsigned long caller, enum shadow_class cls)
{
	struct shadowed_module *s;
	bool match = false;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &shadowed, node) {
		if ((s->classes & BIT(cls)) && within_module(caller, s->mod)) {
			match = true;
			break;
		}
	}
	rcu_read_unlock();
	return match;
}

/* Whether a driver module is shadowed in class @cls; any context. */
bool shadow_filter_module(const struct module *mod, enum shadow_class cls)
{
	struct shadowed_module *s;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &shadowed, node) {
		if (s->mod == mod && (s->classes & BIT(cls))) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

void shadow_filter_show(struct seq_file *m)
{
	struct shadowed_module *s;
	int c;

	for (c = 0; c < SHADOW_NR_CLASSES; c++)
		seq_printf(m, "wanted %s %s\n", class_names[c], wanted[c]);
	mutex_lock(&shadowed_lock);
	list_for_each_entry(s, &shadowed, node) {
		seq_printf(m, "shadowed %s", s->mod->name);
		for (c = 0; c < SHADOW_NR_CLASSES; c++)
			if (s->classes & BIT(c))
				seq_printf(m, " %s", class_names[c]);
		seq_putc(m, '\n');
	}
	mutex_unlock(&shadowed_lock);
}
