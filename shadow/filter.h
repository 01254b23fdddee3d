/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which driver modules the shadow watches, per class: the calls they make
 * into the kernel are the ones their class's driver->kernel taps redirect.
 */

#ifndef _SHADOW_FILTER_H
#define _SHADOW_FILTER_H

#include <linux/types.h>
#include <linux/seq_file.h>

/* The driver classes; each has its own list of driver modules. */
enum shadow_class {
	SHADOW_CLASS_NET,
	SHADOW_CLASS_BLK,
	SHADOW_NR_CLASSES,
};

int shadow_filter_init(const char * const names[SHADOW_NR_CLASSES]);
void shadow_filter_exit(void);
struct module;

bool shadow_filter_match(unsigned long caller, enum shadow_class cls);
bool shadow_filter_module(const struct module *mod, enum shadow_class cls);
void shadow_filter_show(struct seq_file *m);

#endif /* _SHADOW_FILTER_H */
