/*
 * Host tests of the blob codec, the export/import policy and the UART
 * framing: round trips, and every refusal with its own error, leaving the
 * destination untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sysreg/sysreg_fake.h"
#include "vmstate/blob.h"
#include "vmstate/crc32c.h"
#include "vmstate/frame.h"
#include "vmstate/policy.h"
#include "tests/unit/capture.h"

static struct vmstate st, st2, st3_one;
static uint8_t buf[VMSTATE_MAX_BLOB];
static struct vcpu_sysregs vs;

/* A vCPU of CPU model cpu in world `world`, as the firmware sets it up: newer rows hidden. */
static void reset_world(struct vcpu_sysregs *r, unsigned int cpu, unsigned int world)
{
	sysreg_vcpu_reset(r, cpu, world);
	memset(&r->hidden, 0, sizeof(r->hidden));
	sysreg_mask_add_newer_than(&r->hidden, world);
}

/* A one-vCPU state written as format 1.0, as a version-2 firmware writes it. */
static void fill_state(struct vmstate *s)
{
	vmstate_clear(s, 1);
	s->major = 1;
	s->fw_version = 2;
	for (unsigned int i = 0; i < 31; i++)
		s->vcpu[0].core.x[i] = 0x1000000000000000ull * (i % 16) + i;
	s->vcpu[0].core.pc = 0x40401234;
	s->vcpu[0].core.pstate = 0x3c5;
	for (unsigned int i = 0; i < 32; i++) {
		s->vcpu[0].fp.v[i][0] = 0xaaaa000000000000ull | i;
		s->vcpu[0].fp.v[i][1] = 0xbbbb000000000000ull | i;
	}
	s->vcpu[0].fp.fpsr = 0x0800009f;
	s->vcpu[0].fp.fpcr = 0x03000000;
	s->vcount = 0x123456789;
	s->vcpu[0].regs[s->vcpu[0].nregs++] = (struct vmstate_entry){ 0x603000000013c080, 0x30d00800, true };
	s->vcpu[0].regs[s->vcpu[0].nregs++] = (struct vmstate_entry){ 0x603000000013c081, 0, false };
	s->vcpu[0].regs[s->vcpu[0].nregs++] = (struct vmstate_entry){ 0x603000000013de82, UINT64_MAX, false };
	s->vcpu[0].regs[s->vcpu[0].nregs++] = (struct vmstate_entry){ 0x6030000000140000, 0x10001, true };
	s->vcpu[0].regs[s->vcpu[0].nregs++] = (struct vmstate_entry){ 0x6030000000160003, 1, false };
}

static size_t encode(const struct vmstate *s, uint8_t *out)
{
	enum vmstate_err e;
	size_t n = vmstate_encode(s, out, VMSTATE_MAX_BLOB, &e);

	assert_int_equal(e, VMSTATE_E_OK);
	assert_true(n > 0);
	return n;
}

static void fix_crc(uint8_t *b, size_t n)
{
	uint32_t c = crc32c(b, n - 4);

	for (int i = 0; i < 4; i++)
		b[n - 4 + (size_t)i] = (uint8_t)(c >> (8 * i));
}

static void crc32c_known_answer(void **state)
{
	(void)state;
	assert_int_equal(crc32c((const uint8_t *)"123456789", 9), 0xe3069283);
	assert_int_equal(crc32c(NULL, 0), 0);
	/* The instructions (SSE4.2 on an x86-64 host) and the table: the same on every length. */
	assert_true(crc32c_agrees());
	printf("crc32c: by %s\n", crc32c_by_instruction() ? "instruction" : "table");
	assert_int_equal(crc32c_update(crc32c((const uint8_t *)"1234", 4),
				       (const uint8_t *)"56789", 5), 0xe3069283);
	/* Long enough for the 8-byte steps: the same as byte by byte. */
	assert_int_equal(crc32c_update(crc32c((const uint8_t *)"123456789abcdefghij", 3),
				       (const uint8_t *)"456789abcdefghij", 16),
			 crc32c((const uint8_t *)"123456789abcdefghij", 19));
}

static void round_trip_every_section(void **state)
{
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_OK);
	assert_int_equal(st2.major, 1);
	assert_int_equal(st2.nvcpus, 1);
	assert_int_equal(st2.vcpu[0].power, VMSTATE_POWER_ON);
	assert_int_equal(st2.fw_version, 2);
	assert_memory_equal(&st.vcpu[0].core, &st2.vcpu[0].core, sizeof(st.vcpu[0].core));
	assert_memory_equal(&st.vcpu[0].fp, &st2.vcpu[0].fp, sizeof(st.vcpu[0].fp));
	assert_int_equal(st2.vcount, st.vcount);
	assert_int_equal(st2.vcpu[0].nregs, st.vcpu[0].nregs);
	for (unsigned int i = 0; i < st.vcpu[0].nregs; i++) {
		assert_int_equal(st2.vcpu[0].regs[i].id, st.vcpu[0].regs[i].id);
		assert_int_equal(st2.vcpu[0].regs[i].value, st.vcpu[0].regs[i].value);
		assert_int_equal(st2.vcpu[0].regs[i].droppable, st.vcpu[0].regs[i].droppable);
	}
	/* Compact: a zero register costs 2 bytes, a neighbour's id 1 byte. */
	assert_non_null(vmstate_find(&st2.vcpu[0], 0x6030000000160003));
	assert_null(vmstate_find(&st2.vcpu[0], 0x6030000000160002));
}

static void refuses_bad_magic_and_newer_major(void **state)
{
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	buf[0] = 'X';
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_BAD_MAGIC);
	n = encode(&st, buf);
	buf[4] = VMSTATE_MAJOR + 1;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_NEWER_MAJOR);
	/* A newer minor version is fine. */
	n = encode(&st, buf);
	buf[5] = VMSTATE_MINOR + 7;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_OK);
}

static void refuses_truncation_at_every_offset(void **state)
{
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	for (size_t len = 0; len < n; len++) {
		enum vmstate_err e = vmstate_decode(buf, len, &st2, NULL);

		assert_int_equal(e, VMSTATE_E_TRUNCATED);
	}
}

static void every_flipped_bit_is_caught(void **state)
{
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	for (size_t byte = 0; byte < n; byte++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			enum vmstate_err e;

			buf[byte] ^= (uint8_t)(1u << bit);
			e = vmstate_decode(buf, n, &st2, NULL);
			buf[byte] ^= (uint8_t)(1u << bit);
			if (byte < 4)
				assert_int_equal(e, VMSTATE_E_BAD_MAGIC);
			else if (byte == 4)
				assert_true(e == VMSTATE_E_NEWER_MAJOR || e == VMSTATE_E_BAD_MAGIC);
			else if (byte >= 12 && byte < 16)
				assert_true(e == VMSTATE_E_TRUNCATED || e == VMSTATE_E_BAD_LENGTH);
			else
				assert_int_equal(e, VMSTATE_E_BAD_CRC);
		}
	}
}

/* A blob whose SYSREGS section is the given bytes (CRC and lengths right). */
static size_t craft(const uint8_t *entries, size_t elen, uint8_t *out)
{
	uint8_t *p;
	size_t n, sys_at;

	fill_state(&st);
	st.vcpu[0].nregs = 0;
	n = encode(&st, out);
	/* Sections in order: CORE, FPSIMD, SYSREGS (empty: 1 byte), FWREGS, TIMER. */
	sys_at = VMSTATE_HDR_SIZE + (VMSTATE_SEC_HDR_SIZE + 264) + (VMSTATE_SEC_HDR_SIZE + 520);
	assert_int_equal(out[sys_at], VMSTATE_SEC_SYSREGS);
	p = out + sys_at + VMSTATE_SEC_HDR_SIZE;
	memmove(p + elen, p + 1, n - (size_t)(p + 1 - out));
	memcpy(p, entries, elen);
	n = n - 1 + elen;
	out[sys_at + 4] = (uint8_t)elen;
	out[sys_at + 5] = (uint8_t)(elen >> 8);
	out[12] = (uint8_t)n;
	out[13] = (uint8_t)(n >> 8);
	fix_crc(out, n);
	return n;
}

