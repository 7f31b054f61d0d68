/* The firmware's console: one PL011, picolibc's stdio on top. */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H

#include <stdint.h>

void pl011_init(uint64_t base);
void pl011_putc(uint64_t base, char c);
int pl011_getc(uint64_t base);		/* -1 when nothing is waiting */
void pl011_rx_irq_enable(uint64_t base);	/* interrupt on received data */

void console_init(uint64_t base);
void console_putc(char c);
/*
 * A byte of the guest's console output (el2/vuart.c): a guest line that
 * could read as a firmware line or frame line goes out with
 * GUESTOUT_PREFIX in front.
 */
void console_guest_putc(char c);
int console_getc(void);			/* -1 when nothing is waiting */
/* Several CPUs may print from now on: whole lines, never interleaved. */
void console_lock_enable(void);
/* Called before each entry into picolibc's stdio (which uses FP/SIMD registers). */
void console_set_stdio_hook(void (*hook)(void));

#endif
