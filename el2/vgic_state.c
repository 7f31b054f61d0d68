/*
 * The guest's GIC in the state blob (el2/vgic.h, vmstate/FORMAT.md "GIC
 * device entries"): what vmstate/gic.c says travels, read from and written
 * to this machine.
 *
 * The distributor and the redistributors are read and written as the
 * guest's MMIO reaches them (vgic_guest_rw): the firmware's INTIDs stay
 * out, the console SPI's settings go to where the firmware keeps them
 * aside. A load first clears what the guest owns (disabled, not pending,
 * not active), then writes its configuration, then pending and active
 * state, then the enables: no interrupt fires half-configured.
 *
 * Virtual interrupts in flight travel by vINTID, whatever list register or
 * queue holds them, so a blob moves between CPUs with different numbers of
 * list registers. A hardware-linked one's physical interrupt is active in
 * the source's GIC (EL2 acknowledged it; only the guest's EOI deactivates
 * it), and that active bit travels with the distributor or redistributor:
 * on the destination the physical interrupt is active again and linked
 * again, so the guest's EOI deactivates it there and a level source (the
 * timer) that still asserts fires again. The import refuses a linked one
 * whose physical interrupt the blob does not have active.
 */
#include <string.h>

#include "el2/gic_hw.h"
#include "el2/vcpu.h"
#include "el2/vgic.h"
#include "vmstate/gic.h"
#include "vmstate/policy.h"

#define GICR_SGI_FRAME	0x10000
#define ICH_HCR_EN	UINT64_C(1)
#define ICH_HCR_UIE	(UINT64_C(1) << 1)
#define CLEAR_OFFSET	0x80	/* ICENABLER, ICPENDR, ICACTIVER after their set registers */

void vgic_state_to_memory(struct vcpu *v)
{
	if (!vgic_present() || v->vgic.in_memory)
		return;
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++) {
		v->vgic.lr[n] = ich_hw_lr_read(n);
		ich_hw_lr_write(n, 0);
	}
	v->vgic.in_memory = true;
}

static bool queue_empty(const struct vcpu *v)
{
	for (unsigned int w = 0; w < VGIC_QUEUE_WORDS; w++)
		if (v->vgic.queued[w])
			return false;
	return true;
}

void vgic_state_to_cpu(struct vcpu *v)
{
	if (!vgic_present() || (!v->vgic.in_memory && !v->loaded))
		return;
	for (unsigned int n = 0; n < v->vgic.nr_lrs; n++)
		ich_hw_lr_write(n, v->vgic.lr[n]);
	v->vgic.in_memory = false;
	ich_hw_hcr_write(queue_empty(v) ? ICH_HCR_EN : ICH_HCR_EN | ICH_HCR_UIE);
}

/* ---- export ---- */

struct devlist {
	struct vmstate_entry *e;
	unsigned int *n, max;
	bool full;
};

static void add(struct devlist *d, uint64_t id, uint64_t value)
{
	if (*d->n >= d->max) {
		d->full = true;
		return;
	}
	d->e[(*d->n)++] = (struct vmstate_entry){ .id = id, .value = value, .droppable = false };
}

/* INTIDs lo..hi-1 of every carried block, as the guest reads them, non-zero words only. */
static void export_blocks(struct devlist *d, int who, uint64_t idbase, uint32_t frame,
			  uint32_t lo, uint32_t hi, uint32_t console)
{
	for (unsigned int k = 0; k < vmstate_gic_nblocks; k++) {
		const struct vmstate_gic_block *b = &vmstate_gic_blocks[k];
		uint32_t step = b->width == 64 ? 1 : 32 / b->width;

		if (b->width == 64 && who >= 0)
			continue;	/* IROUTER: the distributor's only */
		for (uint32_t first = lo; first < hi; first += step) {
			uint32_t off = b->base + first * b->width / 8;
			uint64_t val;

			if (b->width == 64) {
				vgic_guest_rw(who, frame + off, 8, false, &val);
			} else {
				vgic_guest_rw(who, frame + off, 4, false, &val);
				val &= vmstate_gic_word_mask(b, first, console);
			}
			if (val)
				add(d, idbase | off, val);
		}
	}
}

