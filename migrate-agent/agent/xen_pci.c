// SPDX-License-Identifier: GPL-2.0
/* The libxl side of the Xen back end (xen_pci.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xen_pci.h"

int xen_open(struct xen *x)
{
	memset(x, 0, sizeof(*x));
	/* libxl's own errors go to stderr, after ours say what was asked */
	x->log = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
	if (!x->log) {
		snprintf(x->error, sizeof(x->error), "out of memory");
		return -1;
	}
	if (libxl_ctx_alloc(&x->ctx, LIBXL_VERSION, 0,
			    (xentoollog_logger *)x->log)) {
		snprintf(x->error, sizeof(x->error),
			 "cannot open the Xen toolstack (libxl): is this dom0, and are xenstored and the privcmd driver there?");
		xen_close(x);
		return -1;
	}
	x->cfg = xlu_cfg_init(stderr, "migrate-agent");
	if (!x->cfg) {
		snprintf(x->error, sizeof(x->error), "out of memory");
		xen_close(x);
		return -1;
	}
	return 0;
}

void xen_close(struct xen *x)
{
	if (x->cfg)
		xlu_cfg_destroy(x->cfg);
	if (x->ctx)
		libxl_ctx_free(x->ctx);
	if (x->log)
		xtl_logger_destroy((xentoollog_logger *)x->log);
	x->cfg = NULL;
	x->ctx = NULL;
	x->log = NULL;
}

int xen_domid(struct xen *x, const char *domain, uint32_t *domid)
{
	if (libxl_domain_qualifier_to_domid(x->ctx, domain, domid) == 0)
		return 0;
	snprintf(x->error, sizeof(x->error), "no domain '%s'", domain);
	return -1;
}

int xen_parse_bdf(struct xen *x, const char *bdf, libxl_device_pci *pci)
{
	libxl_device_pci_init(pci);
	if (xlu_pci_parse_bdf(x->cfg, pci, bdf) == 0)
		return 0;
	snprintf(x->error, sizeof(x->error),
		 "'%s' is no PCI address (DDDD:BB:DD.F)", bdf);
	return -1;
}

const char *xen_bdf(const libxl_device_pci *pci, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%x", pci->domain, pci->bus,
		 pci->dev, pci->func);
	return buf;
}

static bool same_bdf(const libxl_device_pci *a, const libxl_device_pci *b)
{
	return a->domain == b->domain && a->bus == b->bus &&
	       a->dev == b->dev && a->func == b->func;
}

int xen_domain_nic(struct xen *x, uint32_t domid, const char *want,
		   libxl_device_pci *pci)
{
	libxl_device_pci wanted, *list;
	int n = 0, i, found = -1;

	if (want && xen_parse_bdf(x, want, &wanted))
		return -1;
	list = libxl_device_pci_list(x->ctx, domid, &n);
	for (i = 0; i < n; i++)
		if (!want || same_bdf(&list[i], &wanted))
			found = found < 0 ? i : -2;
	if (want)
		libxl_device_pci_dispose(&wanted);
	if (found >= 0) {
		libxl_device_pci_init(pci);
		libxl_device_pci_copy(x->ctx, pci, &list[found]);
	} else if (want) {
		snprintf(x->error, sizeof(x->error),
			 "%s is not passed through to domain %u", want, domid);
	} else {
		snprintf(x->error, sizeof(x->error),
			 n ? "domain %u has %d PCI devices: name its NIC with --nic" :
			 "domain %u has no PCI device passed through", domid, n);
	}
	if (list)
		libxl_device_pci_list_free(list, n);
	return found < 0 ? -1 : 0;
}

int xen_check_assignable(struct xen *x, const libxl_device_pci *pci,
			 char *driver, size_t size)
{
	char bdf[16], path[96], link[PATH_MAX];
	libxl_device_pci *list;
	int n = 0, i, found = 0;
	ssize_t len;

	xen_bdf(pci, bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	if (access(path, F_OK)) {
		snprintf(x->error, sizeof(x->error),
			 "there is no PCI device %s on this host", bdf);
		return -1;
	}
	list = libxl_device_pci_assignable_list(x->ctx, &n);
	for (i = 0; i < n && !found; i++)
		found = same_bdf(&list[i], pci);
	if (list)
		libxl_device_pci_assignable_list_free(list, n);
	if (found)
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	len = readlink(path, link, sizeof(link) - 1);
	link[len > 0 ? len : 0] = '\0';
	if (len > 0 && strstr(link, "pciback")) {
		snprintf(x->error, sizeof(x->error),
			 "%s is assigned to a domain already", bdf);
		return -1;
	}
	snprintf(driver, size, "%s",
		 len > 0 ? (strrchr(link, '/') ?: link - 1) + 1 : "no driver");
	return 1;
}
