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
 * The guest's distributor and redistributor accesses are el2/vgic_mmio.c;
 * the state blob's side of all this is el2/vgic_state.c.
 */
#include <stdio.h>
#include <string.h>

#include "plat/plat.h"
#include "el2/asm.h"
#include "el2/gic_hw.h"
#include "el2/vcpu.h"
#include "el2/vgic_internal.h"
#include "el2/handover.h"
#include "el2/vuart.h"

/* List registers (ICH_LR<n>_EL2; the bits el2/vectors.S sets too in el2/asm.h). */
#define LR_STATE_PENDING	(UINT64_C(1) << LR_PENDING_BIT)
#define LR_STATE_ACTIVE		(UINT64_C(1) << 63)
#define LR_HW			(UINT64_C(1) << 61)
#define LR_GROUP1		(UINT64_C(1) << LR_GROUP1_BIT)
#define LR_PINTID_SHIFT		32
#define LR_VINTID_MASK		UINT64_C(0xffffffff)
#define ICH_HCR_EN		UINT64_C(1)
#define ICH_HCR_UIE		(UINT64_C(1) << 1)

#define FW_PRIO			0x80	/* the firmware's interrupts */
#define SPIN_LIMIT		10000000ul

struct vgic vgic_g;

bool vgic_fw_intid(uint32_t intid)
{
	return intid == VGIC_FW_SGI || intid == VGIC_MAINT_PPI || (vgic_g.fw_spi && intid == vgic_g.fw_spi);
}

/* Bits of a one-bit-per-INTID word (INTIDs first..first+31) the firmware keeps. */
uint32_t vgic_fw_bits(uint32_t first)
{
	uint32_t m = 0;

	for (uint32_t i = 0; i < 32; i++)
		if (vgic_fw_intid(first + i))
			m |= UINT32_C(1) << i;
	return m;
}

/* ... and of a word with `width` bits per INTID. */
uint32_t vgic_fw_field_mask(uint32_t first, unsigned int width)
{
	uint32_t m = 0, ones = (width == 32) ? UINT32_MAX : (UINT32_C(1) << width) - 1;

	for (unsigned int i = 0; i < 32 / width; i++)
		if (vgic_fw_intid(first + i))
			m |= ones << (i * width);
	return m;
}

static void gicd_wait_rwp(void)
{
	for (unsigned long i = 0; i < SPIN_LIMIT; i++)
		if (!(gic_hw_read32(vgic_g.gicd + GICD_CTLR) & GICD_CTLR_RWP))
			return;
}

bool vgic_present(void)
{
	return vgic_g.present;
}

/* Each vCPU's physical redistributor: the frame whose affinity is its CPU's. */
static bool vgic_find_redistributors(void)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *v = &vm.vcpu[i];

		v->vgic.gicr = 0;
		for (uint64_t off = 0; off + GICR_FRAME <= vgic_g.gicr_size; off += GICR_FRAME) {
			uint64_t typer = gic_hw_read64(vgic_g.gicr_base + off + GICR_TYPER);
			uint64_t aff = typer >> 32;

			if (((aff & 0xff000000) << 8 | (aff & 0xffffff)) == v->hw_mpidr) {
				v->vgic.gicr = vgic_g.gicr_base + off;
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
	/* A GICv3 in the DTB, and this CPU with its system-register interface (not a GICv2's). */
	if (!board.gicd_base || !board.gicr_base || !gic_hw_cpu_sysregs())
		return false;
	vgic_g.gicd = board.gicd_base;
	vgic_g.gicr_base = board.gicr_base;
	vgic_g.gicr_size = board.gicr_size;
	if (!vgic_find_redistributors())
		return false;
	/* Affinity routing, both groups on: as any GICv3 OS sets it. */
	gic_hw_write32(vgic_g.gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_G1 | GICD_CTLR_G0);
	gicd_wait_rwp();
	vgic_g.present = true;
	vgic_sgi_on_update();
	return true;
}

void vgic_claim_spi(uint32_t intid)
{
	uint64_t word = vgic_g.gicd + (intid / 32) * 4;
	uint32_t bit = UINT32_C(1) << (intid % 32);

	if (!vgic_g.present || intid < 32 || intid >= VGIC_MAX_INTID)
		return;
	vgic_g.fw_spi = intid;
	gic_hw_write32(word + GICD_ICENABLER, bit);
	gicd_wait_rwp();
	gic_hw_write32(word + GICD_IGROUPR, gic_hw_read32(word + GICD_IGROUPR) | bit);
	gic_hw_write8(vgic_g.gicd + GICD_IPRIORITYR + intid, FW_PRIO);
	/* Level-sensitive (ICFGR 0b00), to the boot CPU. */
	gic_hw_write32(vgic_g.gicd + GICD_ICFGR + (intid / 16) * 4,
		       gic_hw_read32(vgic_g.gicd + GICD_ICFGR + (intid / 16) * 4) &
		       ~(UINT32_C(3) << ((intid % 16) * 2)));
	gic_hw_write64(vgic_g.gicd + GICD_IROUTER + intid * 8, vm.vcpu[0].hw_mpidr & MPIDR_AFF);
	gic_hw_write32(word + GICD_ISENABLER, bit);
}

/*
 * Physical list-register contents, cleared; a hardware-linked one deactivated
 * first: pending or active, EL2 acknowledged its physical interrupt, which
 * stays active (never signalled again) until the guest's EOI that now cannot come.
 */
static void vgic_drop_lr(uint64_t lr)
{
	if ((lr & LR_HW) && (lr & (LR_STATE_PENDING | LR_STATE_ACTIVE)))
		gic_hw_deactivate((uint32_t)(lr >> LR_PINTID_SHIFT) & 0x3ff);
}

static void vgic_clear_lrs(struct vcpu *v)
{
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		vgic_drop_lr(ich_hw_lr_read(n));
		ich_hw_lr_write(n, 0);
	}
	for (unsigned int n = 0; n < ich_hw_nr_aprs(); n++)
		ich_hw_ap1r_write(n, 0);
}

