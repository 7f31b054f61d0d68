/* The host's fake register backend (sysreg/sysreg_fake.c), for tests. */
#ifndef SYSREG_SYSREG_FAKE_H
#define SYSREG_SYSREG_FAKE_H

#include "sysreg/sysreg.h"

extern uint64_t fake_hw[SYSREG_COUNT];
extern unsigned int fake_hw_writes;
void fake_hw_reset(void);

#endif
