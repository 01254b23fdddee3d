/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the generated taps (taps/gen/<kernel>/<class>_taps.[ch],
 * written by wrapgen) and the hand-written shadow core. Generated code only
 * describes and forwards calls; everything a call means to the shadow is
 * decided here and in the class code that implements the handlers.
 */

#ifndef _SHADOW_TAP_H
#define _SHADOW_TAP_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/wait_bit.h>

/* What one interface entry point means to the shadow (the spec's kind). */
enum tap_kind {
	TAP_STATE,		/* driver state to log and replay */
	TAP_OBJECT_CREATE,	/* creates a kernel object the driver owns */
	TAP_OBJECT_DESTROY,	/* destroys one */
	TAP_LIFECYCLE,		/* probe, remove, init, watchdog */
};

/* How a TAP_STATE entry folds into the log. */
enum tap_mode {
	TAP_MODE_NONE,		/* not a state entry */
	TAP_MODE_LAST,		/* replace the previous value */
	TAP_MODE_SET_ADD,	/* add a member to a set */
	TAP_MODE_SET_DEL,	/* remove a member from a set */
	TAP_MODE_ON,		/* turn a toggle on */
	TAP_MODE_OFF,		/* turn a toggle off */
};

#define TAP_F_HOOK	BIT(0)	/* a hand-written handler takes the call */
#define TAP_F_EXPORT	BIT(1)	/* driver->kernel (else a table member) */

/* One tapped entry point; generated, indexed by the class's tap ids. */
struct tap_info {
	const char *name;	/* member or function name */
	const char *table;	/* ops struct name; NULL for exports */
	const char *key;	/* log key (state) or object name; may be NULL */
	u8 kind;		/* enum tap_kind */
	u8 mode;		/* enum tap_mode */
	u8 flags;		/* TAP_F_* */
};

/* A driver->kernel tap: the exported function to redirect with ftrace. */
struct tap_hook {
	const char *symbol;	/* its name, for messages and debugfs */
	unsigned long target;	/* the function, for ftrace_set_filter_ip() */
	unsigned long wrapper;	/* generated wrapper, same prototype */
	unsigned int id;	/* index into the class's tap_info */
};

/* Everything wrapgen generated for one class on one kernel. */
struct tap_class {
	const char *name;		/* "net" */
	const char *kernel;		/* release the headers came from */
	const struct tap_info *info;
	unsigned int ninfo;
	const struct tap_hook *hooks;
	unsigned int nhooks;
	atomic_long_t *calls;		/* ninfo counters */
	atomic_t *inside;		/* calls now inside a wrapper */
};

/*
 * tap_enter() - called by every generated wrapper before the call it wraps,
 * so that unloading can wait for the calls still inside the module's text
 * (a driver's register_netdev may sleep in its wrapper; see
 * shadow_taps_quiesce()).
 */
static inline void tap_enter(const struct tap_class *cls)
{
	atomic_inc(cls->inside);
}

/*
 * tap_done() - called by every generated wrapper after the call it wraps.
 * Counts the call and, by being work left after the call, keeps the compiler
 * from turning the wrapper's call into a tail call: a tail call would leave
 * the driver's return address in place, so ftrace would redirect the call
 * once more and loop (TESTBED.md). The taps are also built with
 * -fno-optimize-sibling-calls. The last call out wakes an unload waiting
 * for it (the decrement is a full barrier, as wake_up_var() wants).
 */
static inline void tap_done(const struct tap_class *cls, unsigned int id)
{
	atomic_long_inc(&cls->calls[id]);
	if (atomic_dec_and_test(cls->inside))
		wake_up_var(cls->inside);
}

void shadow_taps_quiesce(const struct tap_class * const classes[], unsigned int n);

#endif /* _SHADOW_TAP_H */
