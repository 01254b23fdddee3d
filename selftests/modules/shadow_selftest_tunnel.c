// SPDX-License-Identifier: GPL-2.0
/*
 * A module that makes an interface look as if its driver offloads UDP
 * tunnel ports (dev->udp_tunnel_nic_info), state the stack keeps for that
 * driver and no swap can carry to another: selftests/swap_foreign.sh
 * checks that the shadow refuses such a swap. Nothing registers the
 * table with the kernel's tunnel code (dev->udp_tunnel_nic stays NULL),
 * so that code leaves the interface alone; the module puts the field
 * back when it is unloaded, and holds the interface until then.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/udp_tunnel.h>

static char *ifname = "eth0";
module_param(ifname, charp, 0444);
MODULE_PARM_DESC(ifname, "the interface to mark");

static const struct udp_tunnel_nic_info info = {
	.tables = { { .n_entries = 1, .tunnel_types = UDP_TUNNEL_TYPE_VXLAN } },
};

/* The marked interface; a reference held from init to exit. */
static struct net_device *marked;

static int __init tunnel_init(void)
{
	struct net_device *dev;
	int err = 0;

	rtnl_lock();
	dev = __dev_get_by_name(&init_net, ifname);
	if (!dev)
		err = -ENODEV;
	else if (dev->udp_tunnel_nic_info)
		err = -EBUSY;
	if (!err) {
		dev_hold(dev);
		dev->udp_tunnel_nic_info = &info;
		marked = dev;
	}
	rtnl_unlock();
	if (!err)
		pr_info("%s marked as offloading UDP tunnel ports\n", ifname);
	return err;
}

static void __exit tunnel_exit(void)
{
	rtnl_lock();
	if (marked->udp_tunnel_nic_info == &info)
		marked->udp_tunnel_nic_info = NULL;
	rtnl_unlock();
	dev_put(marked);
}

module_init(tunnel_init);
module_exit(tunnel_exit);

MODULE_DESCRIPTION("Shadow selftest: mark an interface as offloading UDP tunnel ports");
MODULE_LICENSE("GPL");
