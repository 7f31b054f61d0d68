/*
 * The guest's GICv3 state in a blob (vmstate/FORMAT.md "GIC device
 * entries"): which distributor and redistributor bits are the guest's,
 * the layout of a virtual interrupt in flight, and the import check of
 * every GIC device entry. Portable: the firmware's export and apply
 * (el2/vgic_state.c) and the host tests use the same rules.
 */
#ifndef VMSTATE_GIC_H
#define VMSTATE_GIC_H

#include "vmstate/blob.h"

/* Register offsets, the same in GICD and in a redistributor's SGI frame (Arm IHI 0069, 12.9, 12.11). */
#define VMSTATE_GIC_CTLR	0x0000	/* GICD_CTLR only */
#define VMSTATE_GIC_IGROUPR	0x0080
#define VMSTATE_GIC_ISENABLER	0x0100
#define VMSTATE_GIC_ISPENDR	0x0200
#define VMSTATE_GIC_ISACTIVER	0x0300
#define VMSTATE_GIC_IPRIORITYR	0x0400
#define VMSTATE_GIC_ICFGR	0x0c00
#define VMSTATE_GIC_IGRPMODR	0x0d00
#define VMSTATE_GIC_IROUTER	0x6000	/* GICD_IROUTER<n>: 64 bits, n = 32.. */
#define VMSTATE_GIC_CTLR_GUEST	UINT32_C(0x3)	/* EnableGrp0, EnableGrp1: the guest's */
#define VMSTATE_GIC_IROUTER_IRM	(UINT64_C(1) << 31)
#define VMSTATE_GIC_MAX_INTID	1020	/* INTIDs 1020..1023 are special */

/* INTIDs the firmware keeps: never carried (its IPI, the maintenance interrupt). */
#define VMSTATE_GIC_FW_SGI	15
#define VMSTATE_GIC_MAINT_PPI	25
/*
 * The architected timers' PPIs (26 EL2 physical, 27 virtual, 28 EL2
 * virtual, 29 secure physical, 30 non-secure physical): level lines the
 * timers drive. Their pending bit is not carried: the timer's registers
 * are, and they drive the line again on the destination.
 */
#define VMSTATE_GIC_TIMER_PPIS	(UINT32_C(0x1f) << 26)

/*
 * A virtual interrupt in flight (VMSTATE_DEV_GIC_IRQ | vINTID): its value
 * in ICH_LR<n>_EL2's layout (Arm IHI 0069, 12.4.6), whatever list register
 * or queue held it.
 */
#define VMSTATE_GIC_LR_ACTIVE	(UINT64_C(1) << 63)
#define VMSTATE_GIC_LR_PENDING	(UINT64_C(1) << 62)
#define VMSTATE_GIC_LR_HW	(UINT64_C(1) << 61)
#define VMSTATE_GIC_LR_GROUP1	(UINT64_C(1) << 60)
#define VMSTATE_GIC_LR_PRIO_SHIFT	48
#define VMSTATE_GIC_LR_PRIO_MASK	(UINT64_C(0xff) << VMSTATE_GIC_LR_PRIO_SHIFT)
#define VMSTATE_GIC_LR_PINTID_SHIFT	32
#define VMSTATE_GIC_LR_PINTID_MASK	(UINT64_C(0x1fff) << VMSTATE_GIC_LR_PINTID_SHIFT)
#define VMSTATE_GIC_LR_EOI	(UINT64_C(1) << 41)	/* non-HW: maintenance on EOI */
#define VMSTATE_GIC_LR_VINTID_MASK	UINT64_C(0xffffffff)
#define VMSTATE_GIC_LR_STATE	(VMSTATE_GIC_LR_ACTIVE | VMSTATE_GIC_LR_PENDING)

/* One block of per-INTID registers: its offset and bits per INTID. */
struct vmstate_gic_block {
	uint32_t base;
	unsigned int width;	/* 1, 2, 8, or 64 (IROUTER: one register per INTID) */
};
/* The carried blocks, by increasing offset (so entries come out sorted). */
extern const struct vmstate_gic_block vmstate_gic_blocks[];
extern const unsigned int vmstate_gic_nblocks;

/* The machine the entries are checked against. */
struct vmstate_gic_rules {
	unsigned int nintids;	/* the distributor's INTIDs: 32 * (ITLinesNumber + 1), <= 1020 */
	unsigned int nvcpus;
	unsigned int nr_lrs;	/* list registers of each CPU */
	uint32_t console_spi;	/* the emulated console's SPI, 0 if none */
	const struct vmstate *s;	/* the blob the entries come from */
};

/*
 * The bits of the 32-bit register at `off` of block b (INTIDs `first`..)
 * that are the guest's and travel: the firmware's INTIDs out, the console
 * SPI only in ISENABLER and IPRIORITYR (its other settings are the
 * firmware's), the timer PPIs' pending bits out, ICFGR's RES0 bits out,
 * SGIs' ICFGR (fixed edge) out. 0 for a word nothing travels in.
 */
uint32_t vmstate_gic_word_mask(const struct vmstate_gic_block *b, uint32_t first,
			       uint32_t console_spi);

/*
 * NULL when GIC device entry e of owner (a vCPU index or VMSTATE_OWNER_VM)
 * is one this machine takes: distributor registers for the VM, SGI-frame
 * registers and virtual interrupts in flight for a vCPU, every value one
 * a firmware writes (FORMAT.md lists the rules); else the rule it breaks.
 */
const char *vmstate_gic_check(const struct vmstate_gic_rules *r, unsigned int owner,
			      const struct vmstate_entry *e);

#endif
