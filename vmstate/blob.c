/* What the blob's encoder and decoder share: error texts, id kinds, lookup. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "vmstate/blob_internal.h"

bool vmstate_codec_runs = true;

static const char *const vmstate_errors[VMSTATE_E_COUNT] = {
#define VMSTATE_ERR(code, text) [VMSTATE_E_##code] = text,
#include "vmstate/errors.def"
#undef VMSTATE_ERR
};

const char *vmstate_strerror(enum vmstate_err e)
{
	return (unsigned int)e < VMSTATE_E_COUNT ? vmstate_errors[e] : "unknown error";
}

bool vmstate_id_is_dev(uint64_t id)
{
	return (id & ~(KVM_ID_COPROC_MASK << KVM_ID_COPROC_SHIFT) & ~UINT64_C(0xffff)) ==
		       ID_DELTA_BASE &&
	       ((id >> KVM_ID_COPROC_SHIFT) & KVM_ID_COPROC_MASK) >= KVM_COPROC_DEV_FIRST &&
	       ((id >> KVM_ID_COPROC_SHIFT) & KVM_ID_COPROC_MASK) <= KVM_COPROC_DEV_LAST;
}

unsigned int vmstate_major_for(unsigned int target)
{
	return target < VMSTATE_FIRST_V2_FIRMWARE ? 1 : 2;
}

void vmstate_clear_records(struct vmstate *s, unsigned int from, unsigned int to)
{
	for (unsigned int i = from; i < to; i++) {
		struct vmstate_vcpu *c = &s->vcpu[i];

		/* Field by field: row_lacked means something only once rows_in is set. */
		c->index = (uint16_t)i;
		c->power = VMSTATE_POWER_ON;
		c->mpidr = VMSTATE_VMPIDR(i);
		c->entry = c->context = 0;
		c->rows = NULL;
		c->rows_in = NULL;
		c->row_sections = 0;
		c->ndev = 0;
		c->nregs = 0;
	}
}

void vmstate_clear_header(struct vmstate *s, unsigned int nvcpus)
{
	s->major = VMSTATE_MAJOR;
	s->minor = VMSTATE_MINOR;
	s->flags = 0;
	s->fw_version = 0;
	s->nvcpus = (uint16_t)nvcpus;
	s->vcount = 0;
	s->ndev = 0;
}

void vmstate_clear(struct vmstate *s, unsigned int nvcpus)
{
	vmstate_clear_header(s, nvcpus);
	vmstate_clear_records(s, 0, VMSTATE_MAX_VCPUS);
	/*
	 * Registers only for the nvcpus counted: a decoder learns the count
	 * from the header and refuses a blob that leaves any of a counted
	 * vCPU's sections out, so the others' are never read.
	 */
	for (unsigned int i = 0; i < nvcpus; i++) {
		memset(&s->vcpu[i].core, 0, sizeof(s->vcpu[i].core));
		memset(&s->vcpu[i].fp, 0, sizeof(s->vcpu[i].fp));
	}
}

void vmstate_rows_to_regs(struct vmstate_vcpu *c)
{
	const struct vmstate_rows_in *t = c->rows_in;
	const uint64_t *val;
	const uint8_t *flags;
	unsigned int n = 0;

	if (!t)
		return;
	val = t->val + (size_t)c->index * t->n;
	flags = t->flags + (size_t)c->index * t->n;
	for (unsigned int i = 0; i < t->n; i++) {
		/* Only the sections taken by row (a decoder may stop after one). */
		if (!(c->row_sections & (i < t->fw_first ? ROWS_SYSREGS : ROWS_FWREGS)))
			continue;
		if (!((c->row_lacked[i / 64] >> (i % 64)) & 1))
			c->regs[n++] = (struct vmstate_entry){
				.id = t->id[i], .value = val[i],
				.droppable = flags[i] & VMSTATE_ENT_DROPPABLE };
	}
	c->nregs = n;
	c->rows_in = NULL;
	c->row_sections = 0;
}

const struct vmstate_entry *vmstate_find_entry(const struct vmstate_entry *e, unsigned int n,
					       uint64_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].id == id)
			return &e[i];
	return NULL;
}

bool vmstate_get(const struct vmstate_vcpu *c, uint64_t id, uint64_t *value)
{
	const struct vmstate_rows_in *t = c->rows_in;
	const struct vmstate_entry *e;

	if (t) {
		unsigned int lo = 0, hi = t->n;

		while (lo < hi) {
			unsigned int mid = lo + (hi - lo) / 2;

			if (t->id[mid] < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == t->n || t->id[lo] != id || ((c->row_lacked[lo / 64] >> (lo % 64)) & 1))
			return false;
		*value = t->val[(size_t)c->index * t->n + lo];
		return true;
	}
	e = vmstate_find(c, id);
	if (e)
		*value = e->value;
	return e != NULL;
}

const struct vmstate_entry *vmstate_find(const struct vmstate_vcpu *c, uint64_t id)
{
	return vmstate_find_entry(c->regs, c->nregs, id);
}

static const char *const section_names[VMSTATE_SEC_LAST + 1] = {
	[VMSTATE_SEC_CORE] = "CORE", [VMSTATE_SEC_FPSIMD] = "FPSIMD",
	[VMSTATE_SEC_SYSREGS] = "SYSREGS", [VMSTATE_SEC_FWREGS] = "FWREGS",
	[VMSTATE_SEC_TIMER] = "TIMER", [VMSTATE_SEC_VCPU] = "VCPU",
	[VMSTATE_SEC_DEVREGS] = "DEVREGS",
};

const char *vmstate_section_name(unsigned int type)
{
	return type <= VMSTATE_SEC_LAST && section_names[type] ? section_names[type] : "?";
}

const char *vmstate_power_name(unsigned int power)
{
	static const char *const names[] = { "on", "off", "on_pending" };

	return power < ARRAY_SIZE(names) ? names[power] : NULL;
}

const char *vmstate_where_text(enum vmstate_err e, uint64_t where, char *buf, size_t size)
{
	switch (e) {
	case VMSTATE_E_VCPU_RANGE:
		snprintf(buf, size, "the blob has %llu vCPUs, this reader takes 1..%u",
			 (unsigned long long)where, VMSTATE_MAX_VCPUS);
		break;
	case VMSTATE_E_MISSING_SECTION:
		if (where >> 16 == VMSTATE_OWNER_VM)
			snprintf(buf, size, "%s", vmstate_section_name((unsigned int)where & 0xff));
		else
			snprintf(buf, size, "vcpu %llu's %s", (unsigned long long)(where >> 16),
				 vmstate_section_name((unsigned int)where & 0xff));
		break;
	default:
		snprintf(buf, size, "at 0x%llx", (unsigned long long)where);
		break;
	}
	return buf;
}

bool vmstate_dev_name(uint64_t id, char *buf, size_t size)
{
	static const struct { uint64_t base; const char *fmt; } dev[] = {
		{ VMSTATE_DEV_GICD, "GICD+0x%llx" },
		{ VMSTATE_DEV_GICR_SGI, "GICR_SGI+0x%llx" },
		{ VMSTATE_DEV_GIC_IRQ, "vINTID %llu" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(dev); i++)
		if ((id & ~UINT64_C(0xffff)) == dev[i].base) {
			snprintf(buf, size, dev[i].fmt, (unsigned long long)(id & 0xffff));
			return true;
		}
	return false;
}
