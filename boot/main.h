/* The boot flow: the top of the firmware, calling every layer below. */
#ifndef BOOT_MAIN_H
#define BOOT_MAIN_H

#include "plat/plat.h"

void boot_main(const void *dtb, unsigned int entry_el);
void boot_without_el2(const void *dtb);

#endif
