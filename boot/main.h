/* Boot flow, power-off and the firmware-wide state set up at boot. */
#ifndef BOOT_MAIN_H
#define BOOT_MAIN_H

#include "boot/board.h"

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

void boot_main(const void *dtb, unsigned int entry_el);
void boot_without_el2(const void *dtb);
_Noreturn void board_poweroff(int status);

/* boot/psci_hw.c: a PSCI call to the firmware below us (EL3 or the VMM). */
uint64_t psci_call(enum psci_conduit conduit, uint64_t fn, uint64_t a1,
		   uint64_t a2, uint64_t a3);
/* boot/mmu_hw.c */
void mmu_init(void);
/* A secondary CPU: its MMU on with the tables the boot CPU built. */
void mmu_enable(void);
/* boot/cpu_hw.c */
unsigned int cpu_current_el(void);
uint64_t cpu_midr(void);
uint64_t cpu_mpidr(void);
void cpu_clean_to_poc(uint64_t addr, uint64_t size);

#endif