static void refuses_unsorted_duplicate_and_malformed_entries(void **state)
{
	/* SYSREGS payloads, each with the error it must give. */
	static const struct {
		const char *what;
		uint8_t bytes[16];
		size_t len;
		enum vmstate_err err;
	} cases[] = {
		{ "count 2; SCTLR_EL1 (delta 0x13c080), no value; delta 0: duplicate",
		  { 2, 0x80, 0x81, 0x4f, 0x00, 0x00, 0x00 }, 7, VMSTATE_E_DUP_ID },
		{ "count 2; SCTLR_EL1; a delta that wraps past 2^64: not increasing",
		  { 2, 0x80, 0x81, 0x4f, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0x01, 0x00 }, 16, VMSTATE_E_UNSORTED },
		{ "reserved flag bits set", { 1, 0x80, 0x81, 0x4f, 0x20 }, 5, VMSTATE_E_BAD_ENTRY },
		{ "value length 9", { 1, 0x80, 0x81, 0x4f, 0x09 }, 5, VMSTATE_E_BAD_ENTRY },
		{ "8 value bytes said, 2 there", { 1, 0x80, 0x81, 0x4f, 0x08, 1, 2 }, 7,
		  VMSTATE_E_BAD_ENTRY },
		{ "count far above the limit", { 0xff, 0xff, 0x03 }, 3, VMSTATE_E_TOO_MANY },
		{ "a firmware id among system registers", { 1, 0x80, 0x80, 0x50, 0x00 }, 5,
		  VMSTATE_E_BAD_ENTRY },
		{ "an 11-byte varint", { 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					 0x80, 0x00, 0x00 }, 13, VMSTATE_E_BAD_ENTRY },
		{ "garbage after the entries", { 0, 0x55 }, 2, VMSTATE_E_BAD_SECTION },
		{ "a padded varint (0x13c080 in 4 bytes)", { 1, 0x80, 0x81, 0xcf, 0x00, 0x00 }, 6,
		  VMSTATE_E_BAD_ENTRY },
		{ "a value with a leading zero byte", { 1, 0x80, 0x81, 0x4f, 0x02, 0x01, 0x00 }, 7,
		  VMSTATE_E_BAD_ENTRY },
		{ "zero in one byte", { 1, 0x80, 0x81, 0x4f, 0x01, 0x00 }, 6, VMSTATE_E_BAD_ENTRY },
	};
	uint64_t where;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = craft(cases[i].bytes, cases[i].len, buf);

		if (vmstate_decode(buf, n, &st2, &where) != cases[i].err)
			fail_msg("%s: got %s", cases[i].what,
				 vmstate_strerror(vmstate_decode(buf, n, &st2, &where)));
		if (cases[i].err == VMSTATE_E_DUP_ID)
			assert_int_equal(where, 0x603000000013c080);
	}
	/* The encoder refuses unsorted input too. */
	fill_state(&st);
	st.vcpu[0].regs[1].id = st.vcpu[0].regs[0].id;
	assert_int_equal(vmstate_encode(&st, buf, sizeof(buf), &(enum vmstate_err){ 0 }), 0);
}

static void sections_unknown_duplicate_missing_oversized(void **state)
{
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	/* The TIMER section is last: rename it to an unknown, required type. */
	buf[n - 4 - 8 - VMSTATE_SEC_HDR_SIZE] = 9;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_UNKNOWN_SECTION);
	/* The same section marked optional is skipped; TIMER is then missing. */
	buf[n - 4 - 8 - VMSTATE_SEC_HDR_SIZE + 1] = VMSTATE_SEC_OPTIONAL;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_MISSING_SECTION);
	/* Renamed to CORE: a duplicate. */
	buf[n - 4 - 8 - VMSTATE_SEC_HDR_SIZE] = VMSTATE_SEC_CORE;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_DUP_SECTION);
	/* Reserved section bits and flags other than OPTIONAL. */
	n = encode(&st, buf);
	buf[n - 4 - 8 - VMSTATE_SEC_HDR_SIZE + 2] = 1;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_BAD_SECTION);
	n = encode(&st, buf);
	buf[n - 4 - 8 - VMSTATE_SEC_HDR_SIZE + 1] = 0x02;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_BAD_SECTION);
	/* A section length past the end. */
	n = encode(&st, buf);
	buf[n - 4 - 8 - 4] = 0xff;
	fix_crc(buf, n);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_BAD_SECTION);
	/* Bigger than the hard limit: refused before anything is read. */
	assert_int_equal(vmstate_decode(buf, VMSTATE_MAX_BLOB + 1, &st2, NULL), VMSTATE_E_TOO_LARGE);
	/* Header length smaller than the blob. */
	n = encode(&st, buf);
	buf[n] = 0;
	assert_int_equal(vmstate_decode(buf, n + 1, &st2, NULL), VMSTATE_E_BAD_LENGTH);
}

/* --- policy --- */


static void export_leaves_hidden_out_and_refuses_modified(void **state)
{
	struct vmstate_report rep = { 0 };

	(void)state;
	fake_hw_reset();
	reset_world(&vs, 2, FW_VERSION);
	sysreg_mask_set(&vs.hidden, SYSREG_VENDOR_HYP_BMAP_2);
	sysreg_mask_set(&vs.hidden, SYSREG_TCR_EL1);
	assert_int_equal(vmstate_export_regs(&vs, 0, &st.vcpu[0], &rep), 0);
	assert_int_equal(st.vcpu[0].nregs, SYSREG_COUNT - 2);
	assert_null(vmstate_find(&st.vcpu[0], sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].id));
	assert_null(vmstate_find(&st.vcpu[0], sysreg_table[SYSREG_TCR_EL1].id));
	assert_true(vmstate_find(&st.vcpu[0], sysreg_table[SYSREG_SCTLR_EL1].id)->droppable);

	/* The guest wrote a hidden register: refused, naming it and both values. */
	vs.val[SYSREG_TCR_EL1] = 0x32b5193519;
	vs.val[SYSREG_VENDOR_HYP_BMAP_2] = 1;
	assert_int_equal(vmstate_export_regs(&vs, 0, &st.vcpu[0], &rep), 2);
	assert_int_equal(rep.p[0].err, VMSTATE_E_HIDDEN_MODIFIED);
	assert_int_equal(rep.p[0].id, sysreg_table[SYSREG_TCR_EL1].id);
	assert_int_equal(rep.p[0].value, 0x32b5193519);
	assert_int_equal(rep.p[0].expect, 0);
	assert_int_equal(rep.p[1].id, sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].id);
	vmstate_report_print(&rep, "test");
}

