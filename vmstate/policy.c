/*
 * Export and import rules for a vCPU's register entries. Registers are
 * read and written in vs->val[] (every class): the vCPUs are stopped,
 * their state in memory.
 */
#include <string.h>

#include "vmstate/policy.h"

const char *vmstate_id_name(uint64_t id)
{
	int idx = sysreg_find_by_id(id), row;

	if (idx >= 0)
		return sysreg_table[idx].name;
	row = sysreg_row_find(id);
	return row >= 0 ? sysreg_rows[row].name : NULL;
}

/*
 * What this destination can offer in an ID register: the newest CPU model
 * its guest's world allows (a destination booted with compat=1 offers
 * version 1's, so what it accepts can always move on to version 1).
 */
static uint64_t id_offer(unsigned int idx, unsigned int world)
{
	return sysreg_hw_read(idx) & sysreg_id_mask(idx, world);
}

/*
 * Bits of a context register outside its writable mask in version w are
 * status the CPU recomputes (CNTV_CTL_EL0.ISTATUS) and left behind, unless
 * some version kept them as state: those the guest wrote, and they are
 * cleared only where the change that stopped keeping them says so
 * (RULE_ADOPT). False: *val holds bits this version cannot carry.
 */
static bool export_bits(unsigned int row, unsigned int w, uint64_t *val)
{
	uint64_t keep = sysreg_row_wmask(row, w);
	uint64_t wrote = *val & ~keep & sysreg_row_wmask_ever(row, FW_VERSION_LATEST);
	const struct sysreg_change *c;

	if (wrote) {
		c = sysreg_change_at(row, w);
		if (!c || c->rule != RULE_ADOPT)
			return false;
	}
	*val &= keep;
	return true;
}

bool vmstate_plain_paths = true;

/*
 * What the plain paths read by row, worked out once: table constants, so
 * two CPUs filling them at once write the same values, and the flag is set
 * after them. A row's default is what sysreg_hw_read_ids() gives it (a
 * reset value, or an ID register's hardware value; MPIDR_EL1's is set to
 * vCPU 0's, plain_defaults()) & its view: an ID register's CPU model's
 * mask, all ones for any other row.
 */

/* A row an import checks further (plain_value_ok): what its bits in `special` say. */
#define PLAIN_RULE	1	/* a value rule */
#define PLAIN_OFFERED	2	/* an ID register checked against what this side offers */
#define PLAIN_PAST	4	/* the sentinel after the last row: no entry is its */

static struct plain_tables {
	uint64_t id[SYSREG_COUNT + 1];		/* and a sentinel, ~0, that no id passes */
	uint64_t keep[SYSREG_COUNT];		/* bits export keeps: a context register's writable ones */
	uint64_t accept[SYSREG_COUNT + 1];	/* bits import accepts: the writable ones, an ID's all */
	uint64_t delta[SYSREG_COUNT];		/* id less the one before in its section */
	/* The delta's byte where it takes one, else 0xffff; and a sentinel, 0xffff, no entry matches. */
	uint16_t head[SYSREG_COUNT + 1];
	uint32_t headn[SYSREG_COUNT + 1];	/* its bytes where it takes two or three, else ~0; and ~0 */
	uint8_t special[SYSREG_COUNT + 1];
	uint16_t offered_row[SYSREG_COUNT];	/* the rows with PLAIN_OFFERED, in order */
	uint64_t offered_view[SYSREG_COUNT];	/* each one's mask in this version's view */
	unsigned int noffered;
	uint64_t view[FW_VERSION + 1][SYSREG_COUNT];	/* ID rows' masks by CPU model */
	struct sysreg_mask id_rows;	/* never left out, whatever is hidden */
	struct sysreg_mask reset_safe;	/* a blob may lack them */
	unsigned int fw_first;		/* the firmware's rows: from here to the end */
	bool ready;
} plain;

static const struct sysreg_mask *value_rule_rows(void);
static void plain_rules_make(void);

/* v's varint (below 2^28) as a little-endian u32: its first byte lowest. */
static uint32_t varint_word(uint64_t v)
{
	uint32_t w = 0;

	for (unsigned int shift = 0;; shift += 8, v >>= 7) {
		w |= (uint32_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)) << shift;
		if (v < 0x80)
			return w;
	}
}

