# regvisor: bare-metal AArch64 EL2 hypervisor firmware.
#
#   make            firmware build/regvisor.{elf,bin} (newest version)
#   make FW_VERSION=1   version 1 from the same tree, in build/v1/
#   make run        boot it under QEMU (installs what is missing first)
#   make test       host unit tests and QEMU integration tests
#   make linux      Debian's arm64 kernel and a busybox initramfs (tools/linux.mk)
#   make run-linux  boot them under regvisor (SMP=N, default 2)
#   make deps       install the Debian packages the project needs

# The newest firmware version: the one place it is written (lib/versions.h).
FW_VERSION_LATEST := 3
ALL_VERSIONS := $(shell seq 1 $(FW_VERSION_LATEST))
FW_VERSION ?= $(FW_VERSION_LATEST)
# $(call version_flags,N): a build of version N (RV_GE_n: it has version n's additions).
version_flags = -DFW_VERSION=$(1) -DFW_VERSION_LATEST=$(FW_VERSION_LATEST) \
	$(foreach n,$(ALL_VERSIONS),-DRV_GE_$(n)=$(if $(filter $(n),$(wordlist 1,$(1),$(ALL_VERSIONS))),1,0))
ifeq ($(FW_VERSION),$(FW_VERSION_LATEST))
BUILD ?= build
else
BUILD ?= build/v$(FW_VERSION)
endif
HOST_BUILD := build/host

# Registers hidden from the state blob by default: KVM ids or names, comma-separated.
HIDE_DEFAULT ?=

CROSS_COMPILE ?= aarch64-linux-gnu-
CC := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
SIZE := $(CROSS_COMPILE)size
HOSTCC ?= gcc
PYTEST := /usr/bin/python3 -m pytest
PICOLIBC := /usr/lib/picolibc/aarch64-linux-gnu
LIBFDT := /usr/lib/aarch64-linux-gnu/libfdt.a

BUILD_ID := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARNINGS := -Wall -Wextra -Werror -Wconversion -Wshadow -Wmissing-prototypes \
	-Wstrict-prototypes -Wno-sign-conversion
COMMON_CFLAGS := -std=gnu11 -g $(WARNINGS) -I.
OPT ?= -O2

# The firmware: freestanding, no FP/SIMD in our code (the registers are the
# guest's), no unaligned accesses (code runs before the MMU is on).
FW_CFLAGS := $(COMMON_CFLAGS) $(call version_flags,$(FW_VERSION)) -ffreestanding -fno-builtin -fno-pic -fno-pie \
	-mgeneral-regs-only -mno-outline-atomics -fno-tree-loop-distribute-patterns -fstack-protector-strong -ffunction-sections -fdata-sections \
	-isystem $(PICOLIBC)/include -isystem $(BUILD)/fdt-include \
	-DRV_BUILD_ID='"$(BUILD_ID)"' -DRV_HIDE_DEFAULT='"$(HIDE_DEFAULT)"'
FW_ASFLAGS := -I. $(call version_flags,$(FW_VERSION))
FW_LDFLAGS := -nostdlib -static -no-pie -T linker.ld -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,--no-warn-rwx-segments \
	-Wl,--defsym=vfprintf=__i_vfprintf -Wl,-Map,$(BUILD)/regvisor.map

GUEST_CFLAGS := $(COMMON_CFLAGS) -O2 -ffreestanding -fno-builtin -fno-pic -fno-pie \
	-mgeneral-regs-only -mno-outline-atomics -mstrict-align $(call version_flags,$(FW_VERSION_LATEST))

include lib/objects.mk plat/objects.mk boot/objects.mk el2/objects.mk sysreg/objects.mk vmstate/objects.mk tests/guest/objects.mk

# Code off the hot paths (boot, console, monitor, crash report, benchmarks,
# boot arguments) is built for size; traps, the table and the codec for speed.
COLD_OBJS := $(addprefix $(BUILD)/boot/,$(boot-objs)) $(addprefix $(BUILD)/plat/,$(plat-objs)) \
	$(addprefix $(BUILD)/el2/,monitor.o monitor_line.o crash.o bench.o guest.o guest_dtb.o vmstate_fw.o stage2_hw.o upgrade.o) \
	$(BUILD)/sysreg/bootargs.o $(BUILD)/vmstate/frame.o