static void export_for_version_1(void **state)
{
	struct vmstate_report rep = { 0 };

	(void)state;
	fake_hw_reset();
	/* The guest saw pointer authentication: version 1 cannot offer it. */
	reset_world(&vs, 2, 2);
	assert_int_equal(vmstate_export_regs(&vs, 1, &st.vcpu[0], &rep), 2);
	assert_int_equal(rep.p[0].err, VMSTATE_E_ID_INCOMPATIBLE);
	assert_int_equal(rep.p[0].id, sysreg_table[SYSREG_ID_AA64ISAR1_EL1].id);
	assert_int_equal(rep.p[0].field_shift, 8);	/* API */
	assert_int_equal(rep.p[1].id, sysreg_table[SYSREG_ID_AA64ISAR2_EL1].id);
	assert_int_equal(rep.p[1].field_shift, 8);	/* GPA3 */
	vmstate_report_print(&rep, "test");
	/* With version 1's CPU model and the v2 registers at default it works. */
	memset(&rep, 0, sizeof(rep));
	reset_world(&vs, 1, 2);
	assert_int_equal(vmstate_export_regs(&vs, 1, &st.vcpu[0], &rep), 0);
	assert_null(vmstate_find(&st.vcpu[0], sysreg_table[SYSREG_VENDOR_HYP_BMAP_2].id));
	assert_null(vmstate_find(&st.vcpu[0], sysreg_table[SYSREG_APIAKEYLO_EL1].id));
	/* The guest enabled the workaround (a v2-only register): refused. */
	vs.val[SYSREG_SMCCC_ARCH_WORKAROUND_2] = 0x10;
	assert_int_equal(vmstate_export_regs(&vs, 1, &st.vcpu[0], &rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_HIDDEN_MODIFIED);
}

/* Snapshot of everything an import could touch. */
static uint64_t snap_hw[SYSREG_COUNT];
static struct vcpu_sysregs snap_vs;

static void snapshot(void)
{
	memcpy(snap_hw, fake_hw, sizeof(snap_hw));
	snap_vs = vs;
}

static void assert_untouched(void)
{
	assert_memory_equal(snap_hw, fake_hw, sizeof(snap_hw));
	assert_memory_equal(&snap_vs, &vs, sizeof(vs));
}

static unsigned int check(struct vmstate_report *rep, struct vmstate_drops *drops)
{
	memset(rep, 0, sizeof(*rep));
	return vmstate_check_regs(&st, 0, &vs, NULL, drops, rep);
}

static struct vmstate_entry *entry(unsigned int idx)
{
	return (struct vmstate_entry *)vmstate_find(&st.vcpu[0], sysreg_table[idx].id);
}

static void import_checks_and_applies(void **state)
{
	static struct vmstate_drops drops;
	struct vmstate_report rep = { 0 };

	(void)state;
	fake_hw_reset();
	reset_world(&vs, 2, 2);
	vs.val[SYSREG_TPIDR_EL0] = 0x1234;
	vs.val[SYSREG_SMCCC_ARCH_WORKAROUND_2] = 0x10;
	assert_int_equal(vmstate_export_regs(&vs, 2, &st.vcpu[0], &rep), 0);
	st.fw_version = 2;
	st.vcpu[0].index = 0;

	/* A fresh destination takes it. */
	fake_hw_reset();
	reset_world(&vs, 2, 2);
	assert_int_equal(check(&rep, &drops), 0);
	assert_int_equal(drops.n, 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[SYSREG_TPIDR_EL0], 0x1234);
	assert_int_equal(vs.cpu_version, 2);	/* the blob's guest saw pointer auth */
	assert_int_equal(vs.val[SYSREG_SMCCC_ARCH_WORKAROUND_2], 0x10);

	/* Value outside the writable mask. */
	snapshot();
	entry(SYSREG_SMCCC_ARCH_WORKAROUND_2)->value = 0x11;
	assert_int_equal(check(&rep, &drops), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_WMASK);
	entry(SYSREG_SMCCC_ARCH_WORKAROUND_2)->value = 0x10;

	/* An ID register with a feature this destination does not have (SVE). */
	entry(SYSREG_ID_AA64PFR0_EL1)->value |= UINT64_C(1) << 32;
	assert_int_equal(check(&rep, &drops), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_ID_INCOMPATIBLE);
	assert_int_equal(rep.p[0].field_shift, 32);
	entry(SYSREG_ID_AA64PFR0_EL1)->value &= ~(UINT64_C(1) << 32);
	/* FP 0xf (absent) is no more than offered, but no firmware writes it. */
	entry(SYSREG_ID_AA64PFR0_EL1)->value |= UINT64_C(0xf) << 16;
	assert_int_equal(check(&rep, &drops), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_BAD_VALUE);
	entry(SYSREG_ID_AA64PFR0_EL1)->value &= ~(UINT64_C(0xf) << 16);

	/* A destination living in version 1's world offers version 1's CPU only. */
	vs.world_version = 1;
	assert_int_equal(check(&rep, &drops), 3);	/* ISAR1, ISAR2; WORKAROUND_2 (set, v2 only) */
	assert_int_equal(rep.p[0].err, VMSTATE_E_ID_INCOMPATIBLE);
	assert_int_equal(rep.p[0].id, sysreg_table[SYSREG_ID_AA64ISAR1_EL1].id);
	vs.world_version = 2;

	/* An unknown id: refused unless droppable. */
	st.vcpu[0].regs[st.vcpu[0].nregs++] = (struct vmstate_entry){ 0x6030000000140099, 5, false };
	assert_int_equal(check(&rep, &drops), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_UNKNOWN_ID);
	st.vcpu[0].regs[st.vcpu[0].nregs - 1].droppable = true;
	assert_int_equal(check(&rep, &drops), 0);
	assert_int_equal(drops.n, 1);
	assert_int_equal(drops.id[0], 0x6030000000140099);
	/* Or when this destination's tolerance list names it. */
	st.vcpu[0].regs[st.vcpu[0].nregs - 1].droppable = false;
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(vmstate_check_regs(&st, 0, &vs, &(struct vmstate_tolerance){ 1,
					    (const uint64_t[]){ 0x6030000000140099 } },
					    &drops, &rep), 0);
	assert_int_equal(drops.n, 1);
	st.vcpu[0].nregs--;

	/* A register this destination needs and the blob lacks. */
	entry(SYSREG_SCTLR_EL1)->droppable = false;
	entry(SYSREG_SCTLR_EL1)->id = 0x603000000013c07f;	/* not SCTLR any more */
	assert_int_equal(check(&rep, &drops), 2);	/* unknown id and SCTLR missing */
	assert_int_equal(rep.p[1].err, VMSTATE_E_MISSING_REG);
	assert_int_equal(rep.p[1].id, sysreg_table[SYSREG_SCTLR_EL1].id);
	assert_untouched();
}

static void import_missing_reset_safe_and_hidden(void **state)
{
	static struct vmstate_drops drops;
	struct vmstate_report rep = { 0 };

	(void)state;
	fake_hw_reset();
	reset_world(&vs, 1, 1);	/* as a version-1 guest would be */
	sysreg_mask_add_newer_than(&vs.hidden, 1);
	assert_int_equal(vmstate_export_regs(&vs, 1, &st.vcpu[0], &rep), 0);
	st.fw_version = 1;
	st.vcpu[0].index = 0;
	/* A version-2 destination: the v2 registers are reset-safe. */
	reset_world(&vs, 2, 2);
	reset_world(&vs, vs.cpu_version, vs.world_version);
	assert_int_equal(check(&rep, &drops), 0);
	/* Loaded there, the guest keeps version 1's CPU model. */
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.cpu_version, 1);
	/* TCR_EL1 left out: refused unless hidden on this side too. */
	for (unsigned int i = 0; i < st.vcpu[0].nregs; i++)
		if (st.vcpu[0].regs[i].id == sysreg_table[SYSREG_TCR_EL1].id)
			memmove(&st.vcpu[0].regs[i], &st.vcpu[0].regs[i + 1], (--st.vcpu[0].nregs - i) * sizeof(st.vcpu[0].regs[0]));
	assert_int_equal(check(&rep, &drops), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_MISSING_REG);
	sysreg_mask_set(&vs.hidden, SYSREG_TCR_EL1);
	assert_int_equal(check(&rep, &drops), 0);
}


/* A fresh export of a version-2 guest, as the firmware writes it for vCPU 0. */
static void fresh_export(void)
{
	struct vmstate_report rep = { 0 };

	fake_hw_reset();
	reset_world(&vs, 2, 2);
	reset_world(&vs, vs.cpu_version, vs.world_version);
	vmstate_clear(&st, 1);
	st.major = 1;
	st.fw_version = 2;
	st.vcpu[0].core.pstate = 0x3c5;
	assert_int_equal(vmstate_export_regs(&vs, 2, &st.vcpu[0], &rep), 0);
}

/* Values no firmware could have written: each refused, naming its field. */
static void import_refuses_values_no_firmware_writes(void **state)
{
	static const struct {
		unsigned int reg;
		uint64_t value;
		const char *field;	/* NULL: accepted */
	} cases[] = {
		{ SYSREG_PSCI_VERSION, 0, "PSCI_VERSION" },
		{ SYSREG_PSCI_VERSION, 0x20000, "PSCI_VERSION" },
		{ SYSREG_PSCI_VERSION, 0xffffffff, "PSCI_VERSION" },
		{ SYSREG_PSCI_VERSION, 0x10000, NULL },
		{ SYSREG_PSCI_VERSION, 0x10001, NULL },
		{ SYSREG_MIDR_EL1, 0x1000f0510, "MIDR_EL1 RES0[63:32]" },
		{ SYSREG_MIDR_EL1, 0x00000510, "MIDR_EL1.Architecture" },
		{ SYSREG_MIDR_EL1, 0x410fd083, NULL },		/* another CPU's: IDENT travels */
		{ SYSREG_MPIDR_EL1, 0x00000000, "MPIDR_EL1 RES1[31]" },
		{ SYSREG_MPIDR_EL1, 0x80000000 | (UINT64_C(1) << 40), "MPIDR_EL1 RES0[63:40]" },
		{ SYSREG_MPIDR_EL1, 0x82000000, "MPIDR_EL1 RES0[29:25]" },
		{ SYSREG_MPIDR_EL1, 0xc0000000, "MPIDR_EL1.U" },
		{ SYSREG_MPIDR_EL1, 0x81000000, "MPIDR_EL1.MT" },
		{ SYSREG_MPIDR_EL1, 0x80000100, "MPIDR_EL1.Aff2,Aff1" },
		{ SYSREG_MPIDR_EL1, 0x80000001, "MPIDR_EL1.Aff0" },
		{ SYSREG_MPIDR_EL1, 0x80000000, NULL },
		{ SYSREG_ID_AA64PFR0_EL1, 0x0000000000110020, "ID_AA64PFR0_EL1.EL0" },
		{ SYSREG_ID_AA64PFR0_EL1, 0x0000000000110002, "ID_AA64PFR0_EL1.EL1" },
		{ SYSREG_ID_AA64PFR0_EL1, 0x0000000000f10022, "ID_AA64PFR0_EL1.AdvSIMD" },
		{ SYSREG_ID_AA64PFR0_EL1, 0x00000000001f0022, "ID_AA64PFR0_EL1.FP" },
		{ SYSREG_ID_AA64PFR0_EL1, 0x0000000000110022, NULL },
	};
	static struct vmstate_drops drops;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmstate_report rep = { 0 };

		fresh_export();
		entry(cases[i].reg)->value = cases[i].value;
		snapshot();
		if (!cases[i].field) {
			if (check(&rep, &drops))
				fail_msg("%s = 0x%llx refused", sysreg_table[cases[i].reg].name,
					 (unsigned long long)cases[i].value);
			continue;
		}
		if (check(&rep, &drops) != 1 || rep.p[0].err != VMSTATE_E_BAD_VALUE ||
		    strncmp(rep.p[0].why, cases[i].field, strlen(cases[i].field)))
			fail_msg("%s = 0x%llx: want one refusal naming %s, got %u (%s)",
				 sysreg_table[cases[i].reg].name, (unsigned long long)cases[i].value,
				 cases[i].field, rep.total, rep.total ? rep.p[0].why : "-");
		assert_int_equal(rep.p[0].id, sysreg_table[cases[i].reg].id);
		vmstate_report_print(&rep, "test");
		assert_untouched();
	}
}

/*
 * The header of a 1.0 blob: a version that exists and whose meanings this
 * tree knows (up to FW_VERSION_LATEST), vCPU index 0, one vCPU.
 */
