/*
 * Blob encoder and decoder. Little-endian, explicit widths, every byte read
 * through a bounds-checked cursor; the decoder checks lengths and the CRC
 * before it looks at any section.
 */
#include <string.h>

#include "vmstate/blob.h"
#include "vmstate/crc32c.h"

static const char *const vmstate_errors[VMSTATE_E_COUNT] = {
#define VMSTATE_ERR(code, text) [VMSTATE_E_##code] = text,
#include "vmstate/errors.def"
#undef VMSTATE_ERR
};

const char *vmstate_strerror(enum vmstate_err e)
{
	return (unsigned int)e < VMSTATE_E_COUNT ? vmstate_errors[e] : "unknown error";
}

/*
 * Little-endian hosts may move a value's bytes in one go (the bytes are the
 * same); unaligned ones only where the build allows unaligned accesses
 * (not the firmware, which runs -mstrict-align).
 */
#define HOST_LE	(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#if HOST_LE && (defined(__x86_64__) || defined(__ARM_FEATURE_UNALIGNED))
#define FAST_UNALIGNED	1
#else
#define FAST_UNALIGNED	0
#endif

#define KVM_ID_COPROC_SHIFT	16
#define KVM_ID_COPROC_MASK	UINT64_C(0xfff)
#define KVM_COPROC_FW		0x14
#define KVM_COPROC_FW_FEAT	0x16
#define ID_DELTA_BASE		UINT64_C(0x6030000000000000)

bool vmstate_id_is_fw(uint64_t id)
{
	uint64_t cp = (id >> KVM_ID_COPROC_SHIFT) & KVM_ID_COPROC_MASK;

	return cp == KVM_COPROC_FW || cp == KVM_COPROC_FW_FEAT;
}

/* --- writing --- */

struct wbuf {
	uint8_t *p;
	size_t n, cap;
	bool full;
};

static void put_u8(struct wbuf *w, uint8_t v)
{
	if (w->n >= w->cap) {
		w->full = true;
		return;
	}
	w->p[w->n++] = v;
}

/*
 * Little-endian hosts store an aligned u64 in one go (the firmware runs
 * -mstrict-align, and CORE and FPSIMD payloads are 8-byte aligned in the
 * blob); everything else goes byte by byte. The bytes are the same.
 */
static void put_le(struct wbuf *w, uint64_t v, unsigned int bytes)
{
	if (w->cap - w->n < bytes) {
		w->full = true;
		w->n = w->cap;
		return;
	}
	if (HOST_LE && bytes == 8 && !((uintptr_t)(w->p + w->n) & 7)) {
		*(uint64_t *)(void *)(w->p + w->n) = v;
	} else {
		for (unsigned int i = 0; i < bytes; i++)
			w->p[w->n + i] = (uint8_t)(v >> (8 * i));
	}
	w->n += bytes;
}

