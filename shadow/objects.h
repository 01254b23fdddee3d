/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel objects shadowed drivers own (netdevs, IRQs, NAPI instances,
 * coherent DMA buffers), so that a leak or a double free is visible and a
 * swap knows what the departing driver leaves behind.
 */

#ifndef _SHADOW_OBJECTS_H
#define _SHADOW_OBJECTS_H

#include <linux/limits.h>
#include <linux/types.h>

struct device;
struct net_device;

#define SHADOW_NAME_MAX	32

struct shadow_obj_item {
	u32 type;			/* enum shadow_obj_type (UAPI) */
	u64 id;
	int ifindex;			/* 0 when not registered (yet) */
	char driver[SHADOW_NAME_MAX];
	char bus_addr[SHADOW_NAME_MAX];
};

int shadow_obj_add(u32 type, const void *key, u64 id, struct net_device *ndev,
		   struct device *dev);
#define SHADOW_OBJ_ANY_ID U64_MAX

bool shadow_obj_del(u32 type, const void *key, u64 id);
u64 shadow_obj_id(u32 type, const void *key);
void shadow_obj_netdev_freed(const struct net_device *ndev);
struct net_device *shadow_obj_netdev_of(const void *cookie);
void shadow_obj_set_device(struct net_device *ndev, struct device *dev);
unsigned int shadow_obj_count(const struct net_device *ndev);
struct net;
int shadow_obj_item(unsigned int pos, int ifindex, const struct net *net,
		    struct shadow_obj_item *item, unsigned int *gen);
void shadow_obj_exit(void);

#endif /* _SHADOW_OBJECTS_H */
