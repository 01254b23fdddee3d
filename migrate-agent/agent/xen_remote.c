// SPDX-License-Identifier: GPL-2.0
/*
 * The destination half of a Xen migration to another host. The attach
 * must happen where the domain arrives, and the guest's answers come
 * through that host's xenstore, so the agent runs itself there, through
 * the same command xl migrate reaches the receiver with (--ssh), as
 * `migrate-agent -j arrive --xen ...`, and relays the phases it prints.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qmp.h"
#include "report.h"
#include "spawn.h"
#include "xen_remote.h"

#define CMD_MAX		4096

/* Append ' ARG' to CMD, quoted for the remote shell. */
static void add_arg(char *cmd, size_t size, const char *arg)
{
	size_t len = strlen(cmd);

	if (len + 3 < size)
		cmd[len++] = ' ', cmd[len++] = '\'';
	for (; *arg && len + 6 < size; arg++) {
		if (*arg == '\'') {
			memcpy(cmd + len, "'\\''", 4);
			len += 4;
		} else {
			cmd[len++] = *arg;
		}
	}
	if (len + 1 < size)
		cmd[len++] = '\'';
	cmd[len] = '\0';
}

static void add_ms(char *cmd, size_t size, const char *opt, int ms)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", ms);
	add_arg(cmd, size, opt);
	add_arg(cmd, size, num);
}

/* The command line: exec SSH DEST AGENT -j arrive --xen ... DOMAIN. */
static void build(const struct migrate_opts *o, const char *dev,
		  bool dry_run, char *cmd, size_t size)
{
	snprintf(cmd, size, "exec %s", o->ssh);
	add_arg(cmd, size, o->dest);
	add_arg(cmd, size, o->remote_agent ?: "migrate-agent");
	add_arg(cmd, size, "-j");
	add_arg(cmd, size, "arrive");
	add_arg(cmd, size, "--xen");
	add_arg(cmd, size, "--to-nic");
	add_arg(cmd, size, o->to_nic);
	if (dry_run)
		add_arg(cmd, size, "--dry-run");
	if (dev && *dev) {
		add_arg(cmd, size, "--dev");
		add_arg(cmd, size, dev);
	}
	if (o->verify_addr && !dry_run) {
		add_arg(cmd, size, "--verify");
		add_arg(cmd, size, o->verify_addr);
	}
	add_ms(cmd, size, "--guest-timeout", o->guest_timeout_ms);
	add_ms(cmd, size, "--park-timeout", o->park_timeout_ms);
	add_arg(cmd, size, o->domain);
}

/* One line the remote agent printed: a phase to relay, or its end. */
static void take_line(char *line, bool relay, struct remote_end *end)
{
	struct json_object *ev = json_tokener_parse(line), *detail;
	const char *kind = js_str(ev, "event") ?: "";

	if (!ev || !json_object_is_type(ev, json_type_object)) {
		if (*line)
			report_note("destination: %s", line);
	} else if (!strcmp(kind, "phase") && relay) {
		if (!json_object_object_get_ex(ev, "detail", &detail))
			detail = NULL;
		report_phase(js_str(ev, "phase") ?: "?", json_object_get(detail),
			     "%s (at the destination)",
			     js_str(ev, "message") ?: "");
	} else if (!strcmp(kind, "end")) {
		end->exit = js_int(ev, "exit", MA_BROKEN);
		snprintf(end->result, sizeof(end->result), "%s",
			 js_str(ev, "result") ?: "?");
		snprintf(end->state, sizeof(end->state), "%s",
			 js_str(ev, "state") ?: "unknown");
		snprintf(end->reason, sizeof(end->reason), "%s",
			 js_str(ev, "reason") ?: "");
	}
	json_object_put(ev);
}

int xen_remote_arrive(const struct migrate_opts *o, const char *dev,
		      bool dry_run, struct remote_end *end)
{
	char cmd[CMD_MAX], line[8192];
	char *argv[4];
	int status, fd;
	FILE *f;
	pid_t pid;

	memset(end, 0, sizeof(*end));
	end->exit = -1;
	build(o, dev, dry_run, cmd, sizeof(cmd));
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	pid = ma_spawn(argv, false, &fd);
	if (pid < 0)
		goto fail_errno;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		waitpid(pid, &status, 0);
		goto fail_errno;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		take_line(line, !dry_run, end);
	}
	fclose(f);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (end->exit < 0) {
		end->exit = MA_BROKEN;
		snprintf(end->state, sizeof(end->state), "unknown");
		snprintf(end->reason, sizeof(end->reason),
			 "the agent on %s gave no outcome (%s exit %d)", o->dest,
			 o->ssh, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	return end->exit;
fail_errno:
	end->exit = MA_BROKEN;
	snprintf(end->state, sizeof(end->state), "unknown");
	snprintf(end->reason, sizeof(end->reason), "cannot run %s: %s", o->ssh,
		 strerror(errno));
	return end->exit;
}
