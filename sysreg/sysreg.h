/*
 * The guest register table (expanded from sysreg/sysregs.def), hidden
 * masks, and the vCPU's register state. Portable: the same code builds
 * into the firmware and the host tool; only sysreg_hw.c (firmware) or
 * sysreg_fake.c (host) touches registers.
 */
#ifndef SYSREG_SYSREG_H
#define SYSREG_SYSREG_H

#include "lib/rv.h"

enum sysreg_class { CTX, ID, FWR, SYSREG_NR_CLASSES };
enum sysreg_flag {
	RESET_SAFE = 1,		/* a blob may lack it: the reset value is right */
	GUEST_SET = 2,		/* firmware register the guest changes by hypercall */
	KVM_ID_ALIAS = 4,	/* its KVM id is another register's encoding (SRK rows) */
	IDENT = 8,		/* ID register naming the CPU, not its features */
};

enum sysreg_idx {
#define SYSREG(name, id, acc, cl, fl, rs, wm, si) SYSREG_##name,
#include "sysreg/sysregs.h"
#undef SYSREG
	SYSREG_COUNT
};

/* Every version's rows (SYSREG_ALL_VERSIONS), in id order: what a blob of any version may name. */
enum sysreg_row_idx {
#define SYSREG(name, id, acc, cl, fl, rs, wm, si) SYSREG_ROW_##name,
#define SYSREG_ALL_VERSIONS
#include "sysreg/sysregs.h"
#undef SYSREG_ALL_VERSIONS
#undef SYSREG
	SYSREG_ROW_COUNT
};

struct sysreg_desc {
	uint64_t id;		/* KVM ONE_REG id */
	uint64_t reset;		/* reset value; for ID registers the field mask */
	uint64_t wmask;		/* bits an import or the guest may set */
	const char *name;
	uint8_t cls;		/* enum sysreg_class */
	uint8_t flags;		/* enum sysreg_flag */
	uint8_t since;		/* firmware version that introduced it */
};

/* One row's descriptor, as both lists below spell it (sysreg.c, semantics.c). */
#define SYSREG_DESC(n, id_, cl, fl, rs, wm, si)					\
	{ .id = (id_), .reset = (uint64_t)(rs), .wmask = (uint64_t)(wm), .name = #n,	\
	  .cls = cl, .flags = fl, .since = si }

extern const struct sysreg_desc sysreg_table[SYSREG_COUNT];
extern const struct sysreg_desc sysreg_rows[SYSREG_ROW_COUNT];

/*
 * What a register means in each version (sysreg/semantics.c). A CHANGE
 * line of sysregs.def says that from `version` on the register's default
 * and writable mask are others, and what a move across the change does:
 */
enum sysreg_rule {
	RULE_KEEP,	/* the guest keeps its value: one at the old default stays */
	RULE_ADOPT,	/* one at the old default takes the new; bits no longer kept are cleared */
	RULE_REFUSE,	/* no move across the change */
};

struct sysreg_change {
	uint16_t row;		/* enum sysreg_row_idx */
	uint16_t version;	/* the first version with the new meaning */
	uint8_t rule;		/* enum sysreg_rule */
	uint64_t def, wmask;
};

/* This build's list (every version's CHANGE lines); a unit test may point it at its own. */
struct sysreg_changes {
	const struct sysreg_change *c;
	unsigned int n;
};
extern struct sysreg_changes sysreg_changes;

/*
 * The slow halves of the inline accessors below, for a build whose list has
 * CHANGE lines: the hot paths (export, import) pay one test while it has none.
 */
uint64_t sysreg_row_default_changed(unsigned int row, unsigned int v);
uint64_t sysreg_row_wmask_changed(unsigned int row, unsigned int v);
uint64_t sysreg_row_wmask_ever_changed(unsigned int row, unsigned int v);

/* The row of this build's register idx (both lists are in id order). */
extern const uint16_t sysreg_row_of_idx[SYSREG_COUNT];
static inline unsigned int sysreg_row_of(unsigned int idx)
{
	return sysreg_row_of_idx[idx];
}

/* The row of an id (any version's), or -1. */
int sysreg_row_find(uint64_t id);

/* A context or firmware register's default and writable mask in version v. */
static inline uint64_t sysreg_row_default(unsigned int row, unsigned int v)
{
	return sysreg_changes.n ? sysreg_row_default_changed(row, v) : sysreg_rows[row].reset;
}

