/*
 * The guest's GICv3 (el2/vgic.h).
 *
 * Physical interrupts all come to EL2 (HCR_EL2.IMO/FMO). Each one is
 * acknowledged there and then either kept (the firmware's IPI, the
 * maintenance interrupt, the console's SPI) or handed to the guest in a
 * list register: hardware-linked for PPIs and SPIs, so the guest's EOI
 * deactivates the physical interrupt; virtual-only for SGIs, which EL2
 * deactivates at once (an SGI cannot be linked).
 *
 * The guest's distributor and redistributor accesses fault at stage 2 and
 * are forwarded to the real registers, with the firmware's INTIDs masked
 * out: the guest reads them as absent and cannot change them. What the
 * guest writes for the firmware's console SPI is kept aside, as the
 * emulated console's interrupt (el2/vuart.c) follows it.
 */
#include <stdio.h>
#include <string.h>

#include "plat/plat.h"
#include "el2/gic_hw.h"
#include "el2/vcpu.h"
#include "el2/vgic.h"
#include "el2/handover.h"
#include "el2/vuart.h"

/* Distributor (GICD_*) offsets. */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICD_IDREGS		0xffd0
#define GICD_SIZE		0x10000
#define GICD_TYPER_LPIS_MBIS	(UINT32_C(3) << 16)
#define GICD_CTLR_RWP		(UINT32_C(1) << 31)
#define GICD_CTLR_ARE		(UINT32_C(1) << 4)
#define GICD_CTLR_G1		(UINT32_C(1) << 1)
#define GICD_CTLR_G0		(UINT32_C(1) << 0)

/* Redistributor: RD_base frame, then SGI_base frame. */
#define GICR_FRAME		0x20000
#define GICR_SGI		0x10000
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_IDREGS		0xffd0
#define GICR_TYPER_LAST		(UINT64_C(1) << 4)
#define GICR_WAKER_SLEEP	(UINT32_C(1) << 1)
#define GICR_WAKER_ASLEEP	(UINT32_C(1) << 2)

/* List registers (ICH_LR<n>_EL2). */
#define LR_STATE_PENDING	(UINT64_C(1) << 62)
#define LR_STATE_ACTIVE		(UINT64_C(1) << 63)
#define LR_HW			(UINT64_C(1) << 61)
#define LR_GROUP1		(UINT64_C(1) << 60)
#define LR_PRIO_SHIFT		48
#define LR_PINTID_SHIFT		32
#define LR_VINTID_MASK		UINT64_C(0xffffffff)
#define ICH_HCR_EN		UINT64_C(1)
#define ICH_HCR_UIE		(UINT64_C(1) << 1)

#define FW_PRIO			0x80	/* the firmware's interrupts */
#define MPIDR_AFF		UINT64_C(0xff00ffffff)
#define SPIN_LIMIT		10000000ul

static struct vgic {
	bool present;
	uint64_t gicd, gicr_base, gicr_size;
	uint32_t fw_spi;			/* the console's SPI, 0 if none */
	/* What the guest set for fw_spi: it drives the emulated console's interrupt. */
	bool fw_spi_enabled;
	uint8_t fw_spi_prio;
	uint32_t fw_spi_cfg;
	uint64_t fw_spi_route;
	uint32_t ctlr;				/* the guest's GICD_CTLR enables */
	uint8_t spi_prio[VGIC_MAX_INTID];	/* the guest's SPI priorities, for list registers */
} g;

static bool fw_intid(uint32_t intid)
{
	return intid == VGIC_FW_SGI || intid == VGIC_MAINT_PPI || (g.fw_spi && intid == g.fw_spi);
}

/* Bits of a one-bit-per-INTID word (INTIDs first..first+31) the firmware keeps. */
static uint32_t fw_bits(uint32_t first)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < 32; i++)
		if (fw_intid(first + i))
			m |= UINT32_C(1) << i;
	return m;
}

