/*
 * Host tests of the GIC device entries' rules (vmstate/gic.c): which bits
 * are the guest's, and every check an import makes of a distributor
 * register, a redistributor register and a virtual interrupt in flight.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmstate/gic.h"

#define CONSOLE	33

static struct vmstate st;
static struct vmstate_gic_rules rules;

/* Two vCPUs, 0 on and 1 off; a distributor of 288 INTIDs, 4 list registers. */
static int setup(void **state)
{
	(void)state;
	memset(&st, 0, sizeof(st));
	st.nvcpus = 2;
	st.vcpu[0].power = VMSTATE_POWER_ON;
	st.vcpu[1].power = VMSTATE_POWER_OFF;
	rules = (struct vmstate_gic_rules){ .nintids = 288, .nvcpus = 2, .nr_lrs = 4,
					    .console_spi = CONSOLE, .s = &st };
	return 0;
}

static const char *check(unsigned int owner, uint64_t id, uint64_t value)
{
	struct vmstate_entry e = { .id = id, .value = value };

	return vmstate_gic_check(&rules, owner, &e);
}

#define GICD(off)	(VMSTATE_DEV_GICD | (off))
#define GICR(off)	(VMSTATE_DEV_GICR_SGI | (off))
#define IRQ(n)		(VMSTATE_DEV_GIC_IRQ | (n))
#define VM		VMSTATE_OWNER_VM
#define LR(st, hw, prio, n)	((st) | VMSTATE_GIC_LR_GROUP1 | ((uint64_t)(prio) << 48) | (n) | \
				 ((hw) ? VMSTATE_GIC_LR_HW | (uint64_t)(n) << 32 : 0))
#define PEND	VMSTATE_GIC_LR_PENDING
#define ACT	VMSTATE_GIC_LR_ACTIVE

static const struct vmstate_gic_block *block(uint32_t base)
{
	for (unsigned int i = 0; i < vmstate_gic_nblocks; i++)
		if (vmstate_gic_blocks[i].base == base)
			return &vmstate_gic_blocks[i];
	fail();
	return NULL;
}

static void masks_leave_out_what_the_firmware_keeps(void **state)
{
	(void)state;
	/* SGI 15, PPI 25 out; the timers' pending bits out; the console SPI's pending out. */
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ISENABLER), 0, CONSOLE),
			 UINT32_MAX & ~(UINT32_C(1) << 15 | UINT32_C(1) << 25));
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ISPENDR), 0, CONSOLE),
			 UINT32_MAX & ~(UINT32_C(1) << 15 | UINT32_C(1) << 25 | UINT32_C(0x1f) << 26));
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ISPENDR), 32, CONSOLE),
			 UINT32_MAX & ~(UINT32_C(1) << 1));
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ISENABLER), 32, CONSOLE), UINT32_MAX);
	/* Priorities: the console's byte is the guest's (kept aside), SGI 15's is not. */
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_IPRIORITYR), 32, CONSOLE), UINT32_MAX);
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_IPRIORITYR), 12, CONSOLE),
			 UINT32_C(0x00ffffff));
	/* ICFGR: SGIs fixed, Int_config[1] only, PPI 25 out. */
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ICFGR), 0, CONSOLE), 0);
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ICFGR), 16, CONSOLE),
			 UINT32_C(0xaaaaaaaa) & ~(UINT32_C(2) << 18));
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_IROUTER), 32, CONSOLE), 0);
	/* Beyond INTID 1019 nothing. */
	assert_int_equal(vmstate_gic_word_mask(block(VMSTATE_GIC_ISENABLER), 1012, 0), 0xff);
}

