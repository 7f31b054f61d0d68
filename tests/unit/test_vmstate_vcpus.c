/*
 * Host tests of state format 2.0: every vCPU in one blob. The codec's
 * owners, counts and per-vCPU sections; the machine-wide policy (count,
 * power state, pending entry, vMPIDR, device entries, all-or-nothing); the
 * writer's choice of format by target; 1.0 blobs read as one vCPU.
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
#include "vmstate/policy.h"
#include "tests/unit/capture.h"

static struct vmstate st, st2;
static uint8_t buf[VMSTATE_MAX_BLOB];
static struct vcpu_sysregs vs[VMSTATE_MAX_VCPUS], snap[VMSTATE_MAX_VCPUS];
static struct vmstate_drops drops[VMSTATE_MAX_VCPUS];
static struct vmstate_machine mach;

#define TARGET_V2	VMSTATE_FIRST_V2_FIRMWARE	/* a destination that reads 2.0 */

static void fix_crc(uint8_t *b, size_t n)
{
	uint32_t c = crc32c(b, n - 4);

	for (int i = 0; i < 4; i++)
		b[n - 4 + (size_t)i] = (uint8_t)(c >> (8 * i));
}

/* A machine of n vCPUs fresh from reset, as the firmware gives them. */
static void machine(unsigned int n)
{
	fake_hw_reset();
	memset(&mach, 0, sizeof(mach));
	mach.nvcpus = n;
	for (unsigned int i = 0; i < n; i++) {
		sysreg_vcpu_reset(&vs[i], 2, 2);
		vs[i].val[SYSREG_MPIDR_EL1] = VMSTATE_VMPIDR(i);
		mach.sr[i] = &vs[i];
	}
}

/* Export of a machine of n vCPUs for a 2.0 reader: vCPU i's x1 = i, TPIDR_EL0 = 0x100 + i. */
static void export_machine(unsigned int n)
{
	struct vmstate_report rep = { 0 };

	machine(n);
	assert_int_equal(vmstate_export_begin(&st, TARGET_V2, n, &rep), 0);
	assert_int_equal(st.major, 2);
	st.vcount = 0x123456789;
	for (unsigned int i = 0; i < n; i++) {
		vs[i].val[SYSREG_TPIDR_EL0] = 0x100 + i;
		assert_int_equal(vmstate_export_regs(&vs[i], TARGET_V2, &st.vcpu[i], &rep), 0);
		st.vcpu[i].core.x[1] = i;
		st.vcpu[i].core.pc = 0x40400000 + 4 * i;
		st.vcpu[i].core.pstate = 0x3c5;
		st.vcpu[i].fp.v[i][1] = 0xf00 + i;
	}
}

static size_t encode(const struct vmstate *s)
{
	enum vmstate_err e;
	size_t n = vmstate_encode(s, buf, sizeof(buf), &e);

	assert_int_equal(e, VMSTATE_E_OK);
	assert_true(n > 0);
	return n;
}

/* Offset of the section (type, owner) in buf, or 0. */
static size_t find_section(size_t n, unsigned int type, unsigned int owner)
{
	for (size_t off = VMSTATE_HDR_SIZE; off + VMSTATE_SEC_HDR_SIZE <= n - 4;) {
		uint32_t len = (uint32_t)buf[off + 4] | (uint32_t)buf[off + 5] << 8 |
			       (uint32_t)buf[off + 6] << 16 | (uint32_t)buf[off + 7] << 24;

		if (buf[off] == type && (buf[off + 2] | buf[off + 3] << 8) == (int)owner)
			return off;
		off += VMSTATE_SEC_HDR_SIZE + len;
	}
	return 0;
}

static void set_owner(size_t sec, unsigned int owner)
{
	buf[sec + 2] = (uint8_t)owner;
	buf[sec + 3] = (uint8_t)(owner >> 8);
}

static enum vmstate_err decode(size_t n, uint64_t *where)
{
	fix_crc(buf, n);
	return vmstate_decode(buf, n, &st2, where);
}

static void snapshot(void)
{
	memcpy(snap, vs, sizeof(vs));
}

static void assert_untouched(void)
{
	assert_memory_equal(snap, vs, sizeof(vs));
}

static unsigned int check_all(struct vmstate_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	return vmstate_check_all(&st, &mach, drops, rep);
}

