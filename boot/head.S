/*
 * regvisor entry: arm64 Image header, exception-level handling, stacks, BSS.
 *
 * The header lets QEMU's -kernel (for the .bin), U-Boot's booti and any
 * Linux-style loader start the image; they pass the DTB's address in x0.
 * An ELF started by QEMU gets no x0; boot_main then looks for the DTB at the
 * start of RAM. See Documentation/arch/arm64/booting.rst for the header.
 */
#include "el2/asm.h"

	.section .text.head, "ax"
	.globl	_start
_start:
	b	entry				/* code0 */
	.long	0				/* code1 */
	.quad	0x200000			/* text_offset: RAM base + 2 MiB */
	.quad	__image_size			/* image_size, BSS and stacks included */
	.quad	IMAGE_FLAGS			/* LE, 4 KiB pages, 2 MiB aligned near RAM base */
	/* res2..res4: regvisor's marker for `upgrade` (vmstate/fwimage.h) */
	.long	0x57465652			/* "RVFW" */
	.short	FW_VERSION			/* the version this image is */
	.short	HANDOVER_CONTRACT		/* the handover contract it speaks */
	.long	__image_load_size		/* bytes loaded: the .bin's length */
	.long	0				/* their CRC-32C: `regvisor-state stamp` */
	.quad	0
	.long	0x644d5241			/* magic "ARM\x64" */
	.long	0				/* res5: no PE header */

entry:
	mov	x19, x0				/* DTB address from the loader, or 0 */
	mov	x21, x1				/* an upgrade's handover block, or 0 (booting.rst) */

	/* Only the boot CPU (Aff0..Aff2 all zero) goes on; the others park. */
	mrs	x1, mpidr_el1
	and	x1, x1, #MPIDR_AFF_MASK
	cbnz	x1, park

	mrs	x1, CurrentEL
	lsr	x20, x1, #2			/* the EL we were started at */
	cmp	x20, #3
	b.eq	from_el3
	cmp	x20, #2
	b.eq	at_el2

	/*
	 * EL1 (or less): there is no EL2 to run a hypervisor in. Say so on the
	 * console and power off through the DTB's PSCI conduit; never hang.
	 */
	msr	daifset, #0xf
	bl	setup_stack_and_bss
	mov	x0, x19
	bl	boot_without_el2
	b	park

from_el3:
	msr	daifset, #0xf
	bl	setup_stack_and_bss
	mov	x0, x19
	bl	boot_at_el3			/* the GIC's security off */
	/*
	 * Drop to EL2 in Non-secure state, AArch64 below EL3, HVC enabled,
	 * pointer-authentication instructions not trapped to EL3, nor
	 * TPIDR2_EL0 (where SME exists) and HCRX_EL2 (where FEAT_HCX does),
	 * which EL2 saves and clears.
	 */
	ldr	x1, =SCR_EL3_BOOT
	mrs	x2, id_aa64pfr1_el1
	ubfx	x2, x2, #24, #4			/* SME */
	cbz	x2, 1f
	orr	x1, x1, #SCR_EL3_ENTP2		/* TPIDR2_EL0 not trapped to EL3 */
1:	mrs	x2, id_aa64mmfr1_el1
	ubfx	x2, x2, #40, #4			/* HCX */
	cbz	x2, 2f
	orr	x1, x1, #SCR_EL3_HXEN		/* HCRX_EL2 not trapped to EL3 */
2:	msr	scr_el3, x1
	msr	cptr_el3, xzr
	ldr	x1, =SCTLR_EL2_BOOT
	msr	sctlr_el2, x1
	mov	x1, #SPSR_EL2H_MASKED
	msr	spsr_el3, x1
	adr	x1, at_el2
	msr	elr_el3, x1
	isb
	eret

at_el2:
	/* Vectors first, so that anything below is reported, not lost. */
	adr	x1, el2_vectors
	msr	vbar_el2, x1
	ldr	x1, =SCTLR_EL2_BOOT		/* MMU and caches off until mmu_init */
	msr	sctlr_el2, x1
	isb
	msr	daifset, #0xf
	bl	setup_stack_and_bss
	/* TPIDR_EL2: this CPU's vCPU, vm.vcpu[0]; its stacks are the first set. */
	adrp	x0, vm + VM_VCPU0
	add	x0, x0, :lo12:vm + VM_VCPU0
	msr	tpidr_el2, x0
	adrp	x1, pcpu_stacks
	add	x1, x1, :lo12:pcpu_stacks
	add	x2, x1, #PCPU_CRASH_TOP
	str	x2, [x0, #VCPU_CRASH_STACK_TOP]
	add	x2, x1, #PCPU_EL2_TOP
	str	x2, [x0, #VCPU_EL2_STACK_TOP]
	bl	stack_guard_seed
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	boot_main
	b	park

/* SP to the top of the boot stack, BSS zeroed (the stack lies outside it). */
setup_stack_and_bss:
	adrp	x1, boot_stack_top
	add	x1, x1, :lo12:boot_stack_top
	mov	sp, x1
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
	/* 64 bytes a step (the MMU is off: no DC ZVA), then 16 (the BSS is 16-aligned). */
	sub	x3, x2, x1
	and	x3, x3, #~63
	add	x3, x1, x3
	b	2f
1:	stp	xzr, xzr, [x1]
	stp	xzr, xzr, [x1, #16]
	stp	xzr, xzr, [x1, #32]
	stp	xzr, xzr, [x1, #48]
	add	x1, x1, #64
2:	cmp	x1, x3
	b.lo	1b
	b	4f
3:	stp	xzr, xzr, [x1], #16
4:	cmp	x1, x2
	b.lo	3b
	ret

/*
 * Seed the stack protector's canary before the first C function with a
 * protected frame runs: RNDR when the CPU has it, else the counter mixed
 * with the boot DTB address.
 */
stack_guard_seed:
	mrs	x1, id_aa64isar0_el1
	ubfx	x1, x1, #60, #4			/* ID_AA64ISAR0_EL1.RNDR */
	cbz	x1, 1f
	mrs	x2, S3_3_C2_C4_0		/* RNDR */
	b.ne	2f				/* NZCV.Z set means no entropy */
1:	mrs	x2, cntpct_el0
	eor	x2, x2, x19, ror #13
	ldr	x3, =0x9e3779b97f4a7c15
	mul	x2, x2, x3
2:	adrp	x1, __stack_chk_guard
	str	x2, [x1, :lo12:__stack_chk_guard]
	ret

	.globl	park
park:
	wfe
	b	park

