/* Host tests of the register table, its lookups, ISS decoding and masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sysreg/iss.h"
#include "sysreg/sysreg.h"
#include "sysreg/sysreg_fake.h"

static void table_sorted_and_unique(void **state)
{
	(void)state;
	assert_true(sysreg_table_sorted());
	for (unsigned int i = 1; i < SYSREG_COUNT; i++)
		assert_true(sysreg_table[i - 1].id < sysreg_table[i].id);
}

static void names_unique_and_found(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		assert_int_equal(sysreg_find_by_name(sysreg_table[i].name), i);
		assert_int_equal(sysreg_find_by_id(sysreg_table[i].id), i);
	}
	assert_int_equal(sysreg_find_by_name("sctlr_el1"), SYSREG_SCTLR_EL1);
	assert_int_equal(sysreg_find_by_name("NO_SUCH_REG"), -1);
	assert_int_equal(sysreg_find_by_id(0x6030000000130000), -1);
}

/* Ids from Linux's Documentation/virt/kvm/api.rst and arch/arm64/include/uapi/asm/kvm.h. */
/* The merge lookup finds every id in order, out of order, and misses. */
static void find_next_merges(void **state)
{
	unsigned int hint = 0;

	(void)state;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		assert_int_equal(sysreg_find_by_id_next(sysreg_table[i].id, &hint), i);
	assert_int_equal(sysreg_find_by_id_next(UINT64_MAX, &hint), -1);
	hint = 0;
	assert_int_equal(sysreg_find_by_id_next(sysreg_table[5].id + 0, &hint), 5);
	assert_int_equal(sysreg_find_by_id_next(sysreg_table[2].id, &hint), 2);	/* backwards */
	assert_int_equal(sysreg_find_by_id_next(0x6030000000130001, &hint), -1);	/* absent */
	assert_int_equal(sysreg_find_by_id_next(sysreg_table[SYSREG_COUNT - 1].id, &hint),
			 SYSREG_COUNT - 1);
}

/*
 * Ids around every class boundary of the table: each row, its neighbours,
 * and ids in the gaps between the kinds (core 0x10, sysregs 0x13, firmware
 * 0x14, KVM's SVE range 0x15, bitmaps 0x16) that a newer writer may send.
 */
static unsigned int probe_ids(uint64_t *out)
{
	static const uint64_t gaps[] = {
		0x6030000000000000, 0x603000000010003d, 0x6030000000130000,
		0x6030000000140001, 0x6030000000150000, 0x6030000000150001,
		0x6030000000160000, 0x6030000000160004, 0x6030000000170000,
		UINT64_MAX,
	};
	unsigned int n = 0;

	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		out[n++] = sysreg_table[i].id - 1;
		out[n++] = sysreg_table[i].id;
		out[n++] = sysreg_table[i].id + 1;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(gaps); i++)
		out[n++] = gaps[i];
	return n;
}

/*
 * Whatever came before (a lookup of any id, in order or not, known or
 * not: a new section restarts the ids), the merge lookup answers as the
 * bisection does. Pairs cover every transition; a blob's two register
 * sections in either order cover the merge over a whole section.
 */
static void find_next_across_class_boundaries(void **state)
{
	static uint64_t ids[SYSREG_COUNT * 3 + 16];
	unsigned int n = probe_ids(ids);

	(void)state;
	for (unsigned int a = 0; a < n; a++)
		for (unsigned int b = 0; b < n; b++) {
			unsigned int hint = 0;

			assert_int_equal(sysreg_find_by_id_next(ids[a], &hint),
					 sysreg_find_by_id(ids[a]));
			if (sysreg_find_by_id_next(ids[b], &hint) != sysreg_find_by_id(ids[b]))
				fail_msg("after 0x%llx, 0x%llx not found as bisection finds it",
					 (unsigned long long)ids[a], (unsigned long long)ids[b]);
		}
	/* SYSREGS with an unknown id in KVM's SVE range, then FWREGS. */
	for (int order = 0; order < 2; order++) {
		unsigned int hint = 0;

		for (int pass = 0; pass < 2; pass++) {
			bool fw = (pass == 0) == (order == 1);

			for (unsigned int i = 0; i < n; i++) {
				if ((ids[i] >= 0x6030000000140000 && ids[i] < 0x6030000000170000) != fw)
					continue;
				assert_int_equal(sysreg_find_by_id_next(ids[i], &hint),
						 sysreg_find_by_id(ids[i]));
			}
		}
	}
	/* The campaign's case: 0x6030000000150001, then the firmware section. */
	{
		unsigned int hint = 0;

		assert_int_equal(sysreg_find_by_id_next(0x6030000000150001, &hint), -1);
		assert_int_equal(sysreg_find_by_id_next(0x6030000000140000, &hint),
				 SYSREG_PSCI_VERSION);
#if FW_VERSION >= 2
		assert_int_equal(sysreg_find_by_id_next(0x6030000000140002, &hint),
				 SYSREG_SMCCC_ARCH_WORKAROUND_2);
#endif
		assert_int_equal(sysreg_find_by_id_next(0x6030000000160002, &hint),
				 SYSREG_VENDOR_HYP_BMAP);
	}
}

static void kvm_ids(void **state)
{
	(void)state;
	assert_int_equal(sysreg_table[SYSREG_SCTLR_EL1].id, 0x603000000013c080);
	assert_int_equal(sysreg_table[SYSREG_MIDR_EL1].id, 0x603000000013c000);
	assert_int_equal(sysreg_table[SYSREG_ID_AA64ISAR1_EL1].id, 0x603000000013c031);
	assert_int_equal(sysreg_table[SYSREG_MDSCR_EL1].id, 0x6030000000138012);
	assert_int_equal(sysreg_table[SYSREG_TPIDR_EL0].id, 0x603000000013de82);
	/* KVM_REG_ARM_TIMER_CTL and KVM_REG_ARM_TIMER_CVAL. */
	assert_int_equal(sysreg_table[SYSREG_CNTV_CTL_EL0].id, 0x603000000013df19);
	assert_int_equal(sysreg_table[SYSREG_CNTV_CVAL_EL0].id, 0x603000000013df02);
	/* Core registers: KVM_REG_ARM_CORE_REG(sp_el1) etc. */
	assert_int_equal(sysreg_table[SYSREG_SP_EL0].id, 0x603000000010003e);
	assert_int_equal(sysreg_table[SYSREG_SP_EL1].id, 0x6030000000100044);
	assert_int_equal(sysreg_table[SYSREG_ELR_EL1].id, 0x6030000000100046);
	assert_int_equal(sysreg_table[SYSREG_SPSR_EL1].id, 0x6030000000100048);
	/* KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_VENDOR_HYP_BMAP(_2). */
	assert_int_equal(sysreg_table[SYSREG_PSCI_VERSION].id, 0x6030000000140000);
	assert_int_equal(sysreg_table[SYSREG_VENDOR_HYP_BMAP].id, 0x6030000000160002);
	assert_int_equal(sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].id, 0x6030000000160003);
	assert_int_equal(sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].since, 2);
}

/* Every system register's id decodes back to an encoding that finds it. */
static void ids_round_trip_to_encoding(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		uint64_t id = sysreg_table[i].id;
		unsigned int enc;

		if ((id & SYSREG_ID_KIND_MASK) != 0x6030000000130000 || i == SYSREG_CNTV_CVAL_EL0)
			continue;
		enc = (unsigned int)(id & SYSREG_ENC_MASK);
		assert_int_equal(sysreg_find_by_encoding(enc >> 14, (enc >> 11) & 7,
							 (enc >> 7) & 15, (enc >> 3) & 15,
							 enc & 7), i);
	}
	/* CNTVCT_EL0's encoding is KVM's id of CNTV_CVAL_EL0, not the register. */
	assert_int_equal(sysreg_find_by_encoding(3, 3, 14, 0, 2), -1);
}

