/*
 * Saving and loading the guest's whole state: the portable codec and
 * policy (vmstate/) on the firmware's live vCPU. The guest is stopped
 * (it made the checkpoint call) while this runs.
 */
#include <stdio.h>
#include <string.h>

#include "plat/plat.h"
#include "el2/vmstate_fw.h"
#include "vmstate/frame.h"
#include "vmstate/policy.h"

static struct vmstate state;		/* one at a time: the firmware is single-threaded */
static uint8_t blob[VMSTATE_MAX_BLOB] __attribute__((aligned(8)));

/*
 * The soak's wipe, between its export and its import: x0..x30, V0..V31,
 * FPSR, FPCR and every table register (context, ID, firmware) are set to
 * nothing the guest wrote, as on a fresh destination, so what the guest
 * finds after a cycle is only what the import put back. PC and PSTATE
 * stay: a guest that lost them could not report it. What was wiped is
 * kept and put back if the import refuses: a refusal changes nothing.
 */
static struct {
	uint64_t x[31];
	struct fpsimd_state fp;
	uint64_t sr[SYSREG_COUNT];
} wiped;

size_t vmstate_fw_buffer_bytes(void)
{
	return sizeof(state) + sizeof(blob) + sizeof(wiped);
}

void vcpu_time_stop(struct vcpu *v)
{
	(void)v;
	vm.stopped_vcount = cpu_virtual_counter();
	vm.stopped = true;
}

/* The guest's counter goes on from where it stood: CNTVCT = CNTPCT - CNTVOFF. */
void vcpu_time_resume(struct vcpu *v)
{
	(void)v;
	vm.cntvoff = cpu_counter() - vm.stopped_vcount;
	vcpu_write_cntvoff(vm.cntvoff);
	vm.stopped = false;
}

static void emit_console(const char *line, void *ctx)
{
	(void)ctx;
	printf("%s\n", line);
}

static void fill_state(struct vcpu *v)
{
	const struct el2_frame *f = v->frame;

	fpsimd_claim();		/* the guest's FP/SIMD registers are in v->fp now */
	memset(&state, 0, offsetof(struct vmstate, regs));
	state.fw_version = FW_VERSION;
	state.vcpu = (uint16_t)v->index;
	memcpy(state.core.x, f->x, sizeof(state.core.x));
	state.core.pc = f->elr;
	state.core.pstate = f->spsr;
	memcpy(state.fp.v, v->fp.v, sizeof(state.fp.v));
	state.fp.fpsr = (uint32_t)v->fp.fpsr;
	state.fp.fpcr = (uint32_t)v->fp.fpcr;
	state.vcount = vm.stopped ? vm.stopped_vcount : cpu_virtual_counter();
}

bool vmstate_save(struct vcpu *v, unsigned int target)
{
	struct vmstate_report rep = { 0 };
	enum vmstate_err err;
	size_t len;

	fill_state(v);

	if (vmstate_export_regs(&v->sr, target, &state, &rep)) {
		vmstate_report_print(&rep, "regvisor: save");
		printf("regvisor: save: refused, nothing exported\n");
		return false;
	}
	len = vmstate_encode(&state, blob, sizeof(blob), &err);
	if (!len) {
		printf("regvisor: save: error: %s\n", vmstate_strerror(err));
		return false;
	}
	printf("regvisor: save: %u registers (%u hidden left out), %u bytes, for v%u\n",
	       state.nregs, (unsigned int)(SYSREG_COUNT - state.nregs), (unsigned int)len,
	       target ? target : FW_VERSION);
	frame_encode(blob, len, emit_console, NULL);
	return true;
}

