/* GICv3 register access from EL2 (el2/gic_hw.h). */
#include <stdbool.h>

#include "el2/gic_hw.h"

/* Encodings (Arm IHI 0069, 12.1) for the assembler's S<op0>_<op1>_C<n>_C<m>_<op2>. */
#define ICC_SRE_EL2	"S3_4_C12_C9_5"
#define ICC_IAR1_EL1	"S3_0_C12_C12_0"
#define ICC_EOIR1_EL1	"S3_0_C12_C12_1"
#define ICC_DIR_EL1	"S3_0_C12_C11_1"
#define ICC_SGI1R_EL1	"S3_0_C12_C11_5"
#define ICC_PMR_EL1	"S3_0_C4_C6_0"
#define ICC_BPR1_EL1	"S3_0_C12_C12_3"
#define ICC_CTLR_EL1	"S3_0_C12_C12_4"
#define ICC_IGRPEN0_EL1	"S3_0_C12_C12_6"
#define ICC_IGRPEN1_EL1	"S3_0_C12_C12_7"
#define ICH_HCR_EL2	"S3_4_C12_C11_0"
#define ICH_VTR_EL2	"S3_4_C12_C11_1"
#define ICH_ELRSR_EL2	"S3_4_C12_C11_5"
#define ICH_VMCR_EL2	"S3_4_C12_C11_7"

#define ICC_SRE_SRE		0x1
#define ICC_SRE_DFB		0x2
#define ICC_SRE_DIB		0x4
#define ICC_SRE_ENABLE		0x8	/* EL1 may use its system-register interface */
#define ICC_CTLR_EOIMODE	0x2	/* EOIR drops priority, DIR deactivates */

#define MSR(reg, v) __asm__ volatile("msr " reg ", %0" : : "r"((uint64_t)(v)) : "memory")
#define MRS(reg) ({ uint64_t __v; __asm__ volatile("mrs %0, " reg : "=r"(__v) : : "memory"); __v; })

