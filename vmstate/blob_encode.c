/*
 * The blob's encoder: little-endian, explicit widths, every write checked
 * against the buffer.
 */
#include <string.h>

#include "vmstate/blob_internal.h"
#include "vmstate/crc32c.h"

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
 * A value's low `bytes` bytes, little-endian. Where unaligned stores are
 * allowed and eight bytes of room are left, all eight in one store (only
 * `bytes` of them count); else an aligned u64 in one go, or byte by byte.
 * The bytes are the same.
 */
static void put_le(struct wbuf *w, uint64_t v, unsigned int bytes)
{
	if (FAST_UNALIGNED && w->cap - w->n >= 8) {
		__builtin_memcpy(w->p + w->n, &v, 8);
		w->n += bytes;
		return;
	}
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

/*
 * n u64s, with the room: four at a time where unaligned accesses are
 * allowed (a vCPU's CORE after the first is not 8-byte aligned), else one
 * copy on a little-endian host (the bytes are the same); else one by one.
 */
static void put_le_array(struct wbuf *w, const uint64_t *v, unsigned int n)
{
	if (FAST_UNALIGNED && w->cap - w->n >= 8 * (size_t)n) {
		uint8_t *p = w->p + w->n;
		const uint64_t *end = v + n, *fours_end = v + (n & ~3u);

		for (; v < fours_end; v += 4, p += 32) {
			uint64_t a = v[0], b = v[1], c = v[2], d = v[3];

			__builtin_memcpy(p, &a, 8);
			__builtin_memcpy(p + 8, &b, 8);
			__builtin_memcpy(p + 16, &c, 8);
			__builtin_memcpy(p + 24, &d, 8);
		}
		for (; v < end; v++, p += 8)
			__builtin_memcpy(p, v, 8);
		w->n += 8 * (size_t)n;
		return;
	}
	if (HOST_LE && w->cap - w->n >= 8 * (size_t)n) {
		memcpy(w->p + w->n, v, 8 * (size_t)n);
		w->n += 8 * (size_t)n;
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		put_le(w, v[i], 8);
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
	if (at + 4 > w->n)
		return;
	if (FAST_UNALIGNED)
		__builtin_memcpy(w->p + at, &v, 4);
	else
		for (unsigned int i = 0; i < 4; i++)
			w->p[at + i] = (uint8_t)(v >> (8 * i));
}



/* One entry at p, which has ENTRY_MAX bytes of room; returns the byte after it. */
static inline uint8_t *put_entry_at(uint8_t *p, uint64_t delta, uint64_t value, bool droppable)
{
	unsigned int len = value_len(value);

	while (delta >= 0x80) {
		*p++ = (uint8_t)(delta | 0x80);
		delta >>= 7;
	}
	*p++ = (uint8_t)delta;
	*p++ = (uint8_t)(len | (droppable ? VMSTATE_ENT_DROPPABLE : 0));
	if (FAST_UNALIGNED) {
		/* All eight bytes in one (unaligned) store; only len of them count. */
		__builtin_memcpy(p, &value, 8);
		return p + len;
	}
	for (unsigned int i = 0; i < len; i++, value >>= 8)
		*p++ = (uint8_t)value;
	return p;
}

/* One entry, with room for it checked once rather than byte by byte. */
static void put_entry(struct wbuf *w, uint64_t delta, uint64_t value, bool droppable)
{
	if (w->cap - w->n < ENTRY_MAX) {
		put_varint(w, delta);
		put_u8(w, (uint8_t)(value_len(value) | (droppable ? VMSTATE_ENT_DROPPABLE : 0)));
		put_le(w, value, value_len(value));
		return;
	}
	w->n = (size_t)(put_entry_at(w->p + w->n, delta, value, droppable) - w->p);
}

/*
 * One common entry at p: a delta of 1..127 and its flags in one 2-byte
 * store, all eight value bytes in another (only len of them count; the
 * room for ENTRY_MAX is there). Returns the byte after it.
 */
static inline uint8_t *put_common_at(uint8_t *p, uint64_t delta, uint64_t value, bool droppable)
{
	unsigned int len = value_len(value);
	uint16_t head = (uint16_t)(delta | len << 8 | (unsigned int)droppable << 12);

	_Static_assert(VMSTATE_ENT_DROPPABLE == 1u << 4, "the flag is bit 12 of the head");
	__builtin_memcpy(p, &head, 2);
	__builtin_memcpy(p + 2, &value, 8);
	return p + 2 + len;
}

/* The same with a delta of 128..16383: its two varint bytes and the flags in one 4-byte store. */
static inline uint8_t *put_common2_at(uint8_t *p, uint64_t delta, uint64_t value, bool droppable)
{
	unsigned int len = value_len(value);
	uint32_t head = (uint32_t)((delta & 0x7f) | 0x80 | (delta >> 7) << 8 | len << 16 |
				   (unsigned int)droppable << 20);

	__builtin_memcpy(p, &head, 4);
	__builtin_memcpy(p + 3, &value, 8);
	return p + 3 + len;
}

/*
 * Entries e[0..n), each id above the one before (prev first): false when
 * one is not. With room for the longest entry of every one (and the runs
 * on: vmstate_codec_runs), the room is checked once for the run and the
 * cursor kept in a register; common entries go four at a time, their four
 * deltas checked by one compare. A four it cannot clear (a delta of two
 * bytes or more, or out of order) goes one by one, deltas of one and two
 * bytes still by the common stores.
 */
static bool put_run(struct wbuf *w, const struct vmstate_entry *e, unsigned int n,
		    uint64_t *prev)
{
	const struct vmstate_entry *end = e + n;
	uint64_t last = *prev;

	if (vmstate_codec_runs && (w->cap - w->n) / ENTRY_MAX >= n) {
		uint8_t *p = w->p + w->n;

		while (e < end) {
			/* Fours while every delta is 1..127: their (delta - 1)s OR below 0x7f. */
			for (const struct vmstate_entry *fours_end = end - (end - e < 3 ? end - e : 3);
			     FAST_UNALIGNED && e < fours_end; e += 4) {
				uint64_t id0 = e[0].id, id1 = e[1].id, id2 = e[2].id, id3 = e[3].id;
				uint64_t d0 = id0 - last, d1 = id1 - id0, d2 = id2 - id1, d3 = id3 - id2;

				if (((d0 - 1) | (d1 - 1) | (d2 - 1) | (d3 - 1)) >= 0x7f)
					break;
				p = put_common_at(p, d0, e[0].value, e[0].droppable);
				p = put_common_at(p, d1, e[1].value, e[1].droppable);
				p = put_common_at(p, d2, e[2].value, e[2].droppable);
				p = put_common_at(p, d3, e[3].value, e[3].droppable);
				last = id3;
			}
			for (const struct vmstate_entry *one_end = end - e > 4 ? e + 4 : end;
			     e < one_end; e++) {
				uint64_t id = e->id, delta = id - last;

				if (id <= last)
					return false;	/* unsorted, duplicate, or below the id base */
				if (FAST_UNALIGNED && delta < 0x80)
					p = put_common_at(p, delta, e->value, e->droppable);
				else if (FAST_UNALIGNED && delta < 0x4000)
					p = put_common2_at(p, delta, e->value, e->droppable);
				else
					p = put_entry_at(p, delta, e->value, e->droppable);
				last = id;
			}
		}
		w->n = (size_t)(p - w->p);
	} else {
		for (; e < end; e++) {
			if (e->id <= last)
				return false;
			put_entry(w, e->id - last, e->value, e->droppable);
			last = e->id;
		}
	}
	*prev = last;
	return true;
}

/* Start a section; returns where its length goes. */
static size_t sec_begin(struct wbuf *w, enum vmstate_section type, unsigned int owner)
{
	/* Type, flags 0, owner, and a length of 0 for now: one little-endian u64. */
	put_le(w, (uint64_t)type | (uint64_t)(owner & 0xffff) << 16, 8);
	return w->n - 4;
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
static unsigned int fw_split(const struct vmstate_vcpu *c)
{
	unsigned int lo = 0, hi = c->nregs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (c->regs[mid].id < ID_DELTA_BASE + (UINT64_C(0x14) << KVM_ID_COPROC_SHIFT))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * SYSREGS' entries (fw false) or FWREGS' (fw true). `split` is fw_split();
 * fw_end the end of the firmware ids from there: the usual blob has no
 * others after them, and then each section is one run.
 */
static bool put_entries(struct wbuf *w, const struct vmstate_vcpu *c, bool fw, unsigned int split,
			unsigned int fw_end)
{
	uint64_t prev = ID_DELTA_BASE;
	unsigned int count = fw ? 0 : split;

	if (fw_end == c->nregs) {
		put_varint(w, fw ? fw_end - split : split);
		return fw ? put_run(w, c->regs + split, fw_end - split, &prev) :
			    put_run(w, c->regs, split, &prev);
	}
	for (unsigned int i = split; i < c->nregs; i++)
		count += vmstate_id_is_fw(c->regs[i].id) == fw;
	put_varint(w, count);
	if (!fw && !put_run(w, c->regs, split, &prev))
		return false;
	for (unsigned int i = split; i < c->nregs; i++)
		if (vmstate_id_is_fw(c->regs[i].id) == fw && !put_run(w, &c->regs[i], 1, &prev))
			return false;
	return true;
}

/* Rows [from, to) of r that are not hidden: how many (a hidden row costs a step, others none). */
static unsigned int rows_count(const struct vmstate_rows *r, unsigned int from, unsigned int to)
{
	unsigned int n = to - from;

	for (unsigned int w = from / 64; w * 64 < to; w++)
		for (uint64_t m = r->hidden[w] & rows_word_mask(w, from, to); m; m &= m - 1)
			n--;
	return n;
}

/* A delta of 1..16383 as one of the common entries; a longer one in full. */
static inline uint8_t *put_any_at(uint8_t *p, uint64_t delta, uint64_t value, bool droppable)
{
	if (delta < 0x80)
		return put_common_at(p, delta, value, droppable);
	if (delta < 0x4000)
		return put_common2_at(p, delta, value, droppable);
	return put_entry_at(p, delta, value, droppable);
}

/*
 * Rows [from, to) of r as a section's entries, the hidden ones left out:
 * their count, then each, straight from the registers (rows are sorted,
 * so every delta is above 0). With room for the longest entry of each, the
 * cursor is kept in a register; with no row hidden (the usual), each
 * delta is the table's, else the hidden mask is walked a word at a time.
 */
static void put_rows(struct wbuf *w, const struct vmstate_rows *r, unsigned int from,
		     unsigned int to)
{
	/* In locals: stores through the byte cursor could alias *r as far as the compiler knows. */
	const uint64_t *ids = r->id, *deltas = r->delta, *keep = r->keep, *val = r->val;
	const uint64_t *hw = r->hw, *view = r->view;
	unsigned int count = rows_count(r, from, to);
	uint64_t last = ID_DELTA_BASE;
	uint8_t *p;

	put_varint(w, count);
	if (!FAST_UNALIGNED || (w->cap - w->n) / ENTRY_MAX < count) {
		for (unsigned int i = from; i < to; i++) {
			uint64_t v = val[i] & keep[i];

			if ((r->hidden[i / 64] >> (i % 64)) & 1)
				continue;
			put_entry(w, ids[i] - last, v, v == (hw[i] & view[i]));
			last = ids[i];
		}
		return;
	}
	p = w->p + w->n;
	if (count == to - from) {
		for (unsigned int i = from; i < to; i++) {
			uint64_t v = val[i] & keep[i];

			p = put_any_at(p, deltas[i], v, v == (hw[i] & view[i]));
		}
		w->n = (size_t)(p - w->p);
		return;
	}
	for (unsigned int i = from; i < to;) {
		unsigned int word_end = (i | 63) + 1 < to ? (i | 63) + 1 : to;
		uint64_t hidden = r->hidden[i / 64] >> (i % 64);

		for (; i < word_end; i++, hidden >>= 1) {
			uint64_t v = val[i] & keep[i];

			if (hidden & 1)
				continue;
			p = put_any_at(p, ids[i] - last, v, v == (hw[i] & view[i]));
			last = ids[i];
		}
	}
	w->n = (size_t)(p - w->p);
}

/* A DEVREGS section (2.0), when there are entries: every id a device id, increasing. */
static bool put_dev(struct wbuf *w, const struct vmstate_entry *e, unsigned int n,
		    unsigned int owner)
{
	uint64_t prev = ID_DELTA_BASE;
	size_t sec;

	if (!n)
		return true;
	sec = sec_begin(w, VMSTATE_SEC_DEVREGS, owner);
	put_varint(w, n);
	for (unsigned int i = 0; i < n; i++)
		if (!vmstate_id_is_dev(e[i].id))
			return false;
	if (!put_run(w, e, n, &prev))
		return false;
	sec_end(w, sec);
	return true;
}

/* One vCPU's sections; owner 0 with no VCPU section in 1.0. */
static bool put_vcpu(struct wbuf *w, const struct vmstate_vcpu *c, unsigned int owner, bool v2)
{
	unsigned int split = c->rows ? 0 : fw_split(c), fw_end = split;
	size_t sec;

	while (!c->rows && fw_end < c->nregs && vmstate_id_is_fw(c->regs[fw_end].id))
		fw_end++;

	if (v2) {
		sec = sec_begin(w, VMSTATE_SEC_VCPU, owner);
		put_le(w, c->mpidr, 8);
		put_le(w, c->power, 1);
		put_le(w, 0, 7);
		put_le(w, c->entry, 8);
		put_le(w, c->context, 8);
		sec_end(w, sec);
	}
	sec = sec_begin(w, VMSTATE_SEC_CORE, owner);
	put_le_array(w, c->core.x, 31);
	put_le(w, c->core.pc, 8);
	put_le(w, c->core.pstate, 8);
	sec_end(w, sec);

	sec = sec_begin(w, VMSTATE_SEC_FPSIMD, owner);
	put_le_array(w, &c->fp.v[0][0], 64);	/* each V register low half first */
	put_le(w, c->fp.fpsr, 4);
	put_le(w, c->fp.fpcr, 4);
	sec_end(w, sec);

	sec = sec_begin(w, VMSTATE_SEC_SYSREGS, owner);
	if (c->rows)
		put_rows(w, c->rows, 0, c->rows->fw_first);
	else if (!put_entries(w, c, false, split, fw_end))
		return false;
	sec_end(w, sec);

	sec = sec_begin(w, VMSTATE_SEC_FWREGS, owner);
	if (c->rows)
		put_rows(w, c->rows, c->rows->fw_first, c->rows->n);
	else if (!put_entries(w, c, true, split, fw_end))
		return false;
	sec_end(w, sec);
	return !v2 || put_dev(w, c->dev, c->ndev, owner);
}

static void put_timer(struct wbuf *w, uint64_t vcount, unsigned int owner)
{
	size_t sec = sec_begin(w, VMSTATE_SEC_TIMER, owner);

	put_le(w, vcount, 8);
	sec_end(w, sec);
}

/* What 1.0 can hold: one vCPU, on, no device state. */
static bool fits_v1(const struct vmstate *s)
{
	return s->nvcpus == 1 && s->vcpu[0].power == VMSTATE_POWER_ON && !s->ndev &&
	       !s->vcpu[0].ndev;
}

size_t vmstate_encode(const struct vmstate *s, uint8_t *buf, size_t cap,
		      enum vmstate_err *err)
{
	struct wbuf w = { .p = buf, .cap = cap > VMSTATE_MAX_BLOB ? VMSTATE_MAX_BLOB : cap };
	bool v2 = s->major >= 2;
	size_t len_at;

	if (v2 ? s->nvcpus < 1 || s->nvcpus > VMSTATE_MAX_VCPUS : !fits_v1(s)) {
		*err = VMSTATE_E_FORMAT_VCPUS;
		return 0;
	}
	/* Header: 1.0 names its one vCPU, 2.0 counts them. */
	put_le(&w, VMSTATE_MAGIC_LE, 4);
	put_u8(&w, v2 ? 2 : 1);
	put_u8(&w, VMSTATE_MINOR);
	put_le(&w, s->flags, 2);
	put_le(&w, s->fw_version, 2);
	put_le(&w, v2 ? s->nvcpus : s->vcpu[0].index, 2);
	len_at = w.n;
	put_le(&w, 0, 4);

	/*
	 * 1.0: CORE, FPSIMD, SYSREGS, FWREGS, TIMER. 2.0: TIMER, each vCPU's
	 * sections, the VM's DEVREGS last (so the fixed-size payloads of the
	 * first vCPU stay 8-byte aligned).
	 */
	if (v2)
		put_timer(&w, s->vcount, VMSTATE_OWNER_VM);
	for (unsigned int i = 0; i < (v2 ? s->nvcpus : 1u); i++)
		if (!put_vcpu(&w, &s->vcpu[i], v2 ? i : 0, v2))
			goto unsorted;
	if (!v2)
		put_timer(&w, s->vcount, 0);
	else if (!put_dev(&w, s->dev, s->ndev, VMSTATE_OWNER_VM))
		goto unsorted;

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
