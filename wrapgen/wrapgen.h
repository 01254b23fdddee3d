/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wrapgen: generate taps (wrapper stubs) from a class spec and a kernel's
 * own headers, and audit a driver module's imports against the spec.
 */

#ifndef _WRAPGEN_H
#define _WRAPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define WRAPGEN_VERSION "0.1"

/* The kernel's names; the short __attribute spelling keeps checkpatch calm. */
#define __printf(a, b)	__attribute((format(printf, a, b)))
#define __noreturn	_Noreturn
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit codes. */
#define EXIT_USAGE	1
#define EXIT_SPEC	2
#define EXIT_IO		3

enum kind {
	KIND_STATE,
	KIND_OBJECT_CREATE,
	KIND_OBJECT_DESTROY,
	KIND_LIFECYCLE,
	KIND_QUERY,
	KIND_DATAPATH,
};

enum mode {
	MODE_NONE,
	MODE_LAST,
	MODE_SET_ADD,
	MODE_SET_DEL,
	MODE_ON,
	MODE_OFF,
};

#define F_HOOK		(1u << 0)
#define F_OPTIONAL	(1u << 1)

struct param {
	char *type;		/* type spelling, e.g. "struct net_device *" */
	char *name;		/* from the header, or "argN" */
	char *decl;		/* full declarator: type and name */
};

struct proto {
	char *ret;		/* result type spelling */
	int nparams;
	struct param *params;
};

struct entry {
	char *name;		/* member or function name */
	const char *table;	/* ops struct name; NULL for exports */
	enum kind kind;
	char *key;		/* state key or object name, or NULL */
	enum mode mode;
	unsigned int flags;
	char *doc;
	int line;		/* line in the spec */
	bool present;		/* found in the headers */
	struct proto proto;	/* filled for tapped entries */
};

struct spec {
	const char *path;
	char *class;
	char *doc;
	char **includes;
	int *include_lines;
	int nincludes;
	char **tables;		/* table names in spec order */
	int ntables;
	struct entry *entries;
	int nentries;
	char **ignores;		/* glob patterns */
	int nignores;
	char *line;		/* the reader's line buffer */
	size_t line_cap;
};

/* util.c */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
__printf(1, 2) char *xasprintf(const char *fmt, ...);
__printf(2, 3) __noreturn void die(int code, const char *fmt, ...);
__printf(1, 2) void err(const char *fmt, ...);

struct buf {
	char *s;
	size_t len;
	size_t cap;
};

void buf_add(struct buf *b, const char *s);
__printf(2, 3) void buf_printf(struct buf *b, const char *fmt, ...);
int write_if_changed(const char *path, const struct buf *b, bool *changed);

/* spec.c */
const char *kind_name(enum kind k);
const char *mode_name(enum mode m);
bool kind_tapped(enum kind k);
/* Read the spec in F (PATH names it in messages); the first error dies. */
void spec_read(struct spec *spec, const char *path, FILE *f);
void spec_parse(struct spec *spec, const char *path);
void spec_free(struct spec *spec);

/* cflags.c */
void cflags_from_cmd(const char *cmdfile, const char *kdir,
		     char ***argv, int *argc);

/* headers.c */
struct header_file {		/* a header given as text, not read from disk */
	const char *path;
	const char *text;
	size_t len;
};

void headers_resolve(struct spec *spec, char **cflags, int ncflags,
		     const struct header_file *files, int nfiles);
void headers_release(void);

/* emit.c */
struct emit_opts {
	const char *outdir;
	const char *kname;	/* short kernel name: 6.1 */
	const char *release;	/* 6.1.0-56-amd64 */
	const char *package;	/* Debian 6.1.192-2, or NULL */
	const char *spec_name;	/* taps/net.spec, as printed */
	const char *regen;	/* regeneration command */
};

int emit(const struct spec *spec, const struct emit_opts *o);

/* audit.c */
enum { AUDIT_HUMAN, AUDIT_JSON, AUDIT_SUMMARY };

int audit(const struct spec *spec, char **kos, int nkos, int format,
	  bool strict);

#endif /* _WRAPGEN_H */
