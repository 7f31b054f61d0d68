/*
 * Trapped MRS/MSR (EC 0x18): the guest's ID registers are answered from the
 * table, so it sees the same CPU on every host; an access the table does
 * not allow is UNDEF, as on a CPU without that register.
 */
#include <stddef.h>
#include <stdio.h>

#include "el2/asm.h"
#include "plat/plat.h"
#include "el2/vcpu.h"
#include "sysreg/iss.h"

/*
 * regvisor.traplog=1: one line the first time an encoding traps in a
 * direction, saying what the firmware did (the sweep test classes every
 * encoding with it). Off, it costs the one branch at each call.
 */
static void sysreg_traplog(const struct vcpu *v, const struct sysreg_access *a, const char *what)
{
	unsigned int bit = ((a->op0 & 1u) << 14 | a->op1 << 11 | a->crn << 7 | a->crm << 3 | a->op2)
			   << 1 | (a->read ? 1u : 0u);
	uint64_t m = BIT64(bit % 64);

	if (a->op0 >= 2 &&
	    (__atomic_fetch_or(&vm.traplog_seen[bit / 64], m, __ATOMIC_RELAXED) & m))
		return;
	printf("regvisor: trap: vcpu %u S%u_%u_C%u_C%u_%u %s %s\n", v->index, a->op0, a->op1,
	       a->crn, a->crm, a->op2, a->read ? "read" : "write", what);
}

static void sysreg_trap_undef(struct vcpu *v, struct el2_frame *f, const struct sysreg_access *a,
			      const char *why)
{
	if (vm.traplog)
		sysreg_traplog(v, a, "undef");
	printf("regvisor: guest: %s S%u_%u_C%u_C%u_%u at pc 0x%llx: %s, injected UNDEF\n",
	       a->read ? "MRS" : "MSR", a->op0, a->op1, a->crn, a->crm, a->op2,
	       (unsigned long long)f->elr, why);
	el2_inject_undef(v, f);
}

_Static_assert(offsetof(struct vcpu, id_fast) == VCPU_ID_FAST, "vectors.S reads id_fast");
_Static_assert(offsetof(struct id_fast, val) == 8, "vectors.S reads id_fast.val at +8");
_Static_assert(offsetof(struct vcpu, el2_stack_top) == VCPU_EL2_STACK_TOP, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, crash_stack_top) == VCPU_CRASH_STACK_TOP, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, exits_id_fast) == VCPU_EXITS_ID_FAST, "el2/asm.h");

void el2_id_fast_sync(struct vcpu *v)
{
	const struct vcpu_sysregs *vs = &v->sr;
	struct id_fast t = { 0 };

	/* The trap log sees every ID read: none is answered in the vector. */
	for (unsigned int slot = 0; slot < 64 && !vm.traplog; slot++) {
		struct sysreg_access a = { .op0 = 3, .crm = slot >> 3, .op2 = slot & 7, .read = true };
		int idx = sysreg_find_by_encoding(3, 0, 0, a.crm, a.op2);

		if (idx >= 0 && sysreg_in_world((unsigned int)idx, vs->world_version)) {
			t.val[slot] = sysreg_get(vs, (unsigned int)idx);
			t.valid |= BIT64(slot);
		} else if (idx < 0 && sysreg_in_id_space(&a)) {
			t.valid |= BIT64(slot);		/* RAZ */
		}
	}
	v->id_fast = t;
}

/* ID_AA64PFR0_EL1.RAS [31:28] in the guest's view. */
static bool ras_in_view(const struct vcpu *v)
{
	return (v->sr.val[SYSREG_ID_AA64PFR0_EL1] >> 28) & 0xf;
}

/*
 * Registers answered by computation rather than kept: the physical count
 * and timer value on the guest's time (CNTHCTL_EL2 traps them from world
 * 3: the guest's physical count is CNTPCT - CNTVOFF, its virtual one, so
 * it survives a move), and the RAS error records (HCR_EL2.TERR: the guest
 * has none, ERRIDR_EL1.NUM 0, so each reads 0 and takes no write, as KVM
 * answers). True when answered; *val is what a read gets.
 */
