/*
 * Starting the guest: its memory, stage-2 map, the EL2 controls that shape
 * what it sees (HCR_EL2, CPTR_EL2, CNTHCTL_EL2, VPIDR/VMPIDR_EL2) and its
 * first ERET into EL1.
 */
#include <stdio.h>
#include <string.h>

#include "el2/asm.h"
#include "plat/console.h"
#include "plat/plat.h"
#include "el2/bench.h"
#include "el2/guest_dtb.h"
#include "el2/handover.h"
#include "el2/upgrade.h"
#include "el2/monitor.h"
#include "el2/smccc.h"
#include "el2/vgic.h"
#include "el2/vuart.h"
#include "el2/vcpu.h"
#include "sysreg/bootargs.h"

extern char __fw_start[], __fw_end[], pcpu_stacks[];
/* boot/head.S: where a CPU started by our PSCI CPU_ON begins (x0 = vCPU index). */
extern char secondary_entry[];

struct vm vm;

/* PSCI 0.2+ function ids the firmware calls below it (DEN0022). */
#define PSCI_FN_CPU_OFF		UINT64_C(0x84000002)
#define PSCI_FN_CPU_ON64	UINT64_C(0xc4000003)
#define MPIDR_AFF		UINT64_C(0xff00ffffff)
#define MPIDR_RES1		BIT64(31)
/* Tries of our own CPU_ON while a CPU we turned off is still on its way down. */
#define CPU_ON_RETRIES		100000

/* HCR_EL2 (Arm ARM D19.2.48). */
#define HCR_VM		BIT64(0)	/* stage 2 on */
#define HCR_SWIO	BIT64(1)
#define HCR_FMO		BIT64(3)	/* physical FIQs to EL2, virtual ones to the guest */
#define HCR_IMO		BIT64(4)	/* physical IRQs to EL2, virtual ones to the guest */
#define HCR_TID1	BIT64(16)	/* trap REVIDR_EL1, AIDR_EL1 */
#define HCR_TID3	BIT64(18)	/* trap the ID register group 3 */
#define HCR_TSC		BIT64(19)	/* trap SMC: guest SMCCC calls by SMC */
#define HCR_TIDCP	BIT64(20)	/* trap IMPLEMENTATION DEFINED registers: not in the table, UNDEF */
#define HCR_TACR	BIT64(21)	/* trap ACTLR_EL1: not in the table, UNDEF */
#define HCR_RW		BIT64(31)	/* EL1 is AArch64 */
#define HCR_TERR	BIT64(36)	/* trap the RAS error records: the guest has none */
#define HCR_APK		BIT64(40)	/* pointer auth keys not trapped */
#define HCR_API		BIT64(41)	/* pointer auth instructions not trapped */
#define HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_TID1 | HCR_TID3 | HCR_TSC | HCR_TACR | HCR_RW | \
			 (FW_VERSION >= 3 ? HCR_TERR | HCR_TIDCP : 0))

/*
 * CPTR_EL2 (non-VHE): RES1 bits, FP/SIMD not trapped (TFP = 0); SVE (TZ,
 * bit 8) and SME (TSM, bit 12) trapped: the guest's ID view has neither.
 */
#define CPTR_EL2_GUEST	UINT64_C(0x33ff)
/*
 * CNTHCTL_EL2 (non-VHE): EL1PCTEN [0], EL1PCEN [1]. From world 3 the
 * physical counter and timer are trapped (el2_trap_sysreg): the guest's
 * physical count is its virtual one, so both survive a move. Older worlds
 * reach them directly, as their firmware let them.
 */
#define CNTHCTL_EL2_LIVE	UINT64_C(0x3)
#define CNTHCTL_EL2_TRAPPED	UINT64_C(0x0)

/* The guest's RAM starts right after the firmware's 2 MiB window. */
#define GUEST_BASE	UINT64_C(0x40400000)

/* The image the bootloader left in guest RAM, checked once at boot. */
static struct guest_image {
	uint64_t addr, end;		/* where it lies: [addr, end) */
	uint64_t entry;
	bool is_image;			/* an arm64 Image (else a raw binary) */
	uint64_t initrd_start, initrd_end;
	uint64_t dtb;			/* the guest DTB's address in guest RAM */
	const char *args;
} gi;

static uint64_t guest_ram_end;
static bool guest_dtb_dump;		/* regvisor.dumpdtb=1 */

