/* SMCCC calls the guest makes (DEN0028), by HVC or by trapped SMC. */
#ifndef EL2_SMCCC_H
#define EL2_SMCCC_H

#include "el2/trap.h"

#define SMCCC_SUCCESS			0
#define SMCCC_NOT_SUPPORTED		(-1)
#define SMCCC_NOT_REQUIRED		(-2)
#define SMCCC_INVALID_PARAMETER		(-3)

#define PSCI_RET_SUCCESS		0
#define PSCI_RET_NOT_SUPPORTED		(-1)
#define PSCI_RET_INVALID_PARAMS		(-2)
#define PSCI_RET_DENIED			(-3)
#define PSCI_RET_ALREADY_ON		(-4)
#define PSCI_RET_ON_PENDING		(-5)
#define PSCI_RET_INTERNAL_FAILURE	(-6)
#define PSCI_RET_INVALID_ADDRESS	(-9)

/* Function ids: one list, sysreg/hypercalls.def. */
enum hcall_id {
#define HCALL(name, fid, since, handler, frame) HCALL_##name = fid,
#include "sysreg/hypercalls.def"
#undef HCALL
};

/*
 * x0..x3 in, x0..x3 out, as the guest sees them (a trapped SMC steps past
 * itself). light: the exit has no x19..x29 in its frame; a call that needs
 * them is left undone and false returned.
 */
struct vcpu;
bool el2_smccc(struct vcpu *v, struct el2_frame *f, bool light);

/* The calls el2/vectors.S answers, for v as it is now (el2_vector_sync). */
void smccc_vector_sync(struct vcpu *v);
/* True when fid is a call this build offers to the guest in its world. */
bool smccc_offered(const struct vcpu *v, uint32_t fid);
/* Row `row` of the hypercall table by name (for the exit statistics). */
const char *smccc_name(unsigned int row);
/* The hypercall list is sorted by function id (checked at boot). */
bool smccc_table_sorted(void);

#endif
