/*
 * regvisor-state send and console: the host end of a firmware's UART, a
 * pseudo-terminal (QEMU -serial pty) or a unix socket (QEMU -chardev
 * socket,server=on). Only firmware lines ("regvisor: " at a line start)
 * are believed: the firmware prefixes any guest line that could pass for
 * one (vmstate/guestout.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vmstate/frame.h"
#include "vmstate/fwimage.h"
#include "tools/state.h"

/* A firmware's console: a tty/pty, or a unix socket; never a regular file. */
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
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;		/* a regular file would only collect the frame */
		return -1;
	}
	fd = open(path, O_RDWR | O_NOCTTY);
	if (fd >= 0 && isatty(fd)) {
		struct termios t;

		if (tcgetattr(fd, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(fd, TCSANOW, &t);
		}
	}
	return fd;
}

static int out_fd = -1;

static void emit_fd(const char *line, void *ctx)
{
	size_t n = strlen(line);

	if (write(out_fd, line, n) != (ssize_t)n || write(out_fd, "\r\n", 2) != 2)
		*(bool *)ctx = false;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What a firmware line means for the command sent: 0 done, 1 refused, -1 neither. */
typedef int verdict_fn(const char *line);

/*
 * The firmware's answer to a command, from its own lines (`regvisor: `):
 * 0 done, 1 refused (its error lines on stderr), -1 no answer within
 * `timeout` s.
 */
static int read_firmware_verdict(int fd, double timeout, verdict_fn *verdict)
{
	char line[512];
	size_t n = 0;
	double end = now() + timeout;

	while (now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char c;
		int v;

		if (poll(&p, 1, 200) <= 0)
			continue;
		if (read(fd, &c, 1) != 1)
			return -1;
		if (c != '\n' && c != '\r') {
			if (n + 1 < sizeof(line))
				line[n++] = c;
			continue;
		}
		line[n] = '\0';
		n = 0;
		if (strncmp(line, "regvisor: ", 10))
			continue;	/* not the firmware's */
		if (strstr(line, ": error: ") || strstr(line, "refused"))
			fprintf(stderr, "%s\n", line);
		v = verdict(line);
		if (v >= 0)
			return v;
	}
	return -1;
}

static int load_verdict(const char *line)
{
	if (!strncmp(line, "regvisor: load: ", 16) && strstr(line, "registers loaded"))
		return 0;
	if (!strncmp(line, "regvisor: load: ", 16) &&
	    (strstr(line, "nothing loaded") || strstr(line, "cancelled")))
		return 1;
	if (!strncmp(line, "regvisor: error: ", 17))
		return 1;	/* `load` itself refused (no monitor prompt?) */
	return -1;
}

int cmd_send(const char *src, const char *to, double timeout)
{
	static struct vmstate s;
	static uint8_t raw[VMSTATE_MAX_BLOB];
	size_t len;
	bool ok = true;
	int rc = load_blob(src, &s, raw, &len), verdict;
	unsigned int nregs;

	if (rc)
		return rc;
	out_fd = open_console(to);
	if (out_fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, to,
			errno == ENOTTY ? "not a terminal or a socket (a firmware's console)" :
			strerror(errno));
		return EXIT_INVALID;
	}
	if (write(out_fd, "load\r", 5) != 5)
		ok = false;
	usleep(200000);		/* let the monitor print its `load` prompt first */
	frame_encode(raw, len, emit_fd, &ok);
	if (!ok) {
		fprintf(stderr, "%s: %s: %s\n", prog, to, strerror(errno));
		close(out_fd);
		return EXIT_INVALID;
	}
	nregs = 0;
	for (unsigned int i = 0; i < s.nvcpus; i++)
		nregs += s.vcpu[i].nregs;
	printf("sent %s%s%zu bytes (%u registers, %u vCPU%s) to %s\n",
	       frame_picked ? frame_picked : "", frame_picked ? " of the log: " : "", len, nregs,
	       s.nvcpus, s.nvcpus == 1 ? "" : "s", to);
	fflush(stdout);
	verdict = read_firmware_verdict(out_fd, timeout, load_verdict);
	close(out_fd);
	if (verdict < 0) {
		fprintf(stderr, "%s: %s: no verdict from the firmware in %.0f s\n", prog, to, timeout);
		return EXIT_INVALID;
	}
	if (verdict > 0) {
		fprintf(stderr, "%s: %s: the firmware refused the blob\n", prog, to);
		return EXIT_INVALID;
	}
	printf("loaded: the firmware took it\n");
	return 0;
}

static struct termios saved_tty;
static bool tty_saved;

static void restore_tty(void)
{
	if (tty_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tty);
}

