# The host tool, from the same portable sysreg/ and vmstate/ files as the firmware.
TOOL_BUILD := build/tool
TOOL_CFLAGS := $(COMMON_CFLAGS) -O2 $(call version_flags,$(FW_VERSION_LATEST))
TOOL_OBJS := $(addprefix $(TOOL_BUILD)/sysreg/,$(sysreg-core-objs) $(sysreg-host-objs)) \
	$(addprefix $(TOOL_BUILD)/vmstate/,$(vmstate-core-objs) $(vmstate-host-objs)) \
	$(addprefix $(TOOL_BUILD)/tools/,regvisor-state.o state_encode.o state_show.o state_versions.o state_send.o) \
	$(addprefix $(TOOL_BUILD)/lib/,$(lib-core-objs) $(lib-host-objs))

$(TOOL_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

build/regvisor-state: $(TOOL_OBJS)
	$(HOSTCC) -o $@ $^

.PHONY: tool
tool: build/regvisor-state

# The host codec benchmark, with limits large enough for 10,000 registers.
build/bench/bench_host: tools/bench_host.c $(PORTABLE_SRCS) $(wildcard lib/*.h sysreg/*.h sysreg/*.def vmstate/*.h)
	@mkdir -p $(@D)
	$(HOSTCC) -O2 -g -I. $(call version_flags,$(FW_VERSION_LATEST)) -DVMSTATE_MAX_ENTRIES=16384 \
		-DVMSTATE_MAX_BLOB=262144 -o $@ $(filter %.c,$^)

.PHONY: bench
bench: deps firmware peer build/bench/bench_host
	/usr/bin/python3 tools/bench.py