/*
 * A stopped vCPU's interrupts in flight forgotten, in memory only (the
 * monitor's `wipe`): the physical interrupts stay as they are, for the
 * `load` that must follow to link them again.
 */
void vgic_cpu_wipe(struct vcpu *v)
{
	memset(v->vgic.lr, 0, sizeof(v->vgic.lr));
	memset(v->vgic.queued, 0, sizeof(v->vgic.queued));
	memset(v->vgic.queued_hw, 0, sizeof(v->vgic.queued_hw));
	memset(v->vgic.prio, 0, sizeof(v->vgic.prio));
	v->vgic.in_memory = true;
}

/* The same for the list registers in memory and the queue. */
static void vgic_clear_memory(struct vcpu *v)
{
	for (unsigned int n = 0; n < VGIC_MAX_LRS; n++) {
		vgic_drop_lr(v->vgic.lr[n]);
		v->vgic.lr[n] = 0;
	}
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		for (unsigned int b = 0; b < 64; b++)
			if ((v->vgic.queued_hw[w] >> b) & 1)
				gic_hw_deactivate(w * 64 + b);
		v->vgic.queued[w] = v->vgic.queued_hw[w] = 0;
	}
	v->vgic.in_memory = false;
}

void vgic_cpu_off(struct vcpu *v)
{
	if (!vgic_g.present)
		return;
	/* CPU_ON resets the CPU: its list registers with it (a stopped vCPU's are in memory). */
	vgic_clear_lrs(v);
	vgic_clear_memory(v);
}

static void vgic_handover_restore_cpu(struct vcpu *v);

