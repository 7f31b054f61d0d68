/*
 * Expansion of sysreg/sysregs.def. Define
 *   SYSREG(name, id, acc, class, flags, reset, wmask, since)
 * and include this file: every row of the .def that this build's
 * FW_VERSION has (lib/versions.h) comes out as one SYSREG() in id order. `acc` is the
 * assembler spelling of the register (S3_0_C1_C0_0, sp_el1) or `none`.
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

#define SR(n, o0, o1, cn, cm, o2, cl, fl, rs, wm, si)			\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_SYS(o0, o1, cn, cm, o2),	\
		S##o0##_##o1##_C##cn##_C##cm##_##o2, cl, fl, rs, wm, si))
#define SRK(n, k0, k1, kn, km, k2, o0, o1, cn, cm, o2, cl, fl, rs, wm, si) \
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_SYS(k0, k1, kn, km, k2),	\
		S##o0##_##o1##_C##cn##_C##cm##_##o2, cl, (fl) | KVM_ID_ALIAS, rs, wm, si))
#define CORE(n, off, acc, cl, fl, rs, wm, si)				\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_CORE(off), acc, cl, fl, rs, wm, si))
#define FW(n, num, cl, fl, rs, wm, si)					\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_FW(num), none, cl, fl, rs, wm, si))
#define BMAP(n, num, cl, fl, rs, wm, si)				\
	SYSREG_SINCE(si, SYSREG(n, SYSREG_ID_BMAP(num), none, cl, fl, rs, wm, si))

#include "sysreg/sysregs.def"

#undef SR
#undef SRK
#undef CORE
#undef FW
#undef BMAP
#undef SYSREG_SINCE
