/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The "shadow" generic netlink family: control and inspection of shadow.ko,
 * which watches unmodified NIC drivers and keeps, per network interface, a
 * replayable log of the state asked of the driver and a record of the
 * kernel objects the driver owns.
 *
 * Family name SHADOW_GENL_NAME, version SHADOW_GENL_VERSION, one multicast
 * group SHADOW_GENL_MCGRP_EVENTS. Every attribute has a strict policy;
 * unknown attributes are rejected. Errors carry an extended-ack message.
 *
 * Commands
 * --------
 * SHADOW_CMD_DEV_GET (do, dump; unprivileged)
 *	do: request SHADOW_A_DEV_IFINDEX or SHADOW_A_DEV_IFNAME; reply one
 *	device. dump: every shadowed interface in the caller's network
 *	namespace, one message each.
 *	Reply: SHADOW_A_DEV_IFINDEX (u32), SHADOW_A_DEV_IFNAME (string),
 *	SHADOW_A_DEV_DRIVER (string, module name), SHADOW_A_DEV_BUS (string,
 *	the bus of the device, e.g. "pci" or "virtio"), SHADOW_A_DEV_BUS_ADDR
 *	(string, the device's name on it, e.g. "0000:00:02.0" or "virtio0"),
 *	SHADOW_A_DEV_STATE (u32, enum shadow_state), SHADOW_A_DEV_LOG_LEN
 *	(u32, entries in the log), SHADOW_A_DEV_OBJECTS (u32, tracked objects
 *	owned through this interface), SHADOW_A_DEV_ATTACHED (u8, 1 when the
 *	shadow was attached at registration, 0 when it attached late),
 *	SHADOW_A_DEV_PRIV_SIZE (u32, bytes of driver private area the
 *	interface's allocation has, 0 if unknown: a later swap can only host
 *	a driver whose private area fits), SHADOW_A_DEV_TXQ / SHADOW_A_DEV_RXQ
 *	(u32, queues allocated: a later swap can only host a driver that asks
 *	for no more), SHADOW_A_DEV_CAN_HOST (string: the shadowed drivers,
 *	among those seen allocating an interface since the shadow was loaded,
 *	whose private area and queues fit, comma-separated; absent if none),
 *	SHADOW_A_DEV_SWAP_SEQ (u32, the number of the swap running on it;
 *	absent when none runs: PARKED alone does not tell a swap waiting for
 *	its device from an interface parked for good).
 *	Errors: ENODEV (no such interface), ENOENT (not shadowed).
 *
 * SHADOW_CMD_DEV_ATTACH, SHADOW_CMD_DEV_DETACH (do; CAP_NET_ADMIN)
 *	Request: SHADOW_A_DEV_IFINDEX or SHADOW_A_DEV_IFNAME. Attach starts
 *	shadowing an interface whose driver module is shadowed (late attach);
 *	detach restores the driver's own tables and drops the log.
 *	Errors: EPERM, EINVAL (no interface named), ENODEV, EEXIST (already
 *	attached), ENOENT (not attached), EOPNOTSUPP (the driver module is
 *	not shadowed).
 *
 * SHADOW_CMD_LOG_GET (dump; CAP_NET_ADMIN in the namespace's user ns)
 *	Request: SHADOW_A_DEV_IFINDEX or SHADOW_A_DEV_IFNAME. One message per
 *	log entry, oldest first: SHADOW_A_DEV_IFINDEX, SHADOW_A_LOG_SEQ (u64,
 *	order of the last change), SHADOW_A_LOG_KEY (u32, enum shadow_log_key),
 *	SHADOW_A_LOG_DATA (binary, layout given by the key below). Each
 *	netlink message holds one entry; a read returns as many as fit and
 *	the next read resumes after the last one sent. If the log changes
 *	during the dump, a message carries NLM_F_DUMP_INTR and the reader
 *	starts over. The WoL entry's SecureOn password (sopass) is kept for
 *	the replay but always dumped as zeros.
 *
 * SHADOW_CMD_OBJ_GET (dump; CAP_NET_ADMIN in the namespace's user ns)
 *	Request: optionally SHADOW_A_DEV_IFINDEX / SHADOW_A_DEV_IFNAME to keep
 *	only the objects owned through one interface. Only objects of the
 *	caller's namespace's interfaces; those serving no interface are
 *	shown in the initial namespace only. One message per object:
 *	SHADOW_A_OBJ_TYPE (u32, enum shadow_obj_type), SHADOW_A_OBJ_ID (u64:
 *	the IRQ number, the DMA size in bytes, for a netdev what its driver
 *	asked of the allocation, before any padding (SHADOW_NETDEV_ID_*
 *	below), 0 otherwise), SHADOW_A_OBJ_DRIVER
 *	(string), SHADOW_A_DEV_IFINDEX (u32, 0 when not yet registered),
 *	SHADOW_A_DEV_BUS_ADDR (string, when known).
 *
 * SHADOW_CMD_SWAP (do; CAP_NET_ADMIN)
 *	Swap the driver under a shadowed interface (active mode). Request:
 *	SHADOW_A_DEV_IFINDEX or SHADOW_A_DEV_IFNAME; SHADOW_A_SWAP_TARGET
 *	(string, optional: the PCI address of the device to move the
 *	interface to; absent: the first network-class PCI device probed);
 *	or SHADOW_A_SWAP_DRIVER (string, optional: the PCI driver, by its
 *	driver name, e.g. "8139cp" or "virtio-pci", to start on the first
 *	unbound device it supports, loaded by module name if need be (which
 *	needs CAP_SYS_MODULE as well: EPERM otherwise), or on the first such
 *	device hot-plugged within the timeout);
 *	SHADOW_A_SWAP_TIMEOUT_MS (u32, optional, default 10000: how long the
 *	parked interface waits for its device); SHADOW_A_SWAP_RESTART (flag:
 *	unbind and bind again the interface's own device and driver; no
 *	target then). A parked interface (a failed swap) can be swapped
 *	again. The reply (SHADOW_A_SWAP_SEQ, u32) comes as soon as the swap
 *	is queued; its progress and outcome are SHADOW_CMD_EVENT messages on
 *	the events group carrying the same SHADOW_A_SWAP_SEQ (listen first).
 *	The phases: PARKING, PARKED, BINDING, REPLAYING; then one final
 *	event: SWAPPED (the interface runs on the new driver), ROLLED_BACK
 *	(the swap failed and the interface runs on its old driver again;
 *	SHADOW_A_SWAP_ERRNO and SHADOW_A_SWAP_REASON say why) or FAILED (the
 *	interface stays parked; the reason says why).
 *	Final events carry SHADOW_A_SWAP_FROM / _FROM_ADDR / _TO / _TO_ADDR
 *	(drivers and bus addresses), the phase times SHADOW_A_SWAP_PREPARE_US
 *	(before the park: the interface still runs), _PARK_US
 *	(stop the old driver), _UNBIND_US (its remove), _PROBE_US (until the
 *	new driver's probe returned), _REPLAY_US (replay and open), _LINK_US
 *	(until the new driver reported link), _TOTAL_US, _DRIVER_US (the
 *	part of the total spent inside the drivers: the old one's ndo_stop
 *	and remove, loading the new one, its probe and its ndo_open), _OWN_US
 *	(the shadow's own share of the outage: the total less the drivers'
 *	time, the wait for link, the wait for a device to appear and the
 *	preparation), and one
 *	SHADOW_A_SWAP_NOTE string per setting that could not be carried over
 *	as it was.
 *	A new driver that probes but cannot open is unbound again (its
 *	remove absorbed like the old one's) before the rollback.
 *	Errors: EPERM, EINVAL, ENODEV, ENOENT (not shadowed), EBUSY (a swap
 *	runs, or the target device is bound to another driver), EOPNOTSUPP
 *	(the interface's device is not on PCI).
 *
 * SHADOW_CMD_DISK_GET (dump; unprivileged, initial network namespace only)
 *	The disks the block class records (passive mode): each disk a
 *	shadowed disk driver registered since the shadow loaded, until its
 *	del_gendisk(). One message per disk: SHADOW_A_DISK_NAME,
 *	SHADOW_A_DEV_DRIVER (the module that made it), SHADOW_A_DEV_BUS_ADDR
 *	(the PCI device under it, when there is one), SHADOW_A_DISK_MAJOR and
 *	_MINOR, SHADOW_A_DISK_CAPACITY, SHADOW_A_DISK_RO, and its limits as
 *	the driver set them: SHADOW_A_DISK_LBS, _PBS, _IO_MIN, _IO_OPT,
 *	_MAX_HW_SECTORS, _MAX_SEGMENTS, _MAX_SEGMENT_SIZE,
 *	_MAX_DISCARD_SECTORS, _HW_QUEUES. What sysfs shows of a disk, so it
 *	is open to any user; disks belong to no network namespace, so a
 *	request from another one is refused with EOPNOTSUPP.
 *
 * Events (group SHADOW_GENL_MCGRP_EVENTS): SHADOW_CMD_DEV_GET-shaped
 * messages sent with cmd SHADOW_CMD_EVENT when a device is attached or
 * detached (SHADOW_A_DEV_STATE tells which), and at each phase of a swap
 * (see SHADOW_CMD_SWAP).
 *
 * Log data layouts (all in host byte order unless said)
 * ----------------------------------------------------
 * SHADOW_LOG_UP		u8: 1 up, 0 down
 * SHADOW_LOG_MTU		u32
 * SHADOW_LOG_MAC		the address, addr_len bytes
 * SHADOW_LOG_RX_FLAGS		u32: IFF_PROMISC and IFF_ALLMULTI as last
 *				asked (dev->flags)
 * SHADOW_LOG_VLAN		struct shadow_log_vlan; one entry per member
 * SHADOW_LOG_FEATURES		u64: the features last asked for
 * SHADOW_LOG_MSGLEVEL		u32
 * SHADOW_LOG_PRIV_FLAGS	u32
 * SHADOW_LOG_RING		struct ethtool_ringparam (linux/ethtool.h)
 * SHADOW_LOG_COALESCE		struct ethtool_coalesce
 * SHADOW_LOG_PAUSE		struct ethtool_pauseparam
 * SHADOW_LOG_CHANNELS		struct ethtool_channels
 * SHADOW_LOG_WOL		struct ethtool_wolinfo
 * SHADOW_LOG_EEE		struct shadow_log_eee: as the driver accepted it
 * SHADOW_LOG_RSS		struct shadow_log_rss: the default RSS context as
 *				the driver reports it after an accepted change
 * The ethtool structs are the UAPI structs of the running kernel's
 * linux/ethtool.h with their cmd field as the kernel passed it. A log
 * entry is at most 4352 bytes: an RSS table that does not fit is not
 * logged, and the kernel log says so.
 */

#ifndef _UAPI_LINUX_SHADOW_H
#define _UAPI_LINUX_SHADOW_H

#include <linux/types.h>

#define SHADOW_GENL_NAME	"shadow"
#define SHADOW_GENL_VERSION	1
#define SHADOW_GENL_MCGRP_EVENTS "events"

enum shadow_cmd {
	SHADOW_CMD_UNSPEC,
	SHADOW_CMD_DEV_GET,
	SHADOW_CMD_DEV_ATTACH,
	SHADOW_CMD_DEV_DETACH,
	SHADOW_CMD_LOG_GET,
	SHADOW_CMD_OBJ_GET,
	SHADOW_CMD_EVENT,
	SHADOW_CMD_SWAP,
	SHADOW_CMD_DISK_GET,
	__SHADOW_CMD_MAX,
	SHADOW_CMD_MAX = __SHADOW_CMD_MAX - 1
};

enum shadow_attr {
	SHADOW_A_UNSPEC,
	SHADOW_A_DEV_IFINDEX,		/* u32 */
	SHADOW_A_DEV_IFNAME,		/* string, < IFNAMSIZ */
	SHADOW_A_DEV_DRIVER,		/* string */
	SHADOW_A_DEV_BUS,		/* string */
	SHADOW_A_DEV_BUS_ADDR,		/* string */
	SHADOW_A_DEV_STATE,		/* u32, enum shadow_state */
	SHADOW_A_DEV_LOG_LEN,		/* u32 */
	SHADOW_A_DEV_OBJECTS,		/* u32 */
	SHADOW_A_DEV_ATTACHED,		/* u8 */
	SHADOW_A_DEV_PRIV_SIZE,		/* u32 */
	SHADOW_A_DEV_TXQ,		/* u32 */
	SHADOW_A_DEV_RXQ,		/* u32 */
	SHADOW_A_LOG_SEQ,		/* u64 */
	SHADOW_A_LOG_KEY,		/* u32, enum shadow_log_key */
	SHADOW_A_LOG_DATA,		/* binary */
	SHADOW_A_OBJ_TYPE,		/* u32, enum shadow_obj_type */
	SHADOW_A_OBJ_ID,		/* u64 */
	SHADOW_A_OBJ_DRIVER,		/* string */
	SHADOW_A_PAD,
	SHADOW_A_DEV_CAN_HOST,		/* string */
	SHADOW_A_SWAP_TARGET,		/* string */
	SHADOW_A_SWAP_TIMEOUT_MS,	/* u32 */
	SHADOW_A_SWAP_RESTART,		/* flag */
	SHADOW_A_SWAP_SEQ,		/* u32 */
	SHADOW_A_SWAP_ERRNO,		/* u32 */
	SHADOW_A_SWAP_REASON,		/* string */
	SHADOW_A_SWAP_NOTE,		/* string, repeated */
	SHADOW_A_SWAP_FROM,		/* string */
	SHADOW_A_SWAP_FROM_ADDR,	/* string */
	SHADOW_A_SWAP_TO,		/* string */
	SHADOW_A_SWAP_TO_ADDR,		/* string */
	SHADOW_A_SWAP_PARK_US,		/* u32 */
	SHADOW_A_SWAP_UNBIND_US,	/* u32 */
	SHADOW_A_SWAP_PROBE_US,		/* u32 */
	SHADOW_A_SWAP_REPLAY_US,	/* u32 */
	SHADOW_A_SWAP_LINK_US,		/* u32 */
	SHADOW_A_SWAP_TOTAL_US,		/* u32 */
	SHADOW_A_SWAP_DRIVER_US,	/* u32 */
	SHADOW_A_SWAP_OWN_US,		/* u32 */
	SHADOW_A_SWAP_DRIVER,		/* string */
	SHADOW_A_DEV_SWAP_SEQ,		/* u32: the swap running on it (dev get) */
	SHADOW_A_SWAP_PREPARE_US,	/* u32 */
	SHADOW_A_DISK_NAME,		/* string */
	SHADOW_A_DISK_MAJOR,		/* u32 */
	SHADOW_A_DISK_MINOR,		/* u32 */
	SHADOW_A_DISK_CAPACITY,		/* u64, 512-byte sectors */
	SHADOW_A_DISK_RO,		/* u8 */
	SHADOW_A_DISK_LBS,		/* u32, logical block size, bytes */
	SHADOW_A_DISK_PBS,		/* u32, physical block size, bytes */
	SHADOW_A_DISK_IO_MIN,		/* u32, bytes */
	SHADOW_A_DISK_IO_OPT,		/* u32, bytes */
	SHADOW_A_DISK_MAX_HW_SECTORS,	/* u32 */
	SHADOW_A_DISK_MAX_SEGMENTS,	/* u32 */
	SHADOW_A_DISK_MAX_SEGMENT_SIZE,	/* u32, bytes */
	SHADOW_A_DISK_MAX_DISCARD_SECTORS, /* u32 */
	SHADOW_A_DISK_HW_QUEUES,	/* u32 */
	__SHADOW_A_MAX,
	SHADOW_A_MAX = __SHADOW_A_MAX - 1
};

enum shadow_state {
	SHADOW_STATE_DETACHED,
	SHADOW_STATE_PASSIVE,		/* watching: logging and tracking */
	SHADOW_STATE_PARKING,		/* swap: stopping and unbinding the old driver */
	SHADOW_STATE_PARKED,		/* swap: no driver; waiting for a device */
	SHADOW_STATE_BINDING,		/* swap: a new driver is probing */
	SHADOW_STATE_REPLAYING,		/* swap: replaying the log, waiting for link */
	SHADOW_STATE_SWAPPED,		/* event only: a swap ended on a driver */
	SHADOW_STATE_FAILED,		/* event only: a swap failed, parked */
	SHADOW_STATE_ROLLED_BACK,	/* event only: a swap failed, back on the old driver */
	__SHADOW_STATE_MAX
};

enum shadow_log_key {
	SHADOW_LOG_UP,
	SHADOW_LOG_MTU,
	SHADOW_LOG_MAC,
	SHADOW_LOG_RX_FLAGS,
	SHADOW_LOG_VLAN,
	SHADOW_LOG_FEATURES,
	SHADOW_LOG_MSGLEVEL,
	SHADOW_LOG_PRIV_FLAGS,
	SHADOW_LOG_RING,
	SHADOW_LOG_COALESCE,
	SHADOW_LOG_PAUSE,
	SHADOW_LOG_CHANNELS,
	SHADOW_LOG_WOL,
	SHADOW_LOG_EEE,
	SHADOW_LOG_RSS,
	__SHADOW_LOG_MAX
};

enum shadow_obj_type {
	SHADOW_OBJ_NETDEV,
	SHADOW_OBJ_IRQ,
	SHADOW_OBJ_NAPI,
	SHADOW_OBJ_DMA_COHERENT,
	__SHADOW_OBJ_MAX
};

/*
 * SHADOW_A_OBJ_ID of a netdev: the private area its driver asked for (bits
 * 0-31), its TX queues (32-47) and its RX queues (48-63).
 */
#define SHADOW_NETDEV_ID(priv, txqs, rxqs) \
	((__u64)(__u32)(priv) | (__u64)((txqs) & 0xffff) << 32 | \
	 (__u64)((rxqs) & 0xffff) << 48)
#define SHADOW_NETDEV_ID_PRIV(id)	((__u32)(id))
#define SHADOW_NETDEV_ID_TXQ(id)	((__u32)((id) >> 32) & 0xffff)
#define SHADOW_NETDEV_ID_RXQ(id)	((__u32)((id) >> 48) & 0xffff)

struct shadow_log_vlan {
	__be16 proto;			/* ETH_P_8021Q or ETH_P_8021AD */
	__u16 vid;
};

/* Energy-Efficient Ethernet, the same on every kernel (6.9 changed its type). */
struct shadow_log_eee {
	__u64 advertised;		/* ETHTOOL_LINK_MODE_* bits 0-63 */
	__u32 eee_enabled;
	__u32 tx_lpi_enabled;
	__u32 tx_lpi_timer;		/* microseconds */
	__u32 pad;
};

/* Receive-side scaling (ethtool -X): indirection table and hash key. */
struct shadow_log_rss {
	__u32 hfunc;			/* ETH_RSS_HASH_* bits (linux/ethtool.h) */
	__u16 indir_size;		/* entries in indir[] */
	__u16 key_size;			/* bytes of hash key after indir[] */
	__u16 indir[];			/* each entry's receive queue; then the key */
};

#endif /* _UAPI_LINUX_SHADOW_H */
