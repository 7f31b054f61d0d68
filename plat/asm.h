/* Constants shared by the assembly files and the C code that mirrors them. */
#ifndef PLAT_ASM_H
#define PLAT_ASM_H

#define BOOT_STACK_SIZE		0x8000
#define CRASH_STACK_SIZE	0x2000
#define EL2_STACK_SIZE		0x4000	/* guest traps run here */

#define MPIDR_AFF_MASK		0xffffff

/*
 * Each CPU's stacks, RV_MAX_CPUS of these after the boot stack, each stack
 * above an unmapped guard page: guard, crash stack, guard, EL2 trap stack.
 */
#define RV_MAX_CPUS_ASM		8
#define PCPU_CRASH_GUARD	0
#define PCPU_CRASH_TOP		(0x1000 + CRASH_STACK_SIZE)
#define PCPU_EL2_GUARD		PCPU_CRASH_TOP
#define PCPU_EL2_TOP		(PCPU_EL2_GUARD + 0x1000 + EL2_STACK_SIZE)
#define PCPU_STACKS_SIZE	PCPU_EL2_TOP


/* Image header flags: little-endian (bit 0 = 0), 4 KiB pages (bits 2:1 = 1). */
#define IMAGE_FLAGS		0x2

/* SCR_EL3: NS, RES1 bits 5:4, HCE, RW, APK, API (Arm ARM D19.2.138). */
#define SCR_EL3_BOOT		0x30531
/* SCR_EL3.EnTP2 (FEAT_SME): EL2 and below reach TPIDR2_EL0 without a trap to EL3. */
#define SCR_EL3_ENTP2		0x20000000000
/* SCR_EL3.HXEn (FEAT_HCX): EL2 reaches HCRX_EL2 without a trap to EL3. */
#define SCR_EL3_HXEN		0x4000000000
/* SCTLR_EL2 with only its RES1 bits set (non-VHE): MMU, caches off, LE. */
#define SCTLR_EL2_BOOT		0x30c50830
/* SPSR: EL2h with D, A, I, F masked. */
#define SPSR_EL2H_MASKED	0x3c9
/* SPSR: EL1h with D, A, I, F masked. */
#define SPSR_EL1H_MASKED	0x3c5

#endif
