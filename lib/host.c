/* What the portable core needs from its environment, on the host. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/rv.h"

void rv_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "PANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
