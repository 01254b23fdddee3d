// SPDX-License-Identifier: GPL-2.0
/*
 * Receive-side scaling (ethtool -X) and Energy-Efficient Ethernet (ethtool
 * --set-eee): their hooks, which log what the driver accepted, and their
 * replay into a new driver. Both driver callbacks changed shape within the
 * supported kernels (6.8 passes RSS in struct ethtool_rxfh_param, 6.9 EEE
 * in struct ethtool_keee; Kbuild probes for each), so the hooks' prototypes
 * follow the kernel's and the log keeps one layout of its own
 * (uapi/linux/shadow.h).
 *
 * RSS is read back whole after an accepted change rather than copied from
 * the request: a request may change only the key or only the table, and
 * "default" is a table the driver computes.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "net.h"
#include "net_rss_eee.h"
#include "net_swap.h"
#include "uapi/linux/shadow.h"

#ifdef SHADOW_HAVE_RXFH_PARAM
static int get_rxfh(struct net_device *dev, const struct ethtool_ops *eto, u32 *indir,
		    u32 indir_size, u8 *key, u32 key_size, u8 *hfunc)
{
	struct ethtool_rxfh_param p = {
		.indir = indir, .indir_size = indir_size, .key = key, .key_size = key_size,
	};
	int err = eto->get_rxfh(dev, &p);

	*hfunc = p.hfunc;
	return err;
}

static int set_rxfh(struct net_device *dev, const struct ethtool_ops *eto, u32 *indir,
		    u32 indir_size, u8 *key, u32 key_size, u8 hfunc)
{
	struct ethtool_rxfh_param p = {
		.hfunc = hfunc, .indir = indir, .indir_size = indir_size,
		.key = key, .key_size = key_size, .input_xfrm = RXH_XFRM_NO_CHANGE,
	};

	return eto->set_rxfh(dev, &p, NULL);
}
#else
static int get_rxfh(struct net_device *dev, const struct ethtool_ops *eto, u32 *indir,
		    u32 indir_size, u8 *key, u32 key_size, u8 *hfunc)
{
	return eto->get_rxfh(dev, indir, key, hfunc);
}

static int set_rxfh(struct net_device *dev, const struct ethtool_ops *eto, u32 *indir,
		    u32 indir_size, u8 *key, u32 key_size, u8 hfunc)
{
	return eto->set_rxfh(dev, indir, key, hfunc);
}
#endif

/* The default context as the driver has it, in the log's layout. */
struct rss_now {
	u32 indir_size, key_size;
	u8 hfunc;
	u32 *indir;
	u8 *key;
};

static void rss_free(struct rss_now *r)
{
	kfree(r->indir);
	kfree(r->key);
}

static int rss_read(struct net_device *dev, const struct ethtool_ops *eto, struct rss_now *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	if (!eto->get_rxfh)
		return -EOPNOTSUPP;
	r->indir_size = eto->get_rxfh_indir_size ? eto->get_rxfh_indir_size(dev) : 0;
	r->key_size = eto->get_rxfh_key_size ? eto->get_rxfh_key_size(dev) : 0;
	r->indir = kcalloc(max(r->indir_size, 1U), sizeof(u32), GFP_KERNEL);
	r->key = kzalloc(max(r->key_size, 1U), GFP_KERNEL);
	if (!r->indir || !r->key) {
		rss_free(r);
		return -ENOMEM;
	}
	err = get_rxfh(dev, eto, r->indir_size ? r->indir : NULL, r->indir_size,
		       r->key_size ? r->key : NULL, r->key_size, &r->hfunc);
	if (err)
		rss_free(r);
	return err;
}

