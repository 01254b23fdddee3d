// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side of a migration: a daemon on the virtio-serial port the
 * host agent talks to (channel.h has the framing), or on the domain's
 * xenstore nodes under Xen (guest_xs.c). It drives shadow.ko
 * through shadowctl, so that there is one client of the swap protocol and
 * its JSON result is what the host receives verbatim.
 *
 * Ops: "hello" and "status" (the shadowed interfaces and the park), "park"
 * (a swap with no target and a long timeout: the interface waits, parked,
 * for whatever NIC appears next, here or after the migration), "result"
 * (the park's swap outcome once it ended) and "verify" (ping an address
 * through the interface).
 *
 * The daemon loads no driver for a hot-plugged NIC: udev does that on a
 * real system (the test guest, which has no udev, runs its coldplug
 * script). While no host is connected to the port, reads see end of file
 * and the daemon polls again: a migration moves the port's host end.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "guest.h"
#include "qmp.h"
#include "report.h"
#include "spawn.h"

#define OUTPUT_MAX	65536

/* The one park in flight; owned by the main loop, only it touches it. */
static struct park {
	pid_t pid;		/* shadowctl swap, until reaped */
	int out_fd;		/* its stdout */
	char dev[IFNAMSIZ];
	char output[OUTPUT_MAX];
	size_t outlen;
	int exit_code;		/* once done */
	bool started, done;
} park;

static const struct guest_opts *opts;

/* Read what the child wrote so far; it never blocks. */
static void drain(int fd, char *buf, size_t *len, size_t size)
{
	ssize_t n;

	while (*len < size - 1 &&
	       (n = read(fd, buf + *len, size - 1 - *len)) > 0)
		*len += n;
	buf[*len] = '\0';
}

#define ARGS_MAX	16

/* Collect the NULL-terminated arguments after FIRST into ARGV. */
static void collect(char *argv[ARGS_MAX], const char *first, va_list ap)
{
	int i = 0;

	for (argv[i] = (char *)first; argv[i] && i < ARGS_MAX - 1;)
		argv[++i] = va_arg(ap, char *);
	argv[ARGS_MAX - 1] = NULL;
}

/* spawn: run ARGV with stdout on a non-blocking pipe; its pid or -1. */
static pid_t spawn(char *const argv[], int *out_fd)
{
	pid_t pid = ma_spawn(argv, false, out_fd);

	if (pid > 0)
		fcntl(*out_fd, F_SETFL, O_NONBLOCK);
	return pid;
}

/* spawnl: spawn() with the arguments listed, NULL-terminated. */
static __attribute__((sentinel)) pid_t spawnl(int *out_fd,
					     const char *arg0, ...)
{
	char *argv[ARGS_MAX];
	va_list ap;

	va_start(ap, arg0);
	collect(argv, arg0, ap);
	va_end(ap);
	return spawn(argv, out_fd);
}

/*
 * runl: run the program and arguments listed (NULL-terminated) to the
 * end; its exit status (or -1) and stdout in BUF.
 */
static __attribute__((sentinel)) int runl(char *buf, size_t size,
					  const char *arg0, ...)
{
	char *argv[ARGS_MAX];
	size_t len = 0;
	int fd, status;
	va_list ap;
	pid_t pid;

	va_start(ap, arg0);
	collect(argv, arg0, ap);
	va_end(ap);
	buf[0] = '\0';
	pid = spawn(argv, &fd);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		drain(fd, buf, &len, size);
		usleep(20 * 1000);
	}
	drain(fd, buf, &len, size);
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first line of /sys/class/net/DEV/ATTR, or NULL. */
static struct json_object *sysfs_attr(const char *dev, const char *attr)
{
	char path[128], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, attr);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return json_object_new_string(buf);
}

