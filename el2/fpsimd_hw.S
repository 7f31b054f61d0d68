/* Save and restore V0..V31, FPSR, FPCR (struct fpsimd_state, el2/fpsimd.h). */
#include "lib/regs_asm.h"

	.arch	armv8-a+fp+simd
	.text
	.globl	fpsimd_save
fpsimd_save:
	qregs	stp, x0
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #512
	stp	x1, x2, [x0]
	ret

	.globl	fpsimd_restore
fpsimd_restore:
	qregs	ldp, x0
	add	x0, x0, #512
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