static const struct plain_tables *plain_tables(void)
{
	unsigned int fw_first = SYSREG_COUNT, noffered = 0;

	if (__atomic_load_n(&plain.ready, __ATOMIC_ACQUIRE))
		return &plain;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];
		bool id = d->cls == ID;

		plain.id[i] = d->id;
		plain.keep[i] = d->cls == CTX ? d->wmask : ~UINT64_C(0);
		plain.accept[i] = id ? ~UINT64_C(0) : d->wmask;
		for (unsigned int v = 1; v <= FW_VERSION; v++)
			plain.view[v][i] = id && i != SYSREG_MPIDR_EL1 ? sysreg_id_mask(i, v) :
					   ~UINT64_C(0);
		if (id)
			sysreg_mask_set(&plain.id_rows, i);
		if (d->flags & RESET_SAFE)
			sysreg_mask_set(&plain.reset_safe, i);
		plain.special[i] = (uint8_t)((sysreg_mask_test(value_rule_rows(), i) ? PLAIN_RULE : 0) |
					     (id && !(d->flags & IDENT) ? PLAIN_OFFERED : 0));
		if (vmstate_id_is_fw(d->id) && fw_first == SYSREG_COUNT)
			fw_first = i;
		/* The table is sorted, so its firmware rows are its last: a blob's sections split there. */
		BUG_ON(vmstate_id_is_fw(d->id) != (i >= fw_first));
		plain.delta[i] = d->id - (i && i != fw_first ? sysreg_table[i - 1].id :
					  UINT64_C(0x6030000000000000));
		plain.head[i] = plain.delta[i] < 0x80 ? (uint16_t)plain.delta[i] : 0xffff;
		plain.headn[i] = plain.delta[i] >= 0x80 && plain.delta[i] < (UINT64_C(1) << 21) ?
				 varint_word(plain.delta[i]) : ~UINT32_C(0);
		if (plain.special[i] & PLAIN_OFFERED) {
			plain.offered_view[noffered] = plain.view[FW_VERSION][i];
			plain.offered_row[noffered++] = (uint16_t)i;
		}
	}
	plain_rules_make();
	plain.fw_first = fw_first;
	plain.noffered = noffered;
	plain.id[SYSREG_COUNT] = ~UINT64_C(0);
	plain.head[SYSREG_COUNT] = 0xffff;
	plain.headn[SYSREG_COUNT] = ~UINT32_C(0);
	plain.special[SYSREG_COUNT] = PLAIN_PAST;
	__atomic_store_n(&plain.ready, true, __ATOMIC_RELEASE);
	return &plain;
}

/* Each row's default but for the view's mask, into hw: the ID registers read once, straight-line. */
static void plain_defaults(uint64_t hw[SYSREG_COUNT])
{
	sysreg_hw_read_ids(hw);
	hw[SYSREG_MPIDR_EL1] = VMPIDR_VCPU0;
}

/*
 * vCPU c's registers by row in *buf (see vmstate_export_rows()), the
 * hidden ones checked: each must hold its default. Sets c->nregs.
 */
static void plain_rows(const struct vcpu_sysregs *vs, struct vmstate_vcpu *c,
		       struct vmstate_rows_buf *buf, struct vmstate_report *rep)
{
	const struct plain_tables *t = plain_tables();
	const uint64_t *view;
	unsigned int tag = rep->vcpu_tag, n = SYSREG_COUNT;

	BUG_ON(vs->cpu_version < 1 || vs->cpu_version > FW_VERSION);
	view = t->view[vs->cpu_version];
	plain_defaults(buf->hw);
	buf->rows = (struct vmstate_rows){ .id = t->id, .delta = t->delta, .keep = t->keep,
					   .hw = buf->hw, .view = view, .val = vs->val,
					   .n = SYSREG_COUNT, .fw_first = t->fw_first };
	rep->vcpu_tag = c->index + 1u;
	for (unsigned int w = 0; w < SYSREG_MASK_WORDS; w++) {
		uint64_t hidden = vs->hidden.w[w] & ~t->id_rows.w[w];

		buf->rows.hidden[w] = hidden;
		for (; hidden; hidden &= hidden - 1) {
			unsigned int i = w * 64 + (unsigned int)__builtin_ctzll(hidden);
			uint64_t val = vs->val[i] & t->keep[i], def = buf->hw[i] & view[i];

			n--;
			if (val != def)
				vmstate_report_add(rep, VMSTATE_E_HIDDEN_MODIFIED, t->id[i], val, def, -1);
		}
	}
	rep->vcpu_tag = tag;
	c->nregs = n;
}

/*
 * The common save, the loop below with nothing to decide: for this
 * firmware's own version, from its own world, with no CHANGE line, every
 * register is in the list and means what it meant, a context register's
 * kept bits are its writable mask, and a default is the table's: the save
 * path's rows (plain_rows()), made into entries.
 */
static void export_plain(const struct vcpu_sysregs *vs, struct vmstate_vcpu *c,
			 struct vmstate_report *rep)
{
	struct vmstate_rows_buf buf;
	const struct vmstate_rows *r = &buf.rows;
	struct vmstate_entry *e = c->regs;