/* What vmstate_report_print() writes for rep's first problem. */
static const char *first_line(const struct vmstate_report *rep)
{
	static char line[1][CAPTURE_LINE];

	if (!capture_report(rep, line, 1))
		line[0][0] = '\0';
	return line[0];
}

static void writer_picks_the_format_by_target(void **state)
{
	struct vmstate_report rep = { 0 };
	enum vmstate_err e;

	(void)state;
	assert_int_equal(vmstate_major_for(1), 1);
	assert_int_equal(vmstate_major_for(2), 1);
	assert_int_equal(vmstate_major_for(VMSTATE_FIRST_V2_FIRMWARE), 2);
	assert_int_equal(vmstate_major_for(VMSTATE_FIRST_V2_FIRMWARE + 1), 2);
	/* One vCPU for version 2: a 1.0 blob. */
	assert_int_equal(vmstate_export_begin(&st, 2, 1, &rep), 0);
	assert_int_equal(st.major, 1);
	/* Two: refused, naming the version and the count. */
	assert_int_equal(vmstate_export_begin(&st, 2, 2, &rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_FORMAT_VCPUS);
	assert_string_equal(first_line(&rep), "test: error: the target's blob format cannot hold "
			    "this machine: version 2 reads single-vCPU blobs (format 1.0); this "
			    "machine has 2 vCPUs");
	/* Version 3 and later: 2.0, any count. */
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(vmstate_export_begin(&st, TARGET_V2, 8, &rep), 0);
	assert_int_equal(st.major, 2);
	/* The encoder refuses what 1.0 cannot hold too. */
	export_machine(2);
	st.major = 1;
	assert_int_equal(vmstate_encode(&st, buf, sizeof(buf), &e), 0);
	assert_int_equal(e, VMSTATE_E_FORMAT_VCPUS);
	export_machine(1);
	st.major = 1;
	st.vcpu[0].power = VMSTATE_POWER_OFF;
	assert_int_equal(vmstate_encode(&st, buf, sizeof(buf), &e), 0);
}

static bool accept_all(uint64_t entry)
{
	(void)entry;
	return true;
}

static unsigned int applied[VMSTATE_MAX_VCPUS + 1];

/* Device code that takes the distributor's CTLR and list registers only. */
static const char *dev_check(unsigned int owner, const struct vmstate_entry *e, void *ctx)
{
	(void)ctx;
	if (owner == VMSTATE_OWNER_VM)
		return e->id == VMSTATE_DEV_GICD ? NULL : "not a distributor register it keeps";
	return (e->id & ~UINT64_C(0xf)) == VMSTATE_DEV_GIC_IRQ ? NULL : "not a list register";
}

static void dev_apply(unsigned int owner, const struct vmstate_entry *e, unsigned int n,
		      void *ctx)
{
	(void)e, (void)ctx;
	applied[owner == VMSTATE_OWNER_VM ? VMSTATE_MAX_VCPUS : owner] += n;
}

static const struct vmstate_dev_ops gic_ops = { dev_check, dev_apply, NULL };

static void round_trip_every_vcpu(void **state)
{
	struct vmstate_report rep;
	size_t n;

	(void)state;
	export_machine(3);
	st.vcpu[1].power = VMSTATE_POWER_ON_PENDING;
	st.vcpu[1].entry = 0x40480000;
	st.vcpu[1].context = 0x1234;
	st.vcpu[2].power = VMSTATE_POWER_OFF;
	st.dev[st.ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GICD, 0x12, false };
	st.vcpu[2].dev[st.vcpu[2].ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GIC_IRQ | 3, 7, false };
	n = encode(&st);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_OK);
	assert_int_equal(st2.major, 2);
	assert_int_equal(st2.nvcpus, 3);
	assert_int_equal(st2.vcount, st.vcount);
	assert_int_equal(st2.ndev, 1);
	assert_int_equal(st2.dev[0].value, 0x12);
	for (unsigned int i = 0; i < 3; i++) {
		const struct vmstate_vcpu *a = &st.vcpu[i], *b = &st2.vcpu[i];

		assert_int_equal(b->index, i);
		assert_int_equal(b->mpidr, VMSTATE_VMPIDR(i));
		assert_int_equal(b->power, a->power);
		assert_int_equal(b->entry, a->entry);
		assert_int_equal(b->context, a->context);
		assert_memory_equal(&a->core, &b->core, sizeof(a->core));
		assert_memory_equal(&a->fp, &b->fp, sizeof(a->fp));
		assert_int_equal(b->nregs, a->nregs);
		assert_memory_equal(a->regs, b->regs, a->nregs * sizeof(a->regs[0]));
		assert_int_equal(b->ndev, a->ndev);
		assert_int_equal(vmstate_find(b, sysreg_table[SYSREG_TPIDR_EL0].id)->value, 0x100 + i);
	}
	/* A fresh machine of three takes it: every vCPU's registers, the device entries. */
	st = st2;
	machine(3);
	mach.dev = &gic_ops;
	mach.entry_ok = accept_all;
	assert_int_equal(check_all(&rep), 0);
	memset(applied, 0, sizeof(applied));
	vmstate_apply_all(&st, &mach);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(vs[i].val[SYSREG_TPIDR_EL0], 0x100 + i);
	assert_int_equal(applied[2], 1);
	assert_int_equal(applied[VMSTATE_MAX_VCPUS], 1);
}

