/*
 * The firmware's backend: every register of the table read with MRS and,
 * for context registers, written with MSR, spelled by encoding so that the
 * assembler needs to know no names. Non-VHE EL2 reaches the guest's EL1
 * registers directly, except where the table says otherwise (sysregs.h:
 * ACC_IF, a register the CPU may lack; ACC_FN, one EL2 reaches through
 * another). Expanded from sysreg/sysregs.def; firmware registers live in
 * memory and have no case here.
 */
#include "sysreg/sysreg.h"

#define MRS(enc)	({ uint64_t v_; __asm__ volatile("mrs %0, " #enc : "=r"(v_)); v_; })
#define MSR(enc, v)	__asm__ volatile("msr " #enc ", %x0" : : "rZ"((uint64_t)(v)))

/* ID_AA64DFR0_EL1 (D19.2.61): BRPs [15:12] and WRPs [23:20], each the count less one. */
#define DFR0_BRPS_SHIFT		12
#define DFR0_WRPS_SHIFT		20

static inline unsigned int debug_count(unsigned int shift)
{
	return (unsigned int)((MRS(S3_0_C0_C5_0) >> shift) & 0xf) + 1;
}

/* Whether the CPU has breakpoint n, watchpoint n. */
static inline bool hw_has_bp(unsigned int n)
{
	return n < debug_count(DFR0_BRPS_SHIFT);
}

static inline bool hw_has_wp(unsigned int n)
{
	return n < debug_count(DFR0_WRPS_SHIFT);
}

/*
 * The guest's GIC CPU interface is the virtual one: what it reads as
 * ICC_PMR_EL1, ICC_BPR0/1_EL1, ICC_CTLR_EL1 (CBPR, EOImode) and
 * ICC_IGRPEN0/1_EL1 are fields of ICH_VMCR_EL2 (GICv3 12.4.10); arg is the
 * field, shift << 8 | width.
 */
#define ICH_VMCR_EL2		S3_4_C12_C11_7
#define VMCR_PMR		(24 << 8 | 8)
#define VMCR_BPR0		(21 << 8 | 3)
#define VMCR_BPR1		(18 << 8 | 3)
#define VMCR_EOIM		(9 << 8 | 1)
#define VMCR_CBPR		(4 << 8 | 1)
#define VMCR_ENG1		(1 << 8 | 1)
#define VMCR_ENG0		(0 << 8 | 1)
#define VMCR_CTLR		0	/* ICC_CTLR_EL1: CBPR [0] and EOImode [1], two fields */

static inline uint64_t vmcr_field(uint64_t vmcr, unsigned int f)
{
	return (vmcr >> (f >> 8)) & ((UINT64_C(1) << (f & 0xff)) - 1);
}

static inline uint64_t vmcr_with(uint64_t vmcr, unsigned int f, uint64_t v)
{
	uint64_t mask = ((UINT64_C(1) << (f & 0xff)) - 1) << (f >> 8);

	return (vmcr & ~mask) | ((v << (f >> 8)) & mask);
}

/*
 * The ICH_* registers are there only with the GIC's system-register
 * interface (ID_AA64PFR0_EL1.GIC [27:24]: not on a GICv2 board) and EL2
 * using it (ICC_SRE_EL2.SRE, which el2/gic_hw.c sets where the firmware
 * runs a vGIC): else the guest's CPU-interface rows read 0 and take no
 * writes (ICC_SRE_EL1 too: SRIF).
 */
static inline bool hw_has_gic(unsigned int unused)
{
	uint64_t pfr0, sre;

	(void)unused;
	/*
	 * Not volatile: neither register changes while the context is saved
	 * or restored, so the compiler may read each once for all the rows.
	 */
	__asm__("mrs %0, S3_0_C0_C4_0" : "=r"(pfr0));
	if (!((pfr0 >> 24) & 0xf))
		return false;
	__asm__("mrs %0, S3_4_C12_C9_5" : "=r"(sre));	/* ICC_SRE_EL2 */
	return sre & 1;
}