/* ESR_EL2.ISS values of real instructions (as QEMU and the Arm ARM give them). */
static void iss_decoding(void **state)
{
	struct sysreg_access a;

	(void)state;
	/* mrs x3, ID_AA64ISAR1_EL1: op0 3 op1 0 CRn 0 CRm 6 op2 1, Rt 3, read */
	a = sysreg_decode_iss((3u << 20) | (1u << 17) | (0u << 14) | (0u << 10) |
			      (3u << 5) | (6u << 1) | 1u);
	assert_int_equal(a.op0, 3);
	assert_int_equal(a.op2, 1);
	assert_int_equal(a.crm, 6);
	assert_int_equal(a.rt, 3);
	assert_true(a.read);
	assert_int_equal(sysreg_find_by_encoding(a.op0, a.op1, a.crn, a.crm, a.op2),
			 SYSREG_ID_AA64ISAR1_EL1);
	/* msr ACTLR_EL1, xzr: op0 3 op1 0 CRn 1 CRm 0 op2 1, Rt 31, write */
	a = sysreg_decode_iss(0x003207e0);
	assert_int_equal(a.op0, 3);
	assert_int_equal(a.op1, 0);
	assert_int_equal(a.crn, 1);
	assert_int_equal(a.crm, 0);
	assert_int_equal(a.op2, 1);
	assert_int_equal(a.rt, 31);
	assert_false(a.read);
	assert_int_equal(sysreg_find_by_encoding(a.op0, a.op1, a.crn, a.crm, a.op2), -1);
	assert_false(sysreg_in_id_space(&a));
	/* mrs x0, ID_AA64PFR2_EL1 (unallocated here): in the RAZ space */
	a = sysreg_decode_iss((3u << 20) | (2u << 17) | (4u << 1) | 1u);
	assert_true(sysreg_in_id_space(&a));
	assert_int_equal(sysreg_find_by_encoding(a.op0, a.op1, a.crn, a.crm, a.op2), -1);
}

static void hidden_masks(void **state)
{
	struct sysreg_mask m;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(sysreg_mask_count(&m), 0);
	sysreg_mask_set(&m, SYSREG_VENDOR_HYP_BMAP_2);
	sysreg_mask_set(&m, 0);
	sysreg_mask_set(&m, SYSREG_TCR_EL1);
	assert_true(sysreg_mask_test(&m, SYSREG_VENDOR_HYP_BMAP_2));
	assert_true(sysreg_mask_test(&m, 0));
	assert_false(sysreg_mask_test(&m, SYSREG_SCTLR_EL1));
	assert_int_equal(sysreg_mask_count(&m), 3);
	sysreg_mask_clear(&m, 0);
	assert_false(sysreg_mask_test(&m, 0));
	assert_int_equal(sysreg_mask_count(&m), 2);

	memset(&m, 0, sizeof(m));
	sysreg_mask_add_newer_than(&m, 1);
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		assert_int_equal(sysreg_mask_test(&m, i), sysreg_table[i].since > 1);
	assert_true(sysreg_mask_test(&m, SYSREG_VENDOR_HYP_BMAP_2));
	assert_true(sysreg_mask_test(&m, SYSREG_SMCCC_ARCH_WORKAROUND_2));
	assert_true(sysreg_mask_test(&m, SYSREG_APGAKEYHI_EL1));
	memset(&m, 0, sizeof(m));
	sysreg_mask_add_newer_than(&m, 2);
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		assert_int_equal(sysreg_mask_test(&m, i), sysreg_table[i].since > 2);
	assert_true(sysreg_mask_test(&m, SYSREG_CNTP_CVAL_EL0));
	memset(&m, 0, sizeof(m));
	sysreg_mask_add_newer_than(&m, FW_VERSION_LATEST);
	assert_int_equal(sysreg_mask_count(&m), 0);
}

/* The ten pointer-authentication keys, and nothing else, are pauth's (its view traps them). */
static void pauth_keys(void **state)
{
	static const char *const keys[] = {
		"APIAKEYLO_EL1", "APIAKEYHI_EL1", "APIBKEYLO_EL1", "APIBKEYHI_EL1", "APDAKEYLO_EL1",
		"APDAKEYHI_EL1", "APDBKEYLO_EL1", "APDBKEYHI_EL1", "APGAKEYLO_EL1", "APGAKEYHI_EL1",
	};
	struct vcpu_sysregs vs = { 0 };
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		bool want = false;

		for (unsigned int k = 0; k < ARRAY_SIZE(keys); k++)
			want |= !strcmp(sysreg_table[i].name, keys[k]);
		if (sysreg_is_pauth_key(i) != want)
			fail_msg("%s: pauth key %d, want %d", sysreg_table[i].name,
				 sysreg_is_pauth_key(i), want);
		n += want;
	}
	assert_int_equal(n, ARRAY_SIZE(keys));
	assert_false(sysreg_pauth_in_view(&vs));
	vs.val[SYSREG_ID_AA64ISAR1_EL1] = UINT64_C(0x100);	/* API */
	assert_true(sysreg_pauth_in_view(&vs));
	vs.val[SYSREG_ID_AA64ISAR1_EL1] = UINT64_C(0x0011111110211002) & ~UINT64_C(0xff000ff0);
	assert_false(sysreg_pauth_in_view(&vs));
	vs.val[SYSREG_ID_AA64ISAR2_EL1] = UINT64_C(0x1000);	/* APA3 */
	assert_true(sysreg_pauth_in_view(&vs));
}

