/* What the blob's writer (blob_encode.c) and reader (blob_decode.c) share. */
#ifndef VMSTATE_BLOB_INTERNAL_H
#define VMSTATE_BLOB_INTERNAL_H

#include "vmstate/blob.h"

/*
 * Little-endian hosts may move a value's bytes in one go (the bytes are the
 * same); unaligned ones only where the build allows unaligned accesses
 * (not the firmware, which runs -mstrict-align and says so with
 * RV_STRICT_ALIGN: GCC keeps __ARM_FEATURE_UNALIGNED defined there).
 */
#define HOST_LE	(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#if HOST_LE && !defined(RV_STRICT_ALIGN) && (defined(__x86_64__) || defined(__aarch64__))
#define FAST_UNALIGNED	1
#else
#define FAST_UNALIGNED	0
#endif

/* Neither inlined nor specialized for its callers' arguments (GCC's noipa; clang has no such cloning). */
#if defined(__clang__)
#define NOT_SPECIALIZED	__attribute__((noinline))
#else
#define NOT_SPECIALIZED	__attribute__((noipa))
#endif

/* The header and VM-wide parts as vmstate_clear() leaves them, nvcpus counted. */
void vmstate_clear_header(struct vmstate *s, unsigned int nvcpus);
/* vCPU records [from, to) as vmstate_clear() leaves them, their registers as they are. */
void vmstate_clear_records(struct vmstate *s, unsigned int from, unsigned int to);

#define KVM_ID_COPROC_SHIFT	16
#define KVM_ID_COPROC_MASK	UINT64_C(0xfff)
#define KVM_COPROC_DEV_FIRST	0xf0	/* regvisor's device state: unused by KVM */
#define KVM_COPROC_DEV_LAST	0xff
#define ID_DELTA_BASE		UINT64_C(0x6030000000000000)
/* The magic as the little-endian u32 the blob's first four bytes make. */
#define VMSTATE_MAGIC_LE	((uint32_t)VMSTATE_MAGIC[0] | (uint32_t)VMSTATE_MAGIC[1] << 8 | \
				 (uint32_t)VMSTATE_MAGIC[2] << 16 | (uint32_t)VMSTATE_MAGIC[3] << 24)

/* The longest entry: a 10-byte varint, the flag byte, 8 value bytes. */
#define ENTRY_MAX	19
/* The longest entry with a delta of one or two bytes: delta, flags, 8 value bytes. */
#define ENTRY_RUN_MAX	11

/*
 * Bytes an entry's value takes: the fewest that hold it (0 for 0). AArch64's
 * CLZ gives 64 for 0, so there the compiler makes this one CLZ and a load
 * by the leading zeros; elsewhere a zero test and the top bit's index.
 */
static inline unsigned int value_len(uint64_t v)
{
#if defined(__aarch64__)
	static const uint8_t len_of_clz[65] = {
		8, 8, 8, 8, 8, 8, 8, 8, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6,
		5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3,
		2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0,
	};

	return len_of_clz[v ? __builtin_clzll(v) : 64];
#else
	static const uint8_t len_of_bit[64] = {
		1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
		4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
		7, 7, 7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 8,
	};

	return v ? len_of_bit[63 ^ (unsigned int)__builtin_clzll(v)] : 0;
#endif
}

/* Row mask word w's bits for rows [from, to) (to > w * 64). */
static inline uint64_t rows_word_mask(unsigned int w, unsigned int from, unsigned int to)
{
	uint64_t m = ~UINT64_C(0);

	if (w == from / 64)
		m &= ~UINT64_C(0) << (from % 64);
	if (to < w * 64 + 64)
		m &= (UINT64_C(1) << (to % 64)) - 1;
	return m;
}

#endif
