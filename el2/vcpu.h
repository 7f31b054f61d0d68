/* The one guest vCPU the firmware runs. */
#ifndef EL2_VCPU_H
#define EL2_VCPU_H

#include "el2/asm.h"
#include "el2/fpsimd.h"
#include "el2/trap.h"
#include "el2/stats.h"
#include "el2/vgic.h"
#include "sysreg/sysreg.h"

#define RV_MAX_CPUS	8	/* vCPUs (and physical CPUs) at most; plat/asm.h agrees */

/*
 * The ID space (op0 3, op1 0, CRn 0, CRm 0..7) as el2/vectors.S answers
 * it without entering C: val[CRm << 3 | op2] for every slot whose bit is
 * set in valid. Kept in step with the vCPU by el2_vector_sync().
 */
struct id_fast {
	uint64_t valid;
	uint64_t val[64];
};

/* PSCI AFFINITY_INFO's answers double as the vCPU's power state. */
enum vcpu_power { VCPU_ON = 0, VCPU_OFF = 1, VCPU_ON_PENDING = 2 };

/*
 * Aborts in a row (el2/trap.c): the last abort line's key (pc ^ kind),
 * the last IPA, how often that line repeated since it was printed, and how
 * many aborts in a row hit the guest's exception entry.
 */
struct fault_run {
	uint64_t key;
	uint64_t last_ipa;
	unsigned int repeats;
	unsigned int storm;
};

/* A call el2/vectors.S answers: its function id (w0), the x0 it returns. */
struct vector_call {
	uint64_t fid;
	uint64_t x0;
};

/*
 * A load el2/vectors.S answers: key = the IPA | its ESR SAS (log2 of the
 * size) << 56, value = what the load reads (el2/vgic.c's identification
 * registers). Unused: key ~0, no load's.
 */
struct vector_mmio {
	uint64_t key;
	uint64_t value;
};
#define VECTOR_MMIO_KEY(ipa, sas)	((ipa) | (uint64_t)(sas) << 56)

/*
 * One guest vCPU, run by one physical CPU whose TPIDR_EL2 points here
 * while it is at EL2. The members up to sr are read by el2/vectors.S
 * (offsets in el2/asm.h); el2_vector_sync() keeps the answers in step.
 */
struct vcpu {
	struct id_fast id_fast;		/* the trapped ID reads' answers */
	uint64_t el2_stack_top;		/* where each guest trap's frame goes */
	uint64_t crash_stack_top;	/* for a report when EL2 itself faults */
	uint64_t exits_vector[VECTOR_EXITS];	/* exits the vector answered, by VECTOR_* */
	uint64_t read_ok[VECTOR_READ_WORDS];	/* bit i: an MRS of row i reads sr.val[i] */
	struct vector_call calls[VECTOR_HVCS];	/* unused: fid ~0, no w0's */
	struct vector_mmio mmio[VECTOR_MMIOS];	/* unused: key ~0 */
	uint64_t mmio_lo, mmio_hi;		/* every mmio[] IPA is in [lo, hi) */
	uint64_t sgi_others;			/* ~(1 << its vMPIDR's Aff0) */
	struct fault_run fault_run;	/* a run of aborts being counted (key 0: none) */
	struct vgic_cpu vgic;		/* its interrupts */
	struct vcpu_sysregs sr;
	struct el2_frame *frame;	/* x0..x30, PC (elr), PSTATE (spsr) */
	struct fpsimd_state fp;
	bool fp_live;			/* the guest's FP/SIMD registers are its own */
	bool fp_saved;			/* ... and are in fp now, not in the CPU */
	unsigned int index;		/* 0 for the boot vCPU */
	uint64_t hw_mpidr;		/* the physical CPU that runs it */
	uint64_t vmpidr;		/* the guest's MPIDR_EL1 for it: Aff0 = index */
	int power;			/* enum vcpu_power, changed under vm.lock */
	uint64_t on_entry;		/* where CPU_ON (or a reset) starts it ... */
	uint64_t on_x0, on_x1;		/* ... with these arguments */
	unsigned int traps_undef;	/* UNDEFs injected so far */
	int parked;			/* stopped at EL2 for another CPU's monitor */
	bool loaded;			/* a load changed its state: back into the CPU as it goes on */
	int load_power;			/* ... and its power state (enum vcpu_power) */
	bool in_wfi;			/* ... and it was asleep in WFI when it stopped */
	struct vcpu_stats stats;	/* its exits, by reason */
};

