/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Active mode: swapping the driver under a shadowed interface. The phases
 * run in net_swap.c; the files each part lives in are named at its top and
 * beside the declarations below.
 */

#ifndef _SHADOW_NET_SWAP_H
#define _SHADOW_NET_SWAP_H

#include <linux/completion.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "net.h"

#define SHADOW_SWAP_NOTES	12
#define SHADOW_SWAP_NOTE_LEN	112

/* Timestamps of a swap's phases, ns since boot (0: not reached). */
enum shadow_swap_mark {
	SWAP_T_START,
	SWAP_T_WATCHED,		/* the shield's breakpoints placed: the park begins */
	SWAP_T_PARKED,		/* old driver stopped, ops parked */
	SWAP_T_UNBOUND,		/* old driver's remove returned */
	SWAP_T_PROBED,		/* new driver's probe returned */
	SWAP_T_REPLAYED,	/* log replayed, new driver open */
	SWAP_T_WOKEN,		/* link up (or given up), TX woken */
	SWAP_T_MAX
};

/*
 * The probe's stores to the handed interface, caught (net_shield.c). The
 * breakpoints are placed for the whole swap (watched), the handler acts
 * only while armed (from a claim to its re-attach). It writes caught, ndo,
 * eto and name while armed; the probing task reads them after disarming,
 * which waits for the handlers inside.
 */
#define SHADOW_SHIELD_WATCHES	4
struct shield_name_node;
enum { SHADOW_SHIELD_NAME, SHADOW_SHIELD_NDO, SHADOW_SHIELD_ETO, SHADOW_SHIELD_FIELDS };
struct shadow_shield {
	struct net_device *ndev;
	struct task_struct *task;		/* probing: its stores are the driver's */
	const struct net_device_ops *parked_ndo;	/* what the stack keeps */
	const struct ethtool_ops *parked_eto;
	const struct net_device_ops *ndo;	/* what the driver assigned last */
	const struct ethtool_ops *eto;
	char name[IFNAMSIZ];			/* the stack's */
	unsigned int caught[SHADOW_SHIELD_FIELDS];	/* stores put back, per field */
	bool armed;				/* the handler acts */
	atomic_t inside;			/* handlers running now */
	unsigned int watches;			/* breakpoints placed */
	int err;				/* why fewer than all are placed */
	struct shield_name_node *node;		/* pointed at name while armed */
	struct perf_event * __percpu *bp[SHADOW_SHIELD_WATCHES];
};

void shadow_shield_watch(struct shadow_shield *sh, struct net_device *ndev);
void shadow_shield_unwatch(struct shadow_shield *sh);
int shadow_shield_arm(struct shadow_shield *sh, struct net_device *ndev);
void shadow_shield_disarm(struct shadow_shield *sh);
void shadow_shield_init(void);
void shadow_shield_exit(void);
extern u32 shadow_shield_delay_us;	/* debugfs: a slow trap, for tests */

struct shadow_swap {
	struct work_struct work;
	struct shadow_net_dev *sd;
	unsigned int seq;		/* swap number, for the events */

	/* The request. */
	char want_dev[32];		/* bus address to bind, "": any */
	char want_driver[32];		/* PCI driver to bind, "": any */
	char cur_dev[32];		/* what the bus notifier waits for now */
	char cur_driver[32];
	unsigned long timeout;		/* jiffies to wait for a device */
	bool restart;			/* same device, same driver */
	/*
	 * Queued or executing: the request above is the work's, and no other
	 * request may rewrite it. Set when queued, cleared when the work is
	 * done with it (parked, or freed); under the registry lock.
	 */
	bool running;
	/* The requester may have a driver loaded by name (CAP_SYS_MODULE). */
	bool may_load;

	/* The departing driver, and the interface as the stack knows it. */
	char ifname[IFNAMSIZ];
	const struct attribute_group *sysfs_groups[4];	/* as registered */
	struct device *old_dev;		/* PCI device unbound; a reference */
	char old_driver[32];
	char old_bus_addr[32];
	bool was_running;
	bool absorbed_unregister;
	bool absorbed_free;
	unsigned int old_mtu;
	unsigned char old_addr_assign_type;
	netdev_features_t old_hw_features;
	netdev_features_t old_wanted;
	netdev_features_t old_default;	/* its own choice among old_hw */
	u32 old_coalesce_mask;		/* its supported_coalesce_params */
	struct ethtool_link_ksettings ksettings;
	bool have_ksettings;
	/*
	 * What a parked interface answers and takes (net_park.c): saved at the
	 * park, then read and changed only under RTNL.
	 */
	struct ethtool_ringparam ring;
	struct kernel_ethtool_ringparam kring;
	bool have_ring;
	struct ethtool_pauseparam pause;
	bool have_pause;
	struct ethtool_coalesce coalesce;
	struct kernel_ethtool_coalesce kcoalesce;
	bool have_coalesce;
	struct ethtool_wolinfo wol;
	bool have_wol;
	u32 msglevel;
	bool have_msglevel;
	struct ethtool_channels channels;
	bool have_channels;
	bool announce;			/* the MAC changed: tell the peers */

