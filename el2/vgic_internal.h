/*
 * Inside the vGIC (el2/vgic.c, el2/vgic_mmio.c): the GIC's register
 * offsets, the state the two files share, and the firmware's INTIDs.
 * Nothing outside the vGIC includes this.
 */
#ifndef EL2_VGIC_INTERNAL_H
#define EL2_VGIC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "el2/vgic.h"

/* Distributor (GICD_*) offsets. */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_TYPER2		0x000c
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ICENABLER		0x0180
#define GICD_ISPENDR		0x0200
#define GICD_ICPENDR		0x0280
#define GICD_ISACTIVER		0x0300
#define GICD_ICACTIVER		0x0380
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IGRPMODR		0x0d00
#define GICD_IROUTER		0x6000
#define GICD_IDREGS		0xffd0
#define GICD_SIZE		0x10000
#define GICD_TYPER_LPIS_MBIS	(UINT32_C(3) << 16)
#define GICD_CTLR_RWP		(UINT32_C(1) << 31)
#define GICD_CTLR_ARE		(UINT32_C(1) << 4)
#define GICD_CTLR_G1		(UINT32_C(1) << 1)
#define GICD_CTLR_G0		(UINT32_C(1) << 0)

/* Redistributor: RD_base frame, then SGI_base frame. */
#define GICR_FRAME		0x20000
#define GICR_SGI		0x10000
#define GICR_CTLR		0x0000
#define GICR_IIDR		0x0004
#define GICR_TYPER		0x0008
#define GICR_WAKER		0x0014
#define GICR_IDREGS		0xffd0
#define GICR_TYPER_LAST		(UINT64_C(1) << 4)
#define GICR_WAKER_SLEEP	(UINT32_C(1) << 1)
#define GICR_WAKER_ASLEEP	(UINT32_C(1) << 2)

#define MPIDR_AFF		UINT64_C(0xff00ffffff)

struct vgic {
	bool present;
	uint64_t gicd, gicr_base, gicr_size;
	uint32_t fw_spi;			/* the console's SPI, 0 if none */
	/* What the guest set for fw_spi: it drives the emulated console's interrupt. */
	bool fw_spi_enabled;
	uint8_t fw_spi_prio;
	uint32_t fw_spi_cfg;
	uint64_t fw_spi_route;
	uint32_t ctlr;				/* the guest's GICD_CTLR enables */
	uint8_t spi_prio[VGIC_MAX_INTID];	/* the guest's SPI priorities, for list registers */
};
extern struct vgic vgic_g;


/* The firmware's own INTIDs (its SGI, the maintenance PPI, the console's SPI). */
bool vgic_fw_intid(uint32_t intid);
/* Bits of a one-bit-per-INTID word (INTIDs first..first+31) the firmware keeps. */
uint32_t vgic_fw_bits(uint32_t first);
/* ... and of a word with `width` bits per INTID. */
uint32_t vgic_fw_field_mask(uint32_t first, unsigned int width);

#endif
