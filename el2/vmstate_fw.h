/* The firmware's side of the vCPU state blob: save the stopped guest, load one. */
#ifndef EL2_VMSTATE_FW_H
#define EL2_VMSTATE_FW_H

#include "el2/vcpu.h"

/*
 * Export the stopped guest for a destination of version `target` (0: this
 * version) and print it framed on the console. Refusals print one line per
 * problem and leave nothing out. Returns true when a blob was printed.
 */
bool vmstate_save(struct vcpu *v, unsigned int target);

/*
 * Check a whole blob and only then put it into the stopped guest: general,
 * FP/SIMD, system and firmware registers, the virtual counter. A refused
 * blob changes nothing. Returns true when it was loaded.
 */
bool vmstate_load(struct vcpu *v, const uint8_t *blob, size_t len, bool quiet);

/*
 * Save the stopped guest into memory and load it straight back, through the
 * whole codec and every check (the soak test). Panics if that fails: it is
 * this firmware's own blob.
 */
void vmstate_cycle(struct vcpu *v);

/* Bytes of the firmware's state buffers (fixed: nothing is allocated). */
size_t vmstate_fw_buffer_bytes(void);

/* Stop the guest's virtual counter at its current value, or run it on from there. */
void vcpu_time_stop(struct vcpu *v);
void vcpu_time_resume(struct vcpu *v);

#endif
