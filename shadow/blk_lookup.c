// SPDX-License-Identifier: GPL-2.0
/*
 * The block class's answer to the generated kernel->driver wrappers' one
 * question, "what was the driver's own table?": none yet. Passive mode for
 * disks taps only the driver->kernel calls (blk_disk.c) and fills no
 * table, so no wrapper of block_device_operations, blk_mq_ops or the bus
 * drivers can run, and these are never called. Active mode, which will
 * put its own tables under a driver's disk, answers here from them.
 */

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/pci.h>
#include <linux/virtio.h>

#include "blk.h"

const struct block_device_operations *
tap_blk_orig_block_device_operations_block_device(const struct block_device *bdev)
{
	return NULL;
}

const struct block_device_operations *
tap_blk_orig_block_device_operations_gendisk(const struct gendisk *disk)
{
	return NULL;
}

const struct blk_mq_ops *tap_blk_orig_blk_mq_ops_blk_mq_hw_ctx(const struct blk_mq_hw_ctx *hctx)
{
	return NULL;
}

const struct blk_mq_ops *tap_blk_orig_blk_mq_ops_blk_mq_tag_set(const struct blk_mq_tag_set *set)
{
	return NULL;
}

const struct blk_mq_ops *tap_blk_orig_blk_mq_ops_request(const struct request *rq)
{
	return NULL;
}

const struct pci_driver *tap_blk_orig_pci_driver(const struct pci_dev *pdev)
{
	return NULL;
}

const struct virtio_driver *tap_blk_orig_virtio_driver(const struct virtio_device *vdev)
{
	return NULL;
}