	plain_rows(vs, c, &buf, rep);
	for (unsigned int word = 0; word < SYSREG_MASK_WORDS; word++) {
		uint64_t hidden = r->hidden[word];
		unsigned int i = word * 64, end = i + 64 < SYSREG_COUNT ? i + 64 : SYSREG_COUNT;

		for (; i < end; i++, hidden >>= 1) {
			uint64_t val = r->val[i] & r->keep[i];

			if (!(hidden & 1))
				*e++ = (struct vmstate_entry){ .id = r->id[i], .value = val,
							       .droppable = val == (r->hw[i] & r->view[i]) };
		}
	}
}

unsigned int vmstate_export_rows(const struct vcpu_sysregs *vs, unsigned int target,
				 struct vmstate_vcpu *c, struct vmstate_rows_buf *buf,
				 struct vmstate_report *rep)
{
	if (!(vmstate_plain_paths && (!target || target == FW_VERSION) &&
	      vs->world_version == FW_VERSION && !sysreg_changes.n))
		return vmstate_export_regs(vs, target, c, rep);
	plain_rows(vs, c, buf, rep);
	c->rows = &buf->rows;
	return rep->total;
}

unsigned int vmstate_export_regs(const struct vcpu_sysregs *vs, unsigned int target,
				 struct vmstate_vcpu *c, struct vmstate_report *rep)
{
	struct sysreg_mask leave_out = vs->hidden;
	unsigned int tag = rep->vcpu_tag, w = vs->world_version;

	if (!target)
		target = FW_VERSION;
	rep->vcpu_tag = c->index + 1u;
	c->rows = NULL;		/* regs[] is the state from here */
	if (vmstate_plain_paths && target == FW_VERSION && w == FW_VERSION && !sysreg_changes.n) {
		export_plain(vs, c, rep);
		rep->vcpu_tag = tag;
		return rep->total;
	}
	sysreg_mask_add_newer_than(&leave_out, target);
	c->nregs = 0;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];
		unsigned int row = sysreg_row_of(i);
		uint64_t val = vs->val[i], def;
		const struct sysreg_change *chg;

		if (d->cls == ID && !(d->flags & IDENT) && target < FW_VERSION) {
			uint64_t can = val & sysreg_id_mask(i, target);
			int shift = sysreg_id_exceeds(i, val, can);

			if (shift >= 0)
				vmstate_report_add(rep, VMSTATE_E_ID_INCOMPATIBLE, d->id, val,
						   can, shift);
		}
		/*
		 * ID registers are the guest's CPU: they always travel, but for
		 * one the target's list does not have (its view read it as 0;
		 * the check above refused any other value).
		 */
		if (d->cls == ID && d->since > target)
			continue;
		if (d->cls == CTX && !export_bits(row, w, &val)) {
			vmstate_report_add(rep, VMSTATE_E_NOT_KEPT, d->id, val,
					   sysreg_row_wmask(row, w), -1);
			continue;
		}
		if (d->cls == ID) {
			def = sysreg_default(vs, i);
		} else if (d->since <= target) {
			/* In the target's list: the value, and the default, in the target's meaning. */
			if (sysreg_convert(row, w, target, &val, &chg) == MOVE_REFUSED)
				vmstate_report_move(rep, d->id, val, chg, w, target);
			def = sysreg_row_default(row, target);
		} else {
			def = sysreg_row_default(row, w);
		}
		if (sysreg_mask_test(&leave_out, i) && d->cls != ID) {
			/* Outside the guest's world a register is no one's state (as in its firmware). */
			if (val != def && sysreg_in_world(i, w))
				vmstate_report_add(rep, VMSTATE_E_HIDDEN_MODIFIED, d->id, val, def, -1);
			continue;
		}
		c->regs[c->nregs++] = (struct vmstate_entry){
			.id = d->id, .value = val, .droppable = val == def,
		};
	}
	rep->vcpu_tag = tag;
	return rep->total;
}

/*
 * SPSR_EL2 bits an EL1 guest's PSTATE may have (Arm ARM C5.2.19): NZCV,
 * TCO, DIT, UAO, PAN, SS, SSBS, BTYPE, DAIF and M[3:0]; not IL (20), not
 * M[4] (AArch32: this firmware runs AArch64 EL1 only).
 */
#define PSTATE_GUEST_BITS	UINT64_C(0xf3e01fcf)
#define PSTATE_M_MASK		UINT64_C(0xf)

unsigned int vmstate_check_core(const struct vmstate_vcpu *c, struct vmstate_report *rep)
{
	uint64_t m = c->core.pstate & PSTATE_M_MASK;
	unsigned int tag = rep->vcpu_tag;

	rep->vcpu_tag = c->index + 1u;
	if ((c->core.pstate & ~PSTATE_GUEST_BITS) || (m != 0x0 && m != 0x4 && m != 0x5))
		vmstate_report_add(rep, VMSTATE_E_BAD_PSTATE, 0, c->core.pstate, PSTATE_GUEST_BITS,
				   -1);
	rep->vcpu_tag = tag;
	return rep->total;
}

