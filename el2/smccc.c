/*
 * The guest's SMCCC calls. Every function is listed once in
 * sysreg/hypercalls.def with the firmware version that introduced it; the
 * guest gets a call only if its world (regvisor.compat) has it and, for
 * the vendor service, its bit in VENDOR_HYP_BMAP(_2) is set. Anything
 * else answers NOT_SUPPORTED, as SMCCC requires.
 */
#include <stdio.h>

#include "lib/versions.h"
#include "plat/asm.h"

#include "plat/plat.h"
#include "el2/smccc.h"
#include "el2/vcpu.h"
#include "el2/monitor.h"
#include "el2/vmstate_fw.h"

#define SMCCC_VERSION_1_1	0x10001
#define SMCCC_FID_MASK		UINT64_C(0xffffffff)
#define VENDOR_HYP_BASE		0x86000000u
#define VENDOR_HYP_FN_MASK	0xffffu
#define VENDOR_HYP_UID_FN	0xff01u

/* regvisor's vendor hypervisor service UID: 5f1c3b2e-8a47-4d0e-9b6a-72c1e0d4a3f9. */
#define RV_UID_0		0x2e3b1c5fu
#define RV_UID_1		0x0e4d478au
#define RV_UID_2		0xc1726a9bu
#define RV_UID_3		0xf9a3d4e0u

typedef void hcall_fn(struct vcpu *v, struct el2_frame *f);

static void ret(struct el2_frame *f, int64_t x0)
{
	f->x[0] = (uint64_t)x0;
}

static void hc_smccc_version(struct vcpu *v, struct el2_frame *f)
{
	(void)v;
	ret(f, SMCCC_VERSION_1_1);
}

static void hc_smccc_arch_features(struct vcpu *v, struct el2_frame *f)
{
	ret(f, smccc_offered(v, (uint32_t)f->x[1]) ? SMCCC_SUCCESS : SMCCC_NOT_SUPPORTED);
}

#if FW_VERSION >= 2
/*
 * SMCCC_ARCH_WORKAROUND_2 (x1: 1 enable, 0 disable the SSB mitigation):
 * the guest's request is per-vCPU state, kept in the firmware register of
 * the same name (bit 4, KVM's ..._WORKAROUND_2_ENABLED).
 */
#define WA2_ENABLED		UINT64_C(0x10)
static void hc_smccc_workaround_2(struct vcpu *v, struct el2_frame *f)
{
	v->sr.val[SYSREG_SMCCC_ARCH_WORKAROUND_2] = f->x[1] & 1 ? WA2_ENABLED : 0;
	ret(f, SMCCC_SUCCESS);
}

/* Vendor function 64: the firmware's version and the guest's world. */
static void hc_rv_impl_version(struct vcpu *v, struct el2_frame *f)
{
	f->x[1] = FW_VERSION;
	f->x[2] = v->sr.world_version;
	f->x[3] = v->sr.cpu_version;
	ret(f, SMCCC_SUCCESS);
}
#endif

static void hc_psci_version(struct vcpu *v, struct el2_frame *f)
{
	ret(f, (int64_t)v->sr.val[SYSREG_PSCI_VERSION]);
}

static void hc_psci_cpu_off(struct vcpu *v, struct el2_frame *f)
{
	(void)f;
	vcpu_psci_cpu_off(v);
}

#define PSCI_MPIDR_AFF		UINT64_C(0xff00ffffff)
static void hc_psci_cpu_on(struct vcpu *v, struct el2_frame *f)
{
	ret(f, vcpu_psci_cpu_on(v, f->x[1], f->x[2], f->x[3]));
}

/* AFFINITY_INFO(target, lowest level 0): ON 0, OFF 1, ON_PENDING 2 (DEN0022 5.1.8). */
static void hc_psci_affinity_info(struct vcpu *v, struct el2_frame *f)
{
	struct vcpu *t = vcpu_by_mpidr(f->x[1]);

	(void)v;
	if (f->x[2] != 0 || !t) {
		ret(f, PSCI_RET_INVALID_PARAMS);
		return;
	}
	ret(f, __atomic_load_n(&t->power, __ATOMIC_ACQUIRE));
}

/*
 * CPU_SUSPEND(power_state, entry, context): no idle states are offered, so
 * every request is met by waking at once (DEN0022 allows a spurious
 * wake-up): a standby returns SUCCESS; a power-down resumes at entry with
 * x0 = context, EL1h, interrupts masked, as after a real power-down.
 */
