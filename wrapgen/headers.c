// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's headers, parsed by libclang with Kbuild's own flags: find
 * each table struct and member, each exported function, and take their
 * prototypes (result type, parameter types and names) from the parse.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clang-c/Index.h>

#include "wrapgen.h"

#define TU_NAME "wrapgen-tu.c"

/* What the headers say about one name the spec uses. */
struct sym {
	const char *name;
	CXCursor func;		/* first function declaration */
	bool has_func;
	bool is_inline;		/* some declaration is inline or static */
	CXCursor func_def;	/* the inline definition, if any */
	bool has_func_def;
	CXCursor macro;
	bool has_macro;
	CXCursor other;		/* a variable, typedef, ... of that name */
	bool has_other;
	CXCursor record;	/* a struct definition of that tag */
	bool has_record;
};

struct lookup {
	struct sym *syms;
	int nsyms;
};

/*
 * The parse in flight. wrapgen dies on the first error; what the parse
 * holds is kept here, so that headers_release() can give it back when a
 * caller goes on after an error (the fuzz target does).
 */
static struct {
	CXIndex idx;
	CXTranslationUnit tu;
	struct CXUnsavedFile *unsaved;
	struct buf src;
	struct lookup lk;
	char where[4096];
} parse;

static int sym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sym *)a)->name,
		      ((const struct sym *)b)->name);
}

static struct sym *find_sym(struct lookup *lk, const char *name)
{
	struct sym key = { .name = name };

	return bsearch(&key, lk->syms, lk->nsyms, sizeof(key), sym_cmp);
}

static char *str(CXString cs)
{
	const char *c = clang_getCString(cs);
	char *s = xstrdup(c ? c : "");

	clang_disposeString(cs);
	return s;
}

/*
 * "FILE:LINE" of a cursor, for messages: in a buffer of the parse's, as
 * one message at a time names one place, so that a message that dies
 * leaves nothing to free.
 */
static const char *where(CXCursor c)
{
	CXSourceLocation loc = clang_getCursorLocation(c);
	unsigned int line;
	CXFile file;
	char *f;

	clang_getSpellingLocation(loc, &file, &line, NULL, NULL);
	if (!file)
		return "<built-in>";
	f = str(clang_getFileName(file));
	snprintf(parse.where, sizeof(parse.where), "%s:%u", f, line);
	free(f);
	return parse.where;
}

/* "#define foo foo": the arch says it has its own foo; still a function. */
static bool self_macro(CXCursor c, const char *name)
{
	CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
	CXToken *toks = NULL;
	unsigned int n = 0, i;
	bool self = false;
	char *t;

	clang_tokenize(tu, clang_getCursorExtent(c), &toks, &n);
	if (n == 2) {
		self = true;
		for (i = 0; i < n; i++) {
			t = str(clang_getTokenSpelling(tu, toks[i]));
			self = self && !strcmp(t, name);
			free(t);
		}
	}
	clang_disposeTokens(tu, toks, n);
	return self;
}

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent,
					 CXClientData data)
{
	struct lookup *lk = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	struct sym *s;
	char *name;

	(void)parent;
	if (k != CXCursor_FunctionDecl && k != CXCursor_MacroDefinition &&
	    k != CXCursor_StructDecl && k != CXCursor_VarDecl &&
	    k != CXCursor_TypedefDecl && k != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	name = str(clang_getCursorSpelling(c));
	s = find_sym(lk, name);
	free(name);
	if (!s)
		return CXChildVisit_Continue;

	switch (k) {
	case CXCursor_FunctionDecl:
		if (!s->has_func) {
			s->func = c;
			s->has_func = true;
		}
		if (clang_Cursor_isFunctionInlined(c) ||
		    clang_Cursor_getStorageClass(c) == CX_SC_Static) {
			s->is_inline = true;
			if (!s->has_func_def || clang_isCursorDefinition(c)) {
				s->func_def = c;
				s->has_func_def = true;
			}
		}
		break;
	case CXCursor_MacroDefinition:
		if (!clang_Cursor_isMacroBuiltin(c) && !s->has_macro &&
		    !self_macro(c, s->name)) {
			s->macro = c;
			s->has_macro = true;
		}
		break;
	case CXCursor_StructDecl:
		if (clang_isCursorDefinition(c)) {
			s->record = c;
			s->has_record = true;
		}
		break;
	default:
		if (!s->has_other) {
			s->other = c;
			s->has_other = true;
		}
		break;
	}
	return CXChildVisit_Continue;
}

/* Peel typedefs, elaborations and attributes off a type. */
static CXType peel(CXType t)
{
	for (;;) {
		switch (t.kind) {
		case CXType_Typedef:
			t = clang_getTypedefDeclUnderlyingType(
					clang_getTypeDeclaration(t));
			break;
		case CXType_Elaborated:
			t = clang_Type_getNamedType(t);
			break;
		case CXType_Attributed:
			t = clang_Type_getModifiedType(t);
			break;
		default:
			return t;
		}
	}
}

static bool is_function_type(CXType t)
{
	return t.kind == CXType_FunctionProto ||
	       t.kind == CXType_FunctionNoProto ||
	       clang_getResultType(t).kind != CXType_Invalid;
}

struct parm_list {
	CXCursor c[64];
	int n;
};

static enum CXChildVisitResult visit_parm(CXCursor c, CXCursor parent,
					  CXClientData data)
{
	struct parm_list *pl = data;

	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_ParmDecl && pl->n < 64)
		pl->c[pl->n++] = c;
	return CXChildVisit_Continue;
}

