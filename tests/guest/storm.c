/*
 * GUEST_MODE_STORM_SP / _VBAR: the guest wrecks its own exception entry,
 * with its stack or its vector table in the firmware's memory, and takes
 * an exception: every entry faults again, for ever. The firmware must
 * notice and stop it, not log it for ever.
 */
#include "tests/guest/regs.h"

#define FIRMWARE_MEMORY	UINT64_C(0x40210000)	/* the firmware's 2 MiB window */

_Noreturn void test_storm(bool vbar)
{
	gprintf("guest: storm: %s into the firmware's memory, then an exception\n",
		vbar ? "VBAR_EL1" : "SP_EL1");
	if (vbar) {
		__asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(FIRMWARE_MEMORY));
		__asm__ volatile("brk #0");
	} else {
		__asm__ volatile("mov sp, %0\n\tbrk #0" : : "r"(FIRMWARE_MEMORY) : "memory");
	}
	for (;;)
		__asm__ volatile("wfi");
}
