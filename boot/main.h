/* The boot flow: the top of the firmware, calling every layer below. */
#ifndef BOOT_MAIN_H
#define BOOT_MAIN_H

#include "plat/plat.h"

/* handover: x1 at entry, an upgrade's handover block (el2/handover.h), or 0. */
void boot_main(const void *dtb, unsigned int entry_el, uint64_t handover);
void boot_without_el2(const void *dtb);
/* Started at EL3, before the drop to EL2: what only EL3 may set up (the GIC's security). */
void boot_at_el3(const void *dtb);

#endif
