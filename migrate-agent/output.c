// SPDX-License-Identifier: GPL-2.0
/*
 * Output of the show commands: every reply is decoded first, into a
 * memory stream or a JSON array, so that a malformed message gives one
 * error and no half a listing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <netlink/msg.h>

#include "log.h"
#include "output.h"
#include "shadowctl.h"

void sc_json_print(struct json_object *obj)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	flags |= sc_opts.pretty ? JSON_C_TO_STRING_PRETTY |
		 JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(obj, flags));
	fflush(stdout);
}

int sc_show(enum sc_kind kind, struct sc_msgs *msgs, const char *what)
{
	struct json_object *array = NULL;
	char *text = NULL;
	size_t text_len = 0;
	FILE *f = NULL;
	char err[256];
	int ret = SC_EXIT_IO;
	size_t i;

	if (sc_opts.json) {
		array = json_object_new_array();
		if (!array) {
			sc_error(ENOMEM, NULL, "%s", what);
			goto out;
		}
	} else {
		f = open_memstream(&text, &text_len);
		if (!f) {
			sc_error(errno, NULL, "%s", what);
			goto out;
		}
	}
	for (i = 0; i < msgs->n; i++) {
		if (sc_decode(kind, nlmsg_hdr(msgs->v[i]), f, array,
			      err, sizeof(err))) {
			sc_error_plain(EPROTO, "%s: %s", what, err);
			goto out;
		}
	}
	if (array) {
		sc_json_print(array);
	} else {
		if (fclose(f)) {
			f = NULL;
			sc_error(errno, NULL, "%s", what);
			goto out;
		}
		f = NULL;
		fwrite(text, 1, text_len, stdout);
		fflush(stdout);
	}
	ret = SC_EXIT_OK;
out:
	if (f)
		fclose(f);
	free(text);
	json_object_put(array);
	return ret;
}

/*
 * sc_query() - ask the kernel one question and print the answer: the whole
 * life of a "show" command (open, request or dump, print, close).
 */
int sc_query(int cmd, bool dump, const char *ifname, enum sc_kind kind,
	     const char *what)
{
	struct sc_msgs msgs = { 0 };
	struct sc_nl nl = { 0 };
	int ret;

	ret = sc_nl_open(&nl, sc_opts.debug);
	if (ret)
		goto out;
	ret = sc_nl_request(&nl, cmd, dump, ifname, &msgs, what);
	if (ret)
		goto out;
	ret = sc_show(kind, &msgs, what);
out:
	sc_msgs_free(&msgs);
	sc_nl_close(&nl);
	return ret;
}
