// SPDX-License-Identifier: GPL-2.0
/* shadowctl obj show [dev IFNAME]: the kernel objects drivers own */
#include <stdio.h>

#include <linux/shadow.h>

#include "genl.h"
#include "output.h"
#include "shadowctl.h"

int do_obj_show(int argc, char **argv)
{
	struct sc_msgs msgs = { 0 };
	struct sc_nl nl = { 0 };
	const char *ifname = NULL;
	char what[64];
	int ret;

	ret = sc_parse_dev_arg(argc, argv, &ifname, false);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "obj show%s%s", ifname ? " " : "",
		 ifname ? ifname : "");
	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	ret = sc_nl_request(&nl, SHADOW_CMD_OBJ_GET, true, ifname, &msgs,
			    what);
	if (ret)
		goto out;
	ret = sc_show(SC_KIND_OBJ, &msgs, what);
out:
	sc_msgs_free(&msgs);
	sc_nl_close(&nl);
	return ret;
}
