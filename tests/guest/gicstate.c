/*
 * The GIC state travels (regvisor.guestarg=0x800, tests/qemu/test_gicstate.py).
 *
 * vCPU 0 configures SPIs, PPIs and an SGI through its distributor and
 * redistributor, sends itself the SGI, makes two SPIs and a PPI pending
 * and lets the virtual timer fire; it takes the timer's interrupt
 * (acknowledged, not EOIed: active in a hardware-linked list register, the
 * SGI and an SPI still pending behind it), prints every register it reads
 * ("gicstate: before NAME = VALUE") and makes the checkpoint call. After
 * the load, on a fresh firmware, it prints the same registers ("gicstate:
 * after ...": the pytest compares both), then finishes every interrupt:
 * the timer EOIed fires again, then the SGI and the SPI arrive, the
 * pending ones arrive once enabled. Guest memory does not travel: nothing
 * after the checkpoint reads what was written before it.
 */
#include "tests/guest/regs.h"

#define GICD		UINT64_C(0x08000000)
#define GICR_SGI0	(UINT64_C(0x080a0000) + 0x10000)	/* vCPU 0's SGI frame */
#define SPI_LIVE	40	/* enabled, pending: in a list register, hardware-linked */
#define SPI_HELD	41	/* pending, disabled: waits in the distributor */
#define SPI_CONF	42	/* enabled, edge, routed to any vCPU */
#define CONSOLE_SPI	33	/* the firmware's: the guest's settings are kept aside */
#define PPI_HELD	20	/* pending, disabled, edge */
#define SGI_SELF	3
#define TIMER_PPI	27
#define SPURIOUS	1023

#define ICC_IAR1	"S3_0_C12_C12_0"
#define ICC_EOIR1	"S3_0_C12_C12_1"
#define ICC_HPPIR1	"S3_0_C12_C12_2"
#define ICC_BPR1	"S3_0_C12_C12_3"
#define ICC_CTLR	"S3_0_C12_C12_4"
#define ICC_IGRPEN1	"S3_0_C12_C12_7"
#define ICC_PMR		"S3_0_C4_C6_0"
#define ICC_RPR		"S3_0_C12_C11_3"
#define ICC_SGI1R	"S3_0_C12_C11_5"
#define ICC_AP1R0	"S3_0_C12_C9_0"

#define MRS(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " r : "=r"(__v) : : "memory"); __v; })
#define MSR(r, v) __asm__ volatile("msr " r ", %0\n isb" : : "r"((uint64_t)(v)) : "memory")

static void w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}

static uint32_t r32(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static void w64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)a = v;
}

static uint64_t r64(uint64_t a)
{
	return *(volatile uint64_t *)(uintptr_t)a;
}

#define BIT(n)	(UINT32_C(1) << ((n) % 32))

