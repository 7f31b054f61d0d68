/*
 * The guest's GICv3: its CPU interface is the hardware's virtual one (list
 * registers, ICH_*_EL2); its distributor and redistributors are the real
 * ones seen through EL2, which forwards every access except to what the
 * firmware keeps for itself (README "Design: interrupts").
 */
#ifndef EL2_VGIC_H
#define EL2_VGIC_H

#include <stdbool.h>
#include <stdint.h>

#define VGIC_FW_SGI		15	/* the firmware's IPI between CPUs; the guest's SGI 15 is dropped */
#define VGIC_MAINT_PPI		25	/* the virtual interface's maintenance interrupt */
#define VGIC_MAX_INTID		1020
#define VGIC_QUEUE_WORDS	(1024 / 64)
#define VGIC_MAX_LRS		16	/* ICH_LR0_EL2..ICH_LR15_EL2 */

/*
 * Per vCPU: the list registers live in its CPU while it runs, in lr[]
 * while it is stopped (in_memory: vgic_state_to_memory); what did not fit
 * waits in queued[].
 */
struct handover_vgic_cpu;

struct vgic_cpu {
	uint64_t gicr;				/* its physical redistributor (RD_base) */
	uint64_t queued[VGIC_QUEUE_WORDS];	/* INTIDs waiting for a list register */
	uint64_t queued_hw[VGIC_QUEUE_WORDS];	/* ... of which hardware-linked */
	uint64_t lr[VGIC_MAX_LRS];		/* the list registers, while in_memory */
	bool in_memory;
	uint8_t prio[32];			/* the guest's SGI/PPI priorities */
	unsigned int nr_lrs;
	uint32_t lrs_mask;			/* (1 << nr_lrs) - 1: el2/vectors.S's */
	uint64_t sgi_target;	/* its vMPIDR as ICC_SGI1R_EL1 names it: affinity, RS, list bit */
	/* upgrade: what the old firmware left in flight, for vgic_cpu_init (el2/handover.h) */
	const struct handover_vgic_cpu *carried;
};

struct vcpu;
struct el2_frame;
struct handover_vgic_cpu;
struct vmstate;
struct vmstate_report;
struct vmstate_dev_ops;

/* Boot CPU, once: the distributor, each vCPU's redistributor. False: no GICv3. */
bool vgic_init(void);
bool vgic_present(void);
/* Every CPU as its vCPU starts: its CPU interfaces, an empty virtual one. */
void vgic_cpu_init(struct vcpu *v);
/* A stopped vCPU's interrupts in flight forgotten, in memory only (the monitor's `wipe`). */
void vgic_cpu_wipe(struct vcpu *v);
/* v's CPU goes off: the hardware-linked interrupts its list registers hold deactivated. */
void vgic_cpu_off(struct vcpu *v);
/* A physical interrupt reached EL2 while v ran: handle or deliver each pending one. */
void vgic_irq(struct vcpu *v);
/* Make INTID pending for v, which runs on this CPU (hw: linked to the physical one). */
void vgic_inject(struct vcpu *v, uint32_t intid, bool hw);
/* A level interrupt of an emulated device: told again (vuart_level_check) after each EOI. */
void vgic_inject_level(struct vcpu *v, uint32_t intid);
/* The vCPUs el2/vectors.S sends SGIs to itself (bit i: vCPU i), after a power change. */
extern uint64_t vgic_sgi_on;
void vgic_sgi_on_update(void);
/* The GIC identification registers el2/vectors.S answers for v (v->mmio). */
void vgic_vector_sync(struct vcpu *v);
/* An ICC_SGI1R_EL1 value that names the CPU mpidr alone (its sgi_target). */
uint64_t vgic_sgi_target(uint64_t mpidr);
/* The guest wrote ICC_SGI1R_EL1. */
void vgic_sgi1r(struct vcpu *v, uint64_t val);
/* Interrupt t's CPU with the firmware's own SGI (it comes to EL2). */
void vgic_kick(const struct vcpu *t);
/* A guest access to the distributor or redistributors: emulated (true) or not ours. */
bool vgic_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val);
/* The console's SPI: the firmware's from now on; the guest's settings for it kept aside. */
void vgic_claim_spi(uint32_t intid);
/* The guest enabled that SPI (and its distributor's group 1). */
bool vgic_spi_enabled_for_guest(void);

/*
 * What the state code (el2/vgic_state.c) reaches: a register as the
 * guest's MMIO reads and writes it (vcpu < 0: the distributor at offset
 * off; else vCPU vcpu's redistributor, off from its RD_base, the SGI frame
 * at 0x10000), with the firmware's INTIDs masked and the console SPI's
 * settings kept aside; the distributor's INTIDs; the console's SPI (0:
 * none); list registers per CPU (the boot CPU's: every CPU has as many);
 * a guest priority as list registers get it.
 */
void vgic_guest_rw(int vcpu, uint32_t off, unsigned int size, bool write, uint64_t *val);
unsigned int vgic_nintids(void);
uint32_t vgic_console_spi(void);
unsigned int vgic_nr_lrs(void);
uint8_t vgic_guest_prio(const struct vcpu *v, uint32_t intid);

/*
 * el2/vgic_state.c: the guest's GIC in the state blob (vmstate/FORMAT.md).
 * A stopped vCPU's list registers into memory (its CPU's emptied) and back
 * into its CPU (what a load put there included), with the underflow
 * maintenance interrupt on when some wait in the queue.
 */
void vgic_state_to_memory(struct vcpu *v);
void vgic_state_to_cpu(struct vcpu *v);
/*
 * Into s (format 2.0): the distributor's guest-owned registers (the VM's
 * DEVREGS), each vCPU's SGI-frame registers and virtual interrupts in
 * flight (its DEVREGS); only what differs from reset. Every vCPU stopped.
 * Returns the problems added to rep (too many entries).
 */
unsigned int vgic_state_export(struct vmstate *s, struct vmstate_report *rep);
/* The device hook for loading s (NULL without a GICv3: every device entry refused). */
const struct vmstate_dev_ops *vgic_state_ops(const struct vmstate *s);

#endif