static bool tolerated(const struct vmstate_tolerance *tol, uint64_t id)
{
	for (unsigned int i = 0; tol && i < tol->n; i++)
		if (tol->ids[i] == id)
			return true;
	return false;
}

/*
 * Values no firmware writes, field by field: a field of bits [shift,
 * shift+width) must lie in lo..hi. Each rule is what every version of this
 * firmware (and the architecture) allows there; the text names the field.
 */
static const struct value_rule {
	uint16_t reg;		/* enum sysreg_idx */
	uint8_t shift, width;
	uint64_t lo, hi;
	const char *why;
} value_rules[] = {
	/* The firmware's guests speak PSCI 1.1 (its own 1.0 functions too). */
	{ SYSREG_PSCI_VERSION, 0, 64, 0x10000, 0x10001,
	  "PSCI_VERSION must be 1.0 or 1.1 (0x10000, 0x10001)" },
	/* Arm ARM D19.2: MIDR_EL1 [63:32] RES0; Architecture 0b1111 on every AArch64 CPU. */
	{ SYSREG_MIDR_EL1, 32, 32, 0, 0, "MIDR_EL1 RES0[63:32] must be 0" },
	{ SYSREG_MIDR_EL1, 16, 4, 0xf, 0xf, "MIDR_EL1.Architecture[19:16] must be 0xf" },
	/*
	 * MPIDR_EL1: [63:40] and [29:25] RES0, [31] RES1; the firmware's vMPIDR
	 * is 1 << 31 | the vCPU index (U 0, MT 0, Aff3..Aff1 0; Aff0 checked
	 * against the header's index below).
	 */
	{ SYSREG_MPIDR_EL1, 40, 24, 0, 0, "MPIDR_EL1 RES0[63:40] must be 0" },
	{ SYSREG_MPIDR_EL1, 32, 8, 0, 0, "MPIDR_EL1.Aff3[39:32] must be 0 (the firmware's vMPIDR)" },
	{ SYSREG_MPIDR_EL1, 31, 1, 1, 1, "MPIDR_EL1 RES1[31] must be 1" },
	{ SYSREG_MPIDR_EL1, 30, 1, 0, 0, "MPIDR_EL1.U[30] must be 0 (the firmware's vMPIDR)" },
	{ SYSREG_MPIDR_EL1, 25, 5, 0, 0, "MPIDR_EL1 RES0[29:25] must be 0" },
	{ SYSREG_MPIDR_EL1, 24, 1, 0, 0, "MPIDR_EL1.MT[24] must be 0 (the firmware's vMPIDR)" },
	{ SYSREG_MPIDR_EL1, 8, 16, 0, 0,
	  "MPIDR_EL1.Aff2,Aff1[23:8] must be 0 (the firmware's vMPIDR)" },
	/*
	 * ID_AA64PFR0_EL1: the guest runs at EL1 and EL0 in AArch64 (1, or 2
	 * with AArch32); the firmware carries and needs FP and AdvSIMD (0xf:
	 * not implemented), as every CPU it runs on has them.
	 */
	{ SYSREG_ID_AA64PFR0_EL1, 0, 4, 1, 2, "ID_AA64PFR0_EL1.EL0[3:0] must be 1 or 2" },
	{ SYSREG_ID_AA64PFR0_EL1, 4, 4, 1, 2, "ID_AA64PFR0_EL1.EL1[7:4] must be 1 or 2" },
	{ SYSREG_ID_AA64PFR0_EL1, 16, 4, 0, 0xe,
	  "ID_AA64PFR0_EL1.FP[19:16] must not be 0xf (FP is always there)" },
	{ SYSREG_ID_AA64PFR0_EL1, 20, 4, 0, 0xe,
	  "ID_AA64PFR0_EL1.AdvSIMD[23:20] must not be 0xf (AdvSIMD is always there)" },
};

/* The registers value_rules[] and MPIDR's Aff0 rule look at, found on first use. */
static struct sysreg_mask rule_rows;
static bool rule_rows_ready;

static const struct sysreg_mask *value_rule_rows(void)
{
	if (!rule_rows_ready) {
		for (unsigned int i = 0; i < ARRAY_SIZE(value_rules); i++)
			sysreg_mask_set(&rule_rows, value_rules[i].reg);
		sysreg_mask_set(&rule_rows, SYSREG_MPIDR_EL1);
		rule_rows_ready = true;
	}
	return &rule_rows;
}