static bool sysreg_trap_computed(struct vcpu *v, const struct sysreg_access *a, uint64_t in,
				 uint64_t *val)
{
	(void)in;
#if FW_VERSION >= 3
	if (a->op0 == 3 && a->op1 == 3 && a->crn == 14 && v->sr.world_version >= 3) {
		uint64_t now = cpu_counter() - vm.cntvoff;

		if (a->crm == 0 && a->op2 == 1 && a->read) {		/* CNTPCT_EL0 */
			*val = now;
			return true;
		}
		if (a->crm == 2 && a->op2 == 0) {			/* CNTP_TVAL_EL0 */
			if (a->read)
				*val = (uint32_t)(sysreg_get(&v->sr, SYSREG_CNTP_CVAL_EL0) - now);
			else
				sysreg_set(&v->sr, SYSREG_CNTP_CVAL_EL0,
					   now + (uint64_t)(int64_t)(int32_t)(uint32_t)in);
			return true;
		}
		return false;
	}
#endif
	if (FW_VERSION >= 3 && a->op0 == 3 && a->op1 == 0 && a->crn == 5 && a->crm >= 3 &&
	    a->crm <= 5 && ras_in_view(v) && (a->read || a->crm != 3 || a->op2 != 0)) {
		*val = 0;					/* ERRIDR_EL1, ERRSELR_EL1, ERX* */
		return true;
	}
	return false;
}

void el2_trap_sysreg(struct vcpu *v, struct el2_frame *f)
{
	struct sysreg_access a = sysreg_decode_iss((uint32_t)(f->esr & ESR_ISS_MASK));
	int idx;
	uint64_t val = 0;

	/* ICC_SGI1R/ASGI1R/SGI0R_EL1 (3, 0, 12, 11, 5..7): trapped by HCR_EL2.IMO/FMO. */
	v->stats.reason[EXIT_SYSREG]++;
	if (a.op0 == 3 && a.op1 == 0 && a.crn == 12 && a.crm == 11 && a.op2 >= 5 && vgic_present()) {
		if (a.read) {
			sysreg_trap_undef(v, f, &a, "write-only register");
			return;
		}
		if (a.op2 == 5)
			vgic_sgi1r(v, a.rt == 31 ? 0 : f->x[a.rt]);
		if (vm.traplog)
			sysreg_traplog(v, &a, a.op2 == 5 ? "emulated" : "ignored");
		el2_skip_instr(f);	/* group 0 SGIs and ASGI1R: the guest has none; ignored */
		return;
	}
	if (sysreg_trap_computed(v, &a, a.rt == 31 ? 0 : f->x[a.rt], &val)) {
		v->stats.sysreg[SYSREG_COUNT]++;
		goto done;
	}
	idx = sysreg_find_by_encoding(a.op0, a.op1, a.crn, a.crm, a.op2);
	v->stats.sysreg[idx < 0 ? SYSREG_COUNT : (unsigned int)idx]++;

	if (idx < 0 || !sysreg_in_world((unsigned int)idx, v->sr.world_version)) {
		/* Unallocated feature-ID registers are RAZ (Arm ARM D19.2). */
		if (!(a.read && sysreg_in_id_space(&a))) {
			sysreg_trap_undef(v, f, &a, "not in the register table");
			return;
		}
	} else if (sysreg_is_pauth_key((unsigned int)idx) && !sysreg_pauth_in_view(&v->sr)) {
		/* Trapped only while the view hides pointer authentication (guest_hcr). */
		sysreg_trap_undef(v, f, &a, "pointer authentication is not in the guest's view");
		return;
	} else if (a.read) {
		val = sysreg_get(&v->sr, (unsigned int)idx);
	} else if (sysreg_table[idx].cls != CTX) {
		sysreg_trap_undef(v, f, &a, "read-only register");
		return;
	} else {
		uint64_t in = a.rt == 31 ? 0 : f->x[a.rt];

		sysreg_set(&v->sr, (unsigned int)idx, in);
	}
done:
	if (a.read && a.rt != 31)
		f->x[a.rt] = val;
	if (vm.traplog)
		sysreg_traplog(v, &a, "emulated");
	el2_skip_instr(f);
}
