// SPDX-License-Identifier: GPL-2.0
/* Allocation, error reporting, string buffers and file output. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrapgen.h"

void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		die(EXIT_IO, "out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die(EXIT_IO, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		die(EXIT_IO, "out of memory");
	return d;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die(EXIT_IO, "out of memory");
	va_end(ap);
	return s;
}

void err(const char *fmt, ...)
{
	va_list ap;

	fputs("wrapgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("wrapgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void buf_grow(struct buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	while (b->len + more + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->s = xrealloc(b->s, b->cap);
}

void buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	buf_grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die(EXIT_IO, "out of memory");
	va_end(ap);
	buf_add(b, s);
	free(s);
}

/* Write b to path unless the file already holds exactly that. */
int write_if_changed(const char *path, const struct buf *b, bool *changed)
{
	char *tmp = NULL, *old = NULL;
	FILE *f = NULL;
	long n;
	int rc = -1;

	*changed = true;
	f = fopen(path, "rb");
	if (f) {
		n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
		if (n >= 0 && (size_t)n == b->len &&
		    fseek(f, 0, SEEK_SET) == 0) {
			old = xmalloc(b->len + 1);
			if (fread(old, 1, b->len, f) == b->len &&
			    memcmp(old, b->s, b->len) == 0)
				*changed = false;
		}
		fclose(f);
		f = NULL;
		if (!*changed) {
			rc = 0;
			goto out;
		}
	}

	tmp = xasprintf("%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f || fwrite(b->s, 1, b->len, f) != b->len) {
		err("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fclose(f)) {
		f = NULL;
		err("%s: %s", tmp, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path)) {
		err("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	free(tmp);
	free(old);
	return rc;
}