static void refuses_a_machine_of_another_size(void **state)
{
	struct vmstate_report rep;

	(void)state;
	export_machine(2);
	for (unsigned int m = 1; m <= 3; m += 2) {
		machine(m);
		snapshot();
		assert_int_equal(check_all(&rep), 1);
		assert_int_equal(rep.p[0].err, VMSTATE_E_VCPU_COUNT);
		assert_int_equal(rep.p[0].value, 2);
		assert_int_equal(rep.p[0].expect, m);
		assert_int_equal(rep.p[0].vcpu, -1);
		assert_non_null(strstr(first_line(&rep), m == 1 ?
				       "the blob has 2 vCPUs, this machine has 1" :
				       "the blob has 2 vCPUs, this machine has 3"));
		assert_untouched();
	}
}

static void decode_refuses_wrong_owners(void **state)
{
	static const struct {
		const char *what;
		unsigned int type, owner, new_owner;
		enum vmstate_err err;
	} cases[] = {
		{ "TIMER owned by a vCPU", VMSTATE_SEC_TIMER, VMSTATE_OWNER_VM, 0, VMSTATE_E_BAD_OWNER },
		{ "CORE owned by the VM", VMSTATE_SEC_CORE, 1, VMSTATE_OWNER_VM, VMSTATE_E_BAD_OWNER },
		{ "VCPU owned by the VM", VMSTATE_SEC_VCPU, 0, VMSTATE_OWNER_VM, VMSTATE_E_BAD_OWNER },
		{ "SYSREGS of vCPU 2 of 2", VMSTATE_SEC_SYSREGS, 1, 2, VMSTATE_E_BAD_OWNER },
		{ "FWREGS of vCPU 0xfffe", VMSTATE_SEC_FWREGS, 1, 0xfffe, VMSTATE_E_BAD_OWNER },
		{ "vCPU 1's CORE as vCPU 0's: twice", VMSTATE_SEC_CORE, 1, 0, VMSTATE_E_DUP_SECTION },
		{ "vCPU 0's VCPU as vCPU 1's: twice", VMSTATE_SEC_VCPU, 0, 1, VMSTATE_E_DUP_SECTION },
		{ "vCPU 0's DEVREGS as the VM's: twice", VMSTATE_SEC_DEVREGS, 0, VMSTATE_OWNER_VM,
		  VMSTATE_E_DUP_SECTION },
		{ "vCPU 0's DEVREGS as vCPU 1's: fine", VMSTATE_SEC_DEVREGS, 0, 1, VMSTATE_E_OK },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n, sec;
		enum vmstate_err e;

		export_machine(2);
		st.dev[st.ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GICD, 1, false };
		st.vcpu[0].dev[st.vcpu[0].ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GIC_IRQ, 1, false };
		n = encode(&st);
		sec = find_section(n, cases[i].type, cases[i].owner);
		assert_true(sec > 0);
		set_owner(sec, cases[i].new_owner);
		e = decode(n, NULL);
		if (e != cases[i].err)
			fail_msg("%s: got %s", cases[i].what, vmstate_strerror(e));
	}
}

