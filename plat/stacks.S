/*
 * The firmware's stacks: the boot CPU's boot stack, then each CPU's crash
 * and EL2 trap stacks (layout in plat/asm.h). plat/mmu_hw.c leaves the
 * page below each one unmapped.
 */
#include "plat/asm.h"

/* Each stack sits above an unmapped guard page (plat/mmu_hw.c). */
	.section .stacks, "aw", %nobits
	.balign	4096
	.globl	stack_guard_boot
stack_guard_boot:
	.space	4096
	.space	BOOT_STACK_SIZE
	.globl	boot_stack_top
boot_stack_top:
	.balign	4096
	.globl	pcpu_stacks
pcpu_stacks:
	.space	PCPU_STACKS_SIZE * RV_MAX_CPUS_ASM