/* ... and of a word with `width` bits per INTID. */
static uint32_t fw_field_mask(uint32_t first, unsigned int width)
{
	uint32_t m = 0, ones = (width == 32) ? UINT32_MAX : (UINT32_C(1) << width) - 1;

	for (unsigned int i = 0; i < 32 / width; i++)
		if (fw_intid(first + i))
			m |= ones << (i * width);
	return m;
}

static void gicd_wait_rwp(void)
{
	for (unsigned long i = 0; i < SPIN_LIMIT; i++)
		if (!(gic_hw_read32(g.gicd + GICD_CTLR) & GICD_CTLR_RWP))
			return;
}

bool vgic_present(void)
{
	return g.present;
}

/* Each vCPU's physical redistributor: the frame whose affinity is its CPU's. */
static bool vgic_find_redistributors(void)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *v = &vm.vcpu[i];

		v->vgic.gicr = 0;
		for (uint64_t off = 0; off + GICR_FRAME <= g.gicr_size; off += GICR_FRAME) {
			uint64_t typer = gic_hw_read64(g.gicr_base + off + GICR_TYPER);
			uint64_t aff = typer >> 32;

			if (((aff & 0xff000000) << 8 | (aff & 0xffffff)) == v->hw_mpidr) {
				v->vgic.gicr = g.gicr_base + off;
				break;
			}
			if (typer & GICR_TYPER_LAST)
				break;
		}
		if (!v->vgic.gicr) {
			printf("regvisor: error: no GIC redistributor for CPU 0x%llx\n",
			       (unsigned long long)v->hw_mpidr);
			return false;
		}
	}
	return true;
}

bool vgic_init(void)
{
	if (!board.gicd_base || !board.gicr_base)
		return false;
	g.gicd = board.gicd_base;
	g.gicr_base = board.gicr_base;
	g.gicr_size = board.gicr_size;
	if (!vgic_find_redistributors())
		return false;
	/* Affinity routing, both groups on: as any GICv3 OS sets it. */
	gic_hw_write32(g.gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_G1 | GICD_CTLR_G0);
	gicd_wait_rwp();
	g.present = true;
	return true;
}

void vgic_claim_spi(uint32_t intid)
{
	uint64_t word = g.gicd + (intid / 32) * 4;
	uint32_t bit = UINT32_C(1) << (intid % 32);

	if (!g.present || intid < 32 || intid >= VGIC_MAX_INTID)
		return;
	g.fw_spi = intid;
	gic_hw_write32(word + GICD_ICENABLER, bit);
	gicd_wait_rwp();
	gic_hw_write32(word + GICD_IGROUPR, gic_hw_read32(word + GICD_IGROUPR) | bit);
	gic_hw_write8(g.gicd + GICD_IPRIORITYR + intid, FW_PRIO);
	/* Level-sensitive (ICFGR 0b00), to the boot CPU. */
	gic_hw_write32(g.gicd + GICD_ICFGR + (intid / 16) * 4,
		       gic_hw_read32(g.gicd + GICD_ICFGR + (intid / 16) * 4) &
		       ~(UINT32_C(3) << ((intid % 16) * 2)));
	gic_hw_write64(g.gicd + GICD_IROUTER + intid * 8, vm.vcpu[0].hw_mpidr & MPIDR_AFF);
	gic_hw_write32(word + GICD_ISENABLER, bit);
}

static void vgic_handover_restore_cpu(struct vcpu *v);

/*
 * Physical list-register contents, cleared; a hardware-linked one deactivated
 * first: pending or active, EL2 acknowledged its physical interrupt, which
 * stays active (never signalled again) until the guest's EOI that now cannot come.
 */
static void vgic_clear_lrs(struct vcpu *v)
{
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		uint64_t lr = ich_hw_lr_read(n);

		if ((lr & LR_HW) && (lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)))
			gic_hw_deactivate((uint32_t)(lr >> LR_PINTID_SHIFT) & 0x3ff);
		ich_hw_lr_write(n, 0);
	}
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		for (unsigned int b = 0; b < 64; b++)
			if ((v->vgic.queued_hw[w] >> b) & 1)
				gic_hw_deactivate(w * 64 + b);
		v->vgic.queued[w] = v->vgic.queued_hw[w] = 0;
	}
	for (unsigned int n = 0; n < ich_hw_nr_aprs(); n++)
		ich_hw_ap1r_write(n, 0);
}

