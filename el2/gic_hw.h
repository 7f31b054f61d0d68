/*
 * The GICv3 as EL2 reaches it: the physical CPU interface (ICC_*), the
 * virtual CPU interface's controls (ICH_*), and the distributor's and
 * redistributors' registers (MMIO). Arm IHI 0069 (GICv3/v4 architecture).
 */
#ifndef EL2_GIC_HW_H
#define EL2_GIC_HW_H

#include <stdbool.h>
#include <stdint.h>

/* The physical CPU interface, this CPU, at EL2. */
void gic_hw_cpu_init(void);		/* system registers on, EOImode 1, group 1 on */
uint32_t gic_hw_ack(void);		/* ICC_IAR1_EL1 */
void gic_hw_drop(uint32_t intid);	/* ICC_EOIR1_EL1: priority drop only */
void gic_hw_deactivate(uint32_t intid);	/* ICC_DIR_EL1 */
void gic_hw_sgi(uint64_t sgi1r);	/* ICC_SGI1R_EL1 */

/* The virtual CPU interface's controls, this CPU. */
unsigned int ich_hw_nr_lrs(void);	/* ICH_VTR_EL2.ListRegs + 1 */
unsigned int ich_hw_nr_aprs(void);	/* ICH_AP1R<n>_EL2 that exist: 1, 2 or 4 */
uint64_t ich_hw_lr_read(unsigned int n);
void ich_hw_lr_write(unsigned int n, uint64_t lr);
uint64_t ich_hw_elrsr(void);		/* bit n set: LR n holds no interrupt */
uint64_t ich_hw_eisr(void);		/* bit n set: LR n's interrupt was EOIed (EOI bit) */
void ich_hw_hcr_write(uint64_t hcr);
uint64_t ich_hw_vmcr_read(void);
void ich_hw_vmcr_write(uint64_t vmcr);
uint64_t ich_hw_ap1r_read(unsigned int n);
void ich_hw_ap1r_write(unsigned int n, uint64_t v);

/* This CPU has the GIC system-register interface (ID_AA64PFR0_EL1.GIC: a GICv3's). */
bool gic_hw_cpu_sysregs(void);
/*
 * From EL3, before the drop to EL2: ICC_SRE_EL3 letting EL2 use the
 * system registers (where the CPU has them), and the GICv3 at gicd (0:
 * none) to one security state, GICD_CTLR.DS set by a Secure write.
 */
void gic_hw_el3_open(uint64_t gicd);
/* Whether the GICv3 at gicd has one security state (GICD_CTLR.DS). */
bool gic_hw_security_disabled(uint64_t gicd);

/* MMIO, naturally aligned. */
uint32_t gic_hw_read32(uint64_t addr);
void gic_hw_write32(uint64_t addr, uint32_t v);
uint64_t gic_hw_read64(uint64_t addr);
void gic_hw_write64(uint64_t addr, uint64_t v);
uint8_t gic_hw_read8(uint64_t addr);
void gic_hw_write8(uint64_t addr, uint8_t v);

#endif
