/* The register table as the test guest reads and writes it (regs.c). */
#ifndef GUEST_REGS_H
#define GUEST_REGS_H

#include <stdbool.h>
#include <stddef.h>

#include "sysreg/sysreg.h"
#include "tests/guest/lib.h"

struct greg {
	const char *name;
	unsigned int since;
	uint64_t wmask;		/* the bits that are state (sysregs.def) */
	uint64_t (*rd)(void);
	void (*wr)(uint64_t);
};

extern const struct greg ctx_regs[], id_regs[];
extern const unsigned int n_ctx_regs, n_id_regs;

bool streq(const char *a, const char *b);
/* The 4-bit ID field at shift. */
uint64_t field(uint64_t v, unsigned int shift);
const struct greg *ctx_find(const char *name);
/* Row r's writable mask in world `world`: its row's, or a later CHANGE line's. */
uint64_t greg_wmask(const struct greg *r, unsigned int world);
uint64_t id_read(const char *name);
/* Pointer authentication in the guest's ID view (ISAR1 APA/API/GPA/GPI, ISAR2 APA3/GPA3). */
bool pauth_in_view(void);

/* x1 from the firmware (regvisor.guestarg): test modes. */
#define GUEST_MODE_DELIBERATE_FAIL	UINT64_C(0x1)	/* report one failure */
#define GUEST_MODE_CHECKPOINT		UINT64_C(0x2)	/* end with the checkpoint test */
#define GUEST_MODE_KEEP_WA2		UINT64_C(0x4)	/* leave WORKAROUND_2 enabled */
#define GUEST_MODE_BENCH		UINT64_C(0x8)	/* only the benchmarks */
#define GUEST_MODE_SOAK			UINT64_C(0x10)	/* checkpoint again and again */
#define GUEST_MODE_RESET		UINT64_C(0x20)	/* PSCI SYSTEM_RESET, then the tests */
#define GUEST_MODE_SPIN			UINT64_C(0x40)	/* every vCPU spins, DAIF masked */
#define GUEST_MODE_WFI			UINT64_C(0x80)	/* every vCPU sleeps in WFI, DAIF masked */
#define GUEST_MODE_FORGE		UINT64_C(0x100)	/* print forged firmware lines first */
#define GUEST_MODE_STORM_SP		UINT64_C(0x200)	/* SP_EL1 into firmware memory, fault */
#define GUEST_MODE_STORM_VBAR		UINT64_C(0x400)	/* VBAR_EL1 into firmware memory, fault */
#define GUEST_MODE_GICSTATE		UINT64_C(0x800)	/* GIC state set up, checkpoint, checked */
#define GUEST_MODE_HOSTILE		UINT64_C(0x1000)	/* attack the firmware's interrupts */
#define GUEST_MODE_TIMER_RESET		UINT64_C(0x2000)	/* SYSTEM_RESET with the timer pending */
#define GUEST_MODE_MMIO_SIZES		UINT64_C(0x4000)	/* narrow loads of emulated registers */
#define GUEST_MODE_SWEEP		UINT64_C(0x8000)	/* sweep every system register, checkpoint */
#define GUEST_HOSTILE_SHIFT		24		/* which attack: mode >> 24 */
#define GUEST_SOAK_CYCLES_SHIFT		16		/* cycles: mode >> 16 */


/* forge.c: a fake status line and a fake framed blob, as firmware lines. */
void forge_firmware_lines(void);

/* storm.c: wreck the exception entry (stack or vectors) and take an exception. */
_Noreturn void test_storm(bool vbar);

/* smp.c: start every other vCPU by PSCI CPU_ON, check each, stop them. */
void test_smp(void);
/* smp.c: every vCPU stuck for good, interrupts masked (wfi: asleep; else spinning). */
_Noreturn void test_stuck(bool wfi);
/* smp.c: test_stuck with the first n vCPUs. */
_Noreturn void test_stuck_n(bool wfi, unsigned int n);
unsigned int guest_park_others(void);
/* smp.c: one attack on the firmware's interrupts (test_hostile's table), then stuck. */
_Noreturn void test_hostile(unsigned int what);
/* smp.c: SYSTEM_RESET with the virtual timer pending in a list register; it fires after. */
_Noreturn void test_timer_reset(void);
/* smp.c: LDRB/LDRH/LDRSB/LDRSH of emulated GIC and UART registers. */
_Noreturn void test_mmio_sizes(void);
/* smp.c: a SYSTEM_RESET with a secondary running; true on the boot after it. */
bool test_reset(void);

/* sweep.c: every EL1/EL0 system-register encoding on every vCPU, checkpoint, read back. */
_Noreturn void test_sweep(void);

/* gicstate.c: SPIs, PPIs, an SGI and the timer in flight, checkpoint, all checked after. */
_Noreturn void test_gicstate(void);

/* ckpt.c: fill every register, checkpoint; the rest runs after the resume. */
_Noreturn void test_checkpoint(void);
/* ckpt.c: checkpoint again and again, `cycles` times, quietly. */
_Noreturn void test_soak(uint64_t cycles);

#endif