static void log_rss(struct net_device *dev)
{
	struct shadow_log_rss *entry;
	struct rss_now now;
	size_t len;
	u32 i;
	int err;

	err = rss_read(dev, tap_net_orig_ethtool_ops(dev), &now);
	if (err) {
		netdev_err(dev, "shadow: RSS not read back (%d); a swap would lose it\n", err);
		return;
	}
	len = struct_size(entry, indir, now.indir_size) + now.key_size;
	entry = kzalloc(len, GFP_KERNEL);
	if (!entry) {
		netdev_err(dev, "shadow: out of memory; RSS not logged, a swap would lose it\n");
		goto out;
	}
	entry->hfunc = now.hfunc;
	entry->indir_size = now.indir_size;
	entry->key_size = now.key_size;
	for (i = 0; i < now.indir_size; i++)
		entry->indir[i] = min_t(u32, now.indir[i], U16_MAX);
	memcpy(&entry->indir[now.indir_size], now.key, now.key_size);
	/* A table larger than a log entry is refused there, with a message. */
	shadow_net_log(dev, SHADOW_LOG_RSS, TAP_MODE_LAST, entry, len);
	kfree(entry);
out:
	rss_free(&now);
}

#ifdef SHADOW_HAVE_RXFH_PARAM
int shadow_net_ethtool_ops_set_rxfh(struct net_device *dev, struct ethtool_rxfh_param *rxfh,
				    struct netlink_ext_ack *extack)
{
	int ret = tap_net_orig_ethtool_ops(dev)->set_rxfh(dev, rxfh, extack);

	/* Additional contexts belong to flow rules, which are not carried. */
	if (!ret && !rxfh->rss_context)
		log_rss(dev);
	return ret;
}
#else
int shadow_net_ethtool_ops_set_rxfh(struct net_device *dev, const u32 *indir, const u8 *key,
				    const u8 hfunc)
{
	int ret = tap_net_orig_ethtool_ops(dev)->set_rxfh(dev, indir, key, hfunc);

	if (!ret)
		log_rss(dev);
	return ret;
}
#endif

/**
 * shadow_replay_rss() - carry the logged RSS table, key and hash function
 * @sd: the interface, open on its new driver
 *
 * After the open: some drivers (vmxnet3) rebuild their table when they
 * open. The table is carried when the new NIC's has the same size and
 * every entry names one of its receive queues, the key when its size is
 * the same; only what differs is set. Anything not carried is noted.
 * Context: RTNL held.
 */
void shadow_replay_rss(struct shadow_net_dev *sd)
{
	const struct ethtool_ops *eto = sd->ndev->ethtool_ops;
	struct shadow_swap *sw = sd->swap;
	struct shadow_log_rss *want;
	u32 *indir = NULL, i;
	u8 *key = NULL, hfunc;
	struct rss_now cur;
	int len, err;

	want = kmalloc(SHADOW_LOG_DATA_MAX, GFP_KERNEL);
	if (!want) {
		shadow_swap_note(sw, "RSS not carried: out of memory");
		return;
	}
	len = shadow_log_get(&sd->log, SHADOW_LOG_RSS, want, SHADOW_LOG_DATA_MAX);
	if (len < 0)
		goto out;
	if (!eto->set_rxfh || rss_read(sd->ndev, eto, &cur)) {
		shadow_swap_note(sw, "RSS table and key: %s has no RSS", sw->new_driver);
		goto out;
	}
	if (want->indir_size && want->indir_size == cur.indir_size) {
		for (i = 0; i < cur.indir_size; i++) {
			if (want->indir[i] >= sd->ndev->real_num_rx_queues)
				break;
			cur.indir[i] = want->indir[i];
		}
		if (i == cur.indir_size)
			indir = cur.indir;
		else
			shadow_swap_note(sw, "RSS table names queue %u, %s has %u: its default kept",
					 want->indir[i], sw->new_driver,
					 sd->ndev->real_num_rx_queues);
	} else if (want->indir_size) {
		shadow_swap_note(sw, "RSS table of %u entries, %s has %u: its default kept",
				 want->indir_size, sw->new_driver, cur.indir_size);
	}
	if (want->key_size && want->key_size == cur.key_size) {
		if (memcmp(cur.key, &want->indir[want->indir_size], cur.key_size)) {
			memcpy(cur.key, &want->indir[want->indir_size], cur.key_size);
			key = cur.key;
		}
	} else if (want->key_size) {
		shadow_swap_note(sw, "RSS key of %u bytes, %s's is %u: its own kept",
				 want->key_size, sw->new_driver, cur.key_size);
	}
	hfunc = want->hfunc && want->hfunc != cur.hfunc ? want->hfunc : ETH_RSS_HASH_NO_CHANGE;
	if (indir || key || hfunc != ETH_RSS_HASH_NO_CHANGE) {
		err = set_rxfh(sd->ndev, eto, indir, cur.indir_size, key, cur.key_size, hfunc);
		if (err)
			shadow_swap_note(sw, "RSS refused by %s (%d)", sw->new_driver, err);
	}
	rss_free(&cur);
out:
	kfree(want);
}

