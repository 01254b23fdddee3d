// SPDX-License-Identifier: GPL-2.0
/*
 * A probe run in a worker.
 *
 * pci_call_probe() runs a driver's probe through work_on_cpu(), on a CPU
 * of the device's node, whenever that node is online: on NUMA hosts, and
 * in Xen PV guests, whose pcifront puts every device on the first online
 * node. The bus notifier saw the probe start in the binding task; the
 * driver's allocation then comes from the worker, and a claim by task
 * alone would let the driver allocate an interface of its own. The worker
 * says what it runs: its current work is work_on_cpu()'s, whose function
 * is local_pci_probe() and whose argument names the driver and the
 * device.
 *
 * Both structures are private (kernel/workqueue.c and
 * drivers/pci/pci-driver.c) and alike in 6.1 and 6.12. They are mirrored
 * here and read only once both function pointers are found to be those
 * two functions, by name: another layout refuses the claim (the swap then
 * fails, saying so) rather than misreading it.
 */

#include <linux/kallsyms.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/workqueue.h>

#include "net_swap.h"

struct probe_work_for_cpu {
	struct work_struct work;
	long (*fn)(void *arg);
	void *arg;
	long ret;
};

struct probe_drv_dev_and_id {
	struct pci_driver *drv;
	struct pci_dev *dev;
	const struct pci_device_id *id;
};

static bool is_function(const void *fn, const char *name)
{
	char sym[KSYM_SYMBOL_LEN];

	snprintf(sym, sizeof(sym), "%ps", fn);
	return !strcmp(sym, name);
}

/**
 * shadow_worker_probe_dev() - the PCI device the current worker probes
 *
 * Any context (it neither sleeps nor locks); the device lives while its
 * probe runs.
 * Return: the device whose probe the current task runs for work_on_cpu(),
 * or NULL.
 */
struct device *shadow_worker_probe_dev(void)
{
	struct probe_drv_dev_and_id *ddi;
	struct probe_work_for_cpu *wfc;
	struct work_struct *work;

	if (!(current->flags & PF_WQ_WORKER))
		return NULL;
	work = current_work();
	if (!work || !is_function(work->func, "work_for_cpu_fn"))
		return NULL;
	wfc = container_of(work, struct probe_work_for_cpu, work);
	if (!is_function(wfc->fn, "local_pci_probe"))
		return NULL;
	ddi = wfc->arg;
	return ddi && ddi->dev ? &ddi->dev->dev : NULL;
}
