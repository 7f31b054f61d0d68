/*
 * Test guest entry at EL1 (MMU off), per the arm64 boot protocol: x0 holds
 * the guest DTB, x1 the test mode (regvisor.guestarg). The image starts
 * with an arm64 Image header (Documentation/arch/arm64/booting.rst), so the
 * firmware takes it by its Image path; with the magic cleared it is a raw
 * binary whose first instruction branches past the header. Linked at the
 * start of guest RAM (0x40400000, a 2 MiB boundary): text_offset 0. The
 * EL1 vectors hand every exception to guest_exception(), which lets a test
 * expect an UNDEF. Secondary vCPUs start at secondary_start (PSCI CPU_ON,
 * x0 = their index) on a stack of their own.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	b	entry				/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset: at a 2 MiB boundary */
	.quad	__guest_image_size		/* image_size: BSS and stack included */
	.quad	0xa				/* flags: LE, 4 KiB pages, anywhere in RAM */
	.quad	0, 0, 0				/* res2..res4 */
	.long	0x644d5241			/* magic "ARM\x64" */
	.long	0				/* res5: no PE header */

entry:
	mov	x19, x0
	mov	x20, x1
	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	adr	x1, guest_vectors
	msr	vbar_el1, x1
	/* FP/SIMD on at EL1 and EL0 (CPACR_EL1.FPEN). */
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	mov	x0, x19
	mov	x1, x20
	bl	guest_main
3:	wfi
	b	3b

	.globl	secondary_start
secondary_start:
	and	x19, x0, #7
	adrp	x1, secondary_stacks
	add	x1, x1, :lo12:secondary_stacks
	add	x2, x19, #1
	add	x1, x1, x2, lsl #12		/* 4 KiB each, top of this one's */
	mov	sp, x1
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)
	msr	cpacr_el1, x1
	isb
	mov	x0, x19
	bl	guest_secondary_main
4:	wfi
	b	4b

	.bss
	.balign	16
secondary_stacks:
	.space	8 * 4096

.macro ventry
	.balign	0x80
	sub	sp, sp, #(32 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
	mov	x0, sp
	bl	guest_exception
	b	guest_exception_return
.endm

	.text
	.balign	0x800
	.globl	guest_vectors		/* the sweep's secondaries install it too */
guest_vectors:
	.rept	16
	ventry
	.endr

guest_exception_return:
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x30, [sp, #144]
	add	sp, sp, #(32 * 8)
	eret
