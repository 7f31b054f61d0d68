/*
 * The test guest's view of the register table: a reader per row and a
 * writer per context row, expanded from sysreg/sysregs.def.
 */
#include "tests/guest/regs.h"

/*
 * One reader (and, for context registers, one writer) per table row, by
 * the encoding the guest uses (the last word of the row's access, sysregs.h).
 */
#define GUEST_ENC_ACC_MSR(enc)		enc
#define GUEST_ENC_ACC_IF(pred, n, enc)	enc
#define GUEST_ENC_ACC_FN(fn, arg, enc)	enc
#define RD_ENC(enc)	read_sysreg(enc)
#define WR_ENC(enc, v)	write_sysreg(enc, v)
#define GEN_RD(n, acc) static uint64_t rd_##n(void) { return RD_ENC(GUEST_ENC_##acc); }
#define GEN_WR(n, acc) static void wr_##n(uint64_t v) { WR_ENC(GUEST_ENC_##acc, v); }
#define GEN_CTX(n, acc) GEN_RD(n, acc) GEN_WR(n, acc)
#define GEN_ID(n, acc) GEN_RD(n, acc)
#define GEN_FWR(n, acc)
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) GEN_##cl(n, acc)
#include "sysreg/sysregs.h"
#undef SYSREG

#define CTXROW_CTX(n, si, wm) { #n, si, (uint64_t)(wm), rd_##n, wr_##n },
#define CTXROW_ID(n, si, wm)
#define CTXROW_FWR(n, si, wm)
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) CTXROW_##cl(n, si, wm)
const struct greg ctx_regs[] = {
#include "sysreg/sysregs.h"
};
#undef SYSREG

#define IDROW_CTX(n)
#define IDROW_ID(n) { #n, 1, 0, rd_##n, NULL },
#define IDROW_FWR(n)
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) IDROW_##cl(n)
const struct greg id_regs[] = {
#include "sysreg/sysregs.h"
};
#undef SYSREG

/* The CHANGE lines (sysregs.def): a row's writable mask from a later version on. */
static const struct { const char *name; unsigned int version; uint64_t wmask; } changes[] = {
#define SYSREG(n, id, acc, cl, fl, rs, wm, si)
#define SYSREG_CHANGE(n, v, def, wm, rule) { #n, v, (uint64_t)(wm) },
#include "sysreg/sysregs.h"
#undef SYSREG_CHANGE
#undef SYSREG
	{ NULL, 0, 0 },
};

uint64_t greg_wmask(const struct greg *r, unsigned int world)
{
	uint64_t m = r->wmask;
	unsigned int at = 0;

	for (unsigned int i = 0; changes[i].name; i++)
		if (changes[i].version <= world && changes[i].version > at &&
		    streq(changes[i].name, r->name))
			m = changes[i].wmask, at = changes[i].version;
	return m;
}

bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

uint64_t field(uint64_t v, unsigned int shift)
{
	return (v >> shift) & 0xf;
}


const unsigned int n_ctx_regs = sizeof(ctx_regs) / sizeof(ctx_regs[0]);
const unsigned int n_id_regs = sizeof(id_regs) / sizeof(id_regs[0]);

const struct greg *ctx_find(const char *name)
{
	for (unsigned int i = 0; i < n_ctx_regs; i++)
		if (streq(ctx_regs[i].name, name))
			return &ctx_regs[i];
	return NULL;
}

uint64_t id_read(const char *name)
{
	for (unsigned int i = 0; i < n_id_regs; i++)
		if (streq(id_regs[i].name, name))
			return id_regs[i].rd();
	return 0;
}

bool pauth_in_view(void)
{
	uint64_t isar1 = id_read("ID_AA64ISAR1_EL1"), isar2 = id_read("ID_AA64ISAR2_EL1");

	return field(isar1, 4) || field(isar1, 8) || field(isar1, 24) || field(isar1, 28) ||
	       field(isar2, 8) || field(isar2, 12);
}
