// SPDX-License-Identifier: GPL-2.0
/*
 * SHADOW_CMD_DISK_GET replies: a disk the block class records, as a struct,
 * one line of text ("vda driver virtio_blk pci 0000:00:04.0 dev 254:0
 * capacity 131072 ...", the fields in the order of the UAPI) or one JSON
 * object with the same names.
 */
#include <errno.h>
#include <stdio.h>

#include <linux/shadow.h>
#include <netlink/genl/genl.h>

#include "compiler.h"
#include "decode.h"
#include "decode_attr.h"

/* The numbers after the device number, for text and JSON alike. */
#define DISK_NUMBERS(disk) {						\
	{ "capacity", (disk)->capacity },				\
	{ "ro", (disk)->ro },						\
	{ "lbs", (disk)->lbs },						\
	{ "pbs", (disk)->pbs },						\
	{ "io_min", (disk)->io_min },					\
	{ "io_opt", (disk)->io_opt },					\
	{ "max_hw_sectors", (disk)->max_hw_sectors },			\
	{ "max_segments", (disk)->max_segments },			\
	{ "max_segment_size", (disk)->max_segment_size },		\
	{ "max_discard_sectors", (disk)->max_discard_sectors },	\
	{ "hw_queues", (disk)->hw_queues },				\
}

struct disk_number {
	const char *name;
	long long v;
};

static long long u64_or_absent(struct nlattr *nla)
{
	return nla ? (long long)nla_get_u64(nla) : -1;
}

static long long u8_or_absent(struct nlattr *nla)
{
	return nla ? (long long)nla_get_u8(nla) : -1;
}

int sc_disk_parse(struct nlmsghdr *nlh, struct sc_disk *disk,
		  char *err, size_t errlen)
{
	struct nlattr *tb[SHADOW_A_MAX + 1];

	if (sc_attrs_parse(nlh, tb, err, errlen))
		return -EINVAL;
	if (!tb[SHADOW_A_DISK_NAME])
		return sc_attr_missing("SHADOW_A_DISK_NAME", err, errlen);
	disk->name = sc_attr_str(tb[SHADOW_A_DISK_NAME]);
	disk->driver = sc_attr_str(tb[SHADOW_A_DEV_DRIVER]);
	disk->bus_addr = sc_attr_str(tb[SHADOW_A_DEV_BUS_ADDR]);
	disk->major = sc_attr_u32(tb[SHADOW_A_DISK_MAJOR]);
	disk->minor = sc_attr_u32(tb[SHADOW_A_DISK_MINOR]);
	disk->capacity = u64_or_absent(tb[SHADOW_A_DISK_CAPACITY]);
	disk->ro = u8_or_absent(tb[SHADOW_A_DISK_RO]);
	disk->lbs = sc_attr_u32(tb[SHADOW_A_DISK_LBS]);
	disk->pbs = sc_attr_u32(tb[SHADOW_A_DISK_PBS]);
	disk->io_min = sc_attr_u32(tb[SHADOW_A_DISK_IO_MIN]);
	disk->io_opt = sc_attr_u32(tb[SHADOW_A_DISK_IO_OPT]);
	disk->max_hw_sectors = sc_attr_u32(tb[SHADOW_A_DISK_MAX_HW_SECTORS]);
	disk->max_segments = sc_attr_u32(tb[SHADOW_A_DISK_MAX_SEGMENTS]);
	disk->max_segment_size = sc_attr_u32(tb[SHADOW_A_DISK_MAX_SEGMENT_SIZE]);
	disk->max_discard_sectors = sc_attr_u32(tb[SHADOW_A_DISK_MAX_DISCARD_SECTORS]);
	disk->hw_queues = sc_attr_u32(tb[SHADOW_A_DISK_HW_QUEUES]);
	return 0;
}

void sc_disk_text(FILE *f, const struct sc_disk *disk)
{
	const struct disk_number numbers[] = DISK_NUMBERS(disk);
	size_t i;

	fputs(disk->name, f);
	if (disk->driver)
		fprintf(f, " driver %s", disk->driver);
	if (disk->bus_addr)
		fprintf(f, " pci %s", disk->bus_addr);
	if (disk->major >= 0 && disk->minor >= 0)
		fprintf(f, " dev %lld:%lld", disk->major, disk->minor);
	for (i = 0; i < ARRAY_SIZE(numbers); i++)
		sc_text_num(f, numbers[i].name, numbers[i].v);
	fputc('\n', f);
}

struct json_object *sc_disk_json(const struct sc_disk *disk)
{
	const struct disk_number numbers[] = DISK_NUMBERS(disk);
	struct json_object *o = json_object_new_object();
	size_t i;

	if (!o)
		return NULL;
	sc_json_str(o, "name", disk->name);
	sc_json_str(o, "driver", disk->driver);
	sc_json_str(o, "pci", disk->bus_addr);
	sc_json_num(o, "major", disk->major);
	sc_json_num(o, "minor", disk->minor);
	for (i = 0; i < ARRAY_SIZE(numbers); i++)
		sc_json_num(o, numbers[i].name, numbers[i].v);
	return o;
}
