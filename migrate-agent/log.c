// SPDX-License-Identifier: GPL-2.0
/* shadowctl log show dev IFNAME: the replay log of one interface */
#include <stdio.h>

#include <linux/shadow.h>

#include "genl.h"
#include "output.h"
#include "shadowctl.h"

int do_log_show(int argc, char **argv)
{
	struct sc_msgs msgs = { 0 };
	struct sc_nl nl = { 0 };
	const char *ifname = NULL;
	char what[64];
	int ret;

	ret = sc_parse_dev_arg(argc, argv, &ifname, true);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "log show %s", ifname);
	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	ret = sc_nl_request(&nl, SHADOW_CMD_LOG_GET, true, ifname, &msgs,
			    what);
	if (ret)
		goto out;
	ret = sc_show(SC_KIND_LOG, &msgs, what);
out:
	sc_msgs_free(&msgs);
	sc_nl_close(&nl);
	return ret;
}
