/*
 * stdout for picolibc's printf, written to the PL011. Until console_init()
 * runs, output goes to QEMU virt's UART, so that even the earliest failure
 * says something.
 */
#include <stdarg.h>
#include <stdio.h>

#include "boot/board.h"
#include "boot/console.h"
#include "el2/fpsimd.h"

static uint64_t console_base = VIRT_UART_BASE;

void console_init(uint64_t base)
{
	console_base = base;
	pl011_init(base);
}

void console_putc(char c)
{
	if (c == '\n')
		pl011_putc(console_base, '\r');
	pl011_putc(console_base, c);
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
 * first saves the guest's FP/SIMD registers (el2/fpsimd.h). These replace
 * the library's printf, puts and putchar at link time; the compiler may
 * turn a printf into either of the other two.
 */
int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	fpsimd_claim();
	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	fpsimd_claim();
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
