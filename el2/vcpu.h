/* The one guest vCPU the firmware runs. */
#ifndef EL2_VCPU_H
#define EL2_VCPU_H

#include "el2/fpsimd.h"
#include "el2/trap.h"
#include "sysreg/sysreg.h"

#define RV_MAX_CPUS	8

struct vcpu {
	struct el2_frame *frame;	/* x0..x30, PC (elr), PSTATE (spsr) */
	struct fpsimd_state fp;
	struct vcpu_sysregs sr;
	uint64_t entry;			/* where the guest starts after reset */
	uint64_t entry_x1;		/* regvisor.guestarg, for the test guest */
	bool checkpoint_save;		/* checkpoint: save and go on, no monitor */
	bool checkpoint_cycle;		/* checkpoint: save, load back, go on (soak) */
	bool fault_monitor;		/* a guest fault stops at the monitor first */
	unsigned int load_timeout;	/* seconds `load` waits for input */
	uint64_t cycles;		/* checkpoint cycles done */
	unsigned int ntolerate;		/* ids an import may drop (regvisor.tolerate) */
	const uint64_t *tolerate;
	bool stopped;			/* at the monitor: its virtual time stands still */
	uint64_t stopped_vcount;	/* the guest's CNTVCT_EL0 when it stopped */
	int reported_status;		/* from RV_REPORT_STATUS, -1 if none */
	unsigned int traps_undef;	/* UNDEFs injected so far */
};

extern struct vcpu vcpu0;

/* el2/guest.c */
struct rv_config;
/* Check the guest image, initrd and memory the bootloader left; power off if unusable. */
void guest_configure(const struct rv_config *c);
_Noreturn void guest_start(void);
/* Booted for incoming state: the monitor first, the guest once loaded. */
_Noreturn void guest_start_incoming(void);
_Noreturn void guest_reset(void);
/* An entry point the guest may name (CPU_ON, CPU_SUSPEND): inside its RAM, 4-byte aligned. */
bool guest_entry_valid(uint64_t pc);
void guest_apply_id_view(void);
/* el2/sysreg_trap.c: EC 0x18 from the guest. */
void el2_trap_sysreg(struct vcpu *v, struct el2_frame *f);
/* The ID registers' fast path (el2/vectors.S) follows the vCPU's ID view. */
void el2_id_fast_sync(const struct vcpu_sysregs *vs);
/* el2/stage2_hw.c */
/* Returns false when the console could not be given to the guest. */
bool stage2_init(uint64_t guest_base, uint64_t guest_end, uint64_t uart_base);
uint64_t stage2_vttbr(void);
uint64_t stage2_vtcr(void);

#endif
