/*
 * Host benchmark of the codec, run under valgrind's callgrind, which counts
 * instructions repeatably: `bench_host encode|decode|import N` runs the
 * operation on N registers (N = 0: this build's full table, from the fake
 * backend) inside bench_op(), the only function callgrind is told to
 * count. Built with larger limits than the firmware's, for N = 10000.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysreg/sysreg_fake.h"
#include "vmstate/blob.h"
#include "vmstate/policy.h"

static struct vmstate s, d;
/* One vCPU's registers: what the per-register numbers are about. */
#define S	(s.vcpu[0])
#define D	(d.vcpu[0])
/*
 * QEMU's migration format for the same state: the core and FP/SIMD
 * registers as fixed arrays, then the system registers as a cpreg index
 * array and a value array (8 bytes each), no CRC. Reading it back matches
 * the incoming indexes against the destination's own sorted list in one
 * merge, as QEMU's cpu_post_load() (target/arm/machine.c) does: an index
 * the destination lacks fails, one it has takes the value.
 */
#define CPREG_FIXED	(16 + 33 * 8 + 32 * 16 + 8)	/* header, core, FP/SIMD */
static uint64_t cpreg_idx[VMSTATE_MAX_ENTRIES], cpreg_val[VMSTATE_MAX_ENTRIES];
static uint64_t dest_ids[VMSTATE_MAX_ENTRIES], dest_val[VMSTATE_MAX_ENTRIES];
static unsigned int dest_n;
static uint8_t cpreg_buf[CPREG_FIXED + VMSTATE_MAX_ENTRIES * 16];
static uint8_t buf[VMSTATE_MAX_BLOB];
static size_t len;
static struct vcpu_sysregs vs;
static struct vmstate_drops drops;

/* The merge: returns false when an incoming index is unknown here. */
static bool cpreg_merge(unsigned int n)
{
	unsigned int v = 0;

	for (unsigned int i = 0; i < dest_n && v < n; i++) {
		if (cpreg_idx[v] > dest_ids[i])
			continue;		/* ours, not in the stream: left as it is */
		if (cpreg_idx[v] < dest_ids[i])
			return false;		/* theirs, unknown here */
		dest_val[i] = cpreg_val[v++];
	}
	return v == n;
}

void bench_op(int op);
__attribute__((noinline)) void bench_op(int op)
{
	enum vmstate_err e;
	struct vmstate_report rep = { 0 };
	size_t o = 16;

	switch (op) {
	case 0:
		len = vmstate_encode(&s, buf, sizeof(buf), &e);
		break;
	case 1:
		if (vmstate_decode(buf, len, &d, NULL) != VMSTATE_E_OK)
			abort();
		break;
	case 2:
		if (vmstate_export_regs(&vs, 0, &S, &rep))
			abort();
		break;
	case 3:
		if (vmstate_decode(buf, len, &d, NULL) != VMSTATE_E_OK ||
		    vmstate_check_regs(&d, 0, &vs, NULL, &drops, &rep))
			abort();
		vmstate_apply_regs(&D, d.fw_version, &vs);
		break;
	case 4:	/* baseline: write the same state as QEMU-style arrays */
		memcpy(cpreg_buf, "RVST", 4);
		memcpy(cpreg_buf + 4, &S.nregs, sizeof(S.nregs));
		memcpy(cpreg_buf + o, S.core.x, sizeof(S.core.x));
		o += sizeof(S.core.x);
		memcpy(cpreg_buf + o, &S.core.pc, 8);
		memcpy(cpreg_buf + o + 8, &S.core.pstate, 8);
		o += 16;
		memcpy(cpreg_buf + o, S.fp.v, sizeof(S.fp.v));
		o += sizeof(S.fp.v);
		memcpy(cpreg_buf + o, &S.fp.fpsr, 4);
		memcpy(cpreg_buf + o + 4, &S.fp.fpcr, 4);
		o += 8;
		for (unsigned int i = 0; i < S.nregs; i++) {
			cpreg_idx[i] = S.regs[i].id;
			cpreg_val[i] = S.regs[i].value;
		}
		memcpy(cpreg_buf + o, cpreg_idx, S.nregs * 8);
		memcpy(cpreg_buf + o + S.nregs * 8, cpreg_val, S.nregs * 8);
		break;
	case 5: {	/* baseline: read it back, merging the indexes into ours */
		unsigned int n;

		memcpy(&n, cpreg_buf + 4, sizeof(n));
		memcpy(D.core.x, cpreg_buf + o, sizeof(D.core.x));
		o += sizeof(D.core.x);
		memcpy(&D.core.pc, cpreg_buf + o, 8);
		memcpy(&D.core.pstate, cpreg_buf + o + 8, 8);
		o += 16;
		memcpy(D.fp.v, cpreg_buf + o, sizeof(D.fp.v));
		o += sizeof(D.fp.v);
		memcpy(&D.fp.fpsr, cpreg_buf + o, 4);
		memcpy(&D.fp.fpcr, cpreg_buf + o + 4, 4);
		o += 8;
		memcpy(cpreg_idx, cpreg_buf + o, n * 8);
		memcpy(cpreg_val, cpreg_buf + o + n * 8, n * 8);
		if (!cpreg_merge(n))
			abort();
		break;
	}
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
	vmstate_clear(&s, 1);		/* the header a save of one vCPU writes */
	s.fw_version = FW_VERSION;
	s.major = (uint8_t)vmstate_major_for(FW_VERSION);
	if (n == 0) {
		struct vmstate_report rep = { 0 };

		vmstate_export_regs(&vs, 0, &S, &rep);
	} else {
		/* Synthetic: consecutive system-register ids, values of mixed widths. */
		for (unsigned long i = 0; i < n; i++)
			S.regs[S.nregs++] = (struct vmstate_entry){
				.id = UINT64_C(0x6030000000130000) + 1 + i,
				.value = (i % 4 == 0) ? 0 : (UINT64_C(0x1234567) << (i % 32)),
			};
	}
	len = vmstate_encode(&s, buf, sizeof(buf), &e);
	if (!len)
		return 1;
	/* The destination knows these registers (the same list, sorted). */
	for (unsigned int i = 0; i < S.nregs; i++)
		dest_ids[dest_n++] = S.regs[i].id;
	if (op == 5)
		bench_op(4);	/* something to read */
	bench_op(op);
	printf("%s %u registers %zu bytes\n", ops[op], S.nregs, len);
	return 0;
}