void vgic_cpu_off(struct vcpu *v)
{
	if (g.present)
		vgic_clear_lrs(v);	/* CPU_ON resets the CPU: its list registers with it */
}

void vgic_cpu_init(struct vcpu *v)
{
	uint64_t sgi;

	if (!g.present)
		return;
	gic_hw_cpu_init();
	v->vgic.nr_lrs = ich_hw_nr_lrs();
	if (v->vgic.nr_lrs > 16)
		v->vgic.nr_lrs = 16;
	/* The redistributor awake, the firmware's SGI and the maintenance PPI on. */
	gic_hw_write32(v->vgic.gicr + GICR_WAKER,
		       gic_hw_read32(v->vgic.gicr + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (unsigned long i = 0; i < SPIN_LIMIT; i++)
		if (!(gic_hw_read32(v->vgic.gicr + GICR_WAKER) & GICR_WAKER_ASLEEP))
			break;
	sgi = v->vgic.gicr + GICR_SGI;
	gic_hw_write32(sgi + GICD_IGROUPR, gic_hw_read32(sgi + GICD_IGROUPR) |
		       fw_bits(0));
	gic_hw_write8(sgi + GICD_IPRIORITYR + VGIC_FW_SGI, FW_PRIO);
	gic_hw_write8(sgi + GICD_IPRIORITYR + VGIC_MAINT_PPI, FW_PRIO);
	gic_hw_write32(sgi + GICD_ISENABLER, fw_bits(0));
	if (v->vgic.carried) {		/* upgrade: the guest's interrupts as they were */
		vgic_handover_restore_cpu(v);
		return;
	}
	vgic_clear_lrs(v);
	memset(v->vgic.prio, 0, sizeof(v->vgic.prio));
	ich_hw_vmcr_write(0);
	ich_hw_hcr_write(ICH_HCR_EN);
}

static uint8_t vgic_prio(const struct vcpu *v, uint32_t intid)
{
	return intid < 32 ? v->vgic.prio[intid] : intid < VGIC_MAX_INTID ? g.spi_prio[intid] : 0;
}

static uint64_t vgic_lr(const struct vcpu *v, uint32_t intid, bool hw)
{
	uint64_t lr = LR_STATE_PENDING | LR_GROUP1 | intid |
		      (uint64_t)vgic_prio(v, intid) << LR_PRIO_SHIFT;

	if (hw)
		lr |= LR_HW | (uint64_t)intid << LR_PINTID_SHIFT;
	return lr;
}

/* Into a free list register, or false if none is free. */
static bool vgic_place(struct vcpu *v, uint32_t intid, bool hw)
{
	uint64_t empty = ich_hw_elrsr();

	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		uint64_t lr;

		if ((empty >> n) & 1)
			continue;
		lr = ich_hw_lr_read(n);
		if ((lr & LR_VINTID_MASK) != intid)
			continue;
		/* Already there: pending stays pending; active becomes active and pending. */
		if (!hw)
			ich_hw_lr_write(n, lr | LR_STATE_PENDING);
		return true;
	}
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		if ((empty >> n) & 1) {
			ich_hw_lr_write(n, vgic_lr(v, intid, hw));
			return true;
		}
	}
	return false;
}

/* The EOI maintenance bit of a virtual-only list register (Arm IHI 0069, ICH_LR<n>_EL2). */
#define LR_EOI			(UINT64_C(1) << 41)

void vgic_inject_level(struct vcpu *v, uint32_t intid)
{
	uint64_t empty = ich_hw_elrsr();

	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++)
		if (!((empty >> n) & 1) && (ich_hw_lr_read(n) & LR_VINTID_MASK) == intid)
			return;		/* pending or active: its EOI will have it looked at again */
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		if ((empty >> n) & 1) {
			ich_hw_lr_write(n, vgic_lr(v, intid, false) | LR_EOI);
			return;
		}
	}
	vgic_inject(v, intid, false);	/* queued; its refill brings it without the EOI bit */
}