static void decode_refuses_missing_and_malformed_vcpu_parts(void **state)
{
	static const unsigned int per_vcpu[] = {
		VMSTATE_SEC_CORE, VMSTATE_SEC_FPSIMD, VMSTATE_SEC_SYSREGS, VMSTATE_SEC_FWREGS,
		VMSTATE_SEC_VCPU,
	};
	char text[80];
	uint64_t where;
	size_t n, sec;

	(void)state;
	/* Each of vCPU 1's sections, hidden as an optional type this reader skips: missing. */
	for (unsigned int i = 0; i < ARRAY_SIZE(per_vcpu); i++) {
		export_machine(2);
		n = encode(&st);
		sec = find_section(n, per_vcpu[i], 1);
		buf[sec] = 0x40;
		buf[sec + 1] = VMSTATE_SEC_OPTIONAL;
		assert_int_equal(decode(n, &where), VMSTATE_E_MISSING_SECTION);
		assert_int_equal(where, UINT64_C(1) << 16 | per_vcpu[i]);
		snprintf(text, sizeof(text), "vcpu 1's %s", vmstate_section_name(per_vcpu[i]));
		assert_string_equal(vmstate_where_text(VMSTATE_E_MISSING_SECTION, where, text + 40, 40),
				    text);
	}
	/* The VM's TIMER likewise. */
	export_machine(2);
	n = encode(&st);
	sec = find_section(n, VMSTATE_SEC_TIMER, VMSTATE_OWNER_VM);
	buf[sec] = 0x40;
	buf[sec + 1] = VMSTATE_SEC_OPTIONAL;
	assert_int_equal(decode(n, &where), VMSTATE_E_MISSING_SECTION);
	assert_string_equal(vmstate_where_text(VMSTATE_E_MISSING_SECTION, where, text, 80), "TIMER");
	/* An unknown optional section of a vCPU that does not exist. */
	buf[sec + 2] = 5;
	buf[sec + 3] = 0;
	assert_int_equal(decode(n, NULL), VMSTATE_E_BAD_OWNER);
	/* VCPU's reserved bytes are zero. */
	export_machine(2);
	n = encode(&st);
	sec = find_section(n, VMSTATE_SEC_VCPU, 1);
	buf[sec + VMSTATE_SEC_HDR_SIZE + 9] = 1;
	assert_int_equal(decode(n, NULL), VMSTATE_E_BAD_SECTION);
	/* A VCPU section a byte short. */
	export_machine(1);
	n = encode(&st);
	sec = find_section(n, VMSTATE_SEC_VCPU, 0);
	buf[sec + 4] = VMSTATE_VCPU_PAYLOAD - 1;
	assert_int_equal(decode(n, NULL), VMSTATE_E_BAD_SECTION);
	/* Counts of 0 and above this reader's: refused, naming both numbers. */
	for (unsigned int count = 0; count <= VMSTATE_MAX_VCPUS + 1; count += VMSTATE_MAX_VCPUS + 1) {
		export_machine(1);
		n = encode(&st);
		buf[10] = (uint8_t)count;
		assert_int_equal(decode(n, &where), VMSTATE_E_VCPU_RANGE);
		assert_int_equal(where, count);
	}
	vmstate_where_text(VMSTATE_E_VCPU_RANGE, 9, text, sizeof(text));
	assert_string_equal(text, "the blob has 9 vCPUs, this reader takes 1..8");
}

static void decode_refuses_device_ids_out_of_place(void **state)
{
	(void)state;
	/* A device id among system registers, or a register in DEVREGS: malformed. */
	export_machine(1);
	st.vcpu[0].regs[st.vcpu[0].nregs++] = (struct vmstate_entry){ VMSTATE_DEV_GICD | 4, 1, 0 };
	assert_int_equal(vmstate_decode(buf, encode(&st), &st2, NULL), VMSTATE_E_BAD_ENTRY);
	export_machine(1);
	st.vcpu[0].dev[st.vcpu[0].ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GIC_IRQ, 1, 0 };
	{
		size_t n = encode(&st), sec = find_section(n, VMSTATE_SEC_DEVREGS, 0);

		/* The one entry's id delta: LR id -> SCTLR_EL1's (0x13c080), same length. */
		assert_int_equal(buf[sec + VMSTATE_SEC_HDR_SIZE], 1);
		memcpy(&buf[sec + VMSTATE_SEC_HDR_SIZE + 1], "\x80\x81\xcf\x80\x00", 5);
		assert_true(decode(n, NULL) == VMSTATE_E_BAD_ENTRY);
	}
	/* More device entries than a vCPU may have. */
	export_machine(1);
	st.vcpu[0].ndev = 0;
	for (unsigned int i = 0; i < VMSTATE_MAX_DEV_VCPU; i++)
		st.vcpu[0].dev[st.vcpu[0].ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GICD + i, 0, 0 };
	assert_int_equal(vmstate_decode(buf, encode(&st), &st2, NULL), VMSTATE_E_OK);
}

