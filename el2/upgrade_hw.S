/*
 * The last steps of a live upgrade (el2/upgrade.c, el2/handover.h): the
 * running firmware's window cleaned to the point of coherency, its MMU and
 * caches off, then the trampoline, copied to the upgrade area beforehand,
 * copies the staged image over the old one and enters it. Nothing here
 * uses the stack or memory of the image being overwritten.
 */
#include "el2/asm.h"

#define FW_LOAD_BASE	0x40200000
#define FW_WINDOW_END	0x40400000
#define SCTLR_M_C_I	0x1005		/* SCTLR_EL2.M, .C, .I */

/*
 * upgrade_jump(tramp x0, staged image x1, bytes x2 (a multiple of 16, not
 * 0), DTB x3, handover block x4): does not return.
 */
	.section .text.upgrade, "ax"
	.globl	upgrade_jump
upgrade_jump:
	msr	daifset, #0xf
	mrs	x5, ctr_el0
	ubfx	x5, x5, #16, #4			/* CTR_EL0.DminLine: log2 words */
	mov	x6, #4
	lsl	x6, x6, x5			/* the smallest data cache line, bytes */
	mov	x7, #FW_LOAD_BASE
	mov	x8, #FW_WINDOW_END
1:	dc	civac, x7			/* four lines a step: the window is a multiple */
	add	x7, x7, x6
	dc	civac, x7
	add	x7, x7, x6
	dc	civac, x7
	add	x7, x7, x6
	dc	civac, x7
	add	x7, x7, x6
	cmp	x7, x8
	b.lo	1b
	dsb	sy
	mrs	x5, sctlr_el2
	mov	x6, #SCTLR_M_C_I
	bic	x5, x5, x6
	msr	sctlr_el2, x5
	isb
	ic	iallu
	dsb	sy
	isb
	br	x0

/*
 * Position-independent; runs from the upgrade area with the MMU off
 * (data accesses Device-nGnRnE: 16-byte aligned pairs only).
 */
	.globl	upgrade_tramp, upgrade_tramp_end
upgrade_tramp:
	mov	x5, #FW_LOAD_BASE
	mov	x7, x5
2:	ldp	x8, x9, [x1], #16
	stp	x8, x9, [x5], #16
	subs	x2, x2, #16
	b.hi	2b
	dsb	sy
	ic	iallu
	tlbi	alle2
	dsb	sy
	isb
	mov	x0, x3
	mov	x1, x4
	mov	x2, xzr
	mov	x3, xzr
	br	x7
upgrade_tramp_end:
