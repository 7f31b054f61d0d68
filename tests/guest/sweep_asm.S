/*
 * The sweep's pieces that must not depend on memory or a stack (sweep.c):
 * the checkpoint call, the parking loop of the other vCPUs, and their
 * entry. After a load into a fresh firmware the image is fresh too (guest
 * memory does not travel): only registers say where each vCPU was, so the
 * code after the call and after the park restarts its stack and takes
 * everything it needs from callee-saved registers.
 */
#define SWEEP_MAX_VCPUS	4		/* sweep.c agrees */
#define SWEEP_GO	0x676f		/* "go": sweep_go[i] lets vCPU i on */

	.text
/*
 * void sweep_checkpoint(uint64_t pv, uint64_t nvcpus, uint64_t vcount)   (no return)
 * The checkpoint call (vendor function 2); then
 * sweep_after_checkpoint(result, pv, nvcpus, vcount) on a fresh stack.
 */
	.globl	sweep_checkpoint
sweep_checkpoint:
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	movz	x0, #0x0002
	movk	x0, #0x8600, lsl #16		/* RV_CHECKPOINT */
	hvc	#0
	adrp	x1, __stack_top
	add	x1, x1, :lo12:__stack_top
	mov	sp, x1
	mov	x1, x19
	mov	x2, x20
	mov	x3, x21
	b	sweep_after_checkpoint

/*
 * void sweep_park(uint64_t index)   (no return)
 * Wait (WFE) until sweep_go[index] says go, then sweep_secondary_after(index)
 * on a fresh stack.
 */
	.globl	sweep_park
sweep_park:
	mov	x19, x0
	movz	x21, #SWEEP_GO
1:	adrp	x20, sweep_go
	add	x20, x20, :lo12:sweep_go
	ldr	x1, [x20, x19, lsl #3]
	cmp	x1, x21
	b.eq	2f
	wfe
	b	1b
2:	bl	sweep_stack_top
	mov	sp, x0
	mov	x0, x19
	b	sweep_secondary_after

/* x0 = the top of vCPU x19's stack; x1, x2 clobbered. */
sweep_stack_top:
	adrp	x0, sweep_stacks
	add	x0, x0, :lo12:sweep_stacks
	add	x1, x19, #1
	add	x0, x0, x1, lsl #12		/* 4 KiB each */
	ret

/* PSCI CPU_ON's entry for vCPU x0 (1..SWEEP_MAX_VCPUS-1): sweep_secondary(x0). */
	.globl	sweep_secondary_start
sweep_secondary_start:
	and	x19, x0, #(SWEEP_MAX_VCPUS - 1)
	bl	sweep_stack_top
	mov	sp, x0
	adr	x1, guest_vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)			/* FP/SIMD on (CPACR_EL1.FPEN) */
	msr	cpacr_el1, x1
	isb
	mov	x0, x19
	bl	sweep_secondary
3:	wfi
	b	3b

	.bss
	.balign	16
sweep_stacks:
	.space	SWEEP_MAX_VCPUS * 4096