/* A vCPU's interrupts in flight: its list registers (in memory) and its queue. */
static void export_irqs(struct devlist *d, const struct vcpu *v)
{
	unsigned int start = *d->n;

	for (unsigned int n = 0; n < VGIC_MAX_LRS; n++) {
		uint64_t lr = v->vgic.lr[n];

		if (lr & VMSTATE_GIC_LR_STATE)
			add(d, VMSTATE_DEV_GIC_IRQ | (lr & 0x3ff), lr);
	}
	for (uint32_t intid = 0; intid < VMSTATE_GIC_MAX_INTID; intid++) {
		uint64_t bit = UINT64_C(1) << (intid % 64), lr;
		bool hw = v->vgic.queued_hw[intid / 64] & bit;
		struct vmstate_entry *have = NULL;

		if (!(v->vgic.queued[intid / 64] & bit))
			continue;
		for (unsigned int k = start; k < *d->n; k++)
			if (d->e[k].id == (VMSTATE_DEV_GIC_IRQ | intid))
				have = &d->e[k];
		if (have) {	/* queued again while in a list register: pending again */
			have->value |= VMSTATE_GIC_LR_PENDING;
			continue;
		}
		lr = VMSTATE_GIC_LR_PENDING | VMSTATE_GIC_LR_GROUP1 | intid |
		     (uint64_t)vgic_guest_prio(v, intid) << VMSTATE_GIC_LR_PRIO_SHIFT;
		if (hw)
			lr |= VMSTATE_GIC_LR_HW | (uint64_t)intid << VMSTATE_GIC_LR_PINTID_SHIFT;
		add(d, VMSTATE_DEV_GIC_IRQ | intid, lr);
	}
	/* By vINTID: entries are sorted. */
	for (unsigned int i = start + 1; i < *d->n; i++)
		for (unsigned int j = i; j > start && d->e[j - 1].id > d->e[j].id; j--) {
			struct vmstate_entry t = d->e[j];

			d->e[j] = d->e[j - 1];
			d->e[j - 1] = t;
		}
}

static void too_many(struct vmstate_report *rep, const struct devlist *d, unsigned int tag)
{
	unsigned int keep = rep->vcpu_tag;

	rep->vcpu_tag = tag;
	vmstate_report_why(rep, VMSTATE_E_TOO_MANY, d->e[d->max - 1].id, d->max, d->max,
			   "the GIC state does not fit the blob's device entries");
	rep->vcpu_tag = keep;
}

unsigned int vgic_state_export(struct vmstate *s, struct vmstate_report *rep)
{
	uint32_t console = vgic_console_spi();
	unsigned int before = rep->total;
	struct devlist d = { s->dev, &s->ndev, VMSTATE_MAX_DEV_VM, false };
	uint64_t ctlr;

	if (!vgic_present())
		return 0;
	s->ndev = 0;
	vgic_guest_rw(-1, VMSTATE_GIC_CTLR, 4, false, &ctlr);
	if (ctlr & VMSTATE_GIC_CTLR_GUEST)
		add(&d, VMSTATE_DEV_GICD | VMSTATE_GIC_CTLR, ctlr & VMSTATE_GIC_CTLR_GUEST);
	export_blocks(&d, -1, VMSTATE_DEV_GICD, 0, 32, vgic_nintids(), console);
	if (d.full)
		too_many(rep, &d, 0);
	for (unsigned int i = 0; i < s->nvcpus && i < vm.nvcpus; i++) {
		struct vmstate_vcpu *c = &s->vcpu[i];
		struct devlist dv = { c->dev, &c->ndev, VMSTATE_MAX_DEV_VCPU, false };

		c->ndev = 0;
		export_blocks(&dv, (int)i, VMSTATE_DEV_GICR_SGI, GICR_SGI_FRAME, 0, 32, console);
		export_irqs(&dv, &vm.vcpu[i]);
		if (dv.full)
			too_many(rep, &dv, i + 1);
	}
	return rep->total - before;
}

/* ---- import ---- */

static uint64_t value_of(const struct vmstate_entry *e, unsigned int n, uint64_t id)
{
	const struct vmstate_entry *x = vmstate_find_entry(e, n, id);

	return x ? x->value : 0;
}

/* One pass over the carried words of INTIDs lo..hi-1 (see the order in apply_blocks). */
enum pass { PASS_CLEAR, PASS_CONFIG, PASS_STATE, PASS_ENABLE };

static bool in_pass(uint32_t base, enum pass p)
{
	switch (p) {
	case PASS_CLEAR:
		return base == VMSTATE_GIC_ISENABLER || base == VMSTATE_GIC_ISPENDR ||
		       base == VMSTATE_GIC_ISACTIVER;
	case PASS_STATE:
		return base == VMSTATE_GIC_ISPENDR || base == VMSTATE_GIC_ISACTIVER;
	case PASS_ENABLE:
		return base == VMSTATE_GIC_ISENABLER;
	default:
		return base != VMSTATE_GIC_ISENABLER && base != VMSTATE_GIC_ISPENDR &&
		       base != VMSTATE_GIC_ISACTIVER;
	}
}

