/* Export and import rules for the register entries of a vCPU state. */
#include <stdio.h>

#include "vmstate/policy.h"

void vmstate_report_add(struct vmstate_report *r, enum vmstate_err err, uint64_t id,
			uint64_t value, uint64_t expect, int field_shift)
{
	if (r->total < VMSTATE_REPORT_MAX)
		r->p[r->total] = (struct vmstate_problem){
			.err = err, .id = id, .value = value, .expect = expect,
			.field_shift = field_shift,
		};
	r->total++;
}

/*
 * Names of the list's rows newer than this build: a blob from a newer
 * version names them in this firmware's log too (this build's own rows are
 * in sysreg_table). Terminated by a NULL name.
 */
#define NEWER_1(...)
#if FW_VERSION < 2
#define NEWER_2(...) __VA_ARGS__
#else
#define NEWER_2(...)
#endif
static const struct {
	uint64_t id;
	const char *name;
} newer_names[] = {
#define SYSREG(n, id_, acc, cl, fl, rs, wm, si) NEWER_##si({ id_, #n },)
#pragma push_macro("FW_VERSION")
#undef FW_VERSION
#define FW_VERSION 999
#include "sysreg/sysregs.h"
#undef FW_VERSION
#pragma pop_macro("FW_VERSION")
#undef SYSREG
	{ 0, NULL },
};
#undef NEWER_1
#undef NEWER_2

const char *vmstate_id_name(uint64_t id)
{
	int idx = sysreg_find_by_id(id);

	if (idx >= 0)
		return sysreg_table[idx].name;
	for (unsigned int i = 0; newer_names[i].name; i++)
		if (newer_names[i].id == id)
			return newer_names[i].name;
	return NULL;
}

void vmstate_report_print(const struct vmstate_report *r, const char *prefix)
{
	unsigned int shown = r->total < VMSTATE_REPORT_MAX ? r->total : VMSTATE_REPORT_MAX;

	for (unsigned int i = 0; i < shown; i++) {
		const struct vmstate_problem *p = &r->p[i];
		const char *name = vmstate_id_name(p->id);
		int idx = sysreg_find_by_id(p->id);
		const char *field = NULL;

		if (p->field_shift >= 0 && idx >= 0)
			field = sysreg_id_field_name((unsigned int)idx, (unsigned int)p->field_shift);
		if (p->err == VMSTATE_E_BAD_PSTATE) {
			printf("%s: error: %s: 0x%llx\n", prefix, vmstate_strerror(p->err),
			       (unsigned long long)p->value);
			continue;
		}
		printf("%s: error: %s (0x%016llx): %s", prefix, name ? name : "?",
		       (unsigned long long)p->id, vmstate_strerror(p->err));
		switch (p->err) {
		case VMSTATE_E_HIDDEN_MODIFIED:
			printf(": holds 0x%llx, default 0x%llx", (unsigned long long)p->value,
			       (unsigned long long)p->expect);
			break;
		case VMSTATE_E_WMASK:
			printf(": 0x%llx, writable 0x%llx", (unsigned long long)p->value,
			       (unsigned long long)p->expect);
			break;
		case VMSTATE_E_ID_INCOMPATIBLE:
			printf(": %s[%d:%d] is %llu, this firmware offers %llu",
			       field ? field : "field", p->field_shift + 3, p->field_shift,
			       (unsigned long long)((p->value >> p->field_shift) & 0xf),
			       (unsigned long long)((p->expect >> p->field_shift) & 0xf));
			break;
		case VMSTATE_E_UNKNOWN_ID:
			printf(": value 0x%llx, not marked droppable", (unsigned long long)p->value);
			break;
		default:
			break;
		}
		printf("\n");
	}
	if (r->total > shown)
		printf("%s: error: ... and %u more problems\n", prefix, r->total - shown);
}

/*
 * What this destination can offer in an ID register: the newest CPU model
 * its guest's world allows (a destination booted with compat=1 offers
 * version 1's, so what it accepts can always move on to version 1).
 */
static uint64_t id_offer(unsigned int idx, unsigned int world)
{
	return sysreg_hw_read(idx) & sysreg_id_mask(idx, world);
}

unsigned int vmstate_export_regs(const struct vcpu_sysregs *vs, unsigned int target,
				 struct vmstate *s, struct vmstate_report *rep)
{
	struct sysreg_mask leave_out = vs->hidden;
	uint64_t vals[SYSREG_COUNT];

	if (!target)
		target = FW_VERSION;
	sysreg_mask_add_newer_than(&leave_out, target);
	sysreg_get_all(vs, vals);
	s->nregs = 0;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];
		/* Bits outside wmask are status (CNTV_CTL_EL0.ISTATUS), not state. */
		uint64_t val = d->cls == CTX ? vals[i] & d->wmask : vals[i];
		uint64_t def = sysreg_default(vs, i);

		if (d->cls == ID && !(d->flags & IDENT) && target < FW_VERSION) {
			uint64_t can = val & sysreg_id_mask(i, target);
			int shift = sysreg_id_exceeds(i, val, can);

			if (shift >= 0)
				vmstate_report_add(rep, VMSTATE_E_ID_INCOMPATIBLE, d->id, val,
						   can, shift);
		}
		/* ID registers are the guest's CPU: they always travel. */
		if (sysreg_mask_test(&leave_out, i) && d->cls != ID) {
			if (val != def)
				vmstate_report_add(rep, VMSTATE_E_HIDDEN_MODIFIED, d->id, val, def, -1);
			continue;
		}
		s->regs[s->nregs++] = (struct vmstate_entry){
			.id = d->id, .value = val, .droppable = val == def,
		};
	}
	return rep->total;
}

/*
 * SPSR_EL2 bits an EL1 guest's PSTATE may have (Arm ARM C5.2.19): NZCV,
 * TCO, DIT, UAO, PAN, SS, SSBS, BTYPE, DAIF and M[3:0]; not IL (20), not
 * M[4] (AArch32: this firmware runs AArch64 EL1 only).
 */
#define PSTATE_GUEST_BITS	UINT64_C(0xf3e01fcf)
#define PSTATE_M_MASK		UINT64_C(0xf)

unsigned int vmstate_check_core(const struct vmstate *s, struct vmstate_report *rep)
{
	uint64_t m = s->core.pstate & PSTATE_M_MASK;

	if ((s->core.pstate & ~PSTATE_GUEST_BITS) || (m != 0x0 && m != 0x4 && m != 0x5))
		vmstate_report_add(rep, VMSTATE_E_BAD_PSTATE, 0, s->core.pstate, PSTATE_GUEST_BITS,
				   -1);
	return rep->total;
}

static bool tolerated(const struct vmstate_tolerance *tol, uint64_t id)
{
	for (unsigned int i = 0; tol && i < tol->n; i++)
		if (tol->ids[i] == id)
			return true;
	return false;
}

unsigned int vmstate_check_regs(const struct vmstate *s, const struct vcpu_sysregs *vs,
				const struct vmstate_tolerance *tol,
				struct vmstate_drops *drops, struct vmstate_report *rep)
{
	struct sysreg_mask seen = { { 0 } };
	unsigned int hint = 0;

	drops->n = 0;
	for (unsigned int k = 0; k < s->nregs; k++) {
		const struct vmstate_entry *e = &s->regs[k];
		int idx = sysreg_find_by_id_next(e->id, &hint);
		const struct sysreg_desc *d;
		int shift;

		if (idx < 0 || !sysreg_in_world((unsigned int)idx, vs->world_version)) {
			if (e->droppable || tolerated(tol, e->id))
				drops->id[drops->n++] = e->id;
			else
				vmstate_report_add(rep, VMSTATE_E_UNKNOWN_ID, e->id, e->value, 0, -1);
			continue;
		}
		d = &sysreg_table[idx];
		sysreg_mask_set(&seen, (unsigned int)idx);
		if (d->cls != ID) {
			if (e->value & ~d->wmask)
				vmstate_report_add(rep, VMSTATE_E_WMASK, e->id, e->value, d->wmask, -1);
		} else if (!(d->flags & IDENT)) {
			uint64_t offer = id_offer((unsigned int)idx, vs->world_version);

			shift = sysreg_id_exceeds((unsigned int)idx, e->value, offer);
			if (shift >= 0)
				vmstate_report_add(rep, VMSTATE_E_ID_INCOMPATIBLE, e->id, e->value,
						   offer, shift);
		}
	}
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];

		if (sysreg_mask_test(&seen, i) || !sysreg_in_world(i, vs->world_version))
			continue;
		if (!(d->flags & RESET_SAFE) && !sysreg_mask_test(&vs->hidden, i))
			vmstate_report_add(rep, VMSTATE_E_MISSING_REG, d->id, 0, 0, -1);
	}
	return rep->total;
}

void vmstate_apply_regs(const struct vmstate *s, struct vcpu_sysregs *vs)
{
	struct sysreg_mask seen = { { 0 } };
	uint64_t vals[SYSREG_COUNT];
	unsigned int hint = 0;

	sysreg_get_all(vs, vals);
	for (unsigned int k = 0; k < s->nregs; k++) {
		int idx = sysreg_find_by_id_next(s->regs[k].id, &hint);

		if (idx < 0 || !sysreg_in_world((unsigned int)idx, vs->world_version))
			continue;	/* dropped, as the check allowed */
		vals[idx] = s->regs[k].value;
		sysreg_mask_set(&seen, (unsigned int)idx);
	}
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (!sysreg_mask_test(&seen, i) && sysreg_in_world(i, vs->world_version))
			vals[i] = sysreg_default(vs, i);
	sysreg_set_all(vs, vals);
	/* The guest's CPU model is now the blob's, whatever this side booted with. */
	vs->cpu_version = sysreg_cpu_model_of(vs);
}
