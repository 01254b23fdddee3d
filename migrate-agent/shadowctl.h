/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the shadowctl commands share: global options, exit codes and the
 * handler type of the command table.
 */
#ifndef _SC_SHADOWCTL_H
#define _SC_SHADOWCTL_H

#include <stdbool.h>

/* Exit status, as in shadowctl.8 */
enum sc_exit {
	SC_EXIT_OK,
	SC_EXIT_USAGE,		/* bad command line */
	SC_EXIT_KERNEL,		/* the kernel refused (netlink error) */
	SC_EXIT_NOFAMILY,	/* no "shadow" family: shadow.ko not loaded */
	SC_EXIT_IO,		/* other I/O or library failure */
	SC_EXIT_TIMEOUT,	/* a swap's outcome did not come in time */
	SC_EXIT_SWAP_FAILED,	/* a swap failed or was rolled back */
};

struct sc_opts {
	bool json;
	bool pretty;
	bool debug;		/* libnl's debug callbacks */
	long count;		/* monitor: stop after this many events */
};

extern struct sc_opts sc_opts;

/* A command handler: the words after OBJECT VERB; returns an sc_exit. */
typedef int (*sc_handler_t)(int argc, char **argv);

int do_dev_show(int argc, char **argv);
int do_dev_attach(int argc, char **argv);
int do_dev_detach(int argc, char **argv);
int do_log_show(int argc, char **argv);
int do_obj_show(int argc, char **argv);
int do_disk_show(int argc, char **argv);
int do_monitor(int argc, char **argv);
int do_swap(int argc, char **argv);
int do_restart(int argc, char **argv);

/* [dev] IFNAME, optional or not: 0, or SC_EXIT_USAGE after a message. */
int sc_parse_dev_arg(int argc, char **argv, const char **ifname,
		     bool required);

/* A KEYWORD VALUE pair a command takes besides [dev] IFNAME. */
struct sc_kwarg {
	const char *keyword;
	const char *metavar;	/* for messages: "a PCI_ADDR" */
	const char **value;	/* set when given */
};

/*
 * [dev] IFNAME and the pairs of KW, in any order, each at most once:
 * 0, or SC_EXIT_USAGE after a message.
 */
int sc_parse_args(int argc, char **argv, const char **ifname, bool required,
		  const struct sc_kwarg *kw, unsigned int nkw);

/* "WHAT "WORD"; try ..." and the usage on stderr; returns SC_EXIT_USAGE. */
int sc_usage_error(const char *what, const char *word);

#endif /* _SC_SHADOWCTL_H */