#define PSCI_STATE_TYPE_POWERDOWN	BIT64(16)
static void hc_psci_cpu_suspend(struct vcpu *v, struct el2_frame *f)
{
	if (!(f->x[1] & PSCI_STATE_TYPE_POWERDOWN)) {
		ret(f, PSCI_RET_SUCCESS);
		return;
	}
	if (!guest_entry_valid(f->x[2])) {
		ret(f, PSCI_RET_INVALID_ADDRESS);
		return;
	}
	(void)v;
	f->elr = f->x[2];
	f->x[0] = f->x[3];
	f->spsr = SPSR_EL1H_MASKED;
	sysreg_hw_write(SYSREG_SCTLR_EL1, sysreg_table[SYSREG_SCTLR_EL1].reset);
}

/* MIGRATE_INFO_TYPE: 2, no Trusted OS that would need migrating. */
static void hc_psci_migrate_info_type(struct vcpu *v, struct el2_frame *f)
{
	(void)v;
	ret(f, 2);
}

static void hc_psci_system_off(struct vcpu *v, struct el2_frame *f)
{
	(void)f;
	printf("regvisor: guest: PSCI SYSTEM_OFF (vCPU %u)\n", v->index);
	board_poweroff(vm.reported_status > 0 ? EXIT_GUEST_FAILED : EXIT_OK);
}

static void hc_psci_system_reset(struct vcpu *v, struct el2_frame *f)
{
	(void)f;
	guest_reset(v);
}

static void hc_psci_features(struct vcpu *v, struct el2_frame *f)
{
	uint32_t fid = (uint32_t)f->x[1];

	(void)v;
	/*
	 * PSCI functions, and SMCCC_VERSION: Linux asks PSCI_FEATURES for it
	 * before it trusts SMCCC 1.1 (DEN0022, PSCI_FEATURES).
	 */
	ret(f, ((fid >> 24) == 0x84 || (fid >> 24) == 0xc4 || fid == HCALL_SMCCC_VERSION) &&
	       smccc_offered(v, fid) ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED);
}

/* Vendor function 0: the service bitmaps, as KVM's FEATURES call gives them. */
static void hc_rv_features(struct vcpu *v, struct el2_frame *f)
{
	f->x[1] = 0;
#if FW_VERSION >= 2
	if (sysreg_in_world(SYSREG_VENDOR_HYP_BMAP_2, v->sr.world_version))
		f->x[1] = v->sr.val[SYSREG_VENDOR_HYP_BMAP_2];
#endif
	ret(f, (int64_t)v->sr.val[SYSREG_VENDOR_HYP_BMAP]);
}

/* Vendor function 1: the guest's verdict, x1 = 0 for success. */
static void hc_rv_report_status(struct vcpu *v, struct el2_frame *f)
{
	(void)v;
	vm.reported_status = f->x[1] ? 1 : 0;
	printf("regvisor: guest: reported status %llu\n", (unsigned long long)f->x[1]);
	ret(f, SMCCC_SUCCESS);
}

/*
 * Vendor function 2: checkpoint. The guest stops with its whole state as it
 * will be when the call returns (x0 = SUCCESS, PC after the HVC), and the
 * monitor takes over until `resume`; with regvisor.checkpoint=save the
 * state is printed framed and the guest goes on at once.
 */
static void hc_rv_checkpoint(struct vcpu *v, struct el2_frame *f)
{
	ret(f, SMCCC_SUCCESS);
	vcpu_stop_all(v, vm.checkpoint_cycle ? STOP_FOR_CYCLE :
		      vm.checkpoint_save ? STOP_FOR_SAVE : STOP_FOR_MONITOR,
		      "guest stopped at its checkpoint call");
}

static void hc_vendor_uid(struct vcpu *v, struct el2_frame *f)
{
	(void)v;
	f->x[1] = RV_UID_1;
	f->x[2] = RV_UID_2;
	f->x[3] = RV_UID_3;
	ret(f, RV_UID_0);
}


enum hcall_frame { VECTOR, LIGHT, WHOLE };

struct hcall {
	const char *name;
	uint32_t fid;
	uint8_t since;
	uint8_t frame;		/* enum hcall_frame */
	hcall_fn *fn;
};

