/*
 * Every version's register list and what each register means in each
 * version: its default and its writable mask, as the rows of
 * sysreg/sysregs.def and the CHANGE lines below them give them, and the
 * conversion of a value from one version's meaning to another's.
 */
#include "sysreg/sysreg.h"

const struct sysreg_desc sysreg_rows[SYSREG_ROW_COUNT] = {
#define SYSREG(n, id_, acc, cl, fl, rs, wm, si)				\
	[SYSREG_ROW_##n] = SYSREG_DESC(n, id_, cl, fl, rs, wm, si),
#define SYSREG_ALL_VERSIONS
#include "sysreg/sysregs.h"
#undef SYSREG_ALL_VERSIONS
#undef SYSREG
};

static const struct sysreg_change changes[] = {
#define SYSREG(n, id_, acc, cl, fl, rs, wm, si)
#define SYSREG_CHANGE(n, v, def_, wm, rule_)				\
	{ .row = SYSREG_ROW_##n, .version = v, .def = (uint64_t)(def_),	\
	  .wmask = (uint64_t)(wm), .rule = RULE_##rule_ },
#define SYSREG_ALL_VERSIONS
#include "sysreg/sysregs.h"
#undef SYSREG_ALL_VERSIONS
#undef SYSREG_CHANGE
#undef SYSREG
	{ .row = SYSREG_ROW_COUNT },	/* the end (and an empty list compiles) */
};

struct sysreg_changes sysreg_changes = { changes, ARRAY_SIZE(changes) - 1 };

const uint16_t sysreg_row_of_idx[SYSREG_COUNT] = {
#define SYSREG(n, id_, acc, cl, fl, rs, wm, si) [SYSREG_##n] = SYSREG_ROW_##n,
#include "sysreg/sysregs.h"
#undef SYSREG
};

int sysreg_row_find(uint64_t id)
{
	return sysreg_bisect(sysreg_rows, SYSREG_ROW_COUNT, id);
}

const struct sysreg_change *sysreg_change_at(unsigned int row, unsigned int v)
{
	const struct sysreg_change *best = NULL;

	for (unsigned int i = 0; i < sysreg_changes.n; i++) {
		const struct sysreg_change *c = &sysreg_changes.c[i];

		if (c->row == row && c->version <= v && (!best || c->version > best->version))
			best = c;
	}
	return best;
}

uint64_t sysreg_row_default_changed(unsigned int row, unsigned int v)
{
	const struct sysreg_change *c = sysreg_change_at(row, v);

	return c ? c->def : sysreg_rows[row].reset;
}

uint64_t sysreg_row_wmask_changed(unsigned int row, unsigned int v)
{
	const struct sysreg_change *c = sysreg_change_at(row, v);

	return c ? c->wmask : sysreg_rows[row].wmask;
}

uint64_t sysreg_row_wmask_ever_changed(unsigned int row, unsigned int v)
{
	uint64_t m = sysreg_rows[row].wmask;

	for (unsigned int i = 0; i < sysreg_changes.n; i++)
		if (sysreg_changes.c[i].row == row && sysreg_changes.c[i].version <= v)
			m |= sysreg_changes.c[i].wmask;
	return m;
}

const char *sysreg_rule_name(unsigned int rule)
{
	static const char *const names[] = {
		[RULE_KEEP] = "keep", [RULE_ADOPT] = "adopt", [RULE_REFUSE] = "refuse",
	};

	return rule < ARRAY_SIZE(names) ? names[rule] : "?";
}

/*
 * The rule for a move across every change of the row between the two
 * versions (after the older, up to the newer): refuse if any refuses,
 * adopt only if all adopt, else keep. *last: the newest of them (NULL: none).
 */
static unsigned int rule_between(unsigned int row, unsigned int a, unsigned int b,
				 const struct sysreg_change **last)
{
	unsigned int lo = a < b ? a : b, hi = a < b ? b : a, rule = RULE_ADOPT;

	*last = NULL;
	for (unsigned int i = 0; i < sysreg_changes.n; i++) {
		const struct sysreg_change *c = &sysreg_changes.c[i];

		if (c->row != row || c->version <= lo || c->version > hi)
			continue;
		if (c->rule == RULE_REFUSE || (c->rule == RULE_KEEP && rule == RULE_ADOPT))
			rule = c->rule;
		if (!*last || c->version > (*last)->version)
			*last = c;
	}
	return rule;
}

enum sysreg_moved sysreg_convert_changed(unsigned int row, unsigned int from, unsigned int to,
					 uint64_t *val, const struct sysreg_change **chg)
{
	const struct sysreg_change *last;
	unsigned int rule;
	uint64_t v = *val, keep;

	rule = rule_between(row, from, to, &last);
	if (!last)
		return MOVE_SAME;
	*chg = last;
	if (rule == RULE_REFUSE)
		return MOVE_REFUSED;
	if (rule == RULE_ADOPT && v == sysreg_row_default(row, from))
		v = sysreg_row_default(row, to);
	keep = sysreg_row_wmask(row, to);
	if (v & ~keep) {
		/* Bits the destination's version does not keep: cleared only when declared. */
		if (rule != RULE_ADOPT)
			return MOVE_REFUSED;
		v &= keep;
	}
	if (v == *val)
		return MOVE_SAME;
	*val = v;
	return MOVE_CONVERTED;
}

bool sysreg_changes_valid(void)
{
	for (unsigned int i = 0; i < sysreg_changes.n; i++) {
		const struct sysreg_change *c = &sysreg_changes.c[i];

		if (c->row >= SYSREG_ROW_COUNT || c->version <= sysreg_rows[c->row].since ||
		    c->version > FW_VERSION_LATEST || c->rule > RULE_REFUSE ||
		    sysreg_rows[c->row].cls == ID)
			return false;
		for (unsigned int k = 0; k < i; k++)
			if (sysreg_changes.c[k].row == c->row &&
			    sysreg_changes.c[k].version == c->version)
				return false;
	}
	return true;
}
