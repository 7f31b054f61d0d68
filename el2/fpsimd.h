/*
 * The guest's FP/SIMD registers and the firmware's promise not to clobber
 * them (../DESIGN "Firmware memory and FP/SIMD"). Firmware code is built
 * -mgeneral-regs-only; code that is not (picolibc's stdio) is entered only
 * after fpsimd_claim() has saved the guest's registers, and the guest gets
 * them back from fpsimd_release() before it runs again.
 */
#ifndef EL2_FPSIMD_H
#define EL2_FPSIMD_H

#include <stdbool.h>
#include <stdint.h>

struct fpsimd_state {
	uint64_t v[32][2];	/* V0..V31, low half first */
	uint64_t fpsr;
	uint64_t fpcr;
};

/* el2/fpsimd_hw.S */
void fpsimd_save(struct fpsimd_state *st);
void fpsimd_restore(const struct fpsimd_state *st);

/* Mark that this CPU's vCPU owns the FP/SIMD registers from now on (or not). */
void fpsimd_guest_live(bool live);
void fpsimd_claim(void);
void fpsimd_release(void);

#endif
