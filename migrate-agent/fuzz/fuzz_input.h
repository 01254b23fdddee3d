/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first byte of a decode_fuzz input: what its message is decoded as.
 * The unit tests write their messages with it (tests/harness.c), so that
 * the seed corpus grows with them.
 */
#ifndef _SC_FUZZ_INPUT_H
#define _SC_FUZZ_INPUT_H

#include "decode.h"

enum fuzz_what {
	FUZZ_DEV,		/* sc_decode(SC_KIND_DEV) */
	FUZZ_LOG,		/* sc_decode(SC_KIND_LOG) */
	FUZZ_OBJ,		/* sc_decode(SC_KIND_OBJ) */
	FUZZ_EVENT,		/* sc_decode(SC_KIND_EVENT) */
	FUZZ_SWAP_REPLY,	/* sc_swap_reply_parse() */
	FUZZ_SWAP_OUTCOME,	/* sc_event_parse() and swap's summaries */
	FUZZ_DISK,		/* sc_decode(SC_KIND_DISK) */
	FUZZ_NWHAT
};

static inline enum fuzz_what fuzz_what_of(enum sc_kind kind)
{
	switch (kind) {
	case SC_KIND_DEV:
		return FUZZ_DEV;
	case SC_KIND_LOG:
		return FUZZ_LOG;
	case SC_KIND_OBJ:
		return FUZZ_OBJ;
	case SC_KIND_DISK:
		return FUZZ_DISK;
	case SC_KIND_EVENT:
		break;
	}
	return FUZZ_EVENT;
}

#endif /* _SC_FUZZ_INPUT_H */
