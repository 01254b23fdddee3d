// SPDX-License-Identifier: GPL-2.0
/*
 * The block class in passive mode: a record of each disk a shadowed driver
 * registers, from its device_add_disk() to its del_gendisk() (both hooked,
 * taps/blk.spec). A record says who made the disk (the module that owns
 * its block_device_operations), the PCI device under it, and what a driver
 * taking the disk over would have to present again: capacity, block sizes,
 * read-only state, queue limits and hardware queues. It is read once the
 * disk is added, kept current by the capacity and read-only taps, and shown
 * in debugfs ("disks"). Nothing here changes what the driver or the block
 * layer does: every handler makes the real call with the same arguments.
 *
 * Ownership: a record belongs to the list blk_disks, under blk_disks_lock,
 * from its handler's insertion to the del_gendisk handler or module exit,
 * which free it. A record keeps its gendisk only as a key, compared and
 * never followed: the del_gendisk handler takes the record out before the
 * real call, so a key on the list always names a registered disk (a driver
 * orders a disk's add before its delete: probe before remove, and nvme
 * flushes its namespace scan before removing namespaces). The lock is a
 * spinlock because set_capacity() has no context rule of its own.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "blk.h"

struct blk_disk {
	struct list_head node;		/* in blk_disks */
	const struct gendisk *key;	/* compared only; see the top */
	struct shadow_blk_disk_info info;
};

static LIST_HEAD(blk_disks);
static DEFINE_SPINLOCK(blk_disks_lock);
static unsigned int blk_disks_gen;	/* under the lock: + 1 per add or drop */

static struct blk_disk *blk_disk_find(const struct gendisk *disk)
{
	struct blk_disk *bd;

	lockdep_assert_held(&blk_disks_lock);
	list_for_each_entry(bd, &blk_disks, node)
		if (bd->key == disk)
			return bd;
	return NULL;
}

/* What the disk presents now; its driver holds it registered. */
static void blk_disk_read(struct blk_disk *bd, struct gendisk *disk)
{
	const struct queue_limits *lim = &disk->queue->limits;
	struct shadow_blk_disk_info *in = &bd->info;
	struct device *dev;

	bd->key = disk;
	strscpy(in->name, disk->disk_name, sizeof(in->name));
	strscpy(in->driver, module_name(disk->fops->owner), sizeof(in->driver));
	for (dev = disk_to_dev(disk)->parent; dev; dev = dev->parent) {
		if (dev_is_pci(dev)) {
			strscpy(in->pci, dev_name(dev), sizeof(in->pci));
			break;
		}
	}
	in->devt = disk_devt(disk);
	in->capacity = get_capacity(disk);
	in->ro = get_disk_ro(disk);
	in->lbs = lim->logical_block_size;
	in->pbs = lim->physical_block_size;
	in->io_min = lim->io_min;
	in->io_opt = lim->io_opt;
	in->max_hw_sectors = lim->max_hw_sectors;
	in->max_segment_size = lim->max_segment_size;
	in->max_discard_sectors = lim->max_discard_sectors;
	in->max_segments = lim->max_segments;
	in->nr_hw_queues = disk->queue->nr_hw_queues;
}

int shadow_blk_device_add_disk(struct device *parent, struct gendisk *disk,
			       const struct attribute_group **groups)
{
	struct blk_disk *bd = kzalloc(sizeof(*bd), GFP_KERNEL);
	int ret;

	ret = device_add_disk(parent, disk, groups);
	if (ret || !bd) {
		/* Passive mode never fails a driver: the disk goes unrecorded. */
		if (!ret)
			pr_warn("%s: no memory to record the disk\n", disk->disk_name);
		kfree(bd);
		return ret;
	}
	blk_disk_read(bd, disk);
	spin_lock(&blk_disks_lock);
	list_add_tail(&bd->node, &blk_disks);
	blk_disks_gen++;
	spin_unlock(&blk_disks_lock);
	return 0;
}

/* Every caller's (an object-destroy hook): a disk not recorded passes. */
void shadow_blk_del_gendisk(struct gendisk *disk)
{
	struct blk_disk *bd;

	spin_lock(&blk_disks_lock);
	bd = blk_disk_find(disk);
	if (bd) {
		list_del(&bd->node);
		blk_disks_gen++;
	}
	spin_unlock(&blk_disks_lock);
	kfree(bd);
	del_gendisk(disk);
}

static void blk_disk_update(struct gendisk *disk)
{
	struct blk_disk *bd;

	spin_lock(&blk_disks_lock);
	bd = blk_disk_find(disk);
	if (bd) {
		bd->info.capacity = get_capacity(disk);
		bd->info.ro = get_disk_ro(disk);
	}
	spin_unlock(&blk_disks_lock);
}

void shadow_blk_set_capacity(struct gendisk *disk, sector_t size)
{
	set_capacity(disk, size);
	blk_disk_update(disk);
}

bool shadow_blk_set_capacity_and_notify(struct gendisk *disk, sector_t size)
{
	bool ret = set_capacity_and_notify(disk, size);

	blk_disk_update(disk);
	return ret;
}

void shadow_blk_set_disk_ro(struct gendisk *disk, bool read_only)
{
	set_disk_ro(disk, read_only);
	blk_disk_update(disk);
}

/**
 * shadow_blk_disk_info() - a copy of the @pos-th recorded disk
 * @pos: its position on the list, from 0
 * @info: the copy
 * @gen: the list's generation, for a dump's consistency check
 *
 * Return: 0, or -ENOENT past the last disk.
 */
int shadow_blk_disk_info(unsigned int pos, struct shadow_blk_disk_info *info,
			 unsigned int *gen)
{
	struct blk_disk *bd;
	int err = -ENOENT;

	spin_lock(&blk_disks_lock);
	*gen = blk_disks_gen;
	list_for_each_entry(bd, &blk_disks, node) {
		if (pos--)
			continue;
		*info = bd->info;
		err = 0;
		break;
	}
	spin_unlock(&blk_disks_lock);
	return err;
}

/* One line per recorded disk, "NAME DRIVER pci ADDR dev MAJ:MIN key value...". */
void shadow_blk_show_disks(struct seq_file *m)
{
	const struct shadow_blk_disk_info *in;
	struct blk_disk *bd;

	spin_lock(&blk_disks_lock);
	list_for_each_entry(bd, &blk_disks, node) {
		in = &bd->info;
		seq_printf(m, "%s %s pci %s dev %u:%u capacity %llu ro %d lbs %u pbs %u io_min %u io_opt %u max_hw_sectors %u max_segments %u max_segment_size %u max_discard_sectors %u hw_queues %u\n",
			   in->name, in->driver, in->pci[0] ? in->pci : "-",
			   MAJOR(in->devt), MINOR(in->devt),
			   (unsigned long long)in->capacity, in->ro, in->lbs,
			   in->pbs, in->io_min, in->io_opt, in->max_hw_sectors,
			   in->max_segments, in->max_segment_size,
			   in->max_discard_sectors, in->nr_hw_queues);
	}
	spin_unlock(&blk_disks_lock);
}

/* At unload, once the hooks are gone and no call is inside a wrapper. */
void shadow_blk_exit(void)
{
	struct blk_disk *bd, *tmp;

	spin_lock(&blk_disks_lock);
	list_for_each_entry_safe(bd, tmp, &blk_disks, node) {
		list_del(&bd->node);
		kfree(bd);
	}
	spin_unlock(&blk_disks_lock);
}
