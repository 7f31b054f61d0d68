/*
 * The monitor's input line: typed (echo, backspace, history on Up/Down,
 * Tab completion) or raw (for `load`: every byte kept for the frame
 * decoder, Ctrl-C cancels).
 */
#ifndef EL2_MONITOR_LINE_H
#define EL2_MONITOR_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define LINE_TOO_LONG	(-1)
#define LINE_IDLE	(-2)
#define LINE_CANCEL	(-3)

/*
 * The words that may complete `word` (len characters) as word number
 * `argno` (0: the command) of a line whose command is `cmd`: the k-th
 * candidate, or NULL past the last. Set by the monitor.
 */
typedef const char *monitor_candidate_fn(const char *cmd, unsigned int argno, unsigned int k);

/*
 * One line into buf: its length, LINE_TOO_LONG (the rest of it is read and
 * thrown away), LINE_IDLE after `idle` seconds without input (0: wait
 * forever), or LINE_CANCEL (raw: Ctrl-C). Typed lines go into the history.
 */
int monitor_read_line(char *buf, size_t cap, bool raw, unsigned int idle, const char *prompt,
		      monitor_candidate_fn *candidates);

#endif
