/*
 * What may leave and what may enter: export with hidden registers left out
 * (refused when one does not hold its default), and the all-or-nothing
 * import check of every vCPU against this firmware's table. Portable: it
 * reads and writes the vCPUs' state in memory only (struct vcpu_sysregs
 * val[], every class), never the CPU.
 */
#ifndef VMSTATE_POLICY_H
#define VMSTATE_POLICY_H

#include "sysreg/sysreg.h"
#include "vmstate/blob.h"

#define VMSTATE_REPORT_MAX	8	/* problems kept (and printed) in full */

struct vmstate_problem {
	enum vmstate_err err;
	int vcpu;		/* the vCPU it is about, or -1 (the header, the VM) */
	uint64_t id;
	uint64_t value;		/* what the guest has, or the blob says */
	uint64_t expect;	/* the default, or what this firmware offers */
	int field_shift;	/* ID_INCOMPATIBLE: the field; else -1 */
	const char *why;	/* BAD_VALUE, BAD_HEADER, BAD_VCPU, UNKNOWN_DEV: the rule */
	uint16_t from, to;	/* MEANING_CHANGED: the two versions */
	uint16_t since;		/* MEANING_CHANGED: the change's version */
	uint8_t rule;		/* MEANING_CHANGED: the change's rule */
};

struct vmstate_report {
	unsigned int total;
	unsigned int vcpu_tag;	/* 1 + the vCPU problems added now are about; 0: none */
	struct vmstate_problem p[VMSTATE_REPORT_MAX];
};

void vmstate_report_add(struct vmstate_report *r, enum vmstate_err err, uint64_t id,
			uint64_t value, uint64_t expect, int field_shift);
/* A problem that a rule's text explains (why), with the value it is about. */
void vmstate_report_why(struct vmstate_report *r, enum vmstate_err err, uint64_t id,
			uint64_t value, uint64_t expect, const char *why);
/* Register id's value cannot move from version `from` to `to`: change chg's rule refuses it. */
void vmstate_report_move(struct vmstate_report *r, uint64_t id, uint64_t value,
			 const struct sysreg_change *chg, unsigned int from, unsigned int to);
/*
 * One line per problem, "<prefix>: error: [vcpu N: ]...", then a count of
 * the rest.
 */
void vmstate_report_print(const struct vmstate_report *r, const char *prefix);
/* Name of a KVM id: this build's table, any version of the list, or NULL. */
const char *vmstate_id_name(uint64_t id);

/*
 * Start an export of a machine of nvcpus vCPUs for a destination of version
 * `target` (0: this firmware's own version): s cleared, its header set, the
 * format the one target reads (vmstate_major_for). A 1.0 blob holds one
 * vCPU: a larger machine is refused, naming the version and the count.
 * Returns the number of problems.
 */
unsigned int vmstate_export_begin(struct vmstate *s, unsigned int target, unsigned int nvcpus,
				  struct vmstate_report *rep);

/*
 * Export, check and apply take a plain path, which decides nothing, for
 * the common case (this firmware's version, its own world, no CHANGE
 * line). Off, they take the general one: the unit tests prove the two
 * give the same result.
 */
extern bool vmstate_plain_paths;

/*
 * Fill c->regs from a vCPU's registers (vs->val[], every class) for a
 * destination of version `target` (0: this firmware's own version).
 * Hidden registers, and those newer than target, are left out, and each
 * must hold its default value; the guest's ID view must be one target can
 * offer. Problems name vCPU c->index. Returns the number of problems
 * (nothing usable in c when not 0).
 */
unsigned int vmstate_export_regs(const struct vcpu_sysregs *vs, unsigned int target,
				 struct vmstate_vcpu *c, struct vmstate_report *rep);

/* Where vmstate_export_rows() keeps a vCPU's rows: the caller's, one per vCPU. */
struct vmstate_rows_buf {
	struct vmstate_rows rows;
	uint64_t hw[SYSREG_COUNT];	/* the defaults but for the view: ID registers read once */
};

/*
 * The save path's export: what vmstate_export_regs() decides, but on the
 * plain path (this version, its own world, no CHANGE line) regs[] is left
 * empty and c->rows set to the registers by row in *buf, which the
 * encoder writes straight into the blob (the ID registers read here,
 * once, for the defaults; the hidden registers checked here). vs and buf
 * must stay as they are until the encoding. Returns the number of problems.
 */
unsigned int vmstate_export_rows(const struct vcpu_sysregs *vs, unsigned int target,
				 struct vmstate_vcpu *c, struct vmstate_rows_buf *buf,
				 struct vmstate_report *rep);

/* Where the load path's decoder keeps what it takes by row: the caller's. */
struct vmstate_rows_store {
	uint64_t val[VMSTATE_MAX_VCPUS * SYSREG_COUNT];
	uint8_t flags[VMSTATE_MAX_VCPUS * SYSREG_COUNT];
};

