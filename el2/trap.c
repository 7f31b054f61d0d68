/*
 * Synchronous exceptions from the guest: decode ESR_EL2.EC and dispatch.
 * Whatever the guest does, it gets an architectural answer and the
 * firmware keeps running.
 */
#include <stdio.h>

#include "el2/guest_dtb.h"
#include "el2/monitor.h"
#include "el2/smccc.h"
#include "el2/vcpu.h"
#include "el2/vuart.h"
#include "sysreg/iss.h"
#include "sysreg/sysreg.h"

#define SPSR_M_MASK		UINT64_C(0xf)
#define SPSR_M_EL1H		UINT64_C(0x5)
#define SPSR_M_EL1T		UINT64_C(0x4)
#define VBAR_OFF_CUR_SP0	0x000
#define VBAR_OFF_CUR_SPX	0x200
#define VBAR_OFF_LOWER64	0x400
#define VBAR_OFF_LOWER32	0x600
#define SPSR_M4			BIT64(4)	/* AArch32 */
#define PSTATE_SSBS		BIT64(12)
#define PSTATE_PAN		BIT64(22)
#define PSTATE_DIT		BIT64(24)
#define PSTATE_EL1H_DAIF	UINT64_C(0x3c5)
#define PSTATE_NZCV		(UINT64_C(0xf) << 28)
#define SCTLR_EL1_SPAN		BIT64(23)
#define SCTLR_EL1_DSSBS		BIT64(44)

/* PSTATE on taking an exception to EL1 (Arm ARM D1.10.2, "PSTATE on exception entry"). */
static uint64_t el1_entry_pstate(uint64_t old)
{
	uint64_t sctlr = sysreg_hw_read(SYSREG_SCTLR_EL1);
	uint64_t p = PSTATE_EL1H_DAIF | (old & (PSTATE_DIT | PSTATE_NZCV));

	if (!(sctlr & SCTLR_EL1_SPAN) || (old & PSTATE_PAN))
		p |= PSTATE_PAN;
	if (sctlr & SCTLR_EL1_DSSBS)
		p |= PSTATE_SSBS;
	return p;
}

/*
 * Take a synchronous exception to the guest's EL1, as the CPU would
 * (Arm ARM D1.10.2): ELR/SPSR/ESR/FAR_EL1 set, PC to the right vector,
 * EL1h with D, A, I, F masked.
 */
static void el2_inject_sync(struct el2_frame *f, uint64_t esr, uint64_t far)
{
	uint64_t mode = f->spsr & SPSR_M_MASK;
	uint64_t off = (f->spsr & SPSR_M4) ? VBAR_OFF_LOWER32 :
		       mode == SPSR_M_EL1H ? VBAR_OFF_CUR_SPX :
		       mode == SPSR_M_EL1T ? VBAR_OFF_CUR_SP0 : VBAR_OFF_LOWER64;

	sysreg_hw_write(SYSREG_ELR_EL1, f->elr);
	sysreg_hw_write(SYSREG_SPSR_EL1, f->spsr);
	sysreg_hw_write(SYSREG_ESR_EL1, esr);
	sysreg_hw_write(SYSREG_FAR_EL1, far);
	f->elr = sysreg_hw_read(SYSREG_VBAR_EL1) + off;
	f->spsr = el1_entry_pstate(f->spsr);
}

void el2_inject_undef(struct vcpu *v, struct el2_frame *f)
{
	v->traps_undef++;
	el2_inject_sync(f, ESR_IL, 0);	/* EC 0: unknown reason */
}

/*
 * A load or store the CPU described (ESR_EL2.ISV: one register, its size,
 * sign extension) to a device EL2 emulates. Others (pair, writeback) are
 * not emulated: the guest gets its abort as for any hole.
 */
#define ISS_ISV		BIT64(24)
#define ISS_SAS_SHIFT	22
#define ISS_SSE		BIT64(21)
#define ISS_SRT_SHIFT	16
#define ISS_SF		BIT64(15)
#define ISS_WNR		BIT64(6)

/*
 * No stack-protector canary: the one local whose address leaves is val,
 * which the device models write as a whole uint64_t; a canary check would
 * be a third of this exit's cost.
 */