void vgic_cpu_init(struct vcpu *v)
{
	uint64_t sgi;

	if (!vgic_g.present)
		return;
	gic_hw_cpu_init();
	v->vgic.nr_lrs = ich_hw_nr_lrs();
	if (v->vgic.nr_lrs > 16)
		v->vgic.nr_lrs = 16;
	v->vgic.lrs_mask = (UINT32_C(1) << v->vgic.nr_lrs) - 1;
	/* The redistributor awake, the firmware's SGI and the maintenance PPI on. */
	gic_hw_write32(v->vgic.gicr + GICR_WAKER,
		       gic_hw_read32(v->vgic.gicr + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (unsigned long i = 0; i < SPIN_LIMIT; i++)
		if (!(gic_hw_read32(v->vgic.gicr + GICR_WAKER) & GICR_WAKER_ASLEEP))
			break;
	sgi = v->vgic.gicr + GICR_SGI;
	gic_hw_write32(sgi + GICD_IGROUPR, gic_hw_read32(sgi + GICD_IGROUPR) |
		       vgic_fw_bits(0));
	gic_hw_write8(sgi + GICD_IPRIORITYR + VGIC_FW_SGI, FW_PRIO);
	gic_hw_write8(sgi + GICD_IPRIORITYR + VGIC_MAINT_PPI, FW_PRIO);
	gic_hw_write32(sgi + GICD_ISENABLER, vgic_fw_bits(0));
	if (v->vgic.carried) {		/* upgrade: the guest's interrupts as they were */
		vgic_handover_restore_cpu(v);
		return;
	}
	vgic_clear_lrs(v);
	/* A vCPU a load started keeps what the load put in memory (vgic_state_to_cpu). */
	if (!v->loaded) {
		vgic_clear_memory(v);
		memset(v->vgic.prio, 0, sizeof(v->vgic.prio));
	}
	ich_hw_vmcr_write(0);
	ich_hw_hcr_write(ICH_HCR_EN);
}

uint8_t vgic_guest_prio(const struct vcpu *v, uint32_t intid)
{
	return intid < 32 ? v->vgic.prio[intid] : intid < VGIC_MAX_INTID ? vgic_g.spi_prio[intid] : 0;
}

static uint64_t vgic_lr(const struct vcpu *v, uint32_t intid, bool hw)
{
	uint64_t lr = LR_STATE_PENDING | LR_GROUP1 | intid |
		      (uint64_t)vgic_guest_prio(v, intid) << LR_PRIO_SHIFT;

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
	uint64_t empty;

	if (v->vgic.in_memory) {
		vgic_inject(v, intid, false);	/* stopped: queued in memory */
		return;
	}
	empty = ich_hw_elrsr();
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
	if (!v->vgic.in_memory && vgic_place(v, intid, hw))
		return;
	v->vgic.queued[intid / 64] |= UINT64_C(1) << (intid % 64);
	if (hw)
		v->vgic.queued_hw[intid / 64] |= UINT64_C(1) << (intid % 64);
	if (!v->vgic.in_memory)		/* else vgic_state_to_cpu sets it */
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
		} else if (vgic_g.fw_spi && intid == vgic_g.fw_spi) {
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
static inline uint64_t sgi1r_for(uint64_t mpidr, uint32_t intid)
{
	return (((mpidr >> 32) & 0xff) << 48) | (((mpidr >> 16) & 0xff) << 32) |
	       (((mpidr >> 8) & 0xff) << 16) | (((mpidr >> 4) & 0xf) << 44) |
	       ((uint64_t)intid << 24) | (UINT64_C(1) << (mpidr & 0xf));
}

/*
 * The vCPUs el2/vectors.S sends a guest's SGI to as it is (an
 * ICC_SGI1R_EL1 write at EL2 names the same CPUs): bit i for vCPU i when
 * it is ON and its CPU's affinity is its vMPIDR's (Aff0 i, the rest 0),
 * the GIC is the guest's and the trap log is off; an SGI to the vCPU
 * itself alone goes into its own list registers there as vgic_place()
 * would put it. Any other target, itself and others at once, and every
 * IRM or other-affinity write go through vgic_sgi1r(). Written under
 * vm.lock.
 */
uint64_t vgic_sgi_on;

void vgic_sgi_on_update(void)
{
	uint64_t on = 0;

	for (unsigned int i = 0; vgic_g.present && !vm.traplog && i < vm.nvcpus && i < 16; i++) {
		const struct vcpu *t = &vm.vcpu[i];

		if (__atomic_load_n(&t->power, __ATOMIC_ACQUIRE) == VCPU_ON &&
		    (t->hw_mpidr & MPIDR_AFF) == (t->vmpidr & MPIDR_AFF) &&
		    (t->vmpidr & MPIDR_AFF) == i)
			on |= UINT64_C(1) << i;
	}
	__atomic_store_n(&vgic_sgi_on, on, __ATOMIC_RELEASE);
}

uint64_t vgic_sgi_target(uint64_t mpidr)
{
	return sgi1r_for(mpidr, 0);
}

void vgic_kick(const struct vcpu *t)
{
	gic_hw_sgi(sgi1r_for(t->hw_mpidr, VGIC_FW_SGI));
}

/*
 * ICC_SGI1R_EL1's Aff3, Aff2, Aff1 and RS (Aff0 / 16) fields: a vCPU is a
 * target when they equal its own and its bit (Aff0 % 16) is in the list.
 */
#define SGI1R_AFF_MASK	(UINT64_C(0xff) << 48 | UINT64_C(0xf) << 44 | UINT64_C(0xff) << 32 | \
			 UINT64_C(0xff) << 16)

void vgic_sgi1r(struct vcpu *v, uint64_t val)
{
	uint32_t intid = (uint32_t)(val >> 24) & 0xf;
	bool all_others = (val >> 40) & 1;

	if (intid == VGIC_FW_SGI)
		return;
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *t = &vm.vcpu[i];
		uint64_t own = t->vgic.sgi_target;

		if (all_others ? t == v : ((val ^ own) & SGI1R_AFF_MASK) || !(val & own & 0xffff))
			continue;
		if (t == v)
			vgic_inject(v, intid, false);
		else if (__atomic_load_n(&t->power, __ATOMIC_ACQUIRE) == VCPU_ON)
			gic_hw_sgi(sgi1r_for(t->hw_mpidr, intid));
	}
}

unsigned int vgic_nintids(void)
{
	unsigned int n = 32 * ((gic_hw_read32(vgic_g.gicd + GICD_TYPER) & 0x1f) + 1);

	return n > VGIC_MAX_INTID ? VGIC_MAX_INTID : n;
}

uint32_t vgic_console_spi(void)
{
	return vgic_g.fw_spi;
}

unsigned int vgic_nr_lrs(void)
{
	return vm.vcpu[0].vgic.nr_lrs;
}

/*
 * ---- Live upgrade (issue 15): the vGIC's part of the handover block. ----
 * What a blob of format 1.0 does not carry (interrupts in flight, the
 * virtual CPU interface) and the firmware's copy of the guest's settings.
 * A stopped vCPU's list registers are in memory (vgic_state_to_memory):
 * each CPU copies its own into the block before it goes off, and the new
 * firmware's vgic_cpu_init puts them back in memory instead of clearing
 * them (a hardware-linked one deactivated would be an interrupt lost). A
 * 2.0 blob's GIC entries are applied after, and win.
 */
void vgic_handover_save(struct handover *h)
{
	struct handover_vgic *s = &h->vgic;

	s->ctlr = vgic_g.ctlr;
	s->fw_spi_cfg = vgic_g.fw_spi_cfg;
	s->fw_spi_route = vgic_g.fw_spi_route;
	s->fw_spi_enabled = vgic_g.fw_spi_enabled;
	s->fw_spi_prio = vgic_g.fw_spi_prio;
	_Static_assert(sizeof(s->spi_prio) >= sizeof(vgic_g.spi_prio), "handover SPI priorities");
	memcpy(s->spi_prio, vgic_g.spi_prio, sizeof(vgic_g.spi_prio));
}

void vgic_handover_save_cpu(struct vcpu *v, struct handover_vgic_cpu *c)
{
	unsigned int naprs = ich_hw_nr_aprs();

	memset(c, 0, sizeof(*c));
	if (!vgic_g.present)
		return;
	vgic_state_to_memory(v);
	c->nr_lrs = v->vgic.nr_lrs;
	for (unsigned int n = 0; n < v->vgic.nr_lrs && n < HANDOVER_LRS; n++)
		c->lr[n] = v->vgic.lr[n];
	for (unsigned int n = 0; n < naprs && n < HANDOVER_APRS; n++)
		c->ap1r[n] = ich_hw_ap1r_read(n);
	c->vmcr = ich_hw_vmcr_read();
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		c->queued[w] = v->vgic.queued[w];
		c->queued_hw[w] = v->vgic.queued_hw[w];
	}
	memcpy(c->prio, v->vgic.prio, sizeof(c->prio));
	c->valid = 1;
}

