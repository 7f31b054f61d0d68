/*
 * What the firmware knows about the board it runs on. Filled from the DTB;
 * the defaults describe QEMU's virt machine, used when the DTB is missing
 * or does not say.
 */
#ifndef BOOT_BOARD_H
#define BOOT_BOARD_H

#include "lib/rv.h"

enum psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

#define BOARD_BOOTARGS_MAX	512
#define BOARD_CPUS_MAX		8	/* = RV_MAX_CPUS: one vCPU per CPU */

struct board {
	const void *dtb;		/* NULL when no valid DTB was found */
	int dtb_error;			/* libfdt's error when the DTB was rejected */
	uint64_t uart_base;
	bool uart_from_dtb;
	uint64_t ram_base;
	uint64_t ram_size;
	bool ram_from_dtb;
	enum psci_conduit psci;
	bool psci_hvc_ignored;
	char bootargs[BOARD_BOOTARGS_MAX];
	bool bootargs_truncated;
	const char *guest_args;		/* after " -- " in bootargs, or NULL */
	uint64_t initrd_start, initrd_end;	/* /chosen's, end 0 if none */
	uint64_t gicd_base, gicr_base, gicr_size;	/* the GICv3; gicd_base 0: none found */
	uint32_t uart_intid;		/* the console's SPI as a GIC INTID, 0 if unknown */
	unsigned int ncpus;		/* /cpus' cpu nodes, at most BOARD_CPUS_MAX */
	bool cpus_truncated;		/* the DTB lists more than that */
	uint64_t cpu_mpidr[BOARD_CPUS_MAX];	/* each one's reg: MPIDR affinity */
};

/* QEMU virt (hw/arm/virt.c memory map). */
#define VIRT_UART_BASE		UINT64_C(0x09000000)
#define VIRT_UART_INTID		33
#define VIRT_GICD_BASE		UINT64_C(0x08000000)
#define VIRT_GICR_BASE		UINT64_C(0x080a0000)
#define VIRT_GICR_SIZE		UINT64_C(0x00f60000)
#define VIRT_RAM_BASE		UINT64_C(0x40000000)
#define VIRT_RAM_SIZE		UINT64_C(0x08000000)

/* The EL2 stage-1 map covers the low 4 GiB (boot/mmu_hw.c). */
#define BOARD_MAPPED_LIMIT	UINT64_C(0x100000000)

/* The firmware's copy of the boot DTB (its struct and strings; QEMU pads to 1 MiB). */
#define BOARD_DTB_COPY_MAX	0x10000

void board_defaults(struct board *b);
/* Move the boot DTB into the firmware's memory; false (dtb_error set) if it does not fit. */
bool board_keep_dtb(struct board *b);
/* Fill b from the DTB at dtb (or, when that is not one, the start of RAM). */
void board_from_fdt(struct board *b, const void *dtb);
/* First (address, size) pair of node's "reg", in its parent's cell sizes. */
bool board_fdt_first_reg(const void *fdt, int node, uint64_t *addr, uint64_t *size);

#endif
