/*
 * For the unit tests: what vmstate_report_print() writes on stdout, one
 * line per string (needs <stdio.h>, <string.h>, <unistd.h>, cmocka).
 */
#ifndef TESTS_UNIT_CAPTURE_H
#define TESTS_UNIT_CAPTURE_H

#include "vmstate/policy.h"

#define CAPTURE_LINE	256

static inline unsigned int capture_report(const struct vmstate_report *rep,
					  char out[][CAPTURE_LINE], unsigned int max)
{
	FILE *f = tmpfile();
	unsigned int n = 0;
	int saved;

	assert_non_null(f);
	fflush(stdout);
	saved = dup(fileno(stdout));
	dup2(fileno(f), fileno(stdout));
	vmstate_report_print(rep, "test");
	fflush(stdout);
	dup2(saved, fileno(stdout));
	close(saved);
	rewind(f);
	while (n < max && fgets(out[n], CAPTURE_LINE, f))
		out[n][strcspn(out[n], "\n")] = '\0', n++;
	fclose(f);
	return n;
}

#endif
