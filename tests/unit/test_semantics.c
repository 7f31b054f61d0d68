/*
 * Host tests of what a register means in each version (CHANGE lines,
 * sysreg/semantics.c) and of both ends of a move that crosses a change:
 * a changed default, a narrowed writable mask and a newly carried
 * register are each converted by their rule or refused, never silent.
 * The tests put their own CHANGE lists in place of the build's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sysreg/sysreg_fake.h"
#include "vmstate/policy.h"
#include "tests/unit/capture.h"

static struct vmstate st;
static struct vcpu_sysregs vs;
static struct sysreg_change list[2];

#define WA2	SYSREG_SMCCC_ARCH_WORKAROUND_2
#define CIDR	SYSREG_CONTEXTIDR_EL1

/* One CHANGE line in place of the build's. */
static void change(unsigned int idx, unsigned int version, uint64_t def, uint64_t wmask,
		   enum sysreg_rule rule)
{
	list[0] = (struct sysreg_change){ .row = (uint16_t)sysreg_row_of(idx),
					  .version = (uint16_t)version, .rule = (uint8_t)rule,
					  .def = def, .wmask = wmask };
	sysreg_changes = (struct sysreg_changes){ list, 1 };
}

static struct sysreg_changes build_changes;	/* the build's own list */

static int restore_changes(void **state)
{
	(void)state;
	sysreg_changes = build_changes;
	return 0;
}

static void reset_world(unsigned int world)
{
	fake_hw_reset();
	sysreg_vcpu_reset(&vs, world, world);
	memset(&vs.hidden, 0, sizeof(vs.hidden));
	sysreg_mask_add_newer_than(&vs.hidden, world);
}

/* Export vCPU vs for version target into st; the number of problems. */
static unsigned int export(unsigned int target, struct vmstate_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	if (vmstate_export_begin(&st, target, 1, rep))
		return rep->total;
	return vmstate_export_regs(&vs, target, &st.vcpu[0], rep);
}

static unsigned int import_check(struct vmstate_report *rep)
{
	static struct vmstate_drops drops;

	memset(rep, 0, sizeof(*rep));
	return vmstate_check_regs(&st, 0, &vs, NULL, &drops, rep);
}

static const struct vmstate_entry *entry(unsigned int idx)
{
	return vmstate_find(&st.vcpu[0], sysreg_table[idx].id);
}

/* Drop register idx's entry from st (as a writer that hid it). */
static void drop_entry(unsigned int idx)
{
	struct vmstate_vcpu *c = &st.vcpu[0];
	unsigned int k = 0;

	for (unsigned int i = 0; i < c->nregs; i++)
		if (c->regs[i].id != sysreg_table[idx].id)
			c->regs[k++] = c->regs[i];
	assert_int_equal(k + 1, c->nregs);
	c->nregs = k;
}

static void assert_line(const struct vmstate_report *rep, const char *want)
{
	char lines[VMSTATE_REPORT_MAX + 1][CAPTURE_LINE];
	unsigned int n = capture_report(rep, lines, VMSTATE_REPORT_MAX + 1);

	for (unsigned int i = 0; i < n; i++)
		if (strstr(lines[i], want))
			return;
	fail_msg("no report line has '%s' (first: '%s')", want, n ? lines[0] : "");
}

static void defaults_and_masks_per_version(void **state)
{
	unsigned int row = sysreg_row_of(WA2);

	(void)state;
	assert_true(sysreg_changes_valid());
	change(WA2, 3, 0x10, 0x10, RULE_KEEP);
	assert_int_equal(sysreg_row_default(row, 2), 0);
	assert_int_equal(sysreg_row_default(row, 3), 0x10);
	assert_int_equal(sysreg_row_wmask(sysreg_row_of(CIDR), 3), 0xffffffff);
	reset_world(3);
	assert_int_equal(vs.val[WA2], 0x10);	/* a guest reset in world 3 gets v3's default */
	reset_world(2);
	assert_int_equal(vs.val[WA2], 0);
}

static void bad_change_lines_found(void **state)
{
	static const struct { unsigned int idx, version, rule; } bad[] = {
		{ SYSREG_MIDR_EL1, 2, RULE_KEEP },	/* an ID row */
		{ WA2, 2, RULE_KEEP },			/* not after its since */
		{ WA2, FW_VERSION_LATEST + 1, RULE_KEEP },	/* a version that does not exist */
		{ WA2, 3, 7 },				/* no such rule */
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		change(bad[i].idx, bad[i].version, 0, 0, (enum sysreg_rule)bad[i].rule);
		assert_false(sysreg_changes_valid());
	}
	change(WA2, 3, 0x10, 0x10, RULE_KEEP);
	list[1] = list[0];
	sysreg_changes.n = 2;
	assert_false(sysreg_changes_valid());	/* the same version twice */
}