/* DEV's addresses ("ADDR/PREFIXLEN"), IPv4 and IPv6, as an array. */
static struct json_object *addresses(struct ifaddrs *all, const char *dev)
{
	struct json_object *list = json_object_new_array();
	char addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 16];
	unsigned char *m;
	struct ifaddrs *a;
	const void *in;
	int fam, bits;
	size_t i, len;

	for (a = all; a; a = a->ifa_next) {
		if (!a->ifa_addr || !a->ifa_netmask || strcmp(a->ifa_name, dev))
			continue;
		fam = a->ifa_addr->sa_family;
		if (fam == AF_INET) {
			in = &((struct sockaddr_in *)a->ifa_addr)->sin_addr;
			m = (unsigned char *)&((struct sockaddr_in *)
					       a->ifa_netmask)->sin_addr;
			len = 4;
		} else if (fam == AF_INET6) {
			in = &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
			m = ((struct sockaddr_in6 *)a->ifa_netmask)->sin6_addr.s6_addr;
			len = 16;
		} else {
			continue;
		}
		for (bits = 0, i = 0; i < len; i++)
			bits += __builtin_popcount(m[i]);
		if (!inet_ntop(fam, in, addr, sizeof(addr)))
			continue;
		snprintf(text, sizeof(text), "%s/%d", addr, bits);
		json_object_array_add(list, json_object_new_string(text));
	}
	return list;
}

/*
 * The shadowed interfaces, as shadowctl -j dev show lists them, with what
 * the user sees of each (MAC, MTU, addresses) for the host to compare
 * before and after a migration.
 */
static struct json_object *ifaces(void)
{
	static char out[OUTPUT_MAX];
	struct json_object *list, *d;
	struct ifaddrs *all = NULL;
	const char *name;
	size_t i;

	if (runl(out, sizeof(out), opts->shadowctl, "-j", "dev", "show", NULL))
		return NULL;
	list = json_tokener_parse(out);
	if (!list || !json_object_is_type(list, json_type_array))
		return list;
	if (getifaddrs(&all))
		all = NULL;
	for (i = 0; i < json_object_array_length(list); i++) {
		d = json_object_array_get_idx(list, i);
		name = js_str(d, "ifname");
		if (!name)
			continue;
		json_object_object_add(d, "mac", sysfs_attr(name, "address"));
		json_object_object_add(d, "mtu", sysfs_attr(name, "mtu"));
		json_object_object_add(d, "addrs", addresses(all, name));
	}
	if (all)
		freeifaddrs(all);
	return list;
}

static struct json_object *iface_find(struct json_object *list,
				      const char *dev)
{
	size_t i;

	for (i = 0; list && i < json_object_array_length(list); i++)
		if (!strcmp(js_str(json_object_array_get_idx(list, i),
				   "ifname") ?: "", dev))
			return json_object_array_get_idx(list, i);
	return NULL;
}

/* The state shadow.ko reports for DEV ("passive", "parked", ...). */
static char *iface_state(const char *dev)
{
	struct json_object *list = ifaces();
	const char *s = js_str(iface_find(list, dev), "state");
	char *state = s ? strdup(s) : NULL;

	json_object_put(list);
	return state;
}

void park_reap(void)
{
	int status;

	if (!park.started || park.done ||
	    waitpid(park.pid, &status, WNOHANG) != park.pid)
		return;
	drain(park.out_fd, park.output, &park.outlen, sizeof(park.output));
	close(park.out_fd);
	park.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	park.done = true;
}

static struct json_object *park_json(void)
{
	struct json_object *obj;

	if (!park.started)
		return NULL;
	obj = json_object_new_object();
	json_object_object_add(obj, "dev", json_object_new_string(park.dev));
	json_object_object_add(obj, "done", json_object_new_boolean(park.done));
	if (park.done) {
		json_object_object_add(obj, "exit",
				       json_object_new_int(park.exit_code));
		json_object_object_add(obj, "swap",
				       json_tokener_parse(park.output));
	}
	return obj;
}

static void fail(struct json_object *reply, const char *fmt, ...)
	__printf(2, 3);

static void fail(struct json_object *reply, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(reply, "ok", json_object_new_boolean(false));
	json_object_object_add(reply, "error", json_object_new_string(msg));
}

static void op_status(struct json_object *reply)
{
	json_object_object_add(reply, "ok", json_object_new_boolean(true));
	json_object_object_add(reply, "agent",
			       json_object_new_string(MA_VERSION));
	json_object_object_add(reply, "shadow", json_object_new_boolean(
			       access("/sys/module/shadow", F_OK) == 0));
	json_object_object_add(reply, "ifaces", ifaces());
	json_object_object_add(reply, "park", park_json());
}