static void import_checks_the_header(void **state)
{
	static const struct { uint16_t fw, vcpu; enum vmstate_err err; } cases[] = {
		{ 1, 0, VMSTATE_E_OK }, { 2, 0, VMSTATE_E_OK }, { 3, 0, VMSTATE_E_OK },
		{ FW_VERSION_LATEST, 0, VMSTATE_E_OK },
		{ FW_VERSION_LATEST + 1, 0, VMSTATE_E_NEWER_MEANINGS },
		{ 0x7fff, 0, VMSTATE_E_NEWER_MEANINGS },
		{ 0, 0, VMSTATE_E_BAD_HEADER }, { 0xffff, 0, VMSTATE_E_BAD_HEADER },
		{ 0x8000, 0, VMSTATE_E_BAD_HEADER },
		{ 2, 1, VMSTATE_E_BAD_HEADER }, { 2, 0xffff, VMSTATE_E_BAD_HEADER },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmstate_report rep = { 0 };
		bool ok = cases[i].err == VMSTATE_E_OK;

		fresh_export();
		st.fw_version = cases[i].fw;
		st.vcpu[0].index = cases[i].vcpu;
		if ((vmstate_check_header(&st, 1, &rep) == 0) != ok)
			fail_msg("fw %u vcpu %u", cases[i].fw, cases[i].vcpu);
		if (ok)
			continue;
		assert_int_equal(rep.total, 1);
		assert_int_equal(rep.p[0].err, cases[i].err);
		assert_int_equal(rep.p[0].value, cases[i].vcpu ? cases[i].vcpu : cases[i].fw);
		if (cases[i].err == VMSTATE_E_BAD_HEADER)
			assert_non_null(strstr(rep.p[0].why, cases[i].vcpu ? "vCPU index must be 0" :
					       "firmware version"));
		vmstate_report_print(&rep, "test");
	}
}

/*
 * DROPPABLE is the writer's claim "at its default": a reader that knows
 * the register (outside its world here) checks it; one that does not, drops.
 */
static void droppable_checked_where_known(void **state)
{
	static struct vmstate_drops drops;
	struct vmstate_report rep = { 0 };

	(void)state;
	fresh_export();
	entry(SYSREG_APIAKEYLO_EL1)->value = 0x1234;
	entry(SYSREG_APIAKEYLO_EL1)->droppable = true;
	reset_world(&vs, 1, 1);	/* compat=1: pointer auth outside the world */
	sysreg_mask_add_newer_than(&vs.hidden, 1);
	for (unsigned int i = 0; i < st.vcpu[0].nregs; i++)	/* v1's CPU view, so only the key is wrong */
		if (st.vcpu[0].regs[i].id == sysreg_table[SYSREG_ID_AA64ISAR1_EL1].id ||
		    st.vcpu[0].regs[i].id == sysreg_table[SYSREG_ID_AA64ISAR2_EL1].id)
			st.vcpu[0].regs[i].value = 0;
	snapshot();
	assert_int_equal(check(&rep, &drops), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_DROPPABLE_MODIFIED);
	assert_int_equal(rep.p[0].id, sysreg_table[SYSREG_APIAKEYLO_EL1].id);
	assert_int_equal(rep.p[0].value, 0x1234);
	vmstate_report_print(&rep, "test");
	assert_untouched();
	/* At its default it is dropped, as marked. */
	entry(SYSREG_APIAKEYLO_EL1)->value = 0;
	assert_int_equal(check(&rep, &drops), 0);
	/* The operator's tolerance still drops a changed one (logged). */
	entry(SYSREG_APIAKEYLO_EL1)->value = 0x1234;
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(vmstate_check_regs(&st, 0, &vs, &(struct vmstate_tolerance){ 1,
					    &sysreg_table[SYSREG_APIAKEYLO_EL1].id },
					    &drops, &rep), 0);
	/* A register added after the writer's version cannot come from it. */
	fresh_export();
	st.fw_version = 1;
	assert_true(check(&rep, &drops) > 0);
	assert_int_equal(rep.p[0].err, VMSTATE_E_NEWER_THAN_WRITER);
	assert_int_equal(rep.p[0].id, sysreg_table[SYSREG_APIAKEYLO_EL1].id);
}

/*
 * The campaign's blob: a droppable id in KVM's SVE range (above the
 * firmware ids) before the firmware section must not hide
 * SMCCC_ARCH_WORKAROUND_2 from the lookup: through the codec, both
 * section orders as they decode.
 */
static void unknown_id_above_firmware_ids_keeps_known_ones(void **state)
{
	static struct vmstate_drops drops;
	struct vmstate_report rep = { 0 };
	unsigned int at = 0;
	size_t n;

	(void)state;
	fresh_export();
	entry(SYSREG_SMCCC_ARCH_WORKAROUND_2)->value = 0x10;
	entry(SYSREG_SMCCC_ARCH_WORKAROUND_2)->droppable = false;
	while (at < st.vcpu[0].nregs && !vmstate_id_is_fw(st.vcpu[0].regs[at].id))
		at++;
	memmove(&st.vcpu[0].regs[at + 1], &st.vcpu[0].regs[at], (st.vcpu[0].nregs - at) * sizeof(st.vcpu[0].regs[0]));
	st.vcpu[0].regs[at] = (struct vmstate_entry){ 0x6030000000150001, 0, true };
	st.vcpu[0].nregs++;
	n = encode(&st, buf);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_OK);
	st = st2;
	fake_hw_reset();
	reset_world(&vs, 2, 2);
	assert_int_equal(check(&rep, &drops), 0);
	assert_int_equal(drops.n, 1);
	assert_int_equal(drops.id[0], 0x6030000000150001);
	assert_int_equal(vs.val[SYSREG_SMCCC_ARCH_WORKAROUND_2], 0);
	vmstate_apply_regs(&st.vcpu[0], st.fw_version, &vs);
	assert_int_equal(vs.val[SYSREG_SMCCC_ARCH_WORKAROUND_2], 0x10);
}

/* A blob must never make the firmware ERET into EL2 or an illegal state. */
static void pstate_checked(void **state)
{
	static const struct { uint64_t pstate; bool ok; } cases[] = {
		{ 0x3c5, true }, { 0x3c4, true }, { 0x0, true }, { 0x600003c5, true },
		{ 0x3c9, false },		/* EL2h */
		{ 0x3cd, false },		/* EL3h */
		{ 0x3c1, false },		/* M 1: not a mode */
		{ 0x3d0, false },		/* M[4]: AArch32 */
		{ 0x1003c5, false },		/* IL */
		{ 0x100000003c5, false },	/* reserved upper bits */
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmstate_report rep = { 0 };

		fill_state(&st);
		st.vcpu[0].core.pstate = cases[i].pstate;
		if ((vmstate_check_core(&st.vcpu[0], &rep) == 0) != cases[i].ok)
			fail_msg("pstate 0x%llx", (unsigned long long)cases[i].pstate);
		if (!cases[i].ok)
			assert_int_equal(rep.p[0].err, VMSTATE_E_BAD_PSTATE);
	}
}


static void report_lists_at_most_n(void **state)
{
	struct vmstate_report rep = { 0 };
	static char lines_out[32][CAPTURE_LINE];
	char want[CAPTURE_LINE];
	unsigned int n;

	(void)state;
	for (unsigned int i = 0; i < VMSTATE_REPORT_MAX + 5; i++)
		vmstate_report_add(&rep, VMSTATE_E_UNKNOWN_ID, 0x6030000000150000 + i, i, 0, -1);
	assert_int_equal(rep.total, VMSTATE_REPORT_MAX + 5);
	/* The first VMSTATE_REPORT_MAX problems kept in full, in order... */
	for (unsigned int i = 0; i < VMSTATE_REPORT_MAX; i++)
		assert_int_equal(rep.p[i].id, 0x6030000000150000 + i);
	/* ...printed one line each, then one line counting the rest: nothing more. */
	n = capture_report(&rep, lines_out, 32);
	assert_int_equal(n, VMSTATE_REPORT_MAX + 1);
	for (unsigned int i = 0; i < VMSTATE_REPORT_MAX; i++) {
		snprintf(want, sizeof(want), "test: error: ? (0x%016llx): register unknown to this "
			 "firmware: value 0x%x, not marked droppable",
			 0x6030000000150000ull + i, i);
		assert_string_equal(lines_out[i], want);
	}
	assert_string_equal(lines_out[VMSTATE_REPORT_MAX], "test: error: ... and 5 more problems");
	/* At the cap exactly: every problem, no count line. */
	rep.total = VMSTATE_REPORT_MAX;
	assert_int_equal(capture_report(&rep, lines_out, 32), VMSTATE_REPORT_MAX);
}

/* --- framing --- */

static char lines[512][FRAME_LINE_MAX + 1];
static unsigned int nlines;

