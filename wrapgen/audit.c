// SPDX-License-Identifier: GPL-2.0
/*
 * --audit: the kernel functions a driver module imports (the undefined
 * symbols of its .ko, read with libelf; .ko.xz is decompressed in memory
 * with liblzma), each classified against the spec: an entry (explicit
 * entries win), ignored by an ignore pattern, or UNCLASSIFIED.
 */

#include <errno.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrapgen.h"

struct import {
	char *name;
	const struct entry *entry;	/* or NULL */
	const char *pattern;		/* the ignore pattern, or NULL */
};

static int read_file(const char *path, unsigned char **data, size_t *len)
{
	size_t cap = 1 << 20, n = 0, r;
	unsigned char *d = xmalloc(cap);
	FILE *f = fopen(path, "rb");

	if (!f) {
		err("%s: %s", path, strerror(errno));
		free(d);
		return -1;
	}
	while ((r = fread(d + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap)
			d = xrealloc(d, cap *= 2);
	}
	if (ferror(f)) {
		err("%s: %s", path, strerror(errno));
		fclose(f);
		free(d);
		return -1;
	}
	fclose(f);
	*data = d;
	*len = n;
	return 0;
}

static int unxz(const char *path, unsigned char **data, size_t *len)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = *len * 4 + 4096;
	unsigned char *out = xmalloc(cap);
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) {
		err("%s: cannot start the xz decoder", path);
		free(out);
		return -1;
	}
	s.next_in = *data;
	s.avail_in = *len;
	s.next_out = out;
	s.avail_out = cap;
	for (;;) {
		r = lzma_code(&s, LZMA_FINISH);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK && r != LZMA_BUF_ERROR) {
			err("%s: xz data error %d", path, r);
			lzma_end(&s);
			free(out);
			return -1;
		}
		if (s.avail_out == 0) {
			size_t done = cap;

			out = xrealloc(out, cap *= 2);
			s.next_out = out + done;
			s.avail_out = cap - done;
		} else if (r == LZMA_BUF_ERROR) {
			err("%s: truncated xz data", path);
			lzma_end(&s);
			free(out);
			return -1;
		}
	}
	free(*data);
	*data = out;
	*len = s.total_out;
	lzma_end(&s);
	return 0;
}

static int cmp_import(const void *a, const void *b)
{
	return strcmp(((const struct import *)a)->name,
		      ((const struct import *)b)->name);
}

