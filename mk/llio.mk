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

# bench_llio_counters.c twice: with the always-on counters and with them compiled out (LLIO_NO_STATS)
$(BUILD)/bench_llio: bench/bench_llio.c bench/bench_llio_counters.c llio.h bench/llbench.h
	@mkdir -p $(BUILD)
	$(CC) $(BENCH_CFLAGS) -c bench/bench_llio_counters.c -o $(BUILD)/bench_llio_cnt_on.o
	$(CC) $(BENCH_CFLAGS) -DLLIO_NO_STATS -c bench/bench_llio_counters.c -o $(BUILD)/bench_llio_cnt_off.o
	$(CC) $(BENCH_CFLAGS) $(LLIO_BENCH_DEFS) bench/bench_llio.c $(BUILD)/bench_llio_cnt_on.o \
		$(BUILD)/bench_llio_cnt_off.o -o $@ $(LLIO_BENCH_LIBS) -lm

.PHONY: bench-llio
bench-llio: $(BUILD)/bench_llio
	flock /tmp/ll-heavy.lock env LLIO_BENCH_FIO="$(FIO)" LLIO_BENCH_DIR="$(BUILD)" $(BUILD)/bench_llio

# make bench BENCH=net: netserve against sockperf server, redis-server and an epoll loop (bench/bench_net.sh)
.PHONY: bench-net
bench-net: $(BUILD)/examples/netserve
	@bench/bench_net.sh $(BUILD)
