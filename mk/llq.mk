# mk/llq.mk - llq.h: test flags, sanitizer/cross/windows switches and the benchmark (make bench BENCH=q)
LLQ_TEST_CFLAGS :=
LLQ_TEST_LIBS :=
LLQ_TSAN := 1
LLQ_CROSS := 1
LLQ_WINDOWS := 1
# the same test program built for other LLQ_CACHE_LINE values (32 and 128 bytes: layouts, mailbox size
# and alignment checks follow the option, not the CPU), run shorter by a wrapper (LLT_SCALE 0.1)
# and built with LLQ_STATS (ring statistics compiled in: their exact counts, the layouts with them)
LLQ_EXTRA_TESTS := $(BUILD)/test_llq_lines $(BUILD)/test_llq_stats
# make check runs that build under ASan/UBSan and TSan too (the Makefile's EXTRA_VARIANTS)
EXTRA_VARIANTS += llq_stats
VARIANT_OF_llq_stats := llq
VARIANT_FLAGS_llq_stats := -DLLQ_STATS

$(BUILD)/test_llq_line%.bin: tests/test_llq.c llq.h tests/lltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DLLQ_CACHE_LINE=$* $< -o $@

$(BUILD)/test_llq_stats: tests/test_llq.c llq.h tests/lltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DLLQ_STATS $< -o $@

$(BUILD)/test_llq_lines: $(BUILD)/test_llq_line32.bin $(BUILD)/test_llq_line128.bin
	@printf '#!/bin/sh\n# test_llq built with LLQ_CACHE_LINE 32 and 128\nd=$$(dirname "$$0"); s=0\nfor b in "$$d"/test_llq_line32.bin "$$d"/test_llq_line128.bin; do LLT_SCALE=$${LLT_SCALE:-0.1} "$$b" || s=1; done\nexit $$s\n' >$@
	@chmod +x $@

# anchors: DPDK rte_ring needs only librte_ring + librte_eal (no EAL init: rte_ring_init on our memory)
# liburcu (Debian liburcu-dev): the memb and QSBR flavours for the RCU rows, cds_lfht for the map rows
HAVE_URCU := $(call probe,urcu/urcu-memb.h,-lurcu-memb -lurcu-qsbr -lurcu-cds -lurcu-common)
URCU_LIBS := -lurcu-memb -lurcu-qsbr -lurcu-cds -lurcu-common
LLQ_BENCH_DEFS := $(if $(HAVE_DPDK),-DLLB_HAVE_DPDK=1) $(if $(HAVE_CK),-DLLB_HAVE_CK=1) \
	$(if $(HAVE_BOOST),-DLLB_HAVE_BOOST=1) $(if $(HAVE_URCU),-DLLB_HAVE_URCU=1)
LLQ_BENCH_CFLAGS := $(LLQ_BENCH_DEFS) $(if $(HAVE_DPDK),$(filter -I% -include rte_config.h,$(DPDK_CFLAGS)))
LLQ_BENCH_LIBS := $(if $(HAVE_DPDK),-lrte_ring -lrte_eal) $(if $(HAVE_CK),$(CK_LIBS)) $(if $(HAVE_URCU),$(URCU_LIBS))
LLQ_BENCH_OBJS := $(BUILD)/bench_llq_boost.o $(BUILD)/bench_llq_stats.o \
	$(if $(HAVE_URCU),$(BUILD)/bench_llq_urcu_memb.o $(BUILD)/bench_llq_urcu_qsbr.o)

# the rings built with LLQ_STATS, a unit of its own (the option changes their layout)
$(BUILD)/bench_llq_stats.o: bench/bench_llq_stats.c bench/bench_llq.h llq.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(BENCH_CFLAGS) -c $< -o $@

$(BUILD)/bench_llq_urcu_memb.o: bench/bench_llq_urcu.c bench/bench_llq.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(BENCH_CFLAGS) -D_LGPL_SOURCE -DLLQB_URCU_MEMB -c $< -o $@
$(BUILD)/bench_llq_urcu_qsbr.o: bench/bench_llq_urcu.c bench/bench_llq.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(BENCH_CFLAGS) -D_LGPL_SOURCE -DLLQB_URCU_QSBR -c $< -o $@

$(BUILD)/bench_llq_boost.o: bench/bench_llq_boost.cpp llq.h bench/bench_llq.h
	@mkdir -p $(@D)
	$(if $(HAVE_CXX),$(CXX) -std=c++17,$(CC) -x c -std=gnu11) $(BENCH_CFLAGS) $(LLQ_BENCH_DEFS) -c $< -o $@

# without a C++ compiler the boost unit builds as C (its no-boost half) and the program links with $(CC)
$(BUILD)/bench_llq: bench/bench_llq.c bench/bench_llq.h llq.h bench/llbench.h $(LLQ_BENCH_OBJS)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(BENCH_CFLAGS) $(LLQ_BENCH_CFLAGS) -c $< -o $(BUILD)/bench_llq.o
	$(if $(HAVE_CXX),$(CXX),$(CC)) $(BENCH_CFLAGS) $(BUILD)/bench_llq.o $(LLQ_BENCH_OBJS) -o $@ $(LLQ_BENCH_LIBS)

bench-llq: $(BUILD)/bench_llq
	@$(if $(HAVE_DPDK),,echo "skipped: DPDK rte_ring not installed";) \
	 $(if $(HAVE_CK),,echo "skipped: ck_ring not installed";) \
	 $(if $(HAVE_BOOST),,echo "skipped: boost::lockfree not installed";) \
	 $(if $(HAVE_URCU),,echo "skipped: liburcu not installed (liburcu-dev): RCU and cds_lfht rows";) \
	 flock /tmp/ll-heavy.lock $(BUILD)/bench_llq

# ---- fuzzing the byte-ring reader against a corrupt producer (libFuzzer, clang): make fuzz-llq ----
$(BUILD)/fuzz_llq_bytes: tests/fuzz_llq_bytes.c llq.h
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $< -o $@

.PHONY: fuzz-llq
fuzz-llq: $(BUILD)/fuzz_llq_bytes
	@mkdir -p $(BUILD)/fuzz-llq-corpus
	flock /tmp/ll-heavy.lock $(BUILD)/fuzz_llq_bytes -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
		-print_final_stats=1 $(BUILD)/fuzz-llq-corpus
