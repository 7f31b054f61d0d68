/*
 * What the firmware gives the C library and libfdt: string functions built
 * -mgeneral-regs-only (picolibc's use SIMD registers, which belong to the
 * guest), the stack protector's guard and failure, and panic.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plat/plat.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (!(((uintptr_t)d | (uintptr_t)s) & 7)) {
		/* 64 bytes a step (four load and store pairs), then by eights, then bytes. */
		for (; n >= 64; n -= 64, d += 64, s += 64) {
			const uint64_t *from = (const uint64_t *)(const void *)s;
			uint64_t *to = (uint64_t *)(void *)d, a = from[0], b = from[1], c = from[2],
				 e = from[3], f = from[4], g = from[5], h = from[6], k = from[7];

			to[0] = a;
			to[1] = b;
			to[2] = c;
			to[3] = e;
			to[4] = f;
			to[5] = g;
			to[6] = h;
			to[7] = k;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t v = (unsigned char)c * UINT64_C(0x0101010101010101);

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (unsigned char)c;
	/* 32 bytes a step (two store pairs), then by eights. */
	for (; n >= 32; n -= 32, d += 32) {
		uint64_t *to = (uint64_t *)(void *)d;

		to[0] = v;
		to[1] = v;
		to[2] = v;
		to[3] = v;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)(void *)d = v;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)(uintptr_t)p;
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)(uintptr_t)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)(uintptr_t)last;
	}
}

/* Seeded by boot/head.S before the first protected frame. */
uintptr_t __stack_chk_guard;

_Noreturn void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	rv_panic(__FILE__, __LINE__, "stack smashing detected");
}

void rv_panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("\nregvisor: PANIC at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	printf("\n");
	board_poweroff(EXIT_PANIC);
}
