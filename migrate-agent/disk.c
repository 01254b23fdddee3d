// SPDX-License-Identifier: GPL-2.0
/* shadowctl disk show: the disks the block class records */
#include <linux/shadow.h>

#include "genl.h"
#include "output.h"
#include "shadowctl.h"

int do_disk_show(int argc, char **argv)
{
	if (argc > 0)
		return sc_usage_error("disk show takes no argument", argv[0]);
	return sc_query(SHADOW_CMD_DISK_GET, true, NULL, SC_KIND_DISK, "disk show");
}
