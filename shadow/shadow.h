/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of shadow.ko offer each other.
 */

#ifndef _SHADOW_SHADOW_H
#define _SHADOW_SHADOW_H

#include <linux/seq_file.h>

void shadow_debugfs_init(void);
void shadow_debugfs_exit(void);
void shadow_core_show_taps(struct seq_file *m);
void shadow_core_show_calls(struct seq_file *m);
bool shadow_core_hook_live(const char *symbol);

#endif /* _SHADOW_SHADOW_H */
