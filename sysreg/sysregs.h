/*
 * Expansion of sysreg/sysregs.def. Define
 *   SYSREG(name, id, acc, class, flags, reset, wmask, since)
 * and include this file: every row of the .def that this build's
 * FW_VERSION has (lib/versions.h) comes out as one SYSREG() in id order. `acc` says how the
 * register is reached: ACC_MSR(enc) with MRS/MSR of its assembler spelling
 * (S3_0_C1_C0_0, sp_el1); ACC_IF(pred, n, enc) the same when the CPU has
 * instance n (breakpoint n; otherwise it reads 0 and takes no write);
 * ACC_FN(fn, arg, enc) through sysreg_hw.c's accessor fn (an ICH_VMCR_EL2
 * field, the OS lock); ACC_NONE() for firmware registers. `enc` is always the
 * encoding the guest uses.
 * The file has no include guard on purpose.
 */
#include "lib/versions.h"

#define SYSREG_ID_BASE		UINT64_C(0x6030000000000000)
#define SYSREG_ID_CORE(off)	(SYSREG_ID_BASE | UINT64_C(0x100000) | (off))
#define SYSREG_ID_SYS(op0, op1, crn, crm, op2)				\
	(SYSREG_ID_BASE | UINT64_C(0x130000) |				\
	 ((uint64_t)(op0) << 14) | ((uint64_t)(op1) << 11) |		\
	 ((uint64_t)(crn) << 7) | ((uint64_t)(crm) << 3) | (uint64_t)(op2))
#define SYSREG_ID_FW(n)		(SYSREG_ID_BASE | UINT64_C(0x140000) | (n))
#define SYSREG_ID_BMAP(n)	(SYSREG_ID_BASE | UINT64_C(0x160000) | (n))

/*
 * Rows newer than this build are left out, with the code that serves them;
 * SYSREG_ALL_VERSIONS keeps them all (for naming a newer version's rows).
 */
#ifdef SYSREG_ALL_VERSIONS
#define SYSREG_SINCE(si, ...) __VA_ARGS__
#else
#define SYSREG_SINCE(si, ...) RV_SINCE(si, __VA_ARGS__)
#endif

#define SYSREG_ENC(o0, o1, cn, cm, o2)	S##o0##_##o1##_C##cn##_C##cm##_##o2
#define SR(n, o0, o1, cn, cm, o2, cl, fl, rs, wm, si)			\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_SYS(o0, o1, cn, cm, o2),	\
		ACC_MSR(SYSREG_ENC(o0, o1, cn, cm, o2)), cl, fl, rs, wm, si))
#define SRIF(n, o0, o1, cn, cm, o2, pred, arg, cl, fl, rs, wm, si)	\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_SYS(o0, o1, cn, cm, o2),	\
		ACC_IF(pred, arg, SYSREG_ENC(o0, o1, cn, cm, o2)), cl, fl, rs, wm, si))
#define SRFN(n, o0, o1, cn, cm, o2, fn, arg, cl, fl, rs, wm, si)	\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_SYS(o0, o1, cn, cm, o2),	\
		ACC_FN(fn, arg, SYSREG_ENC(o0, o1, cn, cm, o2)), cl, fl, rs, wm, si))
#define SRK(n, k0, k1, kn, km, k2, o0, o1, cn, cm, o2, cl, fl, rs, wm, si) \
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_SYS(k0, k1, kn, km, k2),	\
		ACC_MSR(SYSREG_ENC(o0, o1, cn, cm, o2)), cl, (fl) | KVM_ID_ALIAS, rs, wm, si))
#define CORE(n, off, acc, cl, fl, rs, wm, si)				\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_CORE(off), ACC_MSR(acc), cl, fl, rs, wm, si))
#define FW(n, num, cl, fl, rs, wm, si)					\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_FW(num), ACC_NONE(), cl, fl, rs, wm, si))
#define BMAP(n, num, cl, fl, rs, wm, si)				\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_BMAP(num), ACC_NONE(), cl, fl, rs, wm, si))
/*
 * CHANGE(name, version, default, wmask, rule): from `version` on, register
 * `name` has this default and writable mask; a move across the change
 * follows RULE_<rule> (sysreg.h). Expanded only where SYSREG_CHANGE is
 * defined (sysreg/semantics.c); every build knows every version's.
 */
#ifdef SYSREG_CHANGE
#define CHANGE(n, v, def, wm, rule)	SYSREG_CHANGE(n, v, def, wm, rule)
#else
#define CHANGE(n, v, def, wm, rule)
#endif
/* A breakpoint's or watchpoint's four registers, instance n (Arm ARM D19.3). */
#define SYSREG_DEBUG_PAIR(n, si)						\
	SRIF(DBGBVR##n##_EL1, 2, 0, 0, n, 4, bp, n, CTX, RESET_SAFE, 0, ~0, si)		\
	SRIF(DBGBCR##n##_EL1, 2, 0, 0, n, 5, bp, n, CTX, RESET_SAFE, 0, ~0, si) \
	SRIF(DBGWVR##n##_EL1, 2, 0, 0, n, 6, wp, n, CTX, RESET_SAFE, 0, ~0, si)		\
	SRIF(DBGWCR##n##_EL1, 2, 0, 0, n, 7, wp, n, CTX, RESET_SAFE, 0, ~0, si)

#include "sysreg/sysregs.def"

#undef SR
#undef SRIF
#undef SRFN
#undef SRK
#undef SYSREG_DEBUG_PAIR
#undef SYSREG_ENC
#undef CORE
#undef FW
#undef BMAP
#undef CHANGE
#undef SYSREG_SINCE
