/*
 * Benchmarks at EL2 (regvisor.bench=1), counted in retired instructions by
 * the PMU, each next to a baseline measured in the same run. Lines:
 *   BENCH: <name> <instructions> <operations>
 * tools/bench.py turns them into the table in build/bench.md.
 */
#include <stdio.h>
#include <string.h>

#include "el2/barrier_hw.h"
#include "el2/bench.h"
#include "el2/vcpu.h"
#include "vmstate/blob.h"
#include "vmstate/frame.h"
#include "vmstate/policy.h"

#define REPS		100
#define KNOWN_LOOP	2000	/* pmu_known_loop: 1000 x (SUBS, B.NE) */

static void report(const char *name, uint64_t count, uint64_t ops)
{
	printf("BENCH: %s %llu %llu\n", name, (unsigned long long)count, (unsigned long long)ops);
}

static unsigned int ctx_count(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		n += sysreg_table[i].cls == CTX;
	return n;
}

static void bench_context(void)
{
	static uint64_t vals[SYSREG_COUNT], floor_vals[64];
	uint64_t t0, t1, t2, t3;

	BUG_ON(bench_floor_count > ARRAY_SIZE(floor_vals) || bench_floor_count > ctx_count());
	t0 = pmu_read();
	for (int r = 0; r < REPS; r++) {
		sysreg_hw_save_ctx(vals);
		sysreg_hw_restore_ctx(vals);
	}
	t1 = pmu_read();
	for (int r = 0; r < REPS; r++) {
		bench_floor_save(floor_vals);
		bench_floor_restore(floor_vals);
	}
	t2 = pmu_read();
	/* Register by register through the table's dispatch, as a trap would. */
	for (int r = 0; r < REPS; r++)
		for (unsigned int i = 0; i < SYSREG_COUNT; i++)
			if (sysreg_table[i].cls == CTX)
				sysreg_hw_write(i, sysreg_hw_read(i));
	t3 = pmu_read();
	report("ctx_save_restore", t1 - t0, REPS);
	report("ctx_save_restore_floor", t2 - t1, REPS);
	report("ctx_dispatch_each", t3 - t2, REPS);
	report("ctx_registers", ctx_count(), 1);
	report("ctx_floor_registers", bench_floor_count, 1);
}

/*
 * The benchmarks' state and blob buffers, one set for all of them: a blob
 * decodes back into the state it was encoded from (the same values).
 */
static struct vmstate bst;
static uint8_t bbuf[VMSTATE_MAX_BLOB] __attribute__((aligned(8)));

/* Each step of a save and of a load, per register of the full table. */
static void bench_export_import(struct vcpu *v)
{
	static struct vmstate_rows_store row_store;
	static struct vmstate_rows_buf rows;
	static struct vmstate_rows_in rows_in;
	static struct vmstate_drops drops;
	struct vmstate_report rep = { 0 };
	enum vmstate_err e;
	size_t len = 0;
	uint64_t t[6];
	uint64_t ops;

	/* One vCPU's steps: a header as a save of a one-vCPU machine writes it. */
	vmstate_clear(&bst, 1);
	bst.fw_version = FW_VERSION;
	bst.major = (uint8_t)vmstate_major_for(FW_VERSION);
	/* The save path: the registers read and checked, and written straight into the blob. */
	t[0] = pmu_read();
	for (int r = 0; r < REPS; r++) {
		vmstate_export_rows(&v->sr, 0, &bst.vcpu[0], &rows, &rep);
		len = vmstate_encode(&bst, bbuf, sizeof(bbuf), &e);
	}
	t[1] = pmu_read();
	BUG_ON(rep.total || !len || !bst.vcpu[0].rows);
	report("fw_export_fused", t[1] - t[0], (uint64_t)REPS * bst.vcpu[0].nregs);
	/* The load path: the blob decoded by row, checked, and written to the registers. */
	vmstate_rows_in_init(&rows_in, &row_store);
	t[0] = pmu_read();
	for (int r = 0; r < REPS; r++) {
		vmstate_decode_rows(bbuf, len, &bst, NULL, &rows_in);
		vmstate_check_regs(&bst, 0, &v->sr, NULL, &drops, &rep);
		vmstate_apply_regs(&bst.vcpu[0], bst.fw_version, &v->sr);
	}
	t[1] = pmu_read();
	BUG_ON(rep.total || !bst.vcpu[0].rows_in);
	report("fw_import_fused", t[1] - t[0], (uint64_t)REPS * bst.vcpu[0].nregs);
	/* The same in two passes, through the entries, and the load's steps. */
	t[0] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_export_regs(&v->sr, 0, &bst.vcpu[0], &rep);
	t[1] = pmu_read();
	for (int r = 0; r < REPS; r++)
		len = vmstate_encode(&bst, bbuf, sizeof(bbuf), &e);
	t[2] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_decode(bbuf, len, &bst, NULL);
	t[3] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_check_regs(&bst, 0, &v->sr, NULL, &drops, &rep);
	t[4] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_apply_regs(&bst.vcpu[0], bst.fw_version, &v->sr);
	t[5] = pmu_read();
	BUG_ON(rep.total || !len);
	ops = (uint64_t)REPS * bst.vcpu[0].nregs;
	report("fw_export_regs", t[1] - t[0], ops);
	report("fw_encode", t[2] - t[1], ops);
	report("fw_decode", t[3] - t[2], ops);
	report("fw_check", t[4] - t[3], ops);
	report("fw_apply", t[5] - t[4], ops);
	report("blob_bytes", len, 1);
	report("blob_registers", bst.vcpu[0].nregs, 1);
}

