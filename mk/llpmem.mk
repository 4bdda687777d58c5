# mk/llpmem.mk - build fragment for llpmem.h (included by the top-level Makefile)

LLPMEM_TEST_CFLAGS :=
LLPMEM_TEST_LIBS :=
LLPMEM_TSAN := 1
LLPMEM_CROSS := 1
LLPMEM_WINDOWS :=

# The crash simulator is a debug build option: the same test program built with -DLLPMEM_CRASH_SIM
# runs the simulator tests (they skip in the plain build).
LLPMEM_EXTRA_TESTS := $(BUILD)/test_llpmem_sim
# the crash-simulator build runs on the CPU ladder too (make cpus)
LLPMEM_CPUS_EXTRA := $(BUILD)/test_llpmem_sim

$(BUILD)/test_llpmem_sim: tests/test_llpmem.c llpmem.h tests/lltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DLLPMEM_CRASH_SIM $< -o $@

# ---- benchmark: llpmem vs PMDK libpmem (copies, persists) and libpmemobj (transactions), plain memcpy
#      and hand-written flush loops; each PMDK library is optional and its rows are skipped without it ----
HAVE_PMEMOBJ := $(call probe,libpmemobj.h,-lpmemobj)
PMEMOBJ_LIBS := -lpmemobj
LLPMEM_BENCH_DEFS := $(if $(HAVE_PMEM),-DLLB_HAVE_PMEM=1) $(if $(HAVE_PMEMOBJ),-DLLB_HAVE_PMEMOBJ=1)
LLPMEM_BENCH_LIBS := $(if $(HAVE_PMEMOBJ),$(PMEMOBJ_LIBS)) $(if $(HAVE_PMEM),$(PMEM_LIBS))

$(BUILD)/bench_llpmem: bench/bench_llpmem.c llpmem.h llstat.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(LLPMEM_BENCH_DEFS) $< -o $@ $(LLPMEM_BENCH_LIBS)

.PHONY: bench-llpmem
bench-llpmem: $(BUILD)/bench_llpmem
	@$(if $(HAVE_PMEM),,echo "skipped: libpmem (PMDK) not installed: no PMDK copy/persist rows";) \
	$(if $(HAVE_PMEMOBJ),,echo "skipped: libpmemobj (PMDK, libpmemobj-dev) not installed: no PMDK transaction rows";) \
	PMEM_IS_PMEM_FORCE=1 $(BUILD)/bench_llpmem

# ---- tests/test_hist_shape.c: llpmem's latency histogram is llstat.h's (same layout and answers) ----
#   make check-hist-shape  tests/test_hist_shape.c under ASan+UBSan (part of make check)
# It includes llstat.h and llpmem.h, so it has its own rules: `make test` runs it (LLPMEM_EXTRA_TESTS),
# `make check` under ASan+UBSan (check-hist-shape, through CHECK_EXTRA; it starts no thread, so no TSan
# build: test_llpmem's histogram_threads runs the concurrent records under TSan).
LLPMEM_EXTRA_TESTS += $(BUILD)/test_hist_shape
CHECK_EXTRA += check-hist-shape
HIST_SHAPE_DEPS := tests/test_hist_shape.c llpmem.h llstat.h tests/lltest.h

$(BUILD)/test_hist_shape: $(HIST_SHAPE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< -o $@ -lm
$(BUILD)/asan/test_hist_shape: $(HIST_SHAPE_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) $< -o $@ -lm

.PHONY: check-hist-shape
check-hist-shape: $(BUILD)/asan/test_hist_shape
	@mkdir -p $(BUILD)/logs/check
	@LLT_SCALE=0.2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(RUN) run $(BUILD)/logs/check asan-hist_shape $(BUILD)/asan/test_hist_shape
