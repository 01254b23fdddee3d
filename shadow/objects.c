// SPDX-License-Identifier: GPL-2.0
/*
 * The object tracker (see objects.h). One list for every shadowed driver;
 * an object is keyed by the kernel's own handle (the net_device, the
 * napi_struct, the DMA buffer, the IRQ's dev_id) and names the interface
 * it serves once that is known. Driver and bus address are copied when
 * recorded, so that a leaked object can still be shown after its device
 * has gone. Records are made from taps in process and atomic context.
 *
 * The destroy taps see every free_irq() and dma_free_attrs() in the system
 * (a destroy is known by its object, not its caller: hook.c), so the
 * lookups by key go through a hash table keyed by the pointer; the list
 * keeps the order dumps show. Both are under objs_lock.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "objects.h"
#include "trace.h"
#include "uapi/linux/shadow.h"

struct obj {
	struct list_head node;		/* objs, in the order recorded */
	struct hlist_node hnode;	/* objs_by_key */
	u32 type;
	const void *key;
	u64 id;
	struct net_device *ndev;	/* the interface served, or NULL */
	int ifindex;			/* kept when ndev is freed */
	char driver[SHADOW_NAME_MAX];
	char bus_addr[SHADOW_NAME_MAX];
};

static LIST_HEAD(objs);
static DEFINE_HASHTABLE(objs_by_key, 8);
static DEFINE_SPINLOCK(objs_lock);
static unsigned int objs_gen;

static void name_device(struct obj *o, struct device *dev)
{
	if (!dev)
		return;
	strscpy(o->bus_addr, dev_name(dev), sizeof(o->bus_addr));
	if (dev->driver)
		strscpy(o->driver, dev->driver->name, sizeof(o->driver));
}

/* The tracked interface whose device is @dev: DMA buffers serve it. */
static struct net_device *netdev_on(const struct device *dev)
{
	struct obj *o;

	lockdep_assert_held(&objs_lock);
	list_for_each_entry(o, &objs, node)
		if (o->type == SHADOW_OBJ_NETDEV && o->ndev &&
		    o->ndev->dev.parent == dev)
			return o->ndev;
	return NULL;
}

/**
 * shadow_obj_add() - record an object a shadowed driver now owns
 * @type: enum shadow_obj_type
 * @key: the kernel's handle for it
 * @id: what a person knows it by (IRQ number, DMA size), or 0
 * @ndev: the interface it serves, if known
 * @dev: the device it belongs to, if known
 *
 * Return: 0 or -ENOMEM.
 */
int shadow_obj_add(u32 type, const void *key, u64 id, struct net_device *ndev,
		   struct device *dev)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_ATOMIC);
	unsigned long flags;

	if (!o)
		return -ENOMEM;
	o->type = type;
	o->key = key;
	o->id = id;
	o->ndev = ndev;
	name_device(o, dev ? dev : (ndev ? ndev->dev.parent : NULL));
	spin_lock_irqsave(&objs_lock, flags);
	if (!o->ndev && dev)
		o->ndev = netdev_on(dev);
	list_add_tail(&o->node, &objs);
	hash_add(objs_by_key, &o->hnode, (unsigned long)key);
	objs_gen++;
	spin_unlock_irqrestore(&objs_lock, flags);
	trace_shadow_obj(type, id, true, true);
	return 0;
}

/*
 * Forget an object; @id must match too unless it is SHADOW_OBJ_ANY_ID (one
 * dev_id may serve several IRQ vectors).
 * Return: whether the object was tracked (else a free we never saw made).
 */
bool shadow_obj_del(u32 type, const void *key, u64 id)
{
	struct obj *o, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&objs_lock, flags);
	hash_for_each_possible(objs_by_key, o, hnode, (unsigned long)key) {
		if (o->type == type && o->key == key &&
		    (id == SHADOW_OBJ_ANY_ID || o->id == id)) {
			list_del(&o->node);
			hash_del(&o->hnode);
			found = o;
			objs_gen++;
			break;
		}
	}
	spin_unlock_irqrestore(&objs_lock, flags);
	trace_shadow_obj(type, found ? found->id : id, false, found);
	kfree(found);
	return found;
}

/* Return: the id an object was recorded with, 0 when it is not tracked. */
u64 shadow_obj_id(u32 type, const void *key)
{
	unsigned long flags;
	struct obj *o;
	u64 id = 0;

	spin_lock_irqsave(&objs_lock, flags);
	hash_for_each_possible(objs_by_key, o, hnode, (unsigned long)key) {
		if (o->type == type && o->key == key) {
			id = o->id;
			break;
		}
	}
	spin_unlock_irqrestore(&objs_lock, flags);
	return id;
}

