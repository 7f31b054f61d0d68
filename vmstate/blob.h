/*
 * The guest's state blob (vmstate/FORMAT.md): every vCPU and the VM-wide
 * parts, its in-memory form and the codec. Portable: the firmware and the
 * host tool share it.
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
#define VMSTATE_MAJOR		2	/* what this reader reads up to, and writes by default */
#define VMSTATE_MINOR		0
#define VMSTATE_HDR_SIZE	16
#define VMSTATE_SEC_HDR_SIZE	8
#define VMSTATE_CRC_SIZE	4
#ifndef VMSTATE_MAX_BLOB
#define VMSTATE_MAX_BLOB	65536	/* hard limit, checked before anything is read */
#endif
#ifndef VMSTATE_MAX_ENTRIES
#define VMSTATE_MAX_ENTRIES	512	/* SYSREGS + FWREGS entries, per vCPU */
#endif
#ifndef VMSTATE_MAX_VCPUS
#define VMSTATE_MAX_VCPUS	8	/* the format allows 65535; this reader no more */
#endif
#define VMSTATE_MAX_DEV_VCPU	64	/* DEVREGS entries per vCPU */
#define VMSTATE_MAX_DEV_VM	512	/* DEVREGS entries of the VM */

/*
 * The first firmware version that reads format 2.0: a blob for an older
 * one (versions 1 and 2) is written as 1.0, which holds one vCPU only.
 */
#define VMSTATE_FIRST_V2_FIRMWARE	3

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
	VMSTATE_SEC_VCPU = 6,		/* 2.0: vMPIDR, PSCI power state, pending entry */
	VMSTATE_SEC_DEVREGS = 7,	/* 2.0: device register entries (GIC) */
};
#define VMSTATE_SEC_LAST	VMSTATE_SEC_DEVREGS
#define VMSTATE_SEC_OPTIONAL	0x01	/* a reader that does not know it skips it */
#define VMSTATE_OWNER_VM	0xffff	/* 2.0 section owner: the VM, not a vCPU */
#define VMSTATE_VCPU_PAYLOAD	32
/* The MPIDR_EL1 the firmware gives vCPU i: RES1 bit 31, Aff0 = i, the rest 0. */
#define VMSTATE_VMPIDR(i)	(UINT64_C(1) << 31 | (uint64_t)(i))	/* VCPU: mpidr u64, power u8, 7 zero, entry, context */

/* A vCPU's power state: PSCI AFFINITY_INFO's values. */
enum vmstate_power {
	VMSTATE_POWER_ON = 0,
	VMSTATE_POWER_OFF = 1,
	VMSTATE_POWER_ON_PENDING = 2,
};

/*
 * regvisor's own ids for device state (DEVREGS), in KVM's id layout with
 * coprocessor numbers KVM leaves unused (0xf0..0xff): the distributor by
 * register offset, a redistributor's SGI frame by offset, a virtual
 * interrupt in flight by its vINTID (vmstate/gic.h). Which ids a firmware
 * accepts is its device code's business (struct vmstate_dev_ops,
 * vmstate/policy.h).
 */
#define VMSTATE_DEV_GICD	UINT64_C(0x6030000000f00000)	/* | GICD offset (VM) */
#define VMSTATE_DEV_GICR_SGI	UINT64_C(0x6030000000f10000)	/* | SGI-frame offset (vCPU) */
#define VMSTATE_DEV_GIC_IRQ	UINT64_C(0x6030000000f20000)	/* | vINTID: in flight (vCPU) */

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

/*
 * A vCPU's registers by row, for the encoder to write as its SYSREGS and
 * FWREGS entries straight from the registers (the save path's plain
 * export, vmstate_export_rows() in vmstate/policy.h): row i is the entry
 * id[i] with value val[i] & keep[i], droppable when that is its default,
 * hw[i] & view[i]; rows set in `hidden` are left out. Rows are in id
 * order, the firmware's (vmstate_id_is_fw) rows fw_first..n-1, and
 * delta[i] is id[i] less the id before it in its section (the first's
 * less 0x6030000000000000).
 */
