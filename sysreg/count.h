/* Preprocessed by `make` to count the table's registers per class. */
#define SYSREG(n, id, acc, cl, fl, rs, wm, si) CLASS cl n
#include "sysreg/sysregs.h"