static void put_varint(struct wbuf *w, uint64_t v)
{
	while (v >= 0x80) {
		put_u8(w, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	put_u8(w, (uint8_t)v);
}

static void patch_le32(struct wbuf *w, size_t at, uint32_t v)
{
	if (at + 4 <= w->n)
		for (unsigned int i = 0; i < 4; i++)
			w->p[at + i] = (uint8_t)(v >> (8 * i));
}

static unsigned int value_len(uint64_t v)
{
	return v ? (unsigned int)(71 - __builtin_clzll(v)) / 8 : 0;
}

/* The longest entry: a 10-byte varint, the flag byte, 8 value bytes. */
#define ENTRY_MAX	19
/* The longest entry with a 1-byte delta: delta, flags, 8 value bytes. */
#define ENTRY_SHORT_MAX	10

/* One entry, with room for it checked once rather than byte by byte. */
static void put_entry(struct wbuf *w, uint64_t delta, uint64_t value, bool droppable)
{
	unsigned int len = value_len(value);
	uint8_t *p;

	if (w->cap - w->n < ENTRY_MAX) {
		put_varint(w, delta);
		put_u8(w, (uint8_t)(len | (droppable ? VMSTATE_ENT_DROPPABLE : 0)));
		put_le(w, value, len);
		return;
	}
	p = w->p + w->n;
	while (delta >= 0x80) {
		*p++ = (uint8_t)(delta | 0x80);
		delta >>= 7;
	}
	*p++ = (uint8_t)delta;
	*p++ = (uint8_t)(len | (droppable ? VMSTATE_ENT_DROPPABLE : 0));
	if (FAST_UNALIGNED) {
		/* All eight bytes in one (unaligned) store; only len of them count. */
		__builtin_memcpy(p, &value, 8);
		p += len;
	} else {
		for (unsigned int i = 0; i < len; i++, value >>= 8)
			*p++ = (uint8_t)value;
	}
	w->n = (size_t)(p - w->p);
}

/* Start a section; returns where its length goes. */
static size_t sec_begin(struct wbuf *w, enum vmstate_section type)
{
	size_t at;

	put_u8(w, (uint8_t)type);
	put_u8(w, 0);
	put_le(w, 0, 2);
	at = w->n;
	put_le(w, 0, 4);
	return at;
}

static void sec_end(struct wbuf *w, size_t len_at)
{
	patch_le32(w, len_at, (uint32_t)(w->n - len_at - 4));
}

/*
 * Entries are sorted by id, so firmware ids (coprocessors 0x14 and 0x16)
 * can only sit at or after `split`, the first id of coprocessor 0x14 or
 * above: the loops look at the few entries there one by one and take the
 * ones before it wholesale.
 */
static unsigned int fw_split(const struct vmstate *s)
{
	unsigned int lo = 0, hi = s->nregs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (s->regs[mid].id < ID_DELTA_BASE + (UINT64_C(0x14) << KVM_ID_COPROC_SHIFT))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool put_entries(struct wbuf *w, const struct vmstate *s, bool fw, unsigned int split)
{
	uint64_t prev = ID_DELTA_BASE;
	unsigned int count = fw ? 0 : split;

	for (unsigned int i = split; i < s->nregs; i++)
		count += vmstate_id_is_fw(s->regs[i].id) == fw;
	put_varint(w, count);
	for (unsigned int i = fw ? split : 0; i < s->nregs; i++) {
		const struct vmstate_entry *e = &s->regs[i];

		if (i >= split && vmstate_id_is_fw(e->id) != fw)
			continue;
		if (e->id <= prev)
			return false;	/* unsorted, duplicate, or below the id base */
		put_entry(w, e->id - prev, e->value, e->droppable);
		prev = e->id;
	}
	return true;
}

size_t vmstate_encode(const struct vmstate *s, uint8_t *buf, size_t cap,
		      enum vmstate_err *err)
{
	struct wbuf w = { .p = buf, .cap = cap > VMSTATE_MAX_BLOB ? VMSTATE_MAX_BLOB : cap };
	size_t len_at, sec;
	unsigned int split = fw_split(s);

	/* Header. */
	for (unsigned int i = 0; i < 4; i++)
		put_u8(&w, (uint8_t)VMSTATE_MAGIC[i]);
	put_u8(&w, VMSTATE_MAJOR);
	put_u8(&w, VMSTATE_MINOR);
	put_le(&w, s->flags, 2);
	put_le(&w, s->fw_version, 2);
	put_le(&w, s->vcpu, 2);
	len_at = w.n;
	put_le(&w, 0, 4);

	sec = sec_begin(&w, VMSTATE_SEC_CORE);
	for (unsigned int i = 0; i < 31; i++)
		put_le(&w, s->core.x[i], 8);
	put_le(&w, s->core.pc, 8);
	put_le(&w, s->core.pstate, 8);
	sec_end(&w, sec);

	sec = sec_begin(&w, VMSTATE_SEC_FPSIMD);
	for (unsigned int i = 0; i < 32; i++) {
		put_le(&w, s->fp.v[i][0], 8);
		put_le(&w, s->fp.v[i][1], 8);
	}
	put_le(&w, s->fp.fpsr, 4);
	put_le(&w, s->fp.fpcr, 4);
	sec_end(&w, sec);

	sec = sec_begin(&w, VMSTATE_SEC_SYSREGS);
	if (!put_entries(&w, s, false, split))
		goto unsorted;
	sec_end(&w, sec);

	sec = sec_begin(&w, VMSTATE_SEC_FWREGS);
	if (!put_entries(&w, s, true, split))
		goto unsorted;
	sec_end(&w, sec);

	sec = sec_begin(&w, VMSTATE_SEC_TIMER);
	put_le(&w, s->vcount, 8);
	sec_end(&w, sec);

	patch_le32(&w, len_at, (uint32_t)(w.n + VMSTATE_CRC_SIZE));
	if (w.full || w.n + VMSTATE_CRC_SIZE > w.cap) {
		*err = VMSTATE_E_NO_ROOM;
		return 0;
	}
	put_le(&w, crc32c(buf, w.n), 4);
	*err = VMSTATE_E_OK;
	return w.n;

unsorted:
	*err = VMSTATE_E_UNSORTED;
	return 0;
}

/* --- reading --- */

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
		if (flags & VMSTATE_ENT_RESERVED)
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
