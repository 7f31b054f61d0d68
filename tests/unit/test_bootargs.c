/* Host tests of the boot-argument parser: good and bad lists. */
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sysreg/bootargs.h"

static void defaults(void **state)
{
	struct rv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.cpu_version, FW_VERSION);
	assert_int_equal(c.world_version, FW_VERSION);
	assert_int_equal(sysreg_mask_count(&c.hide), 0);
	assert_int_equal(config_parse(&c, "", "test"), 0);
	assert_int_equal(config_parse(&c, "console=ttyAMA0 quiet", "test"), 0);
	assert_int_equal(sysreg_mask_count(&c.hide), 0);
}

static void hide_ids_and_names(void **state)
{
	struct rv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.hide=0x6030000000160003,TCR_EL1,tpidr_el0",
				      "test"), 0);
	assert_int_equal(sysreg_mask_count(&c.hide), 3);
	assert_true(sysreg_mask_test(&c.hide, SYSREG_VENDOR_HYP_BMAP_2));
	assert_true(sysreg_mask_test(&c.hide, SYSREG_TCR_EL1));
	assert_true(sysreg_mask_test(&c.hide, SYSREG_TPIDR_EL0));
	/* Two hide arguments combine. */
	assert_int_equal(config_parse(&c, "foo regvisor.hide=0x6030000000140002 bar", "test"), 0);
	assert_int_equal(sysreg_mask_count(&c.hide), 4);
}

static void hide_bad_items_named_and_skipped(void **state)
{
	struct rv_config c;

	(void)state;
	config_defaults(&c);
	/* Unknown name, unknown id, bad hex, empty items: each one error, the rest applies. */
	assert_int_equal(config_parse(&c, "regvisor.hide=NOPE_EL1,0x6030000000130000,0xzz,,"
				      "SCTLR_EL1", "test"), 3);
	assert_int_equal(sysreg_mask_count(&c.hide), 1);
	assert_true(sysreg_mask_test(&c.hide, SYSREG_SCTLR_EL1));
	/* A name longer than any register's is refused, not overflowed. */
	assert_int_equal(config_parse(&c, "regvisor.hide=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				      "test"), 1);
	/* ID registers cannot be hidden: the guest's CPU always travels. */
	assert_int_equal(config_parse(&c, "regvisor.hide=ID_AA64ISAR1_EL1,MIDR_EL1", "test"), 2);
	assert_false(sysreg_mask_test(&c.hide, SYSREG_ID_AA64ISAR1_EL1));
	/* An id above 64 bits is refused. */
	assert_int_equal(config_parse(&c, "regvisor.hide=0x16030000000130000", "test"), 1);
}

static void cpu_and_compat(void **state)
{
	struct rv_config c;
	char bad[96];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.cpu=1", "test"), 0);
	assert_int_equal(c.cpu_version, 1);
	assert_int_equal(c.world_version, FW_VERSION);

	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.compat=1", "test"), 0);
	assert_int_equal(c.cpu_version, 1);	/* compat implies cpu */
	assert_int_equal(c.world_version, 1);

	config_defaults(&c);
	/* compat one past this build's own version: a version it does not know. */
	snprintf(bad, sizeof(bad), "regvisor.cpu=0 regvisor.compat=%d regvisor.cpu=x "
		 "regvisor.compat=", FW_VERSION + 1);
	assert_int_equal(config_parse(&c, bad, "test"), 4);
	assert_int_equal(c.cpu_version, FW_VERSION);
	assert_int_equal(c.world_version, FW_VERSION);
}

static void contradictions_named_and_resolved(void **state)
{
	struct rv_config c;

	(void)state;
	/* compat before cpu: the CPU model may not be newer than the world. */
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.compat=1 regvisor.cpu=2", "test"), 0);
	assert_int_equal(config_finish(&c), 1);
	assert_int_equal(c.cpu_version, 1);
	/* VENDOR_HYP_BMAP_2 outside version 2's world, or with unknown bits. */
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.bmap2=1 regvisor.compat=1", "test"), 0);
	assert_int_equal(config_finish(&c), 1);
	assert_int_equal(c.bmap2, 0);
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.bmap2=0x3", "test"), 0);
	assert_int_equal(config_finish(&c), 1);
	assert_int_equal(c.bmap2, 1);
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.bmap2=1 regvisor.cpu=1", "test"), 0);
	assert_int_equal(config_finish(&c), 0);
}

static void tolerate_list(void **state)
{
	struct rv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.tolerate=0x6030000000150123,0x6030000000160003",
				      "test"), 0);
	assert_int_equal(c.ntolerate, 2);
	assert_int_equal(c.tolerate[0], 0x6030000000150123);
	assert_int_equal(config_parse(&c, "regvisor.tolerate=SCTLR_EL1,0", "test"), 2);
	assert_int_equal(c.ntolerate, 2);
}

static void other_arguments(void **state)
{
	struct rv_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.bmap2=0x1 regvisor.fault=el2", "test"), 0);
	assert_int_equal(c.bmap2, 1);
	assert_true(c.fault_el2);
	assert_int_equal(config_parse(&c, "regvisor.nonsense=1 regvisor.hide regvisor.fault=x",
				      "test"), 3);
	/* Switches, and the one that turns two others off. */
	config_defaults(&c);
	assert_int_equal(config_parse(&c, "regvisor.incoming=uart regvisor.onfault=monitor "
				      "regvisor.checkpoint=cycle regvisor.checkpoint=save "
				      "regvisor.fault=stack regvisor.bench=1", "test"), 0);
	assert_true(c.incoming && c.fault_monitor && c.checkpoint_cycle && c.checkpoint_save &&
		    c.fault_stack && c.bench && !c.fault_el2);
	assert_int_equal(config_parse(&c, "regvisor.checkpoint=monitor", "test"), 0);
	assert_false(c.checkpoint_cycle || c.checkpoint_save);
	assert_int_equal(config_parse(&c, "regvisor.incoming=tcp regvisor.bench=2", "test"), 2);
	/* load_timeout: seconds, 0 for ever (README), at most an hour. */
	assert_int_equal(c.load_timeout, 30);
	assert_int_equal(config_parse(&c, "regvisor.load_timeout=0", "test"), 0);
	assert_int_equal(c.load_timeout, 0);
	assert_int_equal(config_parse(&c, "regvisor.load_timeout=5", "test"), 0);
	assert_int_equal(c.load_timeout, 5);
	assert_int_equal(config_parse(&c, "regvisor.load_timeout=3601", "test"), 1);
	assert_int_equal(c.load_timeout, 5);
}

static void numbers(void **state)
{
	uint64_t v;

	(void)state;
	assert_true(parse_u64("0", 1, &v) && v == 0);
	assert_true(parse_u64("0x6030000000160003", 18, &v) && v == 0x6030000000160003);
	assert_true(parse_u64("18446744073709551615", 20, &v) && v == UINT64_MAX);
	assert_false(parse_u64("18446744073709551616", 20, &v));
	assert_false(parse_u64("0x", 2, &v));
	assert_false(parse_u64("", 0, &v));
	assert_false(parse_u64("12a", 3, &v));
	assert_false(parse_u64("-1", 2, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(hide_ids_and_names),
		cmocka_unit_test(hide_bad_items_named_and_skipped),
		cmocka_unit_test(cpu_and_compat),
		cmocka_unit_test(contradictions_named_and_resolved),
		cmocka_unit_test(tolerate_list),
		cmocka_unit_test(other_arguments),
		cmocka_unit_test(numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