/*
 * An interface is being freed: the kernel frees its NAPI instances with it,
 * and whatever else still names it (a leak) must stop pointing at it.
 */
void shadow_obj_netdev_freed(const struct net_device *ndev)
{
	struct obj *o, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&objs_lock, flags);
	list_for_each_entry_safe(o, tmp, &objs, node) {
		if (o->ndev != ndev)
			continue;
		if (o->type == SHADOW_OBJ_NAPI) {
			list_move(&o->node, &gone);
			hash_del(&o->hnode);
		} else {
			o->ifindex = ndev->ifindex;
			o->ndev = NULL;
		}
		objs_gen++;
	}
	spin_unlock_irqrestore(&objs_lock, flags);
	list_for_each_entry_safe(o, tmp, &gone, node)
		kfree(o);
}

/*
 * The tracked interface an IRQ's dev_id stands for: drivers pass either
 * the net_device or its private area.
 */
struct net_device *shadow_obj_netdev_of(const void *cookie)
{
	struct net_device *ndev = NULL;
	unsigned long flags;
	struct obj *o;

	spin_lock_irqsave(&objs_lock, flags);
	list_for_each_entry(o, &objs, node) {
		if (o->type != SHADOW_OBJ_NETDEV)
			continue;
		if (o->ndev && (o->key == cookie || netdev_priv(o->ndev) == cookie)) {
			ndev = o->ndev;
			break;
		}
	}
	spin_unlock_irqrestore(&objs_lock, flags);
	return ndev;
}

/*
 * An interface was registered: its objects now know their device, and the
 * device's objects (DMA buffers from probe) their interface.
 */
void shadow_obj_set_device(struct net_device *ndev, struct device *dev)
{
	unsigned long flags;
	struct obj *o;

	spin_lock_irqsave(&objs_lock, flags);
	list_for_each_entry(o, &objs, node) {
		if (o->ndev == ndev && !o->bus_addr[0])
			name_device(o, dev);
		else if (!o->ndev && dev && !strcmp(o->bus_addr, dev_name(dev)))
			o->ndev = ndev;
	}
	objs_gen++;
	spin_unlock_irqrestore(&objs_lock, flags);
}

unsigned int shadow_obj_count(const struct net_device *ndev)
{
	unsigned int n = 0;
	unsigned long flags;
	struct obj *o;

	spin_lock_irqsave(&objs_lock, flags);
	list_for_each_entry(o, &objs, node)
		if (o->ndev == ndev)
			n++;
	spin_unlock_irqrestore(&objs_lock, flags);
	return n;
}

/**
 * shadow_obj_item() - copy out the pos-th object, for a dump
 * @pos: position among the objects that match @ifindex
 * @ifindex: keep only objects serving this interface; 0 for all
 * @net: keep only objects of interfaces in this namespace; an object that
 *	 serves no interface (any more) is shown in the initial one only
 * @item: filled in
 * @gen: the tracker's generation when read
 *
 * Return: 0, or -ENOENT past the end.
 */
int shadow_obj_item(unsigned int pos, int ifindex, const struct net *net,
		    struct shadow_obj_item *item, unsigned int *gen)
{
	unsigned long flags;
	struct obj *o;
	int err = -ENOENT;

	spin_lock_irqsave(&objs_lock, flags);
	*gen = objs_gen;
	list_for_each_entry(o, &objs, node) {
		int idx = o->ndev ? o->ndev->ifindex : o->ifindex;

		if (!net_eq(o->ndev ? dev_net(o->ndev) : &init_net, net))
			continue;
		if (ifindex && idx != ifindex)
			continue;
		if (pos--)
			continue;
		item->type = o->type;
		item->id = o->id;
		item->ifindex = idx;
		memcpy(item->driver, o->driver, sizeof(item->driver));
		memcpy(item->bus_addr, o->bus_addr, sizeof(item->bus_addr));
		err = 0;
		break;
	}
	spin_unlock_irqrestore(&objs_lock, flags);
	return err;
}

/*
 * At unload: what is left belongs to drivers that are still bound (their
 * interfaces outlive the shadow), or was leaked by one; either way the
 * shadow stops watching it.
 */
void shadow_obj_exit(void)
{
	struct obj *o, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(o, tmp, &objs, node) {
		list_del(&o->node);
		hash_del(&o->hnode);
		kfree(o);
		n++;
	}
	if (n)
		pr_info("unloading: %u objects still owned by drivers are no longer tracked\n", n);
}
