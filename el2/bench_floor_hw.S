/*
 * The benchmark's floor: the version-2 context registers saved and
 * restored by a hand-written straight-line MRS/MSR sequence, no table, no
 * dispatch. It is a baseline to measure against, not used by the firmware,
 * and deliberately not expanded from sysregs.def. Version 3's rows reached
 * through accessors are not in it: the benchmark compares per register.
 */
	.text
	.globl	bench_floor_save
bench_floor_save:
	mrs	x1, sp_el0		/* SP_EL0 */
	str	x1, [x0, #0]
	mrs	x1, sp_el1		/* SP_EL1 */
	str	x1, [x0, #8]
	mrs	x1, S3_0_C4_C0_1		/* ELR_EL1 */
	str	x1, [x0, #16]
	mrs	x1, S3_0_C4_C0_0		/* SPSR_EL1 */
	str	x1, [x0, #24]
	mrs	x1, S2_0_C0_C2_2		/* MDSCR_EL1 */
	str	x1, [x0, #32]
	mrs	x1, S3_0_C1_C0_0		/* SCTLR_EL1 */
	str	x1, [x0, #40]
	mrs	x1, S3_0_C1_C0_2		/* CPACR_EL1 */
	str	x1, [x0, #48]
	mrs	x1, S3_0_C2_C0_0		/* TTBR0_EL1 */
	str	x1, [x0, #56]
	mrs	x1, S3_0_C2_C0_1		/* TTBR1_EL1 */
	str	x1, [x0, #64]
	mrs	x1, S3_0_C2_C0_2		/* TCR_EL1 */
	str	x1, [x0, #72]
	mrs	x1, S3_0_C2_C1_0		/* APIAKEYLO_EL1 */
	str	x1, [x0, #80]
	mrs	x1, S3_0_C2_C1_1		/* APIAKEYHI_EL1 */
	str	x1, [x0, #88]
	mrs	x1, S3_0_C2_C1_2		/* APIBKEYLO_EL1 */
	str	x1, [x0, #96]
	mrs	x1, S3_0_C2_C1_3		/* APIBKEYHI_EL1 */
	str	x1, [x0, #104]
	mrs	x1, S3_0_C2_C2_0		/* APDAKEYLO_EL1 */
	str	x1, [x0, #112]
	mrs	x1, S3_0_C2_C2_1		/* APDAKEYHI_EL1 */
	str	x1, [x0, #120]
	mrs	x1, S3_0_C2_C2_2		/* APDBKEYLO_EL1 */
	str	x1, [x0, #128]
	mrs	x1, S3_0_C2_C2_3		/* APDBKEYHI_EL1 */
	str	x1, [x0, #136]
	mrs	x1, S3_0_C2_C3_0		/* APGAKEYLO_EL1 */
	str	x1, [x0, #144]
	mrs	x1, S3_0_C2_C3_1		/* APGAKEYHI_EL1 */
	str	x1, [x0, #152]
	mrs	x1, S3_0_C5_C1_0		/* AFSR0_EL1 */
	str	x1, [x0, #160]
	mrs	x1, S3_0_C5_C1_1		/* AFSR1_EL1 */
	str	x1, [x0, #168]
	mrs	x1, S3_0_C5_C2_0		/* ESR_EL1 */
	str	x1, [x0, #176]
	mrs	x1, S3_0_C6_C0_0		/* FAR_EL1 */
	str	x1, [x0, #184]
	mrs	x1, S3_0_C7_C4_0		/* PAR_EL1 */
	str	x1, [x0, #192]
	mrs	x1, S3_0_C10_C2_0		/* MAIR_EL1 */
	str	x1, [x0, #200]
	mrs	x1, S3_0_C10_C3_0		/* AMAIR_EL1 */
	str	x1, [x0, #208]
	mrs	x1, S3_0_C12_C0_0		/* VBAR_EL1 */
	str	x1, [x0, #216]
	mrs	x1, S3_0_C13_C0_1		/* CONTEXTIDR_EL1 */
	str	x1, [x0, #224]
	mrs	x1, S3_0_C13_C0_4		/* TPIDR_EL1 */
	str	x1, [x0, #232]
	mrs	x1, S3_0_C14_C1_0		/* CNTKCTL_EL1 */
	str	x1, [x0, #240]
	mrs	x1, S3_2_C0_C0_0		/* CSSELR_EL1 */
	str	x1, [x0, #248]
	mrs	x1, S3_3_C13_C0_2		/* TPIDR_EL0 */
	str	x1, [x0, #256]
	mrs	x1, S3_3_C13_C0_3		/* TPIDRRO_EL0 */
	str	x1, [x0, #264]
	mrs	x1, S3_3_C14_C3_2		/* CNTV_CVAL_EL0 */
	str	x1, [x0, #272]
	mrs	x1, S3_3_C14_C3_1		/* CNTV_CTL_EL0 */
	str	x1, [x0, #280]
	ret

	.globl	bench_floor_restore
bench_floor_restore:
	ldr	x1, [x0, #0]
	msr	sp_el0, x1		/* SP_EL0 */
	ldr	x1, [x0, #8]
	msr	sp_el1, x1		/* SP_EL1 */
	ldr	x1, [x0, #16]
	msr	S3_0_C4_C0_1, x1		/* ELR_EL1 */
	ldr	x1, [x0, #24]
	msr	S3_0_C4_C0_0, x1		/* SPSR_EL1 */
	ldr	x1, [x0, #32]
	msr	S2_0_C0_C2_2, x1		/* MDSCR_EL1 */
	ldr	x1, [x0, #40]
	msr	S3_0_C1_C0_0, x1		/* SCTLR_EL1 */
	ldr	x1, [x0, #48]
	msr	S3_0_C1_C0_2, x1		/* CPACR_EL1 */
	ldr	x1, [x0, #56]
	msr	S3_0_C2_C0_0, x1		/* TTBR0_EL1 */
	ldr	x1, [x0, #64]
	msr	S3_0_C2_C0_1, x1		/* TTBR1_EL1 */
	ldr	x1, [x0, #72]
	msr	S3_0_C2_C0_2, x1		/* TCR_EL1 */
	ldr	x1, [x0, #80]
	msr	S3_0_C2_C1_0, x1		/* APIAKEYLO_EL1 */
	ldr	x1, [x0, #88]
	msr	S3_0_C2_C1_1, x1		/* APIAKEYHI_EL1 */
	ldr	x1, [x0, #96]
	msr	S3_0_C2_C1_2, x1		/* APIBKEYLO_EL1 */
	ldr	x1, [x0, #104]
	msr	S3_0_C2_C1_3, x1		/* APIBKEYHI_EL1 */
	ldr	x1, [x0, #112]
	msr	S3_0_C2_C2_0, x1		/* APDAKEYLO_EL1 */
	ldr	x1, [x0, #120]
	msr	S3_0_C2_C2_1, x1		/* APDAKEYHI_EL1 */
	ldr	x1, [x0, #128]
	msr	S3_0_C2_C2_2, x1		/* APDBKEYLO_EL1 */
	ldr	x1, [x0, #136]
	msr	S3_0_C2_C2_3, x1		/* APDBKEYHI_EL1 */
	ldr	x1, [x0, #144]
	msr	S3_0_C2_C3_0, x1		/* APGAKEYLO_EL1 */
	ldr	x1, [x0, #152]
	msr	S3_0_C2_C3_1, x1		/* APGAKEYHI_EL1 */
	ldr	x1, [x0, #160]
	msr	S3_0_C5_C1_0, x1		/* AFSR0_EL1 */
	ldr	x1, [x0, #168]
	msr	S3_0_C5_C1_1, x1		/* AFSR1_EL1 */
	ldr	x1, [x0, #176]
	msr	S3_0_C5_C2_0, x1		/* ESR_EL1 */
	ldr	x1, [x0, #184]
	msr	S3_0_C6_C0_0, x1		/* FAR_EL1 */
	ldr	x1, [x0, #192]
	msr	S3_0_C7_C4_0, x1		/* PAR_EL1 */
	ldr	x1, [x0, #200]
	msr	S3_0_C10_C2_0, x1		/* MAIR_EL1 */
	ldr	x1, [x0, #208]
	msr	S3_0_C10_C3_0, x1		/* AMAIR_EL1 */
	ldr	x1, [x0, #216]
	msr	S3_0_C12_C0_0, x1		/* VBAR_EL1 */
	ldr	x1, [x0, #224]
	msr	S3_0_C13_C0_1, x1		/* CONTEXTIDR_EL1 */
	ldr	x1, [x0, #232]
	msr	S3_0_C13_C0_4, x1		/* TPIDR_EL1 */
	ldr	x1, [x0, #240]
	msr	S3_0_C14_C1_0, x1		/* CNTKCTL_EL1 */
	ldr	x1, [x0, #248]
	msr	S3_2_C0_C0_0, x1		/* CSSELR_EL1 */
	ldr	x1, [x0, #256]
	msr	S3_3_C13_C0_2, x1		/* TPIDR_EL0 */
	ldr	x1, [x0, #264]
	msr	S3_3_C13_C0_3, x1		/* TPIDRRO_EL0 */
	ldr	x1, [x0, #272]
	msr	S3_3_C14_C3_2, x1		/* CNTV_CVAL_EL0 */
	ldr	x1, [x0, #280]
	msr	S3_3_C14_C3_1, x1		/* CNTV_CTL_EL0 */
	ret

	.section .rodata
	.globl	bench_floor_count
	.balign	4
bench_floor_count:
	.long	36
