/*
 * EL2 exception vectors (Arm ARM D1.10.2: 16 entries of 0x80 bytes).
 *
 * A trap from the guest (lower EL, AArch64, synchronous) saves the guest's
 * x0..x30 with ELR/SPSR/ESR/FAR into a struct el2_frame on the EL2 stack,
 * calls el2_guest_sync() and returns to the guest through the same frame,
 * so a handler changes the guest's registers by changing the frame.
 *
 * Anything else is unexpected and goes to el2_crash() on a separate crash
 * stack, so that even a broken SP still gets its report.
 */
#include "el2/asm.h"
#include "lib/regs_asm.h"

/* Spill x0..x30 and the exception registers into the frame at sp. */
.macro save_frame
	stp	x0, x1, [sp, #FRAME_X0]
	stp	x2, x3, [sp, #FRAME_X0 + 16]
	save_frame_from4
.endm

/* The same with x0..x3 already in the frame. */
.macro save_frame_from4
	xregs_from4 stp, sp
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	str	x30, [sp, #FRAME_SP - 8]
	stp	x0, x1, [sp, #FRAME_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #FRAME_ESR]
.endm

/*
 * ESR_EL2 of a trapped MRS of the feature-ID space: EC 0x18, op0 3, op1 0,
 * CRn 0, a read. Compared under ISS_ID_READ_MASK; CRm < 8 is checked apart.
 */
#define ISS_ID_READ_MASK	0xfc31fc01
#define ISS_ID_READ		0x60300001

/*
 * Switch to the crash stack, keeping every general register for the report.
 * Too long for a vector slot: each slot branches to its copy of this.
 */
.macro crash_entry kind
crash_\kind:
	msr	sp_el0, x0			/* scratch: only a crash loses the guest's SP_EL0 */
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #VCPU_CRASH_STACK_TOP]	/* this CPU's crash stack */
	add	sp, sp, x0			/* swap sp and x0 without a spare register */
	sub	x0, sp, x0
	sub	sp, sp, x0
	sub	sp, sp, #FRAME_SIZE
	str	x0, [sp, #FRAME_SP]		/* the SP at the time of the exception */
	mrs	x0, sp_el0
	save_frame
	mov	x0, sp
	mov	x1, #\kind
	b	el2_crash
.endm

.macro vector label
	.balign	0x80
\label:
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	el2_vectors
el2_vectors:
vector	cur_sp0_sync
	b	crash_0
vector	cur_sp0_irq
	b	crash_1
vector	cur_sp0_fiq
	b	crash_2
vector	cur_sp0_serror
	b	crash_3
vector	cur_spx_sync
	b	crash_4
vector	cur_spx_irq
	b	crash_5
vector	cur_spx_fiq
	b	crash_6
vector	cur_spx_serror
	b	crash_7
vector	lower64_sync
	/*
	 * The hot trap first: a guest reading an ID register is answered from
	 * the vCPU's id_fast (el2/sysreg_trap.c) with four registers saved, not 31.
	 */
	sub	sp, sp, #FRAME_SIZE		/* the frame, x0..x3 in their slots */
	stp	x0, x1, [sp, #FRAME_X0]
	stp	x2, x3, [sp, #FRAME_X0 + 16]
	mrs	x0, esr_el2
	movz	x1, #(ISS_ID_READ_MASK & 0xffff)
	movk	x1, #(ISS_ID_READ_MASK >> 16), lsl #16
	and	x1, x0, x1
	movz	x2, #(ISS_ID_READ & 0xffff)
	movk	x2, #(ISS_ID_READ >> 16), lsl #16
	cmp	x1, x2
	b.ne	guest_sync_rest
	tbz	x0, #4, id_read_fast		/* ISS bit 4 is CRm bit 3: CRm < 8 */
	b	guest_sync_rest
vector	lower64_irq
	b	guest_irq_full
vector	lower64_fiq
	b	crash_10
vector	lower64_serror
	b	crash_11
vector	lower32_sync
	b	crash_12
vector	lower32_irq
	b	crash_13
vector	lower32_fiq
	b	crash_14
vector	lower32_serror
	b	crash_15

	.text
/* Every other trap from the guest: the rest of the frame (x0..x3 are in it), then C. */
guest_sync_rest:
	save_frame_from4
	mov	x0, sp
	mrs	x1, tpidr_el2
	bl	el2_guest_sync
	b	el2_return_to_guest

/* A physical interrupt while the guest ran (HCR_EL2.IMO): the same frame, then C. */
guest_irq_full:
	sub	sp, sp, #FRAME_SIZE
	save_frame
	mov	x0, sp
	mrs	x1, tpidr_el2
	bl	el2_guest_irq
	b	el2_return_to_guest

/*
 * MRS of the ID space with x0 = ESR_EL2, x0..x3 saved in the frame at [sp]. Slot =
 * CRm << 3 | op2 indexes the vCPU's id_fast.val; a clear bit in id_fast.valid sends
 * the access down the full path (which answers UNDEF and logs it).
 */
id_read_fast:
	ubfx	x2, x0, #1, #3			/* CRm */
	ubfx	x3, x0, #17, #3			/* op2 */
	orr	x2, x3, x2, lsl #3
	mrs	x3, tpidr_el2			/* this CPU's vCPU: id_fast first */
	ldr	x1, [x3, #VCPU_EXITS_ID_FAST]
	add	x1, x1, #1
	str	x1, [x3, #VCPU_EXITS_ID_FAST]
	ldr	x1, [x3], #8			/* valid bits; x3 -> val[] */
	lsr	x1, x1, x2
	tbz	x1, #0, 3f
	ldr	x1, [x3, x2, lsl #3]
	ubfx	x2, x0, #5, #5			/* Rt */
	cmp	x2, #31
	b.eq	2f				/* XZR: nothing to write */
	cmp	x2, #4
	b.hs	1f
	str	x1, [sp, x2, lsl #3]		/* x0..x3: their saved copies */
	b	2f
1:	adr	x3, 4f
	sub	x2, x2, #4
	add	x3, x3, x2, lsl #3
	br	x3
2:	mrs	x0, elr_el2			/* el2_skip_instr(): PC + 4, SS and BTYPE 0 */
	add	x0, x0, #4
	msr	elr_el2, x0
	mrs	x0, spsr_el2
	bic	x0, x0, #0x200000		/* SS */
	bic	x0, x0, #0xc00			/* BTYPE */
	msr	spsr_el2, x0
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret
3:	b	guest_sync_rest			/* x0..x3 still in the frame: the rest, then C */
4:	.irp	n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, x1
	b	2b
	.endr

	crash_entry 0
	crash_entry 1
	crash_entry 2
	crash_entry 3
	crash_entry 4
	crash_entry 5
	crash_entry 6
	crash_entry 7
	crash_entry 10
	crash_entry 11
	crash_entry 12
	crash_entry 13
	crash_entry 14
	crash_entry 15

/*
 * void el2_enter_guest(struct el2_frame *frame): load the guest's registers
 * from frame (which must sit at the bottom of the EL2 stack's used part)
 * and ERET into it. Also the return path of every guest trap.
 */
	.text
	.globl	el2_enter_guest
el2_enter_guest:
	mov	sp, x0
el2_return_to_guest:
	ldp	x0, x1, [sp, #FRAME_ELR]
	/* Backstop: only ever return to AArch64 EL0t, EL1t or EL1h (M[4:0] 0, 4, 5). */
	and	x2, x1, #0x1f
	mov	x3, #0x31
	lsr	x3, x3, x2
	tbz	x3, #0, el2_bad_return
	msr	elr_el2, x0
	msr	spsr_el2, x1
	xregs	ldp, sp
	ldr	x30, [sp, #FRAME_SP - 8]
	add	sp, sp, #FRAME_SIZE
	eret

