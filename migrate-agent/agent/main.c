// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-agent: live-migrate a guest whose NIC is passed through, to a
 * destination with a NIC of another model, with Shadow swapping the
 * guest's driver underneath its interface. Commands:
 *
 *	migrate-agent [-j] migrate [options] SRC-QMP DST-QMP	(QEMU)
 *	migrate-agent [-j] migrate --xen [options] DOMAIN DESTINATION
 *	migrate-agent [-j] arrive --xen --to-nic BDF DOMAIN	(at the dest)
 *	migrate-agent [-j] status --channel PATH | --xen DOMAIN
 *	migrate-agent guest [--port DEV] [--port-name NAME] [--xenstore]
 *
 * migrate-agent.8 has the options, the protocol and the exit codes.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "migrate.h"
#include "report.h"

static const char usage_text[] =
"usage: migrate-agent [-j] migrate [options] SRC-QMP DST-QMP\n"
"       migrate-agent [-j] migrate --xen [options] DOMAIN DESTINATION\n"
"       migrate-agent [-j] arrive --xen --to-nic BDF [options] DOMAIN\n"
"       migrate-agent [-j] status --channel PATH | --xen DOMAIN\n"
"       migrate-agent guest [--port DEV] [--port-name NAME] [--xenstore]\n"
"                           [--shadowctl PATH]\n"
"\n"
"migrate options (QEMU):\n"
"  --channel PATH        the guest port's socket at the source (required)\n"
"  --to-channel PATH     the same port's socket at the destination (required)\n"
"  --uri URI             where the source migrates to (required; e.g. unix:PATH)\n"
"  --nic ID              the source NIC's QEMU id (default nic1)\n"
"  --dev IFNAME          the guest interface (default: the one on that NIC)\n"
"  --to-model MODEL      the destination NIC's QEMU model (required)\n"
"  --to-netdev ID        its netdev (default: the source NIC's)\n"
"  --to-mac MAC          its own MAC (default: QEMU's)\n"
"  --to-id ID            its QEMU id (default: the source NIC's)\n"
"  --quit-source         quit the source QEMU once migrated\n"
"\n"
"migrate options (Xen, in dom0; DESTINATION: localhost, a host reached with\n"
"--ssh, or with --ssh '' the command that runs the receiver, as for xl):\n"
"  --xen                 DOMAIN (name or id) on Xen, through libxl and xenstore\n"
"  --nic BDF             the NIC passed through now (default: the only one)\n"
"  --to-nic BDF          the destination's NIC, made assignable if need be\n"
"                        (required)\n"
"  --ssh CMD             xl migrate's -s; the agent runs its arrive half on\n"
"                        DESTINATION through it too\n"
"  --remote-agent PATH   migrate-agent at the destination (default migrate-agent)\n"
"  --xl PATH             the xl program (default xl)\n"
"arrive (Xen, run by migrate through --ssh): attach --to-nic to DOMAIN here\n"
"and wait for its guest's swap; --dry-run checks the NIC only\n"
"\n"
"both:\n"
"  --verify ADDR         after the swap, ping ADDR from the guest\n"
"  --guest-timeout MS    for each answer of the guest (default 10000)\n"
"  --park-timeout MS     how long the guest waits, parked (default 120000)\n"
"  --migrate-timeout MS  for the memory migration (default 300000)\n"
"  -n, --dry-run         check everything, change nothing\n"
"\n"
"  -j, --json            phases and the outcome as JSON lines\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n";

enum {
	OPT_CHANNEL = 256, OPT_TO_CHANNEL, OPT_URI, OPT_NIC, OPT_DEV,
	OPT_TO_MODEL, OPT_TO_NETDEV, OPT_TO_MAC, OPT_TO_ID, OPT_VERIFY,
	OPT_GUEST_TIMEOUT, OPT_PARK_TIMEOUT, OPT_MIGRATE_TIMEOUT,
	OPT_QUIT_SOURCE, OPT_PORT, OPT_PORT_NAME, OPT_SHADOWCTL,
	OPT_XEN, OPT_TO_NIC, OPT_SSH, OPT_XL, OPT_XENSTORE, OPT_REMOTE_AGENT,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "to-channel", required_argument, NULL, OPT_TO_CHANNEL },
	{ "uri", required_argument, NULL, OPT_URI },
	{ "nic", required_argument, NULL, OPT_NIC },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "to-model", required_argument, NULL, OPT_TO_MODEL },
	{ "to-netdev", required_argument, NULL, OPT_TO_NETDEV },
	{ "to-mac", required_argument, NULL, OPT_TO_MAC },
	{ "to-id", required_argument, NULL, OPT_TO_ID },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "guest-timeout", required_argument, NULL, OPT_GUEST_TIMEOUT },
	{ "park-timeout", required_argument, NULL, OPT_PARK_TIMEOUT },
	{ "migrate-timeout", required_argument, NULL, OPT_MIGRATE_TIMEOUT },
	{ "quit-source", no_argument, NULL, OPT_QUIT_SOURCE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "port-name", required_argument, NULL, OPT_PORT_NAME },
	{ "shadowctl", required_argument, NULL, OPT_SHADOWCTL },
	{ "xen", no_argument, NULL, OPT_XEN },
	{ "to-nic", required_argument, NULL, OPT_TO_NIC },
	{ "ssh", required_argument, NULL, OPT_SSH },
	{ "xl", required_argument, NULL, OPT_XL },
	{ "xenstore", no_argument, NULL, OPT_XENSTORE },
	{ "remote-agent", required_argument, NULL, OPT_REMOTE_AGENT },
	{ NULL, 0, NULL, 0 }
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("migrate-agent: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(migrate-agent -h for help)\n", stderr);
	return MA_USAGE;
}

