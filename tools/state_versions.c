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

int cmd_manifest(unsigned int version)
{
	printf("%-26s %-18s  %-8s  %s\n", "name", "id", "class", "since");
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].since <= version)
			printf("%-26s 0x%016llx  %-8s  %u\n", sysreg_table[i].name,
			       (unsigned long long)sysreg_table[i].id,
			       sysreg_class_name(sysreg_table[i].cls), sysreg_table[i].since);
	return 0;
}

int cmd_check(unsigned int from, unsigned int to)
{
	unsigned int defaults = 0, pinned = 0;

	printf("moving a guest from firmware v%u to v%u:\n", from, to);
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];

		if (d->since <= from && d->since > to) {
			printf("  %-26s 0x%016llx  unknown to v%u: must be hidden at its default, or "
			       "exported droppable (at its default)\n", d->name,
			       (unsigned long long)d->id, to);
			defaults++;
		} else if (d->since > from && d->since <= to) {
			/* An ID register newer than the source read 0 in every view it had. */
			bool fine = (d->flags & RESET_SAFE) || d->cls == ID;

			printf("  %-26s 0x%016llx  new in v%u: %s\n", d->name,
			       (unsigned long long)d->id, to,
			       d->cls == ID ? "the source's views read it as 0, as it stays" :
			       fine ? "gets its reset value" : "not reset-safe: the move is impossible");
			if (!fine)
				pinned += 1000;
		} else if (d->cls == ID && sysreg_id_mask(i, from) != sysreg_id_mask(i, to)) {
			uint64_t extra = sysreg_id_mask(i, from) & ~sysreg_id_mask(i, to);

			for (unsigned int sh = 0; sh < 64; sh += 4)
				if ((extra >> sh) & 0xf) {
					const char *f = sysreg_id_field_name(i, sh);

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
	       "the v%u CPU model\n", defaults, pinned, to);
	return 0;
}
