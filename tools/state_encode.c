/* regvisor-state encode: "key=value [droppable]" lines into a blob. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysreg/bootargs.h"
#include "sysreg/sysreg.h"
#include "vmstate/policy.h"
#include "tools/state.h"

static unsigned int entry_line[VMSTATE_MAX_ENTRIES];	/* each entry's source line */

static int entry_cmp(const void *a, const void *b)
{
	const struct vmstate_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static char *skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The next blank-separated word of *p (NUL-terminated in place), or NULL. */
static char *next_word(char **p)
{
	char *w = skip_blanks(*p), *e = w;

	if (!*w)
		return NULL;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = '\0';
	*p = e;
	return w;
}

/* A register by name or KVM id; false with a message on error. */
static bool parse_reg_key(const char *key, unsigned int lno, uint64_t *id)
{
	int idx;

	if (!strncmp(key, "0x", 2)) {
		if (!parse_u64(key, strlen(key), id)) {
			fprintf(stderr, "%s: line %u: bad id '%s'\n", prog, lno, key);
			return false;
		}
		if (!vmstate_id_name(*id))
			fprintf(stderr, "%s: line %u: warning: id 0x%016llx is not a register this "
				"build knows; encoded as given\n", prog, lno, (unsigned long long)*id);
		return true;
	}
	if ((idx = sysreg_find_by_name(key)) >= 0) {
		*id = sysreg_table[idx].id;
		return true;
	}
	fprintf(stderr, "%s: line %u: unknown key '%s'\n", prog, lno, key);
	return false;
}

/* One "key = value [droppable]" line into s; false with a message on error. */
static bool encode_line(struct vmstate *s, char *line, unsigned int lno)
{
	char *eq = strchr(line, '='), *key, *val, *word, *rest;
	bool droppable = false;
	uint64_t v, id;
	unsigned int n;

	if (!eq) {
		fprintf(stderr, "%s: line %u: expected key=value\n", prog, lno);
		return false;
	}
	*eq = '\0';
	rest = line;
	key = next_word(&rest);
	if (!key || next_word(&rest)) {
		fprintf(stderr, "%s: line %u: expected one key before '='\n", prog, lno);
		return false;
	}
	rest = eq + 1;
	val = next_word(&rest);
	if (!val || !parse_u64(val, strlen(val), &v)) {
		fprintf(stderr, "%s: line %u: bad value '%s'\n", prog, lno, val ? val : "");
		return false;
	}
	while ((word = next_word(&rest))) {
		if (strcmp(word, "droppable")) {
			fprintf(stderr, "%s: line %u: unknown word '%s' (only 'droppable' may follow "
				"the value)\n", prog, lno, word);
			return false;
		}
		droppable = true;
	}
	if (sscanf(key, "x%u", &n) == 1 && n < 31 && key[1] >= '0')
		s->core.x[n] = v;
	else if (!strcmp(key, "pc"))
		s->core.pc = v;
	else if (!strcmp(key, "pstate"))
		s->core.pstate = v;
	else if (!strcmp(key, "fpsr"))
		s->fp.fpsr = (uint32_t)v;
	else if (!strcmp(key, "fpcr"))
		s->fp.fpcr = (uint32_t)v;
	else if (!strcmp(key, "vcount"))
		s->vcount = v;
	else if (!strcmp(key, "fw_version"))
		s->fw_version = (uint16_t)v;
	else if (!strcmp(key, "vcpu"))
		s->vcpu = (uint16_t)v;
	else if (sscanf(key, "d%u", &n) == 1 && n < 64 && key[1] >= '0')
		s->fp.v[n / 2][n % 2] = v;	/* d<2k> low half of v<k>, d<2k+1> high half */
	else {
		if (!parse_reg_key(key, lno, &id))
			return false;
		if (s->nregs >= VMSTATE_MAX_ENTRIES) {
			fprintf(stderr, "%s: line %u: more than %u registers\n", prog, lno,
				VMSTATE_MAX_ENTRIES);
			return false;
		}
		for (unsigned int i = 0; i < s->nregs; i++)
			if (s->regs[i].id == id) {
				fprintf(stderr, "%s: line %u: duplicate id 0x%016llx (%s), first on "
					"line %u\n", prog, lno, (unsigned long long)id,
					vmstate_id_name(id) ? vmstate_id_name(id) : "?", entry_line[i]);
				return false;
			}
		entry_line[s->nregs] = lno;
		s->regs[s->nregs++] = (struct vmstate_entry){
			.id = id, .value = v, .droppable = droppable,
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
	char *line, *next;
	FILE *f;

	if (!text)
		return EXIT_INVALID;
	s.fw_version = FW_VERSION;
	text[len] = '\0';
	for (line = (char *)text; line; line = next) {
		char *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		end = line + strlen(line);
		lno++;
		while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		line = skip_blanks(line);
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
