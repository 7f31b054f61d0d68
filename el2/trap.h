/* Guest traps and the EL2 exception frame shared with el2/vectors.S. */
#ifndef EL2_TRAP_H
#define EL2_TRAP_H

#include "lib/rv.h"

struct el2_frame {
	uint64_t x[31];
	uint64_t sp;		/* only filled for crash reports */
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

#define ESR_EC_SHIFT	26
#define ESR_EC_MASK	UINT64_C(0x3f)
#define ESR_IL		BIT64(25)
#define ESR_ISS_MASK	UINT64_C(0x1ffffff)

static inline unsigned int esr_ec(uint64_t esr)
{
	return (unsigned int)((esr >> ESR_EC_SHIFT) & ESR_EC_MASK);
}

enum esr_ec {
#define ESR_EC(val, name) ESR_EC_##name = val,
#include "el2/esr.def"
#undef ESR_EC
};

/* "HVC64", or "EC_0x2a" kept in buf when the class has no name here. */
const char *esr_ec_name(unsigned int ec, char buf[8]);

/* Called by el2/vectors.S. */
struct vcpu;
void el2_guest_sync(struct el2_frame *f, struct vcpu *v);
int el2_light_call(struct el2_frame *f, struct vcpu *v);
int el2_light_sysreg(struct el2_frame *f, struct vcpu *v);
int el2_light_abort(struct el2_frame *f, struct vcpu *v);
void el2_guest_irq(struct el2_frame *f, struct vcpu *v);
_Noreturn void el2_crash(struct el2_frame *f, unsigned int kind);
_Noreturn void el2_enter_guest(struct el2_frame *f);

/*
 * The guest finished the instruction EL2 emulated: step past it, as the
 * CPU would (Arm ARM D2.12: a completed step clears PSTATE.SS; BTYPE is 0
 * after any instruction but a branch).
 */
#define PSTATE_SS		BIT64(21)
#define PSTATE_BTYPE_MASK	(UINT64_C(3) << 10)
static inline void el2_skip_instr(struct el2_frame *f)
{
	f->elr += 4;
	f->spsr &= ~(PSTATE_SS | PSTATE_BTYPE_MASK);
}
/* Make the guest take an Undefined Instruction exception at its EL1. */
void el2_inject_undef(struct vcpu *v, struct el2_frame *f);

#endif
