/*
 * Guest exits per vCPU, by reason, as `perf kvm stat` counts them for KVM:
 * `stats` at the monitor prints them, the power-off line sums them up.
 */
#ifndef EL2_STATS_H
#define EL2_STATS_H

#include <stdint.h>

#include "sysreg/sysreg.h"

#define STATS_HCALL_SLOTS	32	/* the hypercall table's rows, then "unknown" */

enum exit_reason {
	EXIT_ID_FAST,		/* an ID register read, answered in the vector */
	EXIT_SYSREG,		/* another trapped MRS/MSR */
	EXIT_IPI_SEND,		/* an ICC_SGI1R_EL1 write: the guest sends an IPI */
	EXIT_HVC,
	EXIT_SMC,
	EXIT_MMIO_GIC,		/* distributor or redistributor access */
	EXIT_MMIO_UART,		/* the emulated console */
	EXIT_ABORT,		/* outside guest memory: an abort injected */
	EXIT_IRQ_TIMER,		/* a PPI passed on (timers, PMU) */
	EXIT_IRQ_SGI,		/* a guest IPI arriving */
	EXIT_IRQ_CONSOLE,	/* console input */
	EXIT_IRQ_MAINT,		/* list registers drained or EOIed */
	EXIT_IRQ_KICK,		/* the firmware's own IPI */
	EXIT_IRQ_SPI,		/* a device SPI passed on */
	EXIT_OTHER,		/* anything else: UNDEF injected */
	EXIT_NR_REASONS
};

struct vcpu_stats {
	uint64_t reason[EXIT_NR_REASONS];
	uint64_t sysreg[SYSREG_COUNT + 1];	/* by table index; the last: not in the table */
	uint64_t hcall[STATS_HCALL_SLOTS + 1];	/* by hypercall table row; the last: unknown */
};

struct vcpu;
const char *stats_reason_name(unsigned int r);
uint64_t stats_total(const struct vcpu *v);
/* The monitor's `stats`: every vCPU's exits, the busiest registers and calls. */
void stats_print(void);
/* One line for the power-off summary. */
void stats_print_summary(void);

#endif