static inline uint64_t hw_vmcr_read(unsigned int f)
{
	uint64_t vmcr;

	if (!hw_has_gic(0))
		return 0;
	vmcr = MRS(ICH_VMCR_EL2);

	if (f == VMCR_CTLR)
		return vmcr_field(vmcr, VMCR_CBPR) | vmcr_field(vmcr, VMCR_EOIM) << 1;
	return vmcr_field(vmcr, f);
}

static inline void hw_vmcr_write(unsigned int f, uint64_t v)
{
	uint64_t vmcr;

	if (!hw_has_gic(0))
		return;
	vmcr = MRS(ICH_VMCR_EL2);

	if (f == VMCR_CTLR)
		vmcr = vmcr_with(vmcr_with(vmcr, VMCR_CBPR, v & 1), VMCR_EOIM, (v >> 1) & 1);
	else
		vmcr = vmcr_with(vmcr, f, v);
	MSR(S3_4_C12_C11_7, vmcr);
}

/*
 * ICC_AP0R<n>/AP1R<n>_EL1, the guest's active priorities: ICH_AP0R<n>_EL2
 * and ICH_AP1R<n>_EL2. ICH_VTR_EL2.PREbits [28:26] (bits less one) says
 * how many there are: 1, 2 or 4.
 */
static inline unsigned int hw_nr_aprs(void)
{
	unsigned int prebits;

	if (!hw_has_gic(0))
		return 0;
	prebits = (unsigned int)((MRS(S3_4_C12_C11_1) >> 26) & 7) + 1;

	return prebits >= 7 ? 4 : prebits == 6 ? 2 : 1;
}

static inline uint64_t hw_ap_read(unsigned int which)
{
	if ((which & 3) >= hw_nr_aprs())
		return 0;
	switch (which) {
	case 0: return MRS(S3_4_C12_C8_0);
	case 1: return MRS(S3_4_C12_C8_1);
	case 2: return MRS(S3_4_C12_C8_2);
	case 3: return MRS(S3_4_C12_C8_3);
	case 4: return MRS(S3_4_C12_C9_0);
	case 5: return MRS(S3_4_C12_C9_1);
	case 6: return MRS(S3_4_C12_C9_2);
	default: return MRS(S3_4_C12_C9_3);
	}
}

static inline void hw_ap_write(unsigned int which, uint64_t v)
{
	if ((which & 3) >= hw_nr_aprs())
		return;
	switch (which) {
	case 0: MSR(S3_4_C12_C8_0, v); break;
	case 1: MSR(S3_4_C12_C8_1, v); break;
	case 2: MSR(S3_4_C12_C8_2, v); break;
	case 3: MSR(S3_4_C12_C8_3, v); break;
	case 4: MSR(S3_4_C12_C9_0, v); break;
	case 5: MSR(S3_4_C12_C9_1, v); break;
	case 6: MSR(S3_4_C12_C9_2, v); break;
	default: MSR(S3_4_C12_C9_3, v); break;
	}
}

/* The OS lock: OSLSR_EL1.OSLK [1] is read there and set through OSLAR_EL1.OSLK [0]. */
static inline uint64_t hw_oslk_read(unsigned int unused)
{
	(void)unused;
	return MRS(S2_0_C1_C1_4) & 2;
}

static inline void hw_oslk_write(unsigned int unused, uint64_t v)
{
	(void)unused;
	MSR(S2_0_C1_C0_4, (v >> 1) & 1);
}

/*
 * The guest's physical timer counts the guest's time, as its virtual one
 * does (the physical count is trapped and answered as CNTPCT - CNTVOFF,
 * el2/sysreg_trap.c): the hardware compare value is the guest's plus
 * CNTVOFF_EL2, modulo 2^64, so a read gives back exactly what was written;
 * "never" (all ones) stays never.
 */