void vgic_inject(struct vcpu *v, uint32_t intid, bool hw)
{
	if (intid >= VGIC_MAX_INTID)
		return;
	if (vgic_place(v, intid, hw))
		return;
	v->vgic.queued[intid / 64] |= UINT64_C(1) << (intid % 64);
	if (hw)
		v->vgic.queued_hw[intid / 64] |= UINT64_C(1) << (intid % 64);
	ich_hw_hcr_write(ICH_HCR_EN | ICH_HCR_UIE);	/* tell us when the LRs drain */
}

/* The maintenance interrupt: list registers drained; move queued ones in. */
static void vgic_refill(struct vcpu *v)
{
	bool left = false;

	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		while (v->vgic.queued[w]) {
			unsigned int b = (unsigned int)__builtin_ctzll(v->vgic.queued[w]);
			uint64_t bit = UINT64_C(1) << b;

			if (!vgic_place(v, w * 64 + b, (v->vgic.queued_hw[w] & bit) != 0)) {
				left = true;
				break;
			}
			v->vgic.queued[w] &= ~bit;
			v->vgic.queued_hw[w] &= ~bit;
		}
		if (left)
			break;
	}
	ich_hw_hcr_write(left ? ICH_HCR_EN | ICH_HCR_UIE : ICH_HCR_EN);
}

void vgic_irq(struct vcpu *v)
{
	for (;;) {
		uint32_t intid = gic_hw_ack();

		if (intid >= VGIC_MAX_INTID)
			return;		/* 1023: nothing (more) pending */
		gic_hw_drop(intid);
		if (intid == VGIC_FW_SGI) {
			v->stats.reason[EXIT_IRQ_KICK]++;
			gic_hw_deactivate(intid);
			vcpu_irq_kicked(v);
		} else if (intid == VGIC_MAINT_PPI) {
			uint64_t eoied = ich_hw_eisr();

			v->stats.reason[EXIT_IRQ_MAINT]++;
			gic_hw_deactivate(intid);
			for (unsigned int n = 0; n < v->vgic.nr_lrs; n++)
				if ((eoied >> n) & 1)
					ich_hw_lr_write(n, 0);
			vgic_refill(v);
			if (eoied)
				vuart_level_check(v);
		} else if (g.fw_spi && intid == g.fw_spi) {
			v->stats.reason[EXIT_IRQ_CONSOLE]++;
			gic_hw_deactivate(intid);
			vcpu_irq_console(v);
		} else if (intid < 16) {
			v->stats.reason[EXIT_IRQ_SGI]++;
			gic_hw_deactivate(intid);	/* SGIs are not linked */
			vgic_inject(v, intid, false);
		} else {
			v->stats.reason[intid < 32 ? EXIT_IRQ_TIMER : EXIT_IRQ_SPI]++;
			vgic_inject(v, intid, true);
		}
	}
}

/* ICC_SGI1R_EL1 for CPU mpidr, SGI intid (Arm IHI 0069, 12.2.21). */
static uint64_t sgi1r_for(uint64_t mpidr, uint32_t intid)
{
	return (((mpidr >> 32) & 0xff) << 48) | (((mpidr >> 16) & 0xff) << 32) |
	       (((mpidr >> 8) & 0xff) << 16) | (((mpidr >> 4) & 0xf) << 44) |
	       ((uint64_t)intid << 24) | (UINT64_C(1) << (mpidr & 0xf));
}

void vgic_kick(const struct vcpu *t)
{
	gic_hw_sgi(sgi1r_for(t->hw_mpidr, VGIC_FW_SGI));
}

static bool sgi_targets(uint64_t val, const struct vcpu *t)
{
	uint64_t m = t->vmpidr;

	if (((val >> 48) & 0xff) != ((m >> 32) & 0xff) || ((val >> 32) & 0xff) != ((m >> 16) & 0xff) ||
	    ((val >> 16) & 0xff) != ((m >> 8) & 0xff) || ((val >> 44) & 0xf) != ((m >> 4) & 0xf))
		return false;
	return (val >> (m & 0xf)) & 1;
}

