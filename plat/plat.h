/*
 * The platform the firmware runs on: power, the PSCI firmware below it,
 * its own MMU, the CPU's identity and caches. Below el2/; above nothing
 * but lib/ (README "Design: layers").
 */
#ifndef PLAT_PLAT_H
#define PLAT_PLAT_H

#include "plat/board.h"

/*
 * The last line the firmware prints is `regvisor: poweroff status=N`; the
 * QEMU wrapper (tools/regvisor-qemu) turns N into its exit code.
 */
enum exit_status {
	EXIT_OK = 0,		/* the guest powered off after reporting success */
	EXIT_GUEST_FAILED = 1,	/* the guest reported failures, or none at all */
	EXIT_NO_EL2 = 2,	/* started below EL2 */
	EXIT_CRASH = 3,		/* unexpected exception at EL2 */
	EXIT_PANIC = 4,		/* broken invariant */
	EXIT_BENCH = 5,		/* a benchmark could not measure (counter not counting) */
	EXIT_GUEST_IMAGE = 6,	/* no usable guest image, initrd or guest DTB */
};

extern struct board board;

/* plat/power.c: print the status line, power off by PSCI (or halt). */
_Noreturn void board_poweroff(int status);
/* What to print before the status line (the hypervisor's statistics). */
void board_set_poweroff_report(void (*report)(void));

/* plat/psci_hw.c: a PSCI call to the firmware below us (EL3 or the VMM). */
uint64_t psci_call(enum psci_conduit conduit, uint64_t fn, uint64_t a1,
		   uint64_t a2, uint64_t a3);
/* plat/mmu_hw.c */
void mmu_init(void);
/* A secondary CPU: its MMU on with the tables the boot CPU built. */
void mmu_enable(void);
/* plat/cpu_hw.c */
unsigned int cpu_current_el(void);
uint64_t cpu_midr(void);
uint64_t cpu_mpidr(void);
void cpu_clean_to_poc(uint64_t addr, uint64_t size);
_Noreturn void cpu_halt(void);
/* The counters: physical, the guest's virtual, their frequency. */
uint64_t cpu_counter(void);
uint64_t cpu_virtual_counter(void);
uint64_t cpu_counter_frequency(void);

#endif
