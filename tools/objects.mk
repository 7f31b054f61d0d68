# The host tool, from the same portable sysreg/ and vmstate/ files as the firmware.
TOOL_BUILD := build/tool
TOOL_CFLAGS := $(COMMON_CFLAGS) -DFW_VERSION=$(FW_VERSION_LATEST)
TOOL_OBJS := $(addprefix $(TOOL_BUILD)/sysreg/,$(sysreg-core-objs) $(sysreg-host-objs)) \
	$(addprefix $(TOOL_BUILD)/vmstate/,$(vmstate-core-objs)) \
	$(TOOL_BUILD)/tools/regvisor-state.o $(TOOL_BUILD)/tests/unit/host_support.o

$(TOOL_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(TOOL_CFLAGS) -MMD -MP -c $< -o $@

build/regvisor-state: $(TOOL_OBJS)
	$(HOSTCC) -o $@ $^

.PHONY: tool
tool: build/regvisor-state
