/*
 * The guest's stage-2 map (Arm ARM D8.3, VMSAv8-64 stage 2): identity,
 * 4 KiB granule, 32-bit IPA starting at level 1. The guest sees its own
 * RAM (2 MiB blocks from guest_base up) and the console UART page; the
 * DTB, the firmware, its page tables and stacks lie below guest_base and
 * are left out, so a guest access there is a stage-2 abort at EL2.
 */
#include "plat/mmu.h"
#include "el2/vcpu.h"

static uint64_t s2_l1[512] __attribute__((section(".pgtables"), aligned(4096)));
static uint64_t s2_l2[4][512] __attribute__((section(".pgtables"), aligned(4096)));
static uint64_t s2_l3_uart[512] __attribute__((section(".pgtables"), aligned(4096)));

#define S2_MEMATTR_NORMAL_WB	(UINT64_C(0xf) << 2)
#define S2_MEMATTR_DEVICE_nGnRE	(UINT64_C(0x1) << 2)
#define S2_AP_RW		(UINT64_C(3) << 6)
#define S2_XN			(UINT64_C(2) << 53)
#define S2_NORMAL	(S2_MEMATTR_NORMAL_WB | S2_AP_RW | PTE_SH_INNER | PTE_AF)
#define S2_DEVICE	(S2_MEMATTR_DEVICE_nGnRE | S2_AP_RW | PTE_AF | S2_XN)

#define SZ_2M		UINT64_C(0x200000)
#define SZ_1G		UINT64_C(0x40000000)
#define IPA_LIMIT	(4 * SZ_1G)

bool stage2_init(uint64_t guest_base, uint64_t guest_end, uint64_t uart_base)
{
	bool uart_ok = !uart_base || (uart_base < SZ_1G && !(uart_base & (PAGE_SIZE - 1)));

	BUG_ON(guest_base & (SZ_2M - 1) || guest_end > IPA_LIMIT);

	for (unsigned int i = 0; i < 512; i++) {
		s2_l1[i] = 0;
		s2_l3_uart[i] = 0;
		for (unsigned int j = 0; j < 4; j++)
			s2_l2[j][i] = 0;
	}
	for (unsigned int j = 0; j < 4; j++)
		s2_l1[j] = (uintptr_t)s2_l2[j] | PTE_TABLE;

	for (uint64_t a = guest_base; a + SZ_2M <= guest_end; a += SZ_2M)
		s2_l2[a / SZ_1G][(a % SZ_1G) / SZ_2M] = a | PTE_BLOCK | S2_NORMAL;

	/* The console the DTB named, when the guest's map can hold it (below 1 GiB, a page). */
	if (uart_base && uart_ok) {
		s2_l3_uart[(uart_base % SZ_2M) / PAGE_SIZE] = uart_base | PTE_PAGE | S2_DEVICE;
		s2_l2[0][uart_base / SZ_2M] = (uintptr_t)s2_l3_uart | PTE_TABLE;
	}
	__asm__ volatile("dsb ishst" ::: "memory");
	return uart_ok;
}

uint64_t stage2_vttbr(void)
{
	return (uintptr_t)s2_l1;	/* VMID 0 */
}

uint64_t stage2_vtcr(void)
{
	uint64_t mmfr0;

	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	/* T0SZ 32, SL0 1 (start at level 1), WBWA inner shareable, 4K, PS. */
	return BIT64(31) | 32u | (UINT64_C(1) << 6) | (UINT64_C(1) << 8) |
	       (UINT64_C(1) << 10) | (UINT64_C(3) << 12) | ((mmfr0 & 7) << 16);
}
