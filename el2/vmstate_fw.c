/*
 * Saving and loading the guest's whole state, every vCPU: the portable
 * codec and policy (vmstate/) on the firmware's vCPUs. The guest is
 * stopped while this runs (a break-in, or its checkpoint call: every other
 * vCPU is parked at EL2 or off), and every vCPU's state is in memory:
 * v->frame, v->fp and v->sr.val[] (context registers too). This file reads
 * and writes only that memory; vcpu_state_loaded() tells el2 what changed.
 * The one exception is the GIC's distributor and redistributors, which are
 * the guest's state in place (memory-mapped, any CPU reaches them): a load
 * writes them once every check has passed (el2/vgic_state.c).
 */
#include <stdio.h>
#include <string.h>

#include "plat/plat.h"
#include "el2/vmstate_fw.h"
#include "vmstate/frame.h"
#include "vmstate/policy.h"

_Static_assert(RV_MAX_CPUS <= VMSTATE_MAX_VCPUS, "a blob must hold every vCPU");
_Static_assert((int)VCPU_ON == (int)VMSTATE_POWER_ON && (int)VCPU_OFF == (int)VMSTATE_POWER_OFF &&
	       (int)VCPU_ON_PENDING == (int)VMSTATE_POWER_ON_PENDING,
	       "the blob's power states are PSCI's");

static struct vmstate state;		/* one at a time: vm.monitor_lock */
static uint8_t blob[VMSTATE_MAX_BLOB] __attribute__((aligned(8)));
static struct vmstate_drops drops[VMSTATE_MAX_VCPUS];

/*
 * The soak's wipe, between its export and its import: every vCPU's
 * x0..x30, V0..V31, FPSR, FPCR and every table register (context, ID,
 * firmware) are set to nothing the guest wrote, as on a fresh destination,
 * so what the guest finds after a cycle is only what the import put back.
 * PC and PSTATE stay: a guest that lost them could not report it. What was
 * wiped is kept and put back if the import refuses: a refusal changes
 * nothing.
 */
static struct {
	uint64_t x[31];
	struct fpsimd_state fp;
	uint64_t sr[SYSREG_COUNT];
} wiped[RV_MAX_CPUS];

size_t vmstate_fw_buffer_bytes(void)
{
	return sizeof(state) + sizeof(blob) + sizeof(drops) + sizeof(wiped);
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

void vmstate_frame_print(const uint8_t *b, size_t len)
{
	frame_encode(b, len, emit_console, NULL);
}

/* vCPU v's record and general state into c (an off vCPU without a frame: zeros). */
static void fill_vcpu(const struct vcpu *v, struct vmstate_vcpu *c)
{
	const struct el2_frame *f = v->frame;

	c->power = (uint8_t)__atomic_load_n(&v->power, __ATOMIC_ACQUIRE);
	c->mpidr = v->vmpidr;
	c->entry = c->power == VCPU_ON_PENDING ? v->on_entry : 0;
	c->context = c->power == VCPU_ON_PENDING ? v->on_x0 : 0;
	if (f) {
		memcpy(c->core.x, f->x, sizeof(c->core.x));
		c->core.pc = f->elr;
		c->core.pstate = f->spsr;
	}
	memcpy(c->fp.v, v->fp.v, sizeof(c->fp.v));
	c->fp.fpsr = (uint32_t)v->fp.fpsr;
	c->fp.fpcr = (uint32_t)v->fp.fpcr;
}

/*
 * The guest's GIC (DEVREGS, version 3 on). Format 1.0 has no place for it:
 * a blob for version 1 or 2 is refused unless the GIC is at reset, as a
 * hidden register must hold its default (the CPU interface's registers,
 * table rows since version 3, follow that rule too).
 */
static void fill_gic(unsigned int target, struct vmstate_report *rep)
{
	struct vmstate_report counted = { 0 };
	unsigned int n;

	if (state.major >= 2) {
		vgic_state_export(&state, rep);
		return;
	}
	vgic_state_export(&state, &counted);	/* only counted: "too many" is not the problem */
	n = state.ndev;
	state.ndev = 0;
	for (unsigned int i = 0; i < state.nvcpus; i++) {
		n += state.vcpu[i].ndev;
		state.vcpu[i].ndev = 0;
	}
	if (n)
		vmstate_report_add(rep, VMSTATE_E_FORMAT_DEVICES, 0, n, target, -1);
}

/*
 * Every vCPU into state for a destination of version target; problems in
 * rep. On the plain path a vCPU's registers stay where they are, by row,
 * and the encoder writes them straight into the blob (vmstate_export_rows).
 */
static unsigned int fill_state(struct vcpu *cur, unsigned int target, struct vmstate_report *rep)
{
	static struct vmstate_rows_buf rows[VMSTATE_MAX_VCPUS];

	(void)cur;		/* its state, like every vCPU's, is in memory (el2/stop.c) */
	if (vmstate_export_begin(&state, target, vm.nvcpus, rep))
		return rep->total;
	state.vcount = vm.stopped ? vm.stopped_vcount : cpu_virtual_counter();
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		fill_vcpu(&vm.vcpu[i], &state.vcpu[i]);
		vmstate_export_rows(&vm.vcpu[i].sr, target, &state.vcpu[i], &rows[i], rep);
	}
	if (RV_GE_3)
		fill_gic(target, rep);
	return rep->total;
}

