// SPDX-License-Identifier: GPL-2.0
/* shadowctl obj show [dev IFNAME]: the kernel objects drivers own */
#include <stdio.h>

#include <linux/shadow.h>

#include "genl.h"
#include "output.h"
#include "shadowctl.h"

int do_obj_show(int argc, char **argv)
{
	const char *ifname = NULL;
	char what[64];
	int ret;

	ret = sc_parse_dev_arg(argc, argv, &ifname, false);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "obj show%s%s", ifname ? " " : "",
		 ifname ? ifname : "");
	return sc_query(SHADOW_CMD_OBJ_GET, true, ifname, SC_KIND_OBJ, what);
}
