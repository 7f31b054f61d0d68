/* The test guest's little library: console, SMCCC calls, reports. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdbool.h>
#include <stdint.h>

void guest_console_init(uint64_t uart);
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct smccc_res {
	uint64_t x0, x1, x2, x3;
};
struct smccc_res hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
struct smccc_res smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* kvm-unit-tests style: PASS:/FAIL: lines, then SUMMARY:. */
void report(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* SUMMARY, status to the firmware, PSCI SYSTEM_OFF by SMC. */
_Noreturn void report_exit(void);
unsigned int report_failures(void);
unsigned int report_passes(void);
/* Start counting afresh (after a resume on a fresh image). */
void report_reset(void);
/* Print only failures (the soak loop). */
void report_quiet(bool q);

/* Run fn; true when it took exactly one UNDEF (the faulting instruction is skipped). */
bool expect_undef(void (*fn)(void));
/* The same for any exception class (ESR_EL1.EC). */
bool expect_exception(void (*fn)(void), unsigned int ec);
/* Set by start.S's vectors: the last exception's ESR_EL1. */
extern volatile uint64_t last_esr;
/*
 * Asked first about every exception (the sweep's): true when it took it,
 * and the guest goes on past the instruction that raised it.
 */
extern bool (*volatile exception_hook)(uint64_t esr);

#define read_sysreg(r) ({ uint64_t __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %x0" : : "rZ"((uint64_t)(v)))

#define SMCCC_NOT_SUPPORTED	UINT64_MAX

#endif
