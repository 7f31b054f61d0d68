/*
 * Host tests of the guest output filter: whatever the guest prints, no
 * line of it starts as a firmware line or frame line does, and every
 * other byte passes unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmstate/guestout.h"

static char out[4096];
static size_t nout;

static void put(char c)
{
	assert_true(nout + 1 < sizeof(out));
	out[nout++] = c;
	out[nout] = '\0';
}

/* The filter's output for in; `brk`: then a firmware line starts. */
static const char *filter_to(const char *in, bool brk)
{
	struct guestout g = { 0 };

	nout = 0;
	out[0] = '\0';
	for (const char *p = in; *p; p++)
		guestout_putc(&g, *p, put);
	if (brk)
		guestout_break(&g, put);
	return out;
}

static const char *filter(const char *in)
{
	return filter_to(in, false);
}

/* Every line (split as Python's splitlines would) that starts like the firmware's. */
static unsigned int forged_lines(const char *s)
{
	static const char *const starts[] = { "regvisor", "-----", "Length:", "CRC32C:" };
	unsigned int n = 0;
	bool bol = true;

	for (const char *p = s; *p; p++) {
		if (bol)
			for (unsigned int i = 0; i < 4; i++)
				n += !strncmp(p, starts[i], strlen(starts[i]));
		bol = *p == '\n' || *p == '\r' || *p == '\v' || *p == '\f' ||
		      (*p >= 0x1c && *p <= 0x1e);
	}
	return n;
}

static void ordinary_lines_pass_unchanged(void **state)
{
	static const char *const same[] = {
		"guest: hello from EL1\r\n",
		"PASS: hvc: SMCCC_VERSION is 1.1\r\nSUMMARY: 3 tests\r\n",
		"reg\r\nregv\n",			/* prefixes that went no further */
		"root@guest:~# ", "  regvisor: indented\n", "Len: 3\n", "CRC: 1\n", "----\n",
		"", "\n\n\n",
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		assert_string_equal(filter(same[i]), same[i]);
}

static void firmware_looking_lines_are_prefixed(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "regvisor: poweroff status=0\n", GUESTOUT_PREFIX "regvisor: poweroff status=0\n" },
		{ "regvisor> ", GUESTOUT_PREFIX "regvisor> " },
		{ "-----BEGIN REGVISOR VMSTATE-----\r\nLength: 885\r\nCRC32C: 0x0\r\n",
		  GUESTOUT_PREFIX "-----BEGIN REGVISOR VMSTATE-----\r\n" GUESTOUT_PREFIX
		  "Length: 885\r\n" GUESTOUT_PREFIX "CRC32C: 0x0\r\n" },
		{ "ok\rregvisor: poweroff status=0", "ok\r" GUESTOUT_PREFIX "regvisor: poweroff status=0" },
		{ "x\fregvisor: y", "x\f" GUESTOUT_PREFIX "regvisor: y" },
		{ "-----END REGVISOR VMSTATE-----", GUESTOUT_PREFIX "-----END REGVISOR VMSTATE-----" },
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_string_equal(filter(cases[i].in), cases[i].want);
		assert_int_equal(forged_lines(out), 0);
	}
}

/* The firmware starting a line while the guest's is open (or held) ends it first. */
static void firmware_line_after_a_partial_guest_line(void **state)
{
	struct guestout g = { 0 };
	const char *fw = "regvisor: poweroff status=1\n";

	(void)state;
	nout = 0;
	for (const char *p = "abc"; *p; p++)
		guestout_putc(&g, *p, put);
	guestout_break(&g, put);
	for (const char *p = fw; *p; p++)
		put(*p);
	assert_string_equal(out, "abc\nregvisor: poweroff status=1\n");
	/* Held characters ("regv", a possible start) go out before the break. */
	nout = 0;
	out[0] = '\0';
	for (const char *p = "regv"; *p; p++)
		guestout_putc(&g, *p, put);
	assert_string_equal(out, "");
	guestout_break(&g, put);
	assert_string_equal(out, "regv\n");
	/* Nothing open: no extra line. */
	nout = 0;
	out[0] = '\0';
	guestout_break(&g, put);
	assert_string_equal(out, "");
}

/* Every string over a small alphabet: no forged line, nothing lost. */
static void exhaustive_short_strings(void **state)
{
	static const char alpha[] = { 'r', 'e', 'g', '-', '\n', '\r', 'L', 'x' };
	char in[8];

	(void)state;
	for (unsigned int len = 1; len <= 6; len++) {
		unsigned int total = 1;

		for (unsigned int i = 0; i < len; i++)
			total *= sizeof(alpha);
		for (unsigned int k = 0; k < total; k++) {
			unsigned int v = k;

			for (unsigned int i = 0; i < len; i++, v /= sizeof(alpha))
				in[i] = alpha[v % sizeof(alpha)];
			in[len] = '\0';
			filter_to(in, true);
			/* Only the prefix is added, and only where a line started like the firmware's. */
			assert_int_equal(forged_lines(out), 0);
			assert_true(strlen(out) >= len);
		}
	}
	assert_string_equal(filter("-----\n-----"), GUESTOUT_PREFIX "-----\n" GUESTOUT_PREFIX "-----");
	assert_string_equal(filter("r"), "");		/* held: it may become "regvisor" */
	assert_string_equal(filter_to("r", true), "r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ordinary_lines_pass_unchanged),
		cmocka_unit_test(firmware_looking_lines_are_prefixed),
		cmocka_unit_test(firmware_line_after_a_partial_guest_line),
		cmocka_unit_test(exhaustive_short_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
