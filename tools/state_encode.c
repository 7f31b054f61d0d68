/*
 * regvisor-state encode: "key=value [droppable]" lines into a blob, with
 * `vcpu N` and `vm` lines saying whose keys follow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysreg/bootargs.h"
#include "sysreg/sysreg.h"
#include "vmstate/policy.h"
#include "tools/state.h"

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

/* The text being encoded: the state, and where its lines put things. */
static struct {
	struct vmstate s;
	int scope;		/* SCOPE_START, SCOPE_VM, or a vCPU index */
	bool v2;		/* a `vcpu N` line or a 2.0-only key: format 2.0 */
	unsigned int format;	/* `format = N`; 0: by what the text uses */
	unsigned int nvcpus;	/* `vcpus = N`; 0: the highest vCPU + 1 */
	unsigned int highest;
	unsigned int reg_line[VMSTATE_MAX_VCPUS][VMSTATE_MAX_ENTRIES];
	unsigned int dev_line[VMSTATE_MAX_VCPUS][VMSTATE_MAX_DEV_VCPU];
	unsigned int vm_dev_line[VMSTATE_MAX_DEV_VM];
} enc;
#define SCOPE_START	(-1)	/* before any `vcpu N` or `vm` line */
#define SCOPE_VM	(-2)

/* One entry into an array of n (at most max), refusing a duplicate id by its first line. */
static bool add_entry(struct vmstate_entry *e, unsigned int *n, unsigned int max,
		      unsigned int *lines, uint64_t id, uint64_t v, bool droppable, unsigned int lno)
{
	if (*n >= max) {
		fprintf(stderr, "%s: line %u: more than %u entries there\n", prog, lno, max);
		return false;
	}
	for (unsigned int i = 0; i < *n; i++)
		if (e[i].id == id) {
			fprintf(stderr, "%s: line %u: duplicate id 0x%016llx (%s), first on line %u\n",
				prog, lno, (unsigned long long)id,
				vmstate_id_name(id) ? vmstate_id_name(id) : "?", lines[i]);
			return false;
		}
	lines[*n] = lno;
	e[(*n)++] = (struct vmstate_entry){ .id = id, .value = v, .droppable = droppable };
	return true;
}

/* A line without '=': `vcpu N` or `vm`. */
static bool scope_line(char *line, unsigned int lno)
{
	char *rest = line, *w = next_word(&rest), *n = next_word(&rest);
	uint64_t v;

	if (w && !strcmp(w, "vm") && !n) {
		enc.scope = SCOPE_VM;
		return true;
	}
	if (w && !strcmp(w, "vcpu") && n && !next_word(&rest) && parse_u64(n, strlen(n), &v) &&
	    v < VMSTATE_MAX_VCPUS) {
		enc.scope = (int)v;
		enc.v2 = true;
		if (v > enc.highest)
			enc.highest = (unsigned int)v;
		return true;
	}
	fprintf(stderr, "%s: line %u: expected key=value, `vcpu N` (N below %u) or `vm`\n", prog,
		lno, VMSTATE_MAX_VCPUS);
	return false;
}

static bool parse_power(const char *w, uint64_t *v)
{
	for (unsigned int p = 0; p < 3; p++)
		if (!strcmp(w, vmstate_power_name(p))) {
			*v = p;
			return true;
		}
	return parse_u64(w, strlen(w), v) && *v <= 0xff;
}

/* Keys of the whole blob; false when key is not one. */
static bool vm_key(const char *key, uint64_t v)
{
	if (!strcmp(key, "vcount"))
		enc.s.vcount = v;
	else if (!strcmp(key, "fw_version"))
		enc.s.fw_version = (uint16_t)v;
	else if (!strcmp(key, "format"))
		enc.format = (unsigned int)v;
	else if (!strcmp(key, "vcpus"))
		enc.nvcpus = (unsigned int)v;
	else
		return false;
	return true;
}

/* Keys of a vCPU's record and general state; false when key is not one. */
static bool vcpu_key(struct vmstate_vcpu *c, const char *key, uint64_t v)
{
	unsigned int n;

	if (sscanf(key, "x%u", &n) == 1 && n < 31 && key[1] >= '0')
		c->core.x[n] = v;
	else if (!strcmp(key, "pc"))
		c->core.pc = v;
	else if (!strcmp(key, "pstate"))
		c->core.pstate = v;
	else if (!strcmp(key, "fpsr"))
		c->fp.fpsr = (uint32_t)v;
	else if (!strcmp(key, "fpcr"))
		c->fp.fpcr = (uint32_t)v;
	else if (sscanf(key, "d%u", &n) == 1 && n < 64 && key[1] >= '0')
		c->fp.v[n / 2][n % 2] = v;	/* d<2k> low half of v<k>, d<2k+1> high half */
	else if (!strcmp(key, "mpidr"))
		c->mpidr = v, enc.v2 = true;
	else if (!strcmp(key, "power"))
		c->power = (uint8_t)v, enc.v2 = true;
	else if (!strcmp(key, "entry"))
		c->entry = v, enc.v2 = true;
	else if (!strcmp(key, "context"))
		c->context = v, enc.v2 = true;
	else
		return false;
	return true;
}