/* A timeout in milliseconds: 1 to 24 hours' worth, or -1. */
static int parse_ms(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v > 0 && v <= 86400000 ? (int)v : -1;
}

static int status(struct migrate_opts *m, bool xen, int argc, char **argv,
		  bool json)
{
#ifdef MA_XEN
	if (xen && argc == 1)
		return xen_status(argv[0], m->guest_timeout_ms, json);
#else
	(void)argv;
#endif
	if (xen)
		return usage_error("%s", "status --xen needs DOMAIN");
	if (!m->channel || argc)
		return usage_error("%s", "status needs --channel PATH");
	return qemu_status(m->channel, m->guest_timeout_ms, json);
}

static int xen_main(struct migrate_opts *m, const char *domain,
		    const char *dest)
{
	m->domain = domain;
	m->dest = dest;
	if (!m->to_nic)
		return usage_error("%s", "migrate --xen needs --to-nic BDF");
	if (m->channel || m->to_model)
		return usage_error("%s",
			"--channel and --to-model are QEMU's; on Xen the guest answers over xenstore");
#ifdef MA_XEN
	return xen_migrate(m);
#else
	return MA_USAGE;
#endif
}

static int arrive_main(struct migrate_opts *m, bool xen, int argc,
		       char **argv)
{
	if (!xen || argc != 1 || !m->to_nic)
		return usage_error("%s",
			"arrive needs --xen, --to-nic BDF and DOMAIN");
	m->domain = argv[0];
#ifdef MA_XEN
	return xen_arrive(m);
#else
	return MA_USAGE;
#endif
}

int main(int argc, char **argv)
{
	struct migrate_opts m = {
		.guest_timeout_ms = 10000,
		.park_timeout_ms = 120000,
		.migrate_timeout_ms = 300000,
	};
	struct guest_opts g = {
		.port_name = MA_PORT_NAME,
		.shadowctl = "shadowctl",
	};
	const char *cmd;
	bool json = false, xen = false;
	int c, *ms;

	while ((c = getopt_long(argc, argv, "jhVn", long_opts, NULL)) != -1) {
		ms = NULL;
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return MA_OK;
		case 'V':
			puts("migrate-agent " MA_VERSION);
			return MA_OK;
		case 'n':
			m.dry_run = true;
			break;
		case OPT_CHANNEL:
			m.channel = optarg;
			break;
		case OPT_TO_CHANNEL:
			m.dest_channel = optarg;
			break;
		case OPT_URI:
			m.uri = optarg;
			break;
		case OPT_NIC:
			m.nic_id = m.nic = optarg;
			break;
		case OPT_DEV:
			m.dev = optarg;
			break;
		case OPT_TO_MODEL:
			m.to_model = optarg;
			break;
		case OPT_TO_NETDEV:
			m.to_netdev = optarg;
			break;
		case OPT_TO_MAC:
			m.to_mac = optarg;
			break;
		case OPT_TO_ID:
			m.to_id = optarg;
			break;
		case OPT_VERIFY:
			m.verify_addr = optarg;
			break;
		case OPT_GUEST_TIMEOUT:
			ms = &m.guest_timeout_ms;
			break;
		case OPT_PARK_TIMEOUT:
			ms = &m.park_timeout_ms;
			break;
		case OPT_MIGRATE_TIMEOUT:
			ms = &m.migrate_timeout_ms;
			break;
		case OPT_QUIT_SOURCE:
			m.quit_source = true;
			break;
		case OPT_PORT:
			g.port = optarg;
			break;
		case OPT_PORT_NAME:
			g.port_name = optarg;
			break;
		case OPT_SHADOWCTL:
			g.shadowctl = optarg;
			break;
		case OPT_XEN:
			xen = true;
			break;
		case OPT_TO_NIC:
			m.to_nic = optarg;
			break;
		case OPT_SSH:
			m.ssh = optarg;
			break;
		case OPT_XL:
			m.xl = optarg;
			break;
		case OPT_XENSTORE:
			g.xenstore = true;
			break;
		case OPT_REMOTE_AGENT:
			m.remote_agent = optarg;
			break;
		default:
			return usage_error("%s", "bad option");
		}
		if (!ms)
			continue;
		*ms = parse_ms(optarg);
		if (*ms < 0)
			return usage_error("'%s' is no timeout in ms", optarg);
	}
	/* getopt permutes: options may come before or after the command */
	if (optind >= argc)
		return usage_error("%s", "no command (migrate, status, guest)");
	cmd = argv[optind++];
	/* a QEMU or guest that goes away is an error to report, not a kill */
	signal(SIGPIPE, SIG_IGN);
	report_init(json);
	if (!strcmp(cmd, "guest"))
		return guest_main(&g);
#ifndef MA_XEN
	if (xen)
		return usage_error("%s",
			"--xen: built without Xen support (libxen-dev)");
#endif
	if (!strcmp(cmd, "status"))
		return status(&m, xen, argc - optind, argv + optind, json);
	if (!strcmp(cmd, "arrive"))
		return arrive_main(&m, xen, argc - optind, argv + optind);
	if (strcmp(cmd, "migrate"))
		return usage_error("unknown command '%s'", cmd);
	if (argc - optind != 2)
		return usage_error("%s", xen ?
			"migrate --xen needs DOMAIN and DESTINATION" :
			"migrate needs SRC-QMP and DST-QMP");
	if (xen)
		return xen_main(&m, argv[optind], argv[optind + 1]);
	m.qmp = argv[optind];
	m.dest_qmp = argv[optind + 1];
	m.nic_id = m.nic_id ?: "nic1";
	if (!m.channel || !m.dest_channel || !m.uri || !m.to_model)
		return usage_error("%s",
			"migrate needs --channel, --to-channel, --uri and --to-model");
	return qemu_migrate(&m);
}
