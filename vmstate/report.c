/*
 * The report every refusal goes into, and its lines: one per problem,
 * naming the vCPU, the register and both values.
 */
#include <stdio.h>

#include "vmstate/policy.h"

/*
 * Where problem number r->total is kept: its own slot while there is room;
 * when full, a feature the guest saw and this side cannot offer (the reason
 * a move needs another CPU model) takes the last slot that holds anything
 * else, so it is always among the lines printed. -1: not kept.
 */
static int report_slot(const struct vmstate_report *r, enum vmstate_err err)
{
	if (r->total < VMSTATE_REPORT_MAX)
		return (int)r->total;
	for (int i = VMSTATE_REPORT_MAX - 1; err == VMSTATE_E_ID_INCOMPATIBLE && i >= 0; i--)
		if (r->p[i].err != VMSTATE_E_ID_INCOMPATIBLE)
			return i;
	return -1;
}

void vmstate_report_add(struct vmstate_report *r, enum vmstate_err err, uint64_t id,
			uint64_t value, uint64_t expect, int field_shift)
{
	int slot = report_slot(r, err);

	if (slot >= 0)
		r->p[slot] = (struct vmstate_problem){
			.err = err, .vcpu = (int)r->vcpu_tag - 1, .id = id, .value = value,
			.expect = expect, .field_shift = field_shift,
		};
	r->total++;
}

void vmstate_report_why(struct vmstate_report *r, enum vmstate_err err, uint64_t id,
			uint64_t value, uint64_t expect, const char *why)
{
	if (r->total < VMSTATE_REPORT_MAX)
		r->p[r->total] = (struct vmstate_problem){
			.err = err, .vcpu = (int)r->vcpu_tag - 1, .id = id, .value = value,
			.expect = expect, .field_shift = -1, .why = why,
		};
	r->total++;
}

void vmstate_report_move(struct vmstate_report *r, uint64_t id, uint64_t value,
			 const struct sysreg_change *chg, unsigned int from, unsigned int to)
{
	unsigned int n = r->total;

	vmstate_report_add(r, VMSTATE_E_MEANING_CHANGED, id, value, 0, -1);
	if (n < VMSTATE_REPORT_MAX && chg) {
		r->p[n].from = (uint16_t)from;
		r->p[n].to = (uint16_t)to;
		r->p[n].since = chg->version;
		r->p[n].rule = chg->rule;
		r->p[n].expect = chg->def;
	}
}

/* Problems that are not about one register: true when printed. */
static bool print_whole(const struct vmstate_problem *p)
{
	const char *what = vmstate_strerror(p->err);
	unsigned long long v = p->value, x = p->expect;

	switch (p->err) {
	case VMSTATE_E_BAD_HEADER:
		printf("%s: %s, not %llu\n", what, p->why, v);
		return true;
	case VMSTATE_E_BAD_PSTATE:
		printf("%s: 0x%llx\n", what, v);
		return true;
	case VMSTATE_E_VCPU_COUNT:
		printf("%s: the blob has %llu vCPU%s, this machine has %llu\n", what, v,
		       v == 1 ? "" : "s", x);
		return true;
	case VMSTATE_E_FORMAT_VCPUS:
		printf("%s: version %llu reads single-vCPU blobs (format 1.0); this machine has "
		       "%llu vCPUs\n", what, x, v);
		return true;
	case VMSTATE_E_FORMAT_DEVICES:
		printf("%s: version %llu reads format 1.0, which has no device entries; the guest's "
		       "GIC has %llu registers or interrupts away from reset\n", what, x, v);
		return true;
	case VMSTATE_E_BAD_VCPU:
		printf("%s: %s: 0x%llx\n", what, p->why, v);
		return true;
	case VMSTATE_E_NEWER_MEANINGS:
		printf("%s: it follows version %llu's, this firmware knows versions up to %llu: "
		       "save it for this firmware's version\n", what, v, x);
		return true;
	case VMSTATE_E_ALL_OFF:
		printf("%s: every one of the blob's %llu vCPUs is off or on_pending\n", what, v);
		return true;
	default:
		return false;
	}
}

void vmstate_report_print(const struct vmstate_report *r, const char *prefix)
{
	unsigned int shown = r->total < VMSTATE_REPORT_MAX ? r->total : VMSTATE_REPORT_MAX;

	for (unsigned int i = 0; i < shown; i++) {
		const struct vmstate_problem *p = &r->p[i];
		const char *name = vmstate_id_name(p->id);
		char dev[40];
		int idx = sysreg_find_by_id(p->id);
		const char *field = NULL;

		if (p->field_shift >= 0 && idx >= 0)
			field = sysreg_id_field_name((unsigned int)idx, (unsigned int)p->field_shift);
		printf("%s: error: ", prefix);
		if (p->vcpu >= 0)
			printf("vcpu %d: ", p->vcpu);
		if (print_whole(p))
			continue;
		if (!name && vmstate_dev_name(p->id, dev, sizeof(dev)))
			name = dev;
		printf("%s (0x%016llx): %s", name ? name : "?", (unsigned long long)p->id,
		       vmstate_strerror(p->err));
		switch (p->err) {
		case VMSTATE_E_HIDDEN_MODIFIED:
			printf(": holds 0x%llx, default 0x%llx", (unsigned long long)p->value,
			       (unsigned long long)p->expect);
			break;
		case VMSTATE_E_MEANING_CHANGED:
			printf(": 0x%llx in v%u; changed in v%u (default 0x%llx), rule %s; moving v%u "
			       "to v%u", (unsigned long long)p->value, p->from, p->since,
			       (unsigned long long)p->expect, sysreg_rule_name(p->rule), p->from, p->to);
			break;
		case VMSTATE_E_NOT_KEPT:
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
		case VMSTATE_E_BAD_VALUE:
			printf(": 0x%llx: %s", (unsigned long long)p->value, p->why);
			break;
		case VMSTATE_E_DROPPABLE_MODIFIED:
			printf(": holds 0x%llx, default 0x%llx", (unsigned long long)p->value,
			       (unsigned long long)p->expect);
			break;
		case VMSTATE_E_NEWER_THAN_WRITER:
			printf(": since v%llu, the blob's writer is v%llu", (unsigned long long)p->expect,
			       (unsigned long long)p->value);
			break;
		case VMSTATE_E_UNKNOWN_ID:
			printf(": value 0x%llx, not marked droppable", (unsigned long long)p->value);
			break;
		case VMSTATE_E_UNKNOWN_DEV:
			printf(": value 0x%llx: %s", (unsigned long long)p->value, p->why);
			break;
		default:
			break;
		}
		printf("\n");
	}
	if (r->total > shown)
		printf("%s: error: ... and %u more problems\n", prefix, r->total - shown);
}
