/* Instruction-count benchmarks inside the firmware (regvisor.bench=1). */
#ifndef EL2_BENCH_H
#define EL2_BENCH_H

#include "lib/rv.h"

/* el2/pmu_hw.c */
void pmu_init(void);
/*
 * MDCR_EL2 for the guest: the PMU trapped (its accesses UNDEF: the guest's
 * ID view has no PMU), or reachable (benchmarks: the test guest reads
 * counter 0 itself).
 */
uint64_t pmu_mdcr_for_guest(bool reachable);
uint64_t pmu_read(void);
uint64_t pmu_known_loop(void);

/* el2/bench_floor_hw.S: the context registers by hand, straight-line. */
void bench_floor_save(uint64_t *out);
void bench_floor_restore(const uint64_t *in);
extern const unsigned int bench_floor_count;

/*
 * Run the EL2 benchmarks and print `BENCH: name instructions reps` lines.
 * Returns false (after an error line) when the counter does not count.
 */
bool bench_run_el2(void);

#endif
