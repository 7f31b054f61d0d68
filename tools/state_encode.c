/* regvisor-state encode: "key=value [droppable]" lines into a blob. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysreg/bootargs.h"
#include "sysreg/sysreg.h"
#include "tools/state.h"

static int entry_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct vmstate_entry *)a)->id, y = ((const struct vmstate_entry *)b)->id;

	return x < y ? -1 : x > y;
}

/* One "key=value [droppable]" line into s; false with a message on error. */
static bool encode_line(struct vmstate *s, char *line, unsigned int lno)
{
	char *eq = strchr(line, '='), *val, *flag;
	uint64_t v, id;
	unsigned int n;
	int idx;

	if (!eq) {
		fprintf(stderr, "%s: line %u: expected key=value\n", prog, lno);
		return false;
	}
	*eq = '\0';
	val = eq + 1;
	flag = strchr(val, ' ');
	if (flag)
		*flag++ = '\0';
	if (!parse_u64(val, strlen(val), &v)) {
		fprintf(stderr, "%s: line %u: bad value '%s'\n", prog, lno, val);
		return false;
	}
	if (sscanf(line, "x%u", &n) == 1 && n < 31 && line[1] >= '0')
		s->core.x[n] = v;
	else if (!strcmp(line, "pc"))
		s->core.pc = v;
	else if (!strcmp(line, "pstate"))
		s->core.pstate = v;
	else if (!strcmp(line, "fpsr"))
		s->fp.fpsr = (uint32_t)v;
	else if (!strcmp(line, "fpcr"))
		s->fp.fpcr = (uint32_t)v;
	else if (!strcmp(line, "vcount"))
		s->vcount = v;
	else if (!strcmp(line, "fw_version"))
		s->fw_version = (uint16_t)v;
	else if (!strcmp(line, "vcpu"))
		s->vcpu = (uint16_t)v;
	else if (sscanf(line, "d%u", &n) == 1 && n < 64 && line[1] >= '0')
		s->fp.v[n / 2][n % 2] = v;	/* d<2k> low half of v<k>, d<2k+1> high half */
	else {
		if (!strncmp(line, "0x", 2)) {
			if (!parse_u64(line, strlen(line), &id)) {
				fprintf(stderr, "%s: line %u: bad id '%s'\n", prog, lno, line);
				return false;
			}
		} else if ((idx = sysreg_find_by_name(line)) >= 0) {
			id = sysreg_table[idx].id;
		} else {
			fprintf(stderr, "%s: line %u: unknown key '%s'\n", prog, lno, line);
			return false;
		}
		if (s->nregs >= VMSTATE_MAX_ENTRIES) {
			fprintf(stderr, "%s: line %u: more than %u registers\n", prog, lno,
				VMSTATE_MAX_ENTRIES);
			return false;
		}
		s->regs[s->nregs++] = (struct vmstate_entry){
			.id = id, .value = v, .droppable = flag && !strcmp(flag, "droppable"),
		};
	}
	return true;
}

int cmd_encode(const char *in, const char *out)
{
	static struct vmstate s;
	static uint8_t blob[VMSTATE_MAX_BLOB];
	size_t len;
	uint8_t *text = read_file(in, &len);
	unsigned int lno = 0;
	enum vmstate_err e;
	char *line, *save = NULL;
	FILE *f;

	if (!text)
		return EXIT_INVALID;
	s.fw_version = FW_VERSION;
	text[len] = '\0';
	for (line = strtok_r((char *)text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end = line + strlen(line);

		lno++;
		while (end > line && (end[-1] == '\r' || end[-1] == ' '))
			*--end = '\0';
		if (!*line || *line == '#')
			continue;
		if (!encode_line(&s, line, lno)) {
			free(text);
			return EXIT_INVALID;
		}
	}
	free(text);
	qsort(s.regs, s.nregs, sizeof(s.regs[0]), entry_cmp);
	len = vmstate_encode(&s, blob, sizeof(blob), &e);
	if (!len) {
		fprintf(stderr, "%s: %s: %s\n", prog, in, vmstate_strerror(e));
		return EXIT_INVALID;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(blob, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
		return EXIT_INVALID;
	}
	return 0;
}
