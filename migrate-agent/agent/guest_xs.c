// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-agent guest --xenstore: the guest side's transport on Xen
 * (xs_paths.h). It watches its own domain's data/shadow/request, takes
 * each request by removing the node (so that the watch firing again, as
 * it does when set and after every resume, finds none to answer twice),
 * and writes the reply to data/shadow/reply. The paths are relative, so
 * they follow the domain to its new id after a migration; the guest
 * kernel sets the watch again on resume.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "channel.h"
#include "guest.h"
#include "report.h"
#include "xs_paths.h"

#define WATCH_TOKEN	"migrate-agent-request"
/* how often the park's end is noted while no request comes */
#define TICK_MS		200

/* Take the pending request, if any: read it, then remove its node. */
static struct json_object *take_request(struct xs_handle *xs)
{
	struct json_object *req;
	unsigned int len;
	char *s;

	s = xs_read(xs, XBT_NULL, MA_XS_REQUEST, &len);
	if (!s)
		return NULL;
	if (!xs_rm(xs, XBT_NULL, MA_XS_REQUEST))
		report_error("cannot remove %s: %s", MA_XS_REQUEST,
			     strerror(errno));
	req = json_tokener_parse(s);
	free(s);
	if (req && !json_object_is_type(req, json_type_object)) {
		json_object_put(req);
		req = NULL;
	}
	if (!req)
		report_error("a request that is no JSON object");
	return req;
}

static void answer(struct xs_handle *xs, struct json_object *req)
{
	struct json_object *reply = guest_handle(req);
	const char *s = json_object_to_json_string_ext(reply,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	if (!xs_write(xs, XBT_NULL, MA_XS_REPLY, s, strlen(s)))
		report_error("reply lost: %s", strerror(errno));
	json_object_put(reply);
}

int guest_xs_main(void)
{
	struct json_object *req;
	struct xs_handle *xs;
	struct pollfd pfd;
	bool fired;
	char **ev;

	xs = xs_open(0);
	if (!xs) {
		report_error("cannot open xenstore: %s (is this a Xen guest?)",
			     strerror(errno));
		return MA_BROKEN;
	}
	if (!xs_write(xs, XBT_NULL, MA_XS_AGENT, MA_VERSION,
		      strlen(MA_VERSION)) ||
	    !xs_watch(xs, MA_XS_REQUEST, WATCH_TOKEN)) {
		report_error("cannot use %s: %s", MA_XS_DIR, strerror(errno));
		xs_close(xs);
		return MA_BROKEN;
	}
	report_note("guest side on xenstore %s", MA_XS_DIR);
	pfd.fd = xs_fileno(xs);
	pfd.events = POLLIN;
	for (;;) {
		park_reap();
		if (poll(&pfd, 1, TICK_MS) < 0 && errno != EINTR) {
			report_error("xenstore: %s", strerror(errno));
			xs_close(xs);
			return MA_BROKEN;
		}
		fired = false;
		while ((ev = xs_check_watch(xs))) {
			fired = true;
			free(ev);
		}
		if (!fired)
			continue;
		req = take_request(xs);
		if (!req)
			continue;
		answer(xs, req);
		json_object_put(req);
	}
}
