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
#include "boot/asm.h"

/* Spill x0..x30 and the exception registers into the frame at sp. */
.macro save_frame
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	str	x30, [sp, #FRAME_SP - 8]
	stp	x0, x1, [sp, #FRAME_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #FRAME_ESR]
.endm

.macro guest_entry
	sub	sp, sp, #FRAME_SIZE
	save_frame
	mov	x0, sp
	bl	el2_guest_sync
	b	el2_return_to_guest
.endm

/*
 * Switch to the crash stack, keeping every general register for the report.
 * Too long for a vector slot: each slot branches to its copy of this.
 */
.macro crash_entry kind
crash_\kind:
	msr	tpidr_el2, x0
	adrp	x0, crash_stack_top
	add	x0, x0, :lo12:crash_stack_top
	add	sp, sp, x0			/* swap sp and x0 without a spare register */
	sub	x0, sp, x0
	sub	sp, sp, x0
	sub	sp, sp, #FRAME_SIZE
	str	x0, [sp, #FRAME_SP]		/* the SP at the time of the exception */
	mrs	x0, tpidr_el2
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
	guest_entry
vector	lower64_irq
	b	crash_9
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
	crash_entry 0
	crash_entry 1
	crash_entry 2
	crash_entry 3
	crash_entry 4
	crash_entry 5
	crash_entry 6
	crash_entry 7
	crash_entry 9
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
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #FRAME_SP - 8]
	add	sp, sp, #FRAME_SIZE
	eret