static unsigned int state_regs(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < state.nvcpus; i++)
		n += state.vcpu[i].nregs;
	return n;
}

size_t vmstate_export(struct vcpu *v, unsigned int target, uint8_t *out, size_t cap,
		      const char *who, bool *refused)
{
	struct vmstate_report rep = { 0 };
	enum vmstate_err err;
	size_t len;
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "regvisor: %s", who);
	*refused = false;
	if (fill_state(v, target, &rep)) {
		vmstate_report_print(&rep, prefix);
		*refused = true;
		return 0;
	}
	len = vmstate_encode(&state, out, cap, &err);
	if (!len)
		printf("regvisor: %s: error: %s\n", who, vmstate_strerror(err));
	return len;
}

void vmstate_export_summary(const char *who, unsigned int target, size_t len)
{
	printf("regvisor: %s: %u registers (%u hidden left out), %u bytes, for v%u "
	       "(format %u.%u, %u vCPU%s)\n", who, state_regs(),
	       (unsigned int)(SYSREG_COUNT * state.nvcpus - state_regs()), (unsigned int)len,
	       target ? target : FW_VERSION, state.major, state.minor, state.nvcpus,
	       state.nvcpus == 1 ? "" : "s");
}

bool vmstate_save(struct vcpu *v, unsigned int target)
{
	bool refused;
	size_t len;

	/* A guest in an older version's world (compat) is saved for that version. */
	if (!target && v->sr.world_version < FW_VERSION)
		target = v->sr.world_version;
	len = vmstate_export(v, target, blob, sizeof(blob), "save", &refused);

	if (!len) {
		if (refused)
			printf("regvisor: save: refused, nothing exported\n");
		return false;
	}
	vmstate_export_summary("save", target, len);
	frame_encode(blob, len, emit_console, NULL);
	return true;
}

static void cycle_wipe(bool undo)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		struct vcpu *v = &vm.vcpu[i];

		if (undo) {
			if (v->frame)
				memcpy(v->frame->x, wiped[i].x, sizeof(wiped[i].x));
			v->fp = wiped[i].fp;
			memcpy(v->sr.val, wiped[i].sr, sizeof(v->sr.val));
			continue;
		}
		if (v->frame)
			memcpy(wiped[i].x, v->frame->x, sizeof(wiped[i].x));
		wiped[i].fp = v->fp;
		memcpy(wiped[i].sr, v->sr.val, sizeof(v->sr.val));
		for (unsigned int r = 0; v->frame && r < 31; r++)
			v->frame->x[r] = UINT64_C(0x0badbad000000000) | r;
		memset(&v->fp, 0x5b, sizeof(v->fp));
		memset(v->sr.val, 0, sizeof(v->sr.val));
	}
}

void vmstate_cycle(struct vcpu *v)
{
	struct vmstate_report rep = { 0 };
	enum vmstate_err err = VMSTATE_E_OK;
	size_t len = 0;
	bool done = false;
	uint64_t t0 = cpu_counter();

	vcpu_time_stop(v);
	if (fill_state(v, 0, &rep)) {
		vmstate_report_print(&rep, "regvisor: cycle");
	} else {
		len = vmstate_encode(&state, blob, sizeof(blob), &err);
		if (!len)
			printf("regvisor: cycle: error: %s\n", vmstate_strerror(err));
	}
	/* A refusal leaves the guest as it was: it goes on, uncycled, and the log says why. */
	if (len) {
		cycle_wipe(false);
		done = vmstate_load(v, blob, len, true);
		if (!done)
			cycle_wipe(true);
	}
	if (done && ++vm.cycles == 1)	/* the first only: a soak runs thousands */
		printf("regvisor: cycle: %llu counter ticks from the export to the import's end, "
		       "in one firmware\n", (unsigned long long)(cpu_counter() - t0));
	else if (!done)
		printf("regvisor: cycle %llu: not completed; the guest goes on as it was\n",
		       (unsigned long long)vm.cycles);
	vcpu_time_resume(v);
}

/* What an accepted import leaves out, one line each. */
static void print_drops(void)
{
	for (unsigned int i = 0; i < state.nvcpus; i++)
		for (unsigned int k = 0; k < drops[i].n; k++) {
			const char *name = vmstate_id_name(drops[i].id[k]);
			const struct vmstate_entry *e;

			vmstate_rows_to_regs(&state.vcpu[i]);	/* the vCPU's entries, if held by row */
			e = vmstate_find(&state.vcpu[i], drops[i].id[k]);
			printf("regvisor: load: ");
			if (state.nvcpus > 1)
				printf("vcpu %u: ", i);
			printf("dropped %s (0x%016llx): unknown here, %s\n", name ? name : "?",
			       (unsigned long long)drops[i].id[k], e && e->droppable ?
			       "at its default" : "tolerated (regvisor.tolerate)");
		}
}