static void on_signal(int sig)
{
	restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

#define CONSOLE_QUIT	0x11	/* Ctrl-Q */

/*
 * The console on this terminal: every byte both ways (so Ctrl-] reaches
 * the firmware), the terminal raw until Ctrl-Q or the link closes.
 */
int cmd_console(const char *path)
{
	int fd = open_console(path);

	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path,
			errno == ENOTTY ? "not a terminal or a socket (a firmware's console)" :
			strerror(errno));
		return EXIT_INVALID;
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
		struct termios t = saved_tty;

		tty_saved = true;
		atexit(restore_tty);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
		fprintf(stderr, "%s: connected to %s; Ctrl-Q leaves\r\n", prog, path);
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = STDIN_FILENO, .events = POLLIN } };
		char buf[4096];
		ssize_t n;

		if (poll(p, 2, -1) < 0)
			break;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0 || write(STDOUT_FILENO, buf, (size_t)n) != n)
				break;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (tty_saved && memchr(buf, CONSOLE_QUIT, (size_t)n))
				break;
			if (write(fd, buf, (size_t)n) != n)
				break;
		}
	}
	close(fd);
	restore_tty();
	return 0;
}

/* ---- Firmware images: `stamp` (the build) and `upgrade` (into a console) ---- */

/* The window's 2 MiB less the upgrade area (el2/handover.h): what an image may need. */
#define UPGRADE_FOOTPRINT_MAX	UINT64_C(0x140000)
#define UPGRADE_STAGE_MAX	UINT64_C(0x80000)

int cmd_stamp(const char *path)
{
	size_t len;
	uint8_t *img = read_file(path, &len);
	uint32_t crc;
	FILE *f;

	if (!img)
		return EXIT_INVALID;
	if (len < FWIMAGE_HEADER || img[0x38] != 0x41 || img[0x20] != 'R' || img[0x21] != 'V' ||
	    img[0x22] != 'F' || img[0x23] != 'W') {
		fprintf(stderr, "%s: %s: not a regvisor firmware image (no RVFW marker)\n", prog, path);
		free(img);
		return EXIT_INVALID;
	}
	crc = fwimage_crc(img, len);
	for (int i = 0; i < 4; i++)
		img[FWIMAGE_OFF_CRC + i] = (uint8_t)(crc >> (8 * i));
	f = fopen(path, "r+b");
	if (!f || fseek(f, FWIMAGE_OFF_CRC, SEEK_SET) ||
	    fwrite(img + FWIMAGE_OFF_CRC, 1, 4, f) != 4 || fclose(f)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		free(img);
		return EXIT_INVALID;
	}
	free(img);
	return 0;
}

/* The firmware's answer to `upgrade`: 0 handed over, 1 refused. */
static int upgrade_verdict(const char *line)
{
	if (!strncmp(line, "regvisor: upgrade: handing over", 31))
		printf("%s\n", line);
	if (!strncmp(line, "regvisor: upgrade: version ", 27) && strstr(line, "runs the guest"))
		return 0;
	if (!strncmp(line, "regvisor: handover: error: ", 27))
		return 1;
	if (!strncmp(line, "regvisor: upgrade: ", 19) &&
	    (strstr(line, "nothing changed") || strstr(line, "cancelled")))
		return 1;
	if (!strncmp(line, "regvisor: error: ", 17))
		return 1;
	return -1;
}

int cmd_upgrade(const char *path, const char *to, double timeout)
{
	struct fwimage_info fi;
	char why[160];
	const char *bad;
	size_t len;
	uint8_t *img = read_file(path, &len);
	bool ok = true;
	int verdict;

	if (!img)
		return EXIT_INVALID;
	bad = fwimage_check(img, len, UPGRADE_FOOTPRINT_MAX, &fi, why, sizeof(why));
	if (!bad && len > UPGRADE_STAGE_MAX)
		bad = "larger than the firmware's staging area (512 KiB)";
	if (bad) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, bad);
		free(img);
		return EXIT_INVALID;
	}
	out_fd = open_console(to);
	if (out_fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, to,
			errno == ENOTTY ? "not a terminal or a socket (a firmware's console)" :
			strerror(errno));
		free(img);
		return EXIT_INVALID;
	}
	if (write(out_fd, "upgrade\r", 8) != 8)
		ok = false;
	usleep(200000);		/* let the monitor print its `upgrade` prompt first */
	frame_encode_marked(img, len, FWIMAGE_BEGIN, FWIMAGE_END, emit_fd, &ok);
	free(img);
	if (!ok) {
		fprintf(stderr, "%s: %s: %s\n", prog, to, strerror(errno));
		close(out_fd);
		return EXIT_INVALID;
	}
	printf("sent %s: version %u, %zu bytes, CRC-32C 0x%08x to %s\n", path, fi.version, len,
	       (unsigned int)fi.crc, to);
	fflush(stdout);
	verdict = read_firmware_verdict(out_fd, timeout, upgrade_verdict);
	close(out_fd);
	if (verdict < 0) {
		fprintf(stderr, "%s: %s: no verdict from the firmware in %.0f s\n", prog, to, timeout);
		return EXIT_INVALID;
	}
	if (verdict > 0) {
		fprintf(stderr, "%s: %s: the upgrade was refused\n", prog, to);
		return EXIT_INVALID;
	}
	printf("upgraded: version %u runs the guest\n", fi.version);
	return 0;
}
