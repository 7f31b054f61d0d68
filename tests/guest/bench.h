#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H
/* Print `BENCH:` lines for the guest's round trips (tests/guest/bench.c). */
void guest_bench(void);
#endif