void vgic_handover_restore(const struct handover *h)
{
	const struct handover_vgic *s = &h->vgic;

	vgic_g.ctlr = s->ctlr;
	vgic_g.fw_spi_cfg = s->fw_spi_cfg;
	vgic_g.fw_spi_route = s->fw_spi_route;
	vgic_g.fw_spi_enabled = s->fw_spi_enabled != 0;
	vgic_g.fw_spi_prio = (uint8_t)s->fw_spi_prio;
	memcpy(vgic_g.spi_prio, s->spi_prio, sizeof(vgic_g.spi_prio));
	for (unsigned int i = 0; i < vm.nvcpus && i < h->nvcpus; i++)
		if (h->vgic_cpu[i].valid)
			vm.vcpu[i].vgic.carried = &h->vgic_cpu[i];
}

/* Into memory: vgic_state_to_cpu puts them in the CPU as the vCPU goes on. */
static void vgic_handover_restore_cpu(struct vcpu *v)
{
	const struct handover_vgic_cpu *c = v->vgic.carried;
	unsigned int naprs = ich_hw_nr_aprs();

	v->vgic.carried = NULL;
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		v->vgic.lr[n] = n < c->nr_lrs && n < HANDOVER_LRS ? c->lr[n] : 0;
		ich_hw_lr_write(n, 0);
	}
	v->vgic.in_memory = true;
	for (unsigned int n = 0; n < naprs && n < HANDOVER_APRS; n++)
		ich_hw_ap1r_write(n, c->ap1r[n]);
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++) {
		v->vgic.queued[w] = c->queued[w];
		v->vgic.queued_hw[w] = c->queued_hw[w];
	}
	memcpy(v->vgic.prio, c->prio, sizeof(v->vgic.prio));
	ich_hw_vmcr_write(c->vmcr);
	ich_hw_hcr_write(ICH_HCR_EN);	/* vgic_state_to_cpu adds UIE for a queue */
}
