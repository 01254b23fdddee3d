/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What migrate-agent tells its user: each phase as it ends (a line of text,
 * or under -j a JSON object per line), errors on stderr, and one final
 * outcome naming the state the guest is left in.
 */
#ifndef _MA_REPORT_H
#define _MA_REPORT_H

#include <stdbool.h>

#include <json-c/json.h>

#include "../compiler.h"

/* Exit codes of migrate-agent migrate (migrate-agent.8, EXIT STATUS). */
enum ma_exit {
	MA_OK = 0,		/* migrated, swapped, verified */
	MA_USAGE = 1,		/* bad command line */
	MA_REFUSED = 2,		/* a check failed; nothing was changed */
	MA_NO_PARK = 3,		/* the guest did not park; nothing changed */
	MA_ROLLED_BACK = 4,	/* migration failed; back on the source NIC */
	MA_PARKED = 5,		/* the guest did not take the new NIC: parked */
	MA_BROKEN = 6,		/* a step failed and could not be undone */
	MA_UNVERIFIED = 7,	/* swapped, but the traffic check failed */
};

void report_init(bool json);
/* report_phase: PHASE ended now; DETAIL (taken; may be NULL) in -j. */
__printf(3, 4)
void report_phase(const char *phase, struct json_object *detail,
		  const char *fmt, ...);
/* report_note: a line of progress that ends no phase. */
__printf(1, 2)
void report_note(const char *fmt, ...);
__printf(1, 2)
void report_error(const char *fmt, ...);
/*
 * report_end: the outcome; RESULT ("migrated", "dry-run", ...), the exit
 * code, the STATE the guest is left in and why (REASON, may be NULL).
 * Returns the exit code.
 */
int report_end(const char *result, enum ma_exit code, const char *state,
	       const char *reason);

#endif /* _MA_REPORT_H */
