// SPDX-License-Identifier: GPL-2.0
/*
 * Compiler flags from a Kbuild .cmd file: the include paths, defines and
 * forced includes Kbuild used for one object, cut down to what clang's
 * parser needs. Relative paths are relative to the kernel build directory
 * (Kbuild runs the compiler there).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrapgen.h"

static void push(char ***argv, int *argc, char *s)
{
	*argv = xrealloc(*argv, (*argc + 2) * sizeof(**argv));
	(*argv)[(*argc)++] = s;
	(*argv)[*argc] = NULL;
}

static char *abspath(const char *kdir, const char *p)
{
	if (p[0] == '/' || !kdir)
		return xstrdup(p);
	if (p[0] == '.' && p[1] == '/')
		p += 2;
	return xasprintf("%s/%s", kdir, p);
}

/* Next shell word of *pp; NULL at the end or at an unquoted ';'. */
static char *next_word(char **pp)
{
	char *p = *pp, *w, *q;
	char quote = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == ';' || *p == '\n') {
		*pp = p;
		return NULL;
	}
	w = q = p;
	while (*p && (quote || (*p != ' ' && *p != '\t' && *p != '\n' &&
				*p != ';'))) {
		if (quote && *p == quote) {
			quote = 0;
			p++;
		} else if (!quote && (*p == '\'' || *p == '"')) {
			quote = *p++;
		} else if (*p == '\\' && quote != '\'' && p[1]) {
			p++;
			*q++ = *p++;
		} else {
			*q++ = *p++;
		}
	}
	if (*p == ';' || *p == '\n' || !*p) {
		/* Keep the stop character; terminate the word at q < p. */
		if (q == p && *p) {
			memmove(w - 1, w, q - w);
			w--;
			q--;
		}
		*q = '\0';
		*pp = p;
		return w;
	}
	*q = '\0';
	*pp = p + 1;
	return w;
}

void cflags_from_cmd(const char *cmdfile, const char *kdir, char ***argv,
		     int *argc)
{
	char *line = NULL, *p, *w;
	bool m64 = false;
	size_t cap = 0;
	FILE *f;

	f = fopen(cmdfile, "r");
	if (!f)
		die(EXIT_IO, "%s: %s", cmdfile, strerror(errno));
	if (getline(&line, &cap, f) < 0)
		die(EXIT_IO, "%s: empty", cmdfile);
	fclose(f);
	p = strstr(line, ":=");
	if ((strncmp(line, "cmd_", 4) && strncmp(line, "savedcmd_", 9)) || !p)
		die(EXIT_SPEC, "%s:1: not a Kbuild .cmd file", cmdfile);
	p += 2;
	next_word(&p);		/* the compiler */
	while ((w = next_word(&p))) {
		if (!strcmp(w, "-nostdinc")) {
			push(argv, argc, xstrdup(w));
		} else if (!strcmp(w, "-I") || !strcmp(w, "-isystem") ||
			   !strcmp(w, "-include")) {
			char *v = next_word(&p);

			if (!v)
				die(EXIT_SPEC, "%s:1: %s without argument",
				    cmdfile, w);
			push(argv, argc, xstrdup(w));
			push(argv, argc, abspath(kdir, v));
		} else if (!strncmp(w, "-I", 2)) {
			push(argv, argc, xstrdup("-I"));
			push(argv, argc, abspath(kdir, w + 2));
		} else if (!strncmp(w, "-isystem", 8)) {
			push(argv, argc, xstrdup("-isystem"));
			push(argv, argc, abspath(kdir, w + 8));
		} else if (!strncmp(w, "-D", 2) || !strncmp(w, "-U", 2) ||
			   !strncmp(w, "-std=", 5)) {
			push(argv, argc, xstrdup(w));
		} else if (!strcmp(w, "-m64")) {
			m64 = true;
		}
	}
	free(line);
	if (m64) {
		push(argv, argc, xstrdup("-target"));
		push(argv, argc, xstrdup("x86_64-linux-gnu"));
	}
}