/* The sorted, unique undefined symbols of one module. */
static int read_imports(const char *path, struct import **out, int *nout)
{
	unsigned char *data = NULL;
	struct import *im = NULL;
	Elf_Scn *scn = NULL;
	int n = 0, i, j, rc = -1;
	size_t len, plen = strlen(path);
	Elf *elf = NULL;

	if (read_file(path, &data, &len))
		return -1;
	if (plen > 3 && !strcmp(path + plen - 3, ".xz") &&
	    unxz(path, &data, &len))
		goto out;
	elf = elf_memory((char *)data, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err("%s: not an ELF file: %s", path, elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Sym sym;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (i = 0; d && i < (int)(sh.sh_size / sh.sh_entsize); i++) {
			const char *name;

			if (!gelf_getsym(d, i, &sym) ||
			    sym.st_shndx != SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			im = xrealloc(im, (n + 1) * sizeof(*im));
			memset(&im[n], 0, sizeof(*im));
			im[n++].name = xstrdup(name);
		}
	}
	qsort(im, n, sizeof(*im), cmp_import);
	for (i = 0, j = 0; i < n; i++) {
		if (j && !strcmp(im[j - 1].name, im[i].name)) {
			free(im[i].name);
			continue;
		}
		im[j++] = im[i];
	}
	*out = im;
	*nout = j;
	rc = 0;
out:
	if (elf)
		elf_end(elf);
	free(data);
	return rc;
}

static void classify(const struct spec *spec, struct import *im)
{
	int i;

	for (i = 0; i < spec->nentries; i++) {
		if (!spec->entries[i].table &&
		    !strcmp(spec->entries[i].name, im->name)) {
			im->entry = &spec->entries[i];
			return;
		}
	}
	for (i = 0; i < spec->nignores; i++) {
		if (!fnmatch(spec->ignores[i], im->name, 0)) {
			im->pattern = spec->ignores[i];
			return;
		}
	}
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_human(const char *path, struct import *im, int n,
			int ncls, int nign)
{
	const struct entry *e;
	int i;

	printf("%s: %d imports, %d classified, %d ignored, %d unclassified\n",
	       path, n, ncls, nign, n - ncls - nign);
	for (i = 0; i < n; i++) {
		e = im[i].entry;
		printf("  %-32s ", im[i].name);
		if (e && e->key && e->kind == KIND_STATE)
			printf("%s %s %s\n", kind_name(e->kind), e->key,
			       mode_name(e->mode));
		else if (e && e->key)
			printf("%s %s\n", kind_name(e->kind), e->key);
		else if (e)
			printf("%s\n", kind_name(e->kind));
		else if (im[i].pattern)
			printf("ignored (%s)\n", im[i].pattern);
		else
			printf("UNCLASSIFIED\n");
	}
}

static void print_json(const char *path, struct import *im, int n,
		       int ncls, int nign, bool first)
{
	const struct entry *e;
	int i;

	printf("%s{\"module\":", first ? "" : ",");
	json_str(path);
	printf(",\"imports\":%d,\"classified\":%d,\"ignored\":%d,\"unclassified\":%d,\"symbols\":[",
	       n, ncls, nign, n - ncls - nign);
	for (i = 0; i < n; i++) {
		e = im[i].entry;
		printf("%s{\"name\":", i ? "," : "");
		json_str(im[i].name);
		if (e) {
			printf(",\"class\":\"entry\",\"kind\":\"%s\"",
			       kind_name(e->kind));
			if (e->key)
				printf(",\"key\":\"%s\"", e->key);
			if (e->kind == KIND_STATE)
				printf(",\"mode\":\"%s\"", mode_name(e->mode));
		} else if (im[i].pattern) {
			printf(",\"class\":\"ignored\",\"pattern\":");
			json_str(im[i].pattern);
		} else {
			printf(",\"class\":\"unclassified\"");
		}
		putchar('}');
	}
	printf("]}");
}

/* One line per module: MODULE IMPORTS CLASSIFIED IGNORED UNCLASS NAMES */
static void print_summary(const char *path, struct import *im, int n,
			  int ncls, int nign)
{
	int i, k = 0;

	printf("%s\t%d\t%d\t%d\t%d\t", path, n, ncls, nign, n - ncls - nign);
	for (i = 0; i < n; i++)
		if (!im[i].entry && !im[i].pattern)
			printf("%s%s", k++ ? "," : "", im[i].name);
	putchar('\n');
}

int audit(const struct spec *spec, char **kos, int nkos, int format,
	  bool strict)
{
	int i, j, rc = 0, unclassified = 0, nprinted = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		die(EXIT_IO, "libelf: %s", elf_errmsg(-1));
	if (format == AUDIT_JSON) {
		printf("{\"spec\":");
		json_str(spec->path);
		printf(",\"class\":");
		json_str(spec->class);
		printf(",\"modules\":[");
	}
	for (i = 0; i < nkos; i++) {
		struct import *im = NULL;
		int n = 0, ncls = 0, nign = 0;

		if (read_imports(kos[i], &im, &n)) {
			rc = EXIT_IO;
			continue;
		}
		for (j = 0; j < n; j++) {
			classify(spec, &im[j]);
			ncls += !!im[j].entry;
			nign += !!im[j].pattern;
		}
		unclassified += n - ncls - nign;
		if (format == AUDIT_JSON)
			print_json(kos[i], im, n, ncls, nign, !nprinted++);
		else if (format == AUDIT_SUMMARY)
			print_summary(kos[i], im, n, ncls, nign);
		else
			print_human(kos[i], im, n, ncls, nign);
		for (j = 0; j < n; j++)
			free(im[j].name);
		free(im);
	}
	if (format == AUDIT_JSON)
		printf("]}\n");
	if (!rc && strict && unclassified)
		rc = EXIT_SPEC;
	return rc;
}
