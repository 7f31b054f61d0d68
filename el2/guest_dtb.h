/*
 * The guest's device tree, built from the boot DTB with libfdt (both halves).
 *
 * The guest gets a whitelist of the board: the root's identity, its RAM as
 * the only /memory, /chosen with its own command line and initrd, one cpu
 * node per vCPU with PSCI by HVC, the console PL011 (and the clocks it
 * references), the GICv3 without its ITS, the architected timer. Every other
 * device, the boot DTB's memory reservations, seeds and command line are
 * left out. The boot DTB is outside input: a bad one gets an error, never a
 * crash, and out never holds a half-built tree.
 */
#ifndef EL2_GUEST_DTB_H
#define EL2_GUEST_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef RV_MAX_CPUS
#define RV_MAX_CPUS	8	/* vCPUs a guest may have */
#endif

struct guest_dtb_cfg {
	uint64_t ram_base, ram_size;	/* the guest's RAM: the only /memory */
	uint64_t initrd_start, initrd_end;	/* both 0: no initrd; else inside RAM */
	const char *bootargs;		/* the guest's command line, may be "" */
	unsigned int ncpus;		/* vCPUs offered, 1..RV_MAX_CPUS */
	const uint64_t *mpidr;		/* each vCPU's MPIDR (the cpu node's reg: Aff fields only) */
	uint64_t uart_base;		/* the console the guest keeps (a pl011 whose reg base is this) */
	uint64_t resv_base, resv_size;	/* inside RAM, the guest must not use (0, 0: none) */
};

/*
 * Build the guest's DTB into out (out_size bytes, 8-byte aligned, not
 * overlapping boot_dtb, which must be readable for its header's totalsize).
 * Returns 0 with a packed tree of fdt_totalsize(out) bytes, or a negative
 * libfdt error with *why set to a short reason; then out's header is
 * cleared, so no partial tree can be taken for a DTB. Uses FP/SIMD (Debian's
 * libfdt is not built general-regs-only): claims the guest's registers first.
 */
int guest_dtb_build(void *out, size_t out_size, const void *boot_dtb,
		    const struct guest_dtb_cfg *c, const char **why);

/*
 * regvisor.dumpdtb=1: print a built guest DTB on the console, framed as the
 * state blob is (vmstate/frame.h) between these markers, for a host to
 * decode (tests/qemu/test_loader.py, dtc -I dtb).
 */
#define GUEST_DTB_FRAME_BEGIN	"-----BEGIN REGVISOR DTB-----"
#define GUEST_DTB_FRAME_END	"-----END REGVISOR DTB-----"
void guest_dtb_print(const void *dtb);

#endif
