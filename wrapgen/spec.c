// SPDX-License-Identifier: GPL-2.0
/*
 * The class spec parser. The format (taps/README.md, wrapgen(1)) is line
 * based: top-level statements start in column 0, entries and ignore
 * patterns are indented under their section. The first error stops the
 * program with FILE:LINE and the offending token.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrapgen.h"

static const char * const kind_names[] = {
	[KIND_STATE] = "state",
	[KIND_OBJECT_CREATE] = "object-create",
	[KIND_OBJECT_DESTROY] = "object-destroy",
	[KIND_LIFECYCLE] = "lifecycle",
	[KIND_QUERY] = "query",
	[KIND_DATAPATH] = "datapath",
};

static const char * const mode_names[] = {
	[MODE_NONE] = "none",
	[MODE_LAST] = "last",
	[MODE_SET_ADD] = "set-add",
	[MODE_SET_DEL] = "set-del",
	[MODE_ON] = "on",
	[MODE_OFF] = "off",
};

#define NKINDS ARRAY_SIZE(kind_names)
#define NMODES ARRAY_SIZE(mode_names)
#define MAXTOK 64

enum section { SEC_NONE, SEC_TABLE, SEC_EXPORTS, SEC_IGNORE };

struct token {
	char *s;
	bool quoted;
};

const char *kind_name(enum kind k)
{
	return kind_names[k];
}

const char *mode_name(enum mode m)
{
	return mode_names[m];
}

/* Kinds that get a generated stub. */
bool kind_tapped(enum kind k)
{
	return k == KIND_STATE || k == KIND_OBJECT_CREATE ||
	       k == KIND_OBJECT_DESTROY || k == KIND_LIFECYCLE;
}

static int lookup(const char * const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return -1;
}

static bool is_ident(const char *s)
{
	if (!*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Split a line into words and "quoted strings"; returns the count. */
static int tokenize(const char *path, int ln, char *line, struct token *tok)
{
	char *p = line, *q;
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (n == MAXTOK)
			die(EXIT_SPEC, "%s:%d: too many tokens", path, ln);
		if (*p == '"') {
			tok[n].quoted = true;
			tok[n].s = q = ++p;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				*q++ = *p++;
			}
			if (*p != '"')
				die(EXIT_SPEC, "%s:%d: unterminated string",
				    path, ln);
			p++;
			if (*p && !isspace((unsigned char)*p))
				die(EXIT_SPEC, "%s:%d: junk after string: '%s'",
				    path, ln, p);
			*q = '\0';
		} else {
			tok[n].quoted = false;
			tok[n].s = p;
			while (*p && !isspace((unsigned char)*p))
				p++;
			if (*p)
				*p++ = '\0';
		}
		n++;
	}
	return n;
}

static void push_str(char ***arr, int *n, const char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = xstrdup(s);
}

static void parse_entry(struct spec *spec, const char *table, int ln,
			struct token *tok, int n)
{
	const char *path = spec->path;
	struct entry *e;
	int i = 0, k, m;

	if (tok[0].quoted || !is_ident(tok[0].s))
		die(EXIT_SPEC, "%s:%d: bad entry name '%s'", path, ln, tok[0].s);
	for (k = 0; k < spec->nentries; k++)
		if (spec->entries[k].table == table &&
		    !strcmp(spec->entries[k].name, tok[0].s))
			die(EXIT_SPEC, "%s:%d: duplicate entry '%s' (line %d)",
			    path, ln, tok[0].s, spec->entries[k].line);
	if (n < 2)
		die(EXIT_SPEC, "%s:%d: %s: missing KIND", path, ln, tok[0].s);
	k = tok[1].quoted ? -1 : lookup(kind_names, NKINDS, tok[1].s);
	if (k < 0)
		die(EXIT_SPEC,
		    "%s:%d: unknown kind '%s' (state, object-create, object-destroy, lifecycle, query, datapath)",
		    path, ln, tok[1].s);

