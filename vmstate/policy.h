/*
 * What may leave and what may enter: export with hidden registers left out
 * (refused when one does not hold its default), and the all-or-nothing
 * import check against this firmware's table. Portable.
 */
#ifndef VMSTATE_POLICY_H
#define VMSTATE_POLICY_H

#include "sysreg/sysreg.h"
#include "vmstate/blob.h"

#define VMSTATE_REPORT_MAX	8	/* problems kept (and printed) in full */

struct vmstate_problem {
	enum vmstate_err err;
	uint64_t id;
	uint64_t value;		/* what the guest has, or the blob says */
	uint64_t expect;	/* the default, or what this firmware offers */
	int field_shift;	/* ID_INCOMPATIBLE: the field; else -1 */
	const char *why;	/* BAD_VALUE, BAD_HEADER: the rule, naming the field */
};

struct vmstate_report {
	unsigned int total;
	struct vmstate_problem p[VMSTATE_REPORT_MAX];
};

void vmstate_report_add(struct vmstate_report *r, enum vmstate_err err, uint64_t id,
			uint64_t value, uint64_t expect, int field_shift);
/* One line per problem, "<prefix>: error: ...", then a count of the rest. */
void vmstate_report_print(const struct vmstate_report *r, const char *prefix);
/* Name of a KVM id: this build's table, any version of the list, or NULL. */
const char *vmstate_id_name(uint64_t id);

/*
 * Fill s->regs from the guest's registers for a destination of version
 * `target` (0: this firmware's own version). Hidden registers, and those
 * newer than target, are left out, and each must hold its default value;
 * the guest's ID view must be one target can offer. Returns the number of
 * problems (nothing usable in s when not 0).
 */
unsigned int vmstate_export_regs(const struct vcpu_sysregs *vs, unsigned int target,
				 struct vmstate *s, struct vmstate_report *rep);

/* Ids this destination drops although the blob does not mark them droppable. */
struct vmstate_tolerance {
	unsigned int n;
	const uint64_t *ids;
};

/* What an accepted import drops: one log line each. */
struct vmstate_drops {
	unsigned int n;
	uint64_t id[VMSTATE_MAX_ENTRIES];
};

/*
 * Check every register entry of s against this firmware's vCPU. Nothing is
 * written to vs. Returns the number of problems; when 0, vmstate_apply_regs
 * may follow and `drops` lists what it will leave out.
 */
unsigned int vmstate_check_regs(const struct vmstate *s, const struct vcpu_sysregs *vs,
				const struct vmstate_tolerance *tol,
				struct vmstate_drops *drops, struct vmstate_report *rep);

/*
 * The blob's header as this destination reads it: the writer's firmware
 * version one that could exist (1..VMSTATE_FW_VERSION_MAX), and the vCPU
 * index the one being loaded (`vcpu`: what a save of that vCPU writes).
 * Returns the number of problems.
 */
#define VMSTATE_FW_VERSION_MAX	0x7fff	/* 0 and 0x8000.. are reserved (FORMAT.md) */
unsigned int vmstate_check_header(const struct vmstate *s, unsigned int vcpu,
				  struct vmstate_report *rep);

/*
 * The blob's general state must be one the guest can be returned to: PSTATE
 * an AArch64 EL0t, EL1t or EL1h with no illegal-state or reserved bits. A
 * blob is never allowed to ERET the firmware into EL2 or an illegal state.
 * Returns the number of problems.
 */
unsigned int vmstate_check_core(const struct vmstate *s, struct vmstate_report *rep);

/* Write the checked registers; the ones the blob lacks get their reset value. */
void vmstate_apply_regs(const struct vmstate *s, struct vcpu_sysregs *vs);

#endif