/* Guest DTB: built at the top of guest RAM, at most this big. */
#define GUEST_DTB_MAX	UINT64_C(0x10000)
#define SZ_2M		UINT64_C(0x200000)

/* arm64 Image header (Documentation/arch/arm64/booting.rst), little-endian. */
#define IMAGE_MAGIC		0x644d5241u	/* "ARM\x64" at offset 0x38 */
#define IMAGE_FLAG_BE		BIT64(0)
#define IMAGE_DEFAULT_OFFSET	UINT64_C(0x80000)	/* image_size 0: a pre-3.17 kernel */
#define FDT_MAGIC_LE		0xedfe0dd0u	/* 0xd00dfeed, big-endian, read little */

static uint64_t rd64(uint64_t addr)
{
	const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)addr;
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static bool ranges_overlap(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* "[a, e) outside guest RAM": the one check every placed object passes. */
static bool in_guest_ram(uint64_t a, uint64_t e)
{
	return a >= GUEST_BASE && e <= guest_ram_end && a < e;
}

static _Noreturn void guest_image_refuse(const char *what, uint64_t a, uint64_t e,
					 const char *why)
{
	printf("regvisor: guest: error: %s at 0x%llx..0x%llx: %s\n", what,
	       (unsigned long long)a, (unsigned long long)e, why);
	board_poweroff(EXIT_GUEST_IMAGE);
}

/* Where the firmware (and anything else below guest RAM) lies, for the messages. */
static const char *outside_why(uint64_t a, uint64_t e)
{
	if (ranges_overlap(a, e, (uintptr_t)__fw_start, (uintptr_t)__fw_end))
		return "overlaps the firmware";
	if (a >= guest_ram_end)
		return "lies beyond the end of guest RAM";
	if (e > guest_ram_end || e < a)
		return "runs past the end of guest RAM";
	return "starts below guest RAM";
}

/*
 * Check the guest image at addr: an arm64 Image must lie text_offset above
 * a 2 MiB boundary with image_size bytes of guest RAM; a raw binary is
 * entered at its first byte. Anything wrong: one line, a non-zero status.
 */
bool guest_entry_valid(uint64_t pc)
{
	return !(pc & 3) && in_guest_ram(pc, pc + 4);
}

static void guest_image_check(const struct rv_config *c)
{
	uint64_t a = c->guest_addr, off, size, flags;
	bool all_zero = true;

	if (c->guest_args_bad)		/* its bootargs error line said why */
		board_poweroff(EXIT_GUEST_IMAGE);
	if (!a) {
		printf("regvisor: guest: error: no guest image: give regvisor.guest=ADDR (and load "
		       "the image there, e.g. QEMU -device loader,file=IMAGE,addr=ADDR,force-raw=on)\n");
		board_poweroff(EXIT_GUEST_IMAGE);
	}
	if (!in_guest_ram(a, a + 64))
		guest_image_refuse("guest image", a, a + 64, outside_why(a, a + 64));
	if (a & 3)
		guest_image_refuse("guest image", a, a + 64, "entry not 4-byte aligned");
	for (unsigned int i = 0; i < 64; i += 8)
		all_zero &= rd64(a + i) == 0;
	if (all_zero)
		guest_image_refuse("guest image", a, a + 64, "nothing there (memory reads zero)");
	if ((uint32_t)rd64(a) == FDT_MAGIC_LE)	/* e.g. QEMU's DTB, with a small -m */
		guest_image_refuse("guest image", a, a + 64,
				   "holds a device tree, not a guest image");
	gi.addr = gi.entry = a;
	gi.end = a + 4;
	if ((uint32_t)rd64(a + 0x38) != IMAGE_MAGIC)
		return;		/* a raw binary: its size is not known */

	gi.is_image = true;
	off = rd64(a + 8);
	size = rd64(a + 16);
	flags = rd64(a + 24);
	if (!size) {
		off = IMAGE_DEFAULT_OFFSET;
		size = 0;
	}
	if (flags & IMAGE_FLAG_BE)
		guest_image_refuse("arm64 Image", a, a + size, "big-endian kernel");
	if (off >= SZ_2M && size)
		guest_image_refuse("arm64 Image", a, a + size, "text_offset of 2 MiB or more");
	if ((a - off) & (SZ_2M - 1)) {
		printf("regvisor: guest: error: arm64 Image at 0x%llx: must lie text_offset 0x%llx "
		       "above a 2 MiB boundary (e.g. at 0x%llx)\n", (unsigned long long)a,
		       (unsigned long long)off,
		       (unsigned long long)(((a + SZ_2M - 1) & ~(SZ_2M - 1)) + off));
		board_poweroff(EXIT_GUEST_IMAGE);
	}
	gi.end = a + (size ? size : SZ_2M);
	if (!in_guest_ram(a, gi.end))
		guest_image_refuse("arm64 Image", a, gi.end, outside_why(a, gi.end));
}

static void guest_initrd_check(const struct rv_config *c)
{
	uint64_t s = c->initrd_size ? c->initrd_addr : board.initrd_start;
	uint64_t e = c->initrd_size ? c->initrd_addr + c->initrd_size : board.initrd_end;

	if (!e)
		return;
	if (!in_guest_ram(s, e))
		guest_image_refuse("initrd", s, e, outside_why(s, e));
	if (ranges_overlap(s, e, gi.addr, gi.end))
		guest_image_refuse("initrd", s, e, "overlaps the guest image");
	if (ranges_overlap(s, e, gi.dtb, gi.dtb + GUEST_DTB_MAX))
		guest_image_refuse("initrd", s, e, "overlaps the guest DTB at the top of guest RAM");
	gi.initrd_start = s;
	gi.initrd_end = e;
}

/*
 * The guest's device tree, from the boot DTB's copy: its RAM, its command
 * line and initrd, its vCPUs, PSCI by HVC. Rebuilt on every guest reset.
 */
static bool guest_dtb_make(void)
{
	static uint64_t mpidr[RV_MAX_CPUS];
	struct guest_dtb_cfg cfg = {
		.ram_base = GUEST_BASE,
		.ram_size = guest_ram_end - GUEST_BASE,
		.initrd_start = gi.initrd_start,
		.initrd_end = gi.initrd_end,
		.bootargs = gi.args ? gi.args : "",
		.ncpus = vm.nvcpus,
		.mpidr = mpidr,
		.uart_base = board.uart_base,
	};
	const char *why = "no boot DTB";
	int err = -1;

	for (unsigned int i = 0; i < vm.nvcpus; i++)
		mpidr[i] = vm.vcpu[i].vmpidr & MPIDR_AFF;
	if (board.dtb)
		err = guest_dtb_build((void *)(uintptr_t)gi.dtb, GUEST_DTB_MAX, board.dtb, &cfg, &why);
	if (err) {
		printf("regvisor: guest: error: cannot build the guest DTB: %s\n", why);
		return false;
	}
	cpu_clean_to_poc(gi.dtb, GUEST_DTB_MAX);
	if (guest_dtb_dump)
		guest_dtb_print((const void *)(uintptr_t)gi.dtb);
	return true;
}

/*
 * One vCPU per physical CPU the DTB lists, the boot CPU first; the guest
 * sees them as MPIDR Aff0 = 0, 1, 2... With no PSCI below us to start the
 * others, or a boot CPU the DTB does not list, the guest gets one.
 */
static void vm_init_vcpus(void)
{
	uint64_t boot = cpu_mpidr() & MPIDR_AFF;
	unsigned int n = 1;
	bool listed = false;

	for (unsigned int i = 0; i < board.ncpus; i++)
		listed |= (board.cpu_mpidr[i] & MPIDR_AFF) == boot;
	vm.vcpu[0].hw_mpidr = boot;
	if (board.psci != PSCI_CONDUIT_NONE && listed)
		for (unsigned int i = 0; i < board.ncpus && n < RV_MAX_CPUS; i++)
			if ((board.cpu_mpidr[i] & MPIDR_AFF) != boot)
				vm.vcpu[n++].hw_mpidr = board.cpu_mpidr[i] & MPIDR_AFF;
	vm.nvcpus = n;
	if (n > 1)
		console_lock_enable();
	for (unsigned int i = 0; i < RV_MAX_CPUS; i++) {
		struct vcpu *v = &vm.vcpu[i];
		uintptr_t stacks = (uintptr_t)pcpu_stacks + i * (uintptr_t)PCPU_STACKS_SIZE;

		v->index = i;
		v->vmpidr = MPIDR_RES1 | i;
		v->vgic.sgi_target = vgic_sgi_target(v->vmpidr);
		v->sgi_others = ~(v->vgic.sgi_target & 0xffff);	/* its own list bit out */
		vcpu_set_power(v, i ? VCPU_OFF : VCPU_ON);
		v->crash_stack_top = stacks + PCPU_CRASH_TOP;
		v->el2_stack_top = stacks + PCPU_EL2_TOP;
		/* Where its first ERET's frame goes (a load may fill it before it starts). */
		v->frame = (struct el2_frame *)(uintptr_t)(v->el2_stack_top - FRAME_SIZE);
		v->sr.ctx_in_memory = i != 0;	/* no CPU holds an off vCPU's registers */
	}
	printf("regvisor: guest: %u vCPU%s on CPUs", n, n == 1 ? "" : "s");
	for (unsigned int i = 0; i < n; i++)
		printf(" 0x%llx", (unsigned long long)vm.vcpu[i].hw_mpidr);
	if (board.psci == PSCI_CONDUIT_NONE && board.ncpus > 1)
		printf(" (no PSCI below to start the other %u)", board.ncpus - 1);
	else if (!listed && board.ncpus)
		printf(" (the DTB does not list the boot CPU)");
	else if (board.cpus_truncated)
		printf(" (the DTB lists more; %u at most)", RV_MAX_CPUS);
	printf("\n");
}

/* Started by an upgrade: the guest as the old firmware found it; nothing of it is checked again. */
static void guest_take_over(const struct handover_guest *hg)
{
	gi.addr = hg->image_addr;
	gi.end = hg->image_end;
	gi.entry = vm.entry = hg->entry;
	gi.is_image = hg->is_image != 0;
	gi.initrd_start = hg->initrd_start;
	gi.initrd_end = hg->initrd_end;
	gi.dtb = hg->dtb;
	gi.args = board.guest_args;
	vm.reported_status = (int)hg->reported_status;
	printf("regvisor: guest: taken over as it runs (image at 0x%llx, dtb at 0x%llx): nothing "
	       "it owns is reset\n", (unsigned long long)gi.addr, (unsigned long long)gi.dtb);
}

void guest_handover_save(struct handover_guest *hg)
{
	hg->image_addr = gi.addr;
	hg->image_end = gi.end;
	hg->entry = vm.entry;
	hg->entry_x1 = vm.entry_x1;
	hg->is_image = gi.is_image;
	hg->initrd_start = gi.initrd_start;
	hg->initrd_end = gi.initrd_end;
	hg->dtb = gi.dtb;
	hg->reported_status = (uint32_t)vm.reported_status;
}

void guest_configure(const struct rv_config *c, const struct handover *h)
{
	uint64_t ram_end = board.ram_base + board.ram_size;

	if (ram_end > BOARD_MAPPED_LIMIT)
		ram_end = BOARD_MAPPED_LIMIT;
	guest_ram_end = ram_end & ~(SZ_2M - 1);
	vm_init_vcpus();
	if (vgic_init()) {
		printf("regvisor: gic: GICv3 distributor 0x%llx, redistributors 0x%llx; the guest's "
		       "interrupts through the virtual CPU interface, its console emulated\n",
		       (unsigned long long)board.gicd_base, (unsigned long long)board.gicr_base);
		vgic_claim_spi(board.uart_intid);
		vuart_init(board.uart_base, board.uart_intid, c->breakin);
		if (h) {	/* the guest's interrupts and console as the old firmware left them */
			vgic_handover_restore(h);
			vuart_handover_restore(&h->vuart);
		}
	} else {
		printf("regvisor: gic: no GICv3 found: the guest gets no interrupts, its console "
		       "passed through\n");
	}
	if (!stage2_init(GUEST_BASE, ram_end, vgic_present() ? 0 : board.uart_base))
		printf("regvisor: warning: console at 0x%llx is not a page below 1 GiB; the guest "
		       "gets no console\n", (unsigned long long)board.uart_base);
	sysreg_vcpu_reset(&vm.vcpu[0].sr, c->cpu_version, c->world_version);
	vm.vcpu[0].sr.val[SYSREG_MPIDR_EL1] = vm.vcpu[0].vmpidr;
	vm.reported_status = -1;
	guest_dtb_dump = c->dump_dtb;
	if (h) {
		guest_take_over(&h->guest);
		return;
	}

	guest_image_check(c);
	gi.dtb = guest_ram_end - GUEST_DTB_MAX;
	if (ranges_overlap(gi.addr, gi.end, gi.dtb, guest_ram_end))
		guest_image_refuse(gi.is_image ? "arm64 Image" : "guest image", gi.addr, gi.end,
				   "overlaps the guest DTB at the top of guest RAM");
	guest_initrd_check(c);
	gi.args = board.guest_args;
	vm.entry = gi.entry;
	printf("regvisor: guest: %s at 0x%llx", gi.is_image ? "arm64 Image" : "raw binary",
	       (unsigned long long)gi.addr);
	if (gi.is_image)
		printf(" (0x%llx bytes)", (unsigned long long)(gi.end - gi.addr));
	if (gi.initrd_end)
		printf(", initrd 0x%llx..0x%llx", (unsigned long long)gi.initrd_start,
		       (unsigned long long)gi.initrd_end);
	printf(", dtb at 0x%llx, command line \"%s\"\n", (unsigned long long)gi.dtb,
	       gi.args ? gi.args : "");
}

/*
 * The guest's ID view after any change to it: MIDR and MPIDR through
 * VPIDR_EL2/VMPIDR_EL2, the trapped ones through the fast path's table.
 */
static uint64_t guest_cnthctl(const struct vcpu *v)
{
	return v->sr.world_version >= 3 ? CNTHCTL_EL2_TRAPPED : CNTHCTL_EL2_LIVE;
}

/*
 * HCR_EL2: pointer authentication's keys and instructions are the guest's
 * when its ID view shows the feature; from world 3 a view without it traps
 * both (the keys are UNDEF, el2/sysreg_trap.c), as older worlds did not.
 */
static uint64_t guest_hcr(const struct vcpu *v)
{
	uint64_t hcr = HCR_GUEST | (vgic_present() ? HCR_IMO | HCR_FMO : 0);

	if (v->sr.world_version < 3 || sysreg_pauth_in_view(&v->sr))
		hcr |= HCR_APK | HCR_API;
	return hcr;
}

void guest_apply_id_view(struct vcpu *v)
{
	el2_vector_sync(v);
	vcpu_hw_id_view(v->sr.val[SYSREG_MIDR_EL1], v->sr.val[SYSREG_MPIDR_EL1],
			guest_cnthctl(v), guest_hcr(v));
}

static void guest_el2_controls(struct vcpu *v)
{
	struct el2_controls c = {
		.vttbr = stage2_vttbr(),
		.vtcr = stage2_vtcr(),
		.cptr = CPTR_EL2_GUEST,
		.cnthctl = guest_cnthctl(v),
		.cntvoff = vm.cntvoff,
		.hcr = guest_hcr(v),
		.mdcr = pmu_mdcr_for_guest(vm.guest_pmu),
	};

	vcpu_hw_controls(&c);
	vcpu_hw_hcrx_clear();
	vgic_cpu_init(v);
	guest_apply_id_view(v);
}

/*
 * A vCPU out of reset (Arm's CPU_ON and SYSTEM_RESET both promise one):
 * its registers at their reset values, in the CPU model, world and hidden
 * set of model; what the firmware configured (service bitmaps) kept.
 */
void vcpu_reset_regs(struct vcpu *v, const struct vcpu_sysregs *model)
{
	struct vcpu_sysregs keep = *model;

	sysreg_vcpu_reset(&v->sr, keep.cpu_version, keep.world_version);
	v->sr.hidden = keep.hidden;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls == FWR && !(sysreg_table[i].flags & GUEST_SET))
			v->sr.val[i] = keep.val[i];
	v->sr.val[SYSREG_MPIDR_EL1] = v->vmpidr;
}