	spec->entries = xrealloc(spec->entries,
				 (spec->nentries + 1) * sizeof(*e));
	e = &spec->entries[spec->nentries++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(tok[0].s);
	e->table = table;
	e->kind = k;
	e->line = ln;
	e->mode = k == KIND_STATE ? MODE_LAST : MODE_NONE;
	i = 2;

	if (k == KIND_STATE || k == KIND_OBJECT_CREATE ||
	    k == KIND_OBJECT_DESTROY) {
		if (i >= n || tok[i].quoted || !strcmp(tok[i].s, "hook") ||
		    !strcmp(tok[i].s, "optional") ||
		    lookup(mode_names, NMODES, tok[i].s) >= 0)
			die(EXIT_SPEC, "%s:%d: %s: kind %s needs a KEY%s",
			    path, ln, e->name, kind_names[k],
			    k == KIND_STATE ? "" : " (the object name)");
		if (!is_ident(tok[i].s))
			die(EXIT_SPEC, "%s:%d: bad KEY '%s'", path, ln,
			    tok[i].s);
		e->key = xstrdup(tok[i++].s);
	}
	if (k == KIND_STATE && i < n && !tok[i].quoted) {
		m = lookup(mode_names, NMODES, tok[i].s);
		if (m > MODE_NONE) {
			e->mode = m;
			i++;
		}
	}
	for (; i < n; i++) {
		if (tok[i].quoted && i == n - 1) {
			e->doc = xstrdup(tok[i].s);
		} else if (!tok[i].quoted && !strcmp(tok[i].s, "hook")) {
			e->flags |= F_HOOK;
		} else if (!tok[i].quoted && !strcmp(tok[i].s, "optional")) {
			e->flags |= F_OPTIONAL;
		} else {
			die(EXIT_SPEC, "%s:%d: %s: unexpected token '%s'",
			    path, ln, e->name, tok[i].s);
		}
	}
	if ((e->flags & F_HOOK) && !kind_tapped(e->kind))
		die(EXIT_SPEC, "%s:%d: %s: a %s entry gets no stub, so no hook",
		    path, ln, e->name, kind_names[k]);
}

static void parse_line(struct spec *spec, enum section *sec,
		       const char **table, int ln, char *line)
{
	const char *path = spec->path;
	bool indented = isspace((unsigned char)line[0]);
	struct token tok[MAXTOK];
	int n, i;

	n = tokenize(path, ln, line, tok);
	if (!n || (!tok[0].quoted && tok[0].s[0] == '#'))
		return;

	if (indented) {
		switch (*sec) {
		case SEC_TABLE:
			parse_entry(spec, *table, ln, tok, n);
			return;
		case SEC_EXPORTS:
			parse_entry(spec, NULL, ln, tok, n);
			return;
		case SEC_IGNORE:
			for (i = 0; i < n; i++)
				push_str(&spec->ignores, &spec->nignores,
					 tok[i].s);
			return;
		default:
			die(EXIT_SPEC, "%s:%d: indented line '%s' outside a section",
			    path, ln, tok[0].s);
		}
	}

	if (!strcmp(tok[0].s, "class") && n == 2 && is_ident(tok[1].s)) {
		if (spec->class)
			die(EXIT_SPEC, "%s:%d: second class statement",
			    path, ln);
		spec->class = xstrdup(tok[1].s);
	} else if (!strcmp(tok[0].s, "doc") && n == 2 && tok[1].quoted) {
		if (spec->doc)
			die(EXIT_SPEC, "%s:%d: second doc statement",
			    path, ln);
		spec->doc = xstrdup(tok[1].s);
	} else if (!strcmp(tok[0].s, "include") && n == 2 && !tok[1].quoted) {
		spec->include_lines = xrealloc(spec->include_lines,
			(spec->nincludes + 1) * sizeof(int));
		spec->include_lines[spec->nincludes] = ln;
		push_str(&spec->includes, &spec->nincludes, tok[1].s);
	} else if (!strcmp(tok[0].s, "table") && n == 2 &&
		   is_ident(tok[1].s)) {
		for (i = 0; i < spec->ntables; i++)
			if (!strcmp(spec->tables[i], tok[1].s))
				die(EXIT_SPEC, "%s:%d: table %s given twice",
				    path, ln, tok[1].s);
		push_str(&spec->tables, &spec->ntables, tok[1].s);
		*table = spec->tables[spec->ntables - 1];
		*sec = SEC_TABLE;
	} else if (!strcmp(tok[0].s, "exports") && n == 1) {
		*sec = SEC_EXPORTS;
	} else if (!strcmp(tok[0].s, "ignore") && n == 1) {
		*sec = SEC_IGNORE;
	} else if (!strcmp(tok[0].s, "class") || !strcmp(tok[0].s, "doc") ||
		   !strcmp(tok[0].s, "include") || !strcmp(tok[0].s, "table") ||
		   !strcmp(tok[0].s, "exports") || !strcmp(tok[0].s, "ignore")) {
		die(EXIT_SPEC, "%s:%d: bad '%s' statement", path, ln,
		    tok[0].s);
	} else {
		die(EXIT_SPEC, "%s:%d: unknown statement '%s'", path, ln,
		    tok[0].s);
	}
}

void spec_read(struct spec *spec, const char *path, FILE *f)
{
	enum section sec = SEC_NONE;
	const char *table = NULL;
	int ln = 0;

	memset(spec, 0, sizeof(*spec));
	spec->path = path;
	while (getline(&spec->line, &spec->line_cap, f) >= 0) {
		ln++;
		spec->line[strcspn(spec->line, "\n")] = '\0';
		parse_line(spec, &sec, &table, ln, spec->line);
	}
	if (ferror(f))
		die(EXIT_IO, "%s: %s", path, strerror(errno));
	free(spec->line);
	spec->line = NULL;
	if (!spec->class)
		die(EXIT_SPEC, "%s:%d: no class statement", path, ln);
	if (!spec->nincludes)
		die(EXIT_SPEC, "%s:%d: no include statement", path, ln);
}

void spec_parse(struct spec *spec, const char *path)
{
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		die(EXIT_IO, "%s: %s", path, strerror(errno));
	spec_read(spec, path, f);
	fclose(f);
}

static void free_strs(char **arr, int n)
{
	while (n--)
		free(arr[n]);
	free(arr);
}

/*
 * Every string and array is stored in SPEC as soon as it is made, so this
 * also frees a spec whose reading stopped halfway.
 */
void spec_free(struct spec *spec)
{
	struct entry *e;
	int i, j;

	for (i = 0; i < spec->nentries; i++) {
		e = &spec->entries[i];
		free(e->name);
		free(e->key);
		free(e->doc);
		for (j = 0; j < e->proto.nparams; j++) {
			free(e->proto.params[j].type);
			free(e->proto.params[j].name);
			free(e->proto.params[j].decl);
		}
		free(e->proto.params);
		free(e->proto.ret);
	}
	free(spec->entries);
	free(spec->class);
	free(spec->doc);
	free_strs(spec->includes, spec->nincludes);
	free(spec->include_lines);
	free_strs(spec->tables, spec->ntables);
	free_strs(spec->ignores, spec->nignores);
	free(spec->line);
	memset(spec, 0, sizeof(*spec));
}
