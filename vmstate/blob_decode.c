/*
 * The blob's decoder: every byte read through a bounds-checked cursor; the
 * length and the CRC are checked before any section is looked at.
 */
#include <stddef.h>
#include <string.h>

#include "vmstate/blob_internal.h"
#include "vmstate/crc32c.h"

struct rbuf {
	const uint8_t *p;
	size_t n, off;
	bool short_read;
};

/*
 * `bytes` (0..8) little-endian bytes. Where the build allows, eight bytes
 * are loaded at once and the ones past `bytes` masked off; an aligned u64
 * is one load on any little-endian host; else byte by byte.
 */
static uint64_t get_le(struct rbuf *r, unsigned int bytes)
{
	const uint8_t *p = r->p + r->off;
	uint64_t v = 0;

	if (r->n - r->off < bytes) {
		r->short_read = true;
		r->off = r->n;
		return 0;
	}
	if (FAST_UNALIGNED && r->n - r->off >= 8) {
		__builtin_memcpy(&v, p, 8);
		if (bytes < 8)
			v &= (UINT64_C(1) << (8 * bytes)) - 1;
	} else if (HOST_LE && bytes == 8 && !((uintptr_t)p & 7)) {
		v = *(const uint64_t *)(const void *)p;
	} else {
		for (unsigned int i = 0; i < bytes; i++)
			v |= (uint64_t)p[i] << (8 * i);
	}
	r->off += bytes;
	return v;
}

/*
 * LEB128, at most 10 bytes, no bits beyond 64, and in its shortest form (a
 * last byte of 0 after others would be padding), so a state has one blob.
 */
static bool get_varint(struct rbuf *r, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned int shift = 0; shift < 70; shift += 7) {
		uint64_t b = get_le(r, 1);

		if (r->short_read)
			return false;
		if (shift == 63 && (b & 0x7e))
			return false;
		v |= (b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return shift == 0 || b != 0;
		}
	}
	return false;
}

static enum vmstate_err get_entries(struct rbuf *r, struct vmstate *out, bool fw,
				    uint64_t *where)
{
	uint64_t count, prev = ID_DELTA_BASE;

	if (!get_varint(r, &count))
		return VMSTATE_E_BAD_ENTRY;
	if (count > VMSTATE_MAX_ENTRIES - out->nregs)
		return VMSTATE_E_TOO_MANY;
	for (uint64_t i = 0; i < count; i++) {
		struct vmstate_entry *e = &out->regs[out->nregs];
		uint64_t delta, flags;

		*where = r->off;
		if (FAST_UNALIGNED && r->n - r->off >= ENTRY_SHORT_MAX && r->p[r->off] < 0x80 &&
		    (r->p[r->off + 1] & VMSTATE_ENT_LEN_MASK) <= 8) {
			/* The common entry, 1-byte delta, all of it in the buffer: one check. */
			const uint8_t *p = r->p + r->off;
			unsigned int len = p[1] & VMSTATE_ENT_LEN_MASK;
			uint64_t v;

			delta = p[0];
			flags = p[1];
			__builtin_memcpy(&v, p + 2, 8);
			e->value = len == 8 ? v : v & ((UINT64_C(1) << (8 * len)) - 1);
			r->off += 2 + len;
		} else {
			if (r->n - r->off >= 2 && r->p[r->off] < 0x80)
				delta = r->p[r->off++];
			else if (!get_varint(r, &delta))
				return VMSTATE_E_BAD_ENTRY;
			flags = get_le(r, 1);
			if (r->short_read || (flags & VMSTATE_ENT_LEN_MASK) > 8)
				return VMSTATE_E_BAD_ENTRY;
			e->value = get_le(r, (unsigned int)(flags & VMSTATE_ENT_LEN_MASK));
			if (r->short_read)
				return VMSTATE_E_BAD_ENTRY;
		}
		/* Reserved bits clear, and the value in its fewest bytes: one state, one blob. */
		if ((flags & VMSTATE_ENT_RESERVED) ||
		    (flags & VMSTATE_ENT_LEN_MASK) != value_len(e->value))
			return VMSTATE_E_BAD_ENTRY;
		if (delta == 0) {
			*where = prev;
			return VMSTATE_E_DUP_ID;
		}
		if (delta > UINT64_MAX - prev) {
			*where = prev;
			return VMSTATE_E_UNSORTED;
		}
		e->id = prev + delta;
		if (vmstate_id_is_fw(e->id) != fw) {
			*where = e->id;
			return VMSTATE_E_BAD_ENTRY;
		}
		e->droppable = flags & VMSTATE_ENT_DROPPABLE;
		prev = e->id;
		out->nregs++;
	}
	return r->off == r->n ? VMSTATE_E_OK : VMSTATE_E_BAD_SECTION;
}