void gic_hw_cpu_init(void)
{
	MSR(ICC_SRE_EL2, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_ENABLE);
	__asm__ volatile("isb");
	MSR(ICC_PMR_EL1, 0xff);
	MSR(ICC_BPR1_EL1, 0);
	MSR(ICC_CTLR_EL1, ICC_CTLR_EOIMODE);
	/* Group 0 off: a guest that moves its interrupts there gets none, never a FIQ at EL2. */
	MSR(ICC_IGRPEN0_EL1, 0);
	MSR(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb");
}

uint32_t gic_hw_ack(void)
{
	uint32_t v = (uint32_t)MRS(ICC_IAR1_EL1);

	__asm__ volatile("dsb sy" ::: "memory");
	return v & 0xffffff;
}

void gic_hw_drop(uint32_t intid)
{
	MSR(ICC_EOIR1_EL1, intid);
	__asm__ volatile("isb");
}

void gic_hw_deactivate(uint32_t intid)
{
	MSR(ICC_DIR_EL1, intid);
	__asm__ volatile("isb");
}

void gic_hw_sgi(uint64_t sgi1r)
{
	__asm__ volatile("dsb ishst" ::: "memory");
	MSR(ICC_SGI1R_EL1, sgi1r);
	__asm__ volatile("isb");
}

unsigned int ich_hw_nr_lrs(void)
{
	return (unsigned int)(MRS(ICH_VTR_EL2) & 0x1f) + 1;
}

unsigned int ich_hw_nr_aprs(void)
{
	unsigned int pre = (unsigned int)((MRS(ICH_VTR_EL2) >> 29) & 7) + 1;	/* PREbits */

	return pre >= 5 ? 1u << (pre - 5) : 1;
}

#define LR_CASE(n, crm, op2)							\
	case n:									\
		if (write)							\
			MSR("S3_4_C12_" #crm "_" #op2, v);			\
		else								\
			v = MRS("S3_4_C12_" #crm "_" #op2);			\
		break;

static uint64_t ich_lr(unsigned int n, bool write, uint64_t v)
{
	switch (n) {
	LR_CASE(0, C12, 0) LR_CASE(1, C12, 1) LR_CASE(2, C12, 2) LR_CASE(3, C12, 3)
	LR_CASE(4, C12, 4) LR_CASE(5, C12, 5) LR_CASE(6, C12, 6) LR_CASE(7, C12, 7)
	LR_CASE(8, C13, 0) LR_CASE(9, C13, 1) LR_CASE(10, C13, 2) LR_CASE(11, C13, 3)
	LR_CASE(12, C13, 4) LR_CASE(13, C13, 5) LR_CASE(14, C13, 6) LR_CASE(15, C13, 7)
	}
	return v;
}

uint64_t ich_hw_lr_read(unsigned int n)
{
	return ich_lr(n, false, 0);
}

void ich_hw_lr_write(unsigned int n, uint64_t lr)
{
	ich_lr(n, true, lr);
}

uint64_t ich_hw_elrsr(void)
{
	return MRS(ICH_ELRSR_EL2);
}

uint64_t ich_hw_eisr(void)
{
	return MRS("S3_4_C12_C11_3");
}

void ich_hw_hcr_write(uint64_t hcr)
{
	MSR(ICH_HCR_EL2, hcr);
	__asm__ volatile("isb");
}

uint64_t ich_hw_vmcr_read(void)
{
	return MRS(ICH_VMCR_EL2);
}

void ich_hw_vmcr_write(uint64_t vmcr)
{
	MSR(ICH_VMCR_EL2, vmcr);
}

static uint64_t ich_ap1r(unsigned int n, bool write, uint64_t v)
{
	switch (n) {
	LR_CASE(0, C9, 0) LR_CASE(1, C9, 1) LR_CASE(2, C9, 2) LR_CASE(3, C9, 3)
	}
	return v;
}

uint64_t ich_hw_ap1r_read(unsigned int n)
{
	return ich_ap1r(n, false, 0);
}

void ich_hw_ap1r_write(unsigned int n, uint64_t v)
{
	ich_ap1r(n, true, v);
}

uint32_t gic_hw_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

void gic_hw_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

uint64_t gic_hw_read64(uint64_t addr)
{
	return *(volatile uint64_t *)(uintptr_t)addr;
}

void gic_hw_write64(uint64_t addr, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)addr = v;
}

uint8_t gic_hw_read8(uint64_t addr)
{
	return *(volatile uint8_t *)(uintptr_t)addr;
}

void gic_hw_write8(uint64_t addr, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)addr = v;
}

#define GICD_CTLR_DS	(UINT32_C(1) << 6)	/* Arm IHI 0069, GICD_CTLR: Disable Security */
#define GICD_CTLR_RWP_BIT (UINT32_C(1) << 31)	/* a write still taking effect */
#define ICC_SRE_EL3	"S3_6_C12_C12_5"

void gic_hw_el3_open(uint64_t gicd)
{
	/* EL2's own ICC_SRE_EL2 reachable (Enable), the system registers in use at EL3. */
	if (gic_hw_cpu_sysregs()) {
		MSR(ICC_SRE_EL3, ICC_SRE_SRE | ICC_SRE_DFB | ICC_SRE_DIB | ICC_SRE_ENABLE);
		__asm__ volatile("isb");
	}
	if (!gicd)
		return;
	/* Whatever else an earlier stage set kept: DS added (RAO/WI once set). */
	gic_hw_write32(gicd, gic_hw_read32(gicd) | GICD_CTLR_DS);	/* GICD_CTLR, offset 0 */
	for (unsigned long i = 0; i < 1000000 && (gic_hw_read32(gicd) & GICD_CTLR_RWP_BIT); i++)
		;
}

bool gic_hw_security_disabled(uint64_t gicd)
{
	return gic_hw_read32(gicd) & GICD_CTLR_DS;	/* reads 1 from any world once set */
}

bool gic_hw_cpu_sysregs(void)
{
	uint64_t pfr0;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	return ((pfr0 >> 24) & 0xf) != 0;
}