static const struct hcall hcalls[] = {
#define HCALL(name_, fid_, since_, handler, frame_)			\
	RV_SINCE(since_, { .name = #name_, .fid = fid_, .since = since_, .frame = frame_, \
			   .fn = handler },)
#include "sysreg/hypercalls.def"
#undef HCALL
};

enum hcall_row {
#define HCALL(name_, fid_, since_, handler, frame_) RV_SINCE(since_, ROW_##name_,)
#include "sysreg/hypercalls.def"
#undef HCALL
};

/* fid's row of hcalls[], or -1: a switch the compiler turns into a few compares. */
static int hcall_find(uint32_t fid)
{
	switch (fid) {
#define HCALL(name_, fid_, since_, handler, frame_) \
	RV_SINCE(since_, case fid_: return ROW_##name_;)
#include "sysreg/hypercalls.def"
#undef HCALL
	default:
		return -1;
	}
}

static bool vendor_fn_enabled(const struct vcpu *v, uint32_t fn)
{
	if (fn == VENDOR_HYP_UID_FN)
		return true;
	if (fn < 64)
		return (v->sr.val[SYSREG_VENDOR_HYP_BMAP] >> fn) & 1;
#if FW_VERSION >= 2
	if (fn < 128 && sysreg_in_world(SYSREG_VENDOR_HYP_BMAP_2, v->sr.world_version))
		return (v->sr.val[SYSREG_VENDOR_HYP_BMAP_2] >> (fn - 64)) & 1;
#endif
	return false;
}

/* fid's row if the guest's world offers it, or -1. */
static int hcall_offered(const struct vcpu *v, uint32_t fid)
{
	int row = hcall_find(fid);

	if (row < 0 || hcalls[row].since > v->sr.world_version)
		return -1;
	if ((fid & ~VENDOR_HYP_FN_MASK) == VENDOR_HYP_BASE &&
	    !vendor_fn_enabled(v, fid & VENDOR_HYP_FN_MASK))
		return -1;
	return row;
}

bool smccc_offered(const struct vcpu *v, uint32_t fid)
{
	return hcall_offered(v, fid) >= 0;
}

const char *smccc_name(unsigned int row)
{
	return row < ARRAY_SIZE(hcalls) ? hcalls[row].name : "(not offered)";
}

bool smccc_table_sorted(void)
{
	for (unsigned int i = 1; i < ARRAY_SIZE(hcalls); i++)
		if (hcalls[i - 1].fid >= hcalls[i].fid)
			return false;
	return true;
}

/*
 * The VECTOR calls' answers for el2/vectors.S, each from its handler on a
 * scratch frame: one that changed anything but x0 is no VECTOR call.
 */
void smccc_vector_sync(struct vcpu *v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(hcalls); i++) {
		struct el2_frame f = { .x[0] = hcalls[i].fid };

		if (hcalls[i].frame != VECTOR || !smccc_offered(v, hcalls[i].fid))
			continue;
		BUG_ON(n == VECTOR_HVCS);
		hcalls[i].fn(v, &f);
		BUG_ON(f.x[1] || f.x[2] || f.x[3] || f.elr || f.spsr);
		v->calls[n].fid = hcalls[i].fid;
		v->calls[n++].x0 = f.x[0];
	}
	for (; n < VECTOR_HVCS; n++)
		v->calls[n].fid = ~UINT64_C(0);
}

bool el2_smccc(struct vcpu *v, struct el2_frame *f, bool light)
{
	uint64_t esr = f->esr;
	int row = hcall_offered(v, (uint32_t)(f->x[0] & SMCCC_FID_MASK));

	if (light && row >= 0 && hcalls[row].frame == WHOLE)
		return false;
	_Static_assert(ARRAY_SIZE(hcalls) <= STATS_HCALL_SLOTS, "el2/stats.h");
	v->stats.hcall[row >= 0 ? (unsigned int)row : STATS_HCALL_SLOTS]++;
	if (esr_ec(esr) == ESR_EC_SMC64)
		el2_skip_instr(f);	/* a trapped SMC would return to itself */
	/* HVC/SMC #imm with imm != 0 is no SMCCC call (DEN0028 2.10): no service, as KVM. */
	if (row < 0 || (esr & UINT64_C(0xffff)))
		ret(f, SMCCC_NOT_SUPPORTED);
	else
		hcalls[row].fn(v, f);
	return true;
}
