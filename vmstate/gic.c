/*
 * The guest's GICv3 state in a blob: what travels and the import check
 * (vmstate/gic.h, vmstate/FORMAT.md "GIC device entries").
 */
#include "vmstate/gic.h"

/* By increasing offset: entries made block by block come out sorted. */
const struct vmstate_gic_block vmstate_gic_blocks[] = {
	{ VMSTATE_GIC_IGROUPR, 1 },   { VMSTATE_GIC_ISENABLER, 1 }, { VMSTATE_GIC_ISPENDR, 1 },
	{ VMSTATE_GIC_ISACTIVER, 1 }, { VMSTATE_GIC_IPRIORITYR, 8 }, { VMSTATE_GIC_ICFGR, 2 },
	{ VMSTATE_GIC_IGRPMODR, 1 },  { VMSTATE_GIC_IROUTER, 64 },
};
const unsigned int vmstate_gic_nblocks = ARRAY_SIZE(vmstate_gic_blocks);

static bool fw_intid(uint32_t intid)
{
	return intid == VMSTATE_GIC_FW_SGI || intid == VMSTATE_GIC_MAINT_PPI;
}

uint32_t vmstate_gic_word_mask(const struct vmstate_gic_block *b, uint32_t first,
			       uint32_t console_spi)
{
	uint32_t m = 0, ones, field;

	if (b->width > 32)
		return 0;
	ones = b->width == 32 ? UINT32_MAX : (UINT32_C(1) << b->width) - 1;
	/* Int_config[1] only ([0] is RES0); SGIs are always edge (12.9.9). */
	field = b->base == VMSTATE_GIC_ICFGR ? 2 : ones;
	/* A word of SPIs only, the console's not among them: every field travels. */
	if (first >= 32 && first + 32 / b->width <= VMSTATE_GIC_MAX_INTID &&
	    !(console_spi >= first && console_spi < first + 32 / b->width))
		return UINT32_MAX / ones * field;	/* field in each of the word's places */
	for (uint32_t i = 0; i < 32 / b->width; i++) {
		uint32_t intid = first + i;

		if (intid >= VMSTATE_GIC_MAX_INTID || fw_intid(intid))
			continue;
		if (console_spi && intid == console_spi && b->base != VMSTATE_GIC_ISENABLER &&
		    b->base != VMSTATE_GIC_IPRIORITYR)
			continue;
		if (b->base == VMSTATE_GIC_ISPENDR && intid < 32 && ((VMSTATE_GIC_TIMER_PPIS >> intid) & 1))
			continue;
		if (b->base == VMSTATE_GIC_ICFGR && intid < 16)
			continue;
		m |= field << (i * b->width);
	}
	return m;
}

/* The block `off` is in and the INTID of its first bit (or register), or NULL. */
static const struct vmstate_gic_block *block_of(uint32_t off, uint32_t *first)
{
	for (unsigned int i = 0; i < vmstate_gic_nblocks; i++) {
		const struct vmstate_gic_block *b = &vmstate_gic_blocks[i];
		uint32_t span = 1024 * b->width / 8, align = b->width == 64 ? 8 : 4;

		if (off >= b->base && off < b->base + span && (off & (align - 1)) == 0) {
			*first = (off - b->base) * 8 / b->width;
			return b;
		}
	}
	return NULL;
}

static const char *check_irouter(const struct vmstate_gic_rules *r, uint64_t v)
{
	uint64_t aff = v & UINT64_C(0xff00ffffff);

	if (v & ~(aff | VMSTATE_GIC_IROUTER_IRM))
		return "GICD_IROUTER: reserved bits set";
	if (aff >= r->nvcpus)
		return "GICD_IROUTER: routes to no vCPU of this machine";
	return NULL;
}

static const char *check_word(const struct vmstate_gic_rules *r, uint32_t off, uint64_t v,
			      bool redist)
{
	const struct vmstate_gic_block *b;
	uint32_t first = 0, mask;

	if (!redist && off == VMSTATE_GIC_CTLR)
		return v & ~(uint64_t)VMSTATE_GIC_CTLR_GUEST ?
		       "GICD_CTLR: only EnableGrp0 and EnableGrp1 are the guest's" : NULL;
	b = block_of(off, &first);
	if (!b || (redist && b->width == 64))
		return redist ? "not an SGI-frame register the guest owns" :
		       "not a distributor register the guest owns";
	if (redist && first >= 32)
		return "beyond INTID 31: a redistributor holds SGIs and PPIs only";
	if (!redist && first < 32)
		return "SGIs and PPIs are each vCPU's redistributor's";
	if (!redist && first >= r->nintids)
		return "an INTID this distributor does not have";
	if (b->width == 64)
		return check_irouter(r, v);
	if (v > UINT32_MAX)
		return "more than the register's 32 bits";
	mask = vmstate_gic_word_mask(b, first, r->console_spi);
	if (!mask)
		return "a register the firmware keeps (nothing in it is the guest's)";
	if (v & ~(uint64_t)mask)
		return "bits of INTIDs the firmware keeps, of timer PPIs' pending state, or reserved";
	return NULL;
}

