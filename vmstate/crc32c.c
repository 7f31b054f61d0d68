/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as iSCSI, ext4 and
 * the ARMv8 CRC32C instructions compute it. Table-driven, portable.
 */
#include "vmstate/crc32c.h"

static uint32_t crc32c_table[256];
static bool crc32c_ready;

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1u)));
		crc32c_table[i] = c;
	}
	crc32c_ready = true;
}

uint32_t crc32c(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	if (!crc32c_ready)
		crc32c_init();
	while (n--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}
