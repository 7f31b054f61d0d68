/*
 * The monitor's line editor (monitor_line.h): a line at a time from the
 * console, with a short history and completion for a person typing, and
 * byte-exact lines for a blob being sent.
 */
#include <stdio.h>
#include <string.h>

#include "plat/console.h"
#include "plat/plat.h"
#include "el2/monitor.h"
#include "el2/monitor_line.h"

#define CTRL_C		0x03
#define ESC		0x1b
#define HISTORY		16

static char history[HISTORY][MONITOR_LINE_MAX];
static unsigned int hist_count;		/* lines ever added */

/* The physical counter and its frequency (ticks a second). */
static uint64_t counter_now(uint64_t *frq)
{
	uint64_t cnt = cpu_counter();

	*frq = cpu_counter_frequency();
	return cnt;
}

/* The first n characters of a and b agree, letters in either case (names are). */
static bool prefix_match(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] >= 'a' && a[i] <= 'z' ? (char)(a[i] - 32) : a[i];
		char y = b[i] >= 'a' && b[i] <= 'z' ? (char)(b[i] - 32) : b[i];

		if (x != y || !x)
			return false;
	}
	return true;
}

static void history_add(const char *line)
{
	if (!*line || (hist_count && !strcmp(history[(hist_count - 1) % HISTORY], line)))
		return;
	snprintf(history[hist_count % HISTORY], MONITOR_LINE_MAX, "%s", line);
	hist_count++;
}

/* Replace what is typed (n characters) by s on the terminal and in buf. */
static size_t retype(char *buf, size_t n, size_t cap, const char *s)
{
	size_t len = strlen(s);

	while (n--)
		printf("\b \b");
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	printf("%s", buf);
	return len;
}

/* The word being typed: where it starts, which word it is and the line's first. */
static size_t current_word(const char *buf, size_t n, unsigned int *argno, char *cmd, size_t cmdcap)
{
	size_t start = n, i = 0, c = 0;

	while (start && buf[start - 1] != ' ')
		start--;
	*argno = 0;
	for (size_t k = 0; k < start; k++)
		if (buf[k] != ' ' && (k == 0 || buf[k - 1] == ' '))
			(*argno)++;
	while (i < n && buf[i] == ' ')
		i++;
	while (i < n && buf[i] != ' ' && c + 1 < cmdcap)
		cmd[c++] = buf[i++];
	cmd[c] = '\0';
	return start;
}

/*
 * Tab: one candidate completes the word (and a space follows); several
 * complete what they share, and a second Tab with nothing to add lists them.
 */
static size_t complete(char *buf, size_t n, size_t cap, const char *prompt,
		       monitor_candidate_fn *candidates)
{
	char cmd[MONITOR_LINE_MAX];
	unsigned int argno, matches = 0;
	size_t start = current_word(buf, n, &argno, cmd, sizeof(cmd)), wlen = n - start, common = 0;
	const char *first = NULL, *c;

	for (unsigned int k = 0; (c = candidates(cmd, argno, k)); k++) {
		if (!prefix_match(c, buf + start, wlen))
			continue;
		if (!matches++) {
			first = c;
			common = strlen(c);
		} else {
			size_t s = wlen;

			while (s < common && first[s] == c[s])
				s++;
			common = s;
		}
	}
	if (!matches)
		return n;
	if (common > wlen || matches == 1) {
		for (size_t k = wlen; k < common && n + 1 < cap; k++) {
			buf[n++] = first[k];
			console_putc(first[k]);
		}
		if (matches == 1 && n + 1 < cap) {
			buf[n++] = ' ';
			console_putc(' ');
		}
		return n;
	}
	printf("\n");
	for (unsigned int k = 0; (c = candidates(cmd, argno, k)); k++)
		if (prefix_match(c, buf + start, wlen))
			printf("%s  ", c);
	buf[n] = '\0';
	printf("\n%s%s", prompt, buf);
	return n;
}

int monitor_read_line(char *buf, size_t cap, bool raw, unsigned int idle, const char *prompt,
		      monitor_candidate_fn *candidates)
{
	static int last_end;	/* the byte that ended the previous line */
	static bool cr_cr;	/* raw: "\r\r" seen; a "\n" now makes it one end */
	static int pushback = -1;
	unsigned int esc = 0, back = 0;	/* escape sequence state; history steps back */
	size_t n = 0;
	bool overflow = false;
	uint64_t frq, last = counter_now(&frq);

	for (;;) {
		int c = pushback >= 0 ? pushback : console_getc();

		pushback = -1;
		if (c < 0) {
			/* Whole seconds of silence, counted in ticks from the last input. */
			if (idle && frq && counter_now(&frq) - last >= (uint64_t)idle * frq)
				return LINE_IDLE;
			continue;
		}
		last = counter_now(&frq);
		if (raw && c == CTRL_C)
			return LINE_CANCEL;
		if (cr_cr) {
			cr_cr = false;
			if (c == '\n') {
				last_end = 0;
				continue;
			}
			pushback = c;	/* two CRs: an empty line between them */
			last_end = '\r';
			buf[0] = '\0';
			return 0;
		}
		if (n == 0 && last_end) {
			int prev = last_end;

			last_end = 0;
			if ((c == '\n' && prev == '\r') || (raw && c == '\r' && prev == '\n'))
				continue;
			if (raw && c == '\r' && prev == '\r') {
				cr_cr = true;
				continue;
			}
		}
		if (c == '\r' || c == '\n') {
			last_end = c;
			if (!raw)
				printf("\n");
			if (overflow)
				return LINE_TOO_LONG;
			buf[n] = '\0';
			if (!raw)
				history_add(buf);
			return (int)n;
		}
		if (!raw) {
			/* ESC [ A / ESC [ B (or ESC O A/B): Up and Down through the history. */
			if (c == ESC) {
				esc = 1;
				continue;
			}
			if (esc == 1) {
				esc = (c == '[' || c == 'O') ? 2 : 0;
				continue;
			}
			if (esc == 2) {
				esc = 0;
				if (c == 'A' && back < hist_count && back < HISTORY)
					back++;
				else if (c == 'B' && back > 0)
					back--;
				else
					continue;
				overflow = false;
				n = retype(buf, n, cap, back ? history[(hist_count - back) % HISTORY] : "");
				continue;
			}
			if (c == '\t') {
				if (!overflow && candidates)
					n = complete(buf, n, cap, prompt, candidates);
				continue;
			}
			if (c == 0x7f || c == 0x08) {
				if (n && !overflow) {
					n--;
					printf("\b \b");
				}
				continue;
			}
			if (c < 0x20 || c > 0x7e)
				continue;	/* other control characters are ignored */
		}
		if (n + 1 >= cap) {
			overflow = true;
			continue;
		}
		buf[n++] = (char)c;
		if (!raw)
			console_putc((char)c);
	}
}
