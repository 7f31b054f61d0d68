/*
 * Where a CPU that regvisor itself started comes in (el2/guest.c).
 */
#include "el2/asm.h"

	.text
/*
 * A CPU started by regvisor's own PSCI CPU_ON (el2/guest.c) for a guest
 * vCPU: x0 = the vCPU's index. It arrives at EL2 with the MMU off; the
 * page tables and everything it reads were cleaned to memory before.
 */
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	adr	x1, el2_vectors
	msr	vbar_el2, x1
	ldr	x1, =SCTLR_EL2_BOOT
	msr	sctlr_el2, x1
	isb
	msr	daifset, #0xf
	cmp	x19, #RV_MAX_CPUS_ASM
	b.hs	halt
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	mov	x2, #PCPU_STACKS_SIZE
	madd	x1, x19, x2, x1
	add	x1, x1, #PCPU_EL2_TOP
	sub	sp, x1, #FRAME_SIZE		/* the top frame is the guest's first ERET's */
	bl	mmu_enable
	mov	x0, x19
	bl	guest_start_secondary
halt:	wfe
	b	halt

