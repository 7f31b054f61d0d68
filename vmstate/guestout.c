/* The guest's console lines, made unmistakable from the firmware's (guestout.h). */
#include <string.h>

#include "vmstate/guestout.h"

/* What starts a firmware line or a frame's line (frame.h, "regvisor: ", "regvisor> "). */
static const char *const firmware_starts[] = { "regvisor", "-----", "Length:", "CRC32C:" };

/*
 * Characters a reader may take as a line end: LF and CR (a terminal and
 * Python's splitlines), and VT, FF, FS, GS, RS (splitlines again).
 */
static bool line_end(char c)
{
	return c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e);
}

static void flush(struct guestout *g, void (*out)(char c), bool prefix)
{
	if (prefix)
		for (const char *p = GUESTOUT_PREFIX; *p; p++)
			out(*p);
	for (unsigned int i = 0; i < g->n; i++)
		out(g->hold[i]);
	if (g->n)
		g->open = true;
	g->n = 0;
	g->decided = true;
}

void guestout_putc(struct guestout *g, char c, void (*out)(char c))
{
	bool could = false;

	if (line_end(c)) {
		flush(g, out, false);
		out(c);
		g->decided = false;
		g->open = false;
		return;
	}
	if (g->decided) {
		out(c);
		g->open = true;
		return;
	}
	g->hold[g->n++] = c;
	for (unsigned int i = 0; i < sizeof(firmware_starts) / sizeof(firmware_starts[0]); i++) {
		size_t len = strlen(firmware_starts[i]);

		if (g->n <= len && !memcmp(g->hold, firmware_starts[i], g->n)) {
			if (g->n == len) {
				flush(g, out, true);
				return;
			}
			could = true;
		}
	}
	if (!could)
		flush(g, out, false);
}

void guestout_break(struct guestout *g, void (*out)(char c))
{
	if (g->n)
		flush(g, out, false);
	if (g->open)
		out('\n');
	g->open = false;
	g->decided = false;
}
