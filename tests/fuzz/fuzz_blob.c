/*
 * libFuzzer target: the blob decoder and the import check. Whatever the
 * bytes, no crash, no sanitizer report; an accepted blob re-encodes to a
 * blob that decodes to the same state.
 */
#include <stdlib.h>
#include <string.h>

#include "sysreg/sysreg_fake.h"
#include "vmstate/blob.h"
#include "vmstate/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vmstate a, b;
	static struct vmstate_drops drops;
	static struct vcpu_sysregs vs;
	static uint8_t out[VMSTATE_MAX_BLOB];
	struct vmstate_report rep = { 0 };
	enum vmstate_err e;
	size_t n;

	if (vmstate_decode(data, size, &a, NULL) != VMSTATE_E_OK)
		return 0;
	fake_hw_reset();
	sysreg_vcpu_reset(&vs, FW_VERSION, FW_VERSION);
	if (!vmstate_check_regs(&a, &vs, NULL, &drops, &rep))
		vmstate_apply_regs(&a, &vs);
	n = vmstate_encode(&a, out, sizeof(out), &e);
	if (!n)
		return 0;	/* e.g. entries of a section interleaved: not re-encodable */
	if (vmstate_decode(out, n, &b, NULL) != VMSTATE_E_OK)
		abort();
	if (memcmp(&a.core, &b.core, sizeof(a.core)) || memcmp(&a.fp, &b.fp, sizeof(a.fp)) ||
	    a.vcount != b.vcount || a.nregs != b.nregs || a.flags != b.flags ||
	    a.fw_version != b.fw_version || a.vcpu != b.vcpu)
		abort();
	/* Every register entry: its id, its value and its droppable flag. */
	for (unsigned int i = 0; i < a.nregs; i++)
		if (a.regs[i].id != b.regs[i].id || a.regs[i].value != b.regs[i].value ||
		    a.regs[i].droppable != b.regs[i].droppable)
			abort();
	return 0;
}