/* Whether a value of rule r's register breaks it: its field outside lo..hi. */
static inline bool rule_broken(const struct value_rule *r, uint64_t value)
{
	uint64_t f = (value >> r->shift) & (~UINT64_C(0) >> (64 - r->width));	/* width 1..64 */

	return f - r->lo > r->hi - r->lo;	/* outside [lo, hi]: one unsigned compare */
}

/*
 * The rules as check_rows() tests them, made once with the plain tables: a
 * register's rules of one value each (lo == hi) are one test of all their
 * bits (shift 0, span 0), the others as they are. Each holds when
 * ((value >> shift) & mask) - lo <= span.
 */
static struct plain_rule {
	uint64_t mask, lo, span;
	uint16_t reg;
	uint8_t shift;
	bool exact;	/* the one value rules made into one */
} plain_rule[ARRAY_SIZE(value_rules)];
static unsigned int plain_nrules;

static void plain_rules_make(void)
{
	struct plain_rule made[ARRAY_SIZE(value_rules)];
	unsigned int n = 0;

	for (const struct value_rule *r = value_rules; r < value_rules + ARRAY_SIZE(value_rules);
	     r++) {
		uint64_t mask = ~UINT64_C(0) >> (64 - r->width);
		struct plain_rule *p = NULL;

		if (r->lo != r->hi) {
			made[n++] = (struct plain_rule){ .mask = mask, .lo = r->lo,
							 .span = r->hi - r->lo, .reg = r->reg,
							 .shift = r->shift };
			continue;
		}
		for (unsigned int k = 0; k < n && !p; k++)
			if (made[k].exact && made[k].reg == r->reg)
				p = &made[k];
		if (!p) {
			p = &made[n++];
			*p = (struct plain_rule){ .reg = r->reg, .exact = true };
		}
		p->mask |= mask << r->shift;
		p->lo |= r->lo << r->shift;
	}
	/* Stored whole, as the plain tables are: a CPU filling them at once writes the same. */
	memcpy(plain_rule, made, n * sizeof(made[0]));
	plain_nrules = n;
}

/* The first rule value breaks, or NULL. */
static const char *value_rule_broken(unsigned int idx, uint64_t value, unsigned int vcpu)
{
	if (!sysreg_mask_test(value_rule_rows(), idx))
		return NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(value_rules); i++)
		if (value_rules[i].reg == idx && rule_broken(&value_rules[i], value))
			return value_rules[i].why;
	if (idx == SYSREG_MPIDR_EL1 && (value & 0xff) != vcpu)
		return "MPIDR_EL1.Aff0[7:0] must be the vCPU's index";
	return NULL;
}

/*
 * A register this reader knows but leaves out (outside its world, or a
 * newer version's row): its default in the writer's version, which a
 * DROPPABLE mark is checked against. False for ID registers (no default).
 */
static bool known_default(uint64_t id, unsigned int writer, uint64_t *def)
{
	int row = sysreg_row_find(id);

	if (row < 0 || sysreg_rows[row].cls == ID)
		return false;
	*def = sysreg_row_default((unsigned int)row, writer);
	return true;
}

static void check_unplaced(const struct vmstate_entry *e, unsigned int writer,
			   const struct vmstate_tolerance *tol, struct vmstate_drops *drops,
			   struct vmstate_report *rep)
{
	uint64_t def;

	if (tolerated(tol, e->id)) {
		drops->id[drops->n++] = e->id;	/* the operator's choice, logged */
	} else if (!e->droppable) {
		vmstate_report_add(rep, VMSTATE_E_UNKNOWN_ID, e->id, e->value, 0, -1);
	} else if (known_default(e->id, writer, &def) && e->value != def) {
		/* DROPPABLE claims "at its default": checked where the reader knows it. */
		vmstate_report_add(rep, VMSTATE_E_DROPPABLE_MODIFIED, e->id, e->value, def, -1);
	} else {
		drops->id[drops->n++] = e->id;
	}
}

/*
 * Entry e's value, written in version `writer`'s meaning, as this reader's
 * world w means it (sysreg_convert); a refused move is reported.
 */
static bool import_value(const struct vmstate_entry *e, unsigned int idx, unsigned int writer,
			 unsigned int w, uint64_t *val, struct vmstate_report *rep)
{
	const struct sysreg_change *chg;

	*val = e->value;
	if (sysreg_table[idx].cls == ID ||
	    sysreg_convert(sysreg_row_of(idx), writer, w, val, &chg) != MOVE_REFUSED)
		return true;
	vmstate_report_move(rep, e->id, e->value, chg, writer, w);
	return false;
}

/*
 * The common load, the checks below with nothing to decide: a blob of this
 * firmware's version into its own world with no CHANGE line, whose entries
 * are the table's rows in order but for rows a blob may lack (reset-safe,
 * or hidden here). True when every check passes, with nothing dropped or
 * reported; false leaves the verdict to the general check.
 */