struct vmstate_rows {
	const uint64_t *id, *delta, *keep, *hw, *view;
	const uint64_t *val;
	uint64_t hidden[(VMSTATE_MAX_ENTRIES + 63) / 64];
	unsigned int n, fw_first;
};

/*
 * Rows the decoder may take a vCPU's register entries into, in place of
 * regs[] (the load path's plain import, vmstate_rows_in_init() in
 * vmstate/policy.h): the row table of firmware version `version` (ids in
 * order, the firmware's rows fw_first..n-1; each id's delta from the one
 * before in its section; the bits a value may have), and room for n values
 * and n entries' flags for each vCPU, vCPU v's at val + v * n, flags + v * n.
 */
struct vmstate_rows_in {
	const uint64_t *id, *delta, *accept;
	/*
	 * n + 1 of each, the last a sentinel no entry matches: the delta's
	 * byte where it takes one, else 0xffff; its bytes where it takes two
	 * or three, as a little-endian u32 (so bit 15 set: three), else ~0.
	 */
	const uint16_t *head;
	const uint32_t *headn;
	unsigned int n, fw_first, version;
	uint64_t *val;
	uint8_t *flags;
};

/* What the decoder has done with a vCPU's register sections (row_sections). */
#define ROWS_SYSREGS	1	/* SYSREGS taken by row */
#define ROWS_FWREGS	2	/* FWREGS taken by row */
#define ROWS_ENTRIES	4	/* its entries are regs[]'s */

/* One vCPU's state: what a 1.0 blob held, and its power state. */
struct vmstate_vcpu {
	uint16_t index;		/* its position; a 1.0 blob's header index (policy wants 0) */
	uint8_t power;		/* enum vmstate_power */
	uint64_t mpidr;		/* MPIDR_EL1 as the guest reads it (the firmware's vMPIDR) */
	uint64_t entry;		/* ON_PENDING: where it starts ... */
	uint64_t context;	/* ... with this in x0 (both 0 otherwise) */
	/*
	 * Set: the encoder writes SYSREGS and FWREGS from these rows, and
	 * regs[] is not filled (nregs counts the entries). NULL: from regs[].
	 */
	const struct vmstate_rows *rows;
	/*
	 * Set by vmstate_decode_rows() when it took both SYSREGS and FWREGS by
	 * row: row i's value is rows_in->val[index * n + i] and its entry's
	 * flags rows_in->flags[index * n + i], the rows the blob lacks are set
	 * in row_lacked, and regs[] is not filled (nregs counts the entries;
	 * vmstate_rows_to_regs() fills it). NULL: regs[].
	 */
	const struct vmstate_rows_in *rows_in;
	uint64_t row_lacked[(VMSTATE_MAX_ENTRIES + 63) / 64];
	uint8_t row_sections;	/* the decoder's: ROWS_* */
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
	unsigned int ndev;
	struct vmstate_entry dev[VMSTATE_MAX_DEV_VCPU];	/* its DEVREGS, sorted */
	unsigned int nregs;
	struct vmstate_entry regs[VMSTATE_MAX_ENTRIES];	/* SYSREGS then FWREGS */
};

/* The guest: header, VM-wide parts, and vcpu[0..nvcpus). */
struct vmstate {
	uint8_t major, minor;	/* the format: the decoder's input, the encoder's choice */
	uint16_t flags;
	uint16_t fw_version;	/* the firmware that wrote it */
	uint16_t nvcpus;	/* 1..VMSTATE_MAX_VCPUS (a 1.0 blob: 1) */
	uint64_t vcount;	/* CNTVCT_EL0 as the guest saw it at save */
	unsigned int ndev;
	struct vmstate_entry dev[VMSTATE_MAX_DEV_VM];	/* the VM's DEVREGS, sorted */
	struct vmstate_vcpu vcpu[VMSTATE_MAX_VCPUS];
};

/*
 * True for ids the FWREGS section carries (KVM's firmware coprocessors 0x14
 * and 0x16, bits 27:16 of the id; 0x14 | 2 is 0x16, and no other is).
 */