/* A fresh frame at the top of this vCPU's EL2 trap stack, ready for the first ERET (memory only). */
struct el2_frame *guest_frame_reset(struct vcpu *v, uint64_t pc, uint64_t x0, uint64_t x1)
{
	struct el2_frame *f = (struct el2_frame *)(uintptr_t)(v->el2_stack_top - FRAME_SIZE);

	memset(f, 0, sizeof(*f));
	f->elr = pc;
	f->x[0] = x0;		/* arm64 boot protocol: x0 = DTB, x1..x3 = 0; CPU_ON: context */
	f->x[1] = x1;		/* 0 unless regvisor.guestarg (test guests) */
	f->spsr = SPSR_EL1H_MASKED;
	memset(&v->fp, 0, sizeof(v->fp));
	v->frame = f;
	return f;
}

/* The same on v's own CPU, its FP/SIMD registers reset too: the first ERET's. */
static struct el2_frame *guest_first_frame(struct vcpu *v, uint64_t pc, uint64_t x0, uint64_t x1)
{
	struct el2_frame *f = guest_frame_reset(v, pc, x0, x1);

	fpsimd_restore(&v->fp);
	fpsimd_guest_live(true);
	return f;
}

/* Every vCPU that is off, out of reset in memory in the boot vCPU's model. */
static void vm_reset_off_vcpus(void)
{
	for (unsigned int i = 1; i < vm.nvcpus; i++) {
		struct vcpu *t = &vm.vcpu[i];

		if (__atomic_load_n(&t->power, __ATOMIC_ACQUIRE) != VCPU_OFF)
			continue;
		t->sr.ctx_in_memory = true;
		vcpu_reset_regs(t, &vm.vcpu[0].sr);
		el2_vector_sync(t);
	}
}