static void id_view_by_cpu_model(void **state)
{
	struct vcpu_sysregs vs = { 0 };

	(void)state;
	fake_hw_reset();
	sysreg_vcpu_reset(&vs, 2, 2);
	/* The table masks EL2, EL3, SVE and GIC out of PFR0; SME and MTE out of PFR1. */
	assert_int_equal(vs.val[SYSREG_ID_AA64PFR0_EL1], 0x1201000000110022);
	assert_int_equal(vs.val[SYSREG_ID_AA64PFR1_EL1], 0x21);
	/* Version 2's model shows pointer authentication... */
	assert_int_equal(vs.val[SYSREG_ID_AA64ISAR1_EL1], 0x0011111110211102);
	assert_int_equal(vs.val[SYSREG_ID_AA64ISAR2_EL1], 0x1100);
	/* ...version 1's does not. */
	sysreg_vcpu_reset(&vs, 1, 2);
	assert_int_equal(vs.val[SYSREG_ID_AA64ISAR1_EL1], 0x0011111100211002);
	assert_int_equal(vs.val[SYSREG_ID_AA64ISAR2_EL1], 0);
	assert_int_equal(vs.val[SYSREG_MPIDR_EL1], 0x80000000);
	assert_int_equal(vs.val[SYSREG_MIDR_EL1], 0x000f0510);
}

/*
 * The guest's view of every ID register, written out here from the Arm ARM's
 * field layout (DDI 0487, D19.2) and the README's promise (no EL2/EL3, SVE,
 * SME, MTE, PMU, GIC system registers, RAS, AMU, MPAM, RME; pointer
 * authentication from CPU model 2), not copied from sysregs.def: the view
 * must be the hardware's value ANDed with these masks, field by field.
 */
