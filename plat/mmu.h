/* Translation table descriptor and control bits (Arm ARM D8.3, D19.2). */
#ifndef BOOT_MMU_H
#define BOOT_MMU_H

#include "lib/rv.h"

#define PAGE_SIZE		UINT64_C(4096)

#define PTE_BLOCK		UINT64_C(0x1)		/* level 1/2 block */
#define PTE_TABLE		UINT64_C(0x3)		/* level 0..2 table */
#define PTE_PAGE		UINT64_C(0x3)		/* level 3 page */
#define PTE_ATTRIDX_SHIFT	2
#define PTE_AP1			BIT64(6)		/* AP[1]: RES1 in the EL2 regime */
#define PTE_RO			BIT64(7)		/* AP[2] */
#define PTE_SH_INNER		(UINT64_C(3) << 8)
#define PTE_AF			BIT64(10)
#define PTE_XN			BIT64(54)		/* EL2 regime: XN */

/* MAIR_EL2: attr 0 device nGnRnE, attr 1 normal inner/outer WB RA WA. */
#define MAIR_EL2_VALUE		UINT64_C(0xff00)
#define PTE_DEVICE		((UINT64_C(0) << PTE_ATTRIDX_SHIFT) | PTE_AF | PTE_AP1)
#define PTE_NORMAL		((UINT64_C(1) << PTE_ATTRIDX_SHIFT) | PTE_AF | PTE_SH_INNER | PTE_AP1)

#define TCR_EL2_RES1		(BIT64(31) | BIT64(23))
#define TCR_T0SZ_SHIFT		0
#define TCR_IRGN0_WBWA		(UINT64_C(1) << 8)
#define TCR_ORGN0_WBWA		(UINT64_C(1) << 10)
#define TCR_SH0_INNER		(UINT64_C(3) << 12)
#define TCR_TG0_4K		(UINT64_C(0) << 14)
#define TCR_EL2_PS_SHIFT	16

#define SCTLR_M			BIT64(0)
#define SCTLR_C			BIT64(2)
#define SCTLR_SA		BIT64(3)
#define SCTLR_I			BIT64(12)
#define SCTLR_WXN		BIT64(19)

#endif