/* What the vCPUs share: one guest. */
struct vm {
	int stop_request;		/* SYSTEM_RESET: other vCPUs power off at their next trap */
	struct vcpu vcpu[RV_MAX_CPUS];
	unsigned int nvcpus;		/* vCPUs offered to the guest */
	int lock;			/* PSCI power state changes */
	int monitor_lock;		/* one vCPU at a time in the monitor and the codec */
	int pause;			/* a break-in: every other vCPU waits at EL2 */
	int handover;			/* upgrade: every parked vCPU's CPU goes off (el2/upgrade.c) */
	bool handover_refused;		/* this firmware refused the blob a handover brought ... */
	uint32_t handover_blob_len;	/* ... which is still in the upgrade area */
	uint64_t entry;			/* where the guest starts after reset */
	uint64_t entry_x1;		/* regvisor.guestarg, for the test guest */
	bool checkpoint_save;		/* checkpoint: save and go on, no monitor */
	bool checkpoint_cycle;		/* checkpoint: save, load back, go on (soak) */
	bool fault_monitor;		/* a guest fault stops at the monitor first */
	unsigned int load_timeout;	/* seconds `load` waits for input */
	uint64_t cycles;		/* checkpoint cycles done */
	uint64_t breakin_at;		/* the counter as the break-in key's interrupt came; 0: none */
	unsigned int ntolerate;		/* ids an import may drop (regvisor.tolerate) */
	const uint64_t *tolerate;
	bool stopped;			/* at the monitor: its virtual time stands still */
	uint64_t stopped_vcount;	/* the guest's CNTVCT_EL0 when it stopped */
	uint64_t cntvoff;		/* CNTVOFF_EL2, the same on every CPU */
	int reported_status;		/* from RV_REPORT_STATUS, -1 if none */
	bool guest_pmu;			/* benchmarks: the guest may read the PMU */
	bool traplog;			/* regvisor.traplog=1: log each trapped encoding once */
	/* Encodings (op0 2..3) and directions logged so far: el2/sysreg_trap.c. */
	uint64_t traplog_seen[2 * 8 * 16 * 16 * 8 * 2 / 64];
};

extern struct vm vm;

/* The vCPU of the CPU running this (TPIDR_EL2; el2/percpu_hw.c). */
struct vcpu *vcpu_current(void);
void vcpu_set_current(struct vcpu *v);

/* The EL2 controls that shape the guest on this CPU. */
struct el2_controls {
	uint64_t vttbr, vtcr, cptr, cnthctl, cntvoff, hcr, mdcr;
};
void vcpu_hw_controls(const struct el2_controls *c);
/*
 * MIDR and MPIDR as the guest reads them (VPIDR_EL2, VMPIDR_EL2), and what
 * its view lets it reach: the timers (CNTHCTL_EL2), the rest (HCR_EL2).
 */
void vcpu_hw_id_view(uint64_t midr, uint64_t mpidr, uint64_t cnthctl, uint64_t hcr);
/* HCRX_EL2, where the CPU has it: every control off. */
void vcpu_hw_hcrx_clear(void);
/* va through the guest's translation on this CPU, as a read would go (AT S12E1R). */
bool vcpu_hw_translate(uint64_t va, uint64_t *pa);
/* The page of the IPA whose access just faulted at stage 2 (HPFAR_EL2). */
uint64_t vcpu_hw_fault_ipa_page(void);
/* CNTVOFF_EL2 of this CPU; waiting for and sending events (el2/percpu_hw.c). */
void vcpu_write_cntvoff(uint64_t off);
void cpu_wait_event(void);
void cpu_send_event(void);
/*
 * In a spin-wait: YIELD, a hint to the CPU (another hardware thread may
 * run); under QEMU's one-thread TCG it hands the host thread to the next
 * vCPU, so the CPUs waited for get to run at once.
 */
void cpu_relax(void);
/* A spinlock for what the CPUs share (el2/percpu_hw.c). */
void spin_lock(int *l);
void spin_unlock(int *l);

/* el2/guest.c */
struct rv_config;
struct handover;
struct handover_guest;
/* Check the guest image, initrd and memory the bootloader left; power off if unusable. */
void guest_configure(const struct rv_config *c, const struct handover *h);
_Noreturn void guest_start(void);
/* Booted for incoming state: the monitor first, the guest once loaded. */
_Noreturn void guest_start_incoming(void);
/* Started by an upgrade: take the guest over from the handover block, resume it. */
_Noreturn void guest_start_handover(void);
/* What guest_configure found, for the next firmware (it does not check the image again). */
void guest_handover_save(struct handover_guest *g);
_Noreturn void guest_reset(struct vcpu *v);
/* A physical CPU started for vCPU index (boot/head.S secondary_entry). */
_Noreturn void guest_start_secondary(unsigned int index);
/* PSCI for the guest: start vCPU target at entry with x0 = context; CPU_OFF. */
int64_t vcpu_psci_cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t context);
_Noreturn void vcpu_psci_cpu_off(struct vcpu *v);
/* The firmware's own SGI reached this CPU: a reset or a stop wants it. */
void vcpu_irq_kicked(struct vcpu *v);
/* el2/stop.c */
/* This CPU's vCPU, stopped: its whole state into memory (FP/SIMD, context and list registers). */
void vcpu_state_to_memory(struct vcpu *v);
/* ... and back into this CPU before it runs the guest again. */
void vcpu_state_to_cpu(struct vcpu *v);
/*
 * A load wrote v's state in memory (the monitor's CPU; every vCPU stopped):
 * it goes back into v's CPU as v goes on, with this power state; ON_PENDING
 * starts it out of reset at entry with x0 = context.
 */
