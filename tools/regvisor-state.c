/*
 * regvisor-state: the host's view of regvisor vCPU state blobs, built from
 * the same vmstate/ and sysreg/ files as the firmware.
 *
 * The commands and their help are one table (`commands` below; `help`).
 * Exit codes: 0 fine; 1 invalid input (the message says why) or a blob the
 * firmware refused (send); 2 usage error; 3 diff found differences, or
 * check found the move impossible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "sysreg/bootargs.h"
#include "sysreg/sysreg.h"
#include "vmstate/blob.h"
#include "vmstate/frame.h"
#include "vmstate/policy.h"
#include "tools/state.h"

#define FILE_MAX	(16u << 20)

const char *prog = "regvisor-state";

/* Every command once: its synopsis and what it does (usage, --help, help COMMAND). */
static const struct {
	const char *name, *synopsis, *help;
} commands[] = {
	{ "decode", "decode BLOB|LOG [--frame N]",
	  "Print a blob: x0..x30, PC, PSTATE, V0..V31, FPSR, FPCR, the virtual count and\n"
	  "every register entry (name, id, value, flags). BLOB is a raw blob; LOG a\n"
	  "console log: the last framed blob in it, or the Nth (--frame N, from 1).\n"
	  "Only frames whose BEGIN line starts a line count: the firmware prefixes any\n"
	  "guest line that could pass for one." },
	{ "diff", "diff A B [--frame N]",
	  "Compare two blobs: the virtual count, PC, PSTATE, x0..x30, V0..V31, FPSR,\n"
	  "FPCR and every register, by name with both values. Exit 3 when they differ." },
	{ "encode", "encode TEXT -o BLOB",
	  "Build a blob from lines `key = value [droppable]`: a register name or KVM id\n"
	  "(an id this build does not know is warned about), x0..x30, pc, pstate, d0..d63\n"
	  "(V registers' halves), fpsr, fpcr, vcount, fw_version, vcpu. `#` starts a\n"
	  "comment. Unknown words and duplicate ids are errors with their line." },
	{ "frame", "frame BLOB|LOG [--frame N]",
	  "Print a checked blob framed for a UART (base64 between BEGIN and END)." },
	{ "send", "send BLOB|LOG --to PTY|SOCKET [--frame N] [--timeout S]",
	  "Type `load` and the framed blob into a firmware's console at its monitor\n"
	  "prompt, say which frame was sent, and wait (S seconds, default 30) for the\n"
	  "firmware's verdict on the same link: exit 0 when it loaded the blob, 1 with\n"
	  "its error lines when it refused it. The destination must be a terminal or a\n"
	  "unix socket, never a regular file." },
	{ "console", "console PTY|SOCKET",
	  "This terminal on a firmware's console (QEMU -serial pty, or -chardev\n"
	  "socket,server=on): raw, every byte both ways (Ctrl-] breaks in); Ctrl-Q\n"
	  "leaves and restores the terminal." },
	{ "manifest", "manifest [--version N]", "The register list of this build or of version N." },
	{ "check", "check --from N --to M",
	  "What must be hidden or defaulted to move a guest from version N to M, and\n"
	  "whether it can work. Exit 3 when it cannot." },
	{ "help", "help [COMMAND]", "This list, or one command's description." },
};

static void print_synopses(FILE *f)
{
	fprintf(f, "usage:");
	for (unsigned int i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "%s%s %s\n", i ? "      " : " ", prog, commands[i].synopsis);
}

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "%s: %s\n", prog, msg);
	print_synopses(stderr);
	return EXIT_USAGE;
}

static int cmd_help(const char *which)
{
	if (!which) {
		print_synopses(stdout);
		printf("\nExit codes: 0 fine; 1 invalid input (the message says why), or a blob\n"
		       "the firmware refused (send); 2 usage; 3 diff found differences or check\n"
		       "found the move impossible. `%s help COMMAND` tells more.\n", prog);
		return 0;
	}
	for (unsigned int i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(which, commands[i].name)) {
			printf("usage: %s %s\n\n%s\n", prog, commands[i].synopsis, commands[i].help);
			return 0;
		}
	return usage("help: no such command");
}

uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return NULL;
	}
	buf = malloc(FILE_MAX + 1);
	n = buf ? fread(buf, 1, FILE_MAX + 1, f) : 0;
	fclose(f);
	if (!buf || n > FILE_MAX) {
		fprintf(stderr, "%s: %s: larger than %u bytes\n", prog, path, FILE_MAX);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

unsigned int frame_choice;	/* --frame N: the Nth frame of a log; 0 the last */
const char *frame_picked;	/* "frame 2 of 3 (line 57)" for the last log read */

/* Where each line starting exactly with the BEGIN marker is (a firmware line: guestout.h). */
static unsigned int find_frames(const uint8_t *buf, size_t len, size_t *at, unsigned int *line,
				unsigned int max)
{
	size_t blen = strlen(FRAME_BEGIN);
	unsigned int n = 0, lno = 1;

	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || buf[i - 1] == '\n') && len - i >= blen &&
		    !memcmp(buf + i, FRAME_BEGIN, blen)) {
			size_t e = i + blen;

			while (e < len && (buf[e] == '\r' || buf[e] == ' '))
				e++;
			if ((e == len || buf[e] == '\n') && n < max) {
				at[n] = i;
				line[n++] = lno;
			}
		}
		lno += buf[i] == '\n';
	}
	return n;
}

/*
 * A log's frame (the last, or --frame N) decoded into dec; 0 on success.
 * Only a BEGIN line that starts a line counts: the firmware prefixes any
 * guest line that could pass for one.
 */
static int frame_from_log(const char *path, const uint8_t *buf, size_t len,
			  struct frame_dec *dec)
{
	static size_t at[4096];
	static unsigned int lines[4096];
	static char picked[64];
	unsigned int n = find_frames(buf, len, at, lines, 4096), k;
	enum vmstate_err e;
	size_t start;

	if (!n || frame_choice > n) {
		if (n)
			fprintf(stderr, "%s: %s: no frame %u: the log holds %u\n", prog, path,
				frame_choice, n);
		else
			fprintf(stderr, "%s: %s: %s\n", prog, path,
				vmstate_strerror(VMSTATE_E_NO_FRAME));
		return EXIT_INVALID;
	}
	k = frame_choice ? frame_choice - 1 : n - 1;
	snprintf(picked, sizeof(picked), "frame %u of %u (line %u)", k + 1, n, lines[k]);
	frame_picked = picked;
	frame_dec_init(dec);
	start = at[k];
	for (size_t i = start; i <= len && dec->state != FRAME_DONE && dec->state != FRAME_ERROR;
	     i++) {
		if (i < len && buf[i] != '\n')
			continue;
		if (i == len && i == start)
			break;	/* no last line after the final newline */
		frame_feed(dec, (const char *)buf + start, i - start);
		start = i + 1;
	}
	if (dec->state != FRAME_DONE) {
		e = dec->state == FRAME_ERROR ? dec->err : VMSTATE_E_FRAME_UNTERMINATED;
		fprintf(stderr, "%s: %s: %s: %s (line %u)\n", prog, path, picked, vmstate_strerror(e),
			lines[k] + dec->line_no - 1);
		return EXIT_INVALID;
	}
	return 0;
}

/*
 * A raw blob, or a framed blob in a log (the last, or --frame N), decoded
 * into s and, when raw is not NULL, its bytes copied there; 0 on success.
 */
int load_blob(const char *path, struct vmstate *s, uint8_t *raw, size_t *rawlen)
{
	static struct frame_dec dec;
	size_t len;
	uint8_t *buf = read_file(path, &len);
	const uint8_t *blob = buf;
	enum vmstate_err e;
	uint64_t where;

	if (!buf)
		return EXIT_INVALID;
	frame_picked = NULL;
	if (len < 4 || memcmp(buf, VMSTATE_MAGIC, 4) != 0) {
		if (frame_from_log(path, buf, len, &dec)) {
			free(buf);
			return EXIT_INVALID;
		}
		blob = dec.buf;
		len = dec.len;
	}
	e = vmstate_decode(blob, len, s, &where);
	if (e == VMSTATE_E_OK && raw) {
		memcpy(raw, blob, len);
		*rawlen = len;
	}
	free(buf);
	if (e != VMSTATE_E_OK) {
		fprintf(stderr, "%s: %s: %s (at 0x%llx)\n", prog, path, vmstate_strerror(e),
			(unsigned long long)where);
		return EXIT_INVALID;
	}
	if (frame_picked)
		fprintf(stderr, "%s: %s: %s\n", prog, path, frame_picked);
	return 0;
}

