/*
 * The guest's console: a PL011 emulated on top of the real one, so that
 * the firmware sees every byte typed (the break-in key) while the guest
 * runs. Output goes straight through; input is buffered for the guest.
 */
#ifndef EL2_VUART_H
#define EL2_VUART_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* The emulated console at base (the real one's address), interrupt intid. */
void vuart_init(uint64_t base, uint32_t intid, int breakin);
bool vuart_mmio(struct vcpu *v, uint64_t ipa, unsigned int size, bool write, uint64_t *val);
/* Read what the real UART received (its interrupt, or a look on the way). */
void vuart_poll(struct vcpu *v);
/* The break-in key came since the last call. */
bool vuart_take_breakin(void);
/* Raise the guest's interrupt again if its condition still holds (after an EOI). */
void vuart_level_check(struct vcpu *v);

#endif
