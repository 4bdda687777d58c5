# mk/llio.mk - build rules for llio.h (included by the top-level Makefile)
LLIO_TEST_CFLAGS =
LLIO_TEST_LIBS =
LLIO_TSAN =
LLIO_CROSS = 1
LLIO_WINDOWS =

# the same test program built against the liburing backend (only when liburing is installed)
ifeq ($(HAVE_URING),1)
LLIO_EXTRA_TESTS = $(BUILD)/test_llio_liburing
endif

$(BUILD)/test_llio_liburing: tests/test_llio.c llio.h tests/lltest.h
	@mkdir -p $(BUILD)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -Itests -pthread -DLLIO_USE_LIBURING \
		$(URING_CFLAGS) tests/test_llio.c -o $@ $(URING_LIBS)

# benchmarks: llio (raw) and, when available, liburing / fio anchors in the same run
LLIO_BENCH_DEFS = $(if $(filter 1,$(HAVE_URING)),-DLLB_HAVE_URING=1 $(URING_CFLAGS),)
LLIO_BENCH_LIBS = $(if $(filter 1,$(HAVE_URING)),$(URING_LIBS),)

# bench_llio_counters.c four times: with the always-on counters and with them compiled out (LLIO_NO_STATS),
# each as copy a and b, linked on a, off a, off b, on b; functions, loops and jump targets aligned so that
# the two builds are compared on their work, not on where their branches happen to fall
LLIO_CNT_ALIGN = -falign-functions=64 -falign-loops=32 -falign-jumps=32
LLIO_CNT_OBJS = $(addprefix $(BUILD)/bench_llio_cnt_,on_a.o off_a.o off_b.o on_b.o)
$(BUILD)/bench_llio_cnt_on_%.o: bench/bench_llio_counters.c llio.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(LLIO_CNT_ALIGN) -DLLIO_BENCH_COPY=$* -c $< -o $@
$(BUILD)/bench_llio_cnt_off_%.o: bench/bench_llio_counters.c llio.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(LLIO_CNT_ALIGN) -DLLIO_BENCH_COPY=$* -DLLIO_NO_STATS -c $< -o $@
$(BUILD)/bench_llio: bench/bench_llio.c $(LLIO_CNT_OBJS) llio.h bench/llbench.h
	@mkdir -p $(BUILD)
	$(CC) $(BENCH_CFLAGS) $(LLIO_BENCH_DEFS) bench/bench_llio.c $(LLIO_CNT_OBJS) -o $@ $(LLIO_BENCH_LIBS) -lm

.PHONY: bench-llio
bench-llio: $(BUILD)/bench_llio
	flock /tmp/ll-heavy.lock env LLIO_BENCH_FIO="$(FIO)" LLIO_BENCH_DIR="$(BUILD)" $(BUILD)/bench_llio

# make bench BENCH=net: netserve against sockperf server, redis-server and an epoll loop (bench/bench_net.sh)
.PHONY: bench-net
bench-net: $(BUILD)/examples/netserve
	@bench/bench_net.sh $(BUILD)

# ---- llio_log (the journal in llio.h): its own test program ----------------------------------------
#   make check-llio-log  tests/test_llio_log.c under ASan+UBSan and ThreadSanitizer (part of make check)
# tests/test_llio_log.c checks CRCs against llcrc.h, so it builds with both headers. `make test` runs it
# (LLIO_EXTRA_TESTS); `make check` runs it under ASan+UBSan and, with clang, ThreadSanitizer
# (check-llio-log, hooked in through CHECK_EXTRA). LLIO_LOG_TEST_DIR picks the disk directory (build/).
LLIO_EXTRA_TESTS += $(BUILD)/test_llio_log
CHECK_EXTRA += check-llio-log
LLIO_LOG_DEPS := tests/test_llio_log.c llio.h llcrc.h tests/lltest.h
LLIO_LOG_HAVE_CLANG := $(shell command -v $(or $(CLANG),clang) >/dev/null 2>&1 && echo 1)

$(BUILD)/test_llio_log: $(LLIO_LOG_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $< -o $@
$(BUILD)/asan/test_llio_log: $(LLIO_LOG_DEPS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) $< -o $@
$(BUILD)/tsan/test_llio_log: $(LLIO_LOG_DEPS)
	@mkdir -p $(@D)
	$(CLANG) $(TEST_CFLAGS) $(TSAN_FLAGS) $< -o $@

.PHONY: check-llio-log
check-llio-log: $(BUILD)/asan/test_llio_log $(if $(LLIO_LOG_HAVE_CLANG),$(BUILD)/tsan/test_llio_log)
	@mkdir -p $(BUILD)/logs/check
	@LLT_SCALE=0.2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(RUN) run $(BUILD)/logs/check asan-llio_log $(BUILD)/asan/test_llio_log
	@$(if $(LLIO_LOG_HAVE_CLANG),LLT_SCALE=0.2 TSAN_OPTIONS=halt_on_error=1 \
		$(RUN) run-tsan $(BUILD)/logs/check tsan-llio_log $(BUILD)/tsan/test_llio_log,\
		$(RUN) skip $(BUILD)/logs/check tsan-llio_log "clang not installed")
# ---- end of llio_log --------------------------------------------------------------------------------
