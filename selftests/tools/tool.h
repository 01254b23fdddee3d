/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-guest test programs share: a monotonic clock in ms, a stop
 * flag their SIGINT/SIGTERM handler sets, and the kernel's __printf.
 */

#ifndef _SHADOW_SELFTEST_TOOL_H
#define _SHADOW_SELFTEST_TOOL_H

#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#define __printf(a, b) __attribute((format(printf, a, b)))

static atomic_bool stop;

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
