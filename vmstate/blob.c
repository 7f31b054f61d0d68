/* What the blob's encoder and decoder share: error texts, id kinds, lookup. */
#include "vmstate/blob_internal.h"

static const char *const vmstate_errors[VMSTATE_E_COUNT] = {
#define VMSTATE_ERR(code, text) [VMSTATE_E_##code] = text,
#include "vmstate/errors.def"
#undef VMSTATE_ERR
};

const char *vmstate_strerror(enum vmstate_err e)
{
	return (unsigned int)e < VMSTATE_E_COUNT ? vmstate_errors[e] : "unknown error";
}

bool vmstate_id_is_fw(uint64_t id)
{
	uint64_t cp = (id >> KVM_ID_COPROC_SHIFT) & KVM_ID_COPROC_MASK;

	return cp == KVM_COPROC_FW || cp == KVM_COPROC_FW_FEAT;
}
