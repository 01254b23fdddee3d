/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which driver modules the shadow watches: the calls they make into the
 * kernel are the ones the driver->kernel taps redirect.
 */

#ifndef _SHADOW_FILTER_H
#define _SHADOW_FILTER_H

#include <linux/types.h>
#include <linux/seq_file.h>

int shadow_filter_init(const char *names);
void shadow_filter_exit(void);
struct module;

bool shadow_filter_match(unsigned long caller);
bool shadow_filter_module(const struct module *mod);
void shadow_filter_show(struct seq_file *m);

#endif /* _SHADOW_FILTER_H */
