/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block class: disk drivers' disks as the shadow sees them. Passive
 * mode only so far: the disks shadowed drivers register are recorded with
 * their PCI device, size and queue limits (blk_disk.c); the generated
 * taps are taps/gen/<kernel>/blk_taps.[ch].
 */

#ifndef _SHADOW_BLK_H
#define _SHADOW_BLK_H

#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "blk_taps.h"

/* What the block class records of a disk (blk_disk.c). */
struct shadow_blk_disk_info {
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

int shadow_blk_disk_info(unsigned int pos, struct shadow_blk_disk_info *info,
			 unsigned int *gen);
void shadow_blk_show_disks(struct seq_file *m);
void shadow_blk_exit(void);

#endif /* _SHADOW_BLK_H */
