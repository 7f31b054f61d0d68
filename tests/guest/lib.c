/* The test guest's console, calls and reports. Runs at EL1, MMU off. */
#include <stdarg.h>
#include <stddef.h>

#include "tests/guest/lib.h"

#define UARTDR		0x000
#define UARTFR		0x018
#define UARTFR_TXFF	(1u << 5)

static volatile uint32_t *uart;
static unsigned int passes, failures;
static bool quiet_passes;
volatile uint64_t last_esr;
bool (*volatile exception_hook)(uint64_t esr);
static volatile int exc_expected = -1, exc_taken;

void guest_console_init(uint64_t base)
{
	uart = (volatile uint32_t *)(uintptr_t)base;
}

static void gputc(char c)
{
	if (c == '\n')
		gputc('\r');
	while (uart[UARTFR / 4] & UARTFR_TXFF)
		;
	uart[UARTDR / 4] = (uint8_t)c;
}

static void gputs(const char *s)
{
	while (*s)
		gputc(*s++);
}

static void gput_num(uint64_t v, unsigned int base, int width, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		unsigned int d = (unsigned int)(v % base);

		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (neg)
		gputc('-');
	while (width-- > n)
		gputc('0');
	while (n)
		gputc(buf[--n]);
}

/* %s %c %d %u %x with an optional zero-pad width and l/ll. */
static void gvprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;

		if (*fmt != '%') {
			gputc(*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			gputs(va_arg(ap, const char *));
			break;
		case 'c':
			gputc((char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			gput_num(v < 0 ? (uint64_t)-v : (uint64_t)v, 10, width, v < 0);
			break;
		}
		case 'u':
			gput_num(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 10, width, false);
			break;
		case 'x':
			gput_num(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 16, width, false);
			break;
		case '%':
			gputc('%');
			break;
		default:
			gputc('?');
			break;
		}
	}
}

void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
}

#define SMCCC_CALL(insn)						\
	register uint64_t x0 __asm__("x0") = fid;			\
	register uint64_t x1 __asm__("x1") = a1;			\
	register uint64_t x2 __asm__("x2") = a2;			\
	register uint64_t x3 __asm__("x3") = a3;			\
	__asm__ volatile(insn " #0"					\
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)	\
			 :						\
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10",	\
			   "x11", "x12", "x13", "x14", "x15", "x16",	\
			   "x17", "memory");				\
	return (struct smccc_res){ x0, x1, x2, x3 }

struct smccc_res hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	SMCCC_CALL("hvc");
}

struct smccc_res smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	SMCCC_CALL("smc");
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	if (!pass || !quiet_passes) {
		gputs(pass ? "PASS: " : "FAIL: ");
		va_start(ap, fmt);
		gvprintf(fmt, ap);
		va_end(ap);
		gputc('\n');
	}
	if (pass)
		passes++;
	else
		failures++;
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	gputs("INFO: ");
	va_start(ap, fmt);
	gvprintf(fmt, ap);
	va_end(ap);
	gputc('\n');
}

unsigned int report_failures(void)
{
	return failures;
}

unsigned int report_passes(void)
{
	return passes;
}

void report_quiet(bool q)
{
	quiet_passes = q;
}

void report_reset(void)
{
	passes = failures = 0;
	exc_expected = -1;
}

#define RV_REPORT_STATUS	0x86000001
#define PSCI_SYSTEM_OFF		0x84000008

void report_exit(void)
{
	gprintf("SUMMARY: %u tests, %u unexpected failures\n", passes + failures, failures);
	gprintf("EXIT: STATUS=%u\n", failures ? 1u : 0u);
	hvc(RV_REPORT_STATUS, failures ? 1 : 0, 0, 0);
	smc(PSCI_SYSTEM_OFF, 0, 0, 0);
	gputs("FAIL: PSCI SYSTEM_OFF returned\n");
	for (;;)
		__asm__ volatile("wfi");
}

bool expect_exception(void (*fn)(void), unsigned int ec)
{
	exc_taken = 0;
	exc_expected = (int)ec;
	fn();
	exc_expected = -1;
	return exc_taken == 1;
}

bool expect_undef(void (*fn)(void))
{
	return expect_exception(fn, 0);
}

/* Called by every EL1 vector with the saved x0..x18, x30. */
void guest_exception(uint64_t *regs);
void guest_exception(uint64_t *regs)
{
	uint64_t esr = read_sysreg(esr_el1);
	uint64_t elr = read_sysreg(elr_el1);

	(void)regs;
	if (exception_hook && exception_hook(esr)) {
		write_sysreg(elr_el1, elr + 4);
		return;
	}
	last_esr = esr;
	if (exc_expected >= 0 && (esr >> 26) == (uint64_t)exc_expected) {
		exc_taken++;
		write_sysreg(elr_el1, elr + 4);
		return;
	}
	gprintf("FAIL: unexpected exception: esr 0x%lx elr 0x%lx far 0x%lx\n",
		esr, elr, read_sysreg(far_el1));
	failures++;
	report_exit();
}
