// SPDX-License-Identifier: GPL-2.0
/*
 * shadowctl: inspect and steer shadow.ko over its generic netlink family.
 * OBJECT VERB [ARGS], iproute2 style: any unique prefix of an object or a
 * verb will do, and a missing verb means "show".
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "log.h"
#include "shadowctl.h"

#ifndef SHADOWCTL_VERSION
#define SHADOWCTL_VERSION "unknown"
#endif

struct sc_opts sc_opts;

static int do_help(int argc, char **argv);

struct cmd {
	const char *object;
	const char *verb;	/* NULL: the object takes no verb */
	sc_handler_t handler;
	const char *help;
};

static const struct cmd cmds[] = {
	{ "dev", "show", do_dev_show, "dev show [dev IFNAME]" },
	{ "dev", "attach", do_dev_attach, "dev attach dev IFNAME" },
	{ "dev", "detach", do_dev_detach, "dev detach dev IFNAME" },
	{ "log", "show", do_log_show, "log show dev IFNAME" },
	{ "obj", "show", do_obj_show, "obj show [dev IFNAME]" },
	{ "disk", "show", do_disk_show, "disk show" },
	{ "monitor", NULL, do_monitor, "monitor" },
	{ "swap", NULL, do_swap,
	  "swap dev IFNAME [to PCI_ADDR|DRIVER] [timeout MS]" },
	{ "restart", NULL, do_restart, "restart dev IFNAME [timeout MS]" },
	{ "help", NULL, do_help, "help" },
};

#define NCMDS ARRAY_SIZE(cmds)

static void usage(FILE *f)
{
	size_t i;

	fputs("Usage: shadowctl [OPTIONS] OBJECT COMMAND [ARGS]\n", f);
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "       shadowctl [OPTIONS] %s\n", cmds[i].help);
	fputs("OPTIONS: -j|--json  -p|--pretty  -v|--verbose  --debug\n"
	      "         -c|--count N (monitor)  -h|--help  -V|--version\n"
	      "Any prefix of an object or command is accepted; the first\n"
	      "that matches wins (d is dev, di is disk).\n", f);
}

int sc_usage_error(const char *what, const char *word)
{
	sc_error_plain(EINVAL, "%s \"%s\"; try \"shadowctl help\"", what,
		       word);
	usage(stderr);
	return SC_EXIT_USAGE;
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return SC_EXIT_OK;
}

static const struct sc_kwarg *find_kwarg(const char *word,
					 const struct sc_kwarg *dev,
					 const struct sc_kwarg *kw,
					 unsigned int nkw)
{
	unsigned int i;

	if (!strcmp(word, dev->keyword))
		return dev;
	for (i = 0; i < nkw; i++)
		if (!strcmp(word, kw[i].keyword))
			return &kw[i];
	return NULL;
}

int sc_parse_args(int argc, char **argv, const char **ifname, bool required,
		  const struct sc_kwarg *kw, unsigned int nkw)
{
	const struct sc_kwarg dev = { "dev", "an IFNAME", ifname };
	const struct sc_kwarg *k;
	int i;

	for (i = 0; i < argc; i++) {
		k = find_kwarg(argv[i], &dev, kw, nkw);
		if (!k) {
			/* a bare IFNAME */
			if (*ifname)
				return sc_usage_error("unexpected argument",
						      argv[i]);
			*ifname = argv[i];
			continue;
		}
		if (i + 1 == argc) {
			sc_error_plain(EINVAL, "\"%s\" needs %s", k->keyword,
				       k->metavar);
			usage(stderr);
			return SC_EXIT_USAGE;
		}
		if (*k->value)
			return sc_usage_error("given twice:", argv[i]);
		*k->value = argv[++i];
	}
	if (!*ifname && required) {
		sc_error_plain(EINVAL, "missing \"dev IFNAME\"");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	if (*ifname && (!**ifname || strlen(*ifname) >= IFNAMSIZ))
		return sc_usage_error("bad interface name", *ifname);
	return SC_EXIT_OK;
}

int sc_parse_dev_arg(int argc, char **argv, const char **ifname,
		     bool required)
{
	return sc_parse_args(argc, argv, ifname, required, NULL, 0);
}

static const char *cmd_name(const struct cmd *c, const char *object)
{
	if (object && strcmp(c->object, object))
		return NULL;
	return object ? c->verb : c->object;
}

/*
 * The entry named WORD, or else the first WORD prefixes, as ip(8) does: an
 * object when OBJECT is NULL, else a verb of OBJECT. An object added later
 * takes no prefix from an older one ("d" stays dev, "di" is disk).
 */
static const struct cmd *match(const char *word, const char *object)
{
	const char *name;
	size_t i;

	if (!*word)
		return NULL;
	for (i = 0; i < NCMDS; i++) {
		name = cmd_name(&cmds[i], object);
		if (name && !strcmp(name, word))
			return &cmds[i];
	}
	for (i = 0; i < NCMDS; i++) {
		name = cmd_name(&cmds[i], object);
		if (name && !strncmp(name, word, strlen(word)))
			return &cmds[i];
	}
	return NULL;
}

static int dispatch(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 1) {
		sc_error_plain(EINVAL, "no command given");
		usage(stderr);
		return SC_EXIT_USAGE;
	}
	c = match(argv[0], NULL);
	if (!c)
		return sc_usage_error("unknown object", argv[0]);
	if (!c->verb)
		return c->handler(argc - 1, argv + 1);
	if (argc < 2)
		return c->handler(0, argv + 1);	/* the first verb: show */
	if (!strcmp(argv[1], "help"))
		return do_help(0, NULL);
	c = match(argv[1], c->object);
	if (!c)
		return sc_usage_error("unknown command", argv[1]);
	return c->handler(argc - 2, argv + 2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "debug", no_argument, NULL, 'D' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "+jpvc:hV", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'j':
			sc_opts.json = true;
			break;
		case 'p':
			sc_opts.json = true;
			sc_opts.pretty = true;
			break;
		case 'v':
			sc_log_level++;
			break;
		case 'D':
			sc_opts.debug = true;
			sc_log_level = SC_LOG_DEBUG;
			break;
		case 'c':
			errno = 0;
			sc_opts.count = strtol(optarg, &end, 10);
			if (errno || *end || sc_opts.count < 1)
				return sc_usage_error("bad count", optarg);
			break;
		case 'h':
			usage(stdout);
			return SC_EXIT_OK;
		case 'V':
			printf("shadowctl %s\n", SHADOWCTL_VERSION);
			return SC_EXIT_OK;
		default:
			usage(stderr);
			return SC_EXIT_USAGE;
		}
	}
	sc_json_errors = sc_opts.json;
	return dispatch(argc - optind, argv + optind);
}
