/*
 * libFuzzer target: the blob decoder (formats 1.0 and 2.0) and the whole
 * import check over every vCPU. Whatever the bytes, no crash, no sanitizer
 * report; an accepted blob re-encodes to a blob that decodes to the same
 * state, every vCPU and the VM's parts. The load path's decoder by row
 * gives the same verdict, the same check and registers, and the same
 * entries once made into entries.
 */
#include <stdlib.h>
#include <string.h>

#include "sysreg/sysreg_fake.h"
#include "vmstate/blob.h"
#include "vmstate/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_entries(const struct vmstate_entry *a, const struct vmstate_entry *b,
			 unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i].id != b[i].id || a[i].value != b[i].value ||
		    a[i].droppable != b[i].droppable)
			return false;
	return true;
}

static bool same_vcpu(const struct vmstate_vcpu *a, const struct vmstate_vcpu *b)
{
	return a->index == b->index && a->power == b->power && a->mpidr == b->mpidr &&
	       a->entry == b->entry && a->context == b->context &&
	       !memcmp(&a->core, &b->core, sizeof(a->core)) &&
	       !memcmp(&a->fp, &b->fp, sizeof(a->fp)) && a->nregs == b->nregs &&
	       a->ndev == b->ndev && same_entries(a->regs, b->regs, a->nregs) &&
	       same_entries(a->dev, b->dev, a->ndev);
}

/* Device code that takes list registers only: the check's both answers are reached. */
static const char *dev_check(unsigned int owner, const struct vmstate_entry *e, void *ctx)
{
	(void)ctx;
	return owner != VMSTATE_OWNER_VM && (e->id & ~UINT64_C(0xf)) == VMSTATE_DEV_GIC_IRQ ?
	       NULL : "not a list register";
}

static bool entry_ok(uint64_t entry)
{
	return !(entry & 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmstate a, b, r;
	static struct vmstate_drops drops[VMSTATE_MAX_VCPUS];
	static struct vcpu_sysregs vs[VMSTATE_MAX_VCPUS], vs_rows[VMSTATE_MAX_VCPUS];
	static struct vmstate_rows_store row_store;
	static struct vmstate_rows_in rows_in;
	static const struct vmstate_dev_ops dev = { dev_check, NULL, NULL };
	static uint8_t out[VMSTATE_MAX_BLOB];
	struct vmstate_machine m = { .dev = &dev, .entry_ok = entry_ok }, m_rows = m;
	struct vmstate_report rep = { 0 }, rep_rows = { 0 };
	enum vmstate_err e;
	size_t n;

	e = vmstate_decode(data, size, &a, NULL);
	vmstate_rows_in_init(&rows_in, &row_store);
	if (vmstate_decode_rows(data, size, &r, NULL, &rows_in) != e)
		abort();
	if (e != VMSTATE_E_OK)
		return 0;
	fake_hw_reset();
	/* A machine of the blob's size, so the check reaches every vCPU's registers. */
	m.nvcpus = a.nvcpus;
	m_rows.nvcpus = a.nvcpus;
	for (unsigned int i = 0; i < a.nvcpus; i++) {
		sysreg_vcpu_reset(&vs[i], FW_VERSION, FW_VERSION);
		vs[i].val[SYSREG_MPIDR_EL1] = VMSTATE_VMPIDR(i);
		vs_rows[i] = vs[i];
		m.sr[i] = &vs[i];
		m_rows.sr[i] = &vs_rows[i];
	}
	if (vmstate_check_all(&r, &m_rows, drops, &rep_rows) !=
	    vmstate_check_all(&a, &m, drops, &rep))
		abort();
	if (!rep.total) {
		vmstate_apply_all(&a, &m);
		vmstate_apply_all(&r, &m_rows);
		for (unsigned int i = 0; i < a.nvcpus; i++)
			if (memcmp(vs[i].val, vs_rows[i].val, sizeof(vs[i].val)) ||
			    vs[i].cpu_version != vs_rows[i].cpu_version)
				abort();
	}
	for (unsigned int i = 0; i < a.nvcpus; i++) {
		vmstate_rows_to_regs(&r.vcpu[i]);
		if (!same_vcpu(&r.vcpu[i], &a.vcpu[i]))
			abort();
	}
	n = vmstate_encode(&a, out, sizeof(out), &e);
	if (!n)
		return 0;	/* e.g. entries of a section interleaved: not re-encodable */
	if (vmstate_decode(out, n, &b, NULL) != VMSTATE_E_OK)
		abort();
	if (a.major != b.major || a.flags != b.flags || a.fw_version != b.fw_version ||
	    a.nvcpus != b.nvcpus || a.vcount != b.vcount || a.ndev != b.ndev ||
	    !same_entries(a.dev, b.dev, a.ndev))
		abort();
	for (unsigned int i = 0; i < a.nvcpus; i++)
		if (!same_vcpu(&a.vcpu[i], &b.vcpu[i]))
			abort();
	return 0;
}