/*
 * The hidden check as export makes it: for every table register,
 * sysreg_mask_test() on the vCPU's hidden mask (struct sysreg_mask, filled
 * by sysreg_mask_set()). The baseline is QEMU's way: each register's id
 * looked for in a list of hidden ids. Both do the same on a hit.
 */
static __attribute__((noinline)) uint64_t hidden_by_mask(const struct sysreg_mask *m)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_mask_test(m, i))
			sum ^= sysreg_table[i].id;
	return sum;
}

static __attribute__((noinline)) uint64_t hidden_by_list(const uint64_t *list, unsigned int k)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		for (unsigned int j = 0; j < k; j++)
			if (list[j] == sysreg_table[i].id) {
				sum ^= sysreg_table[i].id;
				break;
			}
	return sum;
}

static void bench_hidden(void)
{
	static const unsigned int sizes[] = { 0, 1, 16, SYSREG_COUNT };
	static uint64_t list[SYSREG_COUNT];
	char name[48];

	for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
		struct sysreg_mask m = { { 0 } };
		unsigned int k = sizes[s];
		volatile uint64_t sink;
		uint64_t t0, t1, t2, a = 0, b = 0;

		/* k registers spread over the table, the list in table order. */
		for (unsigned int n = 0; n < k; n++) {
			unsigned int idx = (unsigned int)((uint64_t)n * SYSREG_COUNT / k);

			sysreg_mask_set(&m, idx);
			list[n] = sysreg_table[idx].id;
		}
		BUG_ON(sysreg_mask_count(&m) != k);
		t0 = pmu_read();
		/* The barriers keep each call: the compiler may not assume the sets unchanged. */
		for (int r = 0; r < REPS; r++) {
			opaque(&m);
			a += hidden_by_mask(&m);
		}
		t1 = pmu_read();
		for (int r = 0; r < REPS; r++) {
			opaque(list);
			b += hidden_by_list(list, k);
		}
		t2 = pmu_read();
		BUG_ON(a != b);		/* both found the same registers */
		sink = a;
		(void)sink;
		snprintf(name, sizeof(name), "hidden_bitmap_%u", k);
		report(name, t1 - t0, (uint64_t)REPS * SYSREG_COUNT);
		snprintf(name, sizeof(name), "hidden_scan_%u", k);
		report(name, t2 - t1, (uint64_t)REPS * SYSREG_COUNT);
	}
	report("hidden_table_registers", SYSREG_COUNT, 1);
}

/*
 * Bytes on the UART of a framed blob, as the console sends them (each line
 * ends in CR LF): this firmware's blob, and one of QEMU's size (16 bytes a
 * register) through the same framing.
 */
static void count_line(const char *line, void *ctx)
{
	*(uint64_t *)ctx += strlen(line) + 2;
}

static void bench_framed(void)
{
	struct vmstate_report rep = { 0 };
	enum vmstate_err e;
	uint64_t ours = 0, base = 0;
	size_t len, base_len;

	vmstate_export_regs(&vm.vcpu[0].sr, 0, &bst.vcpu[0], &rep);
	len = vmstate_encode(&bst, bbuf, sizeof(bbuf), &e);
	BUG_ON(!len);
	frame_encode(bbuf, len, count_line, &ours);
	/* The same sections with every register as an 8-byte id and an 8-byte value. */
	base_len = VMSTATE_HDR_SIZE + 5 * VMSTATE_SEC_HDR_SIZE + 33 * 8 + 32 * 16 + 8 + 8 +
		   (size_t)bst.vcpu[0].nregs * 16 + VMSTATE_CRC_SIZE;
	BUG_ON(base_len > sizeof(bbuf));
	frame_encode(bbuf, base_len, count_line, &base);
	report("blob_framed_bytes", ours, 1);
	report("baseline_framed_bytes", base, 1);
}

bool bench_run_el2(void)
{
	uint64_t known;

	pmu_init();
	known = pmu_known_loop();
	report("known_loop", known, KNOWN_LOOP);
	if (known < KNOWN_LOOP || known > KNOWN_LOOP + 16) {
		printf("BENCH: error: the PMU counted %llu instructions for a loop of %d: not "
		       "counting exactly (QEMU needs -icount shift=0,sleep=off)\n",
		       (unsigned long long)known, KNOWN_LOOP);
		return false;
	}
	bench_context();
	bench_export_import(&vm.vcpu[0]);
	bench_hidden();
	bench_framed();
	return true;
}
