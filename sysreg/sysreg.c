/* The register table, its lookups, hidden masks and vCPU reset. */
#include <string.h>

#include "sysreg/sysreg.h"

const struct sysreg_desc sysreg_table[SYSREG_COUNT] = {
#define SYSREG(n, id_, acc, cl, fl, rs, wm, si)				\
	[SYSREG_##n] = SYSREG_DESC(n, id_, cl, fl, rs, wm, si),
#include "sysreg/sysregs.h"
#undef SYSREG
};

struct idfeat {
	uint16_t reg;		/* enum sysreg_idx */
	uint8_t shift;
	uint8_t since;
	bool is_signed;
	const char *name;
};

static const struct idfeat idfeatures[] = {
#define IDFEAT(reg_, field, shift_, since_, signed_)			\
	{ .reg = SYSREG_##reg_, .shift = shift_, .since = since_,	\
	  .is_signed = signed_, .name = #field },
#include "sysreg/idfeatures.def"
#undef IDFEAT
};

const char *sysreg_class_name(unsigned int cls)
{
	static const char *const names[SYSREG_NR_CLASSES] = {
		[CTX] = "context", [ID] = "id", [FWR] = "firmware",
	};

	return cls < SYSREG_NR_CLASSES ? names[cls] : "?";
}

int sysreg_bisect(const struct sysreg_desc *t, unsigned int n, uint64_t id)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (t[mid].id == id)
			return (int)mid;
		if (t[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int sysreg_find_by_id(uint64_t id)
{
	return sysreg_bisect(sysreg_table, SYSREG_COUNT, id);
}

/* The first index whose id is not below id (SYSREG_COUNT: none). */
static unsigned int lower_bound(uint64_t id)
{
	unsigned int lo = 0, hi = SYSREG_COUNT;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (sysreg_table[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A merge against the sorted table: *hint is where the previous lookup
 * left off. An id at or below the row before the hint (a new section
 * starts its ids over; a blob's ids need not follow the table's classes)
 * restarts from a bisection, so the answer is always sysreg_find_by_id's.
 */
int sysreg_find_by_id_next(uint64_t id, unsigned int *hint)
{
	unsigned int i = *hint < SYSREG_COUNT ? *hint : SYSREG_COUNT;

	if (i > 0 && sysreg_table[i - 1].id >= id)
		i = lower_bound(id);
	while (i < SYSREG_COUNT && sysreg_table[i].id < id)
		i++;
	if (i < SYSREG_COUNT && sysreg_table[i].id == id) {
		*hint = i + 1;
		return (int)i;
	}
	*hint = i;
	return -1;
}

static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (*a >= 'a' && *a <= 'z') ? *a - 32 : *a;
		int cb = (*b >= 'a' && *b <= 'z') ? *b - 32 : *b;

		if (ca != cb || !ca)
			return ca - cb;
	}
}

int sysreg_find_by_name(const char *name)
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (!ascii_casecmp(sysreg_table[i].name, name))
			return (int)i;
	return -1;
}

/*
 * Trapped encodings found in two loads: enc_block[op0:op1:CRn] names
 * a block of 128 entries (CRm:op2) holding table index + 1, 0 for none.
 * Block 0 is empty; SYSREG_ENC_BISECT sends a group the blocks ran out for
 * to the bisection. Built on first use (the boot CPU's, before any other
 * runs; el2/vectors.S reads them too, once el2_vector_sync() has).
 * KVM's TIMER_CVAL id is CNTVCT_EL0's encoding: that encoding is not
 * CNTV_CVAL_EL0, so KVM_ID_ALIAS rows are not indexed.
 */
#define ENC_SYS_KIND	SYSREG_ID_SYS(0, 0, 0, 0, 0)
uint8_t sysreg_enc_block[1u << 9];
uint8_t sysreg_enc_index[SYSREG_ENC_BLOCKS][128];
static bool enc_ready;

static bool enc_indexed(unsigned int i)
{
	return (sysreg_table[i].id & SYSREG_ID_KIND_MASK) == ENC_SYS_KIND &&
	       !(sysreg_table[i].flags & KVM_ID_ALIAS);
}

static void enc_index_init(void)
{
	unsigned int used = 1;

	_Static_assert(SYSREG_COUNT < 255, "enc_index holds uint8_t indices");
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		unsigned int enc = (unsigned int)(sysreg_table[i].id & SYSREG_ENC_MASK);
		uint8_t *b = &sysreg_enc_block[enc >> 7];

		if (!enc_indexed(i))
			continue;
		if (!*b)
			*b = used < SYSREG_ENC_BLOCKS ? (uint8_t)used++ : (uint8_t)SYSREG_ENC_BISECT;
		if (*b != SYSREG_ENC_BISECT)
			sysreg_enc_index[*b][enc & 127] = (uint8_t)(i + 1);
	}
	enc_ready = true;
}

int sysreg_find_by_enc(unsigned int enc)
{
	unsigned int b;
	int idx;

	if (!enc_ready)
		enc_index_init();
	enc &= (unsigned int)SYSREG_ENC_MASK;
	b = sysreg_enc_block[enc >> 7];
	if (b != SYSREG_ENC_BISECT)
		return (int)sysreg_enc_index[b][enc & 127] - 1;
	idx = sysreg_find_by_id(ENC_SYS_KIND | enc);
	return idx >= 0 && enc_indexed((unsigned int)idx) ? idx : -1;
}

int sysreg_find_by_encoding(unsigned int op0, unsigned int op1, unsigned int crn,
			    unsigned int crm, unsigned int op2)
{
	return sysreg_find_by_enc((unsigned int)(SYSREG_ID_SYS(op0 & 3, op1 & 7, crn & 15, crm & 15,
								op2 & 7) & SYSREG_ENC_MASK));
}

bool sysreg_table_sorted(void)
{
	for (unsigned int i = 1; i < SYSREG_COUNT; i++)
		if (sysreg_table[i - 1].id >= sysreg_table[i].id)
			return false;
	return true;
}

unsigned int sysreg_mask_count(const struct sysreg_mask *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SYSREG_MASK_WORDS; i++)
		n += (unsigned int)__builtin_popcountll(m->w[i]);
	return n;
}

void sysreg_mask_add_newer_than(struct sysreg_mask *m, unsigned int v)
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].since > v)
			sysreg_mask_set(m, i);
}

