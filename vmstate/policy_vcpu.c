/*
 * The machine-wide rules: the header against this machine, each vCPU's
 * record (power state, pending entry, vMPIDR), device entries, and the
 * all-or-nothing check and apply over every vCPU.
 */
#include "vmstate/policy.h"

unsigned int vmstate_export_begin(struct vmstate *s, unsigned int target, unsigned int nvcpus,
				  struct vmstate_report *rep)
{
	if (!target)
		target = FW_VERSION;
	vmstate_clear(s, nvcpus);
	s->major = (uint8_t)vmstate_major_for(target);
	/* The version whose register list and meanings the blob follows: its reader's. */
	s->fw_version = (uint16_t)target;
	/* A 1.0 blob holds one vCPU: its reader has nowhere to put a second. */
	if (s->major < 2 && nvcpus != 1)
		vmstate_report_add(rep, VMSTATE_E_FORMAT_VCPUS, 0, nvcpus, target, -1);
	return rep->total;
}

unsigned int vmstate_check_header(const struct vmstate *s, unsigned int nvcpus,
				  struct vmstate_report *rep)
{
	if (s->fw_version < 1 || s->fw_version > VMSTATE_FW_VERSION_MAX)
		vmstate_report_why(rep, VMSTATE_E_BAD_HEADER, 0, s->fw_version, 0,
				   "writer's firmware version must be 1..32767");
	/* Every version this tree knows can be converted from; a newer one's meanings cannot. */
	else if (s->fw_version > FW_VERSION_LATEST)
		vmstate_report_add(rep, VMSTATE_E_NEWER_MEANINGS, 0, s->fw_version,
				   FW_VERSION_LATEST, -1);
	if (s->major < 2 && s->vcpu[0].index != 0)
		vmstate_report_why(rep, VMSTATE_E_BAD_HEADER, 0, s->vcpu[0].index, 0,
				   "a 1.0 blob's vCPU index must be 0 (the one vCPU it loads into)");
	if (s->nvcpus != nvcpus)
		vmstate_report_add(rep, VMSTATE_E_VCPU_COUNT, 0, s->nvcpus, nvcpus, -1);
	return rep->total;
}

unsigned int vmstate_check_vcpu(const struct vmstate *s, unsigned int i,
				bool (*entry_ok)(uint64_t entry), struct vmstate_report *rep)
{
	const struct vmstate_vcpu *c = &s->vcpu[i];
	uint64_t mpidr;
	bool has_mpidr = vmstate_get(c, sysreg_table[SYSREG_MPIDR_EL1].id, &mpidr);
	unsigned int tag = rep->vcpu_tag;

	rep->vcpu_tag = i + 1;
	if (!vmstate_power_name(c->power))
		vmstate_report_why(rep, VMSTATE_E_BAD_VCPU, 0, c->power, 0,
				   "power must be 0 (on), 1 (off) or 2 (on_pending)");
	else if (c->power != VMSTATE_POWER_ON_PENDING && (c->entry || c->context))
		vmstate_report_why(rep, VMSTATE_E_BAD_VCPU, 0, c->entry ? c->entry : c->context, 0,
				   c->entry ? "entry must be 0 unless the vCPU is on_pending" :
				   "context must be 0 unless the vCPU is on_pending");
	else if (c->power == VMSTATE_POWER_ON_PENDING && entry_ok && !entry_ok(c->entry))
		vmstate_report_why(rep, VMSTATE_E_BAD_VCPU, 0, c->entry, 0,
				   "entry must be a 4-byte aligned address in guest RAM");
	/* 1.0 has no vMPIDR of its own: its MPIDR_EL1 entry is it, checked by the value rules. */
	if (s->major >= 2 && c->mpidr != VMSTATE_VMPIDR(i))
		vmstate_report_why(rep, VMSTATE_E_BAD_VCPU, 0, c->mpidr, VMSTATE_VMPIDR(i),
				   "vMPIDR must be the firmware's for this vCPU (1 << 31 | index)");
	else if (s->major >= 2 && has_mpidr && mpidr != c->mpidr)
		vmstate_report_why(rep, VMSTATE_E_BAD_VCPU, 0, mpidr, c->mpidr,
				   "the MPIDR_EL1 entry must be the vCPU record's vMPIDR");
	rep->vcpu_tag = tag;
	return rep->total;
}

/* Device entries of one owner (a vCPU, or the VM), each one this firmware places. */
static void check_dev(const struct vmstate_entry *e, unsigned int n, unsigned int owner,
		      const struct vmstate_dev_ops *dev, struct vmstate_report *rep)
{
	for (unsigned int k = 0; k < n; k++) {
		const char *why = dev && dev->check ? dev->check(owner, &e[k], dev->ctx) :
				  "this firmware takes no device state";

		if (why)
			vmstate_report_why(rep, VMSTATE_E_UNKNOWN_DEV, e[k].id, e[k].value, 0, why);
	}
}

unsigned int vmstate_check_all(const struct vmstate *s, const struct vmstate_machine *m,
			       struct vmstate_drops drops[VMSTATE_MAX_VCPUS],
			       struct vmstate_report *rep)
{
	unsigned int on = 0;

	rep->vcpu_tag = 0;
	if (vmstate_check_header(s, m->nvcpus, rep) && s->nvcpus != m->nvcpus)
		return rep->total;	/* the vCPUs have nowhere to go: nothing more to say */
	for (unsigned int i = 0; i < s->nvcpus; i++) {
		const struct vmstate_vcpu *c = &s->vcpu[i];

		vmstate_check_vcpu(s, i, m->entry_ok, rep);
		vmstate_check_core(c, rep);
		vmstate_check_regs(s, i, m->sr[i], m->tol, &drops[i], rep);
		rep->vcpu_tag = i + 1;
		check_dev(c->dev, c->ndev, i, m->dev, rep);
		rep->vcpu_tag = 0;
		on += c->power == VMSTATE_POWER_ON;
	}
	check_dev(s->dev, s->ndev, VMSTATE_OWNER_VM, m->dev, rep);
	if (!on)
		vmstate_report_add(rep, VMSTATE_E_ALL_OFF, 0, s->nvcpus, 0, -1);
	return rep->total;
}

void vmstate_apply_all(const struct vmstate *s, const struct vmstate_machine *m)
{
	/*
	 * Device state: a 2.0 blob's absent entries are reset values, so every
	 * owner is applied; a 1.0 blob has no device state at all and leaves the
	 * devices as they are (a fresh machine's are at reset; a handover's
	 * travel beside the blob).
	 */
	bool devices = m->dev && m->dev->apply && s->major >= 2;

	for (unsigned int i = 0; i < s->nvcpus; i++) {
		vmstate_apply_regs(&s->vcpu[i], s->fw_version, m->sr[i]);
		if (devices)
			m->dev->apply(i, s->vcpu[i].dev, s->vcpu[i].ndev, m->dev->ctx);
	}
	if (devices)
		m->dev->apply(VMSTATE_OWNER_VM, s->dev, s->ndev, m->dev->ctx);
}
