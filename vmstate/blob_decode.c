/*
 * The blob's decoder: every byte read through a bounds-checked cursor; the
 * length and the CRC are checked before any section is looked at.
 */
#include <stddef.h>
#include <string.h>

#include "sysreg/sysreg.h"
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
 * n u64s, when they are all there: four at a time where unaligned accesses
 * are allowed (a vCPU's CORE after the first is not 8-byte aligned), else
 * one copy on a little-endian host (the bytes are the same); else one by one.
 */
static void get_le_array(struct rbuf *r, uint64_t *v, unsigned int n)
{
	if (FAST_UNALIGNED && r->n - r->off >= 8 * (size_t)n) {
		const uint8_t *p = r->p + r->off;
		uint64_t *end = v + n, *eights_end = v + (n & ~7u);

		/* A constant size: the compiler moves it inline, pair loads and stores. */
		for (; v < eights_end; v += 8, p += 64)
			__builtin_memcpy(v, p, 64);
		for (; v < end; v++, p += 8)
			__builtin_memcpy(v, p, 8);
		r->off += 8 * (size_t)n;
		return;
	}
	if (HOST_LE && r->n - r->off >= 8 * (size_t)n) {
		memcpy(v, r->p + r->off, 8 * (size_t)n);
		r->off += 8 * (size_t)n;
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		v[i] = get_le(r, 8);
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

/* What a register-entry section may carry, and where its entries go. */
struct entry_sink {
	struct vmstate_entry *e;
	unsigned int *n;
	unsigned int max;
	enum { SINK_SYS, SINK_FW, SINK_DEV } kind;
	bool v2;	/* 2.0: SYSREGS and FWREGS never carry device ids */
};

static bool id_fits(const struct entry_sink *k, uint64_t id)
{
	switch (k->kind) {
	case SINK_FW:
		return vmstate_id_is_fw(id);
	case SINK_DEV:
		return vmstate_id_is_dev(id);
	default:
		return !vmstate_id_is_fw(id) && !(k->v2 && vmstate_id_is_dev(id));
	}
}

/* Bytes entry e of a run took: a delta of one or two bytes (from the id before), flags, value. */
static size_t run_entry_size(const struct vmstate_entry *e, uint64_t before)
{
	return (e->id - before < 0x80 ? 2u : 3u) + value_len(e->value);
}

/*
 * By the flags byte (0..31: the length, and the droppable bit 4): the
 * bytes a little-endian load of eight keeps, the least value the length
 * holds in its fewest bytes (its top byte not 0), and the entry's size
 * from the delta's last byte. Lengths 9..15, and every flags byte with a
 * reserved bit set (32..255), keep nothing and need more than anything:
 * an entry with one fails the value's check, so a reader indexing by the
 * whole byte needs no test of the reserved bits of its own.
 */
#define BY_LEN(a0, a1, a2, a3, a4, a5, a6, a7, a8, rest) \
	a0, a1, a2, a3, a4, a5, a6, a7, a8, rest, rest, rest, rest, rest, rest, rest
#define MASKS	BY_LEN(0, 0xff, 0xffff, 0xffffff, 0xffffffff, UINT64_C(0xffffffffff), \
		       UINT64_C(0xffffffffffff), UINT64_C(0xffffffffffffff), ~UINT64_C(0), 0)
#define LEASTS	BY_LEN(0, 1, 1u << 8, 1u << 16, 1u << 24, UINT64_C(1) << 32, \
		       UINT64_C(1) << 40, UINT64_C(1) << 48, UINT64_C(1) << 56, ~UINT64_C(0))
#define SIZES	BY_LEN(2, 3, 4, 5, 6, 7, 8, 9, 10, 0)
static const uint64_t len_mask[256] = { MASKS, MASKS };
static const uint64_t len_least[256] = { LEASTS, LEASTS, [32 ... 127] = ~UINT64_C(0),
					  [128 ... 255] = ~UINT64_C(0) };	/* bit 7 */
static const uint8_t size_from[256] = { SIZES, SIZES };
/* The three, for a loop to keep in registers (an argument: not remade from its address each time). */
static const struct len_tables {
	const uint64_t *mask, *least;
	const uint8_t *size;
} len_tables = { len_mask, len_least, size_from };
#undef SIZES
#undef LEASTS
#undef MASKS
#undef BY_LEN

/*
 * The common entries, one after another into e[0..n): a delta above 0 in
 * one byte or two (the second 1..127), flags with reserved bits clear and a
 * length of 0..8 and the value in that many bytes, all with ENTRY_RUN_MAX
 * bytes of buffer behind them, and an id whose bits above the low 16 are
 * fits_hi's (so it fits the section, and did not wrap). Stops, consuming
 * nothing of it, at the first entry that is anything else: the careful
 * loop in get_entries() takes that one. Returns how many it took; *off and
 * *prev move past them, *last_at is the offset of the last one taken.
 */
static unsigned int get_common(const uint8_t *buf, size_t *off, size_t end,
			       struct vmstate_entry *e, unsigned int n, uint64_t *prev,
			       uint64_t fits_hi, size_t *last_at)
{
	const struct vmstate_entry *first = e, *all = e + n, *stop = e;
	const uint8_t *p = buf + *off;
	uint64_t last = *prev;

	if (!FAST_UNALIGNED || !vmstate_codec_runs)
		return 0;
	_Static_assert(VMSTATE_ENT_RESERVED == 0xe0 && VMSTATE_ENT_DROPPABLE == 0x10 &&
		       VMSTATE_ENT_LEN_MASK == 0x0f, "the flags' layout the length tables follow");
	/*
	 * Each takes at most ENTRY_RUN_MAX bytes: as many as surely have them
	 * behind, then as many again from where those ended, until the end is
	 * closer than that.
	 */
	while (e == stop && e < all && (size_t)(buf + end - p) >= ENTRY_RUN_MAX) {
		size_t room = (size_t)(buf + end - p) / ENTRY_RUN_MAX;

		stop = (size_t)(all - e) < room ? all : e + room;
		for (; e < stop; e++) {
			size_t flags;
			uint64_t value, delta;

			/*
			 * A delta of 1..127 in one byte; flags with a reserved bit are
			 * the length tables' to refuse (they fail the value's check).
			 */
			if (__builtin_expect(p[0] - 1u >= 0x7f, 0)) {
				/* Else a delta of 128..16383: its second byte 1..127, the flags after it. */
				if (!(p[0] & 0x80) || p[1] - 1u >= 0x7f)
					break;
				delta = (p[0] & 0x7fu) | (unsigned int)p[1] << 7;
				p++;	/* from here as if the delta were one byte */
			} else {
				delta = p[0];
			}
			flags = p[1];
			__builtin_memcpy(&value, p + 2, 8);
			value &= len_mask[flags];
			if (value < len_least[flags]) {
				p -= delta >= 0x80;	/* the entry's first byte */
				break;
			}
			last += delta;
			e->id = last;
			e->value = value;
			e->droppable = flags > 0xf;
			p += size_from[flags];
		}
	}
	/*
	 * Ids only grow: when the last one taken is still below the window's
	 * end, all are; else give back from the end those at or past it.
	 */
	if (e > first && (last >> 16) != fits_hi) {
		while (e > first && (e[-1].id >> 16) != fits_hi) {
			e--;
			p -= run_entry_size(e, e > first ? e[-1].id : *prev);
		}
		last = e > first ? e[-1].id : *prev;
	}
	if (e > first) {
		*last_at = (size_t)(p - buf) - run_entry_size(e - 1, e - 1 > first ? e[-2].id : *prev);
		*off = (size_t)(p - buf);
		*prev = last;
	}
	return (unsigned int)(e - first);
}

/*
 * One entry at p, exactly, with nothing read at or past end: a delta above
 * 0, flags with reserved bits clear and a length of 0..8, the value in its
 * fewest bytes. Returns its size, 0 for anything else.
 */
static size_t read_entry(const uint8_t *p, const uint8_t *end, uint64_t *delta,
			 unsigned int *flags, uint64_t *value)
{
	struct rbuf r = { .p = p, .n = (size_t)(end - p) };
	unsigned int len;

	if (!get_varint(&r, delta) || !*delta)
		return 0;
	*flags = (unsigned int)get_le(&r, 1);
	len = *flags & VMSTATE_ENT_LEN_MASK;
	if (r.short_read || len > 8 || (*flags & VMSTATE_ENT_RESERVED))
		return 0;
	*value = get_le(&r, len);
	return r.short_read || len != value_len(*value) ? 0 : r.off;
}

/* Rows [from, to) in a row mask: set (lacked) or cleared. */
static void rows_mark(uint64_t *mask, unsigned int from, unsigned int to, bool lacked)
{
	for (unsigned int w = from / 64; w * 64 < to; w++) {
		uint64_t m = rows_word_mask(w, from, to);

		mask[w] = lacked ? mask[w] | m : mask[w] & ~m;
	}
}

/*
 * What rows_run() matches entries by, and where it puts them: each row's
 * delta's bytes (head1, headn: struct vmstate_rows_in), the length
 * tables, the bits each row accepts, its value and flags.
 */
struct row_run {
	const uint16_t *head1;
	const uint32_t *headn;
	const uint64_t *mask, *least, *accept;
	const uint8_t *size;
	uint64_t *val;
	uint8_t *fl;
};

/*
 * Row i's entry whose delta ends at q: its flags with reserved bits clear
 * (the tables by the whole byte see to it), its value in its fewest bytes
 * and with bits the row accepts, into val[i] and its flags into fl[i].
 * Returns where the next entry starts, NULL if this one is refused. Reads
 * the ten bytes from q on.
 */
static inline __attribute__((always_inline)) const uint8_t *
row_take(const uint8_t *q, size_t i, const uint64_t *mask, const uint64_t *least,
	 const uint64_t *accept, const uint8_t *size, uint64_t *val, uint8_t *fl)
{
	size_t f = q[1];
	const uint8_t *next = q + size[f];
	uint64_t value;

	fl[i] = (uint8_t)f;	/* first: a refused entry leaves the row undefined */
	__builtin_memcpy(&value, q + 2, 8);
	value &= mask[f];
	/* Both tests in one branch (a bitwise or): a compare and a conditional compare. */
	if ((value < least[f]) | ((value & ~accept[i]) != 0))
		return NULL;
	val[i] = value;
	return next;
}

/*
 * Where the delta of row i's entry at p ends: p itself for the usual
 * 1-byte delta (head1[i]), one or two bytes on for a 2- or 3-byte one
 * (headn[i]); NULL for an entry that is not row i's. Reads the four bytes
 * from p on. The sentinel row after the last has neither (0xffff, ~0)
 * and matches no entry.
 */
static inline __attribute__((always_inline)) const uint8_t *
row_delta(const uint8_t *p, size_t i, const uint16_t *head1, const uint32_t *headn)
{
	uint32_t word, hn;

	if (__builtin_expect(p[0] == head1[i], 1))
		return p;
	hn = headn[i];
	__builtin_memcpy(&word, p, 4);
	if ((word & (hn & 0x8000u ? 0xe0ffffffu : 0xe0ffffu)) != hn)
		return NULL;
	return p + 1 + (hn >> 15 & 1);
}

/* The most bytes an entry rows_run() takes reads: a 3-byte delta, flags, eight value bytes. */
#define ROW_ENTRY_MAX	12

/*
 * The entries from p that are rows *i, *i + 1, ... in turn (a delta of 1,
 * 2 or 3 bytes, flags' reserved bits clear), each value in its fewest
 * bytes and with bits its row accepts, into val[] and fl[], until an entry
 * at p past lim (each up to lim has 2 * ROW_ENTRY_MAX bytes behind it) or
 * one that is not the next row's (the sentinel row after the last is no
 * entry's). Two entries a step, the bound tested once for both. Returns
 * where it stopped, *i the row there; NULL for an entry refused. It does
 * not stop at the section's count: an entry past it makes *i larger than
 * the count allows, which the caller refuses. A leaf: the tables stay in
 * registers.
 */
static NOT_SPECIALIZED const uint8_t *rows_run(const uint8_t *p, const uint8_t *lim, size_t *pi,
					       const struct row_run *k)
{
	const uint16_t *head1 = k->head1;
	const uint32_t *headn = k->headn;
	const uint64_t *mask = k->mask, *least = k->least, *accept = k->accept;
	const uint8_t *size = k->size;
	uint64_t *val = k->val;
	uint8_t *fl = k->fl;
	size_t i = *pi;

	while (p <= lim) {
		const uint8_t *q;

		if (!(q = row_delta(p, i, head1, headn)))
			break;
		if (!(p = row_take(q, i++, mask, least, accept, size, val, fl)))
			return NULL;
		if (!(q = row_delta(p, i, head1, headn)))
			break;
		if (!(p = row_take(q, i++, mask, least, accept, size, val, fl)))
			return NULL;
	}
	*pi = i;
	return p;
}

/* The bytes rows_tail() copies: at least the 2 * ROW_ENTRY_MAX an entry pair may read. */
#define ROWS_TAIL	24

/*
 * The section's last bytes, p to *end (fewer than ROWS_TAIL), read from
 * tail instead: the ROWS_TAIL bytes ending at *end (a payload has the
 * blob's and its own header before it), ROWS_TAIL zeros behind them;
 * returns p there, and *end moves there too. An entry that runs into the
 * zeros is refused (its value's top byte is 0) or leaves the reader past
 * *end.
 */
static const uint8_t *rows_tail(const uint8_t *p, const uint8_t **end, uint8_t *tail)
{
	const uint8_t *from = *end - ROWS_TAIL;

	_Static_assert(VMSTATE_HDR_SIZE + VMSTATE_SEC_HDR_SIZE >= ROWS_TAIL &&
		       ROWS_TAIL >= 2 * ROW_ENTRY_MAX, "the tail's bytes are there, and enough");
	__builtin_memcpy(tail, from, ROWS_TAIL);
	__builtin_memset(tail + ROWS_TAIL, 0, ROWS_TAIL);
	*end = tail + ROWS_TAIL;
	return tail + (p - from);
}

/*
 * SYSREGS (fw false) or FWREGS entries of vCPU c straight into its rows
 * (t): true when every entry is a row's, in order and well formed, with
 * bits its row accepts, and the section holds nothing more; the rows it
 * lacks are marked in c->row_lacked, each entry's flags kept beside its
 * value, and *count is how many it had. The usual entry is the next
 * row's with a 1-byte delta: the table's first byte tells it at once, and
 * two are taken a step. Every load has its bytes behind it: until the
 * last 2 * ROW_ENTRY_MAX bytes, which are then read from a copy with
 * zeros behind. False leaves r as it was (the general decoder reads the
 * section again) and this section's rows undefined. Little-endian hosts
 * that may load unaligned only (FAST_UNALIGNED); elsewhere always false.
 *
 * Its own function, neither inlined nor specialized for its callers'
 * arguments (inlined into the decoder, its loop would share the decoder's
 * registers; specialized, it would remake the length tables' addresses
 * from their symbols in the loop instead of keeping them in registers).
 */
static NOT_SPECIALIZED bool get_rows(const struct rbuf *r, struct vmstate_vcpu *c,
				     const struct vmstate_rows_in *t, bool fw, uint64_t *count,
				     const struct len_tables *lt)
{
	size_t first = fw ? t->fw_first : 0, to = fw ? t->n : t->fw_first, i = first, stop;
	const struct row_run k = { .head1 = t->head, .headn = t->headn, .mask = lt->mask,
				   .least = lt->least, .accept = t->accept, .size = lt->size,
				   .val = t->val + (size_t)c->index * t->n,
				   .fl = t->flags + (size_t)c->index * t->n };
	uint8_t tail[2 * ROWS_TAIL];
	struct rbuf rr = *r;
	const uint8_t *p, *lim, *end = r->p + r->n;
	bool tailed = false;
	uint64_t n;

	rows_mark(c->row_lacked, (unsigned int)first, (unsigned int)to, false);
	if (!FAST_UNALIGNED || !get_varint(&rr, &n) || n > to - first)
		return false;
	*count = n;
	p = rr.p + rr.off;
	stop = i + n;	/* past the last entry's row, while no row is lacked */
	lim = (size_t)(end - p) >= 2 * ROW_ENTRY_MAX ? end - 2 * ROW_ENTRY_MAX : p - 1;
	while (i < stop) {
		uint64_t delta, value, id;
		unsigned int flags;
		size_t size;

		if (p > lim) {
			if (tailed)
				return false;	/* past the section's end */
			p = rows_tail(p, &end, tail);
			lim = end;
			tailed = true;
		}
		p = rows_run(p, lim, &i, &k);
		if (!p)
			return false;
		if (i >= stop || p > lim)
			continue;
		/* Else any entry: a later row's (those between lacked), or none. */
		size = read_entry(p, end, &delta, &flags, &value);
		if (!size)
			return false;
		id = (i > first ? t->id[i - 1] : ID_DELTA_BASE) + delta;
		if (id < delta)
			return false;	/* past the last id there is */
		for (; i < to && t->id[i] < id; i++, stop++)
			c->row_lacked[i / 64] |= UINT64_C(1) << (i % 64);
		/* This entry and those after it need a row each. */
		if (stop > to || t->id[i] != id)
			return false;
		if (value & ~t->accept[i])
			return false;
		k.val[i] = value;
		k.fl[i++] = (uint8_t)flags;
		p += size;
	}
	if (i != stop)
		return false;	/* entries past the count */
	if (i < to)
		rows_mark(c->row_lacked, (unsigned int)i, (unsigned int)to, true);
	return p == end;
}

/*
 * The entries: runs of common ones by get_common(), each other one here,
 * every check made. *where: the offset of a malformed entry, or the id a
 * refused one has or follows.
 */
static enum vmstate_err get_entries(struct rbuf *r, const struct entry_sink *k, uint64_t *where)
{
	uint64_t count, prev = ID_DELTA_BASE, fits_hi = 0;	/* 0: below any id */
	struct vmstate_entry *e, *last;
	size_t at = r->off;
	enum vmstate_err err = VMSTATE_E_OK;

	if (!get_varint(r, &count))
		return VMSTATE_E_BAD_ENTRY;
	if (count > k->max - *k->n)
		return VMSTATE_E_TOO_MANY;
	e = &k->e[*k->n];
	last = e + count;
	while (e < last) {
		uint64_t delta, flags, value, id;
		unsigned int len;

		e += get_common(r->p, &r->off, r->n, e, (unsigned int)(last - e), &prev, fits_hi, &at);
		if (e == last)
			break;
		at = r->off;
		if (r->n - at >= 2 && r->p[at] < 0x80)
			delta = r->p[r->off++];
		else if (!get_varint(r, &delta))
			goto bad_entry;
		flags = get_le(r, 1);
		len = (unsigned int)(flags & VMSTATE_ENT_LEN_MASK);
		if (r->short_read || len > 8)
			goto bad_entry;
		value = get_le(r, len);
		if (r->short_read)
			goto bad_entry;
		/* Reserved bits clear, and the value in its fewest bytes: one state, one blob. */
		if ((flags & VMSTATE_ENT_RESERVED) || len != value_len(value))
			goto bad_entry;
		if (delta == 0 || delta > UINT64_MAX - prev) {
			*where = prev;
			err = delta ? VMSTATE_E_UNSORTED : VMSTATE_E_DUP_ID;
			goto out;
		}
		id = prev + delta;
		if ((id >> 16) != fits_hi) {
			if (!id_fits(k, id)) {
				*where = id;
				err = VMSTATE_E_BAD_ENTRY;
				goto out;
			}
			fits_hi = id >> 16;
		}
		e->id = id;
		e->value = value;
		e->droppable = flags & VMSTATE_ENT_DROPPABLE;
		prev = id;
		e++;
	}
	*k->n = (unsigned int)(e - k->e);
	if (count)
		*where = at;	/* the last entry's offset: what a BAD_SECTION is reported at */
	return r->off == r->n ? VMSTATE_E_OK : VMSTATE_E_BAD_SECTION;
bad_entry:
	*where = at;
	err = VMSTATE_E_BAD_ENTRY;
out:
	*k->n = (unsigned int)(e - k->e);
	return err;
}

/* The VCPU section: vMPIDR, power, seven zero bytes, entry, context. */
static void get_vcpu(struct rbuf *r, struct vmstate_vcpu *c)
{
	c->mpidr = get_le(r, 8);
	c->power = (uint8_t)get_le(r, 1);
	if (get_le(r, 7))
		r->short_read = true;	/* reserved bytes: refused as a malformed section */
	c->entry = get_le(r, 8);
	c->context = get_le(r, 8);
}

/* One known section's payload into out; owner is its vCPU, or VMSTATE_OWNER_VM. */
static enum vmstate_err get_section(enum vmstate_section type, struct rbuf *r,
				    struct vmstate *out, unsigned int owner, uint64_t *where,
				    const struct vmstate_rows_in *rows)
{
	struct vmstate_vcpu *c = &out->vcpu[owner == VMSTATE_OWNER_VM ? 0 : owner];
	bool fw = type == VMSTATE_SEC_FWREGS;
	uint64_t count, fpscr;

	/*
	 * By row: a 2.0 blob of the rows' version (a 1.0 one's vCPU index is
	 * its header's, not a place in the rows), SYSREGS first and then
	 * FWREGS, nothing of the vCPU's taken as entries before (so regs[], if
	 * it is made later, is in the order the general decoder would have made
	 * it). Once a section goes as entries, so do the vCPU's others, the
	 * rows taken so far made into entries first.
	 */
	if (type == VMSTATE_SEC_SYSREGS || fw) {
		if (rows && rows->version == out->fw_version && out->major >= 2 &&
		    c->row_sections == (fw ? ROWS_SYSREGS : 0) &&
		    get_rows(r, c, rows, fw, &count, &len_tables)) {
			c->rows_in = rows;
			c->row_sections |= fw ? ROWS_FWREGS : ROWS_SYSREGS;
			c->nregs += (unsigned int)count;
			r->off = r->n;
			return VMSTATE_E_OK;
		}
		vmstate_rows_to_regs(c);
		c->row_sections = ROWS_ENTRIES;
	}
	switch (type) {
	case VMSTATE_SEC_CORE:
		get_le_array(r, c->core.x, 31);
		c->core.pc = get_le(r, 8);
		c->core.pstate = get_le(r, 8);
		break;
	case VMSTATE_SEC_FPSIMD:
		get_le_array(r, &c->fp.v[0][0], 64);	/* each V register low half first */
		fpscr = get_le(r, 8);	/* FPSR, FPCR: four bytes each */
		c->fp.fpsr = (uint32_t)fpscr;
		c->fp.fpcr = (uint32_t)(fpscr >> 32);
		break;
	case VMSTATE_SEC_FWREGS:
	case VMSTATE_SEC_SYSREGS:
		return get_entries(r, &(struct entry_sink){ .e = c->regs, .n = &c->nregs,
							    .max = VMSTATE_MAX_ENTRIES,
							    .kind = fw ? SINK_FW : SINK_SYS,
							    .v2 = out->major >= 2 }, where);
	case VMSTATE_SEC_DEVREGS:
		if (owner == VMSTATE_OWNER_VM)
			return get_entries(r, &(struct entry_sink){ .e = out->dev, .n = &out->ndev,
								    .max = VMSTATE_MAX_DEV_VM,
								    .kind = SINK_DEV }, where);
		return get_entries(r, &(struct entry_sink){ .e = c->dev, .n = &c->ndev,
							    .max = VMSTATE_MAX_DEV_VCPU,
							    .kind = SINK_DEV }, where);
	case VMSTATE_SEC_TIMER:
		out->vcount = get_le(r, 8);
		break;
	case VMSTATE_SEC_VCPU:
		get_vcpu(r, c);
		break;
	}
	/* Fixed-size sections must be exactly their size. */
	return r->short_read || r->off != r->n ? VMSTATE_E_BAD_SECTION : VMSTATE_E_OK;
}

#define SEC(t)	(1u << VMSTATE_SEC_##t)
/* 1.0: every section once, no owners. */
#define V1_KNOWN	(SEC(CORE) | SEC(FPSIMD) | SEC(SYSREGS) | SEC(FWREGS) | SEC(TIMER))
/* 2.0: each vCPU's sections once per vCPU, the VM's once. */
#define V2_VCPU_REQUIRED (SEC(CORE) | SEC(FPSIMD) | SEC(SYSREGS) | SEC(FWREGS) | SEC(VCPU))
#define V2_VCPU_ALLOWED	(V2_VCPU_REQUIRED | SEC(DEVREGS))
#define V2_VM_REQUIRED	SEC(TIMER)
#define V2_VM_ALLOWED	(SEC(TIMER) | SEC(DEVREGS))

/*
 * The section header's owner as the format reads it: 1.0 has none (the
 * field is reserved, 0); in 2.0 a vCPU's section names a vCPU of the blob
 * and a VM section VMSTATE_OWNER_VM. Returns the error, or OK with *bit
 * the section's bit in its owner's known set (0: a type this reader does
 * not know).
 */
static enum vmstate_err check_owner(const struct vmstate *out, unsigned int type,
				    unsigned int owner, unsigned int *bit)
{
	unsigned int b = type <= VMSTATE_SEC_LAST ? 1u << type : 0;

	if (out->major < 2) {
		*bit = b & V1_KNOWN;
		return owner ? VMSTATE_E_BAD_SECTION : VMSTATE_E_OK;
	}
	*bit = b & (owner == VMSTATE_OWNER_VM ? V2_VM_ALLOWED : V2_VCPU_ALLOWED);
	if (owner != VMSTATE_OWNER_VM && owner >= out->nvcpus)
		return VMSTATE_E_BAD_OWNER;
	if (b && (b & (V2_VM_ALLOWED | V2_VCPU_ALLOWED)) && !*bit)
		return VMSTATE_E_BAD_OWNER;	/* a known type with the other kind of owner */
	return VMSTATE_E_OK;
}

/* Every required section there: 0, or (owner << 16 | type) of the first missing. */
static uint64_t first_missing(const struct vmstate *out, unsigned int seen_vm,
			      const uint8_t *seen)
{
	unsigned int lack = (out->major < 2 ? V1_KNOWN : V2_VM_REQUIRED) & ~seen_vm;

	if (lack)	/* the lowest type first */
		return (uint64_t)VMSTATE_OWNER_VM << 16 | (unsigned int)__builtin_ctz(lack);
	for (unsigned int i = 0; out->major >= 2 && i < out->nvcpus; i++) {
		lack = V2_VCPU_REQUIRED & ~(unsigned int)seen[i];
		if (lack)
			return (uint64_t)i << 16 | (unsigned int)__builtin_ctz(lack);
	}
	return 0;
}

/* A 1.0 blob as a one-vCPU machine: on, with the vMPIDR its MPIDR_EL1 entry holds. */
static void v1_as_machine(struct vmstate *out, unsigned int index)
{
	struct vmstate_vcpu *c = &out->vcpu[0];
	const struct vmstate_entry *m = vmstate_find(c, sysreg_table[SYSREG_MPIDR_EL1].id);

	c->index = (uint16_t)index;
	c->power = VMSTATE_POWER_ON;
	c->mpidr = m ? m->value : VMSTATE_VMPIDR(index);
}

enum vmstate_err vmstate_decode(const uint8_t *buf, size_t len, struct vmstate *out,
				uint64_t *where)
{
	return vmstate_decode_rows(buf, len, out, where, NULL);
}

enum vmstate_err vmstate_decode_rows(const uint8_t *buf, size_t len, struct vmstate *out,
				     uint64_t *where, const struct vmstate_rows_in *rows)
{
	struct rbuf r = { .p = buf, .n = len };
	uint8_t seen[VMSTATE_MAX_VCPUS] = { 0 };
	uint64_t dummy, hlen, missing;
	unsigned int seen_vm = 0, hdr_vcpus;
	enum vmstate_err e;

	if (!where)
		where = &dummy;
	*where = 0;
	/*
	 * Entries are written as they are decoded: clear only what precedes
	 * them, for the vCPUs there are. Nor a vCPU's CORE and FPSIMD:
	 * required, so written whole before any OK. One vCPU (a 1.0 blob's;
	 * 2.0's count is the header's, its others' records cleared then).
	 */
	vmstate_clear_header(out, 1);
	vmstate_clear_records(out, 0, 1);
	if (len > VMSTATE_MAX_BLOB)
		return VMSTATE_E_TOO_LARGE;
	if (len < 4)
		return VMSTATE_E_TRUNCATED;
	if (get_le(&r, 4) != VMSTATE_MAGIC_LE)
		return VMSTATE_E_BAD_MAGIC;
	if (len < VMSTATE_HDR_SIZE + VMSTATE_CRC_SIZE)
		return VMSTATE_E_TRUNCATED;
	out->major = (uint8_t)get_le(&r, 1);
	out->minor = (uint8_t)get_le(&r, 1);
	if (out->major > VMSTATE_MAJOR)
		return VMSTATE_E_NEWER_MAJOR;
	if (out->major < 1)
		return VMSTATE_E_BAD_MAGIC;
	out->flags = (uint16_t)get_le(&r, 2);
	out->fw_version = (uint16_t)get_le(&r, 2);
	hdr_vcpus = (unsigned int)get_le(&r, 2);	/* 1.0: the vCPU index; 2.0: the count */
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
	if (out->major >= 2) {
		if (hdr_vcpus < 1 || hdr_vcpus > VMSTATE_MAX_VCPUS) {
			*where = hdr_vcpus;
			return VMSTATE_E_VCPU_RANGE;
		}
		out->nvcpus = (uint16_t)hdr_vcpus;
		vmstate_clear_records(out, 1, hdr_vcpus);
	}

	r.n = len - VMSTATE_CRC_SIZE;
	while (r.off < r.n) {
		size_t start = r.off;
		/* Type u8, flags u8, owner u16, length u32: one little-endian u64. */
		uint64_t hdr = get_le(&r, VMSTATE_SEC_HDR_SIZE), slen = hdr >> 32;
		unsigned int type = (unsigned int)(hdr & 0xff);
		unsigned int sflags = (unsigned int)((hdr >> 8) & 0xff);
		unsigned int owner = (unsigned int)((hdr >> 16) & 0xffff);
		unsigned int bit;
		uint8_t *seen_by;
		struct rbuf sub;

		*where = start;
		if (r.short_read || slen > r.n - r.off ||
		    (sflags & ~(unsigned int)VMSTATE_SEC_OPTIONAL))
			return VMSTATE_E_BAD_SECTION;
		e = check_owner(out, type, owner, &bit);
		if (e != VMSTATE_E_OK)
			return e;
		sub = (struct rbuf){ .p = buf + r.off, .n = (size_t)slen };
		r.off += (size_t)slen;
		if (!bit) {
			if (sflags & VMSTATE_SEC_OPTIONAL)
				continue;	/* a newer minor version's addition */
			return VMSTATE_E_UNKNOWN_SECTION;
		}
		seen_by = owner == VMSTATE_OWNER_VM || out->major < 2 ? NULL : &seen[owner];
		if ((seen_by ? *seen_by : seen_vm) & bit)
			return VMSTATE_E_DUP_SECTION;
		if (seen_by)
			*seen_by = (uint8_t)(*seen_by | bit);
		else
			seen_vm |= bit;
		*where = 0;
		e = get_section((enum vmstate_section)type, &sub, out, out->major < 2 ? 0 : owner,
				where, rows);
		if (e != VMSTATE_E_OK) {
			/* Offsets inside the section become offsets in the blob; ids stay ids. */
			if (*where < VMSTATE_MAX_BLOB)
				*where += start + VMSTATE_SEC_HDR_SIZE;
			return e;
		}
	}
	missing = first_missing(out, seen_vm, seen);
	if (missing) {
		*where = missing;
		return VMSTATE_E_MISSING_SECTION;
	}
	/* Held by row only with both sections so taken (else as entries). */
	for (unsigned int i = 0; i < out->nvcpus; i++)
		if (out->vcpu[i].row_sections != (ROWS_SYSREGS | ROWS_FWREGS))
			vmstate_rows_to_regs(&out->vcpu[i]);
	if (out->major < 2)
		v1_as_machine(out, hdr_vcpus);
	return VMSTATE_E_OK;
}