static uint64_t id_mask_compute(unsigned int idx, unsigned int version)
{
	/* An ID register newer than the CPU model reads 0 in its view, as it did in its firmware. */
	uint64_t mask = sysreg_table[idx].since > version ? 0 : sysreg_table[idx].reset;

	for (unsigned int i = 0; i < ARRAY_SIZE(idfeatures); i++)
		if (idfeatures[i].reg == idx && idfeatures[i].since > version)
			mask &= ~(UINT64_C(0xf) << idfeatures[i].shift);
	return mask;
}

/*
 * Each CPU model's masks, worked out once (export and import ask for every
 * ID register of every vCPU). Two CPUs filling a model at once write the
 * same values; the flag is set after them, so a reader never sees a hole.
 */
static const uint64_t *id_masks(unsigned int version)
{
	static uint64_t cache[FW_VERSION + 1][SYSREG_COUNT];
	static bool ready[FW_VERSION + 1];

	if (!__atomic_load_n(&ready[version], __ATOMIC_ACQUIRE)) {
		for (unsigned int i = 0; i < SYSREG_COUNT; i++)
			cache[version][i] = id_mask_compute(i, version);
		__atomic_store_n(&ready[version], true, __ATOMIC_RELEASE);
	}
	return cache[version];
}

uint64_t sysreg_id_mask(unsigned int idx, unsigned int version)
{
	return version > FW_VERSION ? id_mask_compute(idx, version) : id_masks(version)[idx];
}

/* The ID registers a CPU model limits (those naming the CPU it does not), listed once. */
static const uint16_t *feature_id_rows(unsigned int *n)
{
	static uint16_t rows[SYSREG_COUNT];
	static unsigned int count;
	static bool ready;

	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		unsigned int k = 0;

		for (unsigned int i = 0; i < SYSREG_COUNT; i++)
			if (sysreg_table[i].cls == ID && !(sysreg_table[i].flags & IDENT))
				rows[k++] = (uint16_t)i;
		count = k;
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}
	*n = count;
	return rows;
}

unsigned int sysreg_cpu_model_of(const struct vcpu_sysregs *vs)
{
	unsigned int n;
	const uint16_t *rows = feature_id_rows(&n);

	for (unsigned int v = 1; v < vs->world_version; v++) {
		const uint64_t *mask = id_masks(v);
		unsigned int k = 0;

		while (k < n && !(vs->val[rows[k]] & ~mask[rows[k]]))
			k++;
		if (k == n)
			return v;
	}
	return vs->world_version;
}

