// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-agent's QEMU back end. The order is what makes a migration with
 * a passthrough-like NIC safe: the guest parks its interface first (so it
 * stops using the NIC and waits for any NIC that comes), only then is the
 * NIC unplugged, the memory migrated without it, and the destination's
 * NIC, of whatever model, plugged into the arriving guest, whose parked
 * swap takes it and replays the interface's state into the new driver.
 *
 * Every check that needs no change is done before the first change, and
 * each later failure undoes what it can: a failed migration plugs the NIC
 * back at the source, where the parked interface takes it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "migrate.h"
#include "qmp.h"
#include "report.h"

#define QMP_TIMEOUT_MS		10000
#define UNPLUG_TIMEOUT_MS	30000

/* What it takes to plug the source NIC back, read before it goes. */
struct nic {
	char *type, *mac, *netdev;
	char bus_addr[16];		/* as the guest sees it */
};

struct run {
	struct steps s;			/* its interface, why it failed */
	const struct migrate_opts *o;
	struct qmp src, dst;
	struct channel ch;
	struct nic nic;
};

static void nic_free(struct nic *n)
{
	free(n->type);
	free(n->mac);
	free(n->netdev);
}

/* The PCI address QEMU gave the NIC (its "addr" is slot * 8 + function). */
static int nic_bus_addr(struct run *r, const char *path)
{
	struct json_object *args = json_object_new_object(), *ret;
	int devfn;

	json_object_object_add(args, "path", json_object_new_string(path));
	json_object_object_add(args, "property", json_object_new_string("addr"));
	if (qmp_call(&r->src, "qom-get", args, &ret, QMP_TIMEOUT_MS))
		return -1;
	devfn = json_object_get_int(ret);
	json_object_put(ret);
	snprintf(r->nic.bus_addr, sizeof(r->nic.bus_addr), "0000:00:%02x.%x",
		 devfn >> 3, devfn & 7);
	return 0;
}

static int read_nic(struct run *r)
{
	char path[256];

	snprintf(path, sizeof(path), "/machine/peripheral/%s", r->o->nic_id);
	r->nic.type = qmp_qom_get_string(&r->src, path, "type");
	r->nic.mac = qmp_qom_get_string(&r->src, path, "mac");
	r->nic.netdev = qmp_qom_get_string(&r->src, path, "netdev");
	if (!r->nic.type || !r->nic.mac || !r->nic.netdev ||
	    nic_bus_addr(r, path)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "the source has no NIC with id '%s' (%s)",
			 r->o->nic_id, r->src.error);
		return -1;
	}
	return 0;
}

/*
 * "info network" lists a netdev as "\ ID: peer: ..." under its hub, or as
 * "\ ID" alone when nothing is plugged into it.
 */
static bool netdev_listed(const char *text, const char *needle)
{
	const char *p = text ?: "";
	size_t n = strlen(needle);

	while ((p = strstr(p, needle))) {
		if (strchr(":\r\n", p[n]))	/* also matches the NUL */
			return true;
		p += n;
	}
	return false;
}

/* Does the destination have the model and the netdev the new NIC needs? */
static int check_destination(struct run *r)
{
	const char *netdev = r->o->to_netdev ?: r->nic.netdev;
	struct json_object *args = json_object_new_object(), *ret;
	char needle[128];
	char *status;
	int err;

	status = qmp_status(&r->dst);
	if (!status || strcmp(status, "inmigrate")) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "the destination is %s, not waiting for a migration (-incoming)",
			 status ?: "not answering");
		free(status);
		return -1;
	}
	free(status);
	json_object_object_add(args, "typename",
			       json_object_new_string(r->o->to_model));
	err = qmp_call(&r->dst, "device-list-properties", args, &ret,
		       QMP_TIMEOUT_MS);
	json_object_put(ret);
	if (err) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "the destination cannot plug a '%s' NIC (%s)",
			 r->o->to_model, r->dst.error);
		return -1;
	}
	/* QMP lists no netdevs in QEMU 7.2: HMP's "info network" does. */
	args = json_object_new_object();
	json_object_object_add(args, "command-line",
			       json_object_new_string("info network"));
	err = qmp_call(&r->dst, "human-monitor-command", args, &ret,
		       QMP_TIMEOUT_MS);
	snprintf(needle, sizeof(needle), "\\ %s", netdev);
	if (err || !netdev_listed(json_object_get_string(ret), needle)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "the destination has no netdev '%s' for the new NIC",
			 netdev);
		err = -1;
	}
	json_object_put(ret);
	return err ? -1 : 0;
}