static inline __attribute__((always_inline, no_stack_protector)) bool el2_mmio(struct vcpu *v, struct el2_frame *f,
							  uint64_t ipa)
{
	uint64_t esr = f->esr, val = 0;
	unsigned int size = 1u << ((esr >> ISS_SAS_SHIFT) & 3);
	unsigned int rt = (esr >> ISS_SRT_SHIFT) & 31;
	bool write = esr & ISS_WNR;

	if (!(esr & ISS_ISV) || (ipa & (size - 1)))
		return false;
	if (write)
		val = rt == 31 ? 0 : f->x[rt];
	if (vgic_mmio(v, ipa, size, write, &val))
		v->stats.reason[EXIT_MMIO_GIC]++;
	else if (vuart_mmio(v, ipa, size, write, &val))
		v->stats.reason[EXIT_MMIO_UART]++;
	else
		return false;
	if (!write && rt != 31) {
		if (size < 8)	/* the bytes loaded, whatever the device model left above them */
			val &= (UINT64_C(1) << (size * 8)) - 1;
		if ((esr & ISS_SSE) && size < 8 && (val >> (size * 8 - 1)) & 1)
			val |= ~UINT64_C(0) << (size * 8);
		if (!(esr & ISS_SF))
			val &= UINT32_MAX;
		f->x[rt] = val;
	}
	el2_skip_instr(f);
	return true;
}

/*
 * Aborts in a row. A guest whose exception entry itself faults (SP_EL1 or
 * VBAR_EL1 in memory it does not have) takes the injected abort and
 * faults again at once, for ever: thousands of lines a second. A run of
 * STORM_ABORTS aborts with no other trap between them, each at the
 * guest's vector table or on its stack, is such a storm: one line, and the
 * guest stops at the monitor. Identical abort lines (same kind, pc and
 * direction) are printed REPEAT_SHOWN times, then counted.
 */
#define STORM_ABORTS	64
#define REPEAT_SHOWN	3
#define STACK_NEAR	4096

/* Any other trap ends a run: say how often the last line repeated. */
static __attribute__((cold, noinline)) void fault_run_end(struct vcpu *v)
{
	struct fault_run *r = &v->fault_run;

	if (r->repeats > REPEAT_SHOWN)
		printf("regvisor: guest: the last abort repeated %u more times (last at ipa 0x%llx)\n",
		       r->repeats - REPEAT_SHOWN, (unsigned long long)r->last_ipa);
	r->key = 0;
	r->repeats = 0;
	r->storm = 0;
}

/* The abort's line, unless it repeats the last one too often; true: a storm. */
static __attribute__((cold, noinline)) bool fault_run_add(struct vcpu *v, struct el2_frame *f,
							   unsigned int ec, uint64_t ipa)
{
	struct fault_run *r = &v->fault_run;
	uint64_t key = f->elr ^ ec ^ (f->esr & BIT64(6)), sp, vbar;

	if (key != r->key) {
		unsigned int storm = r->storm;

		fault_run_end(v);
		r->storm = storm;
		r->key = key;
	}
	r->last_ipa = ipa;
	if (++r->repeats <= REPEAT_SHOWN)
		printf("regvisor: guest: %s abort at ipa 0x%llx (pc 0x%llx, %s): outside guest "
		       "memory, injected external abort\n",
		       ec == ESR_EC_DABT_LOW ? "data" : "instruction", (unsigned long long)ipa,
		       (unsigned long long)f->elr, (f->esr & BIT64(6)) ? "write" : "read");
	sp = sysreg_get(&v->sr, SYSREG_SP_EL1);
	vbar = sysreg_get(&v->sr, SYSREG_VBAR_EL1);
	if ((f->elr - vbar < 0x800) || (f->far - (sp - STACK_NEAR) < 2 * STACK_NEAR))
		r->storm++;
	else
		r->storm = 0;
	if (r->storm < STORM_ABORTS)
		return false;
	fault_run_end(v);
	printf("regvisor: guest: fault storm on vcpu %u: %u aborts in a row in its exception "
	       "entry (SP_EL1 0x%llx, VBAR_EL1 0x%llx): it cannot take an exception; stopped\n",
	       v->index, STORM_ABORTS, (unsigned long long)sp, (unsigned long long)vbar);
	return true;
}

/*
 * A guest access outside its stage-2 map: the firmware's own memory or no
 * memory at all. Never applied; the guest gets a synchronous external
 * abort (DFSC/IFSC 0x10) at the faulting address.
 */
