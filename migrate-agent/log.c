// SPDX-License-Identifier: GPL-2.0
/* shadowctl log show dev IFNAME: the replay log of one interface */
#include <stdio.h>

#include <linux/shadow.h>

#include "genl.h"
#include "output.h"
#include "shadowctl.h"

int do_log_show(int argc, char **argv)
{
	const char *ifname = NULL;
	char what[64];
	int ret;

	ret = sc_parse_dev_arg(argc, argv, &ifname, true);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "log show %s", ifname);
	return sc_query(SHADOW_CMD_LOG_GET, true, ifname, SC_KIND_LOG, what);
}
