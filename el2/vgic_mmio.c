/*
 * The guest's distributor and redistributor accesses (el2/vgic.h): each
 * fault at stage 2 is forwarded to the real register, with the firmware's
 * INTIDs masked out (the guest reads them as absent and cannot change
 * them); what the guest writes for the console's SPI is kept aside.
 */
#include "plat/plat.h"
#include "el2/gic_hw.h"
#include "el2/vcpu.h"
#include "el2/vgic_internal.h"

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
	return gic_hw_read32(addr) & ~vgic_fw_bits(first);
}

static void bits_write(uint64_t addr, uint32_t first, uint32_t val, bool set_clear)
{
	uint32_t keep = vgic_fw_bits(first);

	if (set_clear)		/* ISENABLER and friends: a 0 bit changes nothing */
		gic_hw_write32(addr, val & ~keep);
	else
		gic_hw_write32(addr, (gic_hw_read32(addr) & keep) | (val & ~keep));
}

/* The guest's view of fw_spi's enable, group, priority and configuration. */
static uint32_t fw_spi_read(uint32_t reg, uint32_t off, uint32_t first, uint32_t v)
{
	uint32_t bit = vgic_g.fw_spi - first;

	if (!vgic_g.fw_spi || vgic_g.fw_spi < first || vgic_g.fw_spi >= first + 32)
		return v;
	if ((reg == GICD_ISENABLER || reg == GICD_ICENABLER) && vgic_g.fw_spi_enabled)
		v |= UINT32_C(1) << bit;
	if (reg == GICD_IGROUPR)
		v |= UINT32_C(1) << bit;
	(void)off;
	return v;
}

static void fw_spi_write(uint32_t reg, uint32_t first, uint32_t val)
{
	uint32_t bit;

	if (!vgic_g.fw_spi || vgic_g.fw_spi < first || vgic_g.fw_spi >= first + 32)
		return;
	bit = UINT32_C(1) << (vgic_g.fw_spi - first);
	if (reg == GICD_ISENABLER && (val & bit))
		vgic_g.fw_spi_enabled = true;
	if (reg == GICD_ICENABLER && (val & bit))
		vgic_g.fw_spi_enabled = false;
}

bool vgic_spi_enabled_for_guest(void)
{
	return vgic_g.fw_spi_enabled && (vgic_g.ctlr & GICD_CTLR_G1);
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
		uint32_t first = off - GICD_IPRIORITYR, keep = vgic_fw_field_mask(first, 8);

		if (write) {
			for (unsigned int b = 0; b < 4; b++) {
				uint8_t p = (uint8_t)(*val >> (8 * b));

				if (first + b < 32)
					prio[first + b] = p;
				else
					vgic_g.spi_prio[first + b] = p;
				if (vgic_g.fw_spi == first + b)
					vgic_g.fw_spi_prio = p;
			}
			gic_hw_write32(base + off, (gic_hw_read32(base + off) & keep) | (*val & ~keep));
		} else {
			*val = gic_hw_read32(base + off) & ~keep;
			for (unsigned int b = 0; b < 4; b++)
				if (vgic_g.fw_spi && vgic_g.fw_spi == first + b)
					*val |= (uint32_t)vgic_g.fw_spi_prio << (8 * b);
		}
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		uint32_t first = (off - GICD_ICFGR) * 4, keep = vgic_fw_field_mask(first, 2);

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

/*
 * gicd_access and gicr_access carry no stack-protector canary: their only
 * locals whose address leaves are scalars (a word, the halves of a 64-bit
 * access) the callees write whole; the check would cost the guest's every
 * distributor access a fifth of its exit.
 */
static __attribute__((no_stack_protector)) void gicd_access(uint32_t off, unsigned int size,
							     bool write, uint64_t *val)
{
	uint32_t word = off & ~UINT32_C(3), v = 0;

	if (off >= GICD_IROUTER + 32 * 8 && off < GICD_IROUTER + VGIC_MAX_INTID * 8) {
		uint32_t intid = (off - GICD_IROUTER) / 8;
		uint64_t reg = off & ~UINT32_C(7), r;

		r = intid == vgic_g.fw_spi ? vgic_g.fw_spi_route : route_from_hw(gic_hw_read64(vgic_g.gicd + reg));
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
		if (intid == vgic_g.fw_spi)
			vgic_g.fw_spi_route = r;
		else
			gic_hw_write64(vgic_g.gicd + reg, route_to_hw(r));
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
			vgic_g.ctlr = merge(vgic_g.ctlr, *val, size, off & 3) & (GICD_CTLR_G1 | GICD_CTLR_G0);
			return;
		}
		v = (gic_hw_read32(vgic_g.gicd + GICD_CTLR) & ~(GICD_CTLR_G1 | GICD_CTLR_G0)) | vgic_g.ctlr;
	} else if (word == GICD_TYPER || word == GICD_IIDR || word == GICD_TYPER2 ||
		   word >= GICD_IDREGS) {
		if (write)
			return;
		v = gic_hw_read32(vgic_g.gicd + word);
		if (word == GICD_TYPER)
			v &= ~GICD_TYPER_LPIS_MBIS;	/* no LPIs, no message-based SPIs */
	} else {
		uint32_t w = 0;
		bool known;

		if (write && size < 4) {
			if (!set_clear_reg(word))	/* a 0 there changes nothing: no merge */
				known = block_access(vgic_g.gicd, word, false, &w, vm.vcpu[0].vgic.prio);
			w = merge(w, *val, size, off & 3);
		} else {
			w = (uint32_t)*val;
		}
		known = block_access(vgic_g.gicd, word, write, &w, vm.vcpu[0].vgic.prio);
		if (!known || write)
			return;
		v = w;
	}
	*val = (v >> (8 * (off & 3))) & (size >= 4 ? UINT32_MAX : (UINT32_C(1) << (size * 8)) - 1);
}