static const char *name_or_unknown(uint64_t id)
{
	const char *n = vmstate_id_name(id);

	return n ? n : "(unknown)";
}

static int cmd_decode(const char *path)
{
	static struct vmstate s;
	int rc = load_blob(path, &s, NULL, NULL);

	if (rc)
		return rc;
	printf("format %u.%u, written by firmware v%u, vcpu %u, %u registers\n", s.major,
	       s.minor, s.fw_version, s.vcpu, s.nregs);
	for (unsigned int i = 0; i < 31; i++)
		printf("x%-2u = 0x%016llx\n", i, (unsigned long long)s.core.x[i]);
	printf("pc  = 0x%016llx\npstate = 0x%016llx\n", (unsigned long long)s.core.pc,
	       (unsigned long long)s.core.pstate);
	for (unsigned int i = 0; i < 32; i++)
		printf("v%-2u = 0x%016llx%016llx\n", i, (unsigned long long)s.fp.v[i][1],
		       (unsigned long long)s.fp.v[i][0]);
	printf("fpsr = 0x%08x\nfpcr = 0x%08x\nvcount = 0x%016llx\n", s.fp.fpsr, s.fp.fpcr,
	       (unsigned long long)s.vcount);
	printf("%-26s %-18s  %-18s  %s\n", "name", "id", "value", "flags");
	for (unsigned int i = 0; i < s.nregs; i++)
		printf("%-26s 0x%016llx  0x%016llx  %s\n", name_or_unknown(s.regs[i].id),
		       (unsigned long long)s.regs[i].id, (unsigned long long)s.regs[i].value,
		       s.regs[i].droppable ? "droppable" : "-");
	return 0;
}

/* One differing value, in the register lines' columns; 1 when it differs. */
static unsigned int diff_u64(const char *name, uint64_t a, uint64_t b)
{
	if (a == b)
		return 0;
	printf("%-26s %-18s  0x%016llx  0x%016llx\n", name, "", (unsigned long long)a,
	       (unsigned long long)b);
	return 1;
}

static int cmd_diff(const char *a, const char *b)
{
	static struct vmstate sa, sb;
	unsigned int ndiff = 0;
	int rc;

	if ((rc = load_blob(a, &sa, NULL, NULL)) || (rc = load_blob(b, &sb, NULL, NULL)))
		return rc;
	ndiff += diff_u64("vcount", sa.vcount, sb.vcount);
	ndiff += diff_u64("pc", sa.core.pc, sb.core.pc);
	ndiff += diff_u64("pstate", sa.core.pstate, sb.core.pstate);
	for (unsigned int i = 0; i < 31; i++) {
		char name[8];

		snprintf(name, sizeof(name), "x%u", i);
		ndiff += diff_u64(name, sa.core.x[i], sb.core.x[i]);
	}
	for (unsigned int i = 0; i < 32; i++)
		if (sa.fp.v[i][0] != sb.fp.v[i][0] || sa.fp.v[i][1] != sb.fp.v[i][1]) {
			ndiff++;
			printf("v%-25u %-18s  0x%016llx%016llx  0x%016llx%016llx\n", i, "",
			       (unsigned long long)sa.fp.v[i][1], (unsigned long long)sa.fp.v[i][0],
			       (unsigned long long)sb.fp.v[i][1], (unsigned long long)sb.fp.v[i][0]);
		}
	ndiff += diff_u64("fpsr", sa.fp.fpsr, sb.fp.fpsr);
	ndiff += diff_u64("fpcr", sa.fp.fpcr, sb.fp.fpcr);
	for (unsigned int i = 0; i < sa.nregs; i++) {
		const struct vmstate_entry *ea = &sa.regs[i], *eb = vmstate_find(&sb, ea->id);

		if (!eb)
			ndiff++, printf("%-26s 0x%016llx  only in A\n", name_or_unknown(ea->id),
					(unsigned long long)ea->id);
		else if (ea->value != eb->value)
			ndiff++, printf("%-26s 0x%016llx  0x%016llx  0x%016llx\n",
					name_or_unknown(ea->id), (unsigned long long)ea->id,
					(unsigned long long)ea->value, (unsigned long long)eb->value);
	}
	for (unsigned int i = 0; i < sb.nregs; i++)
		if (!vmstate_find(&sa, sb.regs[i].id))
			ndiff++, printf("%-26s 0x%016llx  only in B\n", name_or_unknown(sb.regs[i].id),
					(unsigned long long)sb.regs[i].id);
	printf("%u differences\n", ndiff);
	return ndiff ? EXIT_DIFFERENT : 0;
}

static void emit_stdout(const char *line, void *ctx)
{
	(void)ctx;
	puts(line);
}

/* A checked blob (raw, or out of a log) framed for a UART, on stdout. */
static int cmd_frame(const char *path)
{
	static struct vmstate s;
	static uint8_t raw[VMSTATE_MAX_BLOB];
	size_t len;
	int rc = load_blob(path, &s, raw, &len);

	if (rc)
		return rc;
	frame_encode(raw, len, emit_stdout, NULL);
	return 0;
}

/* Take "--NAME VALUE" out of argv; its value, or NULL. */
static const char *take_option(int *argc, char **argv, const char *name, bool *bad)
{
	for (int i = 2; i < *argc; i++)
		if (!strcmp(argv[i], name)) {
			const char *v = i + 1 < *argc ? argv[i + 1] : NULL;

			if (!v)
				*bad = true;
			for (int k = i; k + 2 <= *argc; k++)
				argv[k] = k + 2 < *argc ? argv[k + 2] : NULL;
			*argc -= v ? 2 : 1;
			return v;
		}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *frame_opt, *timeout_opt;
	double timeout = 30.0;
	bool bad = false;
	uint64_t v64;

	if (argc < 2)
		return usage(NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return argc <= 3 ? cmd_help(argc == 3 ? argv[2] : NULL) : usage("help takes a command");
	frame_opt = take_option(&argc, argv, "--frame", &bad);
	timeout_opt = take_option(&argc, argv, "--timeout", &bad);
	if (bad)
		return usage("an option lacks its value");
	if (frame_opt) {
		if (!parse_u64(frame_opt, strlen(frame_opt), &v64) || v64 < 1 || v64 > 100000)
			return usage("--frame wants a frame number, from 1");
		frame_choice = (unsigned int)v64;
	}
	if (timeout_opt) {
		char *end;

		timeout = strtod(timeout_opt, &end);
		if (*end || !(timeout > 0))
			return usage("--timeout wants seconds");
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help"))
			return cmd_help(argv[1]);
	if (!strcmp(argv[1], "decode"))
		return argc == 3 ? cmd_decode(argv[2]) : usage("decode takes one file");
	if (!strcmp(argv[1], "diff"))
		return argc == 4 ? cmd_diff(argv[2], argv[3]) : usage("diff takes two files");
	if (!strcmp(argv[1], "encode")) {
		if (argc != 5 || strcmp(argv[3], "-o"))
			return usage("encode takes TEXT -o BLOB");
		return cmd_encode(argv[2], argv[4]);
	}
	if (!strcmp(argv[1], "frame"))
		return argc == 3 ? cmd_frame(argv[2]) : usage("frame takes one file");
	if (!strcmp(argv[1], "send")) {
		if (argc != 5 || strcmp(argv[3], "--to"))
			return usage("send takes BLOB|LOG --to PATH");
		return cmd_send(argv[2], argv[4], timeout);
	}
	if (!strcmp(argv[1], "console"))
		return argc == 3 ? cmd_console(argv[2]) : usage("console takes one path");
	if (!strcmp(argv[1], "manifest")) {
		unsigned int v = FW_VERSION;

		if (argc == 4 && !strcmp(argv[2], "--version")) {
			if (!parse_version(argv[3], &v))
				return usage("--version wants a firmware version this tool knows");
		} else if (argc != 2) {
			return usage("manifest takes [--version N]");
		}
		return cmd_manifest(v);
	}
	if (!strcmp(argv[1], "check")) {
		unsigned int from, to;

		if (argc != 6 || strcmp(argv[2], "--from") || strcmp(argv[4], "--to") ||
		    !parse_version(argv[3], &from) || !parse_version(argv[5], &to))
			return usage("check takes --from N --to M (known versions)");
		return cmd_check(from, to);
	}
	return usage("unknown command");
}
