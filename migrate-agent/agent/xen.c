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
 * The destination is this host ("localhost", or xl's own "-s ''" form,
 * where DESTINATION is the command that runs the receiver), or another
 * one reached with --ssh, as xl reaches it; there the attach and the
 * guest's outcome happen in `migrate-agent arrive --xen`, which the agent
 * runs through the same command (xen_remote.c), first as a dry run with
 * the other checks.
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
#include "spawn.h"
#include "xen_pci.h"
#include "xen_remote.h"

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
	bool remote;			/* the destination is another host */
	char rune[512];			/* xl migrate's HOST argument */
};

static const char *xl_prog(const struct migrate_opts *o)
{
	return o->xl ?: "xl";
}

/*
 * Where xl migrate sends the domain: this host, reached by running
 * r->rune with "-s ''", or another (r->remote), reached with -s SSH.
 */
static void destination(struct xrun *r)
{
	const struct migrate_opts *o = r->o;

	if (o->ssh && !*o->ssh) {
		snprintf(r->rune, sizeof(r->rune), "%s", o->dest);
	} else if (!o->ssh && (!strcmp(o->dest, "localhost") ||
			       !strcmp(o->dest, "127.0.0.1"))) {
		snprintf(r->rune, sizeof(r->rune), "%s migrate-receive",
			 xl_prog(o));
	} else {
		r->remote = true;
		snprintf(r->rune, sizeof(r->rune), "%s", o->dest);
	}
}

/* The destination NIC, here: present, and assignable or to be made so. */
static int check_dst_nic(struct xrun *r)
{
	int rc;

	if (xen_parse_bdf(&r->x, r->o->to_nic, &r->dst))
		return -1;
	r->have_dst = true;
	xen_bdf(&r->dst, r->dst_bdf, sizeof(r->dst_bdf));
	rc = xen_check_assignable(&r->x, &r->dst, r->dst_driver,
				  sizeof(r->dst_driver));
	r->dst_needs_assign = rc == 1;
	return rc < 0 ? -1 : 0;
}

/* The destination's agent runs its checks; 0, or -1 and r->s.reason. */
static int check_remote(struct xrun *r)
{
	struct remote_end end;

	if (xen_remote_arrive(r->o, r->s.dev, true, &end) == MA_OK)
		return 0;
	snprintf(r->s.reason, sizeof(r->s.reason), "at %s: %s", r->o->dest,
		 end.reason[0] ? end.reason : end.result);
	return -1;
}

/* The checks that change nothing; 0, or -1 and r->s.reason. */
static int check(struct xrun *r)
{
	const struct migrate_opts *o = r->o;

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
	destination(r);
	if (r->remote)
		return check_remote(r);
	if (check_dst_nic(r))
		goto fail_x;
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
	int fd, status = 0, sig = 0;
	size_t len = 0;
	pid_t ret;
	bool open = true;
	pid_t pid;

	char *argv[7];

	argv[0] = (char *)xl_prog(o);
	argv[1] = "migrate";
	argv[2] = "-s";
	argv[3] = (char *)ssh;
	argv[4] = (char *)o->domain;
	argv[5] = r->rune;
	argv[6] = NULL;
	pid = ma_spawn(argv, true, &fd);
	if (pid < 0)
		goto fail_errno;
	/* the receiver xl starts may hold the pipe open: watch xl itself */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	pfd.fd = fd;
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
			open = still_open(relay(fd, buf, &len,
						sizeof(buf)));
		else if (!open)
			usleep(200 * 1000);
		ret = waitpid(pid, &status, WNOHANG);
		if (ret == pid || (ret < 0 && errno != EINTR))
			break;
	}
	while (open && relay(fd, buf, &len, sizeof(buf)) > 0)
		;
	if (len)
		report_note("xl: %s", buf);
	close(fd);
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
	return steps_arrive(&r->s, &dch, channel_open_xs(&dch, newid));
}

/* Unbind the destination NIC's dom0 driver if need be; 0 or -1. */
static int make_assignable(struct xrun *r)
{
	if (!r->dst_needs_assign)
		return 0;
	if (libxl_device_pci_assignable_add(r->x.ctx, &r->dst, 1)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "cannot make %s assignable (unbinding %s)",
			 r->dst_bdf, r->dst_driver);
		return -1;
	}
	report_note("%s made assignable (was on %s)", r->dst_bdf,
		    r->dst_driver);
	return 0;
}

/* The destination's agent attaches the NIC and waits for the guest. */
static int arrive_remote(struct xrun *r)
{
	struct remote_end end;

	xen_remote_arrive(r->o, r->s.dev, false, &end);
	return report_end(end.result[0] ? end.result : "failed", end.exit,
			  end.state, end.reason[0] ? end.reason : NULL);
}

/* From making the destination's NIC assignable on: the changes. */
static int migrate_steps(struct xrun *r)
{
	long long start;

	if (make_assignable(r))
		return report_end("refused", MA_REFUSED, "untouched",
				  r->s.reason);
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
	return r->remote ? arrive_remote(r) : arrive(r);
}

static struct xrun *xrun_new(const struct migrate_opts *o)
{
	struct xrun *r = calloc(1, sizeof(*r));

	if (r) {
		r->o = o;
		r->s.o = o;
	}
	return r;
}

static void xrun_free(struct xrun *r)
{
	channel_close(&r->ch);
	if (r->have_src)
		libxl_device_pci_dispose(&r->src);
	if (r->have_dst)
		libxl_device_pci_dispose(&r->dst);
	xen_close(&r->x);
	free(r);
}

int xen_migrate(const struct migrate_opts *o)
{
	struct xrun *r = xrun_new(o);
	int code;

	if (!r)
		return MA_BROKEN;
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
		     "%s of domain %u on %s; %s at %s is %s", r->s.dev,
		     r->domid, r->src_bdf, o->to_nic,
		     r->remote ? o->dest : "this host",
		     r->remote ? "checked there" : r->dst_needs_assign ?
		     "to be made assignable" : "assignable");
	if (o->dry_run)
		code = report_end("dry-run", MA_OK, "untouched", NULL);
	else
		code = migrate_steps(r);
out:
	xrun_free(r);
	return code;
}

int xen_arrive(const struct migrate_opts *o)
{
	struct xrun *r = xrun_new(o);
	int code;

	if (!r)
		return MA_BROKEN;
	/* for the messages: the source agent names the interface */
	snprintf(r->s.dev, sizeof(r->s.dev), "%s", o->dev ?: "the interface");
	if (xen_open(&r->x) || check_dst_nic(r)) {
		snprintf(r->s.reason, sizeof(r->s.reason), "%s", r->x.error);
		code = report_end("refused", MA_REFUSED, "untouched",
				  r->s.reason);
	} else if (o->dry_run) {
		report_phase("checked", NULL, "%s at this host is %s",
			     r->dst_bdf, r->dst_needs_assign ?
			     "to be made assignable" : "assignable");
		code = report_end("dry-run", MA_OK, "untouched", NULL);
	} else if (make_assignable(r)) {
		code = report_end("failed", MA_PARKED,
				  "parked at the destination, without a NIC",
				  r->s.reason);
	} else {
		code = arrive(r);
	}
	xrun_free(r);
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
