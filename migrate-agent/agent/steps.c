// SPDX-License-Identifier: GPL-2.0
/*
 * The host side's conversation with the guest, the same for every back
 * end (migrate.h): check the guest, park its interface, wait for the
 * park's swap to end, verify its traffic, show its status.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "migrate.h"
#include "qmp.h"
#include "report.h"

#define RESULT_POLL_MS		250
/* how long after the park's own timeout its outcome may take */
#define SWAP_END_SLACK_MS	30000

int steps_check_guest(struct steps *s, struct channel *ch,
		      const char *bus_addr, const char *nic_name)
{
	struct json_object *reply, *list, *d;
	const char *addr, *name;
	size_t i, n = 0;
	int err;

	err = channel_call(ch, "hello", NULL, &reply, s->o->guest_timeout_ms);
	if (err) {
		snprintf(s->reason, sizeof(s->reason), "%s", ch->error);
		json_object_put(reply);
		return -1;
	}
	if (!js_bool(reply, "shadow")) {
		snprintf(s->reason, sizeof(s->reason),
			 "shadow.ko is not loaded in the guest");
		json_object_put(reply);
		return -1;
	}
	json_object_object_get_ex(reply, "ifaces", &list);
	for (i = 0; list && i < json_object_array_length(list); i++) {
		d = json_object_array_get_idx(list, i);
		addr = js_str(d, "bus_addr") ?: "";
		name = js_str(d, "ifname") ?: "";
		if (s->o->dev ? !strcmp(name, s->o->dev) :
		    bus_addr ? !strcmp(addr, bus_addr) :
		    js_bool(d, "attached") && *name) {
			snprintf(s->dev, sizeof(s->dev), "%s", name);
			n++;
		}
	}
	json_object_put(reply);
	if (n == 1)
		return 0;
	if (s->o->dev)
		snprintf(s->reason, sizeof(s->reason),
			 "the guest has no shadowed interface %s", s->o->dev);
	else if (bus_addr)
		snprintf(s->reason, sizeof(s->reason),
			 "no shadowed interface in the guest sits on %s (%s)",
			 bus_addr, nic_name);
	else
		snprintf(s->reason, sizeof(s->reason),
			 "the guest has %zu shadowed interfaces: name one with --dev",
			 n);
	s->dev[0] = '\0';
	return -1;
}

int steps_park(struct steps *s, struct channel *ch,
	       const char *const *preload)
{
	struct json_object *args = json_object_new_object(), *reply, *mods;
	int err;

	json_object_object_add(args, "dev", json_object_new_string(s->dev));
	json_object_object_add(args, "timeout_ms",
			       json_object_new_int(s->o->park_timeout_ms));
	if (preload && *preload) {
		mods = json_object_new_array();
		while (*preload)
			json_object_array_add(mods,
					json_object_new_string(*preload++));
		json_object_object_add(args, "preload", mods);
	}
	/* the guest waits up to MA_PARK_WAIT_MS for the park, then answers */
	err = channel_call(ch, "park", args, &reply,
			   s->o->guest_timeout_ms + MA_PARK_WAIT_MS);
	json_object_put(reply);
	if (err) {
		snprintf(s->reason, sizeof(s->reason), "%s", ch->error);
		return -1;
	}
	return 0;
}

int steps_wait_swap(struct steps *s, struct channel *ch,
		    struct json_object **swap)
{
	int limit = s->o->park_timeout_ms + SWAP_END_SLACK_MS;
	long long deadline = ma_now_ms() + limit;
	struct json_object *reply, *park, *sw;
	int rc;

	*swap = NULL;
	while (ma_now_ms() < deadline) {
		if (channel_call(ch, "result", NULL, &reply,
				 s->o->guest_timeout_ms)) {
			snprintf(s->reason, sizeof(s->reason), "%s", ch->error);
			json_object_put(reply);
			return -1;
		}
		json_object_object_get_ex(reply, "park", &park);
		if (js_bool(park, "done")) {
			rc = js_int(park, "exit", -1);
			if (json_object_object_get_ex(park, "swap", &sw))
				*swap = json_object_get(sw);
			json_object_put(reply);
			return rc;
		}
		json_object_put(reply);
		usleep(RESULT_POLL_MS * 1000);
	}
	snprintf(s->reason, sizeof(s->reason),
		 "the guest's swap did not end within %d ms", limit);
	return -1;
}