#ifdef SHADOW_HAVE_KEEE
#define shadow_eee ethtool_keee

static u64 eee_modes(const unsigned long *modes)
{
	u64 bits;

	bitmap_to_arr64(&bits, modes, 64);
	return bits;
}

#define eee_advertised(e)	eee_modes((e)->advertised)
#define eee_supported(e)	eee_modes((e)->supported)
/* Link modes above 63 are left as the driver has them. */
#define eee_advertise(e, bits)	bitmap_from_arr64((e)->advertised, &(bits), 64)
#else
#define shadow_eee ethtool_eee
#define eee_advertised(e)	((u64)(e)->advertised)
#define eee_supported(e)	((u64)(e)->supported)
#define eee_advertise(e, bits)	((e)->advertised = (u32)(bits))
#endif

int shadow_net_ethtool_ops_set_eee(struct net_device *dev, struct shadow_eee *eee)
{
	int ret = tap_net_orig_ethtool_ops(dev)->set_eee(dev, eee);
	struct shadow_log_eee entry = {
		.advertised = eee_advertised(eee),
		.eee_enabled = eee->eee_enabled,
		.tx_lpi_enabled = eee->tx_lpi_enabled,
		.tx_lpi_timer = eee->tx_lpi_timer,
	};

	if (!ret)
		shadow_net_log(dev, SHADOW_LOG_EEE, TAP_MODE_LAST, &entry, sizeof(entry));
	return ret;
}

/**
 * shadow_replay_eee() - carry the logged EEE settings
 * @sd: the interface, on its new driver
 * @eto: the new driver's (tapped) ethtool ops
 *
 * Link modes the new NIC cannot advertise are dropped, with a note.
 * Context: RTNL held.
 */
void shadow_replay_eee(struct shadow_net_dev *sd, const struct ethtool_ops *eto)
{
	struct shadow_swap *sw = sd->swap;
	struct shadow_log_eee want;
	struct shadow_eee cur = {};
	u64 modes;
	int err;

	if (shadow_log_get(&sd->log, SHADOW_LOG_EEE, &want, sizeof(want)) < 0)
		return;
	if (!eto->get_eee || !eto->set_eee) {
		shadow_swap_note(sw, "EEE %s: %s has none", want.eee_enabled ? "on" : "off",
				 sw->new_driver);
		return;
	}
	err = eto->get_eee(sd->ndev, &cur);
	if (err) {
		shadow_swap_note(sw, "EEE: %s cannot report it (%d)", sw->new_driver, err);
		return;
	}
	modes = want.advertised & eee_supported(&cur);
	if (modes != want.advertised)
		shadow_swap_note(sw, "EEE link modes 0x%llx -> 0x%llx: %s supports 0x%llx",
				 want.advertised, modes, sw->new_driver, eee_supported(&cur));
	eee_advertise(&cur, modes);
	cur.eee_enabled = want.eee_enabled;
	cur.tx_lpi_enabled = want.tx_lpi_enabled;
	cur.tx_lpi_timer = want.tx_lpi_timer;
	err = eto->set_eee(sd->ndev, &cur);
	if (err)
		shadow_swap_note(sw, "EEE refused by %s (%d)", sw->new_driver, err);
}
