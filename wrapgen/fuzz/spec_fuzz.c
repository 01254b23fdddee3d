// SPDX-License-Identifier: GPL-2.0
/*
 * A libFuzzer target for wrapgen's class spec parser (spec.c): every byte
 * string either parses into a spec that keeps the parser's promises or is
 * refused with FILE:LINE, never a crash. Built and run by
 * selftests/host/fuzz.sh with ASan and UBSan.
 *
 * wrapgen stops at the first spec error (die() exits); here die() is
 * wrapped (-Wl,--wrap=die) to format its message, as the real one does,
 * and jump back, and spec_free() then frees what was read so far.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../wrapgen.h"

static jmp_buf escape;
static int died;

__printf(2, 3) __noreturn void __wrap_die(int code, const char *fmt, ...);

void __wrap_die(int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Every refusal names the spec and the line. */
	if (strncmp(msg, "fuzz.spec:", 10))
		abort();
	died = code;
	longjmp(escape, 1);
}

static bool ident(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= '0' && *s <= '9') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/* What emit() and headers_resolve() rely on in a parsed spec. */
static void check(const struct spec *spec)
{
	const struct entry *e;
	int i, j;

	if (!ident(spec->class) || spec->nincludes < 1)
		abort();
	for (i = 0; i < spec->nentries; i++) {
		e = &spec->entries[i];
		if (!ident(e->name) || !kind_name(e->kind) ||
		    !mode_name(e->mode))
			abort();
		if (e->key && !ident(e->key))
			abort();
		if ((e->flags & F_HOOK) && !kind_tapped(e->kind))
			abort();
		for (j = 0; e->table && j < spec->ntables; j++)
			if (e->table == spec->tables[j])
				break;
		if (e->table && j == spec->ntables)
			abort();
		for (j = 0; j < i; j++)
			if (spec->entries[j].table == e->table &&
			    !strcmp(spec->entries[j].name, e->name))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec spec;	/* static: kept across longjmp */
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		abort();
	if (!setjmp(escape)) {
		spec_read(&spec, "fuzz.spec", f);
		check(&spec);
	} else if (died != EXIT_SPEC) {
		abort();	/* a memory stream has no I/O errors */
	}
	fclose(f);
	spec_free(&spec);
	return 0;
}
