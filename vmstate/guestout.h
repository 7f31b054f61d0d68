/*
 * The guest's console output as the firmware passes it on: a guest line
 * that could be read as a firmware line or frame gets GUESTOUT_PREFIX in
 * front, so what starts a line with "regvisor", "-----", "Length:" or
 * "CRC32C:" is always the firmware's. Portable: the decision is made on
 * the first characters of each line, held back only while they could
 * still become one of those starts.
 */
#ifndef VMSTATE_GUESTOUT_H
#define VMSTATE_GUESTOUT_H

#include <stdbool.h>

#define GUESTOUT_PREFIX		"guest| "
#define GUESTOUT_HOLD_MAX	8	/* the longest start to match: "regvisor" */

struct guestout {
	char hold[GUESTOUT_HOLD_MAX];
	unsigned int n;		/* characters held at the start of a line */
	bool decided;		/* this line's start is out: the rest passes */
	bool open;		/* something of this line is out, no line end yet */
};

/* One guest character; out() writes to the console. */
void guestout_putc(struct guestout *g, char c, void (*out)(char c));
/*
 * The firmware is about to start a line of its own: anything held goes out,
 * and a guest line left open is ended, so the firmware's starts a line.
 */
void guestout_break(struct guestout *g, void (*out)(char c));

#endif