/*
 * Before the first entry and on every reset: the guest's DTB, fresh, and
 * every vCPU that is off in the boot vCPU's model, out of reset in memory
 * (what a save of an off vCPU writes, what a load checks against).
 */
static void guest_prepare(void)
{
	if (!guest_dtb_make())
		board_poweroff(EXIT_GUEST_IMAGE);
	vm_reset_off_vcpus();
}

void guest_start(void)
{
	struct vcpu *v = &vm.vcpu[0];

	guest_prepare();
	guest_el2_controls(v);
	printf("regvisor: guest: entering EL1 at 0x%llx, cpu model v%u, world v%u\n",
	       (unsigned long long)vm.entry, v->sr.cpu_version, v->sr.world_version);
	el2_enter_guest(guest_first_frame(v, vm.entry, gi.dtb, vm.entry_x1));
}

void guest_start_incoming(void)
{
	struct vcpu *v = &vm.vcpu[0];
	struct el2_frame *f;

	guest_prepare();
	guest_el2_controls(v);
	f = guest_first_frame(v, vm.entry, gi.dtb, vm.entry_x1);
	vcpu_stop_all(v, STOP_FOR_INCOMING, "waiting for incoming guest state (regvisor.incoming=uart)");
	fpsimd_release();
	el2_enter_guest(f);
}

