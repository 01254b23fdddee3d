// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-agent's Xen back end. Xen refuses to migrate a domain with a
 * PCI device passed through (log-dirty tracking cannot see the device's
 * DMA), so the order is the QEMU back end's: the guest parks its
 * interface (over xenstore, channel_xs.c), libxl detaches the NIC, xl
 * migrate moves the memory (the user's own tool and transport: its sender
 * and receiver handshake is in xl, not libxl), libxl attaches the
 * destination's NIC to the arriving domain, whose parked swap takes it.
 *
 * The destination is this host: "localhost", or xl's own "-s ''" form,
 * where DESTINATION is the command that runs the receiver. A destination
 * on another host would need the attach and the guest's outcome there (a
 * receive half of this agent run through the same transport); that is
 * not written yet, and such a migration is refused before any change.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "migrate.h"
#include "qmp.h"
#include "report.h"
#include "xen_pci.h"

#define XL_KILL_GRACE_MS	5000

struct xrun {
	struct steps s;			/* its interface, why it failed */
	const struct migrate_opts *o;
	struct xen x;
	struct channel ch;		/* to the domain at the source */
	uint32_t domid;
	libxl_device_pci src, dst;	/* the source and destination NICs */
	bool have_src, have_dst;
	char src_bdf[16], dst_bdf[16];
	char dst_driver[64];		/* unbound to make dst assignable */
	bool dst_needs_assign;
	char rune[512];			/* xl migrate's HOST argument */
};

static const char *xl_prog(const struct migrate_opts *o)
{
	return o->xl ?: "xl";
}

/*
 * The destination is this host; then xl reaches its receiver by running
 * r->rune with "-s ''". Else -1 and r->s.reason.
 */
static int destination_local(struct xrun *r)
{
	const struct migrate_opts *o = r->o;

	if (o->ssh && !*o->ssh) {
		snprintf(r->rune, sizeof(r->rune), "%s", o->dest);
		return 0;
	}
	if (!o->ssh && (!strcmp(o->dest, "localhost") ||
			!strcmp(o->dest, "127.0.0.1"))) {
		snprintf(r->rune, sizeof(r->rune), "%s migrate-receive",
			 xl_prog(o));
		return 0;
	}
	snprintf(r->s.reason, sizeof(r->s.reason),
		 "%s is another host: attaching its NIC there needs a receive half of migrate-agent on it, which is not written yet (localhost, or --ssh '' with a local receiver command, only)",
		 o->dest);
	return -1;
}

/* The checks that change nothing; 0, or -1 and r->s.reason. */
static int check(struct xrun *r)
{
	const struct migrate_opts *o = r->o;
	int rc;

	if (xen_domid(&r->x, o->domain, &r->domid))
		goto fail_x;
	if (channel_open_xs(&r->ch, r->domid)) {
		snprintf(r->s.reason, sizeof(r->s.reason), "%s", r->ch.error);
		return -1;
	}
	/* the guest's pcifront addresses are not the host's: by name only */
	if (steps_check_guest(&r->s, &r->ch, NULL, NULL))
		return -1;
	if (xen_domain_nic(&r->x, r->domid, o->nic, &r->src))
		goto fail_x;
	r->have_src = true;
	xen_bdf(&r->src, r->src_bdf, sizeof(r->src_bdf));
	if (destination_local(r))
		return -1;
	if (xen_parse_bdf(&r->x, o->to_nic, &r->dst))
		goto fail_x;
	r->have_dst = true;
	xen_bdf(&r->dst, r->dst_bdf, sizeof(r->dst_bdf));
	rc = xen_check_assignable(&r->x, &r->dst, r->dst_driver,
				  sizeof(r->dst_driver));
	if (rc < 0)
		goto fail_x;
	r->dst_needs_assign = rc == 1;
	return 0;
fail_x:
	snprintf(r->s.reason, sizeof(r->s.reason), "%s", r->x.error);
	return -1;
}