/* "TYPE NAME" as a declarator, also for pointers to functions. */
static char *declarator(const char *type, const char *name)
{
	const char *fp = strstr(type, "(*");
	const char *arr = strchr(type, '[');
	size_t n = strlen(type);

	if (fp)
		return xasprintf("%.*s%s%s", (int)(fp + 2 - type), type, name,
				 fp + 2);
	if (arr)
		return xasprintf("%.*s%s%s", (int)(arr - type), type, name,
				 arr);
	if (n && type[n - 1] == '*')
		return xasprintf("%s%s", type, name);
	return xasprintf("%s %s", type, name);
}

/*
 * Fill e->proto from a function type and the cursor whose ParmDecl
 * children name its parameters (a function, or a pointer-to-function
 * member). what/loc are for messages.
 */
static void make_proto(const struct spec *spec, struct entry *e, CXType fn,
		       CXCursor owner, const char *what, const char *loc)
{
	struct parm_list pl = { .n = 0 };
	int i, n;

	if (fn.kind == CXType_FunctionNoProto)
		die(EXIT_SPEC, "%s:%d: %s: %s at %s has no prototype",
		    spec->path, e->line, e->name, what, loc);
	if (clang_isFunctionTypeVariadic(fn))
		die(EXIT_SPEC, "%s:%d: %s: %s at %s is variadic (not supported)",
		    spec->path, e->line, e->name, what, loc);
	n = clang_getNumArgTypes(fn);
	if (n < 0 || n > 64)
		die(EXIT_SPEC, "%s:%d: %s: %s at %s: cannot read its parameters",
		    spec->path, e->line, e->name, what, loc);
	clang_visitChildren(owner, visit_parm, &pl);
	if (pl.n != n)
		pl.n = 0;	/* e.g. a typedef'd pointer: no names */

	e->proto.ret = str(clang_getTypeSpelling(clang_getResultType(fn)));
	if (strstr(e->proto.ret, "(*"))
		die(EXIT_SPEC, "%s:%d: %s: %s at %s returns a pointer to a function (not supported)",
		    spec->path, e->line, e->name, what, loc);
	e->proto.nparams = n;
	e->proto.params = xmalloc(n * sizeof(struct param));
	for (i = 0; i < n; i++) {
		struct param *p = &e->proto.params[i];

		if (pl.n) {
			p->type = str(clang_getTypeSpelling(
					clang_getCursorType(pl.c[i])));
			p->name = str(clang_getCursorSpelling(pl.c[i]));
		} else {
			p->type = str(clang_getTypeSpelling(
					clang_getArgType(fn, i)));
			p->name = xstrdup("");
		}
		if (!p->name[0]) {
			free(p->name);
			p->name = xasprintf("arg%d", i);
		}
		p->decl = declarator(p->type, p->name);
	}
	if (e->table && !n)
		die(EXIT_SPEC, "%s:%d: %s: member at %s takes no arguments, so no object to find the table by",
		    spec->path, e->line, e->name, loc);
	if (e->table && !strchr(e->proto.params[0].type, '*'))
		die(EXIT_SPEC, "%s:%d: %s: member at %s takes %s first, not a pointer to the object to find the table by",
		    spec->path, e->line, e->name, loc, e->proto.params[0].type);
}

