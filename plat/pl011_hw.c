/*
 * PL011 UART (Arm PrimeCell UART TRM DDI 0183): polled transmit and
 * receive. The line settings are left as the boot loader or QEMU set them,
 * but the FIFOs are turned on (LCR_H.FEN): with a one-character receive
 * holding register, QEMU 7.2 delivers input from a socket a byte per main
 * loop wake-up and a blob sent to the monitor could stall for seconds.
 */
#include "plat/console.h"

#define UARTDR		0x000
#define UARTFR		0x018
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIMSC	0x038
#define UARTINT_RX	(1u << 4)
#define UARTINT_RT	(1u << 6)
#define UARTFR_TXFF	(1u << 5)
#define UARTFR_RXFE	(1u << 4)
#define UARTLCR_H_FEN	(1u << 4)
#define UARTCR_UARTEN	(1u << 0)
#define UARTCR_TXE	(1u << 8)
#define UARTCR_RXE	(1u << 9)

static volatile uint32_t *pl011_reg(uint64_t base, unsigned int off)
{
	return (volatile uint32_t *)(uintptr_t)(base + off);
}

void pl011_init(uint64_t base)
{
	*pl011_reg(base, UARTLCR_H) |= UARTLCR_H_FEN;
	*pl011_reg(base, UARTCR) |= UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE;
}

void pl011_putc(uint64_t base, char c)
{
	while (*pl011_reg(base, UARTFR) & UARTFR_TXFF)
		;
	*pl011_reg(base, UARTDR) = (uint8_t)c;
}

void pl011_rx_irq_enable(uint64_t base)
{
	*pl011_reg(base, UARTIMSC) = UARTINT_RX | UARTINT_RT;
}

int pl011_getc(uint64_t base)
{
	if (*pl011_reg(base, UARTFR) & UARTFR_RXFE)
		return -1;
	return (int)(*pl011_reg(base, UARTDR) & 0xff);
}