/*
 * Started by an upgrade (el2/upgrade.c): the boot vCPU's EL2 controls (its
 * list registers put back, not cleared), then the import of the blob the
 * old firmware left, as a `load` does it; the other vCPUs start on their
 * CPUs with the loaded state as the guest goes on.
 */
void guest_start_handover(void)
{
	struct vcpu *v = &vm.vcpu[0];
	struct el2_frame *f;

	vm_reset_off_vcpus();	/* the others start from the blob, off until then */
	guest_el2_controls(v);
	f = guest_first_frame(v, vm.entry, gi.dtb, vm.entry_x1);
	vcpu_stop_all(v, STOP_FOR_HANDOVER, NULL);
	upgrade_report();
	fpsimd_release();
	el2_enter_guest(f);
}

struct vcpu *vcpu_by_mpidr(uint64_t mpidr)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		if (((vm.vcpu[i].vmpidr ^ mpidr) & MPIDR_AFF) == 0)
			return &vm.vcpu[i];
	return NULL;
}

/*
 * A CPU that regvisor's CPU_ON started: the vCPU out of reset, at its
 * entry; or, after a load turned it on, with the loaded state.
 */
void guest_start_secondary(unsigned int index)
{
	struct vcpu *v = &vm.vcpu[index];
	bool loaded = v->loaded;

	vcpu_set_current(v);
	if (__atomic_load_n(&vm.stop_request, __ATOMIC_ACQUIRE))
		vcpu_stop(v);	/* a reset came while it was on its way up */
	if (!loaded) {
		struct vcpu_sysregs model = vm.vcpu[0].sr;

		v->sr.ctx_in_memory = false;
		vcpu_reset_regs(v, &model);
		guest_first_frame(v, v->on_entry, v->on_x0, v->on_x1);
	}
	guest_el2_controls(v);
	if (loaded) {
		vcpu_state_to_cpu(v);
		fpsimd_guest_live(true);
		v->fp_saved = true;	/* the loaded v->fp goes into the CPU below */
	}
	spin_lock(&vm.lock);
	vcpu_set_power(v, VCPU_ON);
	spin_unlock(&vm.lock);
	/*
	 * A reset or a monitor stop that began while it was ON_PENDING did not
	 * kick it: it looks now (ON is stored first, each stopper stores its
	 * flag before it reads power, so one of the two sees the other).
	 */
	if (__atomic_load_n(&vm.stop_request, __ATOMIC_SEQ_CST))
		vcpu_stop(v);
	if (__atomic_load_n(&vm.pause, __ATOMIC_SEQ_CST))
		vcpu_park(v);
	printf("regvisor: guest: vCPU %u on (CPU 0x%llx), entering EL1 at 0x%llx%s\n", index,
	       (unsigned long long)v->hw_mpidr, (unsigned long long)v->frame->elr,
	       loaded ? " with the loaded state" : "");
	if (v->fp_saved)	/* printf used FP/SIMD: the guest's registers back */
		fpsimd_release();
	el2_enter_guest(v->frame);
}

