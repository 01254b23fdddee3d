/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the shadow supports (Debian 12's 6.1 and
 * 6.12), wrapped here so that no other file carries a version test; the
 * exception is net_rss_eee.c, whose hooks take the kernel's own prototypes.
 */

#ifndef _SHADOW_COMPAT_H
#define _SHADOW_COMPAT_H

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
/* 6.5 moved struct netdev_rx_queue out of netdevice.h (Kbuild probes). */
#ifdef SHADOW_HAVE_NETDEV_RX_QUEUE_H
#include <net/netdev_rx_queue.h>
#endif

/* 6.12 renamed the helper that redirects a traced call (livepatch uses it). */
#ifdef ftrace_regs_set_instruction_pointer
#define shadow_ftrace_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define shadow_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/*
 * 6.2 moved a dump's parsed attributes into an embedded genl_info; Kbuild
 * probes the headers for it (SHADOW_HAVE_GENL_INFO_DUMP).
 */
static inline struct nlattr **shadow_dump_attrs(struct netlink_callback *cb)
{
#ifdef SHADOW_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * The bytes of private area a net_device's allocation really has: what the
 * driver asked for plus the allocator's slack. 6.1 keeps the allocation's
 * start in dev->padded (Kbuild probes for it); 6.12 allocates the device
 * and its private area as one object. 0 when it cannot be known (vmalloc).
 */
static inline size_t shadow_netdev_priv_room(const struct net_device *ndev)
{
#ifdef SHADOW_NETDEV_PADDED
	const void *start = (const char *)ndev - ndev->padded;
#else
	const void *start = ndev;
#endif
	const char *priv = netdev_priv(ndev);

	if (is_vmalloc_addr(start))
		return 0;
	return ksize(start) - (priv - (const char *)start);
}

#endif /* _SHADOW_COMPAT_H */