static bool plain_load(const struct vmstate *s, const struct vcpu_sysregs *vs)
{
	return vmstate_plain_paths && s->fw_version == FW_VERSION &&
	       vs->world_version == FW_VERSION && !sysreg_changes.n;
}

/*
 * An entry of a row with a value rule, or an ID register this side offers
 * (one not naming the CPU), checked as the general check does; none is
 * the sentinel's.
 */
static inline bool plain_value_ok(const struct vmstate_entry *e, unsigned int i, unsigned int special,
				  unsigned int vcpu, const uint64_t *hw)
{
	uint64_t offer;

	if (special & PLAIN_PAST)
		return false;
	if ((special & PLAIN_RULE) && value_rule_broken(i, e->value, vcpu))
		return false;
	if (!(special & PLAIN_OFFERED))
		return true;
	offer = hw[i] & plain.view[FW_VERSION][i];
	return e->value == offer || sysreg_id_exceeds(i, e->value, offer) < 0;
}

/*
 * The entries against the rows in step: each entry's row found by skipping
 * rows a blob may lack (the sentinel stops the skip), its value within
 * the bits import accepts, and the few special rows checked further.
 */
static bool check_plain(const struct vmstate_vcpu *c, const struct vcpu_sysregs *vs)
{
	const struct plain_tables *t = plain_tables();
	struct sysreg_mask lackable;
	uint64_t hw[SYSREG_COUNT];
	unsigned int i = 0;

	for (unsigned int w = 0; w < SYSREG_MASK_WORDS; w++)
		lackable.w[w] = t->reset_safe.w[w] | vs->hidden.w[w];
	sysreg_hw_read_ids(hw);
	for (const struct vmstate_entry *e = c->regs, *end = e + c->nregs; e < end; e++, i++) {
		for (; t->id[i] < e->id; i++)
			if (!sysreg_mask_test(&lackable, i))
				return false;
		if (t->id[i] != e->id || (e->value & ~t->accept[i]))
			return false;
		if (t->special[i] && !plain_value_ok(e, i, t->special[i], c->index, hw))
			return false;
	}
	for (; i < SYSREG_COUNT; i++)
		if (!sysreg_mask_test(&lackable, i))
			return false;
	return true;
}

void vmstate_rows_in_init(struct vmstate_rows_in *in, struct vmstate_rows_store *store)
{
	const struct plain_tables *t = plain_tables();

	*in = (struct vmstate_rows_in){ .id = t->id, .delta = t->delta, .accept = t->accept,
					.head = t->head, .headn = t->headn, .n = SYSREG_COUNT,
					.fw_first = t->fw_first, .version = FW_VERSION,
					.val = store->val, .flags = store->flags };
}

/* vCPU c's values by row, when the decoder took its entries into the plain rows; else NULL. */
static const uint64_t *plain_rows_of(const struct vmstate_vcpu *c)
{
	return c->rows_in && c->rows_in->id == plain.id ?
	       c->rows_in->val + (size_t)c->index * SYSREG_COUNT : NULL;
}

/* Whether vCPU c's value of row i, taken by row, is there. */
static inline bool row_has(const struct vmstate_vcpu *c, unsigned int i)
{
	return !((c->row_lacked[i / 64] >> (i % 64)) & 1);
}

/*
 * check_plain() for a vCPU taken by row: the decoder has matched each
 * entry to its row and checked its bits; left are the rows it lacks (each
 * must be one a blob may lack), the value rules (each on its row, where
 * the blob has it; MPIDR_EL1's Aff0 the vCPU's index), and the ID
 * registers this side offers (the value offered, or no feature beyond it).
 */
static bool check_rows(const struct vmstate_vcpu *c, const uint64_t *val,
		       const struct vcpu_sysregs *vs)
{
	const struct plain_tables *t = plain_tables();
	const uint16_t *row = t->offered_row;
	const uint64_t *view = t->offered_view;
	uint64_t hw[SYSREG_COUNT], lacked = 0, differ = 0;
	unsigned int noffered = t->noffered;

	for (unsigned int w = 0; w < SYSREG_MASK_WORDS; w++) {
		if (c->row_lacked[w] & ~(t->reset_safe.w[w] | vs->hidden.w[w]))
			return false;
		lacked |= c->row_lacked[w];
	}
	for (const struct plain_rule *r = plain_rule; r < plain_rule + plain_nrules; r++)
		if (((val[r->reg] >> r->shift) & r->mask) - r->lo > r->span &&
		    (!lacked || row_has(c, r->reg)))
			return false;
	if ((val[SYSREG_MPIDR_EL1] & 0xff) != c->index && (!lacked || row_has(c, SYSREG_MPIDR_EL1)))
		return false;
	sysreg_hw_read_id_rows(hw);
	/* Each ID register the value offered, as a blob of this machine has it: one pass, no branch. */
	for (unsigned int j = 0; j < noffered; j++)
		differ |= val[row[j]] ^ (hw[row[j]] & view[j]);
	if (!differ)
		return true;
	for (unsigned int j = 0; j < noffered; j++) {
		unsigned int k = row[j];
		uint64_t offer = hw[k] & view[j];

		if (val[k] != offer && (!lacked || row_has(c, k)) &&
		    sysreg_id_exceeds(k, val[k], offer) >= 0)
			return false;
	}
	return true;
}

