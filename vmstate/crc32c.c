/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as iSCSI, ext4 and
 * the ARMv8 CRC32C instructions compute it. Table-driven, portable.
 */
#include "vmstate/crc32c.h"

/* Slicing by 8: table k advances a byte through k more zero bytes. */
static uint32_t crc32c_table[8][256];
static bool crc32c_ready;

static void crc32c_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1u)));
		crc32c_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc32c_table[t][i] = (crc32c_table[t - 1][i] >> 8) ^
					     crc32c_table[0][crc32c_table[t - 1][i] & 0xff];
	crc32c_ready = true;
}

/* One byte into state c. */
static inline uint32_t crc32c_byte(uint32_t c, uint8_t b)
{
	return crc32c_table[0][(c ^ b) & 0xff] ^ (c >> 8);
}

uint32_t crc32c_sw(uint32_t c, const uint8_t *p, size_t n)
{
	if (!crc32c_ready)
		crc32c_init();
	for (; n >= 8; n -= 8, p += 8) {
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				   (uint32_t)p[3] << 24);

		c = crc32c_table[7][lo & 0xff] ^ crc32c_table[6][(lo >> 8) & 0xff] ^
		    crc32c_table[5][(lo >> 16) & 0xff] ^ crc32c_table[4][lo >> 24] ^
		    crc32c_table[3][p[4]] ^ crc32c_table[2][p[5]] ^
		    crc32c_table[1][p[6]] ^ crc32c_table[0][p[7]];
	}
	while (n--)
		c = crc32c_byte(c, *p++);
	return c;
}

/*
 * The firmware links vmstate/crc32c_hw.c and an x86-64 host
 * vmstate/crc32c_host_hw.c, which use CRC instructions; else the table.
 */
__attribute__((weak)) uint32_t crc32c_update(uint32_t crc, const uint8_t *p, size_t n)
{
	return crc32c_sw(crc ^ 0xffffffffu, p, n) ^ 0xffffffffu;
}

__attribute__((weak)) bool crc32c_by_instruction(void)
{
	return false;
}

bool crc32c_agrees(void)
{
	static uint8_t buf[300 + 8];
	uint32_t x = 0x12345678;

	for (unsigned int i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 24);
	}
	if (!crc32c_ready)
		crc32c_init();
	/*
	 * Every split of head (to alignment), body (eight words, then one, at a
	 * time) and tail, and a long run: each length against the table's CRC
	 * of the same bytes, grown a byte at a time alongside; and the table
	 * eight bytes at a time against it over the long run.
	 */
	for (unsigned int at = 0; at < 8; at++) {
		uint32_t sw = 0xffffffffu;	/* the table's state after n bytes */

		for (size_t n = 0; n <= 300; n++) {
			if ((n <= 80 || n == 300) && crc32c_update(0, buf + at, n) != (sw ^ 0xffffffffu))
				return false;
			if (n < 300)
				sw = crc32c_byte(sw, buf[at + n]);
		}
		if (crc32c_sw(0xffffffffu, buf + at, 300) != sw)
			return false;
	}
	return true;
}

uint32_t crc32c(const uint8_t *p, size_t n)
{
	return crc32c_update(0, p, n);
}
