/*
 * CRC-32C on the host by instruction: SSE4.2's crc32 on x86-64, eight
 * bytes a step, when the CPU has it (asked once); the portable table
 * otherwise, and on other hosts. crc32c_agrees() (tests/unit) proves the
 * two give the same.
 */
#include <string.h>

#include "vmstate/crc32c.h"

#if defined(__x86_64__)
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t c, const uint8_t *p,
							       size_t n)
{
	uint64_t c64;

	for (; n && ((uintptr_t)p & 7); n--)
		c = _mm_crc32_u8(c, *p++);
	c64 = c;
	/* Four words a step: the loop's own count and branch once per 32 bytes. */
	for (; n >= 32; n -= 32, p += 32) {
		uint64_t v0, v1, v2, v3;

		memcpy(&v0, p, 8);
		memcpy(&v1, p + 8, 8);
		memcpy(&v2, p + 16, 8);
		memcpy(&v3, p + 24, 8);
		c64 = _mm_crc32_u64(c64, v0);
		c64 = _mm_crc32_u64(c64, v1);
		c64 = _mm_crc32_u64(c64, v2);
		c64 = _mm_crc32_u64(c64, v3);
	}
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		c64 = _mm_crc32_u64(c64, v);
	}
	c = (uint32_t)c64;
	while (n--)
		c = _mm_crc32_u8(c, *p++);
	return c;
}

bool crc32c_by_instruction(void)
{
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("sse4.2") ? 1 : 0;
	return have;
}

uint32_t crc32c_update(uint32_t crc, const uint8_t *p, size_t n)
{
	uint32_t c = crc ^ 0xffffffffu;

	c = crc32c_by_instruction() ? crc32c_sse42(c, p, n) : crc32c_sw(c, p, n);
	return c ^ 0xffffffffu;
}
#endif
