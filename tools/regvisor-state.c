/*
 * regvisor-state: the host's view of regvisor vCPU state blobs, built from
 * the same vmstate/ and sysreg/ files as the firmware.
 *
 *   decode BLOB|LOG            print a blob (raw, or framed in a console log)
 *   diff A B                   compare two blobs register by register
 *   encode TEXT -o BLOB        build a blob from id=value lines
 *   frame BLOB|LOG             print a checked blob framed for a UART
 *   send BLOB|LOG --to PATH    type `load` and the framed blob into a firmware's
 *                              console: a pty (QEMU -serial pty) or a unix socket
 *   manifest [--version N]     the register list of this build or of version N
 *   check --from N --to M      can a guest move from version N to version M?
 *
 * Exit codes: 0 fine; 1 invalid input (the message says why); 2 usage
 * error; 3 diff found differences, or check found the move impossible.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sysreg/bootargs.h"
#include "sysreg/sysreg.h"
#include "vmstate/blob.h"
#include "vmstate/frame.h"
#include "vmstate/policy.h"
#include "tools/state.h"

#define FILE_MAX	(16u << 20)

const char *prog = "regvisor-state";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "%s: %s\n", prog, msg);
	fprintf(stderr,
		"usage: %s decode BLOB|LOG\n"
		"       %s diff A B\n"
		"       %s encode TEXT -o BLOB\n"
		"       %s frame BLOB|LOG\n"
		"       %s send BLOB|LOG --to PTY|SOCKET\n"
		"       %s manifest [--version N]\n"
		"       %s check --from N --to M\n",
		prog, prog, prog, prog, prog, prog, prog);
	return EXIT_USAGE;
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

/*
 * A raw blob, or the first framed blob in a log, decoded into s and, when
 * raw is not NULL, its bytes copied there; 0 on success.
 */
static int load_blob(const char *path, struct vmstate *s, uint8_t *raw, size_t *rawlen)
{
	static struct frame_dec dec;
	size_t len, start = 0;
	uint8_t *buf = read_file(path, &len);
	const uint8_t *blob = buf;
	enum vmstate_err e;
	uint64_t where;

	if (!buf)
		return EXIT_INVALID;
	if (len < 4 || memcmp(buf, VMSTATE_MAGIC, 4) != 0) {
		frame_dec_init(&dec);
		for (size_t i = 0; i <= len && dec.state != FRAME_DONE && dec.state != FRAME_ERROR; i++) {
			if (i < len && buf[i] != '\n')
				continue;
			if (i == len && i == start)
				break;	/* no last line after the final newline */
			frame_feed(&dec, (const char *)buf + start, i - start);
			start = i + 1;
		}
		if (dec.state != FRAME_DONE) {
			e = dec.state == FRAME_SEARCHING ? VMSTATE_E_NO_FRAME :
			    dec.state == FRAME_ERROR ? dec.err : VMSTATE_E_FRAME_UNTERMINATED;
			fprintf(stderr, "%s: %s: %s (line %u)\n", prog, path, vmstate_strerror(e),
				dec.line_no);
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

static int cmd_diff(const char *a, const char *b)
{
	static struct vmstate sa, sb;
	unsigned int ndiff = 0;
	int rc;

	if ((rc = load_blob(a, &sa, NULL, NULL)) || (rc = load_blob(b, &sb, NULL, NULL)))
		return rc;
	for (unsigned int i = 0; i < 31; i++)
		if (sa.core.x[i] != sb.core.x[i])
			ndiff++, printf("x%-2u  0x%016llx  0x%016llx\n", i,
					(unsigned long long)sa.core.x[i], (unsigned long long)sb.core.x[i]);
	if (sa.core.pc != sb.core.pc || sa.core.pstate != sb.core.pstate)
		ndiff++, printf("pc/pstate differ\n");
	if (memcmp(&sa.fp, &sb.fp, sizeof(sa.fp)))
		ndiff++, printf("fp/simd registers differ\n");
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

static int out_fd = -1;

static void emit_fd(const char *line, void *ctx)
{
	size_t n = strlen(line);

	(void)ctx;
	if (write(out_fd, line, n) != (ssize_t)n || write(out_fd, "\r\n", 2) != 2)
		*(bool *)ctx = false;
}

/* The console of a firmware at its monitor prompt: a tty/pty, or a unix socket. */
static int open_console(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) != 0)
		return -1;
	if (S_ISSOCK(st.st_mode)) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		if (strlen(path) >= sizeof(sa.sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(sa.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	return open(path, O_WRONLY | O_NOCTTY);
}

static int cmd_send(const char *src, const char *to)
{
	static struct vmstate s;
	static uint8_t raw[VMSTATE_MAX_BLOB];
	size_t len;
	bool ok = true;
	int rc = load_blob(src, &s, raw, &len);

	if (rc)
		return rc;
	out_fd = open_console(to);
	if (out_fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, to, strerror(errno));
		return EXIT_INVALID;
	}
	if (write(out_fd, "load\r", 5) != 5)
		ok = false;
	usleep(200000);		/* let the monitor print its `load` prompt first */
	frame_encode(raw, len, emit_fd, &ok);
	close(out_fd);
	if (!ok) {
		fprintf(stderr, "%s: %s: %s\n", prog, to, strerror(errno));
		return EXIT_INVALID;
	}
	printf("sent %zu bytes (%u registers) to %s\n", len, s.nregs, to);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(NULL);
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
		return cmd_send(argv[2], argv[4]);
	}
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
