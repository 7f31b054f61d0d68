/*
 * The host's backend in place of sysreg_hw.c: registers are an array, so
 * the table logic is tested on the host. ID registers start out with the
 * values QEMU 7.2's `-cpu max` gives.
 */
#include "sysreg/sysreg.h"
#include "sysreg/sysreg_fake.h"

uint64_t fake_hw[SYSREG_COUNT];
unsigned int fake_hw_writes;

void fake_hw_reset(void)
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		fake_hw[i] = 0;
	fake_hw[SYSREG_MIDR_EL1] = 0x000f0510;
	fake_hw[SYSREG_ID_AA64PFR0_EL1] = 0x1201111100112222;	/* EL2, EL3, SVE, GIC */
	fake_hw[SYSREG_ID_AA64PFR1_EL1] = 0x0000000001000321;	/* SME, MTE */
	fake_hw[SYSREG_ID_AA64ISAR1_EL1] = 0x0011111110211102;	/* API, GPI */
	fake_hw[SYSREG_ID_AA64ISAR2_EL1] = 0x0000000000001100;	/* APA3, GPA3 */
	fake_hw_writes = 0;
}

void sysreg_hw_save_ctx(uint64_t val[SYSREG_COUNT])
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls == CTX)
			val[i] = fake_hw[i];
}

void sysreg_hw_restore_ctx(const uint64_t val[SYSREG_COUNT])
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls == CTX)
			sysreg_hw_write(i, val[i]);
}

void sysreg_hw_read_ids(uint64_t val[SYSREG_COUNT])
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		val[i] = sysreg_table[i].cls == ID ? fake_hw[i] : sysreg_table[i].reset;
}

void sysreg_hw_read_id_rows(uint64_t val[SYSREG_COUNT])
{
	for (unsigned int i = 0; i < SYSREG_COUNT; i++)
		if (sysreg_table[i].cls == ID)
			val[i] = fake_hw[i];
}

uint64_t sysreg_hw_read(unsigned int idx)
{
	BUG_ON(idx >= SYSREG_COUNT || sysreg_table[idx].cls == FWR);
	return fake_hw[idx];
}

void sysreg_hw_write(unsigned int idx, uint64_t val)
{
	BUG_ON(idx >= SYSREG_COUNT || sysreg_table[idx].cls != CTX);
	fake_hw[idx] = val;
	fake_hw_writes++;
}
