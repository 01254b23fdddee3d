// SPDX-License-Identifier: GPL-2.0
/* Running a helper program with its output on a pipe (spawn.h). */
#include <fcntl.h>
#include <unistd.h>

#include "spawn.h"

pid_t ma_spawn(char *const argv[], bool stderr_too, int *out_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		if (stderr_too)
			dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	*out_fd = fds[0];
	return pid;
}
