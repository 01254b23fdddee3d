/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-guest test programs share: a monotonic clock in ms and a
 * stop flag their SIGINT/SIGTERM handler sets.
 */

#ifndef _SHADOW_SELFTEST_TOOL_H
#define _SHADOW_SELFTEST_TOOL_H

#include <signal.h>
#include <time.h>

static volatile sig_atomic_t stop;

static inline void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#endif /* _SHADOW_SELFTEST_TOOL_H */
