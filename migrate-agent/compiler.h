/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel helper macros shadowctl's code uses, for userspace. */
#ifndef _SC_COMPILER_H
#define _SC_COMPILER_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

#ifndef __printf
#define __printf(a, b) __attribute__( \
	(format(printf, a, b)))
#endif

#endif /* _SC_COMPILER_H */
