/*
 * A regvisor firmware image as `upgrade` takes it: an arm64 Image
 * (Documentation/arch/arm64/booting.rst) whose reserved header fields say
 * it is regvisor's, which version it is, which handover contract it
 * speaks, how many bytes of it are loaded and their CRC-32C. The running
 * firmware and the host tool check it the same way, here, before anything
 * changes (README "Live upgrade").
 *
 *   0x00 code0, code1          0x08 text_offset (0x200000)
 *   0x10 image_size (with BSS and stacks: what it needs from 0x40200000)
 *   0x18 flags                 0x20 "RVFW", u16 version, u16 handover contract
 *   0x28 u32 bytes loaded (the .bin's length), u32 CRC-32C of those bytes
 *        with this CRC field read as zero
 *   0x30 0                     0x38 "ARM\x64"     0x3c 0
 */
#ifndef VMSTATE_FWIMAGE_H
#define VMSTATE_FWIMAGE_H

#include "lib/rv.h"

#define FWIMAGE_HEADER		64
#define FWIMAGE_ARM64_MAGIC	UINT32_C(0x644d5241)	/* "ARM\x64" at 0x38 */
#define FWIMAGE_RVFW		UINT32_C(0x57465652)	/* "RVFW" at 0x20 */
#define FWIMAGE_OFF_RVFW	0x20
#define FWIMAGE_OFF_LOADED	0x28
#define FWIMAGE_OFF_CRC		0x2c
#define FWIMAGE_TEXT_OFFSET	UINT64_C(0x200000)
/* The handover contract this tree speaks (README "The handover contract"). */
#define FWIMAGE_HANDOVER	1

#define FWIMAGE_BEGIN		"-----BEGIN REGVISOR FIRMWARE-----"
#define FWIMAGE_END		"-----END REGVISOR FIRMWARE-----"

struct fwimage_info {
	unsigned int version;	/* the firmware version it reports */
	unsigned int handover;	/* the handover contract it speaks */
	uint32_t loaded;	/* bytes of the file that are loaded */
	uint32_t crc;		/* their CRC-32C, as the header says */
	uint64_t footprint;	/* image_size: bytes it needs from its load address */
};

/*
 * Check len bytes at p as a regvisor firmware image that must need at most
 * max_footprint bytes from its load address. NULL when it is one (info
 * filled), else why not, as one clause for an error line (why holds the
 * text when it has numbers in it, at least 128 bytes).
 */
const char *fwimage_check(const uint8_t *p, size_t len, uint64_t max_footprint,
			  struct fwimage_info *info, char *why, size_t why_len);

/* The CRC-32C of an image's len bytes with its CRC field read as zero. */
uint32_t fwimage_crc(const uint8_t *p, size_t len);

#endif