static void gic_configure(void)
{
	__asm__ volatile("msr daifset, #0xf" ::: "memory");
	w32(GICD + 0x000, 0x12);			/* CTLR: ARE, EnableGrp1 */
	w32(GICD + 0x080 + 4, BIT(SPI_LIVE) | BIT(SPI_HELD) | BIT(SPI_CONF));	/* IGROUPR1 */
	w32(GICD + 0x400 + 32, UINT32_C(0x7000));	/* IPRIORITYR: SPI 33 at 0x70 */
	w32(GICD + 0x400 + 40, UINT32_C(0x0060b0a0));	/* 40: 0xa0, 41: 0xb0, 42: 0x60 */
	w32(GICD + 0xc00 + 8, UINT32_C(1) << ((SPI_CONF - 32) * 2 + 1));	/* ICFGR2: 42 edge */
	w64(GICD + 0x6000 + SPI_CONF * 8, UINT64_C(0x80000000));	/* IRM: any vCPU */
	w64(GICD + 0x6000 + CONSOLE_SPI * 8, UINT64_C(0x80000000));
	w32(GICR_SGI0 + 0x080, UINT32_MAX);		/* IGROUPR0: group 1 */
	w32(GICR_SGI0 + 0x400, UINT32_C(0x30) << 24);	/* SGI 3 at 0x30 */
	w32(GICR_SGI0 + 0x414, UINT32_C(0x50));		/* PPI 20 at 0x50 */
	w32(GICR_SGI0 + 0x418, UINT32_C(0x20) << 24);	/* PPI 27 (timer) at 0x20 */
	w32(GICR_SGI0 + 0xc04, UINT32_C(1) << ((PPI_HELD - 16) * 2 + 1));	/* ICFGR1: 20 edge */
	w32(GICR_SGI0 + 0x200, BIT(PPI_HELD));		/* ISPENDR0 */
	w32(GICR_SGI0 + 0x100, BIT(SGI_SELF) | BIT(TIMER_PPI));	/* ISENABLER0 */
	w32(GICD + 0x200 + 4, BIT(SPI_LIVE) | BIT(SPI_HELD));	/* ISPENDR1 */
	w32(GICD + 0x100 + 4, BIT(SPI_LIVE) | BIT(SPI_CONF) | BIT(CONSOLE_SPI));	/* ISENABLER1 */
	MSR(ICC_PMR, 0xf0);
	MSR(ICC_BPR1, 3);
	MSR(ICC_IGRPEN1, 1);
	MSR(ICC_SGI1R, (UINT64_C(SGI_SELF) << 24) | 1);	/* to itself (Aff0 0) */
	write_sysreg(cntv_cval_el0, 0);
	write_sysreg(cntv_ctl_el0, 1);			/* enabled, unmasked: fires */
	__asm__ volatile("isb" ::: "memory");
}

/* Acknowledge (ICC_IAR1) until `want` comes or 2 s pass; what came last. */
static uint32_t ack_until(uint32_t want)
{
	uint64_t end = read_sysreg(cntvct_el0) + 2 * read_sysreg(cntfrq_el0);
	uint32_t got = SPURIOUS;

	while (read_sysreg(cntvct_el0) < end) {
		got = (uint32_t)MRS(ICC_IAR1) & 0xffffff;
		if (got != SPURIOUS)
			break;
	}
	(void)want;
	return got;
}

static void eoi(uint32_t intid)
{
	MSR(ICC_EOIR1, intid);
}

static void settle(void)
{
	uint64_t end = read_sysreg(cntvct_el0) + read_sysreg(cntfrq_el0) / 20;

	while (read_sysreg(cntvct_el0) < end)
		;
}

