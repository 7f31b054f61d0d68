/*
 * Firmware versions. FW_VERSION (this build), FW_VERSION_LATEST and, for
 * every version n, RV_GE_n (1 when this build has version n's additions)
 * come from the Makefile, the one place the newest version is written.
 * What version n introduced (a register row, a hypercall) is wrapped in
 * RV_SINCE(n, ...): it is compiled into builds of version n and later only.
 * A row naming a version that does not exist does not compile.
 */
#ifndef LIB_VERSIONS_H
#define LIB_VERSIONS_H

#if !defined(FW_VERSION) || !defined(FW_VERSION_LATEST) || !defined(RV_GE_1)
#error "FW_VERSION, FW_VERSION_LATEST and RV_GE_n come from the Makefile"
#endif

#define RV_CAT(a, b)	RV_CAT_(a, b)
#define RV_CAT_(a, b)	a##b
#define RV_IF_1(...)	__VA_ARGS__
#define RV_IF_0(...)
#define RV_SINCE(n, ...)	RV_CAT(RV_IF_, RV_CAT(RV_GE_, n))(__VA_ARGS__)

#endif