/* The interface to park: the one named, else the only one shadow.ko drives. */
static int pick_dev(struct json_object *req, struct json_object *reply,
		    char *dev)
{
	struct json_object *list = ifaces(), *d;
	const char *name = js_str(req, "dev");
	size_t i, n = 0;
	int rc;

	if (!list) {
		fail(reply, "shadow.ko does not answer (is it loaded?)");
		return -1;
	}
	for (i = 0; !name && i < json_object_array_length(list); i++) {
		d = json_object_array_get_idx(list, i);
		if (js_bool(d, "attached") && js_str(d, "ifname")) {
			snprintf(dev, IFNAMSIZ, "%s", js_str(d, "ifname"));
			n++;
		}
	}
	if (name && !iface_find(list, name))
		fail(reply, "%s is not a shadowed interface", name);
	else if (name)
		snprintf(dev, IFNAMSIZ, "%s", name);
	else if (n != 1)
		fail(reply, "%zu shadowed interfaces: name one", n);
	rc = (name && iface_find(list, name)) || (!name && n == 1) ? 0 : -1;
	json_object_put(list);
	return rc;
}

/*
 * Load the drivers the host says the next NIC needs before it appears. A
 * virtio NIC probes in two steps, virtio_pci on the PCI function and then
 * virtio_net on the virtio device it creates; shadow.ko's claim follows
 * the probing task, so virtio_net must be loaded for its probe to run in
 * the claimed one (otherwise udev loads it later, in another task, and it
 * makes an interface of its own).
 */
static int preload(struct json_object *req, struct json_object *reply)
{
	struct json_object *mods;
	char out[1024];
	size_t i;

	if (!json_object_object_get_ex(req, "preload", &mods) ||
	    !json_object_is_type(mods, json_type_array))
		return 0;
	for (i = 0; i < json_object_array_length(mods); i++) {
		const char *mod = json_object_get_string(
				json_object_array_get_idx(mods, i));

		if (!mod || runl(out, sizeof(out), "modprobe", "-q", "--", mod,
				 NULL)) {
			fail(reply, "cannot load %s for the next NIC",
			     mod ?: "(no name)");
			return -1;
		}
	}
	return 0;
}

static void op_park(struct json_object *req, struct json_object *reply)
{
	char timeout[32], dev[IFNAMSIZ];
	long long deadline;
	char *state = NULL;

	park_reap();
	if (park.started && !park.done) {
		fail(reply, "%s is already parked by an earlier request",
		     park.dev);
		return;
	}
	if (pick_dev(req, reply, dev))
		return;
	if (preload(req, reply))
		return;
	snprintf(timeout, sizeof(timeout), "%lld",
		 js_int(req, "timeout_ms", 120000));
	memset(&park, 0, sizeof(park));
	snprintf(park.dev, sizeof(park.dev), "%s", dev);
	park.pid = spawnl(&park.out_fd, opts->shadowctl, "-j", "swap", "dev",
			  dev, "timeout", timeout, NULL);
	if (park.pid < 0) {
		fail(reply, "cannot run %s: %s", opts->shadowctl,
		     strerror(errno));
		return;
	}
	park.started = true;
	deadline = ma_now_ms() + MA_PARK_WAIT_MS;
	while (ma_now_ms() < deadline) {
		free(state);
		state = iface_state(dev);
		park_reap();
		if (park.done || (state && !strcmp(state, "parked")))
			break;
		usleep(50 * 1000);
	}
	if (state && !strcmp(state, "parked") && !park.done) {
		json_object_object_add(reply, "ok",
				       json_object_new_boolean(true));
		json_object_object_add(reply, "dev",
				       json_object_new_string(dev));
		json_object_object_add(reply, "state",
				       json_object_new_string(state));
	} else {
		fail(reply, "%s did not park (state %s)%s%s", dev,
		     state ?: "unknown", park.done ? ": " : "",
		     park.done ? park.output : "");
		json_object_object_add(reply, "park", park_json());
	}
	free(state);
}