/*
 * A vCPU's power state changes only here, under vm.lock (or before any
 * other CPU runs): the vector's list of vCPUs it sends SGIs to follows.
 */
void vcpu_set_power(struct vcpu *t, int power)
{
	__atomic_store_n(&t->power, power, __ATOMIC_SEQ_CST);
	vgic_sgi_on_update();
}

/*
 * Start t's physical CPU through the PSCI firmware below us. A CPU that
 * turned itself off a moment ago may still be on its way down: retry.
 */
int64_t vcpu_power_up(struct vcpu *t)
{
	int64_t r = PSCI_RET_NOT_SUPPORTED;

	/* It starts with its MMU off: what it reads first must be in memory. */
	cpu_clean_to_poc(t->el2_stack_top - PCPU_EL2_TOP, PCPU_STACKS_SIZE);
	for (unsigned int i = 0; i < CPU_ON_RETRIES; i++) {
		r = (int64_t)psci_call(board.psci, PSCI_FN_CPU_ON64, t->hw_mpidr,
				       (uint64_t)(uintptr_t)secondary_entry, t->index);
		if (r != PSCI_RET_ALREADY_ON && r != PSCI_RET_ON_PENDING)
			break;
	}
	return r;
}

int64_t vcpu_psci_cpu_on(struct vcpu *v, uint64_t target, uint64_t entry, uint64_t context)
{
	struct vcpu *t = vcpu_by_mpidr(target);
	int64_t r;

	(void)v;
	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	if (!guest_entry_valid(entry))
		return PSCI_RET_INVALID_ADDRESS;
	spin_lock(&vm.lock);
	if (t->power != VCPU_OFF) {
		r = t->power == VCPU_ON ? PSCI_RET_ALREADY_ON : PSCI_RET_ON_PENDING;
		spin_unlock(&vm.lock);
		return r;
	}
	t->on_entry = entry;
	t->on_x0 = context;
	t->on_x1 = 0;
	/*
	 * The guest's CPU_ON starts it from reset at entry, whatever a load
	 * left for it while it was off (a load starts its ON vCPUs itself).
	 */
	t->loaded = false;
	vcpu_set_power(t, VCPU_ON_PENDING);
	spin_unlock(&vm.lock);
	r = vcpu_power_up(t);
	if (r != PSCI_RET_SUCCESS) {
		printf("regvisor: guest: error: PSCI CPU_ON of CPU 0x%llx for vCPU %u returned %lld\n",
		       (unsigned long long)t->hw_mpidr, t->index, (long long)r);
		spin_lock(&vm.lock);
		vcpu_set_power(t, VCPU_OFF);
		spin_unlock(&vm.lock);
		return PSCI_RET_INTERNAL_FAILURE;
	}
	return PSCI_RET_SUCCESS;
}

