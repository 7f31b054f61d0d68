/*
 * The handover contract between a running firmware and the image an
 * `upgrade` starts (README "The handover contract"): where things lie in
 * the upgrade area, and the handover block the old firmware leaves there.
 * Contract version FWIMAGE_HANDOVER (vmstate/fwimage.h), in every image's
 * header; an image that speaks another is refused before anything changes.
 *
 * The upgrade area is the top of the firmware's 2 MiB window, above every
 * image's image_size (linker.ld asserts it), outside guest RAM (which
 * starts at 0x40400000) and so outside the guest's DTB, reserved from boot:
 *
 *   0x40340000  staging: the incoming image, as received (512 KiB at most)
 *   0x403c0000  the handover block (struct handover, below)
 *   0x403c4000  the trampoline: copies the staged image to 0x40200000
 *   0x403d0000  the blob (a state blob, vmstate/FORMAT.md), 64 KiB at most
 *   0x403e0000  the boot DTB's copy, 64 KiB at most
 *
 * Entry of the new image on the boot CPU: EL2, MMU and caches off (all of
 * the window cleaned to the point of coherency), DAIF masked, x0 = the
 * boot DTB's copy, x1 = the handover block, x2 = x3 = 0. Every other CPU
 * is off (PSCI CPU_OFF, its vCPU's state in the blob and in the block); the
 * new firmware starts them with PSCI CPU_ON as it resumes their vCPUs.
 */
#ifndef EL2_HANDOVER_H
#define EL2_HANDOVER_H

#include <stdint.h>

#include "el2/vcpu.h"
#include "vmstate/blob.h"

#define UPGRADE_BASE		UINT64_C(0x40340000)
#define UPGRADE_STAGE		UPGRADE_BASE
#define UPGRADE_STAGE_MAX	UINT64_C(0x80000)
#define HANDOVER_BLOCK		UINT64_C(0x403c0000)
#define HANDOVER_BLOCK_MAX	UINT64_C(0x4000)
#define HANDOVER_TRAMP		UINT64_C(0x403c4000)
#define HANDOVER_TRAMP_MAX	UINT64_C(0x1000)
#define HANDOVER_BLOB		UINT64_C(0x403d0000)
#define HANDOVER_BLOB_MAX	UINT64_C(0x10000)
#define HANDOVER_DTB		UINT64_C(0x403e0000)
#define HANDOVER_DTB_MAX	UINT64_C(0x10000)
#define UPGRADE_END		UINT64_C(0x40400000)
#define FW_LOAD_BASE		UINT64_C(0x40200000)

#define HANDOVER_MAGIC		UINT32_C(0x4f485652)	/* "RVHO" */
#define HANDOVER_LRS		16
#define HANDOVER_APRS		4
#define HANDOVER_SPIS		1024
#define HANDOVER_UART_REGS	32
#define HANDOVER_UART_RX	256

/*
 * What the blob does not carry and the guest must not lose across a
 * handover: its interrupts in flight (list registers, the queue behind
 * them, the virtual CPU interface of a blob format that lacks it), the
 * firmware's copy of its distributor settings and its emulated console.
 * The blob is authoritative for what it does carry: it is applied after.
 */
struct handover_vgic_cpu {
	uint64_t lr[HANDOVER_LRS];
	uint64_t ap0r[HANDOVER_APRS], ap1r[HANDOVER_APRS];
	uint64_t vmcr, hcr;
	uint64_t queued[VGIC_QUEUE_WORDS], queued_hw[VGIC_QUEUE_WORDS];
	uint8_t prio[32];
	uint32_t nr_lrs, valid;		/* valid: its CPU stored it */
};

struct handover_vgic {
	uint32_t ctlr, fw_spi_cfg;
	uint64_t fw_spi_route;
	uint32_t fw_spi_enabled, fw_spi_prio;
	uint8_t spi_prio[HANDOVER_SPIS];
};

struct handover_vuart {
	uint32_t regs[HANDOVER_UART_REGS];
	uint32_t rx_head, rx_tail;
	uint8_t rx[HANDOVER_UART_RX];
};

/* The guest as the old firmware found it at boot (its image is not checked again). */
struct handover_guest {
	uint64_t image_addr, image_end, entry, entry_x1;
	uint64_t initrd_start, initrd_end, dtb;
	uint32_t is_image, reported_status;
};

struct handover {
	uint32_t magic, contract;	/* HANDOVER_MAGIC, FWIMAGE_HANDOVER */
	uint32_t size, crc;		/* sizeof, CRC-32C of the block with crc 0 */
	uint32_t from_version, to_version;
	uint32_t nvcpus, blob_len;
	uint64_t blob, dtb;		/* HANDOVER_BLOB, HANDOVER_DTB */
	uint32_t dtb_len, pad;
	uint64_t t_stop;		/* CNTPCT_EL0 as the old firmware began the handover */
	uint64_t hw_mpidr[RV_MAX_CPUS];	/* the CPU each vCPU ran on */
	struct handover_guest guest;
	struct handover_vgic vgic;
	struct handover_vgic_cpu vgic_cpu[RV_MAX_CPUS];
	struct handover_vuart vuart;
};

_Static_assert(sizeof(struct handover) <= HANDOVER_BLOCK_MAX, "the handover block fits its page");
_Static_assert(HANDOVER_BLOB_MAX >= VMSTATE_MAX_BLOB, "the handover carries any blob");

/* el2/vgic.c and el2/vuart.c: their part of the block (handover, both ways). */
void vgic_handover_save(struct handover *h);
void vgic_handover_save_cpu(struct vcpu *v, struct handover_vgic_cpu *c);
void vgic_handover_restore(const struct handover *h);
void vuart_handover_save(struct handover_vuart *s);
void vuart_handover_restore(const struct handover_vuart *s);

#endif
