/*
 * regvisor-state: the host's view of regvisor state blobs (every vCPU),
 * built from the same vmstate/ and sysreg/ files as the firmware.
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
	  "Print a blob (format 1.0 or 2.0): the header, the virtual count and the VM's\n"
	  "device entries, then per vCPU a `vcpu N:` line (MPIDR, power state, entry and\n"
	  "context when on_pending), x0..x30, PC, PSTATE, V0..V31, FPSR, FPCR and every\n"
	  "register and device entry (name, id, value, flags). BLOB is a raw blob; LOG a\n"
	  "console log: the last framed blob in it, or the Nth (--frame N, from 1).\n"
	  "Only frames whose BEGIN line starts a line count: the firmware prefixes any\n"
	  "guest line that could pass for one." },
	{ "diff", "diff A B [--frame N]",
	  "Compare two blobs: the vCPU count, the virtual count and the VM's device\n"
	  "entries, then under a `vcpu N:` line each vCPU's MPIDR, power state, entry,\n"
	  "context, PC, PSTATE, x0..x30, V0..V31, FPSR, FPCR and every register and\n"
	  "device entry, by name with both values. Exit 3 when they differ." },
	{ "encode", "encode TEXT -o BLOB",
	  "Build a blob from lines `key = value [droppable]`: a register name or KVM id\n"
	  "(an id this build does not know is warned about; a device id, coprocessor\n"
	  "0xf0..0xff, is a DEVREGS entry), x0..x30, pc, pstate, d0..d63 (V registers'\n"
	  "halves), fpsr, fpcr, mpidr, power (on, off, on_pending or 0..2), entry,\n"
	  "context; and for the whole blob vcount, fw_version, format (1 or 2), vcpus\n"
	  "(the count; default: the highest vCPU + 1). A line `vcpu N` starts vCPU N's\n"
	  "keys and `vm` the VM's (device ids there are the VM's); before either,\n"
	  "vCPU keys are vCPU 0's and device ids the VM's. The format is 2.0 when the\n"
	  "text uses a `vcpu N` line or a 2.0-only key, else 1.0 (`vcpu = N` there sets\n"
	  "1.0's header vCPU index); `format` overrides. `#` starts a comment. Unknown\n"
	  "words and duplicate ids are errors with their line." },
	{ "frame", "frame BLOB|LOG [--frame N]",
	  "Print a checked blob framed for a UART (base64 between BEGIN and END)." },
	{ "send", "send BLOB|LOG --to PTY|SOCKET [--frame N] [--timeout S]",
	  "Type `load` and the framed blob into a firmware's console at its monitor\n"
	  "prompt, say which frame was sent, and wait (S seconds, default 30) for the\n"
	  "firmware's verdict on the same link: exit 0 when it loaded the blob, 1 with\n"
	  "its error lines when it refused it. The destination must be a terminal or a\n"
	  "unix socket, never a regular file." },
	{ "upgrade", "upgrade FIRMWARE.bin --to PTY|SOCKET [--timeout S]",
	  "Check a regvisor firmware image (its arm64 Image header's RVFW marker,\n"
	  "version, handover contract, length, CRC-32C), type `upgrade` and the image\n"
	  "framed (-----BEGIN REGVISOR FIRMWARE-----) into a firmware's console at its\n"
	  "monitor prompt, and wait (S seconds, default 30) for the verdict: exit 0\n"
	  "when the new version runs the guest, 1 with the error lines when refused." },
	{ "stamp", "stamp FIRMWARE.bin",
	  "Write the image's CRC-32C into its header (the build does this)." },
	{ "console", "console PTY|SOCKET",
	  "This terminal on a firmware's console (QEMU -serial pty, or -chardev\n"
	  "socket,server=on): raw, every byte both ways (Ctrl-] breaks in); Ctrl-Q\n"
	  "leaves and restores the terminal." },
	{ "manifest", "manifest [--version N] [--full]", "The register list of this build or of version N; --full: the release manifest (every register's class, flags, default, writable mask, since; every call)." },
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
		char at[80];

		fprintf(stderr, "%s: %s: %s (%s)\n", prog, path, vmstate_strerror(e),
			vmstate_where_text(e, where, at, sizeof(at)));
		return EXIT_INVALID;
	}
	if (frame_picked)
		fprintf(stderr, "%s: %s: %s\n", prog, path, frame_picked);
	return 0;
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
	if (!strcmp(argv[1], "upgrade")) {
		if (argc != 5 || strcmp(argv[3], "--to"))
			return usage("upgrade takes FIRMWARE.bin --to PATH");
		return cmd_upgrade(argv[2], argv[4], timeout);
	}
	if (!strcmp(argv[1], "stamp"))
		return argc == 3 ? cmd_stamp(argv[2]) : usage("stamp takes one file");
	if (!strcmp(argv[1], "console"))
		return argc == 3 ? cmd_console(argv[2]) : usage("console takes one path");
	if (!strcmp(argv[1], "manifest")) {
		unsigned int v = FW_VERSION;
		bool full = false;
		int a = 2;

		if (a < argc && !strcmp(argv[a], "--version")) {
			if (a + 1 >= argc || !parse_version(argv[a + 1], &v))
				return usage("--version wants a firmware version this tool knows");
			a += 2;
		}
		if (a < argc && !strcmp(argv[a], "--full")) {
			full = true;
			a++;
		}
		if (a != argc)
			return usage("manifest takes [--version N] [--full]");
		return cmd_manifest(v, full);
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