$(COLD_OBJS): OPT := -Os
# Code that may run before the MMU is on (boot, console, DTB, libc) must not
# make unaligned accesses; the state codec runs only with the MMU on (normal
# memory, SCTLR_EL2.A clear), where unaligned loads are allowed and cheap.
STRICT := -mstrict-align -DRV_STRICT_ALIGN
$(BUILD)/vmstate/%.o: STRICT :=

FW_OBJS := $(addprefix $(BUILD)/boot/,$(boot-objs)) $(addprefix $(BUILD)/plat/,$(plat-objs)) \
	$(addprefix $(BUILD)/lib/,$(lib-core-objs)) \
	$(addprefix $(BUILD)/el2/,$(el2-objs)) \
	$(addprefix $(BUILD)/sysreg/,$(sysreg-core-objs) $(sysreg-fw-objs)) \
	$(addprefix $(BUILD)/vmstate/,$(vmstate-core-objs) $(vmstate-fw-objs))
GUEST_OBJS := $(addprefix $(BUILD)/guest/,$(guest-objs))

.PHONY: all firmware deps run test test-versions unit clean check-portable versions peer print-versions golden release soak mutate help

help:
	@echo "make               firmware build/regvisor.{elf,bin} and the host tool build/regvisor-state"
	@echo "make run           install what is missing, build, boot under QEMU (BOOTARGS=\"...\");"
	@echo "                   interactive on a terminal; exits with the firmware's status"
	@echo "make test          install what is missing, build every version, unit, fuzz-smoke, QEMU and next-version tests"
	@echo "make deps          install the Debian packages the project needs (only those missing)"
	@echo "make FW_VERSION=1  version 1 from the same tree, in build/v1/ (make versions: both)"
	@echo "make unit          host unit tests (cmocka, sanitizers)"
	@echo "make test-versions a throwaway next version in a scratch copy, against the releases"
	@echo "make check-portable  the layering and hardware-access check"
	@echo "make fuzz          libFuzzer on the blob decoder and the framing (FUZZ_SECONDS=120)"
	@echo "make bench         instruction counts (firmware under QEMU icount, host under callgrind)"
	@echo "make soak          10,000 checkpoint cycles"
	@echo "make golden        golden blobs of a new release"
	@echo "make mutate        deliberate defects the tests must catch (tests/mutate.py)"
	@echo "make linux         Debian's kernel and a busybox initramfs in build/linux/"
	@echo "make run-linux     boot them under regvisor, SMP=N (default 2); run-linux-direct: at QEMU's EL1"
	@echo "make help          this list; build/regvisor-state --help for the host tool"

all: firmware tool

firmware: $(BUILD)/regvisor.bin $(BUILD)/regvisor.elf $(BUILD)/guest/guest.bin
	@$(SIZE) $(BUILD)/regvisor.elf | awk 'NR==2 { printf "regvisor v$(FW_VERSION): text %d, data %d, bss %d bytes; loaded image (text+data) %d bytes\n", $$1, $$2, $$3, $$1 + $$2 }'
	@$(CC) -E -P $(call version_flags,$(FW_VERSION)) -I. -x c sysreg/count.h | \
		awk '{ for (i = 1; i < NF; i++) if ($$i == "CLASS") { n[$$(i + 1)]++; t++ } } END { printf "regvisor v$(FW_VERSION): %d registers: %d context, %d id, %d firmware\n", t, n["CTX"], n["ID"], n["FWR"] }'

deps:
	@tools/deps.sh

# libfdt's headers alone, without the rest of the host's /usr/include.
$(BUILD)/fdt-include/libfdt.h:
	@mkdir -p $(@D)
	ln -sf /usr/include/libfdt.h /usr/include/libfdt_env.h /usr/include/fdt.h $(@D)/

$(BUILD)/%.o: %.c $(BUILD)/fdt-include/libfdt.h
	@mkdir -p $(@D)
	$(CC) $(FW_CFLAGS) $(OPT) $(STRICT) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: tests/guest/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/guest/%.o: tests/guest/%.S
	@mkdir -p $(@D)
	$(CC) -I. -MMD -MP -c $< -o $@

