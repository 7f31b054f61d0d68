/* SMCCC calls to the firmware below EL2 (SMC Calling Convention, DEN0028). */
#include "plat/plat.h"

uint64_t psci_call(enum psci_conduit conduit, uint64_t fn, uint64_t a1,
		   uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC v1.1: x4..x17 may be clobbered too. */
	if (conduit == PSCI_CONDUIT_HVC)
		__asm__ volatile("hvc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0"
				 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :
				 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else
		x0 = UINT64_MAX;	/* NOT_SUPPORTED */
	return x0;
}
