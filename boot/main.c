/*
 * Boot: MMU, board from the DTB, console, banner, configuration, guest.
 */
#include <libfdt.h>
#include <stdio.h>

#include "plat/console.h"
#include "boot/main.h"
#include "el2/bench.h"
#include "vmstate/crc32c.h"
#include "el2/smccc.h"
#include "plat/asm.h"
#include "el2/gic_hw.h"
#include "el2/vcpu.h"
#include "el2/vmstate_fw.h"
#include "el2/handover.h"
#include "el2/upgrade.h"
#include "sysreg/bootargs.h"

#ifndef RV_HIDE_DEFAULT
#define RV_HIDE_DEFAULT ""
#endif

static struct rv_config config;

static const char *const el_names[4] = { "EL0", "EL1", "EL2", "EL3" };

/*
 * The EL2 trap stack is painted before the guest first runs; the deepest
 * word no longer holding the paint is its high-water mark.
 */
#define STACK_PAINT	UINT64_C(0x57ac57ac57ac57ac)
extern char _start[];

/* The boot vCPU's trap stack, the one every test's traps run on. */
static uint64_t *el2_stack_top(void)
{
	return (uint64_t *)(uintptr_t)vm.vcpu[0].el2_stack_top;
}

static uint64_t *el2_stack_bottom(void)
{
	return (uint64_t *)((uintptr_t)el2_stack_top() - EL2_STACK_SIZE);
}

static void el2_stack_paint(void)
{
	for (uint64_t *p = el2_stack_bottom(); p < el2_stack_top(); p++)
		*p = STACK_PAINT;
}

static size_t el2_stack_used(void)
{
	uint64_t *p = el2_stack_bottom();

	while (p < el2_stack_top() && *p == STACK_PAINT)
		p++;
	return (size_t)((uintptr_t)el2_stack_top() - (uintptr_t)p);
}

/* Before the status line: what the run cost and whether anything was damaged. */
static void poweroff_report(void)
{
	if (!vm.vcpu[0].frame)
		return;
	printf("regvisor: stats: %llu checkpoint cycles, EL2 trap stack high-water %u of %u "
	       "bytes, state buffers %u bytes (static), image header %s\n",
	       (unsigned long long)vm.cycles, (unsigned int)el2_stack_used(),
	       EL2_STACK_SIZE, (unsigned int)vmstate_fw_buffer_bytes(),
	       *(const uint32_t *)((uintptr_t)_start + 0x38) == 0x644d5241 ? "intact" : "CHANGED");
	stats_print_summary();
}

static void banner(unsigned int entry_el)
{
	uint64_t midr = cpu_midr();
	unsigned int n[SYSREG_NR_CLASSES] = { 0 };

	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		n[sysreg_table[i].cls]++;

	printf("\nregvisor: version %d (%s)\n", FW_VERSION, RV_BUILD_ID);
	printf("regvisor: cpu midr 0x%08llx (implementer 0x%02llx part 0x%03llx)\n",
	       (unsigned long long)midr, (unsigned long long)(midr >> 24),
	       (unsigned long long)((midr >> 4) & 0xfff));
	printf("regvisor: running at %s (entered at %s), mmu on\n", el_names[cpu_current_el()],
	       el_names[entry_el & 3]);
	if (board.dtb)
		printf("regvisor: dtb at 0x%llx\n", (unsigned long long)(uintptr_t)board.dtb);
	else
		printf("regvisor: warning: no valid DTB (%s); using QEMU virt defaults\n",
		       fdt_strerror(board.dtb_error));
	printf("regvisor: memory 0x%llx..0x%llx (%s)\n", (unsigned long long)board.ram_base,
	       (unsigned long long)(board.ram_base + board.ram_size),
	       board.ram_from_dtb ? "dtb" : "default");
	printf("regvisor: console pl011 at 0x%llx (%s)\n", (unsigned long long)board.uart_base,
	       board.uart_from_dtb ? "dtb stdout-path" : "default");
	printf("regvisor: psci by %s\n", board.psci == PSCI_CONDUIT_SMC ? "smc" :
	       "none (power-off halts the CPU)");
	if (board.psci_hvc_ignored)
		printf("regvisor: warning: the DTB's PSCI method is hvc, which EL2 cannot use\n");
	printf("regvisor: bootargs \"%s\"%s\n", board.bootargs,
	       board.bootargs_truncated ? " (truncated)" : "");
	printf("regvisor: register table: %u registers, %u context, %u id, %u firmware\n",
	       (unsigned int)SYSREG_COUNT, n[CTX], n[ID], n[FWR]);
}

static void configure(const struct handover *h)
{
	config_defaults(&config);
	config_parse(&config, RV_HIDE_DEFAULT, "build");
	if (board.bootargs_truncated)
		printf("regvisor: bootargs: error: longer than %u bytes, the rest is ignored\n",
		       BOARD_BOOTARGS_MAX - 1);
	config_parse(&config, board.bootargs, "bootargs");
	config_finish(&config);

	guest_configure(&config, h);
	vm.vcpu[0].sr.hidden = config.hide;
	vm.entry_x1 = config.guestarg;
	vm.checkpoint_save = config.checkpoint_save;
	vm.checkpoint_cycle = config.checkpoint_cycle;
	vm.fault_monitor = config.fault_monitor;
	vm.load_timeout = config.load_timeout;
	vm.guest_pmu = config.bench;
	vm.traplog = config.traplog;
	vm.ntolerate = config.ntolerate;
	vm.tolerate = config.tolerate;
	/* What the guest's world does not have is never in its state either. */
	sysreg_mask_add_newer_than(&vm.vcpu[0].sr.hidden, config.world_version);
#if FW_VERSION >= 2
	vm.vcpu[0].sr.val[SYSREG_VENDOR_HYP_BMAP_2] = config.bmap2;
#endif
	for (unsigned int i = 0; i < SYSREG_COUNT && !h; i++)
		if (sysreg_table[i].cls == ID)
			printf("regvisor: id %-17s = 0x%016llx (hardware 0x%016llx)\n",
			       sysreg_table[i].name, (unsigned long long)vm.vcpu[0].sr.val[i],
			       (unsigned long long)(i == SYSREG_MPIDR_EL1 ? cpu_mpidr() :
						    sysreg_hw_read(i)));
	printf("regvisor: guest view: cpu model v%u, world v%u, %u registers hidden\n",
	       config.cpu_version, config.world_version,
	       sysreg_mask_count(&vm.vcpu[0].sr.hidden));
}