/*
 * A vCPU taken by row as entries, for the general check and apply: made
 * in a scratch vCPU (the load runs on one CPU at a time), the state left
 * as it is.
 */
static const struct vmstate_vcpu *as_entries(const struct vmstate_vcpu *c)
{
	static struct vmstate_vcpu scratch;

	if (!c->rows_in)
		return c;
	scratch.index = c->index;
	scratch.rows_in = c->rows_in;
	scratch.row_sections = c->row_sections;
	memcpy(scratch.row_lacked, c->row_lacked, sizeof(scratch.row_lacked));
	vmstate_rows_to_regs(&scratch);
	return &scratch;
}

unsigned int vmstate_check_regs(const struct vmstate *s, unsigned int i_vcpu,
				const struct vcpu_sysregs *vs, const struct vmstate_tolerance *tol,
				struct vmstate_drops *drops, struct vmstate_report *rep)
{
	const struct vmstate_vcpu *c = &s->vcpu[i_vcpu];
	const uint64_t *rows = plain_rows_of(c);
	struct sysreg_mask seen = { { 0 } };
	unsigned int hint = 0, tag = rep->vcpu_tag, w = vs->world_version;

	drops->n = 0;
	if (plain_load(s, vs) && (rows ? check_rows(c, rows, vs) : check_plain(c, vs)))
		return rep->total;
	c = as_entries(c);
	rep->vcpu_tag = i_vcpu + 1;
	for (unsigned int k = 0; k < c->nregs; k++) {
		const struct vmstate_entry *e = &c->regs[k];
		int idx = sysreg_find_by_id_next(e->id, &hint);
		int row = idx >= 0 ? (int)sysreg_row_of((unsigned int)idx) : sysreg_row_find(e->id);
		const struct sysreg_desc *d;
		const char *why;
		uint64_t val;
		int shift;

		/* A writer cannot send what its version's list did not have. */
		if (row >= 0 && sysreg_rows[row].since > s->fw_version) {
			vmstate_report_add(rep, VMSTATE_E_NEWER_THAN_WRITER, e->id, s->fw_version,
					   sysreg_rows[row].since, -1);
			continue;
		}
		if (idx < 0 || !sysreg_in_world((unsigned int)idx, w)) {
			check_unplaced(e, s->fw_version, tol, drops, rep);
			continue;
		}
		d = &sysreg_table[idx];
		sysreg_mask_set(&seen, (unsigned int)idx);
		why = value_rule_broken((unsigned int)idx, e->value, c->index);
		if (why) {
			vmstate_report_why(rep, VMSTATE_E_BAD_VALUE, e->id, e->value, 0, why);
		} else if (!import_value(e, (unsigned int)idx, s->fw_version, w, &val, rep)) {
			continue;
		} else if (d->cls != ID) {
			uint64_t keep = sysreg_row_wmask(sysreg_row_of((unsigned int)idx), w);

			if (val & ~keep)
				vmstate_report_add(rep, VMSTATE_E_WMASK, e->id, val, keep, -1);
		} else if (!(d->flags & IDENT)) {
			uint64_t offer = id_offer((unsigned int)idx, w);

			shift = sysreg_id_exceeds((unsigned int)idx, e->value, offer);
			if (shift >= 0)
				vmstate_report_add(rep, VMSTATE_E_ID_INCOMPATIBLE, e->id, e->value,
						   offer, shift);
		}
	}
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];
		const struct sysreg_change *chg;
		uint64_t def;

		if (sysreg_mask_test(&seen, i) || !sysreg_in_world(i, w))
			continue;
		/* An ID register newer than the writer: its CPU models read it as 0. */
		if (d->cls == ID && d->since > s->fw_version)
			continue;
		if (!(d->flags & RESET_SAFE) && !sysreg_mask_test(&vs->hidden, i)) {
			vmstate_report_add(rep, VMSTATE_E_MISSING_REG, d->id, 0, 0, -1);
			continue;
		}
		/* Left out at the writer's default: what that default becomes here. */
		def = sysreg_row_default(sysreg_row_of(i), s->fw_version);
		if (d->cls != ID && d->since <= s->fw_version &&
		    sysreg_convert(sysreg_row_of(i), s->fw_version, w, &def, &chg) == MOVE_REFUSED)
			vmstate_report_move(rep, d->id, def, chg, s->fw_version, w);
	}
	rep->vcpu_tag = tag;
	return rep->total;
}

