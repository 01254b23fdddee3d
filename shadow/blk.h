/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block class: disk drivers' disks as the shadow sees them. Passive
 * mode only so far: the disks shadowed drivers register are recorded with
 * their PCI device, size and queue limits (blk_disk.c); the generated
 * taps are taps/gen/<kernel>/blk_taps.[ch].
 */

#ifndef _SHADOW_BLK_H
#define _SHADOW_BLK_H

#include <linux/seq_file.h>

#include "blk_taps.h"

void shadow_blk_show_disks(struct seq_file *m);
void shadow_blk_exit(void);

#endif /* _SHADOW_BLK_H */
