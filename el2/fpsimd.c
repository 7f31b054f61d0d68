/* Lazy saving of the guest's FP/SIMD registers around firmware work. */
#include <stddef.h>

#include "el2/fpsimd.h"

_Static_assert(offsetof(struct fpsimd_state, fpsr) == 512, "fpsimd_hw.S layout");
_Static_assert(offsetof(struct fpsimd_state, fpcr) == 520, "fpsimd_hw.S layout");

static struct fpsimd_state *fpsimd_owner;	/* the live guest's save area */
static int fpsimd_saved;

void fpsimd_guest_live(struct fpsimd_state *st)
{
	fpsimd_owner = st;
	fpsimd_saved = 0;
}

void fpsimd_claim(void)
{
	if (fpsimd_owner && !fpsimd_saved) {
		fpsimd_save(fpsimd_owner);
		fpsimd_saved = 1;
	}
}

void fpsimd_release(void)
{
	if (fpsimd_owner && fpsimd_saved) {
		fpsimd_restore(fpsimd_owner);
		fpsimd_saved = 0;
	}
}