/* This CPU off through the PSCI firmware below; the vCPU already OFF. */
static _Noreturn void vcpu_cpu_down(struct vcpu *v)
{
	int64_t r;

	/* An off vCPU's state is a reset one, in memory: CPU_ON starts it from reset. */
	v->sr.ctx_in_memory = true;
	vcpu_reset_regs(v, &vm.vcpu[0].sr);
	guest_frame_reset(v, 0, 0, 0);
	v->fp_live = false;
	v->loaded = false;
	vgic_cpu_off(v);
	r = (int64_t)psci_call(board.psci, PSCI_FN_CPU_OFF, 0, 0, 0);
	printf("regvisor: error: PSCI CPU_OFF on CPU 0x%llx returned %lld; parking it\n",
	       (unsigned long long)v->hw_mpidr, (long long)r);
	for (;;)
		cpu_wait_event();
}

void vcpu_psci_cpu_off(struct vcpu *v)
{
	bool last = true;

	spin_lock(&vm.lock);
	for (unsigned int i = 0; i < vm.nvcpus; i++)
		if (&vm.vcpu[i] != v && vm.vcpu[i].power != VCPU_OFF)
			last = false;
	if (last) {
		spin_unlock(&vm.lock);
		/* The only vCPU going off leaves nothing running: the system is off. */
		printf("regvisor: guest: PSCI CPU_OFF of the last vCPU\n");
		board_poweroff(vm.reported_status > 0 ? EXIT_GUEST_FAILED : EXIT_OK);
	}
	/* Said before it shows OFF, so a guest that waits for that prints after. */
	printf("regvisor: guest: vCPU %u off (PSCI CPU_OFF)\n", v->index);
	vcpu_set_power(v, VCPU_OFF);
	v->fp_live = false;
	spin_unlock(&vm.lock);
	vcpu_cpu_down(v);
}