static void distributor_entries(void **state)
{
	(void)state;
	assert_null(check(VM, GICD(0), 2));
	assert_non_null(check(VM, GICD(0), 0x12));			/* ARE is the firmware's */
	assert_null(check(VM, GICD(0x84), 0x700));
	assert_non_null(check(VM, GICD(0x84), 0x702));			/* the console's group */
	assert_null(check(VM, GICD(0x104), 0x502));			/* ... its enable is the guest's */
	assert_non_null(check(VM, GICD(0x204), 0x2));			/* ... its pending is not */
	assert_null(check(VM, GICD(0x420), 0x7000));
	assert_non_null(check(VM, GICD(0x80), 1));			/* SGIs: the redistributor's */
	assert_non_null(check(VM, GICD(0x80 + 36), 1));		/* INTID 288: not here */
	assert_null(check(VM, GICD(0x80 + 32), 1));
	assert_non_null(check(VM, GICD(0x84), UINT64_C(1) << 32));	/* a 32-bit register */
	assert_null(check(VM, GICD(0xc08), 0x200000));
	assert_non_null(check(VM, GICD(0xc08), 0x100000));		/* Int_config[0]: RES0 */
	assert_non_null(check(VM, GICD(0x8), 1));			/* IIDR: not the guest's */
	assert_non_null(check(VM, GICD(0x106), 1));			/* unaligned */
	assert_null(check(VM, GICD(0x6000 + 40 * 8), 1));		/* vCPU 1 */
	assert_null(check(VM, GICD(0x6000 + 33 * 8), UINT64_C(0x80000000)));
	assert_non_null(check(VM, GICD(0x6000 + 40 * 8), 2));		/* no vCPU 2 */
	assert_non_null(check(VM, GICD(0x6000 + 40 * 8), UINT64_C(1) << 8));
	assert_non_null(check(VM, GICD(0x6000 + 40 * 8), UINT64_C(1) << 40));
	assert_non_null(check(VM, GICD(0x6000 + 31 * 8), 0));		/* a PPI has no IROUTER */
	assert_non_null(check(VM, GICD(0x6004 + 40 * 8), 0));
	assert_non_null(check(VM, GICR(0x100), 1));			/* the VM has no redistributor */
	assert_non_null(check(VM, IRQ(40), LR(PEND, false, 0, 40)));
}

static void redistributor_entries(void **state)
{
	(void)state;
	assert_null(check(0, GICR(0x80), 0xfdff7fff));
	assert_non_null(check(0, GICR(0x80), 0xffffffff));		/* 15 and 25 */
	assert_null(check(0, GICR(0x100), 0x08000008));
	assert_non_null(check(0, GICR(0x100), UINT32_C(1) << 25));
	assert_null(check(0, GICR(0x200), UINT32_C(1) << 20));
	assert_non_null(check(0, GICR(0x200), UINT32_C(1) << 27));	/* the timer's line */
	assert_null(check(1, GICR(0x300), UINT32_C(1) << 27));	/* an off vCPU's too */
	assert_null(check(0, GICR(0x418), 0x20000000));
	assert_non_null(check(0, GICR(0x40c), 0xff000000));		/* SGI 15's priority */
	assert_non_null(check(0, GICR(0x420), 1));			/* INTID 32: the distributor's */
	assert_non_null(check(0, GICR(0xc00), 0xaaaaaaaa));		/* SGIs' ICFGR: fixed */
	assert_null(check(0, GICR(0xc04), 0x200));
	assert_non_null(check(0, GICR(0x84), 1));			/* IGROUPR1: SPIs */
	assert_non_null(check(0, GICR(0x6000), 0));
	assert_non_null(check(0, GICD(0x100), 1));
	assert_non_null(check(2, GICR(0x100), 1));			/* no such vCPU */
}

/* vCPU 0's redistributor has PPI 27 active; the distributor SPI 40. */
static void physical_active_27_and_40(void)
{
	st.vcpu[0].dev[0] = (struct vmstate_entry){ GICR(0x300), UINT32_C(1) << 27, false };
	st.vcpu[0].ndev = 1;
	st.dev[0] = (struct vmstate_entry){ GICD(0x304), UINT32_C(1) << 8, false };
	st.ndev = 1;
}

