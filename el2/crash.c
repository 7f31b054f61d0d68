/*
 * The crash report: an exception EL2 did not expect. Everything is printed
 * as aligned `name = 0x…` lines, then the board powers off with a failure
 * status, so a log always says what happened and never just stops.
 */
#include <stdio.h>

#include "el2/asm.h"
#include "plat/plat.h"
#include "el2/trap.h"

_Static_assert(offsetof(struct el2_frame, sp) == FRAME_SP, "vectors.S layout");
_Static_assert(offsetof(struct el2_frame, elr) == FRAME_ELR, "vectors.S layout");
_Static_assert(offsetof(struct el2_frame, spsr) == FRAME_SPSR, "vectors.S layout");
_Static_assert(offsetof(struct el2_frame, esr) == FRAME_ESR, "vectors.S layout");
_Static_assert(offsetof(struct el2_frame, far) == FRAME_FAR, "vectors.S layout");
_Static_assert(sizeof(struct el2_frame) == FRAME_SIZE, "vectors.S layout");
_Static_assert(FRAME_SIZE % 16 == 0, "SP must stay 16-byte aligned");

static const char *const vector_names[16] = {
	"EL2 SP0 sync", "EL2 SP0 IRQ", "EL2 SP0 FIQ", "EL2 SP0 SError",
	"EL2 sync", "EL2 IRQ", "EL2 FIQ", "EL2 SError",
	"guest sync", "guest IRQ", "guest FIQ", "guest SError",
	"AArch32 guest sync", "AArch32 guest IRQ", "AArch32 guest FIQ", "AArch32 guest SError",
};

const char *esr_ec_name(unsigned int ec, char buf[8])
{
	switch (ec) {
#define ESR_EC(val, name) case val: return #name;
#include "el2/esr.def"
#undef ESR_EC
	}
	snprintf(buf, 8, "EC_0x%02x", ec & 0x3f);
	return buf;
}

/* el2/vectors.S: a guest frame that would ERET anywhere but EL0/EL1 AArch64. */
_Noreturn void el2_bad_return(void);
void el2_bad_return(void)
{
	PANIC("refusing to return to the guest with SPSR_EL2 naming no EL0/EL1 AArch64 mode");
}

void el2_crash(struct el2_frame *f, unsigned int kind)
{
	char ecbuf[8];
	unsigned int ec = esr_ec(f->esr);

	printf("\nregvisor: CRASH: unexpected exception: %s, %s\n",
	       vector_names[kind & 15], esr_ec_name(ec, ecbuf));
	printf("crash: esr  = 0x%016llx\n", (unsigned long long)f->esr);
	printf("crash: elr  = 0x%016llx\n", (unsigned long long)f->elr);
	printf("crash: far  = 0x%016llx\n", (unsigned long long)f->far);
	printf("crash: spsr = 0x%016llx\n", (unsigned long long)f->spsr);
	printf("crash: sp   = 0x%016llx\n", (unsigned long long)f->sp);
	for (unsigned int i = 0; i < 31; i++)
		printf("crash: x%-3u = 0x%016llx\n", i, (unsigned long long)f->x[i]);
	board_poweroff(EXIT_CRASH);
}