static void op_result(struct json_object *reply)
{
	park_reap();
	if (!park.started) {
		fail(reply, "no park was asked");
		return;
	}
	json_object_object_add(reply, "ok", json_object_new_boolean(true));
	json_object_object_add(reply, "park", park_json());
}

static void op_verify(struct json_object *req, struct json_object *reply)
{
	const char *addr = js_str(req, "addr");
	char count[16], out[4096], *last;
	int rc;

	if (!addr || !park.started) {
		fail(reply, addr ? "no park was asked" : "verify needs addr");
		return;
	}
	snprintf(count, sizeof(count), "%lld", js_int(req, "count", 5));
	rc = runl(out, sizeof(out), "ping", "-q", "-c", count, "-W", "2", "-I",
		  park.dev, addr, NULL);
	last = strstr(out, "packets transmitted");
	while (last && last > out && last[-1] != '\n')
		last--;
	if (last)
		last[strcspn(last, "\n")] = '\0';
	if (rc)
		fail(reply, "ping %s through %s: %s", addr, park.dev,
		     last ?: "failed");
	else
		json_object_object_add(reply, "ok",
				       json_object_new_boolean(true));
	json_object_object_add(reply, "ping",
			       json_object_new_string(last ?: ""));
}

struct json_object *guest_handle(struct json_object *req)
{
	struct json_object *reply = json_object_new_object();
	const char *op = js_str(req, "op") ?: "";

	park_reap();
	json_object_object_add(reply, "proto", json_object_new_int(MA_PROTO));
	json_object_object_add(reply, "seq",
			       json_object_new_int64(js_int(req, "seq", -1)));
	if (js_str(req, "session"))
		json_object_object_add(reply, "session",
				json_object_new_string(js_str(req, "session")));
	if (js_int(req, "proto", -1) != MA_PROTO)
		fail(reply, "protocol %lld unknown; this agent speaks %d",
		     js_int(req, "proto", -1), MA_PROTO);
	else if (!strcmp(op, "hello") || !strcmp(op, "status"))
		op_status(reply);
	else if (!strcmp(op, "park"))
		op_park(req, reply);
	else if (!strcmp(op, "result"))
		op_result(reply);
	else if (!strcmp(op, "verify"))
		op_verify(req, reply);
	else
		fail(reply, "unknown op '%s'", op);
	return reply;
}

/* The character device of the virtio-serial port NAME, or NULL. */
static char *find_port(const char *name)
{
	char path[512], buf[256], *dev = NULL;
	struct dirent *de;
	DIR *dir = opendir("/sys/class/virtio-ports");
	FILE *f;

	while (dir && !dev && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			if (!strcmp(buf, name) &&
			    asprintf(&dev, "/dev/%s", de->d_name) < 0)
				dev = NULL;
		}
		fclose(f);
	}
	if (dir)
		closedir(dir);
	return dev;
}

int guest_main(const struct guest_opts *o)
{
	struct json_object *req, *reply;
	struct jsonline jl;
	char *path = NULL;
	int fd, err;

	opts = o;
	signal(SIGPIPE, SIG_IGN);
	if (o->xenstore) {
#ifdef MA_XEN
		return guest_xs_main();
#else
		report_error("built without Xen support (libxen-dev)");
		return MA_USAGE;
#endif
	}
	while (!o->port && !(path = find_port(o->port_name)))
		sleep(1);
	fd = open(o->port ?: path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		report_error("%s: %s", o->port ?: path, strerror(errno));
		return MA_BROKEN;
	}
	report_note("guest side on %s", o->port ?: path);
	free(path);
	err = jl_init(&jl, fd);
	if (err)
		return MA_BROKEN;
	for (;;) {
		park_reap();
		req = jl_read(&jl, 200);
		if (!req && errno == EPIPE) {
			/* no host on the port (yet, or any more) */
			usleep(200 * 1000);
			continue;
		}
		if (!req && errno == EPROTO) {
			report_error("a request that is no JSON object");
			continue;
		}
		if (!req) {
			if (errno != ETIMEDOUT)
				usleep(200 * 1000);
			continue;
		}
		reply = guest_handle(req);
		if (jl_write(&jl, reply))
			report_error("reply lost: %s", strerror(errno));
		json_object_put(reply);
		json_object_put(req);
	}
}
