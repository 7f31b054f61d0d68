# Host unit tests (cmocka) of the portable core, with sanitizers.
HOST_CFLAGS := $(COMMON_CFLAGS) -O2 $(call version_flags,$(FW_VERSION_LATEST)) -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
UNIT_TESTS := test_sysreg test_bootargs test_vmstate test_vmstate_vcpus test_guestout test_gic \
	test_semantics

$(HOST_BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

HOST_CORE := $(addprefix $(HOST_BUILD)/sysreg/,$(sysreg-core-objs) $(sysreg-host-objs)) \
	$(addprefix $(HOST_BUILD)/vmstate/,$(vmstate-core-objs) $(vmstate-host-objs)) \
	$(addprefix $(HOST_BUILD)/lib/,$(lib-core-objs) $(lib-host-objs))

$(HOST_BUILD)/tests/unit/%: $(HOST_BUILD)/tests/unit/%.o $(HOST_CORE)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ -lcmocka

unit: $(addprefix $(HOST_BUILD)/tests/unit/,$(UNIT_TESTS))
	@for t in $^; do echo "== $$t"; $$t || exit 1; done
