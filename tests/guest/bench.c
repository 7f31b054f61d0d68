/*
 * The guest's side of `make bench` (regvisor.guestarg=8): round trips that
 * only the guest can make, counted by PMU event counter 0, which the
 * firmware set to count retired instructions at EL1 and EL2. Each loop is
 * N iterations of the operation plus SUBS and B.NE.
 */
#include "tests/guest/bench.h"
#include "tests/guest/lib.h"
#include "tests/guest/regs.h"

#define N	1000

static uint64_t count(void)
{
	uint64_t v;

	__asm__ volatile("isb\n mrs %0, pmevcntr0_el0\n isb" : "=r"(v));
	return v;
}

#define BENCH_LOOP(name, body, ...)					\
	do {								\
		uint64_t n = N, t0 = count(), t1, scratch;		\
		__asm__ volatile("1:\n" body "\n subs %0, %0, #1\n b.ne 1b" \
				 : "+r"(n), "=&r"(scratch) : : "cc", ##__VA_ARGS__); \
		t1 = count();						\
		(void)scratch;						\
		gprintf("BENCH: %s %lu %u\n", name, t1 - t0, N);	\
	} while (0)

void guest_bench(void)
{
	BENCH_LOOP("guest_loop_only", "nop");
	BENCH_LOOP("guest_mrs_untrapped", "mrs %1, tpidr_el1");
	BENCH_LOOP("guest_mrs_trapped", "mrs %1, S3_0_C0_C6_1");	/* ID_AA64ISAR1_EL1 */
	BENCH_LOOP("guest_mrs_trapped_c", "mrs %1, S3_1_C0_C0_7");	/* AIDR_EL1, through C */
	BENCH_LOOP("guest_hvc_version", "mov x0, #0x80000000\n hvc #0", "x0", "x1", "x2", "x3",
		   "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
		   "x16", "x17", "memory");
	/* A call that needs C (its answer depends on x1): SMCCC_ARCH_FEATURES(SMCCC_VERSION). */
	BENCH_LOOP("guest_hvc_c", "mov x0, #1\n movk x0, #0x8000, lsl #16\n mov x1, #0x80000000\n hvc #0",
		   "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		   "x13", "x14", "x15", "x16", "x17", "memory");
	/* Also a trapped SMC: the same call by the other conduit. */
	BENCH_LOOP("guest_smc_version", "mov x0, #0x80000000\n smc #0", "x0", "x1", "x2", "x3",
		   "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
		   "x16", "x17", "memory");
	/* The emulated distributor: GICD_TYPER (QEMU virt's GICD at 0x08000000); one MOV more. */
	BENCH_LOOP("guest_gicd_typer", "mov x9, #0x8000000\n ldr w9, [x9, #4]", "x9", "memory");
	/* A distributor register C answers (GICD_CTLR: the guest's enables, merged); one MOV more. */
	BENCH_LOOP("guest_gicd_ctlr", "mov x9, #0x8000000\n ldr w9, [x9]", "x9", "memory");
	/* An IPI to itself (SGI 1, target list bit 0): two instructions more to build it. */
	BENCH_LOOP("guest_sgi1r_self", "mov x9, #1\n movk x9, #0x100, lsl #16\n"
		   " msr S3_0_C12_C11_5, x9", "x9", "memory");
	/* An IPI to vCPU 1 (asleep with DAIF masked), where there is one: the sender's side. */
	if (guest_park_others() > 1)
		BENCH_LOOP("guest_sgi1r_other", "mov x9, #2\n movk x9, #0x100, lsl #16\n"
			   " msr S3_0_C12_C11_5, x9", "x9", "memory");
}
