/*
 * Checking a regvisor firmware image before an upgrade (vmstate/fwimage.h).
 * Portable: the firmware checks what it received, the host tool what it
 * is about to send, the build stamps the CRC with fwimage_crc().
 */
#include <stdio.h>

#include "vmstate/crc32c.h"
#include "vmstate/fwimage.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

uint32_t fwimage_crc(const uint8_t *p, size_t len)
{
	static const uint8_t zero[4];
	uint32_t crc;

	if (len < FWIMAGE_HEADER)
		return crc32c(p, len);
	crc = crc32c(p, FWIMAGE_OFF_CRC);
	crc = crc32c_update(crc, zero, sizeof(zero));
	return crc32c_update(crc, p + FWIMAGE_OFF_CRC + 4, len - FWIMAGE_OFF_CRC - 4);
}

const char *fwimage_check(const uint8_t *p, size_t len, uint64_t max_footprint,
			  struct fwimage_info *info, char *why, size_t why_len)
{
	uint32_t crc;

	if (len < FWIMAGE_HEADER) {
		snprintf(why, why_len, "%zu bytes: shorter than an arm64 Image header", len);
		return why;
	}
	if (le32(p + 0x38) != FWIMAGE_ARM64_MAGIC)
		return "not an arm64 Image (no ARM\\x64 magic at offset 0x38)";
	if (le32(p + FWIMAGE_OFF_RVFW) != FWIMAGE_RVFW)
		return "not a regvisor firmware image (no RVFW marker in its arm64 Image header)";
	info->version = (unsigned int)(le32(p + 0x24) & 0xffff);
	info->handover = (unsigned int)(le32(p + 0x24) >> 16);
	info->loaded = le32(p + FWIMAGE_OFF_LOADED);
	info->crc = le32(p + FWIMAGE_OFF_CRC);
	info->footprint = le64(p + 0x10);
	if (info->loaded != len) {
		snprintf(why, why_len, "%zu bytes received, its header says %u (truncated or padded)",
			 len, (unsigned int)info->loaded);
		return why;
	}
	crc = fwimage_crc(p, len);
	if (crc != info->crc) {
		snprintf(why, why_len, "CRC-32C 0x%08x, its header says 0x%08x (corrupt)",
			 (unsigned int)crc, (unsigned int)info->crc);
		return why;
	}
	if (info->handover != FWIMAGE_HANDOVER) {
		snprintf(why, why_len, "it speaks handover contract %u, this firmware only %u",
			 info->handover, FWIMAGE_HANDOVER);
		return why;
	}
	if (!info->version) {
		snprintf(why, why_len, "it reports firmware version 0");
		return why;
	}
	if (le64(p + 0x08) != FWIMAGE_TEXT_OFFSET || (le64(p + 0x18) & 1)) {
		snprintf(why, why_len, "text_offset 0x%llx or a big-endian flag: not where regvisor "
			 "runs (0x200000, little-endian)", (unsigned long long)le64(p + 0x08));
		return why;
	}
	if (info->footprint < len || info->footprint > max_footprint) {
		snprintf(why, why_len, "it needs 0x%llx bytes from its load address, 0x%llx are "
			 "free below the upgrade area", (unsigned long long)info->footprint,
			 (unsigned long long)max_footprint);
		return why;
	}
	return NULL;
}