/* Every vCPU's record: power, entry and context, vMPIDR; every problem names its vCPU. */
static void import_checks_every_vcpu_record(void **state)
{
	static const struct {
		const char *what;
		uint8_t power;
		uint64_t entry, context, mpidr;	/* mpidr 0: the firmware's */
		const char *why;	/* NULL: accepted */
	} cases[] = {
		{ "on", VMSTATE_POWER_ON, 0, 0, 0, NULL },
		{ "off", VMSTATE_POWER_OFF, 0, 0, 0, NULL },
		{ "on_pending", VMSTATE_POWER_ON_PENDING, 0x40480000, 7, 0, NULL },
		{ "power 3", 3, 0, 0, 0, "power must be" },
		{ "power 0xff", 0xff, 0, 0, 0, "power must be" },
		{ "on with an entry", VMSTATE_POWER_ON, 0x40480000, 0, 0, "entry must be 0" },
		{ "off with a context", VMSTATE_POWER_OFF, 0, 1, 0, "context must be 0" },
		{ "on_pending at a bad entry", VMSTATE_POWER_ON_PENDING, 0x40480002, 0, 0,
		  "entry must be a 4-byte aligned" },
		{ "vCPU 0's vMPIDR", VMSTATE_POWER_ON, 0, 0, VMSTATE_VMPIDR(0), "vMPIDR must be" },
		{ "vMPIDR without RES1", VMSTATE_POWER_ON, 0, 0, 1, "vMPIDR must be" },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vmstate_report rep;
		bool aligned(uint64_t e);

		export_machine(2);
		st.vcpu[1].power = cases[i].power;
		st.vcpu[1].entry = cases[i].entry;
		st.vcpu[1].context = cases[i].context;
		if (cases[i].mpidr)
			st.vcpu[1].mpidr = cases[i].mpidr;
		/* Through the codec: what a reader sees. */
		assert_int_equal(vmstate_decode(buf, encode(&st), &st2, NULL), VMSTATE_E_OK);
		st = st2;
		machine(2);
		mach.entry_ok = aligned;
		snapshot();
		if (!cases[i].why) {
			if (check_all(&rep))
				fail_msg("%s refused: %s", cases[i].what, first_line(&rep));
			continue;
		}
		if (check_all(&rep) != 1 || rep.p[0].err != VMSTATE_E_BAD_VCPU ||
		    strncmp(rep.p[0].why, cases[i].why, strlen(cases[i].why)))
			fail_msg("%s: want one BAD_VCPU '%s', got %u: %s", cases[i].what,
				 cases[i].why, rep.total, first_line(&rep));
		assert_int_equal(rep.p[0].vcpu, 1);
		assert_non_null(strstr(first_line(&rep), "test: error: vcpu 1: vCPU record"));
		assert_untouched();
	}
}

bool aligned(uint64_t e);
bool aligned(uint64_t e)
{
	return !(e & 3);
}

static void import_checks_mpidr_entry_agrees(void **state)
{
	struct vmstate_report rep;

	(void)state;
	export_machine(2);
	/* The register says vCPU 0's MPIDR; the record vCPU 1's. */
	((struct vmstate_entry *)vmstate_find(&st.vcpu[1], sysreg_table[SYSREG_MPIDR_EL1].id))->value =
		VMSTATE_VMPIDR(0);
	machine(2);
	assert_int_equal(check_all(&rep), 2);
	assert_int_equal(rep.p[0].err, VMSTATE_E_BAD_VCPU);
	assert_non_null(strstr(rep.p[0].why, "MPIDR_EL1 entry"));
	assert_int_equal(rep.p[1].err, VMSTATE_E_BAD_VALUE);	/* and its Aff0 rule */
	assert_int_equal(rep.p[1].vcpu, 1);
}

