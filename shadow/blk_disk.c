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
	char name[DISK_NAME_LEN];
	char driver[MODULE_NAME_LEN];
	char pci[16];			/* "0000:00:05.0", or "" */
	dev_t devt;
	sector_t capacity;		/* in 512-byte sectors */
	bool ro;
	unsigned int lbs, pbs, io_min, io_opt;
	unsigned int max_hw_sectors, max_segment_size, max_discard_sectors;
	unsigned int max_segments, nr_hw_queues;
};

static LIST_HEAD(blk_disks);
static DEFINE_SPINLOCK(blk_disks_lock);

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
	struct device *dev;

	bd->key = disk;
	strscpy(bd->name, disk->disk_name, sizeof(bd->name));
	strscpy(bd->driver, module_name(disk->fops->owner), sizeof(bd->driver));
	for (dev = disk_to_dev(disk)->parent; dev; dev = dev->parent) {
		if (dev_is_pci(dev)) {
			strscpy(bd->pci, dev_name(dev), sizeof(bd->pci));
			break;
		}
	}
	bd->devt = disk_devt(disk);
	bd->capacity = get_capacity(disk);
	bd->ro = get_disk_ro(disk);
	bd->lbs = lim->logical_block_size;
	bd->pbs = lim->physical_block_size;
	bd->io_min = lim->io_min;
	bd->io_opt = lim->io_opt;
	bd->max_hw_sectors = lim->max_hw_sectors;
	bd->max_segment_size = lim->max_segment_size;
	bd->max_discard_sectors = lim->max_discard_sectors;
	bd->max_segments = lim->max_segments;
	bd->nr_hw_queues = disk->queue->nr_hw_queues;
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
	spin_unlock(&blk_disks_lock);
	return 0;
}

/* Every caller's (an object-destroy hook): a disk not recorded passes. */
void shadow_blk_del_gendisk(struct gendisk *disk)
{
	struct blk_disk *bd;

	spin_lock(&blk_disks_lock);
	bd = blk_disk_find(disk);
	if (bd)
		list_del(&bd->node);
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
		bd->capacity = get_capacity(disk);
		bd->ro = get_disk_ro(disk);
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

/* One line per recorded disk, "NAME DRIVER pci ADDR dev MAJ:MIN key value...". */
void shadow_blk_show_disks(struct seq_file *m)
{
	struct blk_disk *bd;

	spin_lock(&blk_disks_lock);
	list_for_each_entry(bd, &blk_disks, node)
		seq_printf(m, "%s %s pci %s dev %u:%u capacity %llu ro %d lbs %u pbs %u io_min %u io_opt %u max_hw_sectors %u max_segments %u max_segment_size %u max_discard_sectors %u hw_queues %u\n",
			   bd->name, bd->driver, bd->pci[0] ? bd->pci : "-",
			   MAJOR(bd->devt), MINOR(bd->devt),
			   (unsigned long long)bd->capacity, bd->ro, bd->lbs,
			   bd->pbs, bd->io_min, bd->io_opt, bd->max_hw_sectors,
			   bd->max_segments, bd->max_segment_size,
			   bd->max_discard_sectors, bd->nr_hw_queues);
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
