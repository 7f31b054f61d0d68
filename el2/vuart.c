/*
 * The guest's PL011 (el2/vuart.h), emulated over the real one: every
 * guest access faults at stage 2 and lands here. Transmit is written
 * through at once (so the transmit FIFO is always empty and its interrupt
 * always raised while unmasked); receive comes from a buffer the
 * firmware fills from the real UART, watching for the break-in key. The
 * interrupt is level: raised (masked status non-zero) it is given to the
 * boot vCPU as a virtual interrupt, again after each EOI while it stays.
 * Registers: Arm PrimeCell UART (PL011) TRM, DDI 0183.
 */
#include <stdio.h>
#include <string.h>

#include "plat/console.h"
#include "el2/gic_hw.h"
#include "el2/vcpu.h"
#include "el2/vuart.h"
#include "el2/handover.h"

#define UART_DR		0x000
#define UART_FR		0x018
#define UART_IBRD	0x024
#define UART_FBRD	0x028
#define UART_LCR_H	0x02c
#define UART_CR		0x030
#define UART_IFLS	0x034
#define UART_IMSC	0x038
#define UART_RIS	0x03c
#define UART_MIS	0x040
#define UART_ICR	0x044
#define UART_DMACR	0x048
#define UART_IDREGS	0xfe0
#define UART_SIZE	0x1000
#define FR_RXFE		(UINT32_C(1) << 4)
#define FR_TXFE		(UINT32_C(1) << 7)
#define INT_RX		(UINT32_C(1) << 4)
#define INT_TX		(UINT32_C(1) << 5)
#define INT_RT		(UINT32_C(1) << 6)
#define RX_SIZE		256

static struct vuart {
	bool on;
	uint64_t base;
	uint32_t intid;
	int breakin;			/* the key that stops the guest, -1 none */
	uint32_t regs[UART_DMACR / 4 + 1];	/* what the guest wrote: IBRD..DMACR */
	uint8_t rx[RX_SIZE];
	unsigned int rx_head, rx_tail;	/* empty when equal */
	int lock;
	bool breakin_seen;
} u;

void vuart_init(uint64_t base, uint32_t intid, int breakin)
{
	u.base = base;
	u.intid = intid;
	u.breakin = breakin;
	u.regs[UART_CR / 4] = 0x300;	/* TXE, RXE; reset value */
	u.on = true;
	pl011_rx_irq_enable(base);
}

static uint32_t vuart_ris(void)
{
	return INT_TX | (u.rx_head != u.rx_tail ? INT_RX | INT_RT : 0);
}

/* The guest's interrupt line, as the guest set it up: given to the boot vCPU. */
static void vuart_update(struct vcpu *v)
{
	if (!(vuart_ris() & u.regs[UART_IMSC / 4]) || !vgic_spi_enabled_for_guest())
		return;
	if (v == &vm.vcpu[0])
		vgic_inject_level(v, u.intid);
	else if (__atomic_load_n(&vm.vcpu[0].power, __ATOMIC_ACQUIRE) == VCPU_ON)
		vgic_kick(&vm.vcpu[0]);		/* it looks again on its way back */
}

void vuart_poll(struct vcpu *v)
{
	if (!u.on)
		return;
	spin_lock(&u.lock);
	for (int c; (c = pl011_getc(u.base)) >= 0;) {
		if (c == u.breakin) {
			u.breakin_seen = true;
			continue;
		}
		if ((u.rx_head + 1) % RX_SIZE != u.rx_tail) {	/* full: the byte is lost, as on a UART */
			u.rx[u.rx_head] = (uint8_t)c;
			u.rx_head = (u.rx_head + 1) % RX_SIZE;
		}
	}
	spin_unlock(&u.lock);
	vuart_update(v);
}

bool vuart_take_breakin(void)
{
	return __atomic_exchange_n(&u.breakin_seen, false, __ATOMIC_ACQ_REL);
}

void vuart_level_check(struct vcpu *v)
{
	if (u.on)
		vuart_update(v);
}

bool vuart_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val)
{
	uint32_t off = (uint32_t)(ipa - u.base) & ~UINT32_C(3);

	if (!u.on || ipa < u.base || ipa >= u.base + UART_SIZE)
		return false;
	(void)size;
	spin_lock(&u.lock);
	if (write) {
		if (off == UART_DR)
			console_guest_putc((char)*val);	/* never taken for the firmware's */
		else if (off >= UART_IBRD && off <= UART_DMACR && off != UART_RIS && off != UART_MIS &&
			 off != UART_ICR)
			u.regs[off / 4] = (uint32_t)*val;
	} else if (off == UART_DR) {
		*val = 0;
		if (u.rx_head != u.rx_tail) {
			*val = u.rx[u.rx_tail];
			u.rx_tail = (u.rx_tail + 1) % RX_SIZE;
		}
	} else if (off == UART_FR) {
		*val = FR_TXFE | (u.rx_head == u.rx_tail ? FR_RXFE : 0);
	} else if (off == UART_RIS) {
		*val = vuart_ris();
	} else if (off == UART_MIS) {
		*val = vuart_ris() & u.regs[UART_IMSC / 4];
	} else if (off >= UART_IBRD && off <= UART_DMACR) {
		*val = u.regs[off / 4];
	} else if (off >= UART_IDREGS) {
		*val = gic_hw_read32(u.base + off);	/* who it is: the real one's ids */
	}
	if (!write)
		*val >>= 8 * (ipa & 3);	/* a narrow load of a byte above the register's first */
	spin_unlock(&u.lock);
	vuart_update(v);
	return true;
}

/* Live upgrade (issue 15): the emulated console's registers and unread input travel. */
_Static_assert(sizeof(u.regs) <= sizeof(((struct handover_vuart *)0)->regs), "vuart registers");
_Static_assert(RX_SIZE == HANDOVER_UART_RX, "vuart input buffer");

void vuart_handover_save(struct handover_vuart *s)
{
	memcpy(s->regs, u.regs, sizeof(u.regs));
	memcpy(s->rx, u.rx, sizeof(u.rx));
	s->rx_head = u.rx_head;
	s->rx_tail = u.rx_tail;
}

void vuart_handover_restore(const struct handover_vuart *s)
{
	memcpy(u.regs, s->regs, sizeof(u.regs));
	memcpy(u.rx, s->rx, sizeof(u.rx));
	u.rx_head = s->rx_head % RX_SIZE;
	u.rx_tail = s->rx_tail % RX_SIZE;
}