$(BUILD)/guest/guest.elf: $(GUEST_OBJS) tests/guest/guest.ld
	$(CC) -nostdlib -static -no-pie -T tests/guest/guest.ld -Wl,--no-warn-rwx-segments -Wl,--build-id=none -o $@ $(GUEST_OBJS) -lgcc

$(BUILD)/guest/guest.bin: $(BUILD)/guest/guest.elf
	$(OBJCOPY) -O binary $< $@

$(BUILD)/regvisor.elf: $(FW_OBJS) linker.ld
	$(CC) $(FW_LDFLAGS) -o $@ $(FW_OBJS) $(LIBFDT) $(PICOLIBC)/lib/libc.a -lgcc

# The image's CRC-32C goes into its header (vmstate/fwimage.h): `upgrade` checks it.
$(BUILD)/regvisor.bin: $(BUILD)/regvisor.elf build/regvisor-state
	$(OBJCOPY) -O binary $< $@.tmp
	build/regvisor-state stamp $@.tmp
	mv $@.tmp $@

# Portable code must not touch hardware: only *_hw.c and *.S may hold
# inline assembly or system-register accesses.
check-portable:
	@bad=$$(grep -lE '__asm__|\basm *\(|volatile uint(8|16|32|64)_t *\*' \
		lib/*.c lib/*.h sysreg/*.c sysreg/*.h vmstate/*.c vmstate/*.h 2>/dev/null | grep -v '_hw\.c$$'); \
	if [ -n "$$bad" ]; then echo "hardware access in portable code: $$bad"; exit 1; fi
	@tools/check-layers.sh

versions:
	$(foreach n,$(ALL_VERSIONS),$(MAKE) FW_VERSION=$(n) firmware &&) true

# A second build of the newest version with another build id (build/peer/):
# the live upgrade tests hand a running guest between it and build/.
peer: tool
	$(MAKE) BUILD=build/peer BUILD_ID=$(BUILD_ID)-peer firmware

# For scripts and tests: the newest version, and every version there is.
print-versions:
	@echo $(ALL_VERSIONS)

# Interactive when stdin is a terminal (Ctrl-] breaks in, Ctrl-A x quits QEMU).
# make can only exit 0 or 2: a status other than 0 is said on the last line.
run: deps firmware
	@tools/regvisor-qemu --bin $(BUILD)/regvisor.bin $(if $(BOOTARGS),--append "$(BOOTARGS)"); \
	st=$$?; [ $$st -eq 0 ] || echo "make run: status $$st from tools/regvisor-qemu" \
		"(the firmware's; 124 timeout, 125 no status line)" >&2; exit $$st

# The portable core's sources, for the host builds that compile them directly.
PORTABLE_SRCS := $(addprefix sysreg/,$(sysreg-core-objs:.o=.c) $(sysreg-host-objs:.o=.c)) \
	$(addprefix vmstate/,$(vmstate-core-objs:.o=.c) $(vmstate-host-objs:.o=.c)) \
	$(addprefix lib/,$(lib-core-objs:.o=.c)) lib/host.c

include tools/objects.mk tests/unit/objects.mk tests/fuzz/objects.mk tools/linux.mk

test: deps check-portable versions peer tool unit fuzz-smoke build/bench/bench_host
	$(PYTEST) -q tests/qemu tests/versions

# A throwaway next version in a scratch copy of the tree (build/next), run
# against the released binaries: tests/versions/test_next_version.py.
test-versions: deps versions tool
	$(PYTEST) -q tests/versions

# The full soak: 10,000 checkpoint cycles in one QEMU run (make test runs 2,000).
soak: deps firmware
	SOAK_CYCLES=$${SOAK_CYCLES:-10000} $(PYTEST) -q -s tests/qemu/test_reliability.py -k soak

# Deliberate defects, one at a time in a scratch copy (build/mutate/): each
# must make its tests fail. MUTATIONS="name ..." runs only those.
mutate: deps
	/usr/bin/python3 tests/mutate.py $(MUTATIONS)

# Freeze a version as shipped (tools/release): RELEASE=N, default the newest.
release: deps
	tools/release $(RELEASE)

golden: versions tool
	/usr/bin/python3 tests/compat/make-golden

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# Keep intermediate objects (the host tests are built by chained pattern rules).
.SECONDARY:
