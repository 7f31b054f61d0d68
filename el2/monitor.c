/*
 * The monitor console. Line commands from el2/monitor.def, input echoed,
 * backspace works, a line longer than the buffer is refused whole; every
 * bad command or argument gets one `regvisor: error:` line and the prompt.
 */
#include <stdio.h>
#include <string.h>

#include "plat/console.h"
#include "plat/plat.h"
#include "el2/monitor.h"
#include "el2/monitor_line.h"
#include "el2/upgrade.h"
#include "el2/vmstate_fw.h"
#include "sysreg/bootargs.h"
#include "vmstate/frame.h"

#define PROMPT		"regvisor> "
#define MAX_ARGS	16

struct monitor {
	struct vcpu *v;			/* this CPU's vCPU: what save, load, hide... act on */
	struct vcpu *sel;		/* what regs shows (`vcpu N`) */
	bool loaded_required;
	bool loaded;
	bool resume;
};

typedef void moncmd_fn(struct monitor *m, int argc, char **argv);

#define MONCMD(name, min, max, reg, args, help) static moncmd_fn cmd_##name;
#include "el2/monitor.def"
#undef MONCMD

static const struct {
	const char *name, *args, *help;
	uint8_t min, max;	/* arguments it takes */
	bool regs;		/* its arguments are register names (completion) */
	moncmd_fn *fn;
} moncmds[] = {
#define MONCMD(name, min_, max_, reg, args, help)					\
	{ #name, args, help, min_, max_, reg, cmd_##name },
#include "el2/monitor.def"
#undef MONCMD
};

/* Completion: commands first, then register names, class names or versions. */
static const char *monitor_candidate(const char *cmd, unsigned int argno, unsigned int k)
{
	unsigned int i;

	if (argno == 0)
		return k < ARRAY_SIZE(moncmds) ? moncmds[k].name : NULL;
	for (i = 0; i < ARRAY_SIZE(moncmds); i++)
		if (!strcmp(cmd, moncmds[i].name))
			break;
	if (i == ARRAY_SIZE(moncmds) || argno > moncmds[i].max)
		return NULL;
	if (moncmds[i].regs)
		return k < SYSREG_COUNT ? sysreg_table[k].name : NULL;
	if (!strcmp(cmd, "regs"))
		return k < SYSREG_NR_CLASSES ? sysreg_class_name(k) : NULL;
	return NULL;
}

static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

static bool arg_version(const char *s, unsigned int *v)
{
	uint64_t n;

	if (!parse_u64(s, strlen(s), &n) || n < 1 || n > FW_VERSION) {
		printf("regvisor: error: '%s' is not a firmware version this build knows (1..%d)\n",
		       s, FW_VERSION);
		return false;
	}
	*v = (unsigned int)n;
	return true;
}

static void cmd_help(struct monitor *m, int argc, char **argv)
{
	(void)m, (void)argc, (void)argv;
	for (unsigned int i = 0; i < ARRAY_SIZE(moncmds); i++)
		printf("  %-9s %-12s %s\n", moncmds[i].name, moncmds[i].args, moncmds[i].help);
	printf("  Up/Down: earlier lines; Tab: complete a command or register name\n");
}

static void cmd_version(struct monitor *m, int argc, char **argv)
{
	(void)argc, (void)argv;
	/* The newest format it reads; `save` writes the one its own version reads. */
	printf("regvisor: version %d (%s), blob format %d.%d (saves %u.0), guest cpu model v%u, "
	       "world v%u\n", FW_VERSION, RV_BUILD_ID, VMSTATE_MAJOR, VMSTATE_MINOR,
	       vmstate_major_for(FW_VERSION), m->v->sr.cpu_version, m->v->sr.world_version);
}

static const char *const power_names[] = { "on", "off", "on-pending" };

static void cmd_cpus(struct monitor *m, int argc, char **argv)
{
	(void)argc, (void)argv;
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		const struct vcpu *t = &vm.vcpu[i];
		int p = __atomic_load_n(&t->power, __ATOMIC_ACQUIRE);

		printf("regvisor: vcpu %u%s: %s", i, t == m->sel ? " (selected)" : "",
		       power_names[p & 3]);
		if (p == VCPU_ON && t->frame)
			printf(", pc 0x%llx, EL%llu%s%s", (unsigned long long)t->frame->elr,
			       (unsigned long long)((t->frame->spsr >> 2) & 3),
			       (t == m->v ? vcpu_stopped_in_wfi(t) : t->in_wfi) ? ", in WFI" : "",
			       t == m->v ? ", at the monitor" :
			       __atomic_load_n(&t->parked, __ATOMIC_ACQUIRE) ? ", stopped" : ", running");
		printf(", cpu 0x%llx\n", (unsigned long long)t->hw_mpidr);
	}
}

static void cmd_stats(struct monitor *m, int argc, char **argv)
{
	(void)m, (void)argc, (void)argv;
	stats_print();
}

static void cmd_vcpu(struct monitor *m, int argc, char **argv)
{
	uint64_t n;

	if (argc != 2 || !parse_u64(argv[1], strlen(argv[1]), &n) || n >= vm.nvcpus) {
		printf("regvisor: error: usage: vcpu N, N from 0 to %u\n", vm.nvcpus - 1);
		return;
	}
	m->sel = &vm.vcpu[n];
	printf("regvisor: vcpu %u selected\n", (unsigned int)n);
}

/* A register of the selected vCPU: every stopped vCPU's state is in memory. */
static uint64_t sel_reg(const struct monitor *m, unsigned int i)
{
	return sysreg_get(&m->sel->sr, i);
}

static void cmd_regs(struct monitor *m, int argc, char **argv)
{
	int cls = -1;
	const struct el2_frame *f = m->sel->frame;

	if (argc > 1) {
		for (unsigned int c = 0; c < SYSREG_NR_CLASSES; c++)
			if (!strcmp(argv[1], sysreg_class_name(c)))
				cls = (int)c;
		if (cls < 0) {
			printf("regvisor: error: no register class '%s' (context, id, firmware)\n",
			       argv[1]);
			return;
		}
	}
	if (__atomic_load_n(&m->sel->power, __ATOMIC_ACQUIRE) != VCPU_ON || !f) {
		printf("regvisor: vcpu %u is not running: no registers\n", m->sel->index);
		return;
	}
	printf("regvisor: vcpu %u\n", m->sel->index);
	for (unsigned int r = 0; r < 31; r += 2) {
		printf("x%-2u = 0x%016llx", r, (unsigned long long)f->x[r]);
		if (r + 1 < 31)
			printf("  x%-2u = 0x%016llx", r + 1, (unsigned long long)f->x[r + 1]);
		printf("\n");
	}
	printf("pc  = 0x%016llx  pstate = 0x%016llx\n", (unsigned long long)f->elr,
	       (unsigned long long)f->spsr);
	/* The stack pointer in use: SP_EL1 in EL1h (PSTATE.M 0b0101), else SP_EL0. */
	printf("sp  = 0x%016llx  (%s)\n",
	       (unsigned long long)sel_reg(m, (f->spsr & 0xf) == 5 ? SYSREG_SP_EL1 : SYSREG_SP_EL0),
	       (f->spsr & 0xf) == 5 ? "SP_EL1" : "SP_EL0");
	printf("%-26s %-18s  %-18s  %s\n", "name", "id", "value", "state");
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_desc *d = &sysreg_table[i];

		if ((cls >= 0 && d->cls != cls) || !sysreg_in_world(i, m->sel->sr.world_version))
			continue;
		printf("%-26s 0x%016llx  0x%016llx  %s\n", d->name, (unsigned long long)d->id,
		       (unsigned long long)sel_reg(m, i),
		       sysreg_mask_test(&m->sel->sr.hidden, i) ? "hidden" : "-");
	}
}

static void cmd_hidden(struct monitor *m, int argc, char **argv)
{
	struct sysreg_mask out;

	(void)argc, (void)argv;
	printf("regvisor: %u hidden:", sysreg_mask_count(&m->v->sr.hidden));
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_mask_test(&m->v->sr.hidden, i))
			printf(" %s", sysreg_table[i].name);
	printf("\n");
	/* What `save V` leaves out besides: version V does not know them (as `save V` counts). */
	for (unsigned int ver = 1; ver < FW_VERSION; ver++) {
		unsigned int more = 0;

		out = m->v->sr.hidden;
		sysreg_mask_add_newer_than(&out, ver);
		for (unsigned int i = 0; i < SYSREG_COUNT; i++)
			more += sysreg_mask_test(&out, i) && !sysreg_mask_test(&m->v->sr.hidden, i);
		if (!more)
			continue;
		printf("regvisor: save %u leaves out %u more (newer than v%u):", ver, more, ver);
		for (unsigned int i = 0; i < SYSREG_COUNT; i++)
			if (sysreg_mask_test(&out, i) && !sysreg_mask_test(&m->v->sr.hidden, i))
				printf(" %s", sysreg_table[i].name);
		printf("\n");
	}
}

static void hide_or_unhide(struct monitor *m, int argc, char **argv, bool hide)
{
	int idx[MAX_ARGS];

	if (argc < 2) {
		printf("regvisor: error: %s needs a register name or id\n", argv[0]);
		return;
	}
	/* All or nothing: check every argument first. */
	for (int i = 1; i < argc; i++) {
		idx[i] = sysreg_lookup_user(argv[i], strlen(argv[i]));
		if (idx[i] < 0) {
			printf("regvisor: error: unknown register '%s'; nothing changed\n", argv[i]);
			return;
		}
		if (hide && sysreg_table[idx[i]].cls == ID) {
			printf("regvisor: error: %s is an ID register: the guest's CPU always travels "
			       "(use `cpu`); nothing changed\n", sysreg_table[idx[i]].name);
			return;
		}
		if (!hide && sysreg_table[idx[i]].since > m->v->sr.world_version) {
			printf("regvisor: error: %s is not in the guest's world (v%u); nothing changed\n",
			       sysreg_table[idx[i]].name, m->v->sr.world_version);
			return;
		}
	}
	for (int i = 1; i < argc; i++) {
		unsigned int k = (unsigned int)idx[i];
		uint64_t val = sysreg_get(&m->v->sr, k), def = sysreg_default(&m->v->sr, k);

		if (hide)
			sysreg_mask_set(&m->v->sr.hidden, k);
		else
			sysreg_mask_clear(&m->v->sr.hidden, k);
		/* Said now, not only when a save refuses. */
		if (sysreg_table[k].cls == CTX)
			val &= sysreg_row_wmask(sysreg_row_of(k), m->v->sr.world_version);	/* as a save does */
		if (hide && val != def)
			printf("regvisor: warning: %s (0x%016llx) holds 0x%llx, not its default 0x%llx: "
			       "`save` refuses while it is hidden\n", sysreg_table[k].name,
			       (unsigned long long)sysreg_table[k].id, (unsigned long long)val,
			       (unsigned long long)def);
	}
	cmd_hidden(m, 1, argv);
}

static void cmd_hide(struct monitor *m, int argc, char **argv)
{
	hide_or_unhide(m, argc, argv, true);
}

static void cmd_unhide(struct monitor *m, int argc, char **argv)
{
	hide_or_unhide(m, argc, argv, false);
}

/* The ID view of CPU model v, from this host's registers. */
static void set_cpu_model(struct vcpu *v, unsigned int ver)
{
	v->sr.cpu_version = ver;
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls == ID && !(sysreg_table[i].flags & IDENT))
			v->sr.val[i] = sysreg_default(&v->sr, i);
	guest_apply_id_view(v);
}

static void cmd_cpu(struct monitor *m, int argc, char **argv)
{
	unsigned int ver;
	uint64_t n;

	(void)argc;
	if (!parse_u64(argv[1], strlen(argv[1]), &n) || n < 1 || n > m->v->sr.world_version) {
		printf("regvisor: error: cpu V takes a CPU model version from 1 to %u (the guest's "
		       "world), not '%s'; `vcpu N` selects a vCPU\n", m->v->sr.world_version, argv[1]);
		return;
	}
	ver = (unsigned int)n;
	set_cpu_model(m->v, ver);
	printf("regvisor: guest cpu model v%u (it sees the change at its next ID register read)\n",
	       ver);
}

/*
 * A register both worlds have takes the new world's meaning (CHANGE lines,
 * sysreg_convert): checked (apply false: true when a rule refuses, each
 * said), then applied (each conversion said).
 */
static bool compat_convert(struct vcpu *v, unsigned int ver, bool apply)
{
	bool refused = false;

	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		const struct sysreg_change *chg;
		uint64_t was, val;
		enum sysreg_moved r;

		if (sysreg_table[i].cls == ID || !sysreg_in_world(i, ver) ||
		    !sysreg_in_world(i, v->sr.world_version))
			continue;
		was = val = sysreg_get(&v->sr, i);
		r = sysreg_convert(sysreg_row_of(i), v->sr.world_version, ver, &val, &chg);
		if (r == MOVE_REFUSED && !apply) {
			printf("regvisor: error: %s (0x%016llx) holds 0x%llx: changed in v%u, rule %s\n",
			       sysreg_table[i].name, (unsigned long long)sysreg_table[i].id,
			       (unsigned long long)was, chg->version, sysreg_rule_name(chg->rule));
			refused = true;
		} else if (r == MOVE_CONVERTED && apply) {
			printf("regvisor: %s: 0x%llx becomes 0x%llx (changed in v%u, rule %s)\n",
			       sysreg_table[i].name, (unsigned long long)was, (unsigned long long)val,
			       chg->version, sysreg_rule_name(chg->rule));
			sysreg_set(&v->sr, i, val);
		}
	}
	return refused;
}

static void cmd_compat(struct monitor *m, int argc, char **argv)
{
	unsigned int ver;
	bool refused = false;

	(void)argc;
	if (!arg_version(argv[1], &ver))
		return;
	/* Leaving a register's world loses it: only while it holds its default. */
	for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
		uint64_t val, def;

		if (sysreg_table[i].since <= ver || !sysreg_in_world(i, m->v->sr.world_version))
			continue;
		val = sysreg_get(&m->v->sr, i);
		def = sysreg_default(&m->v->sr, i);
		if (val != def) {
			printf("regvisor: error: %s (0x%016llx) holds 0x%llx, not its default 0x%llx\n",
			       sysreg_table[i].name, (unsigned long long)sysreg_table[i].id,
			       (unsigned long long)val, (unsigned long long)def);
			refused = true;
		}
	}
	refused |= compat_convert(m->v, ver, false);
	if (refused) {
		printf("regvisor: error: compat %u refused; nothing changed\n", ver);
		return;
	}
	compat_convert(m->v, ver, true);
	m->v->sr.world_version = ver;
	sysreg_mask_add_newer_than(&m->v->sr.hidden, ver);
	if (m->v->sr.cpu_version > ver)
		set_cpu_model(m->v, ver);
	guest_apply_id_view(m->v);	/* the trap fast path answers by world too */
	printf("regvisor: guest world v%u, cpu model v%u\n", ver, m->v->sr.cpu_version);
}

static void cmd_save(struct monitor *m, int argc, char **argv)
{
	unsigned int ver = 0;

	if (argc == 2 && !arg_version(argv[1], &ver))
		return;
	/* Booted for incoming state, the guest is not there yet: its reset state is no one's. */
	if (m->loaded_required && !m->loaded) {
		if (vm.handover_refused && !ver)
			upgrade_print_refused_blob();
		else
			printf("regvisor: error: no guest state yet: `load` one first; nothing saved\n");
		return;
	}
	vmstate_save(m->v, ver);
}

/* What ends a frame for the swallowing after an error: any END marker, even a bad one. */
static bool is_frame_end(const char *line)
{
	return !strncmp(line, "-----END", 8);
}

static struct frame_dec dec;	/* one frame at a time: `load`, `upgrade` */

/*
 * Read one frame from the console into dec (already set up); true when it
 * is whole and checked. Errors: `regvisor: WHO: error: ...; NOTHING`.
 */
static bool read_frame(const char *who, const char *nothing)
{
	char line[FRAME_LINE_MAX + 2];
	int n;

	while (dec.state != FRAME_DONE) {
		n = monitor_read_line(line, sizeof(line), true, vm.load_timeout, NULL, NULL);
		if (n == LINE_CANCEL) {
			printf("regvisor: %s: cancelled; %s\n", who, nothing);
			return false;
		}
		if (n == LINE_IDLE) {
			/* After an error, one line is enough: the rest of the frame never came. */
			if (dec.state != FRAME_ERROR)
				printf("regvisor: %s: error: %s (no input for %u s); %s\n", who,
				       vmstate_strerror(dec.state == FRAME_SEARCHING ?
							VMSTATE_E_NO_FRAME :
							VMSTATE_E_FRAME_UNTERMINATED), vm.load_timeout,
				       nothing);
			return false;
		}
		if (dec.state == FRAME_ERROR) {
			/* Swallow the rest of the broken frame, up to its END. */
			if (n >= 0 && is_frame_end(line))
				break;
			continue;
		}
		if (n == LINE_TOO_LONG) {
			if (dec.state == FRAME_SEARCHING)
				continue;	/* noise before the frame */
			dec.state = FRAME_ERROR;
			dec.err = VMSTATE_E_FRAME_SYNTAX;
			dec.line_no++;
		} else {
			frame_feed(&dec, line, (size_t)n);
		}
		if (dec.state == FRAME_ERROR) {
			printf("regvisor: %s: error: %s (frame line %u); %s\n", who,
			       vmstate_strerror(dec.err), dec.line_no, nothing);
			if (n >= 0 && is_frame_end(line))
				return false;	/* the frame is over: nothing left to swallow */
		}
	}
	return dec.state == FRAME_DONE;
}

size_t monitor_read_frame(const char *begin, const char *end, uint8_t *out, size_t cap,
			  const char *who, const char *nothing)
{
	frame_dec_init_marked(&dec, begin, end, out, cap);
	return read_frame(who, nothing) ? dec.len : 0;
}

static void cmd_load(struct monitor *m, int argc, char **argv)
{
	(void)argc, (void)argv;
	frame_dec_init(&dec);
	printf("regvisor: load: send the framed blob (%s ... %s); Ctrl-C cancels\n", FRAME_BEGIN,
	       FRAME_END);
	if (read_frame("load", "nothing loaded") && vmstate_load(m->v, dec.buf, dec.len, false))
		m->loaded = true;
}

static void cmd_upgrade(struct monitor *m, int argc, char **argv)
{
	uint64_t addr = 0;

	if (argc == 2 && (!parse_u64(argv[1], strlen(argv[1]), &addr) || !addr)) {
		printf("regvisor: error: upgrade ADDR takes an address (0x... or decimal), not '%s'\n",
		       argv[1]);
		return;
	}
	upgrade_run(m->v, argc == 2, addr, m->loaded_required && !m->loaded);
}

/*
 * Every vCPU's state as a guest reset leaves it (registers, FP/SIMD, the
 * interrupts it had): what survives a wipe and a `load` is only what the
 * blob carries. The guest cannot run from a wiped state: save and resume
 * wait for a load, as on a firmware booted for incoming state.
 */
static void cmd_wipe(struct monitor *m, int argc, char **argv)
{
	(void)argc, (void)argv;
	vcpu_wipe_all();
	m->loaded_required = true;
	m->loaded = false;
	printf("regvisor: wipe: %u vCPU%s at their reset values; `load` a state before `resume`\n",
	       vm.nvcpus, vm.nvcpus == 1 ? "" : "s");
}

static void cmd_manifest(struct monitor *m, int argc, char **argv)
{
	(void)m, (void)argc, (void)argv;
	printf("%-26s %-18s  %-8s  %s\n", "name", "id", "class", "since");
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		printf("%-26s 0x%016llx  %-8s  %u\n", sysreg_table[i].name,
		       (unsigned long long)sysreg_table[i].id,
		       sysreg_class_name(sysreg_table[i].cls), sysreg_table[i].since);
}

static void cmd_resume(struct monitor *m, int argc, char **argv)
{
	(void)argc, (void)argv;
	if (m->loaded_required && !m->loaded) {
		printf("regvisor: error: no guest state yet: `load` one first\n");
		return;
	}
	m->resume = true;
}

static void cmd_poweroff(struct monitor *m, int argc, char **argv)
{
	(void)m, (void)argc, (void)argv;
	board_poweroff(vm.reported_status > 0 ? EXIT_GUEST_FAILED : EXIT_OK);
}

bool monitor_run(struct vcpu *v, const char *why, bool loaded_required)
{
	struct monitor m = { .v = v, .sel = v, .loaded_required = loaded_required };
	char line[MONITOR_LINE_MAX];
	char *argv[MAX_ARGS];

	fpsimd_claim();
	vcpu_time_stop(v);
	if (vm.breakin_at) {	/* from the key's interrupt to here: every vCPU stopped, in memory */
		uint64_t ticks = cpu_counter() - vm.breakin_at;

		vm.breakin_at = 0;
		printf("regvisor: monitor: break-in: %u vCPUs stopped, their state in memory, %llu "
		       "counter ticks (%llu us) after the key's interrupt\n", vm.nvcpus,
		       (unsigned long long)ticks,
		       (unsigned long long)(ticks * 1000000 / cpu_counter_frequency()));
	}
	printf("regvisor: monitor: %s; `help` lists the commands\n", why);
	while (!m.resume) {
		int n, argc;
		unsigned int i;

		printf(PROMPT);
		n = monitor_read_line(line, sizeof(line), false, 0, PROMPT, monitor_candidate);
		if (n == -1) {
			printf("regvisor: error: line longer than %d characters, refused\n",
			       MONITOR_LINE_MAX - 1);
			continue;
		}
		argc = split(line, argv);
		if (argc == 0)
			continue;
		if (argc < 0) {
			printf("regvisor: error: more than %d words, refused\n", MAX_ARGS);
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(moncmds); i++)
			if (!strcmp(argv[0], moncmds[i].name))
				break;
		if (i == ARRAY_SIZE(moncmds))
			printf("regvisor: error: unknown command '%s'; `help` lists them\n", argv[0]);
		else if (argc - 1 < moncmds[i].min || argc - 1 > moncmds[i].max)
			printf("regvisor: error: usage: %s %s (%s)\n", moncmds[i].name, moncmds[i].args,
			       argc - 1 > moncmds[i].max ? "too many arguments" : "an argument is missing");
		else
			moncmds[i].fn(&m, argc, argv);
	}
	vcpu_time_resume(v);
	printf("regvisor: monitor: resuming the guest at 0x%llx\n",
	       (unsigned long long)v->frame->elr);
	return m.loaded;
}
