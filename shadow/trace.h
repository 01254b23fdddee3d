/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the shadow: every logged change, every tracked object's
 * birth and death and every phase of a swap, for perf and ftrace users and
 * for tests.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadow

#if !defined(_SHADOW_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SHADOW_TRACE_H

#include <linux/netdevice.h>
#include <linux/tracepoint.h>

/* 6.10 dropped __assign_str()'s source argument (Kbuild probes it). */
#ifdef SHADOW_HAVE_ASSIGN_STR_1
#define shadow_assign_str(dst, src) __assign_str(dst)
#else
#define shadow_assign_str(dst, src) __assign_str(dst, src)
#endif

TRACE_EVENT(shadow_log,
	TP_PROTO(const struct net_device *ndev, u32 key, u32 mode, int err),
	TP_ARGS(ndev, key, mode, err),
	TP_STRUCT__entry(
		__string(ifname, ndev->name)
		__field(u32, key)
		__field(u32, mode)
		__field(int, err)
	),
	TP_fast_assign(
		shadow_assign_str(ifname, ndev->name);
		__entry->key = key;
		__entry->mode = mode;
		__entry->err = err;
	),
	TP_printk("dev=%s key=%u mode=%u err=%d", __get_str(ifname),
		  __entry->key, __entry->mode, __entry->err)
);

TRACE_EVENT(shadow_obj,
	TP_PROTO(u32 type, u64 id, bool created, bool known),
	TP_ARGS(type, id, created, known),
	TP_STRUCT__entry(
		__field(u32, type)
		__field(u64, id)
		__field(bool, created)
		__field(bool, known)
	),
	TP_fast_assign(
		__entry->type = type;
		__entry->id = id;
		__entry->created = created;
		__entry->known = known;
	),
	TP_printk("type=%u id=%llu %s%s", __entry->type, __entry->id,
		  __entry->created ? "created" : "destroyed",
		  __entry->known ? "" : " untracked")
);

/* A swap entering a phase (enum shadow_state); time is the event's own. */
TRACE_EVENT(shadow_swap,
	TP_PROTO(const struct net_device *ndev, u32 state, u32 seq),
	TP_ARGS(ndev, state, seq),
	TP_STRUCT__entry(
		__string(ifname, ndev->name)
		__field(u32, state)
		__field(u32, seq)
	),
	TP_fast_assign(
		shadow_assign_str(ifname, ndev->name);
		__entry->state = state;
		__entry->seq = seq;
	),
	TP_printk("dev=%s swap=%u state=%u", __get_str(ifname), __entry->seq,
		  __entry->state)
);

/*
 * A swap's replay validated the packets its qdiscs held requeued for the
 * new driver (net_requeued.c): held before, queued after (segments count
 * one each), dropped, and how long it took. From here on the interface's
 * packets go to the new driver as its own features allow.
 */
TRACE_EVENT(shadow_requeued,
	TP_PROTO(const struct net_device *ndev, u32 seq, u32 held, u32 queued, u32 dropped,
		 u64 ns),
	TP_ARGS(ndev, seq, held, queued, dropped, ns),
	TP_STRUCT__entry(
		__string(ifname, ndev->name)
		__field(u32, seq)
		__field(u32, held)
		__field(u32, queued)
		__field(u32, dropped)
		__field(u64, ns)
	),
	TP_fast_assign(
		shadow_assign_str(ifname, ndev->name);
		__entry->seq = seq;
		__entry->held = held;
		__entry->queued = queued;
		__entry->dropped = dropped;
		__entry->ns = ns;
	),
	TP_printk("dev=%s swap=%u held=%u queued=%u dropped=%u ns=%llu", __get_str(ifname),
		  __entry->seq, __entry->held, __entry->queued, __entry->dropped, __entry->ns)
);

#endif /* _SHADOW_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
