/* The monitor console: a prompt on the UART while the guest is stopped. */
#ifndef EL2_MONITOR_H
#define EL2_MONITOR_H

#include "el2/vcpu.h"

#define MONITOR_LINE_MAX	128

/*
 * Take commands until `resume`. `why` is printed once. With loaded_required,
 * resume is refused until a blob was loaded (booted for incoming state).
 * Returns true when a blob was loaded: the guest is another one now.
 */
bool monitor_run(struct vcpu *v, const char *why, bool loaded_required);

/*
 * One frame between the markers begin and end from the console into out
 * (cap bytes at most): its length, or 0 after one error line
 * (`regvisor: WHO: error: ...; NOTHING`) or a cancel.
 */
size_t monitor_read_frame(const char *begin, const char *end, uint8_t *out, size_t cap,
			  const char *who, const char *nothing);

#endif