/* A default that changed, rule keep: the guest's value travels as it is, both ways. */
static void changed_default_kept(void **state)
{
	struct vmstate_report rep;

	(void)state;
	change(WA2, 3, 0x10, 0x10, RULE_KEEP);
	/* v3 -> v2: the guest has v3's default, v2's is 0: it travels, not droppable. */
	reset_world(3);
	assert_int_equal(export(2, &rep), 0);
	assert_int_equal(st.fw_version, 2);	/* the blob follows version 2's meanings */
	assert_int_equal(entry(WA2)->value, 0x10);
	assert_false(entry(WA2)->droppable);
	/* Hidden, it would take v2's default: refused, naming v2's default. */
	sysreg_mask_set(&vs.hidden, WA2);
	assert_int_equal(export(2, &rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_HIDDEN_MODIFIED);
	assert_int_equal(rep.p[0].expect, 0);
	/* v2 -> v3: a v2 blob without it (reset-safe): the guest keeps v2's default, 0. */
	reset_world(2);
	assert_int_equal(export(2, &rep), 0);
	drop_entry(WA2);
	reset_world(3);
	assert_int_equal(import_check(&rep), 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[WA2], 0);
}

/* Rule adopt: at the old default it takes the new, both ways. */
static void changed_default_adopted(void **state)
{
	struct vmstate_report rep;

	(void)state;
	change(WA2, 3, 0x10, 0x10, RULE_ADOPT);
	reset_world(3);
	assert_int_equal(export(2, &rep), 0);
	assert_int_equal(entry(WA2)->value, 0);
	assert_true(entry(WA2)->droppable);
	sysreg_mask_set(&vs.hidden, WA2);	/* hidden: it holds v2's default once converted */
	assert_int_equal(export(2, &rep), 0);
	assert_null(entry(WA2));
	reset_world(2);
	assert_int_equal(export(2, &rep), 0);
	assert_int_equal(entry(WA2)->value, 0);
	reset_world(3);
	assert_int_equal(import_check(&rep), 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[WA2], 0x10);
	/* A value the guest chose is not a default: kept. */
	reset_world(2);
	vs.val[WA2] = 0x10;
	assert_int_equal(export(2, &rep), 0);
	reset_world(3);
	vs.val[WA2] = 0;
	assert_int_equal(import_check(&rep), 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[WA2], 0x10);
}

/* Rule refuse: no move across the change, either way, present or left out. */
static void changed_default_refused(void **state)
{
	struct vcpu_sysregs before;
	struct vmstate_report rep;

	(void)state;
	change(WA2, 3, 0x10, 0x10, RULE_REFUSE);
	reset_world(3);
	assert_int_equal(export(3, &rep), 0);	/* v3 to v3 crosses nothing */
	assert_int_equal(export(2, &rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_MEANING_CHANGED);
	assert_line(&rep, "SMCCC_ARCH_WORKAROUND_2 (0x6030000000140002): its meaning changed "
		    "between the versions, and its rule refuses the move: 0x10 in v3; changed in v3 "
		    "(default 0x10), rule refuse; moving v3 to v2");
	reset_world(2);
	assert_int_equal(export(2, &rep), 0);
	reset_world(3);
	before = vs;
	assert_int_equal(import_check(&rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_MEANING_CHANGED);
	drop_entry(WA2);
	assert_int_equal(import_check(&rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_MEANING_CHANGED);
	assert_memory_equal(&before, &vs, sizeof(vs));
}

/* A narrowed writable mask: export never masks the guest's bits away. */
static void narrowed_wmask(void **state)
{
	struct vmstate_report rep;

	(void)state;
	change(CIDR, 3, 0, 0xffff, RULE_KEEP);
	reset_world(3);
	vs.val[CIDR] = 0x12345678;
	assert_int_equal(export(3, &rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_NOT_KEPT);
	assert_line(&rep, "CONTEXTIDR_EL1 (0x603000000013c681): bits the guest set that this "
		    "version does not carry: 0x12345678, writable 0xffff");
	/* Version 2 kept them: a v2 guest's value cannot enter v3. */
	reset_world(2);
	vs.val[CIDR] = 0x12345678;
	assert_int_equal(export(2, &rep), 0);
	assert_int_equal(entry(CIDR)->value, 0x12345678);
	reset_world(3);
	assert_int_equal(import_check(&rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_MEANING_CHANGED);
	/* Declared adopt: the bits v3 does not keep are cleared, both ends. */
	change(CIDR, 3, 0, 0xffff, RULE_ADOPT);
	assert_int_equal(import_check(&rep), 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[CIDR], 0x5678);
	vs.val[CIDR] = 0x12345678;
	assert_int_equal(export(3, &rep), 0);
	assert_int_equal(entry(CIDR)->value, 0x5678);
	/* Status bits no version kept are left behind, as before. */
	sysreg_changes.n = 0;
	reset_world(3);
	vs.val[SYSREG_CNTV_CTL_EL0] = 0x7;	/* ISTATUS set */
	assert_int_equal(export(3, &rep), 0);
	assert_int_equal(entry(SYSREG_CNTV_CTL_EL0)->value, 0x3);
}

/*
 * Newly carried (the physical timer, since 3): a v2 blob does not have
 * it; the rows are RESET_SAFE, so a v3 world takes their reset values,
 * and a row that were not would be refused as missing.
 */
static void newly_carried(void **state)
{
	struct vmstate_report rep;

	(void)state;
	sysreg_changes.n = 0;
	assert_int_equal(sysreg_table[SYSREG_CNTP_CVAL_EL0].since, 3);
	assert_true(sysreg_table[SYSREG_CNTP_CVAL_EL0].flags & RESET_SAFE);
	reset_world(2);
	assert_int_equal(export(2, &rep), 0);
	assert_null(entry(SYSREG_CNTP_CVAL_EL0));
	reset_world(3);
	vs.val[SYSREG_CNTP_CVAL_EL0] = 0x1234;
	assert_int_equal(import_check(&rep), 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[SYSREG_CNTP_CVAL_EL0], 0);
	assert_int_equal(vs.val[SYSREG_CNTP_CTL_EL0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(defaults_and_masks_per_version, restore_changes),
		cmocka_unit_test_teardown(bad_change_lines_found, restore_changes),
		cmocka_unit_test_teardown(changed_default_kept, restore_changes),
		cmocka_unit_test_teardown(changed_default_adopted, restore_changes),
		cmocka_unit_test_teardown(changed_default_refused, restore_changes),
		cmocka_unit_test_teardown(narrowed_wmask, restore_changes),
		cmocka_unit_test_teardown(newly_carried, restore_changes),
	};

	build_changes = sysreg_changes;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
