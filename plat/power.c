/* Powering the board off, with the last line the firmware prints. */
#include <stdio.h>

#include "plat/plat.h"

#define PSCI_SYSTEM_OFF		0x84000008

struct board board;

static void (*poweroff_report)(void);

void board_set_poweroff_report(void (*report)(void))
{
	poweroff_report = report;
}

void board_poweroff(int status)
{
	uint64_t ret;

	if (poweroff_report)
		poweroff_report();
	printf("regvisor: poweroff status=%d\n", status);
	if (board.psci == PSCI_CONDUIT_NONE) {
		printf("regvisor: no PSCI firmware to power off; halting here\n");
	} else {
		ret = psci_call(board.psci, PSCI_SYSTEM_OFF, 0, 0, 0);
		printf("regvisor: error: PSCI SYSTEM_OFF returned %lld; halting here\n",
		       (long long)ret);
	}
	cpu_halt();
}