static int device_add(struct qmp *q, const char *driver, const char *netdev,
		      const char *mac, const char *id)
{
	struct json_object *args = json_object_new_object();

	json_object_object_add(args, "driver", json_object_new_string(driver));
	json_object_object_add(args, "netdev", json_object_new_string(netdev));
	if (mac)
		json_object_object_add(args, "mac", json_object_new_string(mac));
	json_object_object_add(args, "id", json_object_new_string(id));
	return qmp_call(q, "device_add", args, NULL, QMP_TIMEOUT_MS);
}

/* The migration failed: plug the NIC back at the source; the parked
 * interface takes it again.
 */
static int roll_back(struct run *r, const char *why)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%.500s", why);
	if (device_add(&r->src, r->nic.type, r->nic.netdev, r->nic.mac,
		       r->o->nic_id)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "%s; plugging %s back failed too (%s)", msg,
			 r->o->nic_id, r->src.error);
		return report_end("failed", MA_BROKEN,
				  "parked at the source, without a NIC",
				  r->s.reason);
	}
	report_phase("nic-reattached", NULL, "%s (%s) plugged back at the source",
		     r->o->nic_id, r->nic.type);
	return steps_swap_back(&r->s, &r->ch, msg);
}

/* Migrate, showing progress; 0 once completed, else r->s.reason says why. */
static int migrate_memory(struct run *r, struct json_object **info)
{
	long long deadline = ma_now_ms() + r->o->migrate_timeout_ms;
	long long next_note = ma_now_ms() + 2000;
	struct json_object *args = json_object_new_object(), *ret, *ram;
	const char *status;

	*info = NULL;
	json_object_object_add(args, "uri", json_object_new_string(r->o->uri));
	if (qmp_call(&r->src, "migrate", args, NULL, QMP_TIMEOUT_MS)) {
		snprintf(r->s.reason, sizeof(r->s.reason), "%s", r->src.error);
		return -1;
	}
	while (ma_now_ms() < deadline) {
		if (qmp_call(&r->src, "query-migrate", NULL, &ret,
			     QMP_TIMEOUT_MS)) {
			snprintf(r->s.reason, sizeof(r->s.reason), "%s",
				 r->src.error);
			return -1;
		}
		status = js_str(ret, "status") ?: "?";
		if (!strcmp(status, "completed")) {
			*info = ret;
			return 0;
		}
		if (!strcmp(status, "failed") || !strcmp(status, "cancelled")) {
			snprintf(r->s.reason, sizeof(r->s.reason),
				 "migration %s: %s", status,
				 js_str(ret, "error-desc") ?: "no reason given");
			json_object_put(ret);
			return -1;
		}
		if (ma_now_ms() >= next_note &&
		    json_object_object_get_ex(ret, "ram", &ram)) {
			report_note("migrating: %lld of %lld MiB sent",
				    js_int(ram, "transferred", 0) >> 20,
				    js_int(ram, "total", 0) >> 20);
			next_note += 2000;
		}
		json_object_put(ret);
		usleep(100 * 1000);
	}
	qmp_call(&r->src, "migrate_cancel", NULL, NULL, QMP_TIMEOUT_MS);
	snprintf(r->s.reason, sizeof(r->s.reason),
		 "migration not done within %d ms; cancelled",
		 r->o->migrate_timeout_ms);
	return -1;
}

static int wait_running(struct qmp *q, int timeout_ms)
{
	long long deadline = ma_now_ms() + timeout_ms;
	char *status;
	bool running;

	do {
		status = qmp_status(q);
		running = status && !strcmp(status, "running");
		free(status);
		if (running)
			return 0;
		usleep(100 * 1000);
	} while (ma_now_ms() < deadline);
	return -1;
}

/*
 * A virtio NIC probes in two steps (virtio_pci, then virtio_net on the
 * virtio device): the guest loads virtio_net before it parks, so that its
 * probe runs in the claimed task (preload() in guest.c).
 */
static const char *const virtio_preload[] = { "virtio_net", NULL };

