/* Lazy saving of the guest's FP/SIMD registers around firmware work. */
#include <stddef.h>

#include "el2/vcpu.h"

_Static_assert(offsetof(struct fpsimd_state, fpsr) == 512, "fpsimd_hw.S layout");
_Static_assert(offsetof(struct fpsimd_state, fpcr) == 520, "fpsimd_hw.S layout");

/*
 * Each CPU's guest registers belong to the vCPU it runs. Until a guest is
 * first made live, nothing is looked up: printf also runs at EL1, where
 * TPIDR_EL2 cannot be read (boot_without_el2).
 */
static bool fpsimd_any_live;

void fpsimd_guest_live(bool live)
{
	struct vcpu *v = vcpu_current();

	fpsimd_any_live = true;
	v->fp_live = live;
	v->fp_saved = false;
}

void fpsimd_claim(void)
{
	struct vcpu *v;

	if (!fpsimd_any_live)
		return;
	v = vcpu_current();
	if (v->fp_live && !v->fp_saved) {
		fpsimd_save(&v->fp);
		v->fp_saved = true;
	}
}

void fpsimd_release(void)
{
	struct vcpu *v;

	if (!fpsimd_any_live)
		return;
	v = vcpu_current();
	if (v->fp_live && v->fp_saved) {
		fpsimd_restore(&v->fp);
		v->fp_saved = false;
	}
}
