// SPDX-License-Identifier: GPL-2.0
/*
 * Xen PV guests: the DMA bounce pool after a migration.
 *
 * swiotlb-xen bounces a PV domU's streaming DMA through a pool that boot
 * lays out once (xen_swiotlb_fixup()): each segment of IO_TLB_SEGSIZE
 * slots (256 KiB) exchanged with Xen for machine-contiguous frames below
 * 4 GiB, because a device addresses machine frames and a bounce slot may
 * cross a page. A live migration gives the domain new frames, anywhere,
 * and nothing lays the pool out again. Then a driver with a 32-bit DMA
 * mask fails its probe (e1000: "No usable DMA config", from
 * xen_swiotlb_dma_supported()), and worse, a bounce that crosses a page
 * sends the device's writes for its second half to whatever frame follows
 * the first: DMA into someone else's memory.
 *
 * Only a migration with no PCI device attached can happen (Xen refuses
 * otherwise), so at resume the pool is unused: the shadow lays it out
 * again from a Xen resume notifier, segment by segment as boot does,
 * exchanging each broken one for contiguous frames below 4 GiB
 * (XENMEM_exchange; the kernel exports no helper for it, so the steps of
 * xen_create_contiguous_region() are done here: zap the pages' PTEs, give
 * the frames back, map the new extent, point the p2m entries at it). A
 * swap notes what was done, or what it still finds wrong.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/platform_device.h>
#include <linux/swiotlb.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include <xen/interface/memory.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>

#include "net_swap.h"

#define SEG_PAGES	((IO_TLB_SEGSIZE << IO_TLB_SHIFT) >> PAGE_SHIFT)
#define SEG_ORDER	ilog2(SEG_PAGES)
/* what a device with a 32-bit DMA mask can reach */
#define MAX_DMA_BITS	32

/*
 * What the last resume did: written by the resume notifier, read by a
 * swap that runs after it (the resume happens before any device of the
 * migrated domain appears); a race only garbles a note.
 */
static unsigned long relaid, relay_failed;

/* The frames a segment gives back; the resume notifier's alone. */
static xen_pfn_t seg_frames[SEG_PAGES];

static bool pv_domu(void)
{
	return IS_ENABLED(CONFIG_XEN_PV) && xen_pv_domain() && !xen_initial_domain();
}

#ifdef CONFIG_SWIOTLB
static void pool_bounds(struct io_tlb_mem *mem, phys_addr_t *start,
			phys_addr_t *end)
{
#ifdef SHADOW_HAVE_IO_TLB_DEFPOOL
	*start = mem->defpool.start;
	*end = mem->defpool.end;
#else
	*start = mem->start;
	*end = mem->end;
#endif
}

/* Are slots in use? Only a device could use them, and none is here. */
static bool pool_busy(struct io_tlb_mem *mem)
{
#ifdef SHADOW_HAVE_IO_TLB_DEFPOOL
#ifdef CONFIG_DEBUG_FS
	return atomic_long_read(&mem->total_used) != 0;
#else
	return false;
#endif
#else
	return READ_ONCE(mem->used) != 0;
#endif
}

/* The segment at PFN: machine-contiguous and below 4 GiB, as boot made it. */
static bool segment_ok(unsigned long pfn)
{
	unsigned long first = pfn_to_mfn(pfn), i;

	for (i = 1; i < SEG_PAGES; i++)
		if (pfn_to_mfn(pfn + i) != first + i)
			return false;
	return PFN_PHYS(first + SEG_PAGES) - 1 <= DMA_BIT_MASK(MAX_DMA_BITS);
}

/* Point PFN's p2m entry at MFN; its p2m page is a real one (see below). */
static void set_p2m(unsigned long pfn, unsigned long mfn)
{
	WRITE_ONCE(xen_p2m_addr[pfn], mfn);
}

/*
 * Exchange the segment at PFN for machine-contiguous frames below 2^BITS.
 * Its contents are lost: the pool is unused. On failure the old frames
 * are mapped back, as Xen hands them back on a failed exchange.
 */
static int relay_segment(unsigned long pfn, unsigned int bits)
{
	unsigned long vaddr = (unsigned long)__va(PFN_PHYS(pfn)), mfn, i;
	xen_pfn_t out = pfn;
	struct xen_memory_exchange ex = {
		.in = {
			.nr_extents = SEG_PAGES,
			.extent_order = 0,
			.domid = DOMID_SELF,
		},
		.out = {
			.nr_extents = 1,
			.extent_order = SEG_ORDER,
			.address_bits = bits,
			.domid = DOMID_SELF,
		},
	};
	bool done;
	long rc;

	for (i = 0; i < SEG_PAGES; i++) {
		seg_frames[i] = pfn_to_mfn(pfn + i);
		rc = HYPERVISOR_update_va_mapping(vaddr + i * PAGE_SIZE,
						  mfn_pte(0, __pgprot(0)), 0);
		if (rc)
			break;
		set_p2m(pfn + i, INVALID_P2M_ENTRY);
	}
	done = false;
	if (i == SEG_PAGES) {
		set_xen_guest_handle(ex.in.extent_start, seg_frames);
		set_xen_guest_handle(ex.out.extent_start, &out);
		rc = HYPERVISOR_memory_op(XENMEM_exchange, &ex);
		done = !rc && ex.nr_exchanged == SEG_PAGES;
	}
	/* map back what was zapped: the new extent, or the old frames */
	while (i--) {
		mfn = done ? out + i : seg_frames[i];
		HYPERVISOR_update_va_mapping(vaddr + i * PAGE_SIZE,
					     mfn_pte(mfn, PAGE_KERNEL),
					     i ? 0 : UVMF_TLB_FLUSH | UVMF_ALL);
		set_p2m(pfn + i, mfn);
	}
	return done ? 0 : -ENOMEM;
}