/*
 * The rows a blob lacks (set in lacked, SYSREG_MASK_WORDS words), after
 * every other row is written: the CPU model the blob's ID registers make
 * (one it lacks is newer than its writer, 0 in the writer's view), then
 * each lacked row's default in that model.
 */
static void lacked_to_defaults(struct vcpu_sysregs *vs, const uint64_t *lacked)
{
	for (unsigned int w = 0; w < SYSREG_MASK_WORDS; w++)
		for (uint64_t m = lacked[w]; m; m &= m - 1) {
			unsigned int i = w * 64 + (unsigned int)__builtin_ctzll(m);

			if (sysreg_table[i].cls == ID)
				vs->val[i] = 0;
		}
	vs->cpu_version = sysreg_cpu_model_of(vs);
	for (unsigned int w = 0; w < SYSREG_MASK_WORDS; w++)
		for (uint64_t m = lacked[w]; m; m &= m - 1) {
			unsigned int i = w * 64 + (unsigned int)__builtin_ctzll(m);

			vs->val[i] = sysreg_table[i].cls == ID ? sysreg_default(vs, i) :
				     sysreg_table[i].reset;
		}
}

/*
 * The common load's writes (see check_plain): the entries in table order,
 * the rows they lack at their defaults in the CPU model the blob's ID
 * registers make. False, having written some, when the entries are not
 * that plain: the general apply then writes every row again.
 */
static bool apply_plain(const struct vmstate_vcpu *c, struct vcpu_sysregs *vs)
{
	const struct vmstate_entry *e = c->regs, *end = e + c->nregs;
	struct sysreg_mask lacked = { { 0 } };

	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		if (e < end && e->id == sysreg_table[i].id) {
			vs->val[i] = (e++)->value;
			continue;
		}
		if (e < end && e->id < sysreg_table[i].id)
			return false;
		sysreg_mask_set(&lacked, i);
	}
	if (e != end)
		return false;
	lacked_to_defaults(vs, lacked.w);
	return true;
}

/*
 * apply_plain() for a vCPU taken by row: every row's value at once, then
 * what the blob lacks as apply_plain() sets it.
 */
static void apply_rows(const struct vmstate_vcpu *c, const uint64_t *val, struct vcpu_sysregs *vs)
{
	memcpy(vs->val, val, sizeof(vs->val));
	lacked_to_defaults(vs, c->row_lacked);
}

void vmstate_apply_regs(const struct vmstate_vcpu *c, unsigned int writer, struct vcpu_sysregs *vs)
{
	struct sysreg_mask seen = { { 0 } };
	unsigned int hint = 0, w = vs->world_version;
	const struct sysreg_change *chg;
	bool same = writer == w || !sysreg_changes.n;	/* nothing to convert: the common case */
	const uint64_t *rows = plain_rows_of(c);

	if (vmstate_plain_paths && writer == FW_VERSION && w == FW_VERSION && !sysreg_changes.n) {
		if (rows) {
			apply_rows(c, rows, vs);
			return;
		}
		if (apply_plain(c, vs))
			return;
	}
	c = as_entries(c);
	for (unsigned int k = 0; k < c->nregs; k++) {
		int idx = sysreg_find_by_id_next(c->regs[k].id, &hint);
		uint64_t val = c->regs[k].value;

		if (idx < 0 || !sysreg_in_world((unsigned int)idx, w))
			continue;	/* dropped, as the check allowed */
		if (!same && sysreg_table[idx].cls != ID)
			sysreg_convert(sysreg_row_of((unsigned int)idx), writer, w, &val, &chg);
		vs->val[idx] = val;
		sysreg_mask_set(&seen, (unsigned int)idx);
	}
	/*
	 * The guest's CPU model is now the blob's, whatever this side booted
	 * with: found from the ID registers the blob has (one it lacks is
	 * newer than its writer, 0 in the writer's view), then what the blob
	 * lacks gets its default in that model: for a register the writer had,
	 * the writer's default as this side means it; for a newer one, this
	 * side's.
	 */
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (!sysreg_mask_test(&seen, i) && sysreg_table[i].cls == ID)
			vs->val[i] = 0;
	vs->cpu_version = sysreg_cpu_model_of(vs);
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		if (sysreg_mask_test(&seen, i) || !sysreg_in_world(i, w))
			continue;
		vs->val[i] = sysreg_default(vs, i);
		if (sysreg_table[i].cls != ID && sysreg_table[i].since <= writer) {
			vs->val[i] = sysreg_row_default(sysreg_row_of(i), writer);
			sysreg_convert(sysreg_row_of(i), writer, w, &vs->val[i], &chg);
		}
	}
}