void vcpu_state_loaded(struct vcpu *v, int power, uint64_t entry, uint64_t context);
/* Every stopped vCPU's state in memory as a guest reset leaves it (the monitor's `wipe`). */
void vcpu_wipe_all(void);
/* Another CPU's monitor wants this vCPU still: it waits at EL2 until released. */
void vcpu_park(struct vcpu *v);
/* The firmware's SGI to every other vCPU that runs: it comes to EL2 whatever the guest does. */
void vcpu_kick_others(const struct vcpu *v);
/* Every vCPU but v is off, or (parked_ok) parked. ON_PENDING counts as not yet. */
bool vcpu_others_still(const struct vcpu *v, bool parked_ok);
enum vcpu_stop_for {
	STOP_FOR_MONITOR, STOP_FOR_INCOMING, STOP_FOR_SAVE, STOP_FOR_CYCLE, STOP_FOR_HANDOVER
};
/*
 * Every other vCPU to EL2 and every vCPU's state into memory, then the
 * monitor (or a checkpoint's save or cycle) here, then all go on. True
 * when the monitor loaded a state.
 */
bool vcpu_stop_all(struct vcpu *v, enum vcpu_stop_for what, const char *why);
/* Whether v (this CPU's) was stopped in WFI: the instruction before its PC is one. */
bool vcpu_stopped_in_wfi(const struct vcpu *v);
/* The break-in key. */
void vcpu_breakin(struct vcpu *v);
/* The console's interrupt: input for the guest's console, or a break-in. */
void vcpu_irq_console(struct vcpu *v);
/* The vCPU whose MPIDR affinity is mpidr, or NULL. */
struct vcpu *vcpu_by_mpidr(uint64_t mpidr);
/* Start t's physical CPU (PSCI CPU_ON below us); a PSCI return code. */
int64_t vcpu_power_up(struct vcpu *t);
/* v's registers out of reset, in model's CPU model, world and hidden set. */
void vcpu_reset_regs(struct vcpu *v, const struct vcpu_sysregs *model);
/* v's guest frame and FP/SIMD as a CPU out of reset finds them, at pc with x0, x1. */
struct el2_frame *guest_frame_reset(struct vcpu *v, uint64_t pc, uint64_t x0, uint64_t x1);
/* t's power state (enum vcpu_power): the one place it changes, under vm.lock. */
void vcpu_set_power(struct vcpu *t, int power);
/* A vCPU asked to stop (vm.stop_request) powers its CPU off here. */
_Noreturn void vcpu_stop(struct vcpu *v);
/* An entry point the guest may name (CPU_ON, CPU_SUSPEND): inside its RAM, 4-byte aligned. */
bool guest_entry_valid(uint64_t pc);
void guest_apply_id_view(struct vcpu *v);
/* el2/sysreg_trap.c: EC 0x18 from the guest. */
void el2_trap_sysreg(struct vcpu *v, struct el2_frame *f);
/* What el2/vectors.S answers follows the vCPU's view, its registers and calls. */
void el2_vector_sync(struct vcpu *v);
/* el2/stage2_hw.c */
/* Returns false when the console could not be given to the guest. */
bool stage2_init(uint64_t guest_base, uint64_t guest_end, uint64_t uart_base);
uint64_t stage2_vttbr(void);
uint64_t stage2_vtcr(void);

/*
 * The light exits (el2/vectors.S): x19..x29 are not in the frame. Taken
 * by el2_light_call/abort/sysreg(): what reads and writes no guest
 * register above x18 and neither stops nor restarts a vCPU (most
 * hypercalls, trapped system registers, emulated MMIO). They return
 * nonzero, with nothing done, to send the exit on to el2_guest_sync() with
 * the whole frame: a call that powers off or stops, a register above x18,
 * a fault. A stop pending or an abort run to end never reaches them: the
 * vector sends those exits to the whole frame at once. A stop requested
 * while one runs is taken at the next exit (the stopper's IPI is one).
 */
static inline bool el2_light_reg(unsigned int r)	/* ISS Rt or SRT */
{
	return r < 19 || r == 31;
}

/* The end of a light exit that did its work. */
static inline int el2_light_done(struct vcpu *v)
{
	if (v->fp_saved)	/* the firmware used FP/SIMD on this exit: the guest's back */
		fpsimd_release();
	return 0;
}

#endif