static bool bit_in(const struct vmstate_entry *e, unsigned int n, uint64_t id, uint32_t intid)
{
	const struct vmstate_entry *x = vmstate_find_entry(e, n, id);

	return x && ((x->value >> (intid % 32)) & 1);
}

/* The blob's distributor (SPI) or vCPU i's redistributor (SGI, PPI) has intid active. */
static bool physical_active(const struct vmstate_gic_rules *r, unsigned int i, uint32_t intid)
{
	const struct vmstate_vcpu *c = &r->s->vcpu[i];

	if (intid < 32)
		return bit_in(c->dev, c->ndev, VMSTATE_DEV_GICR_SGI | VMSTATE_GIC_ISACTIVER, intid);
	return bit_in(r->s->dev, r->s->ndev,
		      VMSTATE_DEV_GICD | (VMSTATE_GIC_ISACTIVER + intid / 32 * 4), intid);
}

/* Active interrupts in flight on vCPU i up to and including id. */
static unsigned int active_upto(const struct vmstate_vcpu *c, uint64_t id)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < c->ndev; k++)
		if ((c->dev[k].id & ~UINT64_C(0xffff)) == VMSTATE_DEV_GIC_IRQ && c->dev[k].id <= id &&
		    (c->dev[k].value & VMSTATE_GIC_LR_ACTIVE))
			n++;
	return n;
}

#define LR_KNOWN	(VMSTATE_GIC_LR_STATE | VMSTATE_GIC_LR_HW | VMSTATE_GIC_LR_GROUP1 | \
			 VMSTATE_GIC_LR_PRIO_MASK | VMSTATE_GIC_LR_PINTID_MASK | \
			 VMSTATE_GIC_LR_VINTID_MASK)

static const char *check_hw_link(const struct vmstate_gic_rules *r, unsigned int i,
				 uint32_t intid, uint64_t v)
{
	if (intid < 16)
		return "an SGI cannot be hardware-linked";
	if (r->console_spi && intid == r->console_spi)
		return "the console's interrupt is virtual, never hardware-linked";
	if ((v & VMSTATE_GIC_LR_PINTID_MASK) >> VMSTATE_GIC_LR_PINTID_SHIFT != intid)
		return "hardware-linked to another physical INTID";
	if (!physical_active(r, i, intid))
		return "hardware-linked, but its physical interrupt is not active in the blob's "
		       "distributor or redistributor state";
	return NULL;
}

static const char *check_irq(const struct vmstate_gic_rules *r, unsigned int i,
			     const struct vmstate_entry *e)
{
	uint32_t intid = (uint32_t)(e->id & 0xffff);
	uint64_t v = e->value;

	if (intid >= r->nintids || intid >= VMSTATE_GIC_MAX_INTID)
		return "an INTID this GIC does not have";
	if (fw_intid(intid))
		return "the firmware's own interrupt";
	if (r->s->vcpu[i].power != VMSTATE_POWER_ON)
		return "in flight on a vCPU that is not on";
	if ((v & VMSTATE_GIC_LR_VINTID_MASK) != intid)
		return "its vINTID is not the entry's";
	if (!(v & VMSTATE_GIC_LR_STATE))
		return "neither pending nor active";
	if (!(v & VMSTATE_GIC_LR_GROUP1))
		return "group 0: the firmware gives the guest group 1 interrupts only";
	if (v & ~LR_KNOWN)
		return "reserved bits set";
	if (v & VMSTATE_GIC_LR_HW) {
		const char *why = check_hw_link(r, i, intid, v);

		if (why)
			return why;
	} else if (v & VMSTATE_GIC_LR_PINTID_MASK & ~VMSTATE_GIC_LR_EOI) {
		return "physical INTID bits on a virtual-only interrupt";
	} else if ((v & VMSTATE_GIC_LR_EOI) && intid != r->console_spi) {
		return "the EOI maintenance bit is the emulated console's only";
	}
	if ((v & VMSTATE_GIC_LR_ACTIVE) && active_upto(&r->s->vcpu[i], e->id) > r->nr_lrs)
		return "more active interrupts than this CPU has list registers";
	return NULL;
}

const char *vmstate_gic_check(const struct vmstate_gic_rules *r, unsigned int owner,
			      const struct vmstate_entry *e)
{
	uint64_t base = e->id & ~UINT64_C(0xffff);
	uint32_t off = (uint32_t)(e->id & 0xffff);

	if (owner == VMSTATE_OWNER_VM)
		return base == VMSTATE_DEV_GICD ? check_word(r, off, e->value, false) :
		       "not a distributor register (the VM's GIC entries are GICD's)";
	if (owner >= r->s->nvcpus)
		return "no such vCPU";
	if (base == VMSTATE_DEV_GICR_SGI)
		return check_word(r, off, e->value, true);
	if (base == VMSTATE_DEV_GIC_IRQ)
		return check_irq(r, owner, e);
	return "not a redistributor register or an interrupt in flight";
}