/*
 * The pool's p2m entries are written directly: each names RAM the domain
 * owns, so its p2m page is a real one (not the shared missing or identity
 * page that set_phys_to_machine() would have to replace).
 */
static bool p2m_writable(unsigned long first, unsigned long pages)
{
	unsigned long i, mfn;

	if (first + pages > xen_p2m_size)
		return false;
	for (i = 0; i < pages; i++) {
		mfn = xen_p2m_addr[first + i];
		if (mfn == INVALID_P2M_ENTRY || (mfn & IDENTITY_FRAME_BIT))
			return false;
	}
	return true;
}

static int xen_resumed(struct notifier_block *nb, unsigned long action, void *data)
{
	struct io_tlb_mem *mem = platform_bus.dma_io_tlb_mem;
	unsigned long first, pages, seg;
	phys_addr_t start, end;

	relaid = 0;
	relay_failed = 0;
	if (!mem)
		return NOTIFY_DONE;
	pool_bounds(mem, &start, &end);
	first = PHYS_PFN(start);
	pages = PHYS_PFN(end - start);
	if (end <= start || !IS_ALIGNED(pages, SEG_PAGES))
		return NOTIFY_DONE;
	if (pool_busy(mem) || !p2m_writable(first, pages)) {
		pr_warn("swiotlb-xen pool not laid out again after resume: %s\n",
			pool_busy(mem) ? "in use" : "p2m not plain RAM");
		return NOTIFY_DONE;
	}
	/*
	 * Below 4 GiB is all a device needs. Boot asks for the lowest frames
	 * Xen has (from 2^18 up), but at resume the source domain still
	 * holds its own pool's: asking low again for a 64 MiB pool (6.12's
	 * default) starved Xen, and the domain never saw its next PCI device.
	 */
	for (seg = first; seg < first + pages; seg += SEG_PAGES) {
		if (segment_ok(seg))
			continue;
		relay_segment(seg, MAX_DMA_BITS);
		if (segment_ok(seg))
			relaid++;
		else
			relay_failed++;
	}
	if (relaid || relay_failed)
		pr_info("swiotlb-xen pool laid out again after resume: %lu segments, %lu failed\n",
			relaid, relay_failed);
	return NOTIFY_DONE;
}

static struct notifier_block resume_nb = {
	.notifier_call = xen_resumed,
};

/**
 * shadow_xen_check_dma() - is the bounce pool still what boot made it?
 * @sw: the swap, to note what the last resume did and what is still wrong
 * @dev: the device the new driver took (or failed to take)
 *
 * The pool is the kernel's and lives as long as it; reading its p2m
 * entries takes no lock (swiotlb-xen reads them the same way).
 */
void shadow_xen_check_dma(struct shadow_swap *sw, struct device *dev)
{
	unsigned long pfn, first, last, broken = 0;
	phys_addr_t start, end;

	if (!pv_domu() || !dev || !dev->dma_io_tlb_mem)
		return;
	if (relaid || relay_failed)
		shadow_swap_note(sw, "swiotlb-xen pool laid out again after the resume: %lu segments moved by the migration, %lu failed",
				 relaid, relay_failed);
	pool_bounds(dev->dma_io_tlb_mem, &start, &end);
	if (end <= start)
		return;
	first = PHYS_PFN(start);
	last = PHYS_PFN(end - 1);
	for (pfn = first; pfn + SEG_PAGES - 1 <= last; pfn += SEG_PAGES)
		broken += !segment_ok(pfn);
	if (!broken)
		return;
	shadow_swap_note(sw, "swiotlb-xen pool: %lu of %lu segments not machine-contiguous below 4 GiB: DMA that %s bounces may fail or go astray",
			 broken, (last - first + 1) / SEG_PAGES, dev_name(dev));
	pr_warn("%s: swiotlb-xen pool: %lu segments not machine-contiguous below 4 GiB\n",
		dev_name(dev), broken);
}

void shadow_xen_init(void)
{
	if (pv_domu())
		xen_resume_notifier_register(&resume_nb);
}

void shadow_xen_exit(void)
{
	if (pv_domu())
		xen_resume_notifier_unregister(&resume_nb);
}
#else
void shadow_xen_check_dma(struct shadow_swap *sw, struct device *dev)
{
}

void shadow_xen_init(void)
{
}

void shadow_xen_exit(void)
{
}
#endif