	/* The arriving driver; claim_* under swap_lock (net_bind.c). */
	struct task_struct *claim_task;	/* probing the wanted device */
	struct device *claim_dev;
	/*
	 * The device adopt() bound itself: compared, never dereferenced;
	 * set under swap_lock, which the bus notifier reads it under.
	 */
	const struct device *we_bound;
	bool waiting;			/* a probe may claim the interface */
	bool handed;			/* its allocation got the interface */
	bool reattached;		/* its register became a re-attach */
	int bound_err;
	struct completion bound;
	/*
	 * It unregistered the interface it had taken (its device went, or its
	 * probe failed after the register), in its own task: no other driver
	 * is handed the interface before that task's free_netdev() (absorbed)
	 * completes departed. Set under RTNL, reset by adopt() once waited for.
	 */
	bool departing;
	struct completion departed;
	struct shadow_shield shield;		/* from the claim to the re-attach */
	/* RTNL across the probe (net_probe_rtnl.c): the probing task's own. */
	unsigned int rtnl_depth;	/* its holds: the swap's and the driver's */
	struct task_struct *rtnl_holder;	/* took the swap's hold, or NULL */
	const struct net_device_ops *new_ndo;	/* its tables, for the replay */
	const struct attribute_group *new_rx_group;
	const struct ethtool_ops *new_eto;
	char new_driver[32];
	char new_bus_addr[32];
	u8 hw_addr[MAX_ADDR_LEN];	/* the address it wanted to set */
	bool hw_addr_set;
	unsigned int want_txq, want_rxq;

	/*
	 * Carrier and running state (net_running.c): the carrier the stack had
	 * at the park; the last one a driver reported; whether the bit follows
	 * that driver (from its open on); whether the driver being replayed
	 * into has not been opened yet. RTNL, but for the drivers' reports.
	 */
	bool stack_carrier;
	bool drv_carrier;
	bool carrier_live;
	bool closed;
	bool revived;			/* the open made it run again (wake() says so) */
	wait_queue_head_t link_wq;

	/* The outcome. */
	u64 t[SWAP_T_MAX];
	u64 driver_ns;			/* inside the drivers' own code */
	u64 wait_ns;			/* waiting for a device to appear */
	u64 probe_start;		/* ns, BUS_NOTIFY_BIND_DRIVER */
	u64 own_in_probe_ns;		/* the claim and re-attach, inside it */
	u64 own_in_probe_base;		/* own_in_probe_ns when it started */
	int err;
	char reason[SHADOW_SWAP_NOTE_LEN];
	char notes[SHADOW_SWAP_NOTES][SHADOW_SWAP_NOTE_LEN];
	unsigned int nnotes;
};

/* Time spent in a driver callback, for the shadow's own share. */
static inline u64 shadow_swap_since(u64 start)
{
	return ktime_get_ns() - start;
}

/* net_swap.c: the phases, in order */
int shadow_swap_init(void);
void shadow_swap_exit(void);
void shadow_swap_work(struct work_struct *work);
unsigned int shadow_swap_next_seq(void);
void shadow_swap_queue(struct shadow_swap *sw);
void shadow_swap_stamp(struct shadow_swap *sw, enum shadow_swap_mark m);
void shadow_swap_hold_in(struct shadow_net_dev *sd, u32 state);
struct device *shadow_swap_pci_dev(struct device *dev);
int shadow_swap_device_move(struct device *dev, struct device *parent,
			    enum dpm_order order);
void shadow_swap_wait_departed(struct shadow_net_dev *sd);

/* net_swap_request.c */
int shadow_swap_start(struct shadow_net_dev *sd, const char *want_dev,
		      const char *want_driver, unsigned int timeout_ms, bool restart,
		      bool may_load, struct netlink_ext_ack *extack);