int steps_verify(struct steps *s, struct channel *ch)
{
	struct json_object *args = json_object_new_object(), *reply;
	int rc;

	json_object_object_add(args, "addr",
			       json_object_new_string(s->o->verify_addr));
	rc = channel_call(ch, "verify", args, &reply, 30000);
	if (rc) {
		snprintf(s->reason, sizeof(s->reason), "%s", ch->error);
	} else {
		report_phase("verified", NULL, "%s reaches %s: %s", s->dev,
			     s->o->verify_addr, js_str(reply, "ping") ?: "");
	}
	json_object_put(reply);
	return rc ? -1 : 0;
}

int steps_swap_back(struct steps *s, struct channel *ch, const char *why)
{
	struct json_object *swap;
	char msg[1024];
	int rc;

	snprintf(msg, sizeof(msg), "%.1000s", why);
	rc = steps_wait_swap(s, ch, &swap);
	if (rc) {
		snprintf(s->reason, sizeof(s->reason),
			 "%s; the guest did not take its NIC back (exit %d, %s)",
			 msg, rc, js_str(swap, "reason") ?: "no reason given");
		json_object_put(swap);
		return report_end("failed", MA_PARKED, "parked at the source",
				  s->reason);
	}
	report_phase("swapped-back", swap, "%s on %s again", s->dev,
		     swap_field(swap, "to", "driver") ?: "?");
	return report_end("rolled-back", MA_ROLLED_BACK,
			  "running at the source on its NIC", msg);
}

static int arrive_swap(struct steps *s, struct channel *dch)
{
	struct json_object *swap;
	int rc;

	rc = steps_wait_swap(s, dch, &swap);
	if (rc) {
		if (swap)
			snprintf(s->reason, sizeof(s->reason),
				 "the guest's swap ended %s: %s",
				 js_str(swap, "result") ?: "?",
				 js_str(swap, "reason") ?: "no reason given");
		json_object_put(swap);
		return report_end("failed", MA_PARKED,
				  "parked at the destination", s->reason);
	}
	report_phase("swapped", swap, "%s: %s -> %s at %s", s->dev,
		     swap_field(swap, "from", "driver") ?: "?",
		     swap_field(swap, "to", "driver") ?: "?",
		     swap_field(swap, "to", "bus_addr") ?: "?");
	if (s->o->verify_addr && steps_verify(s, dch))
		return report_end("unverified", MA_UNVERIFIED,
				  "running at the destination", s->reason);
	return report_end("migrated", MA_OK,
			  "running at the destination on its new NIC", NULL);
}

int steps_arrive(struct steps *s, struct channel *dch, int open_err)
{
	int code;

	if (open_err) {
		snprintf(s->reason, sizeof(s->reason), "%s", dch->error);
		return report_end("failed", MA_BROKEN,
				  "at the destination, not reachable", s->reason);
	}
	code = arrive_swap(s, dch);
	channel_close(dch);
	return code;
}

const char *swap_field(struct json_object *swap, const char *side,
		       const char *key)
{
	struct json_object *o;

	return json_object_object_get_ex(swap, side, &o) ? js_str(o, key) : NULL;
}

int steps_status(struct channel *ch, int timeout_ms, bool json)
{
	struct json_object *reply, *list, *d;
	size_t i;
	int err;

	err = channel_call(ch, "status", NULL, &reply, timeout_ms);
	if (err) {
		report_error("%s", ch->error);
		json_object_put(reply);
		return MA_REFUSED;
	}
	if (json) {
		puts(json_object_to_json_string_ext(reply,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		printf("guest agent %s, shadow.ko %s\n",
		       js_str(reply, "agent") ?: "?",
		       js_bool(reply, "shadow") ? "loaded" : "not loaded");
		json_object_object_get_ex(reply, "ifaces", &list);
		for (i = 0; list && i < json_object_array_length(list); i++) {
			d = json_object_array_get_idx(list, i);
			printf("%s: %s on %s (%s), mac %s\n",
			       js_str(d, "ifname") ?: "?",
			       js_str(d, "state") ?: "?",
			       js_str(d, "driver") ?: "no driver",
			       js_str(d, "bus_addr") ?: "no device",
			       js_str(d, "mac") ?: "?");
		}
	}
	json_object_put(reply);
	return MA_OK;
}
