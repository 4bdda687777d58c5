# mk/examples.mk - the example programs in examples/ (included by the Makefile).
#
#   make test            also builds every example and runs its checked mode (EXAMPLES_TESTS) and build-check
#   make bench-examples  every example's benchmark mode, one markdown table each (files under build/ only)
#   make examples-check  every example under ASan+UBSan, the threaded ones also under clang TSan
#   make examples-m4     only the freestanding Cortex-M4 build of examples/amalgamated_m4.c, with its size
#
# build/examples/build-check (run by make test): every single-unit example compiled as C++17, and the
# Cortex-M4 build with its size. The pipeline's bench mode writes build/pipeline-latency.csv and, with
# gnuplot, build/pipeline-latency.png.

EX_DIR := $(BUILD)/examples
EX_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wpedantic -Werror -I. -pthread
EX_CXXFLAGS := -x c++ -std=c++17 -O2 -g -Wall -Wextra -Werror -I. -pthread
EX_LIBS := -lm
EX_HEADERS := llcrc.h llq.h llmem.h llio.h llpmem.h llstat.h bench/llbench.h
# single-unit examples, each with a checked mode (no arguments) and a bench mode (argument "bench")
EX_ALL := wal pipeline deltasync amalgamated pmemlog netserve
EX_NAMES := $(foreach e,$(EX_ALL),$(if $(wildcard examples/$(e).c),$(e)))
EX_THREADED := $(filter wal pipeline amalgamated,$(EX_NAMES))
EX_CFLAGS_pmemlog := -DLLPMEM_CRASH_SIM
EX_HAVE_CLANG := $(shell command -v $(or $(CLANG),clang) >/dev/null 2>&1 && echo 1)

EXAMPLES_TESTS := $(addprefix $(EX_DIR)/,$(EX_NAMES)) \
	$(if $(wildcard examples/amalgamated.c),$(if $(shell command -v $(CXX)),$(EX_DIR)/amalgamated-cxx)) \
	$(if $(wildcard examples/build-check.sh),$(EX_DIR)/build-check)

.PHONY: bench-examples examples-check examples-m4

$(EX_DIR)/%: examples/%.c $(EX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(EX_CFLAGS) $(EX_CFLAGS_$*) $< -o $@ $(EX_LIBS)

# pmemlog's checked mode needs the crash simulator; its benchmark needs a build without it
$(EX_DIR)/pmemlog-bench: examples/pmemlog.c $(EX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(EX_CFLAGS) $< -o $@ $(EX_LIBS)

$(EX_DIR)/amalgamated-cxx: examples/amalgamated.c $(EX_HEADERS)
	@mkdir -p $(@D)
	$(CXX) $(EX_CXXFLAGS) $< -o $@ $(EX_LIBS)

# the C++ and Cortex-M4 build checks, as a test program that prints PASS/FAIL/SKIP lines
$(EX_DIR)/build-check: examples/build-check.sh
	@mkdir -p $(@D)
	cp $< $@ && chmod +x $@

$(EX_DIR)/asan/%: examples/%.c $(EX_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(EX_CFLAGS) $(SAN_FLAGS) $(EX_CFLAGS_$*) $< -o $@ $(EX_LIBS)

$(EX_DIR)/tsan/%: examples/%.c $(EX_HEADERS)
	@mkdir -p $(@D)
	$(CLANG) $(EX_CFLAGS) $(TSAN_FLAGS) $(EX_CFLAGS_$*) $< -o $@ $(EX_LIBS)

EX_BENCH_BIN = $(if $(filter pmemlog,$(1)),$(EX_DIR)/pmemlog-bench,$(EX_DIR)/$(1))
bench-examples: $(foreach e,$(EX_NAMES),$(call EX_BENCH_BIN,$(e))) $(BUILD)/bench_harness
	@$(BUILD)/bench_harness --cpu
	@echo "## examples"
	@$(foreach e,$(EX_NAMES),echo; flock /tmp/ll-heavy.lock $(call EX_BENCH_BIN,$(e)) bench || exit 1;)

examples-check: $(addprefix $(EX_DIR)/asan/,$(EX_NAMES)) \
		$(if $(EX_HAVE_CLANG),$(addprefix $(EX_DIR)/tsan/,$(EX_THREADED)))
	@rm -rf $(BUILD)/logs/examples-check && mkdir -p $(BUILD)/logs/examples-check
	@$(foreach e,$(EX_NAMES),LLT_SCALE=0.2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 EXAMPLES_SANITIZER=1 \
		$(RUN) run $(BUILD)/logs/examples-check asan-$(e) $(EX_DIR)/asan/$(e);)
	@$(if $(EX_HAVE_CLANG),$(foreach e,$(EX_THREADED),LLT_SCALE=0.2 TSAN_OPTIONS=halt_on_error=1 EXAMPLES_SANITIZER=1 \
		$(RUN) run-tsan $(BUILD)/logs/examples-check tsan-$(e) $(EX_DIR)/tsan/$(e);),\
		$(RUN) skip $(BUILD)/logs/examples-check tsan "clang not installed";)
	@$(RUN) summary $(BUILD)/logs/examples-check

examples-m4:
	@examples/build-check.sh m4