/* Read what xl printed, a note per line; read()'s result. */
static ssize_t relay(int fd, char *buf, size_t *len, size_t size)
{
	ssize_t n = read(fd, buf + *len, size - 1 - *len);
	char *nl;

	if (n > 0)
		*len += n;
	buf[*len] = '\0';
	while ((nl = strchr(buf, '\n')) || *len == size - 1) {
		if (nl)
			*nl = '\0';
		if (*buf)
			report_note("xl: %s", buf);
		if (!nl) {
			*len = 0;
			break;
		}
		*len -= nl + 1 - buf;
		memmove(buf, nl + 1, *len + 1);
	}
	return n;
}

static bool still_open(ssize_t n)
{
	return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

/*
 * xl migrate [-s SSH] DOMAIN HOST, its output relayed as notes; 0 once
 * it exits 0, else -1 and r->s.reason. On the timeout xl is stopped, and
 * killed if it does not stop: xl resumes the domain at the source when
 * its sender fails before the domain is gone there.
 */
static int run_xl_migrate(struct xrun *r)
{
	const struct migrate_opts *o = r->o;
	long long deadline = ma_now_ms() + o->migrate_timeout_ms;
	const char *ssh = o->ssh && *o->ssh ? o->ssh : "";
	char buf[1024];
	struct pollfd pfd;
	int fds[2], status = 0, sig = 0;
	size_t len = 0;
	pid_t ret;
	bool open = true;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		goto fail_errno;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail_errno;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execlp(xl_prog(o), xl_prog(o), "migrate", "-s", ssh, o->domain,
		       r->rune, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	/* the receiver xl starts may hold the pipe open: watch xl itself */
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		if (!sig && ma_now_ms() >= deadline) {
			sig = SIGTERM;
			kill(pid, sig);
			deadline = ma_now_ms() + XL_KILL_GRACE_MS;
		} else if (sig == SIGTERM && ma_now_ms() >= deadline) {
			sig = SIGKILL;
			kill(pid, sig);
		}
		if (open && poll(&pfd, 1, 200) > 0)
			open = still_open(relay(fds[0], buf, &len,
						sizeof(buf)));
		else if (!open)
			usleep(200 * 1000);
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid || (ret < 0 && errno != EINTR))
			break;
	}
	while (open && relay(fds[0], buf, &len, sizeof(buf)) > 0)
		;
	if (len)
		report_note("xl: %s", buf);
	close(fds[0]);
	if (ret != pid) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "lost xl migrate: %s", strerror(errno));
		return -1;
	}
	if (!sig && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (sig)
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "xl migrate did not end within %d ms; stopped",
			 o->migrate_timeout_ms);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(r->s.reason, sizeof(r->s.reason), "cannot run %s",
			 xl_prog(o));
	else
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "xl migrate failed (exit %d)",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return -1;
fail_errno:
	snprintf(r->s.reason, sizeof(r->s.reason), "cannot run %s: %s",
		 xl_prog(o), strerror(errno));
	return -1;
}

/* The migration failed: attach the NIC again at the source. */
static int roll_back(struct xrun *r)
{
	char why[1024];

	snprintf(why, sizeof(why), "%.1000s", r->s.reason);
	if (libxl_device_pci_add(r->x.ctx, r->domid, &r->src, NULL)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "%s; attaching %s again failed too", why, r->src_bdf);
		return report_end("failed", MA_BROKEN,
				  "parked at the source, without a NIC",
				  r->s.reason);
	}
	report_phase("nic-reattached", NULL, "%s attached to domain %u again",
		     r->src_bdf, r->domid);
	return steps_swap_back(&r->s, &r->ch, why);
}