static inline bool vmstate_id_is_fw(uint64_t id)
{
	return (((id >> 16) & 0xfff) | 2) == 0x16;
}
/* True for ids of regvisor's device state (coprocessors 0xf0..0xff): DEVREGS only. */
bool vmstate_id_is_dev(uint64_t id);

/*
 * The format a blob for firmware version `target` is written in: 1 for
 * versions before VMSTATE_FIRST_V2_FIRMWARE, else 2.
 */
unsigned int vmstate_major_for(unsigned int target);

/*
 * Clear s down to its header and vCPU records, ready to be filled: every
 * vCPU's registers and device entries empty, nvcpus vCPUs ON at their
 * index, with core and FP/SIMD registers zero. Cheap: the entry arrays,
 * and the core and FP/SIMD records of vCPUs beyond nvcpus, are left as
 * they are.
 */
void vmstate_clear(struct vmstate *s, unsigned int nvcpus);

/*
 * Encode s into buf as format s->major (1: one vCPU only; 2); returns the
 * blob's length, or 0 (with *err) when it does not fit, s is not sorted, or
 * 1.0 cannot hold it.
 */
size_t vmstate_encode(const struct vmstate *s, uint8_t *buf, size_t cap,
		      enum vmstate_err *err);

/*
 * The codec's runs of common entries (four at a time when encoding, a
 * tight loop when decoding) are on; off, every entry goes through the
 * careful per-entry code. Only tests turn them off, to compare the two.
 */
extern bool vmstate_codec_runs;

/*
 * A vCPU the decoder took by row (c->rows_in set) as any other: its
 * entries into regs[] as the general decoder would have made them (the
 * rows of the sections taken by row, in id order, with the blob's
 * droppable marks), and rows_in NULL. Nothing for a vCPU not held by row.
 */
void vmstate_rows_to_regs(struct vmstate_vcpu *c);

/*
 * Decode and check the whole blob (1.0 or 2.0) into out. Nothing but out is
 * written, and out only makes sense when VMSTATE_E_OK is returned (its
 * vCPU records from nvcpus on are left as they were). *where,
 * when not NULL, gets what the error is about: a byte offset, an id, or
 * what vmstate_where_text() says for the error.
 */
enum vmstate_err vmstate_decode(const uint8_t *buf, size_t len, struct vmstate *out,
				uint64_t *where);
/*
 * The same, taking a vCPU's SYSREGS and FWREGS entries into `rows` when the
 * blob is of the rows' version and every entry is a row's, in order, with
 * bits the row accepts (the result, once vmstate_rows_to_regs() has made
 * regs[], is vmstate_decode()'s); else into regs[] as vmstate_decode().
 */
enum vmstate_err vmstate_decode_rows(const uint8_t *buf, size_t len, struct vmstate *out,
				     uint64_t *where, const struct vmstate_rows_in *rows);

/* "at 0x1c0", or for errors whose *where is not an offset what it is; into buf. */
const char *vmstate_where_text(enum vmstate_err e, uint64_t where, char *buf, size_t size);

/* Find a vCPU's register entry by id in regs[], or NULL (taken by row: vmstate_get()). */
const struct vmstate_entry *vmstate_find(const struct vmstate_vcpu *c, uint64_t id);
/* The same in any entry array. */
const struct vmstate_entry *vmstate_find_entry(const struct vmstate_entry *e, unsigned int n,
					       uint64_t id);
/* A vCPU's register value by id, in regs[] or, taken by row, in its rows: false when absent. */
bool vmstate_get(const struct vmstate_vcpu *c, uint64_t id, uint64_t *value);
/* A device id's name ("GICD+0x100", "vINTID 27") into buf; false if none. */
bool vmstate_dev_name(uint64_t id, char *buf, size_t size);
/* Section name by type ("CORE"), or "?" */
const char *vmstate_section_name(unsigned int type);
/* "on", "off", "on_pending", or NULL for a value no firmware writes. */
const char *vmstate_power_name(unsigned int power);

#endif
