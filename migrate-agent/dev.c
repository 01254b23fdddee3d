// SPDX-License-Identifier: GPL-2.0
/* shadowctl dev show | attach | detach */
#include <stdio.h>

#include <linux/shadow.h>

#include "genl.h"
#include "log.h"
#include "output.h"
#include "shadowctl.h"

int do_dev_show(int argc, char **argv)
{
	const char *ifname = NULL;
	char what[64];
	int ret;

	ret = sc_parse_dev_arg(argc, argv, &ifname, false);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "dev show%s%s", ifname ? " " : "",
		 ifname ? ifname : "");
	/* one interface: a do; all of them: a dump */
	return sc_query(SHADOW_CMD_DEV_GET, !ifname, ifname, SC_KIND_DEV, what);
}

static int dev_change(int argc, char **argv, int cmd, const char *verb)
{
	struct sc_nl nl = { 0 };
	const char *ifname = NULL;
	char what[64];
	int ret;

	ret = sc_parse_dev_arg(argc, argv, &ifname, true);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "dev %s %s", verb, ifname);
	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	ret = sc_nl_request(&nl, cmd, false, ifname, NULL, what);
	if (ret)
		goto out;
	pr_info("%s: done", what);
out:
	sc_nl_close(&nl);
	return ret;
}

int do_dev_attach(int argc, char **argv)
{
	return dev_change(argc, argv, SHADOW_CMD_DEV_ATTACH, "attach");
}

int do_dev_detach(int argc, char **argv)
{
	return dev_change(argc, argv, SHADOW_CMD_DEV_DETACH, "detach");
}