static void import_refuses_every_vcpu_off(void **state)
{
	struct vmstate_report rep;

	(void)state;
	export_machine(2);
	st.vcpu[0].power = VMSTATE_POWER_OFF;
	st.vcpu[1].power = VMSTATE_POWER_ON_PENDING;
	st.vcpu[1].entry = 0x40480000;
	machine(2);
	assert_int_equal(check_all(&rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_ALL_OFF);
	assert_int_equal(rep.p[0].vcpu, -1);
	assert_string_equal(first_line(&rep), "test: error: no vCPU is on: every one of the "
			    "blob's 2 vCPUs is off or on_pending");
	/* One on is enough. */
	st.vcpu[0].power = VMSTATE_POWER_ON;
	assert_int_equal(check_all(&rep), 0);
}

/* A problem in the last vCPU refuses the whole blob; each problem names its vCPU. */
static void import_is_all_or_nothing_across_vcpus(void **state)
{
	struct vmstate_report rep;

	(void)state;
	export_machine(4);
	((struct vmstate_entry *)vmstate_find(&st.vcpu[3],
		sysreg_table[SYSREG_SMCCC_ARCH_WORKAROUND_2].id))->value = 0x11;
	st.vcpu[2].core.pstate = 0x3c9;		/* EL2h */
	machine(4);
	snapshot();
	assert_int_equal(check_all(&rep), 2);
	assert_int_equal(rep.p[0].err, VMSTATE_E_BAD_PSTATE);
	assert_int_equal(rep.p[0].vcpu, 2);
	assert_int_equal(rep.p[1].err, VMSTATE_E_WMASK);
	assert_int_equal(rep.p[1].vcpu, 3);
	assert_string_equal(first_line(&rep), "test: error: vcpu 2: PSTATE is not an AArch64 "
			    "EL0/EL1 state the guest can return to: 0x3c9");
	assert_untouched();
	/* A register missing from one vCPU only. */
	export_machine(2);
	{
		struct vmstate_vcpu *c = &st.vcpu[1];
		unsigned int k = (unsigned int)(vmstate_find(c, sysreg_table[SYSREG_TCR_EL1].id) -
						c->regs);

		memmove(&c->regs[k], &c->regs[k + 1], (--c->nregs - k) * sizeof(c->regs[0]));
	}
	machine(2);
	assert_true(check_all(&rep) >= 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_MISSING_REG);
	assert_int_equal(rep.p[0].vcpu, 1);
}

static void devregs_refused_unless_the_firmware_takes_them(void **state)
{
	struct vmstate_report rep;

	(void)state;
	export_machine(2);
	st.dev[st.ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GICD, 1, false };
	st.vcpu[1].dev[st.vcpu[1].ndev++] = (struct vmstate_entry){ VMSTATE_DEV_GICR_SGI | 0x100, 1,
								    false };
	machine(2);
	/* No device code: every entry refused. */
	assert_int_equal(check_all(&rep), 2);
	assert_int_equal(rep.p[0].err, VMSTATE_E_UNKNOWN_DEV);
	assert_int_equal(rep.p[0].vcpu, 1);
	assert_string_equal(first_line(&rep), "test: error: vcpu 1: GICR_SGI+0x100 "
			    "(0x6030000000f10100): device register this firmware does not take: "
			    "value 0x1: this firmware takes no device state");
	assert_int_equal(rep.p[1].vcpu, -1);
	/* Device code that takes the distributor's and list registers: the SGI frame's refused. */
	mach.dev = &gic_ops;
	assert_int_equal(check_all(&rep), 1);
	assert_non_null(strstr(rep.p[0].why, "not a list register"));
}

/* A 1.0 blob reads as a machine of one vCPU, on, its vMPIDR from MPIDR_EL1. */
static void v1_blob_reads_as_one_vcpu(void **state)
{
	struct vmstate_report rep;
	size_t n;

	(void)state;
	export_machine(1);
	st.major = 1;
	n = encode(&st);
	assert_int_equal(buf[4], 1);
	assert_int_equal(buf[10] | buf[11] << 8, 0);	/* 1.0: the vCPU index */
	assert_int_equal(find_section(n, VMSTATE_SEC_VCPU, 0), 0);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_OK);
	assert_int_equal(st2.major, 1);
	assert_int_equal(st2.nvcpus, 1);
	assert_int_equal(st2.vcpu[0].power, VMSTATE_POWER_ON);
	assert_int_equal(st2.vcpu[0].mpidr, VMSTATE_VMPIDR(0));
	st = st2;
	machine(1);
	assert_int_equal(check_all(&rep), 0);
	/* Into two vCPUs: refused by count. */
	machine(2);
	assert_int_equal(check_all(&rep), 1);
	assert_int_equal(rep.p[0].err, VMSTATE_E_VCPU_COUNT);
	/* 1.0 has no owners: a section naming vCPU 1 is malformed. */
	export_machine(1);
	st.major = 1;
	n = encode(&st);
	set_owner(VMSTATE_HDR_SIZE, 1);
	assert_int_equal(decode(n, NULL), VMSTATE_E_BAD_SECTION);
	/* Nor does 1.0 know VCPU or DEVREGS: required, so unknown. */
	n = encode(&st);
	buf[VMSTATE_HDR_SIZE] = VMSTATE_SEC_VCPU;
	assert_int_equal(decode(n, NULL), VMSTATE_E_UNKNOWN_SECTION);
}

