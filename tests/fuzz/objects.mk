# libFuzzer targets (clang) for the blob decoder and the UART framing, with
# ASan and UBSan. `make fuzz` runs each for FUZZ_SECONDS and grows the
# corpus; `make fuzz-smoke` (part of `make test`) runs the checked-in corpus
# once plus a few seconds of fuzzing.
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 120
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -O1 -g -I. $(call version_flags,$(FW_VERSION_LATEST)) \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := blob frame

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(PORTABLE_SRCS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^

# Each run's output goes to a log under build/fuzz/; the step fails on the
# fuzzer's own exit status (any crash, sanitizer report, leak or timeout),
# never on what a pipe's last command says, and crash files land in
# build/fuzz/crashes/, not in the working directory.
FUZZ_RUN = $(FUZZ_BUILD)/fuzz_$$t -artifact_prefix=$(FUZZ_BUILD)/crashes/

.PHONY: fuzz fuzz-smoke
fuzz: $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		mkdir -p tests/fuzz/corpus/$$t $(FUZZ_BUILD)/crashes; \
		log=$(FUZZ_BUILD)/fuzz-$$t.log; \
		if ! $(FUZZ_RUN) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			tests/fuzz/corpus/$$t >$$log 2>&1; then \
			tail -60 $$log; echo "fuzz_$$t FAILED (log: $$log)"; exit 1; fi; \
		grep -E 'stat::number_of_executed_units|stat::new_units_added' $$log; \
	done

fuzz-smoke: $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/smoke-$$t $(FUZZ_BUILD)/crashes; \
		log=$(FUZZ_BUILD)/smoke-$$t.log; \
		if ! $(FUZZ_RUN) -runs=0 tests/fuzz/corpus/$$t >$$log 2>&1 || \
		   ! $(FUZZ_RUN) -max_total_time=5 $(FUZZ_BUILD)/smoke-$$t tests/fuzz/corpus/$$t \
			>>$$log 2>&1; then \
			tail -60 $$log; echo "fuzz_$$t FAILED (log: $$log)"; exit 1; fi; \
		grep -E '^Done' $$log; \
	done
