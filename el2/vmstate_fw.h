/* The firmware's side of the state blob: save the stopped guest (every vCPU), load one. */
#ifndef EL2_VMSTATE_FW_H
#define EL2_VMSTATE_FW_H

#include "el2/vcpu.h"

/*
 * Export the stopped guest, every vCPU, for a destination of version
 * `target` (0: this version) and print it framed on the console: format
 * 1.0 for a target before VMSTATE_FIRST_V2_FIRMWARE (one vCPU only, no
 * GIC state), else 2.0 with the GIC state. Refusals print one line per problem and leave nothing out. Returns
 * true when a blob was printed. v is the vCPU whose CPU runs this.
 */
bool vmstate_save(struct vcpu *v, unsigned int target);

/*
 * The same blob into out (cap bytes) instead of the console: its length,
 * or 0 after the refusal lines (`regvisor: WHO: ...`; *refused) or an
 * encoding error line. vmstate_export_summary() then says what it holds.
 */
size_t vmstate_export(struct vcpu *v, unsigned int target, uint8_t *out, size_t cap,
		      const char *who, bool *refused);
void vmstate_export_summary(const char *who, unsigned int target, size_t len);
/* A blob as it is, framed on the console. */
void vmstate_frame_print(const uint8_t *blob, size_t len);

/*
 * Check a whole blob, every vCPU, and only then put it into the stopped
 * guest's memory: general, FP/SIMD, system and firmware registers, the
 * virtual counter, the interrupts in flight (and, into the GIC itself, the
 * distributor's and redistributors' guest-owned state: el2/vgic_state.c);
 * then vcpu_state_loaded() for each vCPU. A refused blob changes nothing.
 * Returns true when it was loaded.
 */
bool vmstate_load(struct vcpu *v, const uint8_t *blob, size_t len, bool quiet);

/*
 * Save the stopped guest into memory and load it straight back, through the
 * whole codec and every check (the soak test). Panics if that fails: it is
 * this firmware's own blob.
 */
void vmstate_cycle(struct vcpu *v);

/*
 * el2's side (declared in el2/vcpu.h by that change too): vCPU v's state
 * in memory was replaced by a load; on resume its CPU takes it into the
 * hardware (context registers, ID view) and its power state becomes
 * `power` (enum vcpu_power), for ON_PENDING starting at entry with x0 =
 * context.
 */

/* Bytes of the firmware's state buffers (fixed: nothing is allocated). */
size_t vmstate_fw_buffer_bytes(void);

/* Stop the guest's virtual counter at its current value, or run it on from there. */
void vcpu_time_stop(struct vcpu *v);
void vcpu_time_resume(struct vcpu *v);

#endif