/* The arriving domain takes the destination's NIC. */
static int arrive(struct xrun *r)
{
	struct channel dch;
	uint32_t newid;
	int code;

	if (xen_domid(&r->x, r->o->domain, &newid)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "xl migrate ended, but %s", r->x.error);
		return report_end("failed", MA_BROKEN, "unknown", r->s.reason);
	}
	if (libxl_device_pci_add(r->x.ctx, newid, &r->dst, NULL)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "attaching %s to domain %u failed (libxl says why above)",
			 r->dst_bdf, newid);
		return report_end("failed", MA_PARKED,
				  "parked at the destination, without a NIC",
				  r->s.reason);
	}
	report_phase("nic-attached", NULL, "%s attached to domain %u",
		     r->dst_bdf, newid);
	if (channel_open_xs(&dch, newid)) {
		snprintf(r->s.reason, sizeof(r->s.reason), "%s", dch.error);
		return report_end("failed", MA_BROKEN,
				  "at the destination, not reachable",
				  r->s.reason);
	}
	code = steps_arrive(&r->s, &dch);
	channel_close(&dch);
	return code;
}

/* From making the destination's NIC assignable on: the changes. */
static int migrate_steps(struct xrun *r)
{
	long long start;

	if (r->dst_needs_assign) {
		if (libxl_device_pci_assignable_add(r->x.ctx, &r->dst, 1)) {
			snprintf(r->s.reason, sizeof(r->s.reason),
				 "cannot make %s assignable (unbinding %s)",
				 r->dst_bdf, r->dst_driver);
			return report_end("refused", MA_REFUSED, "untouched",
					  r->s.reason);
		}
		report_note("%s made assignable (was on %s)", r->dst_bdf,
			    r->dst_driver);
	}
	if (steps_park(&r->s, &r->ch, NULL))
		return report_end("not-parked", MA_NO_PARK,
				  "at the source with its NIC attached (if it parked after all, it takes the NIC back within --park-timeout)",
				  r->s.reason);
	report_phase("parked", NULL, "%s parked by the guest", r->s.dev);

	if (libxl_device_pci_remove(r->x.ctx, r->domid, &r->src, NULL)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "detaching %s from domain %u failed (libxl says why above)",
			 r->src_bdf, r->domid);
		return report_end("failed", MA_BROKEN,
				  "parked at the source; its NIC may still be attached",
				  r->s.reason);
	}
	report_phase("nic-detached", NULL, "%s detached from domain %u",
		     r->src_bdf, r->domid);

	start = ma_now_ms();
	if (run_xl_migrate(r))
		return roll_back(r);
	report_phase("migrated", NULL, "xl migrate %s done in %lld ms",
		     r->o->domain, ma_now_ms() - start);
	return arrive(r);
}

int xen_migrate(const struct migrate_opts *o)
{
	struct xrun *r = calloc(1, sizeof(*r));
	int code;

	if (!r)
		return MA_BROKEN;
	r->o = o;
	r->s.o = o;
	if (xen_open(&r->x)) {
		snprintf(r->s.reason, sizeof(r->s.reason), "%s", r->x.error);
		code = report_end("refused", MA_REFUSED, "untouched",
				  r->s.reason);
		goto out;
	}
	if (check(r)) {
		code = report_end("refused", MA_REFUSED, "untouched",
				  r->s.reason);
		goto out;
	}
	report_phase("checked", NULL,
		     "%s of domain %u on %s; %s at this host is %s", r->s.dev,
		     r->domid, r->src_bdf, r->dst_bdf,
		     r->dst_needs_assign ? "to be made assignable" :
		     "assignable");
	if (o->dry_run)
		code = report_end("dry-run", MA_OK, "untouched", NULL);
	else
		code = migrate_steps(r);
out:
	channel_close(&r->ch);
	if (r->have_src)
		libxl_device_pci_dispose(&r->src);
	if (r->have_dst)
		libxl_device_pci_dispose(&r->dst);
	xen_close(&r->x);
	free(r);
	return code;
}

int xen_status(const char *domain, int timeout_ms, bool json)
{
	struct channel ch;
	struct xen x;
	uint32_t domid;
	int code;

	if (xen_open(&x) || xen_domid(&x, domain, &domid)) {
		report_error("%s", x.error);
		xen_close(&x);
		return MA_REFUSED;
	}
	xen_close(&x);
	if (channel_open_xs(&ch, domid)) {
		report_error("%s", ch.error);
		return MA_REFUSED;
	}
	code = steps_status(&ch, timeout_ms, json);
	channel_close(&ch);
	return code;
}
