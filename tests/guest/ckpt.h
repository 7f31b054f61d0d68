/* The registers guest_checkpoint (checkpoint.S) loads and stores back. */
#ifndef GUEST_CKPT_H
#define GUEST_CKPT_H

#include <stddef.h>
#include <stdint.h>

struct ckpt {
	uint64_t x[32];		/* x0..x30, one spare */
	uint64_t v[32][2];	/* V0..V31, low half first */
	uint64_t fpsr;
	uint64_t fpcr;
};

_Static_assert(offsetof(struct ckpt, v) == 256, "checkpoint.S layout");
_Static_assert(offsetof(struct ckpt, fpsr) == 768, "checkpoint.S layout");
_Static_assert(offsetof(struct ckpt, fpcr) == 776, "checkpoint.S layout");

_Noreturn void guest_checkpoint(const struct ckpt *in);
extern struct ckpt ckpt_out;
_Noreturn void guest_after_checkpoint(void);

#endif
