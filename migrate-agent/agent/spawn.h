/* SPDX-License-Identifier: GPL-2.0 */
/* Running a helper program with its output on a pipe (spawn.c). */
#ifndef _MA_SPAWN_H
#define _MA_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * ma_spawn: run ARGV (from PATH) with its stdout, and with STDERR its
 * stderr too, on a pipe whose read end is *OUT_FD (close-on-exec, so no
 * other child holds it). Its pid, or -1 and errno. 127 is its exit
 * status when ARGV[0] cannot be run.
 */
pid_t ma_spawn(char *const argv[], bool stderr_too, int *out_fd);

#endif /* _MA_SPAWN_H */