void vgic_sgi1r(struct vcpu *v, uint64_t val)
{
	uint32_t intid = (uint32_t)(val >> 24) & 0xf;
	bool all_others = (val >> 40) & 1;

	if (intid == VGIC_FW_SGI)
		return;
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *t = &vm.vcpu[i];

		if (all_others ? t == v : !sgi_targets(val, t))
			continue;
		if (t == v)
			vgic_inject(v, intid, false);
		else if (__atomic_load_n(&t->power, __ATOMIC_ACQUIRE) == VCPU_ON)
			gic_hw_sgi(sgi1r_for(t->hw_mpidr, intid));
	}
}

/*
 * MMIO. A 32-bit register at a time: narrower accesses merge into their
 * word, 64-bit ones (GICD_IROUTER, GICR_TYPER) are handled whole.
 */
static uint32_t merge(uint32_t old, uint64_t val, unsigned int size, unsigned int byte)
{
	uint32_t m = size >= 4 ? UINT32_MAX : ((UINT32_C(1) << (size * 8)) - 1) << (byte * 8);

	return (old & ~m) | ((uint32_t)(val << (byte * 8)) & m);
}

/* A one-bit-per-INTID register; base: INTID of bit 0; regs: real word address. */
static uint32_t bits_read(uint64_t addr, uint32_t first)
{
	return gic_hw_read32(addr) & ~fw_bits(first);
}

static void bits_write(uint64_t addr, uint32_t first, uint32_t val, bool set_clear)
{
	uint32_t keep = fw_bits(first);

	if (set_clear)		/* ISENABLER and friends: a 0 bit changes nothing */
		gic_hw_write32(addr, val & ~keep);
	else
		gic_hw_write32(addr, (gic_hw_read32(addr) & keep) | (val & ~keep));
}

/* The guest's view of fw_spi's enable, group, priority and configuration. */
static uint32_t fw_spi_read(uint32_t reg, uint32_t off, uint32_t first, uint32_t v)
{
	uint32_t bit = g.fw_spi - first;

	if (!g.fw_spi || g.fw_spi < first || g.fw_spi >= first + 32)
		return v;
	if ((reg == GICD_ISENABLER || reg == GICD_ICENABLER) && g.fw_spi_enabled)
		v |= UINT32_C(1) << bit;
	if (reg == GICD_IGROUPR)
		v |= UINT32_C(1) << bit;
	(void)off;
	return v;
}

static void fw_spi_write(uint32_t reg, uint32_t first, uint32_t val)
{
	uint32_t bit;

	if (!g.fw_spi || g.fw_spi < first || g.fw_spi >= first + 32)
		return;
	bit = UINT32_C(1) << (g.fw_spi - first);
	if (reg == GICD_ISENABLER && (val & bit))
		g.fw_spi_enabled = true;
	if (reg == GICD_ICENABLER && (val & bit))
		g.fw_spi_enabled = false;
}

bool vgic_spi_enabled_for_guest(void)
{
	return g.fw_spi_enabled && (g.ctlr & GICD_CTLR_G1);
}

