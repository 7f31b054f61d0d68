/*
 * Starting the guest: its memory, stage-2 map, the EL2 controls that shape
 * what it sees (HCR_EL2, CPTR_EL2, CNTHCTL_EL2, VPIDR/VMPIDR_EL2) and its
 * first ERET into EL1.
 */
#include <stdio.h>
#include <string.h>

#include "boot/asm.h"
#include "boot/main.h"
#include "el2/monitor.h"
#include "el2/vcpu.h"

extern char __guest_image_start[], __guest_image_end[], el2_stack_top[];

struct vcpu vcpu0;

/* HCR_EL2 (Arm ARM D19.2.48). */
#define HCR_VM		BIT64(0)	/* stage 2 on */
#define HCR_SWIO	BIT64(1)
#define HCR_TID1	BIT64(16)	/* trap REVIDR_EL1, AIDR_EL1 */
#define HCR_TID3	BIT64(18)	/* trap the ID register group 3 */
#define HCR_TSC		BIT64(19)	/* trap SMC: guest SMCCC calls by SMC */
#define HCR_TACR	BIT64(21)	/* trap ACTLR_EL1: not in the table, UNDEF */
#define HCR_RW		BIT64(31)	/* EL1 is AArch64 */
#define HCR_APK		BIT64(40)	/* pointer auth keys not trapped */
#define HCR_API		BIT64(41)	/* pointer auth instructions not trapped */
#define HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_TID1 | HCR_TID3 | HCR_TSC | HCR_TACR | HCR_RW | \
			 HCR_APK | HCR_API)

/*
 * CPTR_EL2 (non-VHE): RES1 bits, FP/SIMD not trapped (TFP = 0); SVE (TZ,
 * bit 8) and SME (TSM, bit 12) trapped: the guest's ID view has neither.
 */
#define CPTR_EL2_GUEST	UINT64_C(0x33ff)
/* CNTHCTL_EL2: the guest may read the physical counter and use its timer. */
#define CNTHCTL_EL2_GUEST	UINT64_C(0x3)

/* The guest's RAM starts right after the firmware's 2 MiB window. */
#define GUEST_BASE	UINT64_C(0x40400000)

static void guest_load_image(void)
{
	size_t n = (size_t)(__guest_image_end - __guest_image_start);

	memcpy((void *)GUEST_BASE, __guest_image_start, n);
	/* The guest starts with its MMU and caches off: make the copy visible. */
	for (uintptr_t a = GUEST_BASE & ~UINT64_C(63); a < GUEST_BASE + n; a += 64)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	__asm__ volatile("dsb ish\n ic iallu\n dsb ish\n isb" ::: "memory");
}

void guest_configure(unsigned int cpu_version, unsigned int world_version)
{
	uint64_t ram_end = board.ram_base + board.ram_size;

	if (ram_end > BOARD_MAPPED_LIMIT)
		ram_end = BOARD_MAPPED_LIMIT;
	if (!stage2_init(GUEST_BASE, ram_end, board.uart_base))
		printf("regvisor: warning: console at 0x%llx is not a page below 1 GiB; the guest "
		       "gets no console\n", (unsigned long long)board.uart_base);
	sysreg_vcpu_reset(&vcpu0.sr, cpu_version, world_version);
	vcpu0.entry = GUEST_BASE;
	vcpu0.reported_status = -1;
}

/*
 * The guest's ID view after any change to it: MIDR and MPIDR through
 * VPIDR_EL2/VMPIDR_EL2, the trapped ones through the fast path's table.
 */
void guest_apply_id_view(void)
{
	el2_id_fast_sync(&vcpu0.sr);
	__asm__ volatile("msr vpidr_el2, %0\n msr vmpidr_el2, %1\n isb"
			 : : "r"(vcpu0.sr.val[SYSREG_MIDR_EL1]),
			     "r"(vcpu0.sr.val[SYSREG_MPIDR_EL1]));
}

static void guest_el2_controls(void)
{
	__asm__ volatile(
		"msr	vttbr_el2, %0\n"
		"msr	vtcr_el2, %1\n"
		"msr	cptr_el2, %2\n"
		"msr	cnthctl_el2, %3\n"
		"msr	cntvoff_el2, xzr\n"
		"msr	hcr_el2, %4\n"
		"isb\n"
		"tlbi	vmalls12e1\n"
		"dsb	ish\n"
		"isb\n"
		: : "r"(stage2_vttbr()), "r"(stage2_vtcr()),
		    "r"(CPTR_EL2_GUEST), "r"(CNTHCTL_EL2_GUEST), "r"(HCR_GUEST)
		: "memory");
	guest_apply_id_view();
}

/* A fresh frame at the top of the EL2 trap stack, ready for the first ERET. */
static struct el2_frame *guest_first_frame(uint64_t pc)
{
	struct el2_frame *f = (struct el2_frame *)((uintptr_t)el2_stack_top - FRAME_SIZE);

	memset(f, 0, sizeof(*f));
	f->elr = pc;
	f->x[0] = board.uart_base;	/* the test guest's console */
	f->x[1] = vcpu0.entry_x1;
	f->spsr = SPSR_EL1H_MASKED;
	memset(&vcpu0.fp, 0, sizeof(vcpu0.fp));
	fpsimd_restore(&vcpu0.fp);
	fpsimd_guest_live(&vcpu0.fp);
	vcpu0.frame = f;
	return f;
}

void guest_start(void)
{
	guest_load_image();
	guest_el2_controls();
	printf("regvisor: guest: entering EL1 at 0x%llx, cpu model v%u, world v%u\n",
	       (unsigned long long)vcpu0.entry, vcpu0.sr.cpu_version,
	       vcpu0.sr.world_version);
	el2_enter_guest(guest_first_frame(vcpu0.entry));
}

void guest_start_incoming(void)
{
	struct el2_frame *f;

	guest_load_image();
	guest_el2_controls();
	f = guest_first_frame(vcpu0.entry);
	monitor_run(&vcpu0, "waiting for incoming guest state (regvisor.incoming=uart)", true);
	fpsimd_release();
	el2_enter_guest(f);
}

/* PSCI SYSTEM_RESET: the guest starts over from a fresh image and reset registers. */
void guest_reset(void)
{
	struct vcpu_sysregs keep = vcpu0.sr;

	sysreg_vcpu_reset(&vcpu0.sr, keep.cpu_version, keep.world_version);
	vcpu0.sr.hidden = keep.hidden;
	/* What the firmware configured (service bitmaps) survives a reset. */
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls == FWR && !(sysreg_table[i].flags & GUEST_SET))
			vcpu0.sr.val[i] = keep.val[i];
	printf("regvisor: guest: system reset\n");
	guest_start();
}
