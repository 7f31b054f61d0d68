/* Constants shared by the assembly files and the C code that mirrors them. */
#ifndef BOOT_ASM_H
#define BOOT_ASM_H

#define BOOT_STACK_SIZE		0x8000
#define CRASH_STACK_SIZE	0x2000
#define EL2_STACK_SIZE		0x4000	/* guest traps run here */

#define MPIDR_AFF_MASK		0xffffff

/* Image header flags: little-endian (bit 0 = 0), 4 KiB pages (bits 2:1 = 1). */
#define IMAGE_FLAGS		0x2

/* SCR_EL3: NS, RES1 bits 5:4, HCE, RW, APK, API (Arm ARM D19.2.138). */
#define SCR_EL3_BOOT		0x30531
/* SCTLR_EL2 with only its RES1 bits set (non-VHE): MMU, caches off, LE. */
#define SCTLR_EL2_BOOT		0x30c50830
/* SPSR: EL2h with D, A, I, F masked. */
#define SPSR_EL2H_MASKED	0x3c9
/* SPSR: EL1h with D, A, I, F masked. */
#define SPSR_EL1H_MASKED	0x3c5

/* struct el2_frame (el2/trap.h), as the vectors lay it out on the stack. */
#define FRAME_X0		0
#define FRAME_SP		(31 * 8)
#define FRAME_ELR		(32 * 8)
#define FRAME_SPSR		(33 * 8)
#define FRAME_ESR		(34 * 8)
#define FRAME_FAR		(35 * 8)
#define FRAME_SIZE		(36 * 8)

#endif