/*
 * The rows the load path's decoder takes entries into (vmstate_decode_rows):
 * this firmware's table, with store for the values. The check and apply
 * take a vCPU decoded so by row, through their plain paths when those
 * apply (else as entries).
 */
void vmstate_rows_in_init(struct vmstate_rows_in *in, struct vmstate_rows_store *store);

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
 * Check every register entry of vCPU i of s against this firmware's vCPU
 * (vs). Nothing is written to vs. Returns the number of problems; when 0,
 * vmstate_apply_regs may follow and `drops` lists what it will leave out.
 */
unsigned int vmstate_check_regs(const struct vmstate *s, unsigned int i,
				const struct vcpu_sysregs *vs, const struct vmstate_tolerance *tol,
				struct vmstate_drops *drops, struct vmstate_report *rep);

/*
 * The blob's header as this destination reads it: the writer's firmware
 * version one that could exist (1..VMSTATE_FW_VERSION_MAX); as many vCPUs
 * as this machine has (nvcpus); a 1.0 blob's vCPU index 0 (the only one a
 * 1.0 blob can load into: the machine's one vCPU). Returns the number of
 * problems.
 */
#define VMSTATE_FW_VERSION_MAX	0x7fff	/* 0 and 0x8000.. are reserved (FORMAT.md) */
unsigned int vmstate_check_header(const struct vmstate *s, unsigned int nvcpus,
				  struct vmstate_report *rep);

/*
 * A vCPU's general state must be one the guest can be returned to: PSTATE
 * an AArch64 EL0t, EL1t or EL1h with no illegal-state or reserved bits. A
 * blob is never allowed to ERET the firmware into EL2 or an illegal state.
 * Returns the number of problems.
 */
unsigned int vmstate_check_core(const struct vmstate_vcpu *c, struct vmstate_report *rep);

/*
 * vCPU i's record as a firmware writes it: a PSCI power state (on, off,
 * on_pending); entry and context 0 unless on_pending, and then an entry
 * entry_ok() accepts (NULL: any); in 2.0 the vMPIDR the firmware gives
 * vCPU i (VMSTATE_VMPIDR), the same as its MPIDR_EL1 entry. Returns the
 * number of problems.
 */
unsigned int vmstate_check_vcpu(const struct vmstate *s, unsigned int i,
				bool (*entry_ok)(uint64_t entry), struct vmstate_report *rep);

/*
 * Write vCPU c's checked registers, from a blob of version `writer`, each
 * as this side's world means it (sysreg_convert); the ones it lacks get
 * the writer's default so converted, or (newer than the writer) their reset value.
 */
void vmstate_apply_regs(const struct vmstate_vcpu *c, unsigned int writer, struct vcpu_sysregs *vs);

/*
 * Device state (DEVREGS): the firmware's device code says which entries it
 * takes and puts them in place. Without it (NULL, or a NULL check) every
 * DEVREGS entry is refused.
 */
struct vmstate_dev_ops {
	/*
	 * NULL when the device entry e of `owner` (a vCPU index, or
	 * VMSTATE_OWNER_VM for the VM's) is one this firmware places; else
	 * why not (one line, naming the rule).
	 */
	const char *(*check)(unsigned int owner, const struct vmstate_entry *e, void *ctx);
	/*
	 * Put owner's checked entries in place (after every check passed):
	 * called for every vCPU and the VM, n 0 included, so what the blob
	 * leaves out can be set to its reset value.
	 */
	void (*apply)(unsigned int owner, const struct vmstate_entry *e, unsigned int n,
		      void *ctx);
	void *ctx;
};

/* The destination: its vCPUs' register state and what it accepts. */
struct vmstate_machine {
	unsigned int nvcpus;
	struct vcpu_sysregs *sr[VMSTATE_MAX_VCPUS];	/* vCPU i's registers */
	const struct vmstate_tolerance *tol;		/* may be NULL */
	const struct vmstate_dev_ops *dev;		/* may be NULL: no device state */
	bool (*entry_ok)(uint64_t entry);		/* may be NULL: any entry */
};

/*
 * The whole import check, all vCPUs and the VM, before anything is
 * written: header, every vCPU's record, core state and registers, device
 * entries, at least one vCPU on. drops[i] gets what vCPU i's apply leaves
 * out. Returns the number of problems.
 */
unsigned int vmstate_check_all(const struct vmstate *s, const struct vmstate_machine *m,
			       struct vmstate_drops drops[VMSTATE_MAX_VCPUS],
			       struct vmstate_report *rep);

/*
 * After vmstate_check_all found nothing: every vCPU's registers and the
 * device entries. Core, FP/SIMD, power state and time are the caller's
 * (they live in its own structures).
 */
void vmstate_apply_all(const struct vmstate *s, const struct vmstate_machine *m);

#endif
