#ifndef VMSTATE_CRC32C_H
#define VMSTATE_CRC32C_H

#include "lib/rv.h"

/* CRC-32C of n bytes; crc32c("123456789") == 0xe3069283. */
uint32_t crc32c(const uint8_t *p, size_t n);
/* Go on from crc, a previous result: crc32c(a ++ b) == crc32c_update(crc32c(a), b). */
uint32_t crc32c_update(uint32_t crc, const uint8_t *p, size_t n);
/* The table-driven step: c is the running (inverted) value. */
uint32_t crc32c_sw(uint32_t c, const uint8_t *p, size_t n);
/*
 * crc32c_update() runs on CRC instructions: the ARMv8 CRC32C ones in the
 * firmware (crc32c_hw.c), SSE4.2's on an x86-64 host (crc32c_host_hw.c);
 * false where the CPU lacks them and the table does the work.
 */
bool crc32c_by_instruction(void);
/* crc32c_update() and the table agree on lengths 0..24 and 300 at every alignment. */
bool crc32c_agrees(void);

#endif
