/*
 * Stopping the guest: every vCPU brought to EL2 (the firmware's SGI), its
 * whole state moved into memory (registers, FP/SIMD, list registers), the monitor or the codec run on one CPU,
 * then every vCPU put back into its CPU (as a load may have changed it:
 * registers, power state) and released.
 */
#include <stdio.h>

#include "el2/monitor.h"
#include "el2/smccc.h"
#include "el2/upgrade.h"
#include "el2/vcpu.h"
#include "el2/vmstate_fw.h"
#include "el2/vuart.h"
#include "plat/plat.h"

void vcpu_state_to_memory(struct vcpu *v)
{
	fpsimd_claim();		/* the guest's FP/SIMD registers are in v->fp now */
	sysreg_ctx_to_memory(&v->sr);
	vgic_state_to_memory(v);	/* its list registers: pending and active interrupts */
	v->in_wfi = vcpu_stopped_in_wfi(v);
}

void vcpu_state_to_cpu(struct vcpu *v)
{
	sysreg_ctx_to_cpu(&v->sr);
	vgic_state_to_cpu(v);		/* before loaded is cleared: a load's list registers too */
	if (v->loaded) {
		guest_apply_id_view(v);	/* the loaded ID view: VPIDR, VMPIDR, the vector's answers */
		v->loaded = false;
	}
	vcpu_write_cntvoff(vm.cntvoff);
	/* v->fp goes back into the CPU on the way out of this exit (fp_saved). */
}

void vcpu_state_loaded(struct vcpu *v, int power, uint64_t entry, uint64_t context)
{
	v->loaded = true;
	if (power == VCPU_ON_PENDING) {
		/* CPU_ON had not started it yet: it starts now, out of reset, at entry. */
		vcpu_reset_regs(v, &vm.vcpu[0].sr);
		guest_frame_reset(v, entry, context, 0);
		power = VCPU_ON;
	}
	v->load_power = power;
}

void vcpu_wipe_all(void)
{
	struct vcpu_sysregs model = vm.vcpu[0].sr;

	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *t = &vm.vcpu[i];

		vcpu_reset_regs(t, &model);
		guest_frame_reset(t, 0, 0, 0);
		vgic_cpu_wipe(t);
		t->loaded = true;	/* into its CPU as it goes on, if it ever does */
		t->load_power = __atomic_load_n(&t->power, __ATOMIC_ACQUIRE);
	}
}

/*
 * After a load, a vCPU that was off and that the state has on starts on
 * its CPU from the loaded state; one that was on and is off in the state
 * powers its CPU off as it goes on (vcpu_park, vcpu_leave_stop).
 */
static void vcpu_start_loaded(const struct vcpu *v)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *t = &vm.vcpu[i];

		if (t == v || !t->loaded || t->load_power != VCPU_ON ||
		    __atomic_load_n(&t->power, __ATOMIC_ACQUIRE) != VCPU_OFF)
			continue;
		spin_lock(&vm.lock);
		vcpu_set_power(t, VCPU_ON_PENDING);
		spin_unlock(&vm.lock);
		if (vcpu_power_up(t) != PSCI_RET_SUCCESS) {
			printf("regvisor: error: vCPU %u: its CPU 0x%llx does not start; the loaded "
			       "state stays in memory\n", t->index, (unsigned long long)t->hw_mpidr);
			spin_lock(&vm.lock);
			vcpu_set_power(t, VCPU_OFF);
			spin_unlock(&vm.lock);
		}
	}
}

/* The stopping CPU's own vCPU goes on, or off if a load said so. */
static void vcpu_leave_stop(struct vcpu *v)
{
	bool off = v->loaded && v->load_power == VCPU_OFF;

	vcpu_start_loaded(v);
	vcpu_state_to_cpu(v);
	if (off)
		vcpu_stop(v);
}

void vcpu_park(struct vcpu *v)
{
	vcpu_state_to_memory(v);
	__atomic_store_n(&v->parked, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&vm.pause, __ATOMIC_ACQUIRE)) {
		if (__atomic_load_n(&vm.handover, __ATOMIC_ACQUIRE))
			upgrade_cpu_off(v);	/* an upgrade: its state is in the blob */
		cpu_wait_event();
	}
	if (v->loaded && v->load_power == VCPU_OFF)
		vcpu_stop(v);	/* parked stays set until its power shows OFF */
	vcpu_state_to_cpu(v);
	__atomic_store_n(&v->parked, 0, __ATOMIC_RELEASE);
}

void vcpu_irq_kicked(struct vcpu *v)
{
	/* A stop is looked at on the way back to the guest; the console's line here. */
	if (__atomic_load_n(&vm.pause, __ATOMIC_ACQUIRE))
		vcpu_park(v);
	if (v == &vm.vcpu[0])
		vuart_level_check(v);
}

void vcpu_kick_others(const struct vcpu *v)
{
	for (unsigned int i = 0; i < vm.nvcpus && vgic_present(); i++)
		if (&vm.vcpu[i] != v && __atomic_load_n(&vm.vcpu[i].power, __ATOMIC_ACQUIRE) == VCPU_ON)
			vgic_kick(&vm.vcpu[i]);
}

bool vcpu_others_still(const struct vcpu *v, bool parked_ok)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		if (&vm.vcpu[i] != v &&
		    __atomic_load_n(&vm.vcpu[i].power, __ATOMIC_ACQUIRE) != VCPU_OFF &&
		    !(parked_ok && __atomic_load_n(&vm.vcpu[i].parked, __ATOMIC_ACQUIRE)))
			return false;
	return true;
}

bool vcpu_stop_all(struct vcpu *v, enum vcpu_stop_for what, const char *why)
{
	bool waiting = true, loaded = false;

	spin_lock(&vm.monitor_lock);
	__atomic_store_n(&vm.pause, 1, __ATOMIC_RELEASE);
	vcpu_kick_others(v);
	for (unsigned long spins = 0; waiting && spins < 100000000ul; spins++) {
		waiting = !vcpu_others_still(v, true);
		if (waiting)
			cpu_relax();
	}
	if (waiting)
		printf("regvisor: warning: not every vCPU stopped for the monitor\n");
	vcpu_state_to_memory(v);
	switch (what) {
	case STOP_FOR_MONITOR:
		loaded = monitor_run(v, why, false);
		break;
	case STOP_FOR_INCOMING:
		loaded = monitor_run(v, why, true);
		break;
	case STOP_FOR_SAVE:
		vmstate_save(v, 0);
		break;
	case STOP_FOR_CYCLE:
		vmstate_cycle(v);
		break;
	case STOP_FOR_HANDOVER:
		loaded = upgrade_import(v);
		break;
	}
	__atomic_store_n(&vm.pause, 0, __ATOMIC_RELEASE);
	cpu_send_event();
	spin_unlock(&vm.monitor_lock);
	vcpu_leave_stop(v);
	return loaded;
}

void vcpu_breakin(struct vcpu *v)
{
	vcpu_stop_all(v, STOP_FOR_MONITOR, "break-in: every vCPU stopped");
}

void vcpu_irq_console(struct vcpu *v)
{
	uint64_t at = cpu_counter();

	vuart_poll(v);
	if (vuart_take_breakin()) {
		vm.breakin_at = at ? at : 1;	/* monitor_run() says how long the stop took */
		vcpu_breakin(v);
	}
}
