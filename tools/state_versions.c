/* regvisor-state manifest and check: the register lists of firmware versions. */
#include <stdio.h>
#include <string.h>

#include "sysreg/bootargs.h"
#include "sysreg/sysreg.h"
#include "tools/state.h"

bool parse_version(const char *s, unsigned int *v)
{
	uint64_t n;

	if (!s || !parse_u64(s, strlen(s), &n) || n < 1 || n > FW_VERSION)
		return false;
	*v = (unsigned int)n;
	return true;
}

/* Every SMCCC call the firmware answers, and since which version (sysreg/hypercalls.def). */
static const struct {
	const char *name;
	uint32_t fid;
	unsigned int since;
} hcalls[] = {
#define HCALL(name, fid, since, handler, frame) { #name, fid, since },
#include "sysreg/hypercalls.def"
#undef HCALL
};

static const char *flag_names(unsigned int flags, char *buf, size_t len)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ RESET_SAFE, "RESET_SAFE" }, { GUEST_SET, "GUEST_SET" },
		{ KVM_ID_ALIAS, "KVM_ID_ALIAS" }, { IDENT, "IDENT" },
	};
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (flags & names[k].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
					      names[k].name);
	return n ? buf : "-";
}

/*
 * The register list of version `version`; `full` is the release manifest:
 * every register with what it means in that version (class, flags, the
 * default: for an ID register the fields that version's CPU model shows,
 * the writable mask, since) and every call, one line each.
 */
int cmd_manifest(unsigned int version, bool full)
{
	char fl[64];

	if (!full)
		printf("%-26s %-18s  %-8s  %s\n", "name", "id", "class", "since");
	else
		printf("# regvisor firmware version %u: registers, then calls\n", version);
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];
		uint64_t def = d->cls == ID ? sysreg_id_mask(i, version) :
			       sysreg_row_default(sysreg_row_of(i), version);

		if (d->since > version)
			continue;
		if (!full)
			printf("%-26s 0x%016llx  %-8s  %u\n", d->name, (unsigned long long)d->id,
			       sysreg_class_name(d->cls), d->since);
		else
			printf("register %-22s id=0x%016llx class=%s flags=%s default=0x%llx "
			       "wmask=0x%llx since=%u\n", d->name, (unsigned long long)d->id,
			       sysreg_class_name(d->cls), flag_names(d->flags, fl, sizeof(fl)),
			       (unsigned long long)def,
			       (unsigned long long)sysreg_row_wmask(sysreg_row_of(i), version), d->since);
	}
	for (unsigned int k = 0; full && k < sizeof(hcalls) / sizeof(hcalls[0]); k++)
		if (hcalls[k].since <= version)
			printf("call %-26s fid=0x%08x since=%u\n", hcalls[k].name, hcalls[k].fid,
			       hcalls[k].since);
	return 0;
}

/* What a move does to a register both versions have, by its CHANGE lines (nothing: false). */
static bool check_changed(unsigned int row, unsigned int from, unsigned int to, unsigned int *bad)
{
	const struct sysreg_desc *d = &sysreg_rows[row];
	uint64_t dfrom = sysreg_row_default(row, from), dto = sysreg_row_default(row, to);
	uint64_t wfrom = sysreg_row_wmask(row, from), wto = sysreg_row_wmask(row, to);
	uint64_t v = dfrom;
	const struct sysreg_change *chg;
	enum sysreg_moved m = sysreg_convert(row, from, to, &v, &chg);

	if (!chg)
		return false;
	printf("  %-26s 0x%016llx  new in v%u; changed in v%u (default 0x%llx -> 0x%llx, writable "
	       "0x%llx -> 0x%llx), rule %s: ", d->name, (unsigned long long)d->id, d->since,
	       chg->version, (unsigned long long)dfrom, (unsigned long long)dto,
	       (unsigned long long)wfrom, (unsigned long long)wto, sysreg_rule_name(chg->rule));
	if (m == MOVE_REFUSED && chg->rule == RULE_REFUSE) {
		printf("the move is refused\n");
		*bad += 1000;
		return true;
	}
	if (chg->rule == RULE_ADOPT)
		printf("at v%u's default it takes v%u's%s\n", from, to,
		       wfrom & ~wto ? "; bits the target does not keep are cleared" : "");
	else
		printf("the guest keeps its value%s\n", wfrom & ~wto ?
		       "; a value with bits the target does not keep is refused" : "");
	if (chg->rule == RULE_KEEP && dfrom != dto)
		printf("  %-26s %18s  hidden, it must hold v%u's default 0x%llx\n", "", "", to,
		       (unsigned long long)dto);
	return true;
}

int cmd_check(unsigned int from, unsigned int to)
{
	unsigned int defaults = 0, pinned = 0, changed = 0;

	printf("moving a guest from firmware v%u to v%u:\n", from, to);
	for (unsigned int r = 0; r < SYSREG_ROW_COUNT; r++) {
		const struct sysreg_desc *d = &sysreg_rows[r];
		int i = sysreg_find_by_id(d->id);

		if (d->since <= from && d->since > to) {
			printf("  %-26s 0x%016llx  new in v%u, unknown to v%u: must be hidden at its "
			       "default, or exported droppable (at its default)\n", d->name,
			       (unsigned long long)d->id, d->since, to);
			defaults++;
		} else if (d->since > from && d->since <= to) {
			/* An ID register newer than the source read 0 in every view it had. */
			bool fine = (d->flags & RESET_SAFE) || d->cls == ID;

			printf("  %-26s 0x%016llx  new in v%u: %s\n", d->name,
			       (unsigned long long)d->id, d->since,
			       d->cls == ID ? "the source's views read it as 0, as it stays" :
			       fine ? "gets its reset value" : "not reset-safe: the move is impossible");
			if (!fine)
				pinned += 1000;
		} else if (d->since > from || d->since > to) {
			continue;
		} else if (d->cls != ID) {
			changed += check_changed(r, from, to, &pinned);
		} else if (i >= 0 && sysreg_id_mask((unsigned int)i, from) !=
				     sysreg_id_mask((unsigned int)i, to)) {
			uint64_t extra = sysreg_id_mask((unsigned int)i, from) &
					 ~sysreg_id_mask((unsigned int)i, to);

			for (unsigned int sh = 0; sh < 64; sh += 4)
				if ((extra >> sh) & 0xf) {
					const char *f = sysreg_id_field_name((unsigned int)i, sh);

					printf("  %-26s field %s[%u:%u] shown by v%u, not by v%u: boot the "
					       "source with regvisor.cpu=%u (or compat=%u)\n", d->name,
					       f ? f : "", sh + 3, sh, from, to, to, to);
					pinned++;
				}
		}
	}
	if (pinned >= 1000) {
		printf("result: impossible\n");
		return EXIT_DIFFERENT;
	}
	printf("result: possible; %u registers must stay at their defaults, %u ID fields need "
	       "the v%u CPU model, %u registers change meaning\n", defaults, pinned, to, changed);
	return 0;
}
