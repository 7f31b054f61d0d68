/*
 * Host benchmark of the codec, run under valgrind's callgrind, which counts
 * instructions repeatably: `bench_host encode|decode|import N` runs the
 * operation on N registers (N = 0: this build's full table, from the fake
 * backend) inside bench_op(), the only function callgrind is told to
 * count. Built with larger limits than the firmware's, for N = 10000.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysreg/sysreg_fake.h"
#include "vmstate/blob.h"
#include "vmstate/policy.h"

static struct vmstate s, d;
/* QEMU's migration format for the same registers: cpreg index and value arrays. */
static uint64_t cpreg_idx[VMSTATE_MAX_ENTRIES], cpreg_val[VMSTATE_MAX_ENTRIES];
static uint8_t cpreg_buf[VMSTATE_MAX_ENTRIES * 16];
static uint8_t buf[VMSTATE_MAX_BLOB];
static size_t len;
static struct vcpu_sysregs vs;
static struct vmstate_drops drops;

void bench_op(int op);
__attribute__((noinline)) void bench_op(int op)
{
	enum vmstate_err e;
	struct vmstate_report rep = { 0 };

	switch (op) {
	case 0:
		len = vmstate_encode(&s, buf, sizeof(buf), &e);
		break;
	case 1:
		if (vmstate_decode(buf, len, &d, NULL) != VMSTATE_E_OK)
			abort();
		break;
	case 2:
		if (vmstate_export_regs(&vs, 0, &s, &rep))
			abort();
		break;
	case 3:
		if (vmstate_decode(buf, len, &d, NULL) != VMSTATE_E_OK ||
		    vmstate_check_regs(&d, &vs, NULL, &drops, &rep))
			abort();
		vmstate_apply_regs(&d, &vs);
		break;
	case 4:	/* baseline: QEMU-style 8-byte index + 8-byte value per register */
		for (unsigned int i = 0; i < s.nregs; i++) {
			cpreg_idx[i] = s.regs[i].id;
			cpreg_val[i] = s.regs[i].value;
		}
		memcpy(cpreg_buf, cpreg_idx, s.nregs * 8);
		memcpy(cpreg_buf + s.nregs * 8, cpreg_val, s.nregs * 8);
		break;
	case 5:	/* baseline: and back, looking each index up as QEMU does (bisection) */
		memcpy(cpreg_idx, cpreg_buf, s.nregs * 8);
		memcpy(cpreg_val, cpreg_buf + s.nregs * 8, s.nregs * 8);
		for (unsigned int i = 0; i < s.nregs; i++)
			d.regs[i] = (struct vmstate_entry){ cpreg_idx[i], cpreg_val[i], false };
		d.nregs = s.nregs;
		break;
	}
}

int main(int argc, char **argv)
{
	static const char *const ops[] = { "encode", "decode", "export", "import",
					   "cpreg_write", "cpreg_read" };
	enum vmstate_err e;
	int op = -1;
	unsigned long n;

	if (argc != 3)
		return 2;
	for (int i = 0; i < 6; i++)
		if (!strcmp(argv[1], ops[i]))
			op = i;
	n = strtoul(argv[2], NULL, 0);
	if (op < 0 || n > VMSTATE_MAX_ENTRIES)
		return 2;
	fake_hw_reset();
	sysreg_vcpu_reset(&vs, FW_VERSION, FW_VERSION);
	s.fw_version = FW_VERSION;	/* the header a save writes */
	if (n == 0) {
		struct vmstate_report rep = { 0 };

		vmstate_export_regs(&vs, 0, &s, &rep);
	} else {
		/* Synthetic: consecutive system-register ids, values of mixed widths. */
		for (unsigned long i = 0; i < n; i++)
			s.regs[s.nregs++] = (struct vmstate_entry){
				.id = UINT64_C(0x6030000000130000) + 1 + i,
				.value = (i % 4 == 0) ? 0 : (UINT64_C(0x1234567) << (i % 32)),
			};
	}
	len = vmstate_encode(&s, buf, sizeof(buf), &e);
	if (!len)
		return 1;
	if (op == 5)
		bench_op(4);	/* something to read */
	bench_op(op);
	printf("%s %u registers %zu bytes\n", ops[op], s.nregs, len);
	return 0;
}