/* Recurse until the boot stack runs into its guard page (the limit is never reached). */
static unsigned int deliberate_stack_overflow(unsigned int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth > 1000000)
		return frame[0];
	return deliberate_stack_overflow(depth + 1) + frame[0];
}

static void deliberate_el2_fault(void)
{
	printf("regvisor: regvisor.fault=el2: reading unmapped address 0x100000000\n");
	(void)*(volatile uint64_t *)UINT64_C(0x100000000);
}

/* Entered at EL3 and the GIC would not give up its security (boot_at_el3). */
static bool el3_gic_secure;

void boot_main(const void *dtb, unsigned int entry_el, uint64_t handover)
{
	const struct handover *h;
	const char *why;

	mmu_init();
	h = handover_take(handover, &why);
	board_defaults(&board);
	board_from_fdt(&board, dtb);
	/* Started at EL3 ourselves: there is no PSCI firmware below us to call. */
	if (entry_el == 3)
		board.psci = PSCI_CONDUIT_NONE;
	if (entry_el == 3 && board.gicd_base && !gic_hw_security_disabled(board.gicd_base))
		el3_gic_secure = true;	/* said once the console is up */
	/* An HVC at EL2 would trap to EL2 itself: a DTB saying "hvc" means nothing here. */
	if (board.psci == PSCI_CONDUIT_HVC) {
		board.psci = PSCI_CONDUIT_NONE;
		board.psci_hvc_ignored = true;
	}
	console_init(board.uart_base);
	console_set_stdio_hook(fpsimd_claim);
	board_set_poweroff_report(poweroff_report);
	banner(entry_el);
	if (el3_gic_secure)
		printf("regvisor: warning: entered at EL3, but the GIC kept its security "
		       "(GICD_CTLR.DS would not set): the firmware's interrupts may never come\n");
	if (h)
		printf("regvisor: handover: from version %u, %u vCPU%s, a %u-byte blob: the guest's "
		       "memory, interrupts, timers and counter offset as they are\n",
		       h->from_version, h->nvcpus, h->nvcpus == 1 ? "" : "s",
		       (unsigned int)h->blob_len);
	else if (why)
		printf("regvisor: handover: error: x1 0x%llx at entry: %s; booting the guest from "
		       "its image\n", (unsigned long long)handover, why);
	if (!board_keep_dtb(&board)) {
		printf("regvisor: error: cannot keep a copy of the boot DTB (%s, %u bytes at most)\n",
		       fdt_strerror(board.dtb_error), BOARD_DTB_COPY_MAX);
		board_poweroff(EXIT_GUEST_IMAGE);
	}

	if (!sysreg_table_sorted())
		PANIC("register table not sorted by id");
	if (!sysreg_changes_valid())
		PANIC("a CHANGE line of sysregs.def names an ID row, its own version or a later one twice");
	if (!smccc_table_sorted())
		PANIC("hypercall table not sorted by id");
	if (!crc32c_agrees())	/* the blob's every check rests on it */
		PANIC("the CRC32C instructions and the table disagree");

	configure(h);
	el2_stack_paint();
	if (h)
		guest_start_handover();	/* nothing else first: the guest is stopped */
	if (config.fault_el2)
		deliberate_el2_fault();
	if (config.fault_stack) {
		printf("regvisor: regvisor.fault=stack: overflowing the boot stack\n");
		deliberate_stack_overflow(0);
	}
	if (config.bench && !bench_run_el2())
		board_poweroff(EXIT_BENCH);
	if (config.incoming)
		guest_start_incoming();
	guest_start();
}

/*
 * Started at EL3, before the drop to EL2 (boot/head.S), MMU off: what an
 * EL3 firmware would set up for a Non-secure hypervisor. ICC_SRE_EL3 lets
 * EL2 use the GIC's system registers, and the GICv3's security is
 * disabled (GICD_CTLR.DS, a Secure write: Arm IHI 0069, 12.9.4), so that
 * the firmware can make its interrupts (the maintenance PPI, its SGI, the
 * console's SPI) Group 1 and take them as IRQs. With no firmware below
 * there is no Secure world to keep. The board is found again at EL2 (its
 * BSS is cleared then).
 */
void boot_at_el3(const void *dtb)
{
	board_defaults(&board);
	board_from_fdt(&board, dtb);
	gic_hw_el3_open(board.gicd_base);
}

/* Started at EL1 or below: say so, power off. No MMU, no guest. */
void boot_without_el2(const void *dtb)
{
	board_defaults(&board);
	board_from_fdt(&board, dtb);
	/* EL1 gets PSCI from the hypervisor or VMM: the DTB says by which call. */
	console_init(board.uart_base);
	printf("\nregvisor: version %d (%s)\n", FW_VERSION, RV_BUILD_ID);
	printf("regvisor: FATAL: started at %s: this CPU gives regvisor no EL2 "
	       "(QEMU: add -M virt,virtualization=on)\n", el_names[cpu_current_el()]);
	board_poweroff(EXIT_NO_EL2);
}
