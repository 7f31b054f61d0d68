/*
 * void guest_checkpoint(const struct ckpt *in)    (does not return)
 *
 * Load x1..x30, V0..V31, FPSR and FPCR from *in, make the checkpoint call
 * (vendor function 2), store every register as it comes back into
 * ckpt_out and go on in guest_after_checkpoint(). Nothing after the call
 * depends on memory written before it: on a destination firmware the guest
 * resumes here with its registers restored but this image fresh.
 * struct ckpt is tests/guest/ckpt.h.
 */
#include "lib/regs_asm.h"

#define CKPT_X		0	/* x[31] */
#define CKPT_V		256	/* v[32][2] */
#define CKPT_FPSR	768
#define CKPT_FPCR	776

	.arch	armv8-a+fp+simd
	.text
	.globl	guest_checkpoint
guest_checkpoint:
	add	x2, x0, #CKPT_V
	qregs	ldp, x2
	ldr	x1, [x0, #CKPT_FPSR]
	msr	fpsr, x1
	ldr	x1, [x0, #CKPT_FPCR]
	msr	fpcr, x1

	ldr	x1, [x0, #8 * 1]
	ldp	x2, x3, [x0, #8 * 2]
	ldp	x4, x5, [x0, #8 * 4]
	ldp	x6, x7, [x0, #8 * 6]
	ldp	x8, x9, [x0, #8 * 8]
	ldp	x10, x11, [x0, #8 * 10]
	ldp	x12, x13, [x0, #8 * 12]
	ldp	x14, x15, [x0, #8 * 14]
	ldp	x16, x17, [x0, #8 * 16]
	ldp	x18, x19, [x0, #8 * 18]
	ldp	x20, x21, [x0, #8 * 20]
	ldp	x22, x23, [x0, #8 * 22]
	ldp	x24, x25, [x0, #8 * 24]
	ldp	x26, x27, [x0, #8 * 26]
	ldp	x28, x29, [x0, #8 * 28]
	ldr	x30, [x0, #8 * 30]
	movz	x0, #0x0002
	movk	x0, #0x8600, lsl #16		/* RV_CHECKPOINT */
	hvc	#0

	/* Everything as it came back, on the stack first: no spare register. */
	sub	sp, sp, #256
	xregs	stp, sp
	str	x30, [sp, #8 * 30]
	adrp	x1, ckpt_out
	add	x1, x1, :lo12:ckpt_out
	mov	x2, #0
1:	ldr	x3, [sp, x2, lsl #3]
	str	x3, [x1, x2, lsl #3]
	add	x2, x2, #1
	cmp	x2, #31
	b.ne	1b
	add	sp, sp, #256
	add	x2, x1, #CKPT_V
	qregs	stp, x2
	mrs	x3, fpsr
	str	x3, [x1, #CKPT_FPSR]
	mrs	x3, fpcr
	str	x3, [x1, #CKPT_FPCR]
	/* Nothing above SP is valid after a resume elsewhere: start the stack afresh. */
	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1
	b	guest_after_checkpoint