/* Out of line: its locals would give every other exit a stack-protector check. */
static __attribute__((noinline)) void el2_guest_abort(struct vcpu *v, struct el2_frame *f,
						   unsigned int ec)
{
	uint64_t ipa;
	uint64_t from_el0 = (f->spsr & SPSR_M_MASK) == 0;
	unsigned int ec1 = (ec == ESR_EC_DABT_LOW ? 0x24u : 0x20u) + (from_el0 ? 0u : 1u);
	uint64_t wnr = f->esr & BIT64(6);
	bool storm;

	ipa = vcpu_hw_fault_ipa_page() | (f->far & 0xfff);
	if (ec == ESR_EC_DABT_LOW && el2_mmio(v, f, ipa))
		return;
	v->stats.reason[EXIT_ABORT]++;
	storm = fault_run_add(v, f, ec, ipa);
	/*
	 * regvisor.onfault=monitor, or a storm: every vCPU stops, the operator
	 * looks first; the guest gets its abort on resume (or a loaded state).
	 */
	if ((vm.fault_monitor || storm) &&
	    vcpu_stop_all(v, STOP_FOR_MONITOR, storm ? "guest fault storm (resume delivers the abort again)" :
				     "guest faulted (the abort is delivered on resume)"))
		return;	/* a loaded state replaced the one that faulted */
	el2_inject_sync(f, ((uint64_t)ec1 << ESR_EC_SHIFT) | ESR_IL | wnr | 0x10, f->far);
}

/* Anything else the guest can trap with: UNDEF, one log line. Kept out of the hot path. */
static __attribute__((noinline, cold)) void el2_guest_other(struct vcpu *v, struct el2_frame *f,
							    unsigned int ec)
{
	char ecbuf[8];

	printf("regvisor: guest: %s (esr 0x%llx) at pc 0x%llx: injected UNDEF\n",
	       esr_ec_name(ec, ecbuf), (unsigned long long)f->esr, (unsigned long long)f->elr);
	el2_inject_undef(v, f);
}

/* A physical interrupt while the guest ran. */
void el2_guest_irq(struct el2_frame *f, struct vcpu *v)
{
	v->frame = f;
	vgic_irq(v);
	if (__atomic_load_n(&vm.stop_request, __ATOMIC_RELAXED))
		vcpu_stop(v);
	if (v->fp_saved)	/* the firmware used FP/SIMD on this exit: the guest's back */
		fpsimd_release();
}

void el2_guest_sync(struct el2_frame *f, struct vcpu *v)
{
	unsigned int ec = esr_ec(f->esr);

	v->frame = f;
	if (v->fault_run.key && ec != ESR_EC_DABT_LOW && ec != ESR_EC_IABT_LOW)
		fault_run_end(v);
	switch (ec) {
	case ESR_EC_HVC64:
		v->stats.reason[EXIT_HVC]++;
		el2_smccc(v, f, false);
		break;
	case ESR_EC_SMC64:
		v->stats.reason[EXIT_SMC]++;
		el2_smccc(v, f, false);
		break;
	case ESR_EC_SYS64:
		el2_trap_sysreg(v, f);
		break;
	case ESR_EC_DABT_LOW:
	case ESR_EC_IABT_LOW:
		el2_guest_abort(v, f, ec);
		break;
	default:
		v->stats.reason[EXIT_OTHER]++;
		el2_guest_other(v, f, ec);
		break;
	}
	if (__atomic_load_n(&vm.stop_request, __ATOMIC_RELAXED))
		vcpu_stop(v);
	if (v->fp_saved)	/* the firmware used FP/SIMD on this exit: the guest's back */
		fpsimd_release();
}

/* The light exits' C (el2/vcpu.h), but for the system registers (el2/sysreg_trap.c). */
int el2_light_call(struct el2_frame *f, struct vcpu *v)
{
	v->frame = f;
	if (!el2_smccc(v, f, true))
		return 1;
	v->stats.reason[esr_ec(f->esr) == ESR_EC_SMC64 ? EXIT_SMC : EXIT_HVC]++;
	return el2_light_done(v);
}

/* el2_mmio() inlined: its val leaves whole, as there (no canary). */
__attribute__((no_stack_protector)) int el2_light_abort(struct el2_frame *f, struct vcpu *v)
{
	if (!el2_light_reg((f->esr >> ISS_SRT_SHIFT) & 31))
		return 1;
	v->frame = f;
	if (!el2_mmio(v, f, vcpu_hw_fault_ipa_page() | (f->far & 0xfff)))
		return 1;
	return el2_light_done(v);
}