/*
 * Everything the guest owns first cleared (disabled, not pending, not
 * active), then configured (group, priority, trigger, routing), then made
 * pending and active, then enabled; what the blob leaves out is 0.
 */
static void apply_blocks(const struct vmstate_entry *e, unsigned int n, int who, uint64_t idbase,
			 uint32_t frame, uint32_t lo, uint32_t hi, uint32_t console)
{
	for (enum pass p = PASS_CLEAR; p <= PASS_ENABLE; p++)
		for (unsigned int k = 0; k < vmstate_gic_nblocks; k++) {
			const struct vmstate_gic_block *b = &vmstate_gic_blocks[k];
			uint32_t step = b->width == 64 ? 1 : 32 / b->width;

			if (!in_pass(b->base, p) || (b->width == 64 && who >= 0))
				continue;
			for (uint32_t first = lo; first < hi; first += step) {
				uint32_t off = b->base + first * b->width / 8;
				uint32_t mask = vmstate_gic_word_mask(b, first, console);
				uint64_t val = value_of(e, n, idbase | off);

				if (b->width == 64) {
					vgic_guest_rw(who, frame + off, 8, true, &val);
					continue;
				}
				if (!mask)
					continue;
				if (p == PASS_CLEAR) {
					val = mask;
					off += CLEAR_OFFSET;
				} else if (p != PASS_CONFIG && !val) {
					continue;
				}
				vgic_guest_rw(who, frame + off, 4, true, &val);
			}
		}
}

/* Active ones first (the guest is inside their handlers), then the console's, then by INTID. */
static unsigned int rank(uint64_t lr)
{
	return (lr & VMSTATE_GIC_LR_ACTIVE) ? 0 : (lr & VMSTATE_GIC_LR_EOI) ? 1 : 2;
}

static void apply_irqs(struct vcpu *v, const struct vmstate_entry *e, unsigned int n)
{
	unsigned int used = 0, nr = vgic_nr_lrs();

	/* The blob's GIC state replaces this one's: nothing here is deactivated. */
	memset(v->vgic.lr, 0, sizeof(v->vgic.lr));
	memset(v->vgic.queued, 0, sizeof(v->vgic.queued));
	memset(v->vgic.queued_hw, 0, sizeof(v->vgic.queued_hw));
	for (unsigned int r = 0; r < 3; r++)
		for (unsigned int k = 0; k < n; k++) {
			uint64_t lr = e[k].value, bit;
			uint32_t intid = (uint32_t)(e[k].id & 0xffff);

			if ((e[k].id & ~UINT64_C(0xffff)) != VMSTATE_DEV_GIC_IRQ || rank(lr) != r)
				continue;
			if (used < nr && used < VGIC_MAX_LRS) {
				v->vgic.lr[used++] = lr;
				continue;
			}
			/* Pending only (the check let no more active ones than list registers through). */
			bit = UINT64_C(1) << (intid % 64);
			v->vgic.queued[intid / 64] |= bit;
			if (lr & VMSTATE_GIC_LR_HW)
				v->vgic.queued_hw[intid / 64] |= bit;
		}
	v->vgic.in_memory = true;
}

static void apply(unsigned int owner, const struct vmstate_entry *e, unsigned int n, void *ctx)
{
	uint32_t console = vgic_console_spi();
	uint64_t ctlr;

	(void)ctx;
	if (owner == VMSTATE_OWNER_VM) {
		apply_blocks(e, n, -1, VMSTATE_DEV_GICD, 0, 32, vgic_nintids(), console);
		ctlr = value_of(e, n, VMSTATE_DEV_GICD | VMSTATE_GIC_CTLR);
		vgic_guest_rw(-1, VMSTATE_GIC_CTLR, 4, true, &ctlr);
		return;
	}
	apply_blocks(e, n, (int)owner, VMSTATE_DEV_GICR_SGI, GICR_SGI_FRAME, 0, 32, console);
	apply_irqs(&vm.vcpu[owner], e, n);
}

static const char *check(unsigned int owner, const struct vmstate_entry *e, void *ctx)
{
	return vmstate_gic_check(ctx, owner, e);
}

static struct vmstate_gic_rules rules;
static const struct vmstate_dev_ops ops = { check, apply, &rules };

const struct vmstate_dev_ops *vgic_state_ops(const struct vmstate *s)
{
	if (!vgic_present())
		return NULL;
	rules = (struct vmstate_gic_rules){
		.nintids = vgic_nintids(), .nvcpus = vm.nvcpus, .nr_lrs = vgic_nr_lrs(),
		.console_spi = vgic_console_spi(), .s = s,
	};
	return &ops;
}
