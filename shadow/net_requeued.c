// SPDX-License-Identifier: GPL-2.0
/*
 * Active mode, phase REPLAYING (net_replay.c): the packets a qdisc holds
 * requeued, validated again for the new driver.
 *
 * A qdisc validates a packet for the interface's features as it dequeues
 * it (segmentation, checksum, VLAN tag, linearising), and keeps the ones
 * a transmit refused in q->gso_skb, which it hands on later without
 * validating them again ("already validated", dequeue_skb()). Across a
 * swap those were validated for the old driver's features: refused by the
 * old driver itself, or by parked_xmit() while the interface was parked
 * (net_park.c). Handed as they are to a new driver with fewer offloads, a
 * TSO frame reaches a NIC without TSO whole (seen: frames of 6 to 64 KB
 * on the wire after vmxnet3 -> virtio_net, which wedged QEMU's tulip
 * model for good), and a paged one reaches a driver without
 * scatter-gather, which maps the linear part for skb->len bytes. So the
 * replay validates them again for the new driver's features, in place and
 * in order, before anything can dequeue them.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/sch_generic.h>
#include <net/xfrm.h>

#include "net_swap.h"
#include "trace.h"

/* A packet leaves or joins q's queue: dequeue_skb()'s and dev_requeue_skb()'s counts. */
static void requeued_uncount(struct Qdisc *q, struct sk_buff *skb)
{
	if (qdisc_is_percpu_stats(q)) {
		qdisc_qstats_cpu_backlog_dec(q, skb);
		qdisc_qstats_cpu_qlen_dec(q);
	} else {
		qdisc_qstats_backlog_dec(q, skb);
		q->q.qlen--;
	}
}

static void requeued_count(struct Qdisc *q, struct sk_buff *skb)
{
	if (qdisc_is_percpu_stats(q)) {
		qdisc_qstats_cpu_backlog_inc(q, skb);
		qdisc_qstats_cpu_qlen_inc(q);
	} else {
		qdisc_qstats_backlog_inc(q, skb);
		q->q.qlen++;
	}
}

/* What one validation did: packets held before, queued after, dropped. */
struct requeued_tally {
	u32 held;
	u32 queued;
	u32 dropped;
};

/*
 * Validate q's requeued packets for ndev's features as they are now.
 * qdisc_lock(q) orders taking them out and putting them back against the
 * qdisc's own users of gso_skb: a TCQ_F_NOLOCK qdisc takes that lock
 * around them, any other runs them under it (the root lock of the queue's
 * qdisc). The validation runs between, unlocked, as in sch_direct_xmit():
 * with the queues stopped nothing dequeues or requeues meanwhile, and they
 * go back in front of anything requeued since. What it drops, it counts in
 * the interface's tx_dropped.
 */
static void requeued_validate(struct net_device *ndev, struct Qdisc *q,
			      struct requeued_tally *n)
{
	struct sk_buff_head held, valid;
	struct sk_buff *skb, *next;
	bool again;

	__skb_queue_head_init(&held);
	__skb_queue_head_init(&valid);
	spin_lock_bh(qdisc_lock(q));
	skb_queue_splice_init(&q->gso_skb, &held);
	skb_queue_walk(&held, skb)
		requeued_uncount(q, skb);
	spin_unlock_bh(qdisc_lock(q));

	local_bh_disable();	/* the context validate_xmit_skb() runs in */
	while ((skb = __skb_dequeue(&held))) {
		n->held++;
		/* The qdisc validates these itself (dequeue_skb()). */
		if (!xfrm_offload(skb))
			skb = validate_xmit_skb_list(skb, ndev, &again);
		if (!skb)
			n->dropped++;
		for (; skb; skb = next) {
			next = skb->next;
			skb_mark_not_on_list(skb);
			__skb_queue_tail(&valid, skb);
			n->queued++;
		}
	}
	local_bh_enable();

	spin_lock_bh(qdisc_lock(q));
	skb_queue_walk(&valid, skb)
		requeued_count(q, skb);
	skb_queue_splice(&valid, &q->gso_skb);
	spin_unlock_bh(qdisc_lock(q));
}

/**
 * shadow_swap_revalidate_requeued() - the new driver's features for the
 * packets the interface's qdiscs hold requeued
 * @sd: the interface being replayed, its new driver's tables and features
 *	in place, its TX queues stopped (a stopped queue's requeued packets
 *	stay where they are: dequeue_skb())
 *
 * Context: RTNL held (it keeps each queue's qdisc).
 */
void shadow_swap_revalidate_requeued(struct shadow_net_dev *sd)
{
	struct net_device *ndev = sd->ndev;
	struct requeued_tally n = { };
	u64 t = ktime_get_ns();
	unsigned int i;

	ASSERT_RTNL();
	for (i = 0; i < ndev->num_tx_queues; i++) {
		struct Qdisc *q = rtnl_dereference(netdev_get_tx_queue(ndev, i)->qdisc);

		if (q && !skb_queue_empty_lockless(&q->gso_skb))
			requeued_validate(ndev, q, &n);
	}
	trace_shadow_requeued(ndev, sd->swap->seq, n.held, n.queued, n.dropped,
			      ktime_get_ns() - t);
	if (n.dropped)
		shadow_swap_note(sd->swap, "%u requeued packets could not be made fit for %s: dropped",
				 n.dropped, sd->swap->new_driver);
}