struct member_find {
	const char *name;
	CXCursor c;
	bool found;
};

static enum CXChildVisitResult visit_member(CXCursor c, CXCursor parent,
					    CXClientData data)
{
	struct member_find *mf = data;
	char *name;

	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_FieldDecl)
		return CXChildVisit_Continue;
	name = str(clang_getCursorSpelling(c));
	if (!strcmp(name, mf->name)) {
		mf->c = c;
		mf->found = true;
	}
	free(name);
	return mf->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

static void resolve_member(const struct spec *spec, struct entry *e,
			   struct sym *s)
{
	struct member_find mf = { .name = e->name, .found = false };
	CXType t;
	const char *loc;

	if (!s || !s->has_record)
		die(EXIT_SPEC, "%s:%d: table %s: no struct %s in the headers",
		    spec->path, e->line, e->table, e->table);
	clang_visitChildren(s->record, visit_member, &mf);
	if (!mf.found) {
		if (e->flags & F_OPTIONAL)
			return;
		loc = where(s->record);
		die(EXIT_SPEC, "%s:%d: struct %s (%s) has no member '%s'",
		    spec->path, e->line, e->table, loc, e->name);
	}
	loc = where(mf.c);
	t = peel(clang_getCursorType(mf.c));
	if (t.kind == CXType_Pointer)
		t = peel(clang_getPointeeType(t));
	if (!is_function_type(t))
		die(EXIT_SPEC, "%s:%d: %s.%s at %s is not a pointer to a function",
		    spec->path, e->line, e->table, e->name, loc);
	e->present = true;
	if (kind_tapped(e->kind))
		make_proto(spec, e, t, mf.c, "member", loc);
}

static void resolve_export(const struct spec *spec, struct entry *e,
			   struct sym *s)
{
	const char *loc;

	/* optional: absent, or not a real function, on this kernel */
	if ((e->flags & F_OPTIONAL) && s && (s->has_macro || s->is_inline))
		return;
	if (s && s->has_macro) {
		loc = where(s->macro);
		die(EXIT_SPEC, "%s:%d: %s is a macro (defined at %s), not an exported function",
		    spec->path, e->line, e->name, loc);
	}
	if (s && s->is_inline) {
		loc = where(s->func_def);
		die(EXIT_SPEC, "%s:%d: %s is static inline (defined at %s), not an exported function",
		    spec->path, e->line, e->name, loc);
	}
	if (s && !s->has_func && s->has_other) {
		loc = where(s->other);
		die(EXIT_SPEC, "%s:%d: %s is not a function (declared at %s)",
		    spec->path, e->line, e->name, loc);
	}
	if (!s || !s->has_func) {
		if (e->flags & F_OPTIONAL)
			return;
		die(EXIT_SPEC, "%s:%d: no function %s in the headers",
		    spec->path, e->line, e->name);
	}
	e->present = true;
	if (kind_tapped(e->kind)) {
		loc = where(s->func);
		make_proto(spec, e, clang_getCursorType(s->func), s->func,
			   "function", loc);
	}
}

