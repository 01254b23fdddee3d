/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libxl side of migrate-agent's Xen back end: the toolstack context,
 * domains by name, and the PCI devices passed through to them.
 */
#ifndef _MA_XEN_PCI_H
#define _MA_XEN_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <libxlutil.h>

struct xen {
	libxl_ctx *ctx;
	xentoollog_logger_stdiostream *log;
	XLU_Config *cfg;	/* for libxlutil's PCI address parser */
	char error[512];
};

int xen_open(struct xen *x);
void xen_close(struct xen *x);
/* xen_domid: DOMAIN (a name or an id) as an id; 0 or -1 and x->error. */
int xen_domid(struct xen *x, const char *domain, uint32_t *domid);
/* xen_parse_bdf: "DDDD:BB:DD.F" (or "BB:DD.F") into PCI; 0 or -1. */
int xen_parse_bdf(struct xen *x, const char *bdf, libxl_device_pci *pci);
/* xen_bdf: PCI's address as text, in BUF (at least 16 bytes). */
const char *xen_bdf(const libxl_device_pci *pci, char *buf, size_t size);
/*
 * xen_domain_nic: the device passed through to DOMID: the one at WANT if
 * not NULL, else the only one. 0 and *pci (the caller disposes of it),
 * or -1 and x->error.
 */
int xen_domain_nic(struct xen *x, uint32_t domid, const char *want,
		   libxl_device_pci *pci);
/*
 * xen_check_assignable: can PCI be passed to a guest? 0 when it is
 * assignable now, 1 when it is in dom0 and its driver would be unbound
 * to make it so (*driver names it), -1 when it cannot be (x->error).
 */
int xen_check_assignable(struct xen *x, const libxl_device_pci *pci,
			 char *driver, size_t size);

#endif /* _MA_XEN_PCI_H */