static inline uint64_t sysreg_row_wmask(unsigned int row, unsigned int v)
{
	return sysreg_changes.n ? sysreg_row_wmask_changed(row, v) : sysreg_rows[row].wmask;
}

/* Every bit that was state in some version up to v: the guest's to write. */
static inline uint64_t sysreg_row_wmask_ever(unsigned int row, unsigned int v)
{
	return sysreg_changes.n ? sysreg_row_wmask_ever_changed(row, v) : sysreg_rows[row].wmask;
}

/* The newest change of the row at or before version v, or NULL (the row's own meaning). */
const struct sysreg_change *sysreg_change_at(unsigned int row, unsigned int v);
const char *sysreg_rule_name(unsigned int rule);

enum sysreg_moved { MOVE_SAME, MOVE_CONVERTED, MOVE_REFUSED };
enum sysreg_moved sysreg_convert_changed(unsigned int row, unsigned int from, unsigned int to,
					 uint64_t *val, const struct sysreg_change **chg);
/*
 * A register's value in version from's meaning, as version to's, by the
 * rule of the changes between them: *val converted in place, or refused.
 * *chg: the newest change between the two (NULL when none lies between).
 */
static inline enum sysreg_moved sysreg_convert(unsigned int row, unsigned int from,
					       unsigned int to, uint64_t *val,
					       const struct sysreg_change **chg)
{
	*chg = NULL;
	if (from == to || !sysreg_changes.n)
		return MOVE_SAME;
	return sysreg_convert_changed(row, from, to, val, chg);
}

/* Each change names a context or firmware row, after its since, up to the newest version, once. */
bool sysreg_changes_valid(void);

/* The id's system-register encoding, KVM's layout (api.rst). */
#define SYSREG_ENC_MASK		UINT64_C(0xffff)
#define SYSREG_ID_KIND_MASK	UINT64_C(0xffffffffffff0000)

const char *sysreg_class_name(unsigned int cls);
/* Index of the register with this id, or -1. Bisection over the table. */
int sysreg_find_by_id(uint64_t id);
/* The same over any list sorted by id (t[0..n)). */
int sysreg_bisect(const struct sysreg_desc *t, unsigned int n, uint64_t id);
/*
 * The same for ids that come in increasing order (a blob's entries): *hint
 * is where the last one was found, so a sorted merge costs O(1) an id.
 */
int sysreg_find_by_id_next(uint64_t id, unsigned int *hint);
/* Index of the register with this name (case-insensitive), or -1. */
int sysreg_find_by_name(const char *name);
/*
 * Index of the system register trapped with this encoding, or -1. The
 * index behind it (sysreg.c) is read by el2/vectors.S as well.
 */
#define SYSREG_ENC_BLOCKS	40
#define SYSREG_ENC_BISECT	0xffu
extern uint8_t sysreg_enc_block[1u << 9];
extern uint8_t sysreg_enc_index[SYSREG_ENC_BLOCKS][128];
int sysreg_find_by_enc(unsigned int enc);	/* op0:op1:CRn:CRm:op2, KVM's low 16 bits */
int sysreg_find_by_encoding(unsigned int op0, unsigned int op1, unsigned int crn,
			    unsigned int crm, unsigned int op2);
/* The table is sorted by id, without duplicates. */
bool sysreg_table_sorted(void);

/* A set of table indices: a test is one load and one AND. */
#define SYSREG_MASK_WORDS	((SYSREG_COUNT + 63) / 64)
struct sysreg_mask {
	uint64_t w[SYSREG_MASK_WORDS];
};

static inline bool sysreg_mask_test(const struct sysreg_mask *m, unsigned int idx)
{
	return (m->w[idx / 64] >> (idx % 64)) & 1;
}

static inline void sysreg_mask_set(struct sysreg_mask *m, unsigned int idx)
{
	m->w[idx / 64] |= BIT64(idx % 64);
}

static inline void sysreg_mask_clear(struct sysreg_mask *m, unsigned int idx)
{
	m->w[idx / 64] &= ~BIT64(idx % 64);
}

unsigned int sysreg_mask_count(const struct sysreg_mask *m);
/* Add every register introduced after version v. */
void sysreg_mask_add_newer_than(struct sysreg_mask *m, unsigned int v);

/*
 * The guest's register state. Context registers live in the CPU while the
 * guest runs (non-VHE, one guest: nothing else uses EL1) and in val[]
 * while it is stopped (the state blob is made from and into val[]); ID and
 * firmware registers live here.
 */
