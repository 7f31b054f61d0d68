/*
 * Moves of whole register files, shared by the firmware's assembly and the
 * test guest's (assembler macros: include from .S files only).
 *
 *   qregs stp|ldp, base   V0..V31 as q pairs at [base + 32 * i]
 *   xregs stp|ldp, base   x0..x29 as pairs at [base + 16 * i]
 *   xregs_from4 ...       the same, x4..x29 only
 *   xregs_4_to_17 ...     x4..x17 only (with x0..x3, x18 and x30: what a C call may change)
 */
#ifndef LIB_REGS_ASM_H
#define LIB_REGS_ASM_H

.macro qregs op, base
	\op	q0, q1, [\base, #32 * 0]
	\op	q2, q3, [\base, #32 * 1]
	\op	q4, q5, [\base, #32 * 2]
	\op	q6, q7, [\base, #32 * 3]
	\op	q8, q9, [\base, #32 * 4]
	\op	q10, q11, [\base, #32 * 5]
	\op	q12, q13, [\base, #32 * 6]
	\op	q14, q15, [\base, #32 * 7]
	\op	q16, q17, [\base, #32 * 8]
	\op	q18, q19, [\base, #32 * 9]
	\op	q20, q21, [\base, #32 * 10]
	\op	q22, q23, [\base, #32 * 11]
	\op	q24, q25, [\base, #32 * 12]
	\op	q26, q27, [\base, #32 * 13]
	\op	q28, q29, [\base, #32 * 14]
	\op	q30, q31, [\base, #32 * 15]
.endm

.macro xregs op, base
	\op	x0, x1, [\base, #16 * 0]
	\op	x2, x3, [\base, #16 * 1]
	xregs_from4 \op, \base
.endm

.macro xregs_from4 op, base
	xregs_4_to_17 \op, \base
	\op	x18, x19, [\base, #16 * 9]
	\op	x20, x21, [\base, #16 * 10]
	\op	x22, x23, [\base, #16 * 11]
	\op	x24, x25, [\base, #16 * 12]
	\op	x26, x27, [\base, #16 * 13]
	\op	x28, x29, [\base, #16 * 14]
.endm

.macro xregs_4_to_17 op, base
	\op	x4, x5, [\base, #16 * 2]
	\op	x6, x7, [\base, #16 * 3]
	\op	x8, x9, [\base, #16 * 4]
	\op	x10, x11, [\base, #16 * 5]
	\op	x12, x13, [\base, #16 * 6]
	\op	x14, x15, [\base, #16 * 7]
	\op	x16, x17, [\base, #16 * 8]
.endm

#endif
