/*
 * Benchmarks at EL2 (regvisor.bench=1), counted in retired instructions by
 * the PMU, each next to a baseline measured in the same run. Lines:
 *   BENCH: <name> <instructions> <operations>
 * tools/bench.py turns them into the table in build/bench.md.
 */
#include <stdio.h>
#include <string.h>

#include "el2/bench.h"
#include "el2/vcpu.h"
#include "vmstate/blob.h"
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

	BUG_ON(bench_floor_count > ARRAY_SIZE(floor_vals) || bench_floor_count != ctx_count());
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
}

/* Each step of a save and of a load, per register of the full table. */
static void bench_export_import(struct vcpu *v)
{
	static struct vmstate s, in;
	static struct vmstate_drops drops;
	static uint8_t buf[VMSTATE_MAX_BLOB] __attribute__((aligned(8)));
	struct vmstate_report rep = { 0 };
	enum vmstate_err e;
	size_t len = 0;
	uint64_t t[6];
	uint64_t ops;

	s.fw_version = FW_VERSION;	/* a header as a save writes it */
	s.vcpu = (uint16_t)v->index;
	t[0] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_export_regs(&v->sr, 0, &s, &rep);
	t[1] = pmu_read();
	for (int r = 0; r < REPS; r++)
		len = vmstate_encode(&s, buf, sizeof(buf), &e);
	t[2] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_decode(buf, len, &in, NULL);
	t[3] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_check_regs(&in, &v->sr, NULL, &drops, &rep);
	t[4] = pmu_read();
	for (int r = 0; r < REPS; r++)
		vmstate_apply_regs(&in, &v->sr);
	t[5] = pmu_read();
	BUG_ON(rep.total || !len);
	ops = (uint64_t)REPS * s.nregs;
	report("fw_export_regs", t[1] - t[0], ops);
	report("fw_encode", t[2] - t[1], ops);
	report("fw_decode", t[3] - t[2], ops);
	report("fw_check", t[4] - t[3], ops);
	report("fw_apply", t[5] - t[4], ops);
	report("blob_bytes", len, 1);
	report("blob_registers", s.nregs, 1);
}

/* A hidden set of any size: our bitmap (one load, one AND) against a list scan (QEMU). */
#define HIDE_SPACE	512

static void bench_hidden(void)
{
	static uint64_t bitmap[HIDE_SPACE / 64];
	static uint64_t list[256];
	static const unsigned int sizes[] = { 0, 1, 16, 256 };
	char name[48];

	for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned int k = sizes[s], hits = 0;
		volatile unsigned int sink;
		uint64_t t0, t1, t2;

		memset(bitmap, 0, sizeof(bitmap));
		for (unsigned int i = 0; i < k; i++) {
			unsigned int idx = (i * 2 + 1) % HIDE_SPACE;

			bitmap[idx / 64] |= BIT64(idx % 64);
			list[i] = UINT64_C(0x6030000000130000) + idx;
		}
		t0 = pmu_read();
		for (unsigned int idx = 0; idx < HIDE_SPACE; idx++)
			hits += (unsigned int)((*(volatile uint64_t *)&bitmap[idx / 64] >> (idx % 64)) & 1);
		t1 = pmu_read();
		for (unsigned int idx = 0; idx < HIDE_SPACE; idx++) {
			uint64_t id = UINT64_C(0x6030000000130000) + idx;

			for (unsigned int j = 0; j < k; j++)
				if (*(volatile uint64_t *)&list[j] == id) {
					hits++;
					break;
				}
		}
		t2 = pmu_read();
		sink = hits;
		(void)sink;
		snprintf(name, sizeof(name), "hidden_bitmap_%u", k);
		report(name, t1 - t0, HIDE_SPACE);
		snprintf(name, sizeof(name), "hidden_scan_%u", k);
		report(name, t2 - t1, HIDE_SPACE);
	}
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
	return true;
}