static inline uint64_t hw_cntp_cval_read(unsigned int unused)
{
	uint64_t hw = MRS(S3_3_C14_C2_2), off = MRS(S3_4_C14_C0_3);

	(void)unused;
	return hw == ~UINT64_C(0) ? hw : hw - off;
}

static inline void hw_cntp_cval_write(unsigned int unused, uint64_t v)
{
	uint64_t off = MRS(S3_4_C14_C0_3);

	(void)unused;
	MSR(S3_3_C14_C2_2, v == ~UINT64_C(0) ? v : v + off);
}

/* SME's TPIDR2_EL0 (ID_AA64PFR1_EL1.SME [27:24]): reachable with SME hidden where HCRX_EL2 is not. */
static inline bool hw_has_sme(unsigned int unused)
{
	(void)unused;
	return (MRS(S3_0_C0_C4_1) >> 24) & 0xf;
}

/* How each row is reached (sysregs.h); a writer writes the v_ in its scope. */
#define HW_RD_ACC_MSR(enc)		MRS(enc)
#define HW_RD_ACC_IF(pred, n, enc)	(hw_has_##pred(n) ? MRS(enc) : 0)
#define HW_RD_ACC_FN(fn, arg, enc)	hw_##fn##_read(arg)
#define HW_WR_ACC_MSR(enc)		MSR(enc, v_)
#define HW_WR_ACC_IF(pred, n, enc)	do { if (hw_has_##pred(n)) MSR(enc, v_); } while (0)
#define HW_WR_ACC_FN(fn, arg, enc)	hw_##fn##_write(arg, v_)

#define RD_CTX(n, acc)	RD_ID(n, acc)
#define RD_ID(n, acc)							\
	case SYSREG_##n:						\
		v = HW_RD_##acc;					\
		break;
#define RD_FWR(n, acc)

#define WR_CTX(n, acc)							\
	case SYSREG_##n:						\
		HW_WR_##acc;						\
		break;
#define WR_ID(n, acc)
#define WR_FWR(n, acc)

#define SAVE_CTX(n, acc)	val[SYSREG_##n] = HW_RD_##acc;
#define SAVE_ID(n, acc)
#define SAVE_FWR(n, acc)
#define IDS_CTX(n, acc, rs)	val[SYSREG_##n] = (rs);
#define IDS_ID(n, acc, rs)	val[SYSREG_##n] = HW_RD_##acc;
#define IDS_FWR(n, acc, rs)	val[SYSREG_##n] = (rs);
#define ID_ROWS_CTX(n, acc)
#define ID_ROWS_ID(n, acc)	val[SYSREG_##n] = HW_RD_##acc;
#define ID_ROWS_FWR(n, acc)
#define RESTORE_CTX(n, acc)	{ uint64_t v_ = val[SYSREG_##n]; HW_WR_##acc; }
#define RESTORE_ID(n, acc)
#define RESTORE_FWR(n, acc)

void sysreg_hw_save_ctx(uint64_t val[SYSREG_COUNT])
{
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) SAVE_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG
}

void sysreg_hw_restore_ctx(const uint64_t val[SYSREG_COUNT])
{
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) RESTORE_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG
}

void sysreg_hw_read_ids(uint64_t val[SYSREG_COUNT])
{
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) IDS_##cl(n, acc, rs)
#include "sysreg/sysregs.h"
#undef SYSREG
}

void sysreg_hw_read_id_rows(uint64_t val[SYSREG_COUNT])
{
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) ID_ROWS_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG
}

uint64_t sysreg_hw_read(unsigned int idx)
{
	uint64_t v = 0;

	switch (idx) {
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) RD_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG
	default:
		PANIC("sysreg_hw_read: %s has no hardware register",
		      idx < SYSREG_COUNT ? sysreg_table[idx].name : "?");
	}
	return v;
}

void sysreg_hw_write(unsigned int idx, uint64_t v_)
{
	switch (idx) {
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) WR_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG
	default:
		PANIC("sysreg_hw_write: %s is not writable",
		      idx < SYSREG_COUNT ? sysreg_table[idx].name : "?");
	}
}