#define F(shift)	(UINT64_C(0xf) << (shift))
static const struct {
	unsigned int idx;
	uint64_t v1, v2, v3;	/* fields shown to CPU models 1, 2 and 3 */
} id_view_masks[] = {
	/* Identification, carried as it is: MIDR's 32 bits, REVIDR and AIDR whole. */
	{ SYSREG_MIDR_EL1, 0xffffffff, 0xffffffff,
	  0xffffffff },
	{ SYSREG_REVIDR_EL1, ~UINT64_C(0), ~UINT64_C(0),
	  ~UINT64_C(0) },
	{ SYSREG_AIDR_EL1, ~UINT64_C(0), ~UINT64_C(0),
	  ~UINT64_C(0) },
	/* EL0, EL1, FP, AdvSIMD, GIC, DIT, CSV2, CSV3; RAS from model 3 (not EL2, EL3, SVE, SEL2, MPAM, AMU, RME). */
	{ SYSREG_ID_AA64PFR0_EL1, F(0) | F(4) | F(16) | F(20) | F(24) | F(48) | F(56) | F(60), F(0) | F(4) | F(16) | F(20) | F(24) | F(48) | F(56) | F(60),
	  (F(0) | F(4) | F(16) | F(20) | F(24) | F(48) | F(56) | F(60)) | F(28) },
	/* BT, SSBS, CSV2_frac (not MTE, RAS_frac, MPAM_frac, SME, RNDR_trap, NMI...). */
	{ SYSREG_ID_AA64PFR1_EL1, F(0) | F(4) | F(32), F(0) | F(4) | F(32),
	  F(0) | F(4) | F(32) },
	{ SYSREG_ID_AA64ZFR0_EL1, 0, 0,
	  0 },		/* no SVE */
	/* DebugVer, BRPs, WRPs, CTX_CMPs (not TraceVer, PMUVer, PMSVer: no PMU, no SPE). */
	{ SYSREG_ID_AA64DFR0_EL1, F(0) | F(12) | F(20) | F(28), F(0) | F(12) | F(20) | F(28),
	  F(0) | F(12) | F(20) | F(28) },
	{ SYSREG_ID_AA64DFR1_EL1, 0, 0,
	  0 },
	{ SYSREG_ID_AA64AFR0_EL1, 0, 0,
	  0 },
	{ SYSREG_ID_AA64AFR1_EL1, 0, 0,
	  0 },
	/* Every instruction-set field but bits [3:0] (RES0) and TME [27:24]. */
	{ SYSREG_ID_AA64ISAR0_EL1, ~(F(0) | F(24)), ~(F(0) | F(24)),
	  ~(F(0) | F(24)) },
	/* All but LS64 [63:60]; model 1 without APA, API, GPA, GPI (pointer auth). */
	{ SYSREG_ID_AA64ISAR1_EL1, ~(F(60) | F(4) | F(8) | F(24) | F(28)), ~F(60),
	  ~F(60) },
	/* RPRES, BC; model 2 adds GPA3, APA3, PAC_frac (not WFxT, MOPS, CLRBHB, ...). */
	{ SYSREG_ID_AA64ISAR2_EL1, F(4) | F(20), F(4) | F(8) | F(12) | F(20) | F(24),
	  F(4) | F(8) | F(12) | F(20) | F(24) },
	/* PARange .. TGran4, the low 32 bits (not the stage-2 granules, ExS, FGT, ECV). */
	{ SYSREG_ID_AA64MMFR0_EL1, 0xffffffff, 0xffffffff,
	  0xffffffff },
	/* HAFDBS, HPDS, LO, PAN, XNX (not VMIDBits, VH, SpecSEI, TWED, ETS, ...). */
	{ SYSREG_ID_AA64MMFR1_EL1, F(0) | F(12) | F(16) | F(20) | F(28), F(0) | F(12) | F(16) | F(20) | F(28),
	  F(0) | F(12) | F(16) | F(20) | F(28) },
	/* All but NV, FWB and EVT (nested virtualisation and stage-2 features). */
	{ SYSREG_ID_AA64MMFR2_EL1, ~(F(24) | F(40) | F(56)), ~(F(24) | F(40) | F(56)),
	  ~(F(24) | F(40) | F(56)) },
	/* AArch32 (EL0 may run it), from CPU model 3: all but AMU, trace and the PMU. */
	{ SYSREG_ID_PFR0_EL1, 0, 0, 0xffffffff & ~F(20) },
	{ SYSREG_ID_PFR1_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_DFR0_EL1, 0, 0, F(0) | F(4) | F(8) | F(20) },
	{ SYSREG_ID_AFR0_EL1, 0, 0, 0xffff },
	{ SYSREG_ID_MMFR0_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_MMFR1_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_MMFR2_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_MMFR3_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR0_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR1_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR2_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR3_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR4_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR5_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_MMFR4_EL1, 0, 0, 0xffffffff },
	{ SYSREG_ID_ISAR6_EL1, 0, 0, 0xffffffff },
	{ SYSREG_MVFR0_EL1, 0, 0, 0xffffffff },
	{ SYSREG_MVFR1_EL1, 0, 0, 0xffffffff },
	{ SYSREG_MVFR2_EL1, 0, 0, 0xff },
	{ SYSREG_ID_PFR2_EL1, 0, 0, 0xff },
	{ SYSREG_ID_DFR1_EL1, 0, 0, 0 },
	{ SYSREG_ID_MMFR5_EL1, 0, 0, 0xffffffff },
};
#undef F

/* Hardware values with every field set, one field pattern after another. */
static const uint64_t id_hw_patterns[] = {
	~UINT64_C(0), 0x1111111111111111, 0x2222222222222222, 0x7654321076543210,
};