/* A word of a bit-per-INTID / byte-per-INTID / 2-bit-per-INTID block (distributor or SGI frame). */
static bool block_access(uint64_t base, uint32_t off, bool write, uint32_t *val, uint8_t *prio)
{
	static const uint32_t bitregs[] = {
		GICD_IGROUPR, GICD_ISENABLER, GICD_ICENABLER, GICD_ISPENDR, GICD_ICPENDR,
		GICD_ISACTIVER, GICD_ICACTIVER, GICD_IGRPMODR,
	};

	for (unsigned int i = 0; i < sizeof(bitregs) / sizeof(bitregs[0]); i++) {
		uint32_t reg = bitregs[i];

		if (off >= reg && off < reg + 0x80) {
			uint32_t first = (off - reg) * 8;
			bool sc = reg != GICD_IGROUPR && reg != GICD_IGRPMODR;

			if (write) {
				fw_spi_write(reg, first, *val);
				bits_write(base + off, first, *val, sc);
			} else {
				*val = fw_spi_read(reg, off, first, bits_read(base + off, first));
			}
			return true;
		}
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_MAX_INTID) {
		uint32_t first = off - GICD_IPRIORITYR, keep = fw_field_mask(first, 8);

		if (write) {
			for (unsigned int b = 0; b < 4; b++) {
				uint8_t p = (uint8_t)(*val >> (8 * b));

				if (first + b < 32)
					prio[first + b] = p;
				else
					g.spi_prio[first + b] = p;
				if (g.fw_spi == first + b)
					g.fw_spi_prio = p;
			}
			gic_hw_write32(base + off, (gic_hw_read32(base + off) & keep) | (*val & ~keep));
		} else {
			*val = gic_hw_read32(base + off) & ~keep;
			for (unsigned int b = 0; b < 4; b++)
				if (g.fw_spi && g.fw_spi == first + b)
					*val |= (uint32_t)g.fw_spi_prio << (8 * b);
		}
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		uint32_t first = (off - GICD_ICFGR) * 4, keep = fw_field_mask(first, 2);

		if (write)
			gic_hw_write32(base + off, (gic_hw_read32(base + off) & keep) | (*val & ~keep));
		else
			*val = gic_hw_read32(base + off) & ~keep;
		return true;
	}
	return false;
}

/*
 * ISENABLER..ICACTIVER: write-1-to-set/clear. A narrow write is not merged
 * into what they read (that would write back every other set bit as a 1:
 * a byte of ICENABLER would disable its whole word).
 */
static bool set_clear_reg(uint32_t word)
{
	return word >= GICD_ISENABLER && word < GICD_IPRIORITYR;
}

/* Guest affinity (a vCPU's MPIDR) to the physical CPU's, and back. */
static uint64_t route_to_hw(uint64_t r)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		if (((r ^ vm.vcpu[i].vmpidr) & MPIDR_AFF) == 0)
			return (r & ~MPIDR_AFF) | vm.vcpu[i].hw_mpidr;
	return (r & ~MPIDR_AFF) | vm.vcpu[0].hw_mpidr;
}

static uint64_t route_from_hw(uint64_t r)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		if (((r ^ vm.vcpu[i].hw_mpidr) & MPIDR_AFF) == 0)
			return (r & ~MPIDR_AFF) | (vm.vcpu[i].vmpidr & MPIDR_AFF);
	return r & ~MPIDR_AFF;
}

static void gicd_access(uint32_t off, unsigned int size, bool write, uint64_t *val)
{
	uint32_t word = off & ~UINT32_C(3), v = 0;

	if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + VGIC_MAX_INTID * 8) {
		uint32_t intid = (off - GICD_IROUTER) / 8;
		uint64_t reg = off & ~UINT32_C(7), r;

		r = intid == g.fw_spi ? g.fw_spi_route : route_from_hw(gic_hw_read64(g.gicd + reg));
		if (!write) {
			*val = size == 8 ? r : (uint32_t)(r >> (8 * (off & 7)));
			return;
		}
		if (size == 8)
			r = *val;
		else if (off & 4)
			r = (r & UINT32_MAX) | *val << 32;
		else
			r = (r & ~(uint64_t)UINT32_MAX) | (uint32_t)*val;
		if (intid == g.fw_spi)
			g.fw_spi_route = r;
		else
			gic_hw_write64(g.gicd + reg, route_to_hw(r));
		return;
	}
	if (size == 8) {	/* two words, low first */
		uint64_t lo = (uint32_t)*val, hi = *val >> 32;

		gicd_access(off, 4, write, &lo);
		gicd_access(off + 4, 4, write, &hi);
		*val = (uint32_t)lo | hi << 32;
		return;
	}
	if (word == GICD_CTLR) {
		if (write) {
			g.ctlr = merge(g.ctlr, *val, size, off & 3) & (GICD_CTLR_G1 | GICD_CTLR_G0);
			return;
		}
		v = (gic_hw_read32(g.gicd + GICD_CTLR) & ~(GICD_CTLR_G1 | GICD_CTLR_G0)) | g.ctlr;
	} else if (word == GICD_TYPER || word == GICD_IIDR || word == GICD_TYPER2 ||
		   word >= GICD_IDREGS) {
		if (write)
			return;
		v = gic_hw_read32(g.gicd + word);
		if (word == GICD_TYPER)
			v &= ~GICD_TYPER_LPIS_MBIS;	/* no LPIs, no message-based SPIs */
	} else {
		uint32_t w = 0;
		bool known;

		if (write && size < 4) {
			if (!set_clear_reg(word))	/* a 0 there changes nothing: no merge */
				known = block_access(g.gicd, word, false, &w, vm.vcpu[0].vgic.prio);
			w = merge(w, *val, size, off & 3);
		} else {
			w = (uint32_t)*val;
		}
		known = block_access(g.gicd, word, write, &w, vm.vcpu[0].vgic.prio);
		if (!known || write)
			return;
		v = w;
	}
	*val = (v >> (8 * (off & 3))) & (size >= 4 ? UINT32_MAX : (UINT32_C(1) << (size * 8)) - 1);
}

