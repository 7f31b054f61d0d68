/*
 * The vCPU state blob (vmstate/FORMAT.md): its in-memory form and the
 * codec. Portable: the firmware and the host tool share it.
 */
#ifndef VMSTATE_BLOB_H
#define VMSTATE_BLOB_H

#include "lib/rv.h"

/*
 * Fuzzing builds (the libFuzzer convention) do not stop at CRC mismatches,
 * so the fuzzer reaches the parsers behind them.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define VMSTATE_FUZZING		1
#else
#define VMSTATE_FUZZING		0
#endif

#define VMSTATE_MAGIC		"RVST"
#define VMSTATE_MAJOR		1
#define VMSTATE_MINOR		0
#define VMSTATE_HDR_SIZE	16
#define VMSTATE_SEC_HDR_SIZE	8
#define VMSTATE_CRC_SIZE	4
#ifndef VMSTATE_MAX_BLOB
#define VMSTATE_MAX_BLOB	16384	/* hard limit, checked before anything is read */
#endif
#ifndef VMSTATE_MAX_ENTRIES
#define VMSTATE_MAX_ENTRIES	512
#endif

enum vmstate_err {
#define VMSTATE_ERR(code, text) VMSTATE_E_##code,
#include "vmstate/errors.def"
#undef VMSTATE_ERR
	VMSTATE_E_COUNT
};
const char *vmstate_strerror(enum vmstate_err e);

enum vmstate_section {
	VMSTATE_SEC_CORE = 1,		/* x0..x30, PC, PSTATE */
	VMSTATE_SEC_FPSIMD = 2,		/* V0..V31, FPSR, FPCR */
	VMSTATE_SEC_SYSREGS = 3,	/* register entries: KVM core and system ids */
	VMSTATE_SEC_FWREGS = 4,		/* register entries: firmware ids */
	VMSTATE_SEC_TIMER = 5,		/* the guest's virtual count at save */
};
#define VMSTATE_SEC_OPTIONAL	0x01	/* a reader that does not know it skips it */

/* Entry flag byte: value length in bytes (0..8), droppable bit; the rest 0. */
#define VMSTATE_ENT_LEN_MASK	0x0f
#define VMSTATE_ENT_DROPPABLE	0x10
#define VMSTATE_ENT_RESERVED	0xe0

/* Header flags (none defined in 1.0; readers refuse unknown ones). */
#define VMSTATE_HDR_FLAGS_KNOWN	0x0000

struct vmstate_entry {
	uint64_t id;		/* KVM ONE_REG id */
	uint64_t value;
	bool droppable;		/* the writer says: this is the register's default */
};

struct vmstate {
	uint8_t major, minor;
	uint16_t flags;
	uint16_t fw_version;	/* the firmware that wrote it */
	uint16_t vcpu;
	struct {
		uint64_t x[31];
		uint64_t pc;
		uint64_t pstate;
	} core;
	struct {
		uint64_t v[32][2];	/* low half first */
		uint32_t fpsr;
		uint32_t fpcr;
	} fp;
	uint64_t vcount;	/* CNTVCT_EL0 as the guest saw it at save */
	unsigned int nregs;
	struct vmstate_entry regs[VMSTATE_MAX_ENTRIES];	/* sorted by id */
};

/* True for ids the FWREGS section carries (KVM's firmware coprocessors 0x14, 0x16). */
bool vmstate_id_is_fw(uint64_t id);

/*
 * Encode s into buf; returns the blob's length, or 0 (with *err) when it
 * does not fit or s is not sorted.
 */
size_t vmstate_encode(const struct vmstate *s, uint8_t *buf, size_t cap,
		      enum vmstate_err *err);

/*
 * Decode and check the whole blob into out. Nothing but out is written, and
 * out only makes sense when VMSTATE_E_OK is returned. *where, when not
 * NULL, gets the byte offset or the id the error is about.
 */
enum vmstate_err vmstate_decode(const uint8_t *buf, size_t len, struct vmstate *out,
				uint64_t *where);

/* Find an entry by id in a decoded state (bisection), or NULL. */
const struct vmstate_entry *vmstate_find(const struct vmstate *s, uint64_t id);

#endif
