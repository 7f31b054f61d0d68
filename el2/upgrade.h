/* Live upgrade: the monitor's `upgrade`, and the new image taking the guest over (el2/upgrade.c). */
#ifndef EL2_UPGRADE_H
#define EL2_UPGRADE_H

#include "el2/vcpu.h"

struct handover;

/*
 * `upgrade` (preloaded: the image a bootloader left at addr; else framed
 * over the console): check it, export the stopped guest for its version,
 * hand over. Returns (false) only when something was refused, having said
 * why: nothing changed. no_state: the monitor has no guest state (booted
 * for incoming state, wiped, or a refused handover: then its blob goes on).
 */
bool upgrade_run(struct vcpu *v, bool preloaded, uint64_t addr, bool no_state);
/* A CPU parked for the monitor, when vm.handover is set: its part of the block, then off. */
_Noreturn void upgrade_cpu_off(struct vcpu *v);

/*
 * The new image at boot: the handover block at addr (x1 at entry), or NULL
 * (addr 0: a bootloader's boot; else *why says what is wrong with it).
 */
const struct handover *handover_take(uint64_t addr, const char **why);
/* STOP_FOR_HANDOVER: import the block's blob, or the monitor with it refused. True: loaded. */
bool upgrade_import(struct vcpu *v);
/* `save` after a refused handover: the blob as it came. */
void upgrade_print_refused_blob(void);
/* Just before the guest's first instruction here: how long the handover took. */
void upgrade_report(void);

#endif
