/* Guest exit statistics (el2/stats.h). */
#include <stdio.h>

#include "el2/smccc.h"
#include "el2/stats.h"
#include "el2/vcpu.h"

static const char *const reason_names[EXIT_NR_REASONS] = {
	[EXIT_ID_FAST] = "id-read",
	[EXIT_SYSREG] = "sysreg",
	[EXIT_IPI_SEND] = "ipi-send",
	[EXIT_HVC] = "hvc",
	[EXIT_SMC] = "smc",
	[EXIT_MMIO_GIC] = "gic-mmio",
	[EXIT_MMIO_UART] = "uart-mmio",
	[EXIT_ABORT] = "abort",
	[EXIT_IRQ_TIMER] = "irq-ppi",
	[EXIT_IRQ_SGI] = "irq-ipi",
	[EXIT_IRQ_CONSOLE] = "irq-console",
	[EXIT_IRQ_MAINT] = "irq-maint",
	[EXIT_IRQ_KICK] = "irq-kick",
	[EXIT_IRQ_SPI] = "irq-spi",
	[EXIT_OTHER] = "other",
};

const char *stats_reason_name(unsigned int r)
{
	return r < EXIT_NR_REASONS ? reason_names[r] : "?";
}

/* The exits el2/vectors.S answered, by the reason each is counted under. */
static const uint8_t vector_reason[VECTOR_EXITS] = {
	[VECTOR_ID_READ] = EXIT_ID_FAST,
	[VECTOR_READ] = EXIT_SYSREG,
	[VECTOR_HVC] = EXIT_HVC,
	[VECTOR_SMC] = EXIT_SMC,
	[VECTOR_MMIO] = EXIT_MMIO_GIC,
	[VECTOR_IPI] = EXIT_IPI_SEND,
};

static uint64_t reason_count(const struct vcpu *v, unsigned int r)
{
	uint64_t n = v->stats.reason[r];

	for (unsigned int s = 0; s < VECTOR_EXITS; s++)
		if (vector_reason[s] == r)
			n += v->exits_vector[s];
	return n;
}

uint64_t stats_total(const struct vcpu *v)
{
	uint64_t t = 0;

	for (unsigned int r = 0; r < EXIT_NR_REASONS; r++)
		t += reason_count(v, r);
	return t;
}

void stats_print(void)
{
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		const struct vcpu *v = &vm.vcpu[i];

		printf("regvisor: stats: vcpu %u: %llu exits\n", i,
		       (unsigned long long)stats_total(v));
		for (unsigned int r = 0; r < EXIT_NR_REASONS; r++)
			if (reason_count(v, r))
				printf("regvisor: stats: vcpu %u:   %-12s %llu\n", i,
				       stats_reason_name(r),
				       (unsigned long long)reason_count(v, r));
		for (unsigned int s = 0; s <= SYSREG_COUNT; s++)
			if (v->stats.sysreg[s])
				printf("regvisor: stats: vcpu %u:   sysreg %-22s %llu\n", i,
				       s < SYSREG_COUNT ? sysreg_table[s].name : "(not in the table)",
				       (unsigned long long)v->stats.sysreg[s]);
		for (unsigned int h = 0; h <= STATS_HCALL_SLOTS; h++)
			if (v->stats.hcall[h])
				printf("regvisor: stats: vcpu %u:   call %-24s %llu\n", i,
				       smccc_name(h), (unsigned long long)v->stats.hcall[h]);
	}
}

void stats_print_summary(void)
{
	printf("regvisor: exits:");
	for (unsigned int i = 0; i < vm.nvcpus; i++) {
		const struct vcpu *v = &vm.vcpu[i];
		const char *sep = " (";

		printf("%s vcpu%u %llu", i ? ";" : "", i, (unsigned long long)stats_total(v));
		for (unsigned int r = 0; r < EXIT_NR_REASONS; r++) {
			if (!reason_count(v, r))
				continue;
			printf("%s%s %llu", sep, stats_reason_name(r),
			       (unsigned long long)reason_count(v, r));
			sep = ", ";
		}
		if (sep[0] == ',')
			printf(")");
	}
	printf("\n");
}
