/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The replay log of one shadowed device: what the kernel or a user asked of
 * the driver and the driver accepted, deduplicated so that replaying it in
 * order rebuilds the state. Class-independent: a key is a number the class
 * defines, the data an opaque blob.
 */

#ifndef _SHADOW_LOG_H
#define _SHADOW_LOG_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "tap.h"

/* An RSS table of 2048 entries and its key (uapi/linux/shadow.h). */
#define SHADOW_LOG_DATA_MAX	4352

/* The index: 4,094 VLAN ids fold in a few compares per record. */
#define SHADOW_LOG_HASH_BITS	8

struct shadow_log_entry;

/*
 * Everything in it is under @lock. Its entries are the log's, freed by
 * shadow_log_clear() or when a newer record replaces them.
 */
struct shadow_log {
	spinlock_t lock;		/* callers may hold the addr lock */
	struct list_head entries;	/* oldest change first */
	DECLARE_HASHTABLE(index, SHADOW_LOG_HASH_BITS);	/* by key and member */
	u64 seq;			/* of the newest change */
	unsigned int len;
	unsigned int gen;		/* bumps on every change, for dumps */
	/* Where the last read by position stopped, while @gen is cursor_gen. */
	struct shadow_log_entry *cursor;
	unsigned int cursor_pos;
	unsigned int cursor_gen;
};

/* One entry as copied out for a reader; too large for the stack. */
struct shadow_log_item {
	u32 key;
	u64 seq;
	u16 len;
	u8 data[SHADOW_LOG_DATA_MAX];
};

void shadow_log_init(struct shadow_log *log);
void shadow_log_clear(struct shadow_log *log);
int shadow_log_record(struct shadow_log *log, u32 key, enum tap_mode mode,
		      const void *data, size_t len);
int shadow_log_get(struct shadow_log *log, u32 key, void *data, size_t len);
int shadow_log_item(struct shadow_log *log, unsigned int pos,
		    struct shadow_log_item *item, unsigned int *gen);

#endif /* _SHADOW_LOG_H */
