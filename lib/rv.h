/*
 * Small things every regvisor file may use, firmware and host alike.
 * Portable: no assembly, no MMIO.
 */
#ifndef LIB_RV_H
#define LIB_RV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT64(n)	(UINT64_C(1) << (n))

/*
 * A broken invariant of regvisor's own: report file and line and stop.
 * The firmware prints and powers off; the host build aborts.
 */
_Noreturn void rv_panic(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define PANIC(...)	rv_panic(__FILE__, __LINE__, __VA_ARGS__)
#define BUG_ON(cond)							\
	do {								\
		if (cond)						\
			PANIC("BUG_ON(%s)", #cond);			\
	} while (0)

#endif
