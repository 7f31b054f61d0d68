/*
 * CRC-32C with the ARMv8 CRC32C instructions (FEAT_CRC32, mandatory from
 * Armv8.1), eight bytes a step; the table when the CPU lacks them.
 */
#include "vmstate/crc32c.h"

static int crc32c_hw_state;	/* 0 unknown, 1 instructions, -1 none */

bool crc32c_by_instruction(void)
{
	if (!crc32c_hw_state) {
		uint64_t isar0;

		__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(isar0));
		crc32c_hw_state = ((isar0 >> 16) & 0xf) ? 1 : -1;	/* ID_AA64ISAR0_EL1.CRC32 */
	}
	return crc32c_hw_state > 0;
}

uint32_t crc32c_update(uint32_t crc, const uint8_t *p, size_t n)
{
	uint32_t c = crc ^ 0xffffffffu;

	if (!crc32c_by_instruction())
		return crc32c_sw(c, p, n) ^ 0xffffffffu;
	for (; n && ((uintptr_t)p & 7); n--)
		__asm__(".arch_extension crc\n crc32cb %w0, %w0, %w1" : "+r"(c) : "r"(*p++));
	/* Eight words a step (four pair loads): the loop's count and branch once per 64 bytes. */
	for (; n >= 64; n -= 64, p += 64) {
		const uint64_t *w = (const uint64_t *)(const void *)p;

		__asm__(".arch_extension crc\n crc32cx %w0, %w0, %x1\n crc32cx %w0, %w0, %x2\n"
			" crc32cx %w0, %w0, %x3\n crc32cx %w0, %w0, %x4\n crc32cx %w0, %w0, %x5\n"
			" crc32cx %w0, %w0, %x6\n crc32cx %w0, %w0, %x7\n crc32cx %w0, %w0, %x8"
			: "+r"(c) : "r"(w[0]), "r"(w[1]), "r"(w[2]), "r"(w[3]), "r"(w[4]), "r"(w[5]),
			  "r"(w[6]), "r"(w[7]));
	}
	for (; n >= 8; n -= 8, p += 8)
		__asm__(".arch_extension crc\n crc32cx %w0, %w0, %x1"
			: "+r"(c) : "r"(*(const uint64_t *)(const void *)p));
	/* The last 0..7 bytes (p still 8-aligned here): four, two, one. */
	if (n & 4) {
		__asm__(".arch_extension crc\n crc32cw %w0, %w0, %w1"
			: "+r"(c) : "r"(*(const uint32_t *)(const void *)p));
		p += 4;
	}
	if (n & 2) {
		__asm__(".arch_extension crc\n crc32ch %w0, %w0, %w1"
			: "+r"(c) : "r"(*(const uint16_t *)(const void *)p));
		p += 2;
	}
	if (n & 1)
		__asm__(".arch_extension crc\n crc32cb %w0, %w0, %w1" : "+r"(c) : "r"(*p));
	return c ^ 0xffffffffu;
}