static enum vmstate_err get_section(enum vmstate_section type, struct rbuf *r,
				    struct vmstate *out, uint64_t *where)
{
	switch (type) {
	case VMSTATE_SEC_CORE:
		for (unsigned int i = 0; i < 31; i++)
			out->core.x[i] = get_le(r, 8);
		out->core.pc = get_le(r, 8);
		out->core.pstate = get_le(r, 8);
		break;
	case VMSTATE_SEC_FPSIMD:
		for (unsigned int i = 0; i < 32; i++) {
			out->fp.v[i][0] = get_le(r, 8);
			out->fp.v[i][1] = get_le(r, 8);
		}
		out->fp.fpsr = (uint32_t)get_le(r, 4);
		out->fp.fpcr = (uint32_t)get_le(r, 4);
		break;
	case VMSTATE_SEC_SYSREGS:
	case VMSTATE_SEC_FWREGS:
		return get_entries(r, out, type == VMSTATE_SEC_FWREGS, where);
	case VMSTATE_SEC_TIMER:
		out->vcount = get_le(r, 8);
		break;
	}
	/* Fixed-size sections must be exactly their size in 1.x. */
	return r->short_read || r->off != r->n ? VMSTATE_E_BAD_SECTION : VMSTATE_E_OK;
}

#define REQUIRED_SECTIONS	((1u << VMSTATE_SEC_CORE) | (1u << VMSTATE_SEC_FPSIMD) | \
				 (1u << VMSTATE_SEC_SYSREGS) | (1u << VMSTATE_SEC_FWREGS) | \
				 (1u << VMSTATE_SEC_TIMER))

enum vmstate_err vmstate_decode(const uint8_t *buf, size_t len, struct vmstate *out,
				uint64_t *where)
{
	struct rbuf r = { .p = buf, .n = len };
	uint64_t dummy, hlen;
	unsigned int seen = 0;
	enum vmstate_err e;

	if (!where)
		where = &dummy;
	*where = 0;
	/* Entries are written as they are decoded: clear only what precedes them. */
	memset(out, 0, offsetof(struct vmstate, regs));
	if (len > VMSTATE_MAX_BLOB)
		return VMSTATE_E_TOO_LARGE;
	if (len < 4 || memcmp(buf, VMSTATE_MAGIC, 4) != 0)
		return len < 4 ? VMSTATE_E_TRUNCATED : VMSTATE_E_BAD_MAGIC;
	if (len < VMSTATE_HDR_SIZE + VMSTATE_CRC_SIZE)
		return VMSTATE_E_TRUNCATED;
	r.off = 4;
	out->major = (uint8_t)get_le(&r, 1);
	out->minor = (uint8_t)get_le(&r, 1);
	if (out->major > VMSTATE_MAJOR)
		return VMSTATE_E_NEWER_MAJOR;
	if (out->major < 1)
		return VMSTATE_E_BAD_MAGIC;
	out->flags = (uint16_t)get_le(&r, 2);
	out->fw_version = (uint16_t)get_le(&r, 2);
	out->vcpu = (uint16_t)get_le(&r, 2);
	hlen = get_le(&r, 4);
	if (hlen > len)
		return VMSTATE_E_TRUNCATED;
	if (hlen != len)
		return VMSTATE_E_BAD_LENGTH;
	if (crc32c(buf, len - VMSTATE_CRC_SIZE) !=
	    (uint32_t)(buf[len - 4] | buf[len - 3] << 8 | buf[len - 2] << 16 |
		       (uint32_t)buf[len - 1] << 24) && !VMSTATE_FUZZING)
		return VMSTATE_E_BAD_CRC;
	if (out->flags & ~VMSTATE_HDR_FLAGS_KNOWN)
		return VMSTATE_E_BAD_SECTION;

	r.n = len - VMSTATE_CRC_SIZE;
	while (r.off < r.n) {
		size_t start = r.off;
		unsigned int type = (unsigned int)get_le(&r, 1);
		unsigned int sflags = (unsigned int)get_le(&r, 1);
		uint64_t reserved = get_le(&r, 2);
		uint64_t slen;
		struct rbuf sub;

		slen = get_le(&r, 4);
		*where = start;
		if (r.short_read || slen > r.n - r.off || reserved ||
		    (sflags & ~(unsigned int)VMSTATE_SEC_OPTIONAL))
			return VMSTATE_E_BAD_SECTION;
		sub = (struct rbuf){ .p = buf + r.off, .n = (size_t)slen };
		r.off += (size_t)slen;
		if (type < VMSTATE_SEC_CORE || type > VMSTATE_SEC_TIMER) {
			if (sflags & VMSTATE_SEC_OPTIONAL)
				continue;	/* a newer minor version's addition */
			return VMSTATE_E_UNKNOWN_SECTION;
		}
		if (seen & (1u << type))
			return VMSTATE_E_DUP_SECTION;
		seen |= 1u << type;
		*where = 0;
		e = get_section((enum vmstate_section)type, &sub, out, where);
		if (e != VMSTATE_E_OK) {
			/* Offsets inside the section become offsets in the blob; ids stay ids. */
			if (*where < VMSTATE_MAX_BLOB)
				*where += start + VMSTATE_SEC_HDR_SIZE;
			return e;
		}
	}
	if ((seen & REQUIRED_SECTIONS) != REQUIRED_SECTIONS)
		return VMSTATE_E_MISSING_SECTION;
	return VMSTATE_E_OK;
}

const struct vmstate_entry *vmstate_find(const struct vmstate *s, uint64_t id)
{
	for (unsigned int i = 0; i < s->nregs; i++)
		if (s->regs[i].id == id)
			return &s->regs[i];
	return NULL;
}