/*
 * What a load from an older or newer version changes, said: each value a
 * CHANGE rule converted, and how many registers the writer's version did
 * not have (they get their reset values).
 */
static void print_conversions(unsigned int world)
{
	unsigned int fresh = 0, writer = state.fw_version;
	const struct sysreg_change *chg;

	/* Nothing converts between a version and itself: the entries are looked at otherwise. */
	for (unsigned int i = 0; writer != world && i < state.nvcpus; i++) {
		vmstate_rows_to_regs(&state.vcpu[i]);
		for (unsigned int k = 0; k < state.vcpu[i].nregs; k++) {
			const struct vmstate_entry *e = &state.vcpu[i].regs[k];
			int idx = sysreg_find_by_id(e->id);
			uint64_t val = e->value;

			if (idx < 0 || sysreg_table[idx].cls == ID ||
			    sysreg_convert(sysreg_row_of((unsigned int)idx), writer, world, &val,
					   &chg) != MOVE_CONVERTED)
				continue;
			printf("regvisor: load: vcpu %u: %s: 0x%llx in v%u is 0x%llx in v%u (changed in "
			       "v%u, rule %s)\n", i, sysreg_table[idx].name,
			       (unsigned long long)e->value, writer, (unsigned long long)val, world,
			       chg->version, sysreg_rule_name(chg->rule));
		}
	}
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls != ID && sysreg_table[i].since > writer &&
		    sysreg_in_world(i, world))
			fresh++;
	if (fresh)
		printf("regvisor: load: %u registers new since v%u get their reset values "
		       "(`regvisor-state check --from %u --to %u` lists them)\n", fresh, writer,
		       writer, world);
}

/* The checked state into vCPU v (memory only: el2 puts it in the CPU on resume). */
static void put_vcpu(struct vcpu *v, const struct vmstate_vcpu *c)
{
	struct el2_frame *f = v->frame;

	if (f) {
		memcpy(f->x, c->core.x, sizeof(f->x));
		f->elr = c->core.pc;
		f->spsr = c->core.pstate;
	}
	memcpy(v->fp.v, c->fp.v, sizeof(v->fp.v));
	v->fp.fpsr = c->fp.fpsr;
	v->fp.fpcr = c->fp.fpcr;
}

bool vmstate_load(struct vcpu *v, const uint8_t *in, size_t len, bool quiet)
{
	struct vmstate_tolerance tol = { .n = vm.ntolerate, .ids = vm.tolerate };
	struct vmstate_machine m = {
		.nvcpus = vm.nvcpus, .tol = &tol, .dev = RV_GE_3 ? vgic_state_ops(&state) : NULL,
		.entry_ok = guest_entry_valid,
	};
	struct vmstate_report rep = { 0 };
	unsigned int ndrops = 0;
	enum vmstate_err err;
	uint64_t where;
	char at[80];

	static struct vmstate_rows_store row_store;
	static struct vmstate_rows_in rows;	/* state's vCPUs point at it after the load */

	/* Registers by row where the blob is this version's (the check and apply take them so). */
	vmstate_rows_in_init(&rows, &row_store);
	err = vmstate_decode_rows(in, len, &state, &where, &rows);
	if (err != VMSTATE_E_OK) {
		printf("regvisor: load: error: %s (%s); nothing loaded\n", vmstate_strerror(err),
		       vmstate_where_text(err, where, at, sizeof(at)));
		return false;
	}
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		m.sr[i] = &vm.vcpu[i].sr;
	/*
	 * The check reads no register state; what it passes overwrites every
	 * in-world register of every vCPU in memory (the soak's wipe proves
	 * it), so nothing is copied from the CPU first.
	 */
	fpsimd_claim();		/* v->fp is the guest's from here: put_vcpu() writes it */
	if (vmstate_check_all(&state, &m, drops, &rep)) {
		vmstate_report_print(&rep, "regvisor: load");
		printf("regvisor: load: refused, nothing loaded\n");
		return false;
	}

	/* Checked, every vCPU: from here on nothing can fail. */
	print_drops();
	print_conversions(vm.vcpu[0].sr.world_version);
	for (unsigned int i = 0; i < state.nvcpus; i++) {
		put_vcpu(&vm.vcpu[i], &state.vcpu[i]);
		ndrops += drops[i].n;
	}
	vmstate_apply_all(&state, &m);
	/* The guest's virtual counter carries on from where it stopped. */
	vm.stopped_vcount = state.vcount;
	if (!vm.stopped)
		vcpu_time_resume(v);
	for (unsigned int i = 0; i < state.nvcpus; i++)
		vcpu_state_loaded(&vm.vcpu[i], state.vcpu[i].power, state.vcpu[i].entry,
				  state.vcpu[i].context);
	if (!quiet)
		printf("regvisor: load: %u registers loaded from a v%u blob, %u dropped "
		       "(format %u.%u, %u vCPU%s)\n", state_regs() - ndrops, state.fw_version,
		       ndrops, state.major, state.minor, state.nvcpus,
		       state.nvcpus == 1 ? "" : "s");
	return true;
}