static void interrupts_in_flight(void **state)
{
	(void)state;
	assert_null(check(0, IRQ(3), LR(PEND, false, 0x30, 3)));
	assert_null(check(0, IRQ(3), LR(PEND | ACT, false, 0x30, 3)));
	assert_non_null(check(0, IRQ(3), LR(PEND, true, 0x30, 3)));	/* an SGI is never linked */
	assert_non_null(check(0, IRQ(15), LR(PEND, false, 0, 15)));
	assert_non_null(check(0, IRQ(25), LR(PEND, false, 0, 25)));
	assert_non_null(check(0, IRQ(288), LR(PEND, false, 0, 288)));
	assert_non_null(check(0, IRQ(3), LR(0, false, 0x30, 3)));	/* neither pending nor active */
	assert_non_null(check(0, IRQ(3), LR(PEND, false, 0x30, 4)));	/* vINTID not the id's */
	assert_non_null(check(0, IRQ(3), LR(PEND, false, 0x30, 3) & ~VMSTATE_GIC_LR_GROUP1));
	assert_non_null(check(0, IRQ(3), LR(PEND, false, 0x30, 3) | UINT64_C(1) << 56));
	assert_non_null(check(1, IRQ(3), LR(PEND, false, 0x30, 3)));	/* vCPU 1 is off */
	/* The EOI maintenance bit: the console's only; no pINTID bits when not linked. */
	assert_null(check(0, IRQ(CONSOLE), LR(PEND, false, 0, CONSOLE) | VMSTATE_GIC_LR_EOI));
	assert_non_null(check(0, IRQ(40), LR(PEND, false, 0, 40) | VMSTATE_GIC_LR_EOI));
	assert_non_null(check(0, IRQ(40), LR(PEND, false, 0, 40) | UINT64_C(40) << 32));
	assert_non_null(check(0, IRQ(CONSOLE), LR(PEND, true, 0, CONSOLE)));
}

static void hardware_link_needs_the_physical_interrupt_active(void **state)
{
	const char *why;

	(void)state;
	why = check(0, IRQ(27), LR(ACT, true, 0x20, 27));
	assert_non_null(why);
	assert_non_null(strstr(why, "not active"));
	assert_non_null(check(0, IRQ(40), LR(PEND, true, 0xa0, 40)));
	physical_active_27_and_40();
	assert_null(check(0, IRQ(27), LR(ACT, true, 0x20, 27)));
	assert_null(check(0, IRQ(40), LR(PEND, true, 0xa0, 40)));
	assert_non_null(check(0, IRQ(41), LR(PEND, true, 0xa0, 41)));
	/* Linked to another physical INTID. */
	assert_non_null(check(0, IRQ(27), (LR(ACT, true, 0x20, 27) & ~VMSTATE_GIC_LR_PINTID_MASK) |
			      UINT64_C(30) << 32));
}

static void no_more_active_than_list_registers(void **state)
{
	(void)state;
	for (unsigned int k = 0; k < 5; k++)
		st.vcpu[0].dev[k] = (struct vmstate_entry){ IRQ(1 + k), LR(ACT, false, 0, 1 + k),
							    false };
	st.vcpu[0].dev[5] = (struct vmstate_entry){ IRQ(7), LR(PEND, false, 0, 7), false };
	st.vcpu[0].ndev = 6;
	for (unsigned int k = 0; k < 4; k++)
		assert_null(vmstate_gic_check(&rules, 0, &st.vcpu[0].dev[k]));
	assert_non_null(vmstate_gic_check(&rules, 0, &st.vcpu[0].dev[4]));
	assert_null(vmstate_gic_check(&rules, 0, &st.vcpu[0].dev[5]));	/* pending: the queue */
}

static void blocks_are_sorted(void **state)
{
	(void)state;
	for (unsigned int i = 1; i < vmstate_gic_nblocks; i++)
		assert_true(vmstate_gic_blocks[i - 1].base < vmstate_gic_blocks[i].base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(masks_leave_out_what_the_firmware_keeps, setup),
		cmocka_unit_test_setup(distributor_entries, setup),
		cmocka_unit_test_setup(redistributor_entries, setup),
		cmocka_unit_test_setup(interrupts_in_flight, setup),
		cmocka_unit_test_setup(hardware_link_needs_the_physical_interrupt_active, setup),
		cmocka_unit_test_setup(no_more_active_than_list_registers, setup),
		cmocka_unit_test_setup(blocks_are_sorted, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