static void cycle_wipe(struct vcpu *v, bool undo)
{
	static const uint64_t zero[SYSREG_COUNT];

	fpsimd_claim();		/* the guest's FP/SIMD registers are in v->fp now */
	if (undo) {
		memcpy(v->frame->x, wiped.x, sizeof(wiped.x));
		v->fp = wiped.fp;
		sysreg_set_all(&v->sr, wiped.sr);
		return;
	}
	memcpy(wiped.x, v->frame->x, sizeof(wiped.x));
	wiped.fp = v->fp;
	sysreg_get_all(&v->sr, wiped.sr);
	for (unsigned int i = 0; i < 31; i++)
		v->frame->x[i] = UINT64_C(0x0badbad000000000) | i;
	memset(&v->fp, 0x5b, sizeof(v->fp));
	sysreg_set_all(&v->sr, zero);
}

void vmstate_cycle(struct vcpu *v)
{
	struct vmstate_report rep = { 0 };
	enum vmstate_err err = VMSTATE_E_OK;
	size_t len = 0;
	bool done = false;

	vcpu_time_stop(v);
	fill_state(v);
	if (vmstate_export_regs(&v->sr, 0, &state, &rep)) {
		vmstate_report_print(&rep, "regvisor: cycle");
	} else {
		len = vmstate_encode(&state, blob, sizeof(blob), &err);
		if (!len)
			printf("regvisor: cycle: error: %s\n", vmstate_strerror(err));
	}
	/* A refusal leaves the guest as it was: it goes on, uncycled, and the log says why. */
	if (len) {
		cycle_wipe(v, false);
		done = vmstate_load(v, blob, len, true);
		if (!done)
			cycle_wipe(v, true);
	}
	if (done)
		vm.cycles++;
	else
		printf("regvisor: cycle %llu: not completed; the guest goes on as it was\n",
		       (unsigned long long)vm.cycles);
	vcpu_time_resume(v);
}

bool vmstate_load(struct vcpu *v, const uint8_t *in, size_t len, bool quiet)
{
	static struct vmstate_drops drops;
	struct vmstate_report rep = { 0 };
	struct el2_frame *f = v->frame;
	enum vmstate_err err;
	uint64_t where;

	err = vmstate_decode(in, len, &state, &where);
	if (err != VMSTATE_E_OK) {
		printf("regvisor: load: error: %s (at 0x%llx); nothing loaded\n",
		       vmstate_strerror(err), (unsigned long long)where);
		return false;
	}
	struct vmstate_tolerance tol = { .n = vm.ntolerate, .ids = vm.tolerate };

	vmstate_check_header(&state, v->index, &rep);
	vmstate_check_core(&state, &rep);
	if (vmstate_check_regs(&state, &v->sr, &tol, &drops, &rep)) {
		vmstate_report_print(&rep, "regvisor: load");
		printf("regvisor: load: refused, nothing loaded\n");
		return false;
	}

	/* Checked: from here on nothing can fail. */
	for (unsigned int i = 0; i < drops.n; i++) {
		const char *name = vmstate_id_name(drops.id[i]);

		printf("regvisor: load: dropped %s (0x%016llx): unknown here, %s\n",
		       name ? name : "?", (unsigned long long)drops.id[i],
		       vmstate_find(&state, drops.id[i])->droppable ? "at its default" :
		       "tolerated (regvisor.tolerate)");
	}
	fpsimd_claim();
	memcpy(f->x, state.core.x, sizeof(f->x));
	f->elr = state.core.pc;
	f->spsr = state.core.pstate;
	memcpy(v->fp.v, state.fp.v, sizeof(v->fp.v));
	v->fp.fpsr = state.fp.fpsr;
	v->fp.fpcr = state.fp.fpcr;
	vmstate_apply_regs(&state, &v->sr);
	vcpu_state_loaded(v, VCPU_ON, 0, 0);
	/* The guest's virtual counter carries on from where it stopped. */
	vm.stopped_vcount = state.vcount;
	if (!vm.stopped)
		vcpu_time_resume(v);
	if (!quiet)
		printf("regvisor: load: %u registers loaded from a v%u blob, %u dropped\n",
		       state.nregs - drops.n, state.fw_version, drops.n);
	return true;
}
