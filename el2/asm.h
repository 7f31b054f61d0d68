/* Layouts the EL2 assembly shares with the C that mirrors them. */
#ifndef EL2_ASM_H
#define EL2_ASM_H

#include "plat/asm.h"

/* struct vcpu (el2/vcpu.h): what the vectors read through TPIDR_EL2. */
#define VCPU_ID_FAST		0
#define VCPU_EL2_STACK_TOP	(65 * 8)
#define VCPU_CRASH_STACK_TOP	(66 * 8)
#define VCPU_EXITS_VECTOR	(67 * 8)	/* uint64_t[VECTOR_EXITS] */
#define VECTOR_ID_READ		0		/* its slots: ID reads, */
#define VECTOR_READ		1		/* other reads, */
#define VECTOR_HVC		2		/* calls by HVC, */
#define VECTOR_SMC		3		/* by SMC, */
#define VECTOR_MMIO		4		/* GIC identification registers, */
#define VECTOR_IPI		5		/* IPIs: sent to other vCPUs, or into its own list registers */
#define VECTOR_EXITS		6
#define VCPU_READ_OK		(73 * 8)	/* uint64_t[VECTOR_READ_WORDS] */
#define VECTOR_READ_WORDS	3
#define VCPU_HVC		(76 * 8)	/* {fid, x0}[VECTOR_HVCS] */
#define VECTOR_HVCS		4
#define VCPU_MMIO		(84 * 8)	/* {key, value}[VECTOR_MMIOS] */
#define VECTOR_MMIOS		20
#define VCPU_MMIO_LO		(124 * 8)	/* the IPAs they lie in: [lo, hi) */
#define VCPU_MMIO_HI		(125 * 8)
#define VCPU_SGI_OTHERS		(126 * 8)	/* every SGI target-list bit but its own */
#define VCPU_FAULT_KEY		(127 * 8)	/* fault_run.key: 0 but in a run of aborts */
#define VCPU_VGIC_IN_MEMORY	1432		/* struct vgic_cpu vgic: in_memory (bool), */
#define VCPU_VGIC_PRIO		1433		/* prio[32], */
#define VCPU_VGIC_LRS_MASK	1472		/* lrs_mask (uint32_t) */
#define VCPU_SR_VAL		(187 * 8)	/* struct vcpu_sysregs sr: val[] first */

/* ICH_LR<n>_EL2's fields (Arm IHI 0069): el2/vgic.c's too. */
#define LR_PENDING_BIT		62
#define LR_GROUP1_BIT		60
#define LR_PRIO_SHIFT		48

/* struct vm: stop_request first (the vectors read it), then vcpu[] (boot/head.S). */
#define VM_STOP_REQUEST		0
#define VM_VCPU0		8

/*
 * ESR_EL2 of MSR ICC_SGI1R_EL1, Xt (an IPI) under a mask without Rt: op0 3,
 * op2 5, op1 0, CRn 12, CRm 11, a write.
 */
#define ISS_SGI1R_WRITE		0x3a3016
#define ISS_SGI1R_WRITE_MASK	0x3ffc1f

/* sysreg/sysreg.c's sysreg_enc_block entry for a group the index has no block for. */
#define ENC_BISECT_ASM		0xff

/* struct el2_frame (el2/trap.h), as the vectors lay it out on the stack. */
#define FRAME_X0		0
#define FRAME_SP		(31 * 8)
#define FRAME_ELR		(32 * 8)
#define FRAME_SPSR		(33 * 8)
#define FRAME_ESR		(34 * 8)
#define FRAME_FAR		(35 * 8)
#define FRAME_SIZE		(36 * 8)

/* The handover contract boot/head.S writes in the image header (vmstate/fwimage.h). */
#define HANDOVER_CONTRACT	1

#endif