static void every_flipped_bit_and_truncation_caught(void **state)
{
	size_t n;

	(void)state;
	export_machine(2);
	n = encode(&st);
	for (size_t len = 0; len < n; len++)
		assert_int_equal(vmstate_decode(buf, len, &st2, NULL), VMSTATE_E_TRUNCATED);
	for (size_t byte = 0; byte < n; byte++)
		for (unsigned int bit = 0; bit < 8; bit++) {
			enum vmstate_err e;

			buf[byte] ^= (uint8_t)(1u << bit);
			e = vmstate_decode(buf, n, &st2, NULL);
			buf[byte] ^= (uint8_t)(1u << bit);
			if (byte < 4)
				assert_int_equal(e, VMSTATE_E_BAD_MAGIC);
			else if (byte == 4)
				assert_true(e == VMSTATE_E_NEWER_MAJOR || e == VMSTATE_E_BAD_MAGIC ||
					    e == VMSTATE_E_BAD_CRC);
			else if (byte >= 12 && byte < 16)
				assert_true(e == VMSTATE_E_TRUNCATED || e == VMSTATE_E_BAD_LENGTH);
			else
				assert_int_equal(e, VMSTATE_E_BAD_CRC);
		}
}

/* Eight vCPUs with every register fit the blob limit many times over. */
static void eight_vcpus_fit(void **state)
{
	size_t n;

	(void)state;
	export_machine(VMSTATE_MAX_VCPUS);
	for (unsigned int i = 0; i < VMSTATE_MAX_VCPUS; i++)
		for (unsigned int k = 0; k < st.vcpu[i].nregs; k++)
			st.vcpu[i].regs[k].value = ~UINT64_C(0);	/* the longest values */
	n = encode(&st);
	assert_true(n < VMSTATE_MAX_BLOB / 2);
	assert_int_equal(vmstate_decode(buf, n, &st2, NULL), VMSTATE_E_OK);
	assert_int_equal(st2.nvcpus, VMSTATE_MAX_VCPUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer_picks_the_format_by_target),
		cmocka_unit_test(round_trip_every_vcpu),
		cmocka_unit_test(refuses_a_machine_of_another_size),
		cmocka_unit_test(decode_refuses_wrong_owners),
		cmocka_unit_test(decode_refuses_missing_and_malformed_vcpu_parts),
		cmocka_unit_test(decode_refuses_device_ids_out_of_place),
		cmocka_unit_test(import_checks_every_vcpu_record),
		cmocka_unit_test(import_checks_mpidr_entry_agrees),
		cmocka_unit_test(import_refuses_every_vcpu_off),
		cmocka_unit_test(import_is_all_or_nothing_across_vcpus),
		cmocka_unit_test(devregs_refused_unless_the_firmware_takes_them),
		cmocka_unit_test(v1_blob_reads_as_one_vcpu),
		cmocka_unit_test(every_flipped_bit_and_truncation_caught),
		cmocka_unit_test(eight_vcpus_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