/* Guest redistributor frame i is vCPU i's: its physical frame, its affinity. */
static void gicr_access(unsigned int i, uint32_t off, unsigned int size, bool write, uint64_t *val)
{
	struct vcpu *t = &vm.vcpu[i];
	uint32_t word = off & ~UINT32_C(3), v = 0;

	if (off < GICR_SGI) {
		if (word == GICR_TYPER || word == GICR_TYPER + 4) {
			uint64_t typer = gic_hw_read64(t->vgic.gicr + GICR_TYPER);
			uint64_t aff = t->vmpidr & MPIDR_AFF;

			/* Physical affinity, number, Last and the LPI bits out: no LPIs. */
			typer &= UINT64_C(0xff0000e4);
			typer |= ((aff >> 32) << 56 | (aff & 0xffffff) << 32) | (uint64_t)i << 8;
			if (i == vm.nvcpus - 1)
				typer |= GICR_TYPER_LAST;
			if (!write)
				*val = size == 8 ? typer : (uint32_t)(typer >> (8 * (off & 7)));
			return;
		}
		if (write)
			return;		/* CTLR, WAKER, LPIs: the firmware's */
		if (word == GICR_CTLR || word == GICR_IIDR || word >= GICR_IDREGS)
			v = gic_hw_read32(t->vgic.gicr + word);
	} else {
		uint32_t w = 0;

		if (size == 8) {
			uint64_t lo = (uint32_t)*val, hi = *val >> 32;

			gicr_access(i, off, 4, write, &lo);
			gicr_access(i, off + 4, 4, write, &hi);
			*val = (uint32_t)lo | hi << 32;
			return;
		}
		off -= GICR_SGI;
		word -= GICR_SGI;
		if (write && size < 4) {
			if (!set_clear_reg(word))
				block_access(t->vgic.gicr + GICR_SGI, word, false, &w, t->vgic.prio);
			w = merge(w, *val, size, off & 3);
		} else {
			w = (uint32_t)*val;
		}
		/* Only the first word of each block: INTIDs 0..31 (priorities: 8 words). */
		if ((word >= GICD_IPRIORITYR + 32 && word < GICD_IPRIORITYR + 0x400) ||
		    (word >= GICD_ICFGR + 8 && word < GICD_ICFGR + 0x100) ||
		    (word < GICD_IPRIORITYR && (word & 0x7f) != 0) ||
		    !block_access(t->vgic.gicr + GICR_SGI, word, write, &w, t->vgic.prio) || write)
			return;
		v = w;
	}
	if (!write)
		*val = (v >> (8 * (off & 3))) & (size >= 4 ? UINT32_MAX : (UINT32_C(1) << (size * 8)) - 1);
}