static void collect(const char *line, void *ctx)
{
	(void)ctx;
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static enum frame_state feed_all(struct frame_dec *d, unsigned int skip, const char *replace,
				 unsigned int at)
{
	enum frame_state s = FRAME_SEARCHING;

	frame_dec_init(d);
	frame_feed(d, "some console noise", 18);
	for (unsigned int i = 0; i < nlines; i++) {
		const char *l = i == at && replace ? replace : lines[i];

		if (i == skip)
			continue;
		s = frame_feed(d, l, strlen(l));
		if (s == FRAME_DONE || s == FRAME_ERROR)
			break;
	}
	return s;
}

static void framing_round_trip_and_errors(void **state)
{
	static struct frame_dec d;
	static char text[256];
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	nlines = 0;
	frame_encode(buf, n, collect, NULL);
	assert_string_equal(lines[0], FRAME_BEGIN);
	/* The frame's CRC is of the text, not the constant a CRC of the blob would be. */
	assert_string_not_equal(lines[2], "CRC32C: 0x48674bc7");
	assert_string_equal(lines[nlines - 1], FRAME_END);
	assert_int_equal(feed_all(&d, ~0u, NULL, ~0u), FRAME_DONE);
	assert_int_equal(d.len, n);
	assert_memory_equal(d.buf, buf, n);

	/* Every length mod 3 pads right. */
	for (size_t len = 1; len < 8; len++) {
		nlines = 0;
		frame_encode(buf, len, collect, NULL);
		assert_int_equal(feed_all(&d, ~0u, NULL, ~0u), FRAME_DONE);
		assert_int_equal(d.len, len);
		assert_memory_equal(d.buf, buf, len);
	}
	nlines = 0;
	frame_encode(buf, n, collect, NULL);
	/* A lost data line: the length or the CRC says so. */
	assert_int_equal(feed_all(&d, 4, NULL, ~0u), FRAME_ERROR);
	assert_int_equal(d.err, VMSTATE_E_FRAME_LENGTH);
	/* A changed character. */
	strcpy(text, lines[4]);
	text[5] = text[5] == 'A' ? 'B' : 'A';
	assert_int_equal(feed_all(&d, ~0u, text, 4), FRAME_ERROR);
	assert_int_equal(d.err, VMSTATE_E_FRAME_CRC);
	/* Garbage in the body. */
	assert_int_equal(feed_all(&d, ~0u, "not base64 at all!", 5), FRAME_ERROR);
	assert_int_equal(d.err, VMSTATE_E_FRAME_SYNTAX);
	/* A Length above the limit is refused before any data. */
	assert_int_equal(feed_all(&d, ~0u, "Length: 99999999", 1), FRAME_ERROR);
	assert_int_equal(d.err, VMSTATE_E_TOO_LARGE);
	/* No END: still waiting, never DONE. */
	assert_int_equal(feed_all(&d, nlines - 1, NULL, ~0u), FRAME_BODY);
	/* A bad header line. */
	assert_int_equal(feed_all(&d, ~0u, "Lenght: 12", 1), FRAME_ERROR);
	assert_int_equal(d.err, VMSTATE_E_FRAME_SYNTAX);
	/* A line longer than the decoder takes. */
	memset(text, 'A', 200);
	text[200] = 0;
	assert_int_equal(feed_all(&d, ~0u, text, 4), FRAME_ERROR);
	assert_int_equal(d.err, VMSTATE_E_FRAME_SYNTAX);
}

/* Feed lines[] with line `at` replaced by rep (rlen bytes: NULs allowed). */
static enum frame_state feed_raw(struct frame_dec *d, unsigned int at, const char *rep,
				 size_t rlen)
{
	enum frame_state s = FRAME_SEARCHING;

	frame_dec_init(d);
	for (unsigned int i = 0; i < nlines; i++) {
		s = i == at ? frame_feed(d, rep, rlen) : frame_feed(d, lines[i], strlen(lines[i]));
		if (s == FRAME_DONE || s == FRAME_ERROR)
			break;
	}
	return s;
}

/*
 * As strict as FORMAT.md: every byte printable ASCII, Length decimal and
 * unpadded, CRC "0x" and 8 hex digits, 64 characters a body line (the last
 * shorter), canonical base64; each refusal at its own line. Line ends LF,
 * CRLF, LFCR and CRCRLF are all one line end.
 */
/* A copy of n bytes (NULs too) that lives as long as the test. */
static const char *keep(const char *s, size_t n)
{
	static char pool[16][FRAME_LINE_MAX + 1];
	static unsigned int used;

	assert_true(used < 16 && n <= FRAME_LINE_MAX);
	memcpy(pool[used], s, n);
	pool[used][n] = '\0';
	return pool[used++];
}

static void framing_strict(void **state)
{
	static struct frame_dec d;
	static char text[FRAME_LINE_MAX * 4];
	struct { unsigned int at; const char *line; size_t len; } bad[12];
	unsigned int nb = 0;
	size_t n;

	(void)state;
	fill_state(&st);
	n = encode(&st, buf);
	nlines = 0;
	frame_encode(buf, n, collect, NULL);
	assert_true(nlines > 6 && strlen(lines[3]) == FRAME_LINE_CHARS);
#define BAD(a, l, ln) (bad[nb++] = (typeof(bad[0])){ a, l, ln })
	snprintf(text, sizeof(text), "Length: 0x%zx", n);
	BAD(1, keep(text, strlen(text)), strlen(text));
	snprintf(text, sizeof(text), "Length: 0%zu", n);
	BAD(1, keep(text, strlen(text)), strlen(text));
	snprintf(text, sizeof(text), "Length: +%zu", n);
	BAD(1, keep(text, strlen(text)), strlen(text));
	BAD(2, "CRC32C: 12345678", 16);				/* decimal */
	BAD(2, "CRC32C: 0x1234567", 17);			/* 7 digits */
	strcpy(text, lines[3]);
	text[10] = '\0';					/* NUL */
	BAD(3, keep(text, 64), 64);
	strcpy(text, lines[3]);
	text[10] = '\t';
	BAD(3, keep(text, 64), 64);
	text[10] = 0x7f;					/* DEL */
	BAD(3, keep(text, 64), 64);
	text[10] = (char)0xc3;					/* not ASCII */
	BAD(3, keep(text, 64), 64);
	BAD(3, keep(lines[3], 60), 60);			/* short, and more follows */
	for (unsigned int i = 0; i < nb; i++) {
		assert_int_equal(feed_raw(&d, bad[i].at, bad[i].line, bad[i].len), FRAME_ERROR);
		assert_int_equal(d.err, VMSTATE_E_FRAME_SYNTAX);
		if (bad[i].len == 60)
			assert_int_equal(d.line_no, bad[i].at + 2);	/* the next line */
		else if (d.line_no != bad[i].at + 1)
			fail_msg("case %u refused at line %u, not %u", i, d.line_no, bad[i].at + 1);
	}
#undef BAD
	/* A 68-character line. */
	snprintf(text, sizeof(text), "%.64s%.4s", lines[3], lines[4]);
	assert_int_equal(feed_raw(&d, 3, text, 68), FRAME_ERROR);

	/* Non-canonical base64: bits past the data in the last quad. */
	for (size_t len = 1; len <= 2; len++) {
		nlines = 0;
		frame_encode((const uint8_t *)"AB", len, collect, NULL);
		assert_int_equal(feed_raw(&d, ~0u, NULL, 0), FRAME_DONE);
		strcpy(text, lines[3]);			/* "QQ==" or "QUI=" */
		text[len] = text[len] == 'Q' ? 'R' : (char)(text[len] + 1);
		assert_int_equal(feed_raw(&d, 3, text, 4), FRAME_ERROR);
		assert_int_equal(d.err, VMSTATE_E_FRAME_SYNTAX);
		assert_int_equal(d.line_no, 4);
	}

	/* Line ends: CRLF, LFCR (the CR starts the next line), CRCRLF. */
	nlines = 0;
	frame_encode(buf, n, collect, NULL);
	for (int form = 0; form < 3; form++) {
		frame_dec_init(&d);
		for (unsigned int i = 0; i < nlines; i++) {
			snprintf(text, sizeof(text), "%s%.*s%s", form == 1 && i ? "\r" : "",
				 FRAME_LINE_MAX, lines[i],
				 form == 0 ? "\r" : form == 2 ? "\r\r" : "");
			frame_feed(&d, text, strlen(text));
		}
		assert_int_equal(d.state, FRAME_DONE);
		assert_memory_equal(d.buf, buf, n);
	}
	/* A bad END line is one error at its line. */
	assert_int_equal(feed_raw(&d, nlines - 1, "-----END REGVISOR VMSTATE----", 29), FRAME_ERROR);
	assert_int_equal(d.line_no, nlines);
}


/* xorshift64: the same states on every run. */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void same_report(const struct vmstate_report *a, const struct vmstate_report *b)
{
	assert_int_equal(a->total, b->total);
	for (unsigned int i = 0; i < a->total && i < VMSTATE_REPORT_MAX; i++) {
		assert_int_equal(a->p[i].err, b->p[i].err);
		assert_int_equal(a->p[i].id, b->p[i].id);
		assert_int_equal(a->p[i].value, b->p[i].value);
		assert_int_equal(a->p[i].expect, b->p[i].expect);
	}
}

/*
 * The plain paths (vmstate_plain_paths) give what the general ones give:
 * on states of this version's world with random values (some off their
 * masks, some at their defaults), random registers hidden (some off their
 * defaults), and blobs with an entry left out, a value off its mask, an ID
 * value beyond the host, a value no firmware writes, an unknown id or the
 * last id there is, export gives the same entries and report (and the
 * save path's rows the same blob), check the same verdict and drops, apply
 * the same registers and CPU model.
 */
static void plain_paths_match_the_general_ones(void **state)
{
	static uint8_t b1[VMSTATE_MAX_BLOB], b2[VMSTATE_MAX_BLOB];
	static struct vmstate_rows_store row_store;
	static struct vmstate_rows_buf rows;
	static struct vmstate_rows_in rows_in;
	static struct vcpu_sysregs gen, plain, by_row_regs, older;
	static struct vmstate st3;
	static struct vmstate_drops d1, d2;
	static struct vmstate_report r1, r2;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned int checked_ok = 0, refused = 0, took_rows = 0, older_ok = 0, older_seen = 0;
	enum vmstate_err e1, e2;
	size_t n1, n2;
	bool by_row;

	vmstate_rows_in_init(&rows_in, &row_store);

	(void)state;
	for (unsigned int round = 0; round < 3000; round++) {
		struct vmstate_vcpu *c = &st.vcpu[0];

		fake_hw_reset();
		/* Other hardware now and then (its ID values are the defaults), every CPU model. */
		for (unsigned int i = 0; round % 5 == 1 && i < SYSREG_COUNT; i++)
			if (sysreg_table[i].cls == ID && rnd(&x) % 2)
				fake_hw[i] = rnd(&x);
		reset_world(&vs, 1 + round % FW_VERSION, FW_VERSION);
		for (unsigned int i = 0; i < SYSREG_COUNT; i++) {
			const struct sysreg_desc *d = &sysreg_table[i];
			uint64_t r = rnd(&x);

			if (d->cls == ID || r % 3 == 0)
				continue;	/* IDs as the view has them; a third at reset */
			vs.val[i] = r % 7 ? rnd(&x) & d->wmask : rnd(&x);
			if (round % 3 == 0 && d->since == FW_VERSION)
				vs.val[i] = d->reset;	/* an older world may take it */
			if (r % 11 == 0 && d->cls != ID && round % 4) {	/* a fourth: none hidden */
				sysreg_mask_set(&vs.hidden, i);
				if (r % 2)
					vs.val[i] = d->reset;
			}
		}
		vs.val[SYSREG_PSCI_VERSION] = 0x10000 + (round & 1);
		memset(&r1, 0, sizeof(r1));
		memset(&r2, 0, sizeof(r2));
		vmstate_clear(&st, 1);
		vmstate_clear(&st2, 1);
		st.fw_version = st2.fw_version = FW_VERSION;
		vmstate_plain_paths = true;
		vmstate_export_regs(&vs, 0, &st.vcpu[0], &r1);
		vmstate_plain_paths = false;
		vmstate_export_regs(&vs, 0, &st2.vcpu[0], &r2);
		same_report(&r1, &r2);
		assert_int_equal(st.vcpu[0].nregs, st2.vcpu[0].nregs);
		assert_memory_equal(st.vcpu[0].regs, st2.vcpu[0].regs,
				    st.vcpu[0].nregs * sizeof(st.vcpu[0].regs[0]));
		/* The save path, rows straight to the blob: the same report and the same bytes. */
		memset(&r2, 0, sizeof(r2));
		vmstate_clear(&st2, 1);
		st2.fw_version = FW_VERSION;
		vmstate_plain_paths = true;
		vmstate_export_rows(&vs, round % 2 ? 0 : FW_VERSION, &st2.vcpu[0], &rows, &r2);
		same_report(&r1, &r2);
		assert_non_null(st2.vcpu[0].rows);
		assert_int_equal(st.vcpu[0].nregs, st2.vcpu[0].nregs);
		n1 = vmstate_encode(&st, b1, sizeof(b1), &e1);
		n2 = vmstate_encode(&st2, b2, sizeof(b2), &e2);
		assert_int_equal(e1, VMSTATE_E_OK);
		assert_int_equal(e2, VMSTATE_E_OK);
		assert_int_equal(n1, n2);
		assert_memory_equal(b1, b2, n1);

		/* One blob in four made wrong in one way. */
		if (c->nregs > 2) {
			struct vmstate_entry *e = &c->regs[rnd(&x) % c->nregs];

			switch (round % 24) {
			case 0:
				memmove(e, e + 1, (size_t)(c->regs + --c->nregs - e) * sizeof(*e));
				break;
			case 1:
				e->value |= BIT64(rnd(&x) % 64);
				break;
			case 2:
				e->value = rnd(&x);
				break;
			case 3:
				e->id += 1;	/* perhaps no register's */
				break;
			case 4:
				e->droppable = !e->droppable;
				break;
			case 5:
				entry(SYSREG_ID_AA64PFR0_EL1)->value |= 0xf000000000000000ull;
				break;
			case 6:	/* the last id there can be, past every row */
				c->regs[c->nregs - 1] = (struct vmstate_entry){ ~0ull, 0, false };
				break;
			case 7: {	/* the system registers end early at an id between two rows */
				unsigned int k = (unsigned int)(e - c->regs), fw = 0;

				while (fw < c->nregs && !vmstate_id_is_fw(c->regs[fw].id))
					fw++;
				if (k + 2 >= fw || c->regs[k].id + 1 == c->regs[k + 1].id)
					break;
				c->regs[k + 1].id = c->regs[k].id + 1;
				memmove(&c->regs[k + 2], &c->regs[fw], (c->nregs - fw) * sizeof(*e));
				c->nregs -= fw - (k + 2);
				break;
			}
			}
		}
		/*
		 * The load path's blob of these entries, decoded by row (when it
		 * can be) and as entries: the same verdict, drops and registers.
		 */
		n1 = vmstate_encode(&st, b1, sizeof(b1), &e1);
		by_row = e1 == VMSTATE_E_OK &&
			 vmstate_decode_rows(b1, n1, &st2, NULL, &rows_in) == VMSTATE_E_OK;
		if (by_row) {
			assert_int_equal(vmstate_decode(b1, n1, &st3, NULL), VMSTATE_E_OK);
			took_rows += st2.vcpu[0].rows_in != NULL;
			memset(&r1, 0, sizeof(r1));
			memset(&r2, 0, sizeof(r2));
			vmstate_plain_paths = true;
			vmstate_check_regs(&st3, 0, &vs, NULL, &d1, &r1);
			vmstate_check_regs(&st2, 0, &vs, NULL, &d2, &r2);
			same_report(&r1, &r2);
			assert_int_equal(d1.n, d2.n);
			if (!r1.total) {
				reset_world(&plain, 1, FW_VERSION);
				plain.hidden = vs.hidden;
				by_row_regs = plain;
				vmstate_apply_regs(&st3.vcpu[0], st3.fw_version, &plain);
				vmstate_apply_regs(&st2.vcpu[0], st2.fw_version, &by_row_regs);
				assert_int_equal(plain.cpu_version, by_row_regs.cpu_version);
				assert_memory_equal(plain.val, by_row_regs.val, sizeof(plain.val));
			}
			/* Into an older world (compat): the general way, with the blob's marks. */
			reset_world(&older, 1, FW_VERSION - 1);
			memset(&r1, 0, sizeof(r1));
			memset(&r2, 0, sizeof(r2));
			vmstate_check_regs(&st3, 0, &older, NULL, &d1, &r1);
			vmstate_check_regs(&st2, 0, &older, NULL, &d2, &r2);
			same_report(&r1, &r2);
			assert_int_equal(d1.n, d2.n);
			assert_memory_equal(d1.id, d2.id, d1.n * sizeof(d1.id[0]));
			older_ok += !r1.total;
			older_seen++;
			vmstate_rows_to_regs(&st2.vcpu[0]);
			assert_int_equal(st2.vcpu[0].nregs, st3.vcpu[0].nregs);
			assert_memory_equal(st2.vcpu[0].regs, st3.vcpu[0].regs,
					    st3.vcpu[0].nregs * sizeof(st3.vcpu[0].regs[0]));
		}
		memset(&r1, 0, sizeof(r1));
		memset(&r2, 0, sizeof(r2));
		vmstate_plain_paths = true;
		vmstate_check_regs(&st, 0, &vs, NULL, &d1, &r1);
		vmstate_plain_paths = false;
		vmstate_check_regs(&st, 0, &vs, NULL, &d2, &r2);
		same_report(&r1, &r2);
		assert_int_equal(d1.n, d2.n);
		assert_memory_equal(d1.id, d2.id, d1.n * sizeof(d1.id[0]));
		if (r1.total) {
			refused++;
			continue;
		}
		checked_ok++;
		reset_world(&gen, 1, FW_VERSION);	/* another CPU model first: apply sets it */
		gen.hidden = vs.hidden;
		plain = gen;
		vmstate_plain_paths = true;
		vmstate_apply_regs(c, st.fw_version, &plain);
		vmstate_plain_paths = false;
		vmstate_apply_regs(c, st.fw_version, &gen);
		assert_int_equal(plain.cpu_version, gen.cpu_version);
		assert_memory_equal(plain.val, gen.val, sizeof(gen.val));
	}
	vmstate_plain_paths = true;
	/* Both outcomes were seen many times, and the rows' path too: the comparison covered each. */
	assert_true(checked_ok > 1000 && refused > 100 && took_rows > 1000 && older_seen > 1000);
	printf("plain paths: %u loads checked and applied the same, %u refused the same (%u decoded "
	       "by row; %u checked the same by an older world, %u of them taken)\n", checked_ok,
	       refused, took_rows, older_seen, older_ok);
}

/* Random sorted entries from base: small deltas mostly, some long ones, some across a 64K window. */
static unsigned int random_entries(uint64_t *x, struct vmstate_entry *e, unsigned int max,
				   uint64_t base, uint64_t below)
{
	unsigned int n = 0;
	uint64_t id = base + rnd(x) % 64;

	while (n < max && id < below) {
		uint64_t r = rnd(x);
		unsigned int len = (unsigned int)(rnd(x) % 9);

		e[n].id = id;
		e[n].value = len ? rnd(x) >> (64 - 8 * len) : 0;
		e[n].droppable = r % 13 == 0;
		n++;
		switch (r % 20) {
		case 0:
			id += 128 + (r & 64 ? rnd(x) % 0x4000 : 0);	/* a varint of two or three bytes */
			break;
		case 1:
			id = (id | 0xffff) - rnd(x) % 8 + rnd(x) % 100;	/* near or past a window's end */
			break;
		default:
			id += 1 + rnd(x) % (r % 3 ? 4 : 127);
			break;
		}
	}
	return n;
}

static void same_state(const struct vmstate *a, const struct vmstate *b)
{
	assert_int_equal(a->nvcpus, b->nvcpus);
	for (unsigned int v = 0; v < a->nvcpus; v++) {
		assert_int_equal(a->vcpu[v].nregs, b->vcpu[v].nregs);
		assert_memory_equal(a->vcpu[v].regs, b->vcpu[v].regs,
				    a->vcpu[v].nregs * sizeof(a->vcpu[v].regs[0]));
		assert_int_equal(a->vcpu[v].ndev, b->vcpu[v].ndev);
		assert_memory_equal(a->vcpu[v].dev, b->vcpu[v].dev,
				    a->vcpu[v].ndev * sizeof(a->vcpu[v].dev[0]));
	}
}

/*
 * In a blob the encoder wrote for a 2.0 state, make vCPU 0's third system
 * register entry from the end a firmware id (in the next window, 0x14) by
 * its 1-byte delta, when it is close enough (the two after it follow it
 * there); false when it is not. Walks the entries: the SYSREGS payload
 * starts after the header, TIMER, VCPU, CORE and FPSIMD.
 */
static bool entry_into_fw(uint8_t *b)
{
	size_t at = 16 + (8 + 8) + (8 + 32) + (8 + 264) + (8 + 520) + 8, where[3] = { 0 };
	uint64_t id = UINT64_C(0x6030000000000000), prev[3] = { 0 }, count = 0;

	assert_int_equal(b[at - 8], VMSTATE_SEC_SYSREGS);
	for (unsigned int shift = 0; shift < 64; shift += 7) {
		count |= (uint64_t)(b[at] & 0x7f) << shift;
		if (!(b[at++] & 0x80))
			break;
	}
	for (uint64_t i = 0; i < count; i++) {
		uint64_t delta = 0;

		/* The last three entries' offsets and the ids before them. */
		memmove(where, where + 1, 2 * sizeof(where[0]));
		memmove(prev, prev + 1, 2 * sizeof(prev[0]));
		where[2] = at;
		prev[2] = id;
		for (unsigned int shift = 0; shift < 64; shift += 7) {
			delta |= (uint64_t)(b[at] & 0x7f) << shift;
			if (!(b[at++] & 0x80))
				break;
		}
		id += delta;
		at += 1 + (b[at] & VMSTATE_ENT_LEN_MASK);
	}
	if (count < 4 || b[where[0]] >= 0x80 || prev[0] + 0x7f < UINT64_C(0x6030000000140000))
		return false;
	b[where[0]] = 0x7f;
	fix_crc(b, (size_t)b[12] | (size_t)b[13] << 8 | (size_t)b[14] << 16);
	return true;
}

/*
 * The codec's runs (vmstate_codec_runs) give what the careful per-entry
 * code gives: random states (ids dense and sparse, across 64K windows,
 * values of every length, some droppable) encode to the same bytes, and
 * those blobs, and each with a random byte changed (the CRC made right
 * again, so the entries are read), decode to the same verdict, the same
 * place named, and the same entries.
 */
static void codec_runs_match_the_careful_loops(void **state)
{
	static uint8_t b1[VMSTATE_MAX_BLOB], b2[VMSTATE_MAX_BLOB];
	static struct vmstate d1, d2;
	uint64_t x = 0x2545f4914f6cdd1dull;
	unsigned int ok = 0, refused = 0, into_fw = 0;

	(void)state;
	for (unsigned int round = 0; round < 600; round++) {
		unsigned int nv = 1 + round % 3;
		enum vmstate_err e1, e2;
		size_t n1, n2;

		vmstate_clear(&st, nv);
		st.fw_version = FW_VERSION;
		st.major = 2;
		for (unsigned int v = 0; v < nv; v++) {
			struct vmstate_vcpu *c = &st.vcpu[v];
			unsigned int max = (unsigned int)(rnd(&x) % 300);

			/* System registers (the last ones often near 0x14's window), then the firmware's. */
			c->nregs = random_entries(&x, c->regs, max, UINT64_C(0x6030000000130000),
						  UINT64_C(0x6030000000140000));
			/* Most rounds end the system registers with four ids just below 0x14's window. */
			if (round % 4 && (!c->nregs ||
					  c->regs[c->nregs - 1].id < UINT64_C(0x603000000013ffa0))) {
				uint64_t id = UINT64_C(0x603000000013ffa0) + rnd(&x) % 32;

				for (unsigned int i = 0; i < 4; i++, id += 1 + rnd(&x) % 8)
					c->regs[c->nregs++] = (struct vmstate_entry){ id, rnd(&x), false };
			}
			c->nregs += random_entries(&x, c->regs + c->nregs, 8,
						   UINT64_C(0x6030000000140000),
						   UINT64_C(0x6030000000140100));
			c->nregs += random_entries(&x, c->regs + c->nregs, 8,
						   UINT64_C(0x6030000000160000),
						   UINT64_C(0x6030000000160100));
			c->ndev = random_entries(&x, c->dev, VMSTATE_MAX_DEV_VCPU,
						 UINT64_C(0x6030000000f10000),
						 UINT64_C(0x6030000000f30000));
		}
		vmstate_codec_runs = true;
		n1 = vmstate_encode(&st, b1, sizeof(b1), &e1);
		vmstate_codec_runs = false;
		n2 = vmstate_encode(&st, b2, sizeof(b2), &e2);
		assert_int_equal(e1, VMSTATE_E_OK);
		assert_int_equal(e2, e1);
		assert_int_equal(n1, n2);
		assert_memory_equal(b1, b2, n1);

		for (unsigned int m = 0; m < 40; m++) {
			uint64_t w1 = 0, w2 = 0;

			memcpy(b2, b1, n1);
			if (m == 1 && !entry_into_fw(b2)) {
				continue;
			} else if (m == 1) {
				into_fw++;
			} else if (m > 1) {
				size_t at = 16 + rnd(&x) % (n1 - 20);

				b2[at] = (uint8_t)(m % 2 ? rnd(&x) : b2[at] ^ (1u << rnd(&x) % 8));
				fix_crc(b2, n1);
			}
			vmstate_codec_runs = true;
			e1 = vmstate_decode(b2, n1, &d1, &w1);
			vmstate_codec_runs = false;
			e2 = vmstate_decode(b2, n1, &d2, &w2);
			if (e1 != e2 || w1 != w2) {
				FILE *f = fopen("/tmp/bad.bin", "wb");
				fwrite(b2, 1, n1, f);
				fclose(f);
				printf("DBG e %d %d w %llx %llx\n", e1, e2, (unsigned long long)w1, (unsigned long long)w2);
			}
			assert_int_equal(e1, e2);
			assert_int_equal(w1, w2);
			if (e1 != VMSTATE_E_OK) {
				refused++;
				continue;
			}
			assert_int_not_equal(m, 1);
			ok++;
			same_state(&d1, &d2);
			if (!m)
				same_state(&d1, &st);
		}
	}
	vmstate_codec_runs = true;
	printf("codec runs: %u blobs decoded the same, %u refused the same (%u with an id that leaves "
	       "its section's window)\n", ok, refused, into_fw);
	assert_true(ok > 2000 && refused > 2000 && into_fw > 50);
}

/*
 * A 1.0 blob naming this firmware's version and a vCPU index far past the
 * rows' room: the decoder takes it as entries, as vmstate_decode() does
 * (the rows are a 2.0 vCPU's, by its place in the blob), and nothing
 * reads past the rows.
 */
static void one_zero_blob_not_taken_by_row(void **state)
{
	static struct vmstate_rows_store row_store;
	static struct vmstate_rows_in rows_in;
	static struct vmstate_report rep;
	struct vmstate_report none = { 0 };
	size_t n;

	(void)state;
	fake_hw_reset();
	reset_world(&vs, FW_VERSION, FW_VERSION);
	vmstate_clear(&st, 1);
	st.major = 1;
	st.fw_version = FW_VERSION;
	st.vcpu[0].index = 0x7fff;
	vmstate_export_regs(&vs, 0, &st.vcpu[0], &none);
	n = encode(&st, buf);
	vmstate_rows_in_init(&rows_in, &row_store);
	assert_int_equal(vmstate_decode_rows(buf, n, &st2, NULL, &rows_in), VMSTATE_E_OK);
	assert_null(st2.vcpu[0].rows_in);
	assert_int_equal(st2.vcpu[0].index, 0x7fff);
	assert_int_equal(vmstate_decode(buf, n, &st3_one, NULL), VMSTATE_E_OK);
	assert_int_equal(st2.vcpu[0].nregs, st3_one.vcpu[0].nregs);
	assert_memory_equal(st2.vcpu[0].regs, st3_one.vcpu[0].regs,
			    st2.vcpu[0].nregs * sizeof(st2.vcpu[0].regs[0]));
	memset(&rep, 0, sizeof(rep));
	vmstate_check_vcpu(&st2, 0, NULL, &rep);
}

/* A fresh vCPU of this version's world saved into buf (its length), rows made ready for a load. */
static size_t plain_save(struct vmstate_rows_in *rows, struct vmstate_rows_store *store)
{
	struct vmstate_report none = { 0 };

	vmstate_rows_in_init(rows, store);
	fake_hw_reset();
	reset_world(&vs, FW_VERSION, FW_VERSION);
	vmstate_export_begin(&st, 0, 1, &none);
	vmstate_export_regs(&vs, 0, &st.vcpu[0], &none);
	return encode(&st, buf);
}

/*
 * The register sections (SYSREGS, FWREGS) of blob b, n bytes: the next
 * one from *off (a section header's offset, moved past it), with *count
 * at its count's offset and *end at its end; false when there is none.
 */
static bool next_regs_section(const uint8_t *b, size_t n, size_t *off, size_t *count, size_t *end)
{
	while (*off < n - VMSTATE_CRC_SIZE) {
		size_t at = *off, len = b[at + 4] | (size_t)b[at + 5] << 8 | (size_t)b[at + 6] << 16;

		*off = at + 8 + len;
		if (b[at] == VMSTATE_SEC_SYSREGS || b[at] == VMSTATE_SEC_FWREGS) {
			*count = at + 8;
			*end = *off;
			return true;
		}
	}
	return false;
}

/* Blob b, n bytes, damaged: refused by row as it is as entries, with err at the same place. */
static void rows_refuse_as_entries_do(const uint8_t *b, size_t n, struct vmstate_rows_in *rows,
				      enum vmstate_err err)
{
	uint64_t w1 = 0, w2 = 0;

	assert_int_equal(vmstate_decode(b, n, &st3_one, &w1), err);
	assert_int_equal(vmstate_decode_rows(b, n, &st2, &w2, rows), err);
	assert_int_equal(w1, w2);
}

/*
 * Every entry of a save's SYSREGS and FWREGS with a reserved flag bit
 * (5, 6 or 7) set, the CRC made good again: refused by row as it is as
 * entries, a malformed entry at the same offset (the rows' decoder has no
 * test of the reserved bits of its own: its length tables refuse them).
 */
static void rows_refuse_reserved_flags(void **state)
{
	static struct vmstate_rows_store store;
	static struct vmstate_rows_in rows;
	static uint8_t bad[VMSTATE_MAX_BLOB];
	size_t n, off = VMSTATE_HDR_SIZE, p, end, tried = 0;

	(void)state;
	n = plain_save(&rows, &store);
	while (next_regs_section(buf, n, &off, &p, &end)) {
		while (buf[p++] & 0x80)		/* the count */
			;
		while (p < end) {
			size_t flags_at;

			while (buf[p++] & 0x80)	/* the delta */
				;
			flags_at = p;
			for (unsigned int bit = 5; bit < 8; bit++) {
				memcpy(bad, buf, n);
				bad[flags_at] |= (uint8_t)(1u << bit);
				fix_crc(bad, n);
				rows_refuse_as_entries_do(bad, n, &rows, VMSTATE_E_BAD_ENTRY);
				tried++;
			}
			p = flags_at + 1 + (buf[flags_at] & VMSTATE_ENT_LEN_MASK);
		}
	}
	assert_true(tried >= 3 * 100);	/* every entry of the table's rows */
}

/*
 * A save's SYSREGS and FWREGS each with a count 1, 2 or 3 short of its
 * entries (the count's varint kept its length), the CRC made good again:
 * refused by row as it is as entries (the section holds more than its
 * count). The rows' decoder does not stop at the count: it takes every
 * entry that is the next row's, and must then refuse.
 */
static void rows_refuse_entries_past_the_count(void **state)
{
	static struct vmstate_rows_store store;
	static struct vmstate_rows_in rows;
	static uint8_t bad[VMSTATE_MAX_BLOB];
	size_t n, off = VMSTATE_HDR_SIZE, at, end;
	unsigned int tried = 0;

	(void)state;
	n = plain_save(&rows, &store);
	while (next_regs_section(buf, n, &off, &at, &end)) {
		for (unsigned int less = 1; less <= 3; less++) {
			unsigned int count = buf[at] & 0x7f;

			if (buf[at] & 0x80)
				count |= (unsigned int)buf[at + 1] << 7;
			if (count < less || (count >= 0x80) != (count - less >= 0x80))
				continue;
			memcpy(bad, buf, n);
			count -= less;
			bad[at] = (uint8_t)((count & 0x7f) | (count >= 0x80 ? 0x80 : 0));
			if (count >= 0x80)
				bad[at + 1] = (uint8_t)(count >> 7);
			fix_crc(bad, n);
			rows_refuse_as_entries_do(bad, n, &rows, VMSTATE_E_BAD_SECTION);
			tried++;
		}
	}
	assert_int_equal(tried, 2 * 3);	/* both sections, each three ways */
}

/* Decode a blob (by row, or as entries) and check it against a fresh vCPU of world `world`, applying what passes. */
static unsigned int load_into(const uint8_t *b, size_t n, bool by_row, unsigned int world,
			      struct vmstate_rows_in *rows, struct vcpu_sysregs *dst)
{
	static struct vmstate_drops drops[VMSTATE_MAX_VCPUS];
	struct vmstate_machine m = { .nvcpus = 1, .sr = { dst } };
	struct vmstate_report rep = { 0 };
	unsigned int total;

	assert_int_equal(by_row ? vmstate_decode_rows(b, n, &st2, NULL, rows) :
			 vmstate_decode(b, n, &st2, NULL), VMSTATE_E_OK);
	reset_world(dst, world, world);
	total = vmstate_check_all(&st2, &m, drops, &rep);
	if (!total)
		vmstate_apply_all(&st2, &m);
	return total;
}

/*
 * Blobs the rows must not take as they are (from a hostile review): one
 * whose empty FWREGS comes before SYSREGS, after a load that left every
 * row's value behind, is refused as it is as entries (its firmware
 * registers are missing), not loaded with the earlier blob's; a version-3
 * blob whose newer rows are droppable is taken by an older world as it is
 * as entries.
 */
static void load_by_row_as_entries_would(void **state)
{
	static struct vmstate_rows_store store;
	static struct vmstate_rows_in rows;
	static struct vcpu_sysregs a, b;
	static uint8_t moved[VMSTATE_MAX_BLOB];
	size_t n, off = VMSTATE_HDR_SIZE, o = VMSTATE_HDR_SIZE;

	(void)state;
	n = plain_save(&rows, &store);
	assert_int_equal(load_into(buf, n, true, FW_VERSION, &rows, &a), 0);

	/* The same blob with an empty FWREGS moved before SYSREGS. */
	memcpy(moved, buf, VMSTATE_HDR_SIZE);
	while (off < n - VMSTATE_CRC_SIZE) {
		size_t len = buf[off + 4] | (size_t)buf[off + 5] << 8 | (size_t)buf[off + 6] << 16;

		if (buf[off] == VMSTATE_SEC_SYSREGS) {
			memcpy(moved + o, buf + off, 4);
			moved[o] = VMSTATE_SEC_FWREGS;
			memcpy(moved + o + 4, "\x01\0\0\0\0", 5);	/* length 1: a count of 0 */
			o += 9;
		}
		if (buf[off] != VMSTATE_SEC_FWREGS) {
			memcpy(moved + o, buf + off, 8 + len);
			o += 8 + len;
		}
		off += 8 + len;
	}
	o += VMSTATE_CRC_SIZE;
	moved[12] = (uint8_t)o;
	moved[13] = (uint8_t)(o >> 8);
	fix_crc(moved, o);
	assert_int_not_equal(load_into(moved, o, false, FW_VERSION, &rows, &a), 0);
	assert_int_not_equal(load_into(moved, o, true, FW_VERSION, &rows, &b), 0);

	/* A version-3 blob, its newer rows at their defaults, into world 2. */
	assert_int_equal(load_into(buf, n, false, FW_VERSION - 1, &rows, &a), 0);
	assert_int_equal(load_into(buf, n, true, FW_VERSION - 1, &rows, &b), 0);
	assert_memory_equal(a.val, b.val, sizeof(a.val));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32c_known_answer),
		cmocka_unit_test(codec_runs_match_the_careful_loops),
		cmocka_unit_test(one_zero_blob_not_taken_by_row),
		cmocka_unit_test(rows_refuse_reserved_flags),
		cmocka_unit_test(rows_refuse_entries_past_the_count),
		cmocka_unit_test(load_by_row_as_entries_would),
		cmocka_unit_test(import_refuses_values_no_firmware_writes),
		cmocka_unit_test(import_checks_the_header),
		cmocka_unit_test(droppable_checked_where_known),
		cmocka_unit_test(unknown_id_above_firmware_ids_keeps_known_ones),
		cmocka_unit_test(round_trip_every_section),
		cmocka_unit_test(refuses_bad_magic_and_newer_major),
		cmocka_unit_test(refuses_truncation_at_every_offset),
		cmocka_unit_test(every_flipped_bit_is_caught),
		cmocka_unit_test(refuses_unsorted_duplicate_and_malformed_entries),
		cmocka_unit_test(sections_unknown_duplicate_missing_oversized),
		cmocka_unit_test(export_leaves_hidden_out_and_refuses_modified),
		cmocka_unit_test(export_for_version_1),
		cmocka_unit_test(import_checks_and_applies),
		cmocka_unit_test(import_missing_reset_safe_and_hidden),
		cmocka_unit_test(pstate_checked),
		cmocka_unit_test(report_lists_at_most_n),
		cmocka_unit_test(framing_round_trip_and_errors),
		cmocka_unit_test(framing_strict),
		cmocka_unit_test(plain_paths_match_the_general_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