/* MPIDR as the guest sees it: vCPU 0, uniprocessor bit clear, RES1 bit 31. */
#define VMPIDR_VCPU0	BIT64(31)

struct vcpu_sysregs {
	uint64_t val[SYSREG_COUNT];	/* every register; context ones while stopped */
	struct sysreg_mask hidden;	/* left out of the state blob */
	unsigned int cpu_version;	/* the ID view is version cpu_version's */
	unsigned int world_version;	/* registers and calls the guest gets */
	bool ctx_in_memory;		/* context registers are in val[] (vCPU stopped), not the CPU */
};

/* The backend: real MRS/MSR in the firmware, an array on the host. */
uint64_t sysreg_hw_read(unsigned int idx);
void sysreg_hw_write(unsigned int idx, uint64_t val);
/* Every context register at once, straight-line, into/from val[index]. */
void sysreg_hw_save_ctx(uint64_t val[SYSREG_COUNT]);
void sysreg_hw_restore_ctx(const uint64_t val[SYSREG_COUNT]);
/*
 * Every ID register's hardware value at once, straight-line, and every
 * other row's reset value (the table's): each row's default but for the
 * ID view's mask.
 */
void sysreg_hw_read_ids(uint64_t val[SYSREG_COUNT]);
/*
 * The ID registers' hardware values alone (a quarter of the rows): the
 * other rows of val[] are left as they were.
 */
void sysreg_hw_read_id_rows(uint64_t val[SYSREG_COUNT]);

/*
 * A stopped vCPU's context registers move to val[] (MRS) and back (MSR),
 * on its own CPU; while they are in memory every accessor below uses val[],
 * so another CPU's monitor or codec can read and write them.
 */
void sysreg_ctx_to_memory(struct vcpu_sysregs *vs);
void sysreg_ctx_to_cpu(struct vcpu_sysregs *vs);

/* All of the guest's registers into val[index] (context ones from wherever they are). */
void sysreg_get_all(const struct vcpu_sysregs *vs, uint64_t val[SYSREG_COUNT]);
/* All of them from val[index]. */
void sysreg_set_all(struct vcpu_sysregs *vs, const uint64_t val[SYSREG_COUNT]);

/* Read or write a register of the guest, wherever it lives. */
uint64_t sysreg_get(const struct vcpu_sysregs *vs, unsigned int idx);
void sysreg_set(struct vcpu_sysregs *vs, unsigned int idx, uint64_t val);

/*
 * Reset the vCPU to this build's defaults: context registers to their
 * reset values, ID registers to the hardware's sanitised for CPU model
 * cpu_version, firmware registers to their defaults for world_version.
 */
void sysreg_vcpu_reset(struct vcpu_sysregs *vs, unsigned int cpu_version,
		       unsigned int world_version);

/*
 * The oldest CPU model whose view holds the guest's ID registers as they
 * are (after a load, the blob's): what `cpu`, `compat` and a reset go by.
 */
unsigned int sysreg_cpu_model_of(const struct vcpu_sysregs *vs);
/* The ID-register field mask that CPU model `version` shows. */
uint64_t sysreg_id_mask(unsigned int idx, unsigned int version);
/* The value a register holds when nothing changed it: what hiding requires. */
uint64_t sysreg_default(const struct vcpu_sysregs *vs, unsigned int idx);
/*
 * Compare ID register idx's value `want` with what `offer` gives, field by
 * field (4-bit fields, signed ones as signed: Arm ARM D19.1.3). Returns -1
 * when compatible, else the shift of the first field want has more of.
 */
int sysreg_id_exceeds(unsigned int idx, uint64_t want, uint64_t offer);
/* Name of the feature field at shift in ID register idx, or NULL. */
const char *sysreg_id_field_name(unsigned int idx, unsigned int shift);
/*
 * Pointer authentication in the vCPU's ID view (ID_AA64ISAR1_EL1 APA, API,
 * GPA, GPI; ID_AA64ISAR2_EL1 GPA3, APA3), and whether row idx is one of
 * its keys (op0 3, op1 0, CRn 2, CRm 1..3).
 */
bool sysreg_pauth_in_view(const struct vcpu_sysregs *vs);
bool sysreg_is_pauth_key(unsigned int idx);
/* True when the register exists in version `version`'s world. */
static inline bool sysreg_in_world(unsigned int idx, unsigned int version)
{
	return sysreg_table[idx].since <= version;
}

#endif
