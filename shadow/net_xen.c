// SPDX-License-Identifier: GPL-2.0
/*
 * Xen PV guests: the legacy interrupt binding pcifront leaks.
 *
 * In a PV domU, enabling a passed-through PCI device binds its GSI to a
 * pirq-backed Linux irq (xen_pcifront_enable_irq() in arch/x86/pci/xen.c)
 * and nothing ever unbinds it: pcibios_disable_irq is NULL there. Once the
 * device is detached, the next resume (a live migration's) maps every
 * pirq again (restore_pirqs()); the detached one fails, and its error
 * path frees the entry inside the list walk, which takes the guest down
 * with a general protection fault (6.1 and 6.12 alike; TESTBED.md).
 *
 * A swap unbinds the old driver so that its device can go: at that point
 * nothing uses the irq, and the shadow releases the binding. It requests
 * the irq first, so that the release has an action to free (free_irq()
 * of none warns), then unbind_from_irqhandler() frees the action and the
 * binding (the last reference of a shared GSI's). A rollback onto the
 * device binds it again, as any enable does.
 *
 * Only in a PV domU: dom0 binds its GSIs through ACPI and keeps them.
 *
 * The bounce pool a migration breaks is net_xen_swiotlb.c's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/pci.h>
#include <xen/events.h>
#include <xen/xen.h>

#include "net_swap.h"

static irqreturn_t not_ours(int irq, void *dev_id)
{
	return IRQ_NONE;
}

/**
 * shadow_xen_release_irq() - drop pcifront's binding of an unbound device
 * @sw: the swap, whose old device the old driver has just left
 *
 * Notes what it did, or why it could not, in the swap.
 */
void shadow_xen_release_irq(struct shadow_swap *sw)
{
	struct pci_dev *pdev;
	int irq, pirq, err;

	if (!IS_ENABLED(CONFIG_XEN_PV) || !xen_pv_domain() || xen_initial_domain())
		return;
	if (!sw->old_dev || !dev_is_pci(sw->old_dev) || sw->old_dev->driver)
		return;
	pdev = to_pci_dev(sw->old_dev);
	irq = pdev->irq;
	if (!irq || pdev->msi_enabled || pdev->msix_enabled)
		return;
	pirq = xen_pirq_from_irq(irq);
	if (pirq <= 0)
		return;
	err = request_irq(irq, not_ours, IRQF_SHARED, "shadow-release", sw);
	if (err) {
		shadow_swap_note(sw, "cannot release irq %d (pirq %d) of %s (%d): a migration may crash this guest on resume",
				 irq, pirq, pci_name(pdev), err);
		return;
	}
	unbind_from_irqhandler(irq, sw);
	shadow_swap_note(sw, "released irq %d (pirq %d) of %s, which pcifront never unbinds",
			 irq, pirq, pci_name(pdev));
}