/* Guest redistributor frame i is vCPU i's: its physical frame, its affinity. */
static __attribute__((no_stack_protector)) void gicr_access(unsigned int i, uint32_t off,
							     unsigned int size, bool write,
							     uint64_t *val)
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
	if (!vgic_g.present)
		return false;
	if (!write)
		*val = 0;
	if (ipa >= vgic_g.gicd && ipa < vgic_g.gicd + GICD_SIZE) {
		gicd_access((uint32_t)(ipa - vgic_g.gicd), size, write, val);
		return true;
	}
	if (ipa >= vgic_g.gicr_base && ipa < vgic_g.gicr_base + vgic_g.gicr_size) {
		uint64_t off = ipa - vgic_g.gicr_base;
		unsigned int i = (unsigned int)(off / GICR_FRAME);

		if (i < vm.nvcpus)
			gicr_access(i, (uint32_t)(off % GICR_FRAME), size, write, val);
		return true;	/* frames of CPUs the guest does not have: RAZ/WI */
	}
	return false;
}

void vgic_guest_rw(int vcpu, uint32_t off, unsigned int size, bool write, uint64_t *val)
{
	if (!write)
		*val = 0;
	if (vcpu < 0)
		gicd_access(off, size, write, val);
	else if ((unsigned int)vcpu < vm.nvcpus)
		gicr_access((unsigned int)vcpu, off, size, write, val);
}

/*
 * The identification registers of the distributor and of each
 * redistributor, which nothing the guest writes changes: el2/vectors.S
 * answers their loads from v->mmio (the ones Linux makes as it finds its
 * GIC and each CPU's redistributor). Each value is what vgic_mmio() reads
 * there now, so the two answers cannot differ.
 */
#define GICD_PIDR2	0xffe8
#define GICR_PIDR2	0xffe8

static void vector_add(struct vcpu *v, unsigned int *n, uint64_t ipa, unsigned int sas)
{
	uint64_t val;

	BUG_ON(*n >= VECTOR_MMIOS);
	if (!vgic_mmio(v, ipa, 1u << sas, false, &val))
		return;
	v->mmio[*n].key = VECTOR_MMIO_KEY(ipa, sas);
	v->mmio[(*n)++].value = val;
	if (ipa < v->mmio_lo)
		v->mmio_lo = ipa;
	if (ipa >= v->mmio_hi)
		v->mmio_hi = ipa + 1;
}

void vgic_vector_sync(struct vcpu *v)
{
	static const uint32_t gicd_ids[] = { GICD_TYPER, GICD_IIDR, GICD_TYPER2, GICD_PIDR2 };
	unsigned int n = 0;

	_Static_assert(VECTOR_MMIOS >= ARRAY_SIZE(gicd_ids) + 2 * RV_MAX_CPUS, "el2/asm.h");
	v->mmio_lo = ~UINT64_C(0);
	v->mmio_hi = 0;
	for (unsigned int i = 0; vgic_g.present && i < ARRAY_SIZE(gicd_ids); i++)
		vector_add(v, &n, vgic_g.gicd + gicd_ids[i], 2);
	for (unsigned int i = 0; vgic_g.present && i < vm.nvcpus; i++) {
		uint64_t frame = vgic_g.gicr_base + i * (uint64_t)GICR_FRAME;

		vector_add(v, &n, frame + GICR_TYPER, 3);	/* Linux reads it whole */
		vector_add(v, &n, frame + GICR_PIDR2, 2);
	}
	for (unsigned int i = n; i < VECTOR_MMIOS; i++)
		v->mmio[i].key = ~UINT64_C(0);
}