void vcpu_stop(struct vcpu *v)
{
	spin_lock(&vm.lock);
	vcpu_set_power(v, VCPU_OFF);
	v->fp_live = false;
	spin_unlock(&vm.lock);
	vcpu_cpu_down(v);
}

/*
 * Another CPU's monitor wants this vCPU still: its registers saved where
 * the monitor can read them, it waits at EL2 until released, and goes on
 * with the virtual counter where the monitor left it.
 */
#define INSN_WFI	0xd503207fu

bool vcpu_stopped_in_wfi(const struct vcpu *v)
{
	uint64_t pa;

	/* An interrupt ends a WFI: it returns to the instruction after it. */
	if (!v->frame || !vcpu_hw_translate(v->frame->elr - 4, &pa) || !in_guest_ram(pa, pa + 4))
		return false;
	return *(const uint32_t *)(uintptr_t)pa == INSN_WFI;
}

/*
 * PSCI SYSTEM_RESET: every other vCPU stops (the firmware's SGI brings it
 * to EL2 whatever it does; without a GIC, at its next trap), then the guest starts
 * again on the boot vCPU from its image with a fresh DTB and registers: a
 * warm reset (guest memory is not reloaded, as no bootloader runs again).
 * Asked from another vCPU, that one hands the restart to the boot CPU.
 */
void guest_reset(struct vcpu *v)
{
	struct vcpu *boot = &vm.vcpu[0];
	bool waiting = true, said = false;

	printf("regvisor: guest: system reset (from vCPU %u)\n", v->index);
	__atomic_store_n(&vm.stop_request, 1, __ATOMIC_RELEASE);
	vcpu_kick_others(v);
	for (unsigned long spins = 0; waiting; spins++) {
		waiting = !vcpu_others_still(v, false);
		if (waiting)
			cpu_relax();
		if (waiting && !said && spins > 100000000) {
			printf("regvisor: guest: system reset: waiting for the other vCPUs to stop "
			       "(each stops at its next trap)\n");
			said = true;
		}
	}
	__atomic_store_n(&vm.stop_request, 0, __ATOMIC_RELEASE);
	if (v == boot) {
		vcpu_reset_regs(boot, &boot->sr);
		guest_start();
	}
	guest_prepare();	/* the boot CPU resets its own registers as it arrives */
	spin_lock(&vm.lock);
	boot->on_entry = vm.entry;
	boot->on_x0 = gi.dtb;
	boot->on_x1 = vm.entry_x1;
	vcpu_set_power(boot, VCPU_ON_PENDING);
	vcpu_set_power(v, VCPU_OFF);
	v->fp_live = false;
	spin_unlock(&vm.lock);
	if (vcpu_power_up(boot) != PSCI_RET_SUCCESS) {
		printf("regvisor: guest: error: cannot start the boot CPU again\n");
		board_poweroff(EXIT_CRASH);
	}
	vcpu_cpu_down(v);
}
