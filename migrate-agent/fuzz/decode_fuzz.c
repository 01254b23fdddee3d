// SPDX-License-Identifier: GPL-2.0
/*
 * A libFuzzer target for shadowctl's reply decoder (decode.c): what the
 * kernel sends is input it does not control, so every byte string must
 * decode or be refused, never read outside the message. Built and run by
 * selftests/host/fuzz.sh with ASan and UBSan.
 *
 * Input: one byte that says what to decode (enum fuzz_what), then the
 * netlink message. libnl's receive path hands the decoder only messages
 * whose nlmsg_len fits what arrived (nlmsg_ok()); the target keeps that
 * promise and no more: a length that does not fit becomes the input's.
 * The unit tests write their messages in this form as the seed corpus
 * (SC_SEED_DIR, tests/harness.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "decode.h"
#include "fuzz_input.h"

static FILE *sink;

/* Both output forms of one message of KIND; JSON also as a string. */
static void decode_both(enum sc_kind kind, struct nlmsghdr *nlh)
{
	struct json_object *array = json_object_new_array();
	char err[256];
	int rc_text, rc_json;

	if (!array)
		abort();
	rc_text = sc_decode(kind, nlh, sink, NULL, err, sizeof(err));
	rc_json = sc_decode(kind, nlh, NULL, array, err, sizeof(err));
	/* The two forms parse one message the same way. */
	if (rc_text != rc_json || (rc_text && rc_text != -EINVAL &&
				   rc_text != -ENOMSG))
		abort();
	if (!rc_json && json_object_array_length(array) != 1)
		abort();
	fputs(json_object_to_json_string_ext(array, JSON_C_TO_STRING_PLAIN),
	      sink);
	json_object_put(array);
}

/* What shadowctl swap and monitor make of an event. */
static void swap_outcome(struct nlmsghdr *nlh)
{
	struct json_object *obj;
	struct sc_event ev;
	char err[256];

	if (sc_event_parse(nlh, &ev, err, sizeof(err)))
		return;
	sc_event_text(sink, &ev);
	sc_swap_phase_text(sink, &ev);
	if (sc_swap_ok(&ev) && !sc_swap_final(&ev))
		abort();
	sc_swap_result_text(sink, &ev, "parked");
	obj = sc_swap_result_json(&ev, NULL);
	if (!obj)
		abort();
	fputs(json_object_to_json_string(obj), sink);
	json_object_put(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh;
	char err[256];
	__u32 seq;
	size_t len;

	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			abort();
	}
	if (size < 1 + NLMSG_HDRLEN)
		return 0;
	/* A copy of exactly the message, so ASan sees any read past it. */
	len = size - 1;
	nlh = malloc(len);
	if (!nlh)
		abort();
	memcpy(nlh, data + 1, len);
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
		nlh->nlmsg_len = len;

	switch (data[0] % FUZZ_NWHAT) {
	case FUZZ_DEV:
		decode_both(SC_KIND_DEV, nlh);
		break;
	case FUZZ_LOG:
		decode_both(SC_KIND_LOG, nlh);
		break;
	case FUZZ_OBJ:
		decode_both(SC_KIND_OBJ, nlh);
		break;
	case FUZZ_EVENT:
		decode_both(SC_KIND_EVENT, nlh);
		break;
	case FUZZ_SWAP_REPLY:
		sc_swap_reply_parse(nlh, &seq, err, sizeof(err));
		break;
	case FUZZ_SWAP_OUTCOME:
		swap_outcome(nlh);
		break;
	case FUZZ_DISK:
		decode_both(SC_KIND_DISK, nlh);
		break;
	}
	free(nlh);
	return 0;
}