static void id_view_is_hardware_and_mask(void **state)
{
	struct vcpu_sysregs vs = { 0 };
	unsigned int listed = 0;

	(void)state;
	/* Every ID register of the table is in the list above (MPIDR is the vCPU's own). */
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		bool found = i == SYSREG_MPIDR_EL1;

		for (unsigned int k = 0; k < ARRAY_SIZE(id_view_masks); k++)
			found |= id_view_masks[k].idx == i;
		if (sysreg_table[i].cls == ID) {
			listed++;
			if (!found)
				fail_msg("ID register %s has no mask in this test", sysreg_table[i].name);
		}
	}
	assert_int_equal(listed, ARRAY_SIZE(id_view_masks) + 1);
	for (unsigned int p = 0; p < ARRAY_SIZE(id_hw_patterns); p++) {
		for (unsigned int cpu = 1; cpu <= 3; cpu++) {
			fake_hw_reset();
			for (unsigned int i = 0; i < SYSREG_COUNT; i++)
				if (sysreg_table[i].cls == ID)
					fake_hw[i] = id_hw_patterns[p];
			sysreg_vcpu_reset(&vs, cpu, 3);
			for (unsigned int k = 0; k < ARRAY_SIZE(id_view_masks); k++) {
				unsigned int i = id_view_masks[k].idx;
				uint64_t want = id_hw_patterns[p] &
					(cpu == 1 ? id_view_masks[k].v1 :
					 cpu == 2 ? id_view_masks[k].v2 : id_view_masks[k].v3);

				if (vs.val[i] != want)
					fail_msg("%s, CPU model %u, hardware 0x%016llx: view 0x%016llx, "
						 "want 0x%016llx (unmasked 0x%016llx)",
						 sysreg_table[i].name, cpu,
						 (unsigned long long)id_hw_patterns[p],
						 (unsigned long long)vs.val[i], (unsigned long long)want,
						 (unsigned long long)(vs.val[i] & ~want));
			}
			assert_int_equal(vs.val[SYSREG_MPIDR_EL1], 0x80000000);
		}
	}
}

static void reset_writes_context_defaults(void **state)
{
	struct vcpu_sysregs vs = { 0 };

	(void)state;
	fake_hw_reset();
	fake_hw[SYSREG_SCTLR_EL1] = 0xdead;
	fake_hw[SYSREG_TPIDR_EL0] = 0xbeef;
	sysreg_vcpu_reset(&vs, 2, 2);
	assert_int_equal(fake_hw[SYSREG_SCTLR_EL1], 0x30d00800);
	assert_int_equal(fake_hw[SYSREG_TPIDR_EL0], 0);
	assert_int_equal(sysreg_get(&vs, SYSREG_SCTLR_EL1), 0x30d00800);
	assert_int_equal(vs.val[SYSREG_PSCI_VERSION], 0x10001);
	assert_int_equal(vs.val[SYSREG_VENDOR_HYP_BMAP], 0x7);
	assert_int_equal(vs.val[SYSREG_VENDOR_HYP_BMAP_2], 0);
	sysreg_set(&vs, SYSREG_TPIDR_EL0, 42);
	assert_int_equal(fake_hw[SYSREG_TPIDR_EL0], 42);
	sysreg_set(&vs, SYSREG_SMCCC_ARCH_WORKAROUND_2, 0x10);
	assert_int_equal(sysreg_get(&vs, SYSREG_SMCCC_ARCH_WORKAROUND_2), 0x10);
}

/* The hypercall list is sorted by function id, as the firmware's bisection needs. */
static void hypercalls_sorted(void **state)
{
	static const uint32_t fids[] = {
#define HCALL(name, fid, since, handler, frame) fid,
#include "sysreg/hypercalls.def"
#undef HCALL
	};

	(void)state;
	for (unsigned int i = 1; i < ARRAY_SIZE(fids); i++)
		assert_true(fids[i - 1] < fids[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_sorted_and_unique),
		cmocka_unit_test(names_unique_and_found),
		cmocka_unit_test(find_next_merges),
		cmocka_unit_test(find_next_across_class_boundaries),
		cmocka_unit_test(kvm_ids),
		cmocka_unit_test(ids_round_trip_to_encoding),
		cmocka_unit_test(iss_decoding),
		cmocka_unit_test(hidden_masks),
		cmocka_unit_test(pauth_keys),
		cmocka_unit_test(id_view_by_cpu_model),
		cmocka_unit_test(id_view_is_hardware_and_mask),
		cmocka_unit_test(reset_writes_context_defaults),
		cmocka_unit_test(hypercalls_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
