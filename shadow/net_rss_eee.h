/* SPDX-License-Identifier: GPL-2.0 */
/* RSS and EEE: logged by their hooks, replayed into a new driver (net_rss_eee.c). */

#ifndef _SHADOW_NET_RSS_EEE_H
#define _SHADOW_NET_RSS_EEE_H

#include <linux/ethtool.h>

struct shadow_net_dev;

void shadow_replay_rss(struct shadow_net_dev *sd);
void shadow_replay_eee(struct shadow_net_dev *sd, const struct ethtool_ops *eto);

#endif /* _SHADOW_NET_RSS_EEE_H */
