// SPDX-License-Identifier: GPL-2.0
/*
 * wrapgen: the command line. Generate the taps of one class spec for one
 * kernel, or audit driver modules' imports against a spec. See wrapgen(1).
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrapgen.h"

static const char usage_text[] =
"usage: wrapgen [-o OUTDIR] [--kernel-name NAME] [--release STR]\n"
"               [--package STR] [--kdir DIR] [--cflags-from CMDFILE]\n"
"               [--spec-name NAME] [--regen-cmd CMD] SPEC [-- CLANGFLAGS...]\n"
"       wrapgen --audit [--json | --summary] [--strict] SPEC KO...\n"
"       wrapgen -h | --help | --version\n"
"\n"
"Generate OUTDIR/<class>_taps.[ch] from the class spec SPEC and the kernel\n"
"headers that clang parses with Kbuild's flags (read from the .cmd file of\n"
"an object Kbuild built, CMDFILE, relative to DIR) plus CLANGFLAGS; or list\n"
"the kernel functions each module KO imports and how SPEC classifies them.\n"
"Exit: 0 ok, 1 usage, 2 spec or header error, 3 I/O error.\n";

enum {
	OPT_KNAME = 256, OPT_RELEASE, OPT_PACKAGE, OPT_KDIR, OPT_CFLAGS_FROM,
	OPT_SPEC_NAME, OPT_REGEN, OPT_AUDIT, OPT_JSON, OPT_SUMMARY,
	OPT_STRICT, OPT_VERSION,
};

static const struct option options[] = {
	{ "outdir", required_argument, NULL, 'o' },
	{ "kernel-name", required_argument, NULL, OPT_KNAME },
	{ "release", required_argument, NULL, OPT_RELEASE },
	{ "package", required_argument, NULL, OPT_PACKAGE },
	{ "kdir", required_argument, NULL, OPT_KDIR },
	{ "cflags-from", required_argument, NULL, OPT_CFLAGS_FROM },
	{ "spec-name", required_argument, NULL, OPT_SPEC_NAME },
	{ "regen-cmd", required_argument, NULL, OPT_REGEN },
	{ "audit", no_argument, NULL, OPT_AUDIT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static __noreturn void usage(void)
{
	fputs(usage_text, stderr);
	exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
	struct emit_opts eo = { .outdir = ".", .release = "unknown" };
	const char *cmdfile = NULL, *kdir = NULL;
	int format = AUDIT_HUMAN, opt, ncflags = 0, nargs, i, rc;
	bool do_audit = false, strict = false;
	char **cflags = NULL;
	struct spec spec;
	char *regen = NULL;

	while ((opt = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (opt) {
		case 'o':
			eo.outdir = optarg;
			break;
		case OPT_KNAME:
			eo.kname = optarg;
			break;
		case OPT_RELEASE:
			eo.release = optarg;
			break;
		case OPT_PACKAGE:
			eo.package = optarg;
			break;
		case OPT_KDIR:
			kdir = optarg;
			break;
		case OPT_CFLAGS_FROM:
			cmdfile = optarg;
			break;
		case OPT_SPEC_NAME:
			eo.spec_name = optarg;
			break;
		case OPT_REGEN:
			eo.regen = optarg;
			break;
		case OPT_AUDIT:
			do_audit = true;
			break;
		case OPT_JSON:
			format = AUDIT_JSON;
			break;
		case OPT_SUMMARY:
			format = AUDIT_SUMMARY;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case OPT_VERSION:
			printf("wrapgen %s\n", WRAPGEN_VERSION);
			return 0;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();

	if (do_audit) {
		if (argc - optind < 2)
			usage();
		spec_parse(&spec, argv[optind]);
		rc = audit(&spec, argv + optind + 1, argc - optind - 1,
			   format, strict);
		spec_free(&spec);
		return rc;
	}

	/* CLANGFLAGS first, so that an overlay -I comes before Kbuild's. */
	for (i = optind + 1; i < argc; i++) {
		cflags = xrealloc(cflags, (ncflags + 2) * sizeof(*cflags));
		cflags[ncflags++] = argv[i];
	}
	nargs = ncflags;	/* after these, cflags_from_cmd()'s copies */
	if (cmdfile)
		cflags_from_cmd(cmdfile, kdir, &cflags, &ncflags);
	if (!ncflags) {
		err("no compiler flags: give --cflags-from or -- CLANGFLAGS");
		usage();
	}

	spec_parse(&spec, argv[optind]);
	if (!eo.spec_name)
		eo.spec_name = argv[optind];
	if (!eo.kname)
		eo.kname = eo.release;
	if (!eo.regen) {
		regen = xasprintf("scripts/regen-taps -f %s", eo.kname);
		eo.regen = regen;
	}
	headers_resolve(&spec, cflags, ncflags, NULL, 0);
	rc = emit(&spec, &eo);
	spec_free(&spec);
	for (i = nargs; i < ncflags; i++)
		free(cflags[i]);
	free(cflags);
	free(regen);
	return rc;
}
