/*
 * Trapped MRS/MSR (EC 0x18): the guest's ID registers are answered from the
 * table, so it sees the same CPU on every host; an access the table does
 * not allow is UNDEF, as on a CPU without that register.
 */
#include <stddef.h>
#include <stdio.h>

#include "el2/asm.h"
#include "plat/plat.h"
#include "el2/smccc.h"
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
_Static_assert(offsetof(struct vcpu, exits_vector) == VCPU_EXITS_VECTOR, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, read_ok) == VCPU_READ_OK, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, calls) == VCPU_HVC, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, mmio) == VCPU_MMIO, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, mmio_lo) == VCPU_MMIO_LO, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, mmio_hi) == VCPU_MMIO_HI, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, sgi_others) == VCPU_SGI_OTHERS, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, fault_run.key) == VCPU_FAULT_KEY, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, vgic.in_memory) == VCPU_VGIC_IN_MEMORY, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, vgic.prio) == VCPU_VGIC_PRIO, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, vgic.lrs_mask) == VCPU_VGIC_LRS_MASK, "el2/asm.h");
_Static_assert(offsetof(struct vm, stop_request) == VM_STOP_REQUEST, "el2/asm.h");
_Static_assert(offsetof(struct vm, vcpu) == VM_VCPU0, "el2/asm.h");
_Static_assert(offsetof(struct vcpu, sr) + offsetof(struct vcpu_sysregs, val) == VCPU_SR_VAL,
	       "el2/asm.h");
_Static_assert(SYSREG_COUNT <= 64 * VECTOR_READ_WORDS, "el2/asm.h: VECTOR_READ_WORDS");
_Static_assert(SYSREG_ENC_BISECT == ENC_BISECT_ASM, "el2/asm.h");

/* op0:op1:CRn groups (an encoding >> 7) answered apart from the table. */
#define GROUP(op0, op1, crn)	((op0) << 7 | (op1) << 4 | (crn))
static bool group_apart(unsigned int group)
{
	return group == GROUP(3, 0, 12) ||	/* ICC_SGI1R/ASGI1R/SGI0R_EL1 */
	       group == GROUP(3, 3, 14) ||	/* the physical timer on the guest's time */
	       group == GROUP(3, 0, 5) ||	/* RAS error records */
	       group == GROUP(3, 0, 2);		/* pointer authentication keys */
}

/*
 * The vector's answers (el2/vectors.S) from the vCPU as it is: its ID
 * space, reads of the other registers it keeps in memory (ID class, in its
 * world, not computed), the calls whose answer is one value, and the GIC's
 * identification registers. Called
 * whenever a vCPU goes (back) into its CPU and when its view changes. The
 * trap log sees every trap: with it on, nothing is answered in the vector.
 */
void el2_vector_sync(struct vcpu *v)
{
	const struct vcpu_sysregs *vs = &v->sr;
	struct id_fast t = { 0 };

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
	for (unsigned int w = 0; w < VECTOR_READ_WORDS; w++)
		v->read_ok[w] = 0;
	for (unsigned int i = 0; i < SYSREG_COUNT && !vm.traplog; i++) {
		uint64_t id = sysreg_table[i].id;

		if (sysreg_table[i].cls == ID && sysreg_in_world(i, vs->world_version) &&
		    sysreg_find_by_enc((unsigned int)(id & SYSREG_ENC_MASK)) == (int)i &&
		    !group_apart((unsigned int)(id & SYSREG_ENC_MASK) >> 7))
			v->read_ok[i / 64] |= BIT64(i % 64);
	}
	smccc_vector_sync(v);
	vgic_vector_sync(v);
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

/* Every case, the trap log with it: out of line, so the common case below stays lean. */
static __attribute__((noinline)) void el2_trap_sysreg_all(struct vcpu *v, struct el2_frame *f)
{
	struct sysreg_access a = sysreg_decode_iss((uint32_t)(f->esr & ESR_ISS_MASK));
	int idx;
	uint64_t val = 0;

	/* ICC_SGI1R/ASGI1R/SGI0R_EL1 (3, 0, 12, 11, 5..7): trapped by HCR_EL2.IMO/FMO. */
	if (a.op0 == 3 && a.op1 == 0 && a.crn == 12 && a.crm == 11 && a.op2 >= 5 && vgic_present()) {
		v->stats.reason[EXIT_IPI_SEND]++;
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
	v->stats.reason[EXIT_SYSREG]++;
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

/*
 * The common case: a register of the table in the guest's world, read, or
 * written if it is a context register. Anything else, and everything while
 * the trap log is on, takes el2_trap_sysreg_all().
 */
static __attribute__((noinline)) void el2_trap_sysreg_table(struct vcpu *v, struct el2_frame *f)
{
	uint32_t iss = (uint32_t)(f->esr & ESR_ISS_MASK);
	unsigned int enc = sysreg_iss_enc(iss), rt = (iss >> ISS_SYS_RT_SHIFT) & 31;
	int idx;

	if (vm.traplog || group_apart(enc >> 7))
		goto all;
	idx = sysreg_find_by_enc(enc);
	if (idx < 0 || !sysreg_in_world((unsigned int)idx, v->sr.world_version))
		goto all;
	if (iss & ISS_SYS_DIR_READ) {
		if (rt != 31)
			f->x[rt] = sysreg_get(&v->sr, (unsigned int)idx);
	} else if (sysreg_table[idx].cls == CTX) {
		sysreg_set(&v->sr, (unsigned int)idx, rt == 31 ? 0 : f->x[rt]);
	} else {
		goto all;
	}
	v->stats.reason[EXIT_SYSREG]++;
	v->stats.sysreg[idx]++;
	el2_skip_instr(f);
	return;
all:
	el2_trap_sysreg_all(v, f);
}

/* MSR ICC_SGI1R_EL1 (el2/asm.h), an IPI: the hottest trap of an SMP guest, checked first. */
static inline __attribute__((always_inline)) void trap_sysreg(struct vcpu *v, struct el2_frame *f)
{
	uint32_t iss = (uint32_t)(f->esr & ESR_ISS_MASK);
	unsigned int rt = (iss >> ISS_SYS_RT_SHIFT) & 31;

	if ((iss & ISS_SGI1R_WRITE_MASK) == ISS_SGI1R_WRITE && !vm.traplog && vgic_present()) {
		vgic_sgi1r(v, rt == 31 ? 0 : f->x[rt]);
		v->stats.reason[EXIT_IPI_SEND]++;
		el2_skip_instr(f);
		return;
	}
	el2_trap_sysreg_table(v, f);
}

void el2_trap_sysreg(struct vcpu *v, struct el2_frame *f)
{
	trap_sysreg(v, f);
}

int el2_light_sysreg(struct el2_frame *f, struct vcpu *v)
{
	if (!el2_light_reg((f->esr >> ISS_SYS_RT_SHIFT) & 31))
		return 1;
	v->frame = f;
	trap_sysreg(v, f);
	return el2_light_done(v);
}