static void dump(const char *when)
{
	static const struct { const char *name; uint64_t addr; } mmio[] = {
		{ "GICD_CTLR", GICD }, { "GICD_IGROUPR1", GICD + 0x84 },
		{ "GICD_ISENABLER1", GICD + 0x104 }, { "GICD_ISPENDR1", GICD + 0x204 },
		{ "GICD_ISACTIVER1", GICD + 0x304 }, { "GICD_IPRIORITYR8", GICD + 0x420 },
		{ "GICD_IPRIORITYR10", GICD + 0x428 }, { "GICD_ICFGR2", GICD + 0xc08 },
		{ "GICR_IGROUPR0", GICR_SGI0 + 0x80 }, { "GICR_ISENABLER0", GICR_SGI0 + 0x100 },
		{ "GICR_ISPENDR0", GICR_SGI0 + 0x200 }, { "GICR_ISACTIVER0", GICR_SGI0 + 0x300 },
		{ "GICR_IPRIORITYR0", GICR_SGI0 + 0x400 }, { "GICR_IPRIORITYR5", GICR_SGI0 + 0x414 },
		{ "GICR_IPRIORITYR6", GICR_SGI0 + 0x418 }, { "GICR_ICFGR0", GICR_SGI0 + 0xc00 },
		{ "GICR_ICFGR1", GICR_SGI0 + 0xc04 },
	};
	static const uint32_t routes[] = { CONSOLE_SPI, SPI_LIVE, SPI_HELD, SPI_CONF };

	for (unsigned int i = 0; i < sizeof(mmio) / sizeof(mmio[0]); i++)
		gprintf("gicstate: %s %s = 0x%x\n", when, mmio[i].name, r32(mmio[i].addr));
	for (unsigned int i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		gprintf("gicstate: %s GICD_IROUTER%u = 0x%lx\n", when, routes[i],
			r64(GICD + 0x6000 + routes[i] * 8));
	gprintf("gicstate: %s ICC_PMR = 0x%lx\n", when, MRS(ICC_PMR));
	gprintf("gicstate: %s ICC_BPR1 = 0x%lx\n", when, MRS(ICC_BPR1));
	gprintf("gicstate: %s ICC_CTLR = 0x%lx\n", when, MRS(ICC_CTLR));
	gprintf("gicstate: %s ICC_IGRPEN1 = 0x%lx\n", when, MRS(ICC_IGRPEN1));
	gprintf("gicstate: %s ICC_AP1R0 = 0x%lx\n", when, MRS(ICC_AP1R0));
	gprintf("gicstate: %s ICC_RPR = 0x%lx\n", when, MRS(ICC_RPR));
	gprintf("gicstate: %s ICC_HPPIR1 = 0x%lx\n", when, MRS(ICC_HPPIR1));
}

void gicstate_after(uint64_t result);

static _Noreturn void gicstate_checkpoint(void)
{
	/* RV_CHECKPOINT; then gicstate_after(result) on a fresh stack. */
	__asm__ volatile("movz x0, #0x0002\n movk x0, #0x8600, lsl #16\n hvc #0\n"
			 "adrp x1, __stack_top\n add x1, x1, :lo12:__stack_top\n mov sp, x1\n"
			 "b gicstate_after" ::: "memory");
	__builtin_unreachable();
}

_Noreturn void test_gicstate(void)
{
	uint32_t got;

	gic_configure();
	settle();	/* the SGI, SPI 40 and the timer reach the list registers */
	got = ack_until(TIMER_PPI);
	report(got == TIMER_PPI, "gicstate: the timer's interrupt taken first (%u)", got);
	report(MRS(ICC_RPR) == 0x20, "gicstate: running at the timer's priority (0x%lx)", MRS(ICC_RPR));
	dump("before");
	gprintf("guest: gicstate: checkpoint\n");
	gicstate_checkpoint();
}

/* The next interrupt is want; EOIed. */
static void expect_next(uint32_t want, const char *what)
{
	uint32_t got = ack_until(want);

	report(got == want, "gicstate: %s (INTID %u, got %u)", what, want, got);
	if (got != SPURIOUS)
		eoi(got);
}

void gicstate_after(uint64_t result)
{
	uint32_t got;

	guest_console_init(read_sysreg(tpidr_el1));
	report_reset();
	gprintf("guest: gicstate: resumed after checkpoint\n");
	report(result == 0, "gicstate: the checkpoint call returned SUCCESS (0x%lx)", result);
	dump("after");
	report((r32(GICR_SGI0 + 0x300) & BIT(TIMER_PPI)) != 0,
	       "gicstate: the timer's PPI is active after the load");
	got = (uint32_t)MRS(ICC_IAR1) & 0xffffff;
	report(got == SPURIOUS, "gicstate: nothing above the running priority (got %u)", got);
	eoi(TIMER_PPI);
	got = ack_until(TIMER_PPI);
	report(got == TIMER_PPI, "gicstate: the timer EOIed fires again (got %u)", got);
	write_sysreg(cntv_ctl_el0, 0);
	__asm__ volatile("isb" ::: "memory");
	if (got != SPURIOUS)
		eoi(got);
	expect_next(SGI_SELF, "the SGI pending behind the timer arrives");
	expect_next(SPI_LIVE, "the hardware-linked SPI pending behind it arrives");
	report(!(r32(GICD + 0x304) & BIT(SPI_LIVE)),
	       "gicstate: its EOI deactivated the physical SPI");
	w32(GICD + 0x104, BIT(SPI_HELD));
	expect_next(SPI_HELD, "the SPI held pending in the distributor arrives once enabled");
	w32(GICR_SGI0 + 0x100, BIT(PPI_HELD));
	expect_next(PPI_HELD, "the PPI held pending in the redistributor arrives once enabled");
	got = (uint32_t)MRS(ICC_IAR1) & 0xffffff;
	report(got == SPURIOUS, "gicstate: nothing else pending (got %u)", got);
	report(MRS(ICC_RPR) == 0xff, "gicstate: idle priority again (0x%lx)", MRS(ICC_RPR));
	report_exit();
}
