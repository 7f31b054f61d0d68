/*
 * stdout for picolibc's printf, written to the PL011. Until console_init()
 * runs, output goes to QEMU virt's UART, so that even the earliest failure
 * says something.
 */
#include <stdarg.h>
#include <stdio.h>

#include "plat/board.h"
#include "plat/console.h"
#include "plat/plat.h"
#include "vmstate/guestout.h"

static uint64_t console_base = VIRT_UART_BASE;

void console_init(uint64_t base)
{
	console_base = base;
	pl011_init(base);
}

/*
 * With several CPUs printing, a line is the unit: the first character
 * takes the console for this CPU, the newline gives it back, so lines
 * never interleave. A holder that never finishes its line (it crashed)
 * loses the console after CONSOLE_STEAL_SPINS tries. Off until a second
 * CPU can run: exclusives need the MMU on, and EL1 boots never get there.
 */
#define MPIDR_AFF_ALL		UINT64_C(0xff00ffffff)
#define CONSOLE_FREE		UINT64_MAX
#define CONSOLE_STEAL_SPINS	50000000ul
static bool console_smp;
static uint64_t console_holder = CONSOLE_FREE;

void console_lock_enable(void)
{
	console_smp = true;
}

static void console_take(void)
{
	uint64_t me = cpu_mpidr() & MPIDR_AFF_ALL;

	if (__atomic_load_n(&console_holder, __ATOMIC_RELAXED) == me)
		return;
	for (unsigned long spins = 0; ; spins++) {
		uint64_t free = CONSOLE_FREE;

		if (__atomic_compare_exchange_n(&console_holder, &free, me, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (spins == CONSOLE_STEAL_SPINS) {
			__atomic_store_n(&console_holder, me, __ATOMIC_RELAXED);
			return;
		}
	}
}

/*
 * The guest's output shares the UART: its lines pass a filter that makes
 * them unmistakable from the firmware's (vmstate/guestout.h), and a
 * firmware line always starts a line of its own.
 */
static struct guestout guest_out;
static bool fw_line_start = true;

static void uart_raw(char c)
{
	pl011_putc(console_base, c);
}

static void uart_line(char c)
{
	if (c == '\n')
		pl011_putc(console_base, '\r');
	pl011_putc(console_base, c);
}

void console_putc(char c)
{
	if (console_smp)
		console_take();
	if (fw_line_start)
		guestout_break(&guest_out, uart_line);
	uart_line(c);
	fw_line_start = c == '\n';
	if (console_smp && c == '\n')
		__atomic_store_n(&console_holder, CONSOLE_FREE, __ATOMIC_RELEASE);
}

void console_guest_putc(char c)
{
	if (console_smp)
		console_take();
	guestout_putc(&guest_out, c, uart_raw);
	/* A byte at a time: a guest line never holds the console from the firmware. */
	if (console_smp && fw_line_start)
		__atomic_store_n(&console_holder, CONSOLE_FREE, __ATOMIC_RELEASE);
}

int console_getc(void)
{
	return pl011_getc(console_base);
}

static int console_stdio_putc(char c, FILE *f)
{
	(void)f;
	console_putc(c);
	return (unsigned char)c;
}

static FILE console_file = FDEV_SETUP_STREAM(console_stdio_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

/*
 * picolibc's stdio is not built -mgeneral-regs-only, so every way into it
 * first calls the hook the hypervisor set (el2/fpsimd.h: it saves the
 * guest's FP/SIMD registers; boot/main.c sets it). These replace
 * the library's printf, puts and putchar at link time; the compiler may
 * turn a printf into either of the other two.
 */
static void (*stdio_hook)(void);

void console_set_stdio_hook(void (*hook)(void))
{
	stdio_hook = hook;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (stdio_hook)
		stdio_hook();
	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	if (stdio_hook)
		stdio_hook();
	while (*s)
		console_putc(*s++);
	console_putc('\n');
	return 0;
}

#undef putchar
int putchar(int c)
{
	console_putc((char)c);
	return (unsigned char)c;
}