bool sysreg_pauth_in_view(const struct vcpu_sysregs *vs)
{
	return (vs->val[SYSREG_ID_AA64ISAR1_EL1] & UINT64_C(0x00000000ff000ff0)) ||
	       (vs->val[SYSREG_ID_AA64ISAR2_EL1] & UINT64_C(0x000000000000ff00));
}

bool sysreg_is_pauth_key(unsigned int idx)
{
	uint64_t id = sysreg_table[idx].id;

	return (id & SYSREG_ID_KIND_MASK) == UINT64_C(0x6030000000130000) &&
	       ((id & SYSREG_ENC_MASK) >> 7) == 0x182 &&	/* op0 3, op1 0, CRn 2 */
	       ((id >> 3) & 0xf) >= 1 && ((id >> 3) & 0xf) <= 3;
}

/* Context registers are live in the CPU unless the vCPU is stopped. */
static bool ctx_live(const struct vcpu_sysregs *vs, unsigned int idx)
{
	return sysreg_table[idx].cls == CTX && !vs->ctx_in_memory;
}

void sysreg_ctx_to_memory(struct vcpu_sysregs *vs)
{
	if (!vs->ctx_in_memory)
		sysreg_hw_save_ctx(vs->val);
	vs->ctx_in_memory = true;
}

void sysreg_ctx_to_cpu(struct vcpu_sysregs *vs)
{
	if (vs->ctx_in_memory)
		sysreg_hw_restore_ctx(vs->val);
	vs->ctx_in_memory = false;
}

uint64_t sysreg_get(const struct vcpu_sysregs *vs, unsigned int idx)
{
	return ctx_live(vs, idx) ? sysreg_hw_read(idx) : vs->val[idx];
}

void sysreg_get_all(const struct vcpu_sysregs *vs, uint64_t val[SYSREG_COUNT])
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		val[i] = vs->val[i];
	if (!vs->ctx_in_memory)
		sysreg_hw_save_ctx(val);
}

void sysreg_set_all(struct vcpu_sysregs *vs, const uint64_t val[SYSREG_COUNT])
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (!ctx_live(vs, i))
			vs->val[i] = val[i];
	if (!vs->ctx_in_memory)
		sysreg_hw_restore_ctx(val);
}

void sysreg_set(struct vcpu_sysregs *vs, unsigned int idx, uint64_t val)
{
	if (ctx_live(vs, idx))
		sysreg_hw_write(idx, val);
	else
		vs->val[idx] = val;
}

void sysreg_vcpu_reset(struct vcpu_sysregs *vs, unsigned int cpu_version,
		       unsigned int world_version)
{
	memset(vs->val, 0, sizeof(vs->val));
	vs->cpu_version = cpu_version;
	vs->world_version = world_version;
	/*
	 * val[] holds every class, context registers too: the image a stopped
	 * vCPU's state is exported from (vmstate/policy.c reads only memory).
	 */
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		vs->val[i] = sysreg_default(vs, i);
		sysreg_set(vs, i, vs->val[i]);
	}
}

uint64_t sysreg_default(const struct vcpu_sysregs *vs, unsigned int idx)
{
	if (sysreg_table[idx].cls != ID)
		return sysreg_row_default(sysreg_row_of(idx), vs->world_version);
	if (idx == SYSREG_MPIDR_EL1)
		return VMPIDR_VCPU0;
	return sysreg_hw_read(idx) & sysreg_id_mask(idx, vs->cpu_version);
}

static const struct idfeat *idfeat_find(unsigned int idx, unsigned int shift)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(idfeatures); i++)
		if (idfeatures[i].reg == idx && idfeatures[i].shift == shift)
			return &idfeatures[i];
	return NULL;
}

const char *sysreg_id_field_name(unsigned int idx, unsigned int shift)
{
	const struct idfeat *f = idfeat_find(idx, shift);

	return f ? f->name : NULL;
}

int sysreg_id_exceeds(unsigned int idx, uint64_t want, uint64_t offer)
{
	uint64_t is_signed = 0;

	if (want == offer)
		return -1;
	for (unsigned int i = 0; i < ARRAY_SIZE(idfeatures); i++)
		if (idfeatures[i].reg == idx && idfeatures[i].is_signed)
			is_signed |= UINT64_C(1) << idfeatures[i].shift;
	for (unsigned int shift = 0; shift < 64; shift += 4) {
		int w = (int)((want >> shift) & 0xf), o = (int)((offer >> shift) & 0xf);

		if ((is_signed >> shift) & 1) {
			w = w >= 8 ? w - 16 : w;
			o = o >= 8 ? o - 16 : o;
		}
		if (w > o)
			return (int)shift;
	}
	return -1;
}
