/*
 * regvisor's boot arguments, from /chosen/bootargs (and the build's default
 * hide list, parsed the same way). Portable, so the host tests feed it.
 *
 *   regvisor.hide=ID|NAME[,...]   leave these registers out of the state
 *   regvisor.tolerate=ID[,...]    an import may drop these unknown ids
 *   regvisor.cpu=V                the guest's ID view is version V's
 *   regvisor.compat=V             the guest lives in version V's world
 *   regvisor.bmap2=N              VENDOR_HYP_BMAP_2 (version 2 on)
 *   regvisor.fault=el2|stack      crash EL2 on purpose: a bad load, or a stack
 *                                 overflow into the guard page (tests the report)
 *   regvisor.bench=1              run the instruction-count benchmarks first
 *   regvisor.guestarg=N           passed to the guest in x1 (test guest modes)
 *   regvisor.incoming=uart        wait at the monitor for a state to `load`
 *   regvisor.checkpoint=save      on the guest's checkpoint call, print the
 *                                 blob and go on (default: stop at the monitor)
 *   regvisor.checkpoint=cycle     save to memory, load it back, go on (soak)
 *   regvisor.load_timeout=N       seconds `load` waits for input (default 30)
 *   regvisor.onfault=monitor      stop at the monitor when the guest faults
 *   regvisor.guest=ADDR           the guest image a bootloader put in RAM
 *                                 (arm64 Image, or a raw binary entered at ADDR)
 *   regvisor.initrd=ADDR,SIZE     the guest's initrd (default: /chosen's
 *                                 linux,initrd-start/end)
 *   regvisor.breakin=N|off        the console key that stops the guest and
 *                                 opens the monitor (default 0x1d, Ctrl-])
 *   regvisor.dumpdtb=1            print the guest DTB (base64, BEGIN/END REGVISOR DTB)
 *   regvisor.traplog=1            one line the first time each system-register
 *                                 encoding traps, per direction (the sweep test)
 *   ... -- ARGS                   everything after " -- " is the guest's command line
 *
 * A bad item gets one error line naming it and is ignored; parsing goes on.
 * A bad regvisor.guest or regvisor.initrd also sets guest_args_bad: the
 * loader then starts no guest (it would not be the one the user named).
 */
#ifndef SYSREG_BOOTARGS_H
#define SYSREG_BOOTARGS_H

#include "lib/parse.h"
#include "sysreg/sysreg.h"

#define CONFIG_TOLERATE_MAX	16
#define CONFIG_BREAKIN_DEFAULT	0x1d	/* Ctrl-] */

struct rv_config {
	struct sysreg_mask hide;
	unsigned int ntolerate;
	uint64_t tolerate[CONFIG_TOLERATE_MAX];	/* KVM ids, known or not */
	unsigned int cpu_version;
	unsigned int world_version;
	uint64_t bmap2;
	bool fault_el2;
	bool fault_stack;
	uint64_t guestarg;
	bool incoming;
	bool checkpoint_save;
	bool checkpoint_cycle;
	bool fault_monitor;
	unsigned int load_timeout;
	bool bench;
	uint64_t guest_addr;		/* 0: none given */
	uint64_t initrd_addr, initrd_size;	/* size 0: none given */
	bool guest_args_bad;		/* a bad regvisor.guest/initrd: start no guest */
	bool dump_dtb;			/* print the guest DTB, framed */
	bool traplog;			/* log each trapped MRS/MSR encoding once */
	int breakin;			/* break-in key, -1: none */
};

void config_defaults(struct rv_config *c);
/* Apply one argument string; returns the number of errors reported. */
unsigned int config_parse(struct rv_config *c, const char *args, const char *origin);
/*
 * After all strings are parsed: settings that contradict each other are
 * named and brought back in line (a CPU model newer than the world, a
 * VENDOR_HYP_BMAP_2 outside its world or its bits). Returns the errors.
 */
unsigned int config_finish(struct rv_config *c);
/* A register by KVM id (hex) or name, as the user wrote it, or -1. */
int sysreg_lookup_user(const char *s, size_t len);

#endif
