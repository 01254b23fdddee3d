/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "shadow" generic netlink family (uapi/linux/shadow.h is its manual).
 */

#ifndef _SHADOW_NETLINK_H
#define _SHADOW_NETLINK_H

#include <linux/types.h>

struct shadow_net_dev;

int shadow_nl_init(void);
void shadow_nl_exit(void);
void shadow_nl_event(struct shadow_net_dev *sd, u32 state);
void shadow_nl_swap_event(struct shadow_net_dev *sd, u32 state);

#endif /* _SHADOW_NETLINK_H */