bool vgic_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val)
{
	(void)v;
	if (!g.present)
		return false;
	if (!write)
		*val = 0;
	if (ipa >= g.gicd && ipa < g.gicd + GICD_SIZE) {
		gicd_access((uint32_t)(ipa - g.gicd), size, write, val);
		return true;
	}
	if (ipa >= g.gicr_base && ipa < g.gicr_base + g.gicr_size) {
		uint64_t off = ipa - g.gicr_base;
		unsigned int i = (unsigned int)(off / GICR_FRAME);

		if (i < vm.nvcpus)
			gicr_access(i, (uint32_t)(off % GICR_FRAME), size, write, val);
		return true;	/* frames of CPUs the guest does not have: RAZ/WI */
	}
	return false;
}

/*
 * ---- Live upgrade (issue 15): the vGIC's part of the handover block. ----
 * Kept apart and minimal: the list registers stay in the CPU while the
 * guest runs; at a handover each CPU copies its own into the block before
 * it goes off (a CPU_ON resets them), and the new firmware's vgic_cpu_init
 * puts them back instead of clearing them (a hardware-linked one
 * deactivated would be an interrupt lost). The distributor itself is
 * hardware and is never reset; the firmware's copy of the guest's settings
 * travels here.
 */
void vgic_handover_save(struct handover *h)
{
	struct handover_vgic *s = &h->vgic;

	s->ctlr = g.ctlr;
	s->fw_spi_cfg = g.fw_spi_cfg;
	s->fw_spi_route = g.fw_spi_route;
	s->fw_spi_enabled = g.fw_spi_enabled;
	s->fw_spi_prio = g.fw_spi_prio;
	memcpy(s->spi_prio, g.spi_prio, sizeof(g.spi_prio));
}

void vgic_handover_save_cpu(struct vcpu *v, struct handover_vgic_cpu *c)
{
	unsigned int naprs = ich_hw_nr_aprs();

	memset(c, 0, sizeof(*c));
	if (!g.present)
		return;
	c->nr_lrs = v->vgic.nr_lrs;
	for (unsigned int n = 0; n < v->vgic.nr_lrs && n < HANDOVER_LRS; n++)
		c->lr[n] = ich_hw_lr_read(n);
	for (unsigned int n = 0; n < naprs && n < HANDOVER_APRS; n++)
		c->ap1r[n] = ich_hw_ap1r_read(n);
	c->vmcr = ich_hw_vmcr_read();
	c->hcr = ICH_HCR_EN;
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		c->queued[w] = v->vgic.queued[w];
		c->queued_hw[w] = v->vgic.queued_hw[w];
		if (c->queued[w])
			c->hcr = ICH_HCR_EN | ICH_HCR_UIE;
	}
	memcpy(c->prio, v->vgic.prio, sizeof(c->prio));
	c->valid = 1;
}

void vgic_handover_restore(const struct handover *h)
{
	const struct handover_vgic *s = &h->vgic;

	g.ctlr = s->ctlr;
	g.fw_spi_cfg = s->fw_spi_cfg;
	g.fw_spi_route = s->fw_spi_route;
	g.fw_spi_enabled = s->fw_spi_enabled != 0;
	g.fw_spi_prio = (uint8_t)s->fw_spi_prio;
	memcpy(g.spi_prio, s->spi_prio, sizeof(g.spi_prio));
	for (unsigned int i = 0; i < vm.nvcpus && i < h->nvcpus; i++)
		if (h->vgic_cpu[i].valid)
			vm.vcpu[i].vgic.carried = &h->vgic_cpu[i];
}

static void vgic_handover_restore_cpu(struct vcpu *v)
{
	const struct handover_vgic_cpu *c = v->vgic.carried;
	unsigned int naprs = ich_hw_nr_aprs();

	v->vgic.carried = NULL;
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++)
		ich_hw_lr_write(n, n < c->nr_lrs && n < HANDOVER_LRS ? c->lr[n] : 0);
	for (unsigned int n = 0; n < naprs && n < HANDOVER_APRS; n++)
		ich_hw_ap1r_write(n, c->ap1r[n]);
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		v->vgic.queued[w] = c->queued[w];
		v->vgic.queued_hw[w] = c->queued_hw[w];
	}
	memcpy(v->vgic.prio, c->prio, sizeof(v->vgic.prio));
	ich_hw_vmcr_write(c->vmcr);
	ich_hw_hcr_write(c->hcr);
}