/* One "key = value [droppable]" line; false with a message on error. */
static bool encode_line(char *line, unsigned int lno)
{
	char *eq = strchr(line, '='), *key, *val, *word, *rest;
	unsigned int vi = enc.scope >= 0 ? (unsigned int)enc.scope : 0;
	struct vmstate_vcpu *c = &enc.s.vcpu[vi];
	bool droppable = false;
	uint64_t v, id;

	if (!eq)
		return scope_line(line, lno);
	*eq = '\0';
	rest = line;
	key = next_word(&rest);
	if (!key || next_word(&rest)) {
		fprintf(stderr, "%s: line %u: expected one key before '='\n", prog, lno);
		return false;
	}
	rest = eq + 1;
	val = next_word(&rest);
	if (!val || !(!strcmp(key, "power") ? parse_power(val, &v) :
		      parse_u64(val, strlen(val), &v))) {
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
	if (vm_key(key, v))
		return true;
	if (!strcmp(key, "vcpu") && enc.scope == SCOPE_START) {
		c->index = (uint16_t)v;		/* 1.0's header vCPU index */
		return true;
	}
	if (!strncmp(key, "0x", 2) && parse_u64(key, strlen(key), &id) && vmstate_id_is_dev(id)) {
		enc.v2 = true;
		if (enc.scope < 0)
			return add_entry(enc.s.dev, &enc.s.ndev, VMSTATE_MAX_DEV_VM, enc.vm_dev_line,
					 id, v, droppable, lno);
		return add_entry(c->dev, &c->ndev, VMSTATE_MAX_DEV_VCPU, enc.dev_line[vi], id, v,
				 droppable, lno);
	}
	if (enc.scope == SCOPE_VM) {
		fprintf(stderr, "%s: line %u: '%s' is a vCPU's: put it after a `vcpu N` line\n",
			prog, lno, key);
		return false;
	}
	if (vcpu_key(c, key, v))
		return true;
	if (!parse_reg_key(key, lno, &id))
		return false;
	return add_entry(c->regs, &c->nregs, VMSTATE_MAX_ENTRIES, enc.reg_line[vi], id, v,
			 droppable, lno);
}

/* The text's state, complete: count, format, every array sorted. */
static bool finish(const char *in)
{
	struct vmstate *s = &enc.s;

	s->nvcpus = (uint16_t)(enc.nvcpus ? enc.nvcpus : enc.highest + 1);
	s->major = (uint8_t)(enc.format ? enc.format : enc.v2 ? 2 : 1);
	if (s->major < 1 || s->major > VMSTATE_MAJOR || !s->nvcpus ||
	    s->nvcpus > VMSTATE_MAX_VCPUS || s->nvcpus <= enc.highest) {
		fprintf(stderr, "%s: %s: format %u with %u vCPUs (the text names vCPU %u): not "
			"a blob this tool writes\n", prog, in, s->major, s->nvcpus, enc.highest);
		return false;
	}
	qsort(s->dev, s->ndev, sizeof(s->dev[0]), entry_cmp);
	for (unsigned int i = 0; i < s->nvcpus; i++) {
		qsort(s->vcpu[i].regs, s->vcpu[i].nregs, sizeof(s->vcpu[i].regs[0]), entry_cmp);
		qsort(s->vcpu[i].dev, s->vcpu[i].ndev, sizeof(s->vcpu[i].dev[0]), entry_cmp);
	}
	return true;
}

int cmd_encode(const char *in, const char *out)
{
	static uint8_t blob[VMSTATE_MAX_BLOB];
	size_t len;
	uint8_t *text = read_file(in, &len);
	unsigned int lno = 0;
	enum vmstate_err e;
	char *line, *next;
	FILE *f;

	if (!text)
		return EXIT_INVALID;
	vmstate_clear(&enc.s, VMSTATE_MAX_VCPUS);
	enc.s.fw_version = FW_VERSION;
	enc.scope = SCOPE_START;
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
		if (!encode_line(line, lno)) {
			free(text);
			return EXIT_INVALID;
		}
	}
	free(text);
	if (!finish(in))
		return EXIT_INVALID;
	len = vmstate_encode(&enc.s, blob, sizeof(blob), &e);
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
