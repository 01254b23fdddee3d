/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Driver->kernel taps: redirect calls a shadowed driver makes to exported
 * kernel functions into the generated wrappers, with ftrace.
 */

#ifndef _SHADOW_HOOK_H
#define _SHADOW_HOOK_H

#include <linux/seq_file.h>

#include "filter.h"
#include "tap.h"

struct shadow_hooks;

/* A class's generated taps, and the drivers whose calls they redirect. */
struct shadow_hook_class {
	const struct tap_class *cls;
	enum shadow_class drivers;
};

struct shadow_hooks *shadow_hooks_install(const struct shadow_hook_class *classes,
					  unsigned int n);
void shadow_hooks_remove(struct shadow_hooks *hooks);
void shadow_hooks_show(struct seq_file *m, const struct shadow_hooks *hooks);
void shadow_taps_show_calls(struct seq_file *m, const struct tap_class *cls);
bool shadow_hooks_live(const struct shadow_hooks *hooks, const char *symbol);

#endif /* _SHADOW_HOOK_H */