/* Stop on any error diagnostic, with its file:line. */
static void check_diags(const struct spec *spec, CXTranslationUnit tu)
{
	unsigned int i, n = clang_getNumDiagnostics(tu), line;
	int bad = 0;

	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
		CXFile file;
		char *f, *msg;

		if (sev < CXDiagnostic_Error) {
			clang_disposeDiagnostic(d);
			continue;
		}
		clang_getSpellingLocation(clang_getDiagnosticLocation(d),
					  &file, &line, NULL, NULL);
		f = file ? str(clang_getFileName(file)) : xstrdup("<unknown>");
		msg = str(clang_getDiagnosticSpelling(d));
		if (!strcmp(f, TU_NAME) && line >= 1 &&
		    (int)line <= spec->nincludes)
			err("%s:%d: include %s: %s", spec->path,
			    spec->include_lines[line - 1],
			    spec->includes[line - 1], msg);
		else
			err("%s:%u: %s", f, line, msg);
		free(f);
		free(msg);
		clang_disposeDiagnostic(d);
		bad++;
	}
	if (bad)
		die(EXIT_SPEC, "%s: %d error(s) parsing the kernel headers",
		    spec->path, bad);
}

static void add_name(struct lookup *lk, const char *name)
{
	lk->syms = xrealloc(lk->syms, (lk->nsyms + 1) * sizeof(struct sym));
	memset(&lk->syms[lk->nsyms], 0, sizeof(struct sym));
	lk->syms[lk->nsyms++].name = name;
}

/* Give back what the parse in flight holds; also after an error. */
void headers_release(void)
{
	if (parse.tu)
		clang_disposeTranslationUnit(parse.tu);
	if (parse.idx)
		clang_disposeIndex(parse.idx);
	free(parse.unsaved);
	free(parse.lk.syms);
	free(parse.src.s);
	memset(&parse, 0, sizeof(parse));
}

/*
 * Resolve every entry of @spec against the headers its includes name,
 * parsed with @cflags; @files stand in for headers of those paths (the
 * fuzz target's), NULL for none. The first error dies.
 */
void headers_resolve(struct spec *spec, char **cflags, int ncflags,
		     const struct header_file *files, int nfiles)
{
	struct lookup *lk = &parse.lk;
	struct buf *src = &parse.src;
	struct CXUnsavedFile *unsaved;
	enum CXErrorCode rc;
	int i, j;

	headers_release();
	for (i = 0; i < spec->nincludes; i++)
		buf_printf(src, "#include <%s>\n", spec->includes[i]);
	for (i = 0; i < spec->ntables; i++)
		add_name(lk, spec->tables[i]);
	for (i = 0; i < spec->nentries; i++)
		if (!spec->entries[i].table)
			add_name(lk, spec->entries[i].name);
	qsort(lk->syms, lk->nsyms, sizeof(struct sym), sym_cmp);
	for (i = 0, j = 0; i < lk->nsyms; i++)	/* a table may share a name */
		if (!j || strcmp(lk->syms[j - 1].name, lk->syms[i].name))
			lk->syms[j++] = lk->syms[i];
	lk->nsyms = j;

	unsaved = xmalloc((nfiles + 1) * sizeof(*unsaved));
	parse.unsaved = unsaved;
	unsaved[0].Filename = TU_NAME;
	unsaved[0].Contents = src->s;
	unsaved[0].Length = src->len;
	for (i = 0; i < nfiles; i++) {
		unsaved[i + 1].Filename = files[i].path;
		unsaved[i + 1].Contents = files[i].text;
		unsaved[i + 1].Length = files[i].len;
	}
	parse.idx = clang_createIndex(0, 0);
	rc = clang_parseTranslationUnit2(parse.idx, TU_NAME,
					 (const char * const *)cflags, ncflags,
					 unsaved, nfiles + 1,
					 CXTranslationUnit_DetailedPreprocessingRecord |
					 CXTranslationUnit_SkipFunctionBodies,
					 &parse.tu);
	if (rc != CXError_Success)
		die(EXIT_SPEC, "%s: libclang could not parse the headers (error %d)",
		    spec->path, rc);
	check_diags(spec, parse.tu);
	clang_visitChildren(clang_getTranslationUnitCursor(parse.tu), visit_top, lk);

	for (i = 0; i < spec->nentries; i++) {
		struct entry *e = &spec->entries[i];

		if (e->table)
			resolve_member(spec, e, find_sym(lk, e->table));
		else
			resolve_export(spec, e, find_sym(lk, e->name));
	}
	headers_release();
}