/* net_bind.c: the slots, the claims, the binding */
int shadow_swap_bind_init(void);
void shadow_swap_bind_exit(void);
int shadow_swap_slot_add(struct shadow_net_dev *sd);
void shadow_swap_slot_del(struct shadow_net_dev *sd);
int shadow_swap_adopt(struct shadow_net_dev *sd, const char *want, const char *driver,
		      unsigned long timeout);

/* For the driver->kernel hooks (net_hooks.c): net_bind.c, net_handover.c, net_swap.c */
struct shadow_net_dev *shadow_swap_of(const struct net_device *ndev, u32 states);
struct shadow_swap *shadow_swap_probing(bool unhanded);
struct net_device *shadow_swap_claim(int sizeof_priv, void (*setup)(struct net_device *),
				     unsigned int txqs, unsigned int rxqs);
int shadow_swap_reattach(struct shadow_net_dev *sd);
void shadow_swap_absorb_unregister(struct shadow_net_dev *sd);
bool shadow_swap_absorb_departing(struct shadow_net_dev *sd);
void shadow_swap_absorb_free(struct shadow_net_dev *sd);

/* net_xdp.c */
struct xdp_frame;
bool shadow_xdp_queue_offer(struct shadow_net_dev *sd);
void shadow_xdp_queue_withdraw(struct shadow_net_dev *sd);
void shadow_xdp_replay(struct shadow_net_dev *sd);
void shadow_xdp_check_target(struct net_device *ndev);
int shadow_xdp_xmit_none(struct net_device *ndev, int n, struct xdp_frame **frames,
			 u32 flags);

/* net_running.c */
void shadow_park_running(struct shadow_net_dev *sd);
bool shadow_swap_closed_begin(struct net_device *ndev);
void shadow_swap_closed_end(struct net_device *ndev, bool cleared);
void shadow_swap_carrier_live(struct shadow_swap *sw, struct net_device *ndev);
void shadow_swap_carrier_stack(struct shadow_swap *sw, struct net_device *ndev);
void shadow_swap_carrier(struct shadow_net_dev *sd, bool on);
void shadow_swap_not_running(struct shadow_net_dev *sd);

/* net_probe_worker.c */
struct device *shadow_worker_probe_dev(void);

/* net_xen.c */
void shadow_xen_release_irq(struct shadow_swap *sw);

/* net_xen_swiotlb.c */
void shadow_xen_check_dma(struct shadow_swap *sw, struct device *dev);
void shadow_xen_init(void);
void shadow_xen_exit(void);

/* net_probe_rtnl.c */
void shadow_probe_rtnl_hold(struct shadow_swap *sw);
void shadow_probe_rtnl_release(struct shadow_swap *sw);

/* net_park.c */
void shadow_swap_park(struct shadow_net_dev *sd);
void shadow_swap_unpark(struct shadow_net_dev *sd);
void shadow_rx_queue_group(struct net_device *ndev, const struct attribute_group *grp,
			   bool add);
extern const struct net_device_ops shadow_parked_ndo;
extern const struct ethtool_ops shadow_parked_eto;
extern const struct ethtool_ops shadow_empty_eto;
void shadow_driver_stats(struct net_device *ndev, const struct net_device_ops *ops,
			 struct rtnl_link_stats64 *s);
void shadow_stats_add(struct rtnl_link_stats64 *to, const struct rtnl_link_stats64 *from);
void shadow_net_stats64(struct net_device *ndev, struct rtnl_link_stats64 *s);

/* net_replay.c */
extern atomic_t shadow_swap_fail_open;	/* debugfs: opens to fail, for tests */
extern atomic_t shadow_swap_fail_register;	/* debugfs: registers to fail (net_handover.c) */
extern u32 shadow_swap_hold_phase;	/* debugfs: the next swap waits in phase */
extern u32 shadow_swap_hold_phase_ms;	/* ... this long (net_swap.c) */
/* debugfs: fail the next swap's N-th fallible call (fault-injection kernels) */
extern u32 shadow_swap_fail_nth;
extern u32 shadow_swap_fail_left;	/* ... and what was left of N at its end */
void shadow_swap_note(struct shadow_swap *sw, const char *fmt, ...) __printf(2, 3);
void shadow_swap_reason(struct shadow_swap *sw, const char *fmt, ...) __printf(2, 3);
int shadow_replay(struct shadow_net_dev *sd);

/* net_requeued.c */
void shadow_swap_revalidate_requeued(struct shadow_net_dev *sd);

#endif /* _SHADOW_NET_SWAP_H */
