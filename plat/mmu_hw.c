/*
 * EL2 stage-1 translation (Arm ARM D8): an identity map of the low 4 GiB
 * with 4 KiB granules, starting at level 1 (TCR_EL2.T0SZ = 32).
 *
 *   0x00000000..0x3fffffff  device nGnRnE, execute-never (QEMU virt MMIO)
 *   0x40000000..0xffffffff  normal write-back RAM, execute-never
 *   firmware window (2 MiB at __fw_start), 4 KiB pages:
 *     text      read-only, executable
 *     rodata    read-only, execute-never
 *     data/bss/page tables/stacks  read-write, execute-never
 *
 * SCTLR_EL2.WXN also makes any writable page execute-never. The page below
 * each stack is left out, so an overflow is a crash report, not silent
 * damage to its neighbour.
 */
#include "plat/asm.h"
#include "plat/plat.h"
#include "plat/mmu.h"

extern char __fw_start[], __text_end[], __rodata_end[], __fw_end[];
extern char stack_guard_boot[], pcpu_stacks[];

static uint64_t l1[512] __attribute__((section(".pgtables"), aligned(4096)));
static uint64_t l2_ram[512] __attribute__((section(".pgtables"), aligned(4096)));
static uint64_t l3_fw[512] __attribute__((section(".pgtables"), aligned(4096)));

#define SZ_2M		UINT64_C(0x200000)
#define SZ_1G		UINT64_C(0x40000000)

static bool is_guard_page(uintptr_t va)
{
	uintptr_t off = va - (uintptr_t)pcpu_stacks;

	if (va == (uintptr_t)stack_guard_boot)
		return true;
	if (va < (uintptr_t)pcpu_stacks || off >= (uintptr_t)PCPU_STACKS_SIZE * RV_MAX_CPUS_ASM)
		return false;
	off %= PCPU_STACKS_SIZE;
	return off == PCPU_CRASH_GUARD || off == PCPU_EL2_GUARD;
}

static uint64_t fw_page_attrs(uintptr_t va)
{
	if (va < (uintptr_t)__text_end)
		return PTE_NORMAL | PTE_RO;
	if (va < (uintptr_t)__rodata_end)
		return PTE_NORMAL | PTE_RO | PTE_XN;
	return PTE_NORMAL | PTE_XN;
}

void mmu_init(void)
{
	uintptr_t fw = (uintptr_t)__fw_start, end = (uintptr_t)__fw_end, a;

	BUG_ON(fw & (SZ_2M - 1) || fw < SZ_1G || fw >= 2 * SZ_1G);

	for (unsigned int i = 0; i < 512; i++) {
		l1[i] = 0;
		l2_ram[i] = (SZ_1G + i * SZ_2M) | PTE_BLOCK | PTE_NORMAL | PTE_XN;
		l3_fw[i] = is_guard_page(fw + i * PAGE_SIZE) ? 0 :
			   (fw + i * PAGE_SIZE) | PTE_PAGE | fw_page_attrs(fw + i * PAGE_SIZE);
	}
	l2_ram[(fw - SZ_1G) / SZ_2M] = (uintptr_t)l3_fw | PTE_TABLE;
	l1[0] = 0 | PTE_BLOCK | PTE_DEVICE | PTE_XN;
	l1[1] = (uintptr_t)l2_ram | PTE_TABLE;
	l1[2] = 2 * SZ_1G | PTE_BLOCK | PTE_NORMAL | PTE_XN;
	l1[3] = 3 * SZ_1G | PTE_BLOCK | PTE_NORMAL | PTE_XN;

	/*
	 * Everything so far was written with the caches off, straight to
	 * memory: drop any stale line of the window (tables, data, stacks)
	 * before the walker and the CPU start looking through the caches.
	 */
	/* Four lines a step, then one: never past the window. */
	for (a = fw; end - a >= 256; a += 256)
		__asm__ volatile("dc ivac, %0\n dc ivac, %1\n dc ivac, %2\n dc ivac, %3"
				 : : "r"(a), "r"(a + 64), "r"(a + 128), "r"(a + 192) : "memory");
	for (; a < end; a += 64)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	mmu_enable();
}

/* This CPU's EL2 MMU on, with the tables mmu_init() built (every CPU). */
void mmu_enable(void)
{
	uint64_t mmfr0, tcr, sctlr;

	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	tcr = TCR_EL2_RES1 | (32u << TCR_T0SZ_SHIFT) | TCR_IRGN0_WBWA |
	      TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
	      ((mmfr0 & 0x7) << TCR_EL2_PS_SHIFT);

	__asm__ volatile(
		"dsb	ish\n"
		"msr	mair_el2, %0\n"
		"msr	tcr_el2, %1\n"
		"msr	ttbr0_el2, %2\n"
		"isb\n"
		"tlbi	alle2\n"
		"ic	iallu\n"
		"dsb	ish\n"
		"isb\n"
		: : "r"(MAIR_EL2_VALUE), "r"(tcr), "r"((uintptr_t)l1) : "memory");

	__asm__ volatile("mrs %0, sctlr_el2" : "=r"(sctlr));
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_WXN;
	__asm__ volatile("msr sctlr_el2, %0\n isb" : : "r"(sctlr) : "memory");
}
