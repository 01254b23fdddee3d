// SPDX-License-Identifier: GPL-2.0
/*
 * The replay log (see log.h). Entries fold by mode: "last" keeps one entry
 * per key, the newest value, moved to the end so the log stays in the
 * order the changes happened; "set" keys keep one entry per member; "on"
 * and "off" are a "last" of a boolean. Recording happens on the control
 * path, sometimes under a driver's spinlock (ndo_set_rx_mode), so it never
 * sleeps.
 */

#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "log.h"

/*
 * An entry is on the list in the order of the changes and in the index
 * under its key, and a set's entry under its member too, so that a record
 * finds what it replaces without walking the log (a log of thousands of
 * VLAN ids made recording, and the replay's and the dumps' reads by
 * position, quadratic). Reads by position go on from where the last one
 * stopped while nothing changed (the cursor).
 */
struct shadow_log_entry {
	struct list_head node;
	struct hlist_node hnode;
	u32 key;
	bool member;		/* a set's member: indexed by its data too */
	u64 seq;
	u16 len;
	u8 data[];
};

void shadow_log_init(struct shadow_log *log)
{
	spin_lock_init(&log->lock);
	INIT_LIST_HEAD(&log->entries);
	hash_init(log->index);
	log->seq = 0;
	log->len = 0;
	log->gen = 0;
	log->cursor = NULL;
}

static u32 index_of(u32 key, bool member, const void *data, size_t len)
{
	return member ? jhash(data, len, key) : key;
}

static void drop(struct shadow_log *log, struct shadow_log_entry *e)
{
	lockdep_assert_held(&log->lock);
	if (log->cursor == e)
		log->cursor = NULL;
	hash_del(&e->hnode);
	list_del(&e->node);
	kfree(e);
	log->len--;
}

void shadow_log_clear(struct shadow_log *log)
{
	struct shadow_log_entry *e, *tmp;

	spin_lock_bh(&log->lock);
	list_for_each_entry_safe(e, tmp, &log->entries, node)
		drop(log, e);
	log->gen++;
	spin_unlock_bh(&log->lock);
}

/* The entry a new record replaces: same key, and same member for sets. */
static struct shadow_log_entry *find(struct shadow_log *log, u32 key, bool member,
				     const void *data, size_t len)
{
	struct shadow_log_entry *e;

	lockdep_assert_held(&log->lock);
	hash_for_each_possible(log->index, e, hnode, index_of(key, member, data, len)) {
		if (e->key != key || e->member != member)
			continue;
		if (!member || (e->len == len && !memcmp(e->data, data, len)))
			return e;
	}
	return NULL;
}

/**
 * shadow_log_record() - fold one accepted change into the log
 * @log: the device's log
 * @key: what changed (class-defined)
 * @mode: how it folds (enum tap_mode)
 * @data: the new value, or the set member
 * @len: its size, at most SHADOW_LOG_DATA_MAX
 *
 * Return: 0, -EINVAL for a bad size or mode, -ENOMEM.
 */
int shadow_log_record(struct shadow_log *log, u32 key, enum tap_mode mode,
		      const void *data, size_t len)
{
	bool set = mode == TAP_MODE_SET_ADD || mode == TAP_MODE_SET_DEL;
	struct shadow_log_entry *e, *old;

	if (len > SHADOW_LOG_DATA_MAX || mode == TAP_MODE_NONE)
		return -EINVAL;
	e = NULL;
	if (mode != TAP_MODE_SET_DEL) {
		e = kmalloc(struct_size(e, data, len), GFP_ATOMIC);
		if (!e)
			return -ENOMEM;
		e->key = key;
		e->member = set;
		e->len = len;
		memcpy(e->data, data, len);
	}

	spin_lock_bh(&log->lock);
	old = find(log, key, set, data, len);
	if (old)
		drop(log, old);
	if (e) {
		e->seq = ++log->seq;
		list_add_tail(&e->node, &log->entries);
		hash_add(log->index, &e->hnode, index_of(key, set, data, len));
		log->len++;
	}
	log->gen++;
	spin_unlock_bh(&log->lock);
	return 0;
}

/**
 * shadow_log_item() - copy out the entry at a position, for a dump
 * @log: the device's log
 * @pos: 0 for the oldest entry
 * @item: filled in
 * @gen: the log's generation when it was read
 *
 * Return: 0, or -ENOENT past the end.
 */
int shadow_log_item(struct shadow_log *log, unsigned int pos,
		    struct shadow_log_item *item, unsigned int *gen)
{
	struct shadow_log_entry *e;
	unsigned int at = 0;
	int err = -ENOENT;

	spin_lock_bh(&log->lock);
	*gen = log->gen;
	/* A reader going through the log in order takes one step a call. */
	if (log->cursor && log->cursor_gen == log->gen && log->cursor_pos <= pos) {
		e = log->cursor;
		at = log->cursor_pos;
	} else {
		e = list_first_entry(&log->entries, struct shadow_log_entry, node);
	}
	for (; !list_entry_is_head(e, &log->entries, node); e = list_next_entry(e, node)) {
		if (at++ < pos)
			continue;
		item->key = e->key;
		item->seq = e->seq;
		item->len = e->len;
		memcpy(item->data, e->data, e->len);
		log->cursor = e;
		log->cursor_pos = pos;
		log->cursor_gen = log->gen;
		err = 0;
		break;
	}
	spin_unlock_bh(&log->lock);
	return err;
}

/**
 * shadow_log_get() - the value a "last" key holds
 * @log: the log
 * @key: the key
 * @data: where to copy the value
 * @len: room at @data
 *
 * Return: the value's length (copied up to @len), or -ENOENT if the key was
 * never logged.
 */
int shadow_log_get(struct shadow_log *log, u32 key, void *data, size_t len)
{
	struct shadow_log_entry *e;
	int ret = -ENOENT;

	spin_lock_bh(&log->lock);
	e = find(log, key, false, NULL, 0);
	if (e) {
		memcpy(data, e->data, min_t(size_t, len, e->len));
		ret = e->len;
	}
	spin_unlock_bh(&log->lock);
	return ret;
}
