// SPDX-License-Identifier: GPL-2.0
/*
 * A libFuzzer target for wrapgen's header side (headers.c): a fixed spec
 * whose one include, fuzz.h, is the input. Whatever the header says, the
 * entries resolve into prototypes emit() can print, or wrapgen refuses
 * with FILE:LINE; it never crashes. Built and run by
 * selftests/host/fuzz.sh with ASan and UBSan.
 *
 * The header is handed to libclang as an unsaved file, parsed without the
 * host's headers (-nostdinc): what is fuzzed is how wrapgen reads what
 * libclang makes of odd declarations (macros, inline and static
 * functions, typedef'd and K&R function types, variadics, members that
 * are not function pointers), not the host's C library.
 *
 * die() is wrapped (-Wl,--wrap=die) to check its message and jump back,
 * and err() to keep the parse's diagnostics off the fuzzer's output;
 * headers_release() and spec_free() then give back what the parse and the
 * spec held, so that a leak on an error path is found too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../wrapgen.h"

/* Every kind, a hook, optional entries, a second table. */
static const char spec_text[] =
	"class fuzz\n"
	"include fuzz.h\n"
	"table fuzz_ops\n"
	"\topen\t\tstate opened on\n"
	"\tstop\t\tlifecycle hook \"the last close\"\n"
	"\txmit\t\tdatapath\n"
	"\tget\t\tquery\n"
	"\tspare\t\tquery optional\n"
	"table fuzz_more_ops\n"
	"\tset_mtu\t\tstate mtu\n"
	"exports\n"
	"\tfuzz_alloc\tobject-create thing\n"
	"\tfuzz_free\tobject-destroy thing\n"
	"\tfuzz_carrier_on\tstate carrier on hook\n"
	"\tfuzz_maybe\tquery optional\n";

static char *cflags[] = { "-xc", "-nostdinc", "-I/fuzz", "-w" };

static jmp_buf escape;

__printf(2, 3) __noreturn void __wrap_die(int code, const char *fmt, ...);
__printf(1, 2) void __wrap_err(const char *fmt, ...);

void __wrap_die(int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Every refusal is a spec error that names the spec and its line. */
	if (code != EXIT_SPEC || strncmp(msg, "fuzz.spec:", 10))
		abort();
	longjmp(escape, 1);
}

void __wrap_err(const char *fmt, ...)
{
	(void)fmt;
}

/* What emit() relies on in a resolved entry. */
static void check(const struct spec *spec)
{
	const struct entry *e;
	const struct param *p;
	int i, j;

	for (i = 0; i < spec->nentries; i++) {
		e = &spec->entries[i];
		if (!e->present) {
			if (!(e->flags & F_OPTIONAL) || e->proto.ret)
				abort();
			continue;
		}
		if (!kind_tapped(e->kind))
			continue;
		if (!e->proto.ret || !e->proto.ret[0] || strstr(e->proto.ret, "(*") ||
		    e->proto.nparams < 0 || e->proto.nparams > 64 ||
		    (e->table && !e->proto.nparams))
			abort();
		for (j = 0; j < e->proto.nparams; j++) {
			p = &e->proto.params[j];
			if (!p->type || !p->name || !p->name[0] || !p->decl ||
			    !strstr(p->decl, p->name))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec spec;	/* static: kept across longjmp */
	struct header_file h = {
		.path = "/fuzz/fuzz.h", .text = (const char *)data, .len = size,
	};
	FILE *f;

	f = fmemopen((void *)spec_text, sizeof(spec_text) - 1, "r");
	if (!f)
		abort();
	if (!setjmp(escape)) {
		spec_read(&spec, "fuzz.spec", f);
		headers_resolve(&spec, cflags, ARRAY_SIZE(cflags), &h, 1);
		check(&spec);
	}
	headers_release();
	fclose(f);
	spec_free(&spec);
	return 0;
}
