/*
 * ESR_EL2.ISS of a trapped MSR/MRS (EC 0x18, Arm ARM D19.2.43 "ISS encoding
 * for an exception from MSR, MRS, or System instruction execution").
 */
#ifndef SYSREG_ISS_H
#define SYSREG_ISS_H

#include <stdbool.h>
#include <stdint.h>

struct sysreg_access {
	unsigned int op0, op1, crn, crm, op2;
	unsigned int rt;	/* 31 is XZR */
	bool read;		/* MRS */
};

#define ISS_SYS_OP0_SHIFT	20
#define ISS_SYS_OP2_SHIFT	17
#define ISS_SYS_OP1_SHIFT	14
#define ISS_SYS_CRN_SHIFT	10
#define ISS_SYS_RT_SHIFT	5
#define ISS_SYS_CRM_SHIFT	1
#define ISS_SYS_DIR_READ	UINT32_C(1)

static inline struct sysreg_access sysreg_decode_iss(uint32_t iss)
{
	struct sysreg_access a = {
		.op0 = (iss >> ISS_SYS_OP0_SHIFT) & 3,
		.op2 = (iss >> ISS_SYS_OP2_SHIFT) & 7,
		.op1 = (iss >> ISS_SYS_OP1_SHIFT) & 7,
		.crn = (iss >> ISS_SYS_CRN_SHIFT) & 15,
		.rt = (iss >> ISS_SYS_RT_SHIFT) & 31,
		.crm = (iss >> ISS_SYS_CRM_SHIFT) & 15,
		.read = iss & ISS_SYS_DIR_READ,
	};
	return a;
}

/* op0:op1:CRn:CRm:op2 as in KVM's ids' low 16 bits (sysreg_find_by_enc). */
static inline unsigned int sysreg_iss_enc(uint32_t iss)
{
	return ((iss >> ISS_SYS_OP0_SHIFT) & 3) << 14 | ((iss >> ISS_SYS_OP1_SHIFT) & 7) << 11 |
	       ((iss >> ISS_SYS_CRN_SHIFT) & 15) << 7 | ((iss >> ISS_SYS_CRM_SHIFT) & 15) << 3 |
	       ((iss >> ISS_SYS_OP2_SHIFT) & 7);
}

/* The feature-ID space (op0 3, op1 0, CRn 0, CRm 1..7) reads as zero where unallocated. */
static inline bool sysreg_in_id_space(const struct sysreg_access *a)
{
	return a->op0 == 3 && a->op1 == 0 && a->crn == 0 && a->crm >= 1 && a->crm <= 7;
}

#endif
