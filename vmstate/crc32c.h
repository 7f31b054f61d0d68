#ifndef VMSTATE_CRC32C_H
#define VMSTATE_CRC32C_H

#include "lib/rv.h"

/* CRC-32C of n bytes; crc32c("123456789") == 0xe3069283. */
uint32_t crc32c(const uint8_t *p, size_t n);
/* Go on from crc, a previous result: crc32c(a ++ b) == crc32c_update(crc32c(a), b). */
uint32_t crc32c_update(uint32_t crc, const uint8_t *p, size_t n);
/* The table-driven step: c is the running (inverted) value. */
uint32_t crc32c_sw(uint32_t c, const uint8_t *p, size_t n);

#endif
