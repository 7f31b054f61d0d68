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

/* x1 = the SPSR to return with: only ever AArch64 EL0t, EL1t or EL1h (M[4:0] 0, 4, 5). */
.macro return_backstop
	and	x2, x1, #0x1f
	mov	x3, #0x31
	lsr	x3, x3, x2
	tbz	x3, #0, el2_bad_return
.endm

/* One more exit answered here under slot \slot of exits_vector; x3 = the vCPU, x2 scratch. */
.macro count_exit slot
	ldr	x2, [x3, #VCPU_EXITS_VECTOR + 8 * \slot]
	add	x2, x2, #1
	str	x2, [x3, #VCPU_EXITS_VECTOR + 8 * \slot]
.endm

/* On to \miss unless ESR_EL2 (x0) under \mask is \want (32-bit constants); x1, x2 scratch. */
.macro esr_match mask, want, miss
	movz	x1, #((\mask) & 0xffff)
	movk	x1, #((\mask) >> 16), lsl #16
	and	x1, x0, x1
	movz	x2, #((\want) & 0xffff)
	movk	x2, #((\want) >> 16), lsl #16
	cmp	x1, x2
	b.ne	\miss
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
	 * The hot traps first, with four registers saved, not 31: reads of the
	 * vCPU's ID and other memory-held registers, and the calls whose answer
	 * is one value (el2_vector_sync() keeps their answers in the vCPU).
	 */
	sub	sp, sp, #FRAME_SIZE		/* the frame, x0..x3 in their slots */
	stp	x0, x1, [sp, #FRAME_X0]
	stp	x2, x3, [sp, #FRAME_X0 + 16]
	mrs	x0, esr_el2
	/* Nothing is answered here while a stop is asked for or aborts are being counted. */
	adrp	x1, vm
	ldr	w1, [x1, #:lo12:vm + VM_STOP_REQUEST]
	mrs	x2, tpidr_el2
	ldr	x2, [x2, #VCPU_FAULT_KEY]
	orr	x1, x1, x2
	cbnz	x1, guest_sync_held
	lsr	x1, x0, #26
	cmp	x1, #0x18			/* EC: MSR, MRS */
	b.eq	sys_fast
	cmp	x1, #0x16			/* HVC */
	b.eq	call_fast
	cmp	x1, #0x17			/* SMC */
	b.eq	call_fast
	cmp	x1, #0x24			/* data abort */
	b.eq	load_fast
	b	guest_sync_light
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
/*
 * Every other trap from the guest, x0..x3 in the frame and x0 = ESR_EL2.
 * First the light exit: only the registers a C call may change (x0..x18,
 * x30) go into the frame, and el2_light_*() (el2/trap.c) handle what needs
 * no more: hypercalls, trapped system registers, emulated MMIO naming a
 * register below x19. Each returns nonzero having done nothing when the
 * exit needs the whole frame: then x19..x29, still the guest's (the C call
 * kept them), join it and el2_guest_sync() takes the exit, as it takes any
 * other exception class.
 */
.if FRAME_X0 != 0
.error "the xregs macros store x[n] at [sp, #8 * n]: FRAME_X0 must be 0"
.endif
/* What a C call may change (x4..x18, x30) and the exception registers into the frame. */
.macro light_save
	xregs_4_to_17 stp, sp
	str	x18, [sp, #FRAME_X0 + 8 * 18]
	str	x30, [sp, #FRAME_X0 + 8 * 30]
	mrs	x1, far_el2
	stp	x0, x1, [sp, #FRAME_ESR]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #FRAME_ELR]
.endm

/* A stop asked for, or a run of aborts being counted: the whole frame at once. */
guest_sync_held:
	light_save
	b	guest_sync_whole

guest_sync_light:
	light_save
	lsr	x2, x0, #26			/* EC */
	mov	x0, sp
	mrs	x1, tpidr_el2
	cmp	x2, #0x24			/* data abort */
	b.eq	1f
	cmp	x2, #0x18			/* MSR, MRS */
	b.eq	2f
	cmp	x2, #0x16			/* HVC */
	b.eq	3f
	cmp	x2, #0x17			/* SMC */
	b.ne	guest_sync_whole
3:	bl	el2_light_call
	b	4f
2:	bl	el2_light_sysreg
	b	4f
1:	bl	el2_light_abort
4:	cbnz	w0, guest_sync_whole
	ldp	x0, x1, [sp, #FRAME_ELR]
	return_backstop
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #FRAME_X0]
	ldp	x2, x3, [sp, #FRAME_X0 + 8 * 2]
	xregs_4_to_17 ldp, sp
	ldr	x18, [sp, #FRAME_X0 + 8 * 18]
	ldr	x30, [sp, #FRAME_X0 + 8 * 30]
	add	sp, sp, #FRAME_SIZE
	eret

/* The whole frame: x19..x29 join what the light exit saved, then C. */
guest_sync_whole:
	stp	x19, x20, [sp, #FRAME_X0 + 8 * 19]
	stp	x21, x22, [sp, #FRAME_X0 + 8 * 21]
	stp	x23, x24, [sp, #FRAME_X0 + 8 * 23]
	stp	x25, x26, [sp, #FRAME_X0 + 8 * 25]
	stp	x27, x28, [sp, #FRAME_X0 + 8 * 27]
	str	x29, [sp, #FRAME_X0 + 8 * 29]
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
 * A trapped MSR/MRS, x0 = ESR_EL2, x0..x3 in the frame. An MRS of the ID
 * space (op0 3, op1 0, CRn 0, CRm < 8): slot CRm << 3 | op2 of the vCPU's
 * id_fast, a clear valid bit sends it to C (which answers UNDEF and logs
 * it). Any other MRS: the table row of its encoding (sysreg_enc_block and
 * sysreg_enc_index, sysreg/sysreg.c), answered from the vCPU's sr.val when
 * its bit in read_ok is set. Writes, and everything else, go to C.
 */
sys_fast:
	tbz	x0, #0, ipi_fast		/* an MSR */
	esr_match ISS_ID_READ_MASK, ISS_ID_READ, read_fast
	tbnz	x0, #4, read_fast		/* ISS bit 4 is CRm bit 3: CRm >= 8 */
	ubfx	x2, x0, #1, #3			/* CRm */
	ubfx	x3, x0, #17, #3			/* op2 */
	orr	x2, x3, x2, lsl #3
	mrs	x3, tpidr_el2			/* this CPU's vCPU */
	ldr	x1, [x3, #VCPU_ID_FAST]		/* valid bits */
	lsr	x1, x1, x2
	tbz	x1, #0, guest_sync_light	/* x0 = ESR, x0..x3 in the frame: C */
	add	x1, x3, #VCPU_ID_FAST + 8
	ldr	x1, [x1, x2, lsl #3]
	count_exit VECTOR_ID_READ
	b	answer_rt

read_fast:
	ubfx	x1, x0, #10, #7			/* op1:CRn */
	ubfx	x2, x0, #20, #2			/* op0 */
	orr	x1, x1, x2, lsl #7
	adrp	x2, sysreg_enc_block
	add	x2, x2, :lo12:sysreg_enc_block
	ldrb	w1, [x2, x1]			/* the group's block: 0 none */
	cbz	w1, guest_sync_light
	cmp	w1, #ENC_BISECT_ASM
	b.eq	guest_sync_light
	ubfx	x2, x0, #1, #4			/* CRm */
	ubfx	x3, x0, #17, #3			/* op2 */
	orr	x2, x3, x2, lsl #3
	orr	x1, x2, x1, lsl #7
	adrp	x2, sysreg_enc_index
	add	x2, x2, :lo12:sysreg_enc_index
	ldrb	w1, [x2, x1]			/* table index + 1: 0 none */
	cbz	w1, guest_sync_light
	sub	w1, w1, #1
	mrs	x3, tpidr_el2
	lsr	x2, x1, #6
	add	x2, x3, x2, lsl #3
	ldr	x2, [x2, #VCPU_READ_OK]
	lsr	x2, x2, x1
	tbz	x2, #0, guest_sync_light
	count_exit VECTOR_READ
	add	x3, x3, #VCPU_SR_VAL
	ldr	x1, [x3, x1, lsl #3]
	/* fall through */

/* x1 = what the MRS reads, x0 = its ESR_EL2: into Rt, then past the MRS. */
answer_rt:
	ubfx	x2, x0, #5, #5			/* Rt */
/* x1 = what the instruction reads, x2 = its register: in, then past it. */
answer_reg:
	cmp	x2, #31
	b.eq	answer_skip			/* XZR: nothing to write */
	cmp	x2, #4
	b.hs	1f
	str	x1, [sp, x2, lsl #3]		/* x0..x3: their saved copies */
	b	answer_skip
1:	adr	x3, 4f
	sub	x2, x2, #4
	add	x3, x3, x2, lsl #3
	br	x3
4:	.irp	n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x\n, x1
	b	answer_skip
	.endr

/* Past the emulated instruction (el2_skip_instr(): PC + 4, SS and BTYPE 0), x0..x3 back. */
answer_skip:
	mrs	x0, elr_el2
	add	x0, x0, #4
	msr	elr_el2, x0
	mrs	x0, spsr_el2
	bic	x0, x0, #0x200000		/* SS */
	bic	x0, x0, #0xc00			/* BTYPE */
	msr	spsr_el2, x0
answer_eret:
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * The fields of an ICC_SGI1R_EL1 value that must be 0 for the vector to
 * send it: Aff3, RS, IRM, Aff2, Aff1 (vCPU n is Aff0 n).
 */
#define SGI1R_NOT_AFF0		0x00fff1ff00ff0000

/*
 * A trapped MSR, x0 = ESR_EL2, x0..x3 in the frame: an IPI is answered
 * here when each vCPU it names is in vgic_sgi_on (ON, on the CPU of the
 * same affinity: el2/vgic.c) and it is not the firmware's own SGI 15. To
 * other vCPUs it is sent as the guest wrote it; to the vCPU itself alone
 * it goes into a list register (ipi_self). Itself and others at once,
 * IRM, another affinity, and any other MSR: C.
 */
ipi_fast:
	esr_match ISS_SGI1R_WRITE_MASK, ISS_SGI1R_WRITE, guest_sync_light
	ubfx	x2, x0, #5, #5			/* Rt */
	cmp	x2, #31
	b.eq	guest_sync_light		/* XZR: no target */
	cmp	x2, #4
	b.hs	1f
	ldr	x1, [sp, x2, lsl #3]		/* x0..x3: their saved copies */
	b	3f
1:	adr	x3, 2f
	sub	x2, x2, #4
	add	x3, x3, x2, lsl #3
	br	x3
2:	.irp	n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x1, x\n
	b	3f
	.endr
3:	movz	x2, #(SGI1R_NOT_AFF0 & 0xffff)	/* x1 = the value written */
	movk	x2, #((SGI1R_NOT_AFF0 >> 16) & 0xffff), lsl #16
	movk	x2, #((SGI1R_NOT_AFF0 >> 32) & 0xffff), lsl #32
	movk	x2, #((SGI1R_NOT_AFF0 >> 48) & 0xffff), lsl #48
	tst	x1, x2
	b.ne	guest_sync_light
	ubfx	x2, x1, #24, #4			/* INTID */
	cmp	x2, #15
	b.eq	guest_sync_light
	adrp	x2, vgic_sgi_on
	ldr	x2, [x2, :lo12:vgic_sgi_on]	/* whom it may send to */
	and	x3, x1, #0xffff			/* whom it names */
	cbz	x3, guest_sync_light
	bics	xzr, x3, x2
	b.ne	guest_sync_light
	mrs	x2, tpidr_el2
	ldr	x2, [x2, #VCPU_SGI_OTHERS]
	bics	xzr, x3, x2
	b.ne	ipi_self			/* itself among them */
	msr	S3_0_C12_C11_5, x1		/* ICC_SGI1R_EL1: the same CPUs, physically */
	mrs	x3, tpidr_el2
	count_exit VECTOR_IPI
	b	answer_skip

/*
 * An IPI naming the vCPU itself, x1 = the value written, x3 = its targets,
 * x2 = every target bit but its own: to itself alone it goes into its
 * list registers as vgic_place() (el2/vgic.c) puts a virtual-only
 * interrupt: a list register already holding the INTID gets its pending
 * bit, else the lowest empty one takes it, pending, group 1, at the
 * guest's priority for it. No empty one, the list registers in memory,
 * or others named too: C (which queues it, or sends to the others).
 */
ipi_self:
	tst	x3, x2
	b.ne	guest_sync_light		/* others too */
	mrs	x3, tpidr_el2
	ldrb	w2, [x3, #VCPU_VGIC_IN_MEMORY]
	cbnz	w2, guest_sync_light
	stp	x4, x5, [sp, #FRAME_X0 + 8 * 4]
	ubfx	x4, x1, #24, #4			/* INTID */
	ldr	w5, [x3, #VCPU_VGIC_LRS_MASK]	/* the list registers there are */
	mrs	x0, S3_4_C12_C11_5		/* ICH_ELRSR_EL2: the empty ones */
	and	x0, x0, x5
	bic	x5, x5, x0			/* those holding an interrupt */
1:	cbz	x5, 3f
	rbit	x2, x5
	clz	x2, x2				/* n, the lowest of them */
	adr	x1, 2f
	add	x1, x1, x2, lsl #3
	br	x1
2:	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	mrs	x1, ich_lr\n\()_el2
	b	4f
	.endr
4:	cmp	w1, w4				/* its vINTID */
	b.eq	9f
	sub	x1, x5, #1
	and	x5, x5, x1			/* n looked at */
	b	1b
9:	orr	x1, x1, #(1 << LR_PENDING_BIT)	/* pending stays; active becomes both */
	b	5f
3:	cbz	x0, 6f				/* none empty */
	rbit	x2, x0
	clz	x2, x2				/* n, the lowest empty one */
	add	x1, x3, x4
	ldrb	w1, [x1, #VCPU_VGIC_PRIO]
	lsl	x1, x1, #LR_PRIO_SHIFT
	orr	x1, x1, x4
	orr	x1, x1, #(1 << LR_PENDING_BIT)
	orr	x1, x1, #(1 << LR_GROUP1_BIT)
5:	adr	x0, 7f
	add	x0, x0, x2, lsl #3
	br	x0
7:	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	msr	ich_lr\n\()_el2, x1
	b	8f
	.endr
8:	ldp	x4, x5, [sp, #FRAME_X0 + 8 * 4]
	count_exit VECTOR_IPI
	b	answer_skip
6:	ldp	x4, x5, [sp, #FRAME_X0 + 8 * 4]
	mrs	x0, esr_el2			/* as guest_sync_light takes it */
	b	guest_sync_light

/*
 * ESR_EL2 of a load EL2 may answer: ISV (the register and size described),
 * SAS 2 or 3 (32 or 64 bits), not sign-extended, FAR valid, no cache
 * maintenance, not a stage-1 walk, a read.
 */
#define ISS_LOAD_MASK		0x01a005c0	/* ISV, SAS[1], SSE, FnV, CM, S1PTW, WnR */
#define ISS_LOAD		0x01800000

/*
 * A guest load that faulted at stage 2, x0 = ESR_EL2, x0..x3 in the frame:
 * one of the vCPU's mmio[] (the GIC's identification registers, by IPA
 * and size: el2/vgic_mmio.c) is answered here; any other access goes to C.
 * The IPA is HPFAR_EL2's page and FAR_EL2's offset in it.
 */
load_fast:
	esr_match ISS_LOAD_MASK, ISS_LOAD, guest_sync_light
	mrs	x1, hpfar_el2
	ubfx	x1, x1, #4, #40			/* FIPA: IPA[51:12] */
	mrs	x2, far_el2
	and	x2, x2, #0xfff
	orr	x2, x2, x1, lsl #12		/* the IPA */
	mrs	x3, tpidr_el2
	ldr	x1, [x3, #VCPU_MMIO_LO]
	cmp	x2, x1
	b.lo	guest_sync_light
	ldr	x1, [x3, #VCPU_MMIO_HI]
	cmp	x2, x1
	b.hs	guest_sync_light
	ubfx	x1, x0, #22, #2			/* SAS */
	orr	x2, x2, x1, lsl #56		/* the key */
	add	x3, x3, #VCPU_MMIO
	.rept	VECTOR_MMIOS
	ldr	x1, [x3], #16			/* x3 moves on 16 bytes a slot */
	cmp	x1, x2
	b.eq	6f
	.endr
	b	guest_sync_light
6:	ldur	x1, [x3, #-8]			/* the slot's value */
	mrs	x3, tpidr_el2
	count_exit VECTOR_MMIO
	ubfx	x2, x0, #16, #5			/* SRT */
	b	answer_reg

/*
 * HVC or SMC, x0 = ESR_EL2 (#imm 0 only), x0..x3 in the frame: a call in
 * the vCPU's hvc[] (function id, the x0 it returns) is answered here; a
 * trapped SMC then steps past itself. Unused slots hold an id no w0 has.
 */
call_fast:
	tst	x0, #0xffff
	b.ne	guest_sync_light
	ldr	w1, [sp, #FRAME_X0]		/* the function id: w0 */
	mrs	x3, tpidr_el2
	.rept	VECTOR_HVCS
	ldr	x2, [x3, #VCPU_HVC]		/* x3 moves on 16 bytes a slot */
	cmp	x2, x1
	b.eq	5f
	add	x3, x3, #16
	.endr
	b	guest_sync_light
5:	ldr	x2, [x3, #VCPU_HVC + 8]
	str	x2, [sp, #FRAME_X0]
	mrs	x3, tpidr_el2
	lsr	x0, x0, #26
	cmp	x0, #0x17
	b.eq	6f
	count_exit VECTOR_HVC
	b	answer_eret
6:	count_exit VECTOR_SMC
	b	answer_skip

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
	return_backstop
	msr	elr_el2, x0
	msr	spsr_el2, x1
	xregs	ldp, sp
	ldr	x30, [sp, #FRAME_SP - 8]
	add	sp, sp, #FRAME_SIZE
	eret

