/*
 * The firmware's backend: every register of the table read with MRS and,
 * for context registers, written with MSR, spelled by encoding so that the
 * assembler needs to know no names. Non-VHE EL2 reaches the guest's EL1
 * registers directly. Expanded from sysreg/sysregs.def; firmware
 * registers live in memory and have no case here.
 */
#include "sysreg/sysreg.h"

#define RD_CTX(n, acc)	RD_ID(n, acc)
#define RD_ID(n, acc)							\
	case SYSREG_##n:						\
		__asm__ volatile("mrs %0, " #acc : "=r"(v));		\
		break;
#define RD_FWR(n, acc)

#define WR_CTX(n, acc)							\
	case SYSREG_##n:						\
		__asm__ volatile("msr " #acc ", %x0" : : "rZ"(val));	\
		break;
#define WR_ID(n, acc)
#define WR_FWR(n, acc)

#define SAVE_CTX(n, acc)	__asm__ volatile("mrs %0, " #acc : "=r"(val[SYSREG_##n]));
#define SAVE_ID(n, acc)
#define SAVE_FWR(n, acc)
#define RESTORE_CTX(n, acc)	__asm__ volatile("msr " #acc ", %x0" : : "rZ"(val[SYSREG_##n]));
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

void sysreg_hw_write(unsigned int idx, uint64_t val)
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