/* From the park on: the steps that change something. */
static int migrate_steps(struct run *r)
{
	const struct migrate_opts *o = r->o;
	struct json_object *args, *info, *d;
	struct channel dch;

	if (steps_park(&r->s, &r->ch, strncmp(o->to_model, "virtio-net", 10) ?
		       NULL : virtio_preload)) {
		/*
		 * A guest that said no may still park later (its swap runs
		 * on), as may one that did not answer: either way its NIC is
		 * still plugged, and a parked interface takes it back when
		 * its park times out.
		 */
		return report_end("not-parked", MA_NO_PARK,
				  "at the source with its NIC plugged (if it parked after all, it takes the NIC back within --park-timeout)",
				  r->s.reason);
	}
	report_phase("parked", NULL, "%s parked by the guest", r->s.dev);

	args = json_object_new_object();
	json_object_object_add(args, "id", json_object_new_string(o->nic_id));
	if (qmp_call(&r->src, "device_del", args, NULL, QMP_TIMEOUT_MS) ||
	    qmp_wait_event(&r->src, "DEVICE_DELETED", "device", o->nic_id,
			   UNPLUG_TIMEOUT_MS)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "unplugging %s failed: %s", o->nic_id, r->src.error);
		return report_end("failed", MA_BROKEN,
				  "parked at the source; its NIC may still be plugged",
				  r->s.reason);
	}
	report_phase("nic-detached", NULL, "%s (%s at %s) unplugged",
		     o->nic_id, r->nic.type, r->nic.bus_addr);

	if (migrate_memory(r, &info))
		return roll_back(r, r->s.reason);
	d = json_object_new_object();
	json_object_object_add(d, "downtime_ms", json_object_new_int64(
			       js_int(info, "downtime", -1)));
	json_object_object_add(d, "total_ms", json_object_new_int64(
			       js_int(info, "total-time", -1)));
	report_phase("migrated", d, "memory migrated to %s (downtime %lld ms)",
		     o->uri, js_int(info, "downtime", -1));
	json_object_put(info);
	if (o->quit_source)
		qmp_call(&r->src, "quit", NULL, NULL, QMP_TIMEOUT_MS);

	if (wait_running(&r->dst, QMP_TIMEOUT_MS) ||
	    device_add(&r->dst, o->to_model, o->to_netdev ?: r->nic.netdev,
		       o->to_mac, o->to_id ?: o->nic_id)) {
		snprintf(r->s.reason, sizeof(r->s.reason),
			 "plugging a %s at the destination failed: %s",
			 o->to_model, r->dst.error[0] ? r->dst.error :
			 "the destination is not running");
		return report_end("failed", MA_PARKED,
				  "parked at the destination, without a NIC",
				  r->s.reason);
	}
	report_phase("nic-attached", NULL, "a %s plugged at the destination",
		     o->to_model);

	return steps_arrive(&r->s, &dch,
			    channel_open(&dch, o->dest_channel, QMP_TIMEOUT_MS));
}

int qemu_migrate(const struct migrate_opts *o)
{
	struct run *r = calloc(1, sizeof(*r));
	int code;

	if (!r)
		return MA_BROKEN;
	r->o = o;
	r->s.o = o;
	if (qmp_open(&r->src, o->qmp, QMP_TIMEOUT_MS) ||
	    qmp_open(&r->dst, o->dest_qmp, QMP_TIMEOUT_MS)) {
		snprintf(r->s.reason, sizeof(r->s.reason), "%s",
			 r->src.error[0] ? r->src.error : r->dst.error);
		code = report_end("refused", MA_REFUSED, "untouched", r->s.reason);
		goto out;
	}
	if (read_nic(r) || check_destination(r)) {
		code = report_end("refused", MA_REFUSED, "untouched", r->s.reason);
		goto out;
	}
	if (channel_open(&r->ch, o->channel, QMP_TIMEOUT_MS) ||
	    steps_check_guest(&r->s, &r->ch, r->nic.bus_addr, o->nic_id)) {
		if (!r->s.reason[0])
			snprintf(r->s.reason, sizeof(r->s.reason), "%s",
				 r->ch.error);
		code = report_end("refused", MA_REFUSED, "untouched", r->s.reason);
		goto out;
	}
	report_phase("checked", NULL,
		     "%s on %s (%s at %s); the destination can plug a %s",
		     r->s.dev, o->nic_id, r->nic.type, r->nic.bus_addr,
		     o->to_model);
	if (o->dry_run)
		code = report_end("dry-run", MA_OK, "untouched", NULL);
	else
		code = migrate_steps(r);
out:
	channel_close(&r->ch);
	qmp_close(&r->dst);
	qmp_close(&r->src);
	nic_free(&r->nic);
	free(r);
	return code;
}

int qemu_status(const char *path, int timeout_ms, bool json)
{
	struct channel ch;
	int code;

	if (channel_open(&ch, path, timeout_ms)) {
		report_error("%s", ch.error);
		return MA_REFUSED;
	}
	code = steps_status(&ch, timeout_ms, json);
	channel_close(&ch);
	return code;
}
