# ll - header-only C toolkit for ultra-low-latency systems.
#
#   make test        every functional test, the compile matrix and the one-definition tests
#   make bench       every benchmark, with tables (make bench BENCH=crc|q|mem|io|pmem|harness|examples)
#   make check       every test under ASan+UBSan, the concurrent ones under ThreadSanitizer
#   make cross       aarch64 tests under qemu-aarch64, and the freestanding Cortex-M4 build
#   make windows     tests built with mingw-w64 and run under wine
#   make bench-deps  install the optional anchor libraries (Debian, as root)
#   make fuzz        every libFuzzer target for FUZZ_SECONDS each (clang; default 60)
#
# Optional libraries are detected by compile probes below; none is required.

SHELL := /bin/bash
CC := gcc
CXX := g++
CLANG := clang
BUILD := build
HEADERS := llcrc llq llmem llio llpmem

TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -Itests -pthread
BENCH_CFLAGS := -O3 -march=native -g -I. -Ibench -pthread
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
RUN := tests/run.sh

# ---- optional libraries: compile probes (tests/probe.sh HEADER LIBS [c|c++]) ----
probe = $(shell tests/probe.sh '$(1)' '$(2)' $(3))
HAVE_ZLIB := $(call probe,zlib.h,-lz)
HAVE_ISAL := $(call probe,isa-l.h,-lisal)
HAVE_XXHASH := $(call probe,xxhash.h,-lxxhash)
HAVE_CK := $(call probe,ck_ring.h,-lck)
HAVE_URING := $(call probe,liburing.h,-luring)
HAVE_NUMA := $(call probe,numa.h,-lnuma)
HAVE_PMEM := $(call probe,libpmem.h,-lpmem)
HAVE_MIMALLOC := $(call probe,mimalloc.h,-lmimalloc)
HAVE_JEMALLOC := $(call probe,jemalloc/jemalloc.h,-ljemalloc)
HAVE_TCMALLOC := $(call probe,gperftools/tcmalloc.h,-ltcmalloc)
HAVE_BOOST := $(call probe,boost/lockfree/queue.hpp,,c++)
DPDK_CFLAGS := $(shell pkg-config --cflags libdpdk 2>/dev/null)
DPDK_LIBS := $(shell pkg-config --libs libdpdk 2>/dev/null)
HAVE_DPDK := $(if $(DPDK_LIBS),$(call probe,rte_ring.h,$(DPDK_CFLAGS) $(DPDK_LIBS)),)
FIO := $(shell command -v fio 2>/dev/null)

ZLIB_LIBS := -lz
ISAL_LIBS := -lisal
XXHASH_LIBS := -lxxhash
CK_LIBS := -lck
URING_LIBS := -luring
NUMA_LIBS := -lnuma
PMEM_LIBS := -lpmem
MIMALLOC_LIBS := -lmimalloc
JEMALLOC_LIBS := -ljemalloc
TCMALLOC_LIBS := -ltcmalloc
BOOST_LIBS :=

# ---- cross and Windows toolchains (each optional; missing ones are reported as skipped) ----
AARCH64_CC := aarch64-linux-gnu-gcc
ARM_CC := arm-none-eabi-gcc
ARM_SIZE := arm-none-eabi-size
MINGW_CC := x86_64-w64-mingw32-gcc
QEMU := $(shell command -v qemu-aarch64-static 2>/dev/null || command -v qemu-aarch64 2>/dev/null)
WINE := $(shell command -v wine 2>/dev/null)

# ---- per-header fragments: flags, extra tests and the bench-<h> targets ----
-include mk/*.mk

test_src = tests/test_$(1).c
up = $(shell echo $(1) | tr a-z A-Z)
# anchors only exist on the host: cross and Windows builds drop them
portable_cflags = $(filter-out -DLLT_HAVE_% -DHAVE_% -I/usr/%,$(1))
TESTS := $(foreach h,$(HEADERS),$(if $(wildcard tests/test_$(h).c),$(h)))

.PHONY: all test check cross windows bench bench-deps matrix odr clean ci $(addprefix bench-,$(HEADERS)) \
	bench-harness fuzz

all: $(addprefix $(BUILD)/test_,$(TESTS)) $(BUILD)/test_llbench

# ---- native tests ----
$(BUILD)/test_llbench: tests/test_llbench.c bench/llbench.h tests/lltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Ibench $< -o $@

define test_rules
$(BUILD)/test_$(1): tests/test_$(1).c $(1).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$($(call up,$(1))_TEST_CFLAGS) $$< -o $$@ $$($(call up,$(1))_TEST_LIBS)
$(BUILD)/asan/test_$(1): tests/test_$(1).c $(1).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$(SAN_FLAGS) $$($(call up,$(1))_TEST_CFLAGS) $$< -o $$@ $$($(call up,$(1))_TEST_LIBS)
$(BUILD)/tsan/test_$(1): tests/test_$(1).c $(1).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(CLANG) $$(TEST_CFLAGS) $$(TSAN_FLAGS) $$($(call up,$(1))_TEST_CFLAGS) $$< -o $$@ $$($(call up,$(1))_TEST_LIBS)
$(BUILD)/aarch64/test_$(1): tests/test_$(1).c $(1).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(AARCH64_CC) -static $$(call portable_cflags,$$(TEST_CFLAGS) $$($(call up,$(1))_TEST_CFLAGS)) $$< -o $$@ -lm
$(BUILD)/win/test_$(1).exe: tests/test_$(1).c $(1).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(MINGW_CC) -D__USE_MINGW_ANSI_STDIO=1 $$(call portable_cflags,$$(filter-out -pthread,$$(TEST_CFLAGS) $$($(call up,$(1))_TEST_CFLAGS))) $$< -o $$@ -static
endef
$(foreach h,$(TESTS),$(eval $(call test_rules,$(h))))

EXTRA_TESTS := $(foreach h,$(HEADERS),$($(call up,$(h))_EXTRA_TESTS)) $(EXAMPLES_TESTS)

# `make test`: functional tests, then the compile matrix and the one-definition tests.
test: all $(EXTRA_TESTS)
	@rm -rf $(BUILD)/logs/test && mkdir -p $(BUILD)/logs/test
	@$(RUN) run $(BUILD)/logs/test llbench $(BUILD)/test_llbench
	@$(foreach h,$(TESTS),$(RUN) run $(BUILD)/logs/test $(h) $(BUILD)/test_$(h);)
	@$(foreach t,$(EXTRA_TESTS),$(RUN) run $(BUILD)/logs/test $(notdir $(t)) $(t);)
	@tests/matrix.sh $(BUILD)/logs/test
	@tests/odr.sh $(BUILD)/logs/test
	@tests/contract.sh $(BUILD)/logs/test
	@tests/contract.sh --self-test $(BUILD)/logs/test
	@$(RUN) summary $(BUILD)/logs/test

matrix:
	@rm -rf $(BUILD)/logs/matrix && mkdir -p $(BUILD)/logs/matrix
	@tests/matrix.sh $(BUILD)/logs/matrix
	@$(RUN) summary $(BUILD)/logs/matrix

odr:
	@rm -rf $(BUILD)/logs/odr && mkdir -p $(BUILD)/logs/odr
	@tests/odr.sh $(BUILD)/logs/odr
	@$(RUN) summary $(BUILD)/logs/odr

# ---- sanitizers ----
# Build variants of the test programs (the mk fragments run them in `make test`) that `make check` also runs
# under the sanitizers: name, the header whose test it is, and its extra flags and libraries.
VARIANTS := llcrc_nosimd llpmem_sim $(if $(HAVE_URING),llio_liburing) $(if $(HAVE_NUMA),llmem_libnuma)
VARIANT_OF_llcrc_nosimd := llcrc
VARIANT_FLAGS_llcrc_nosimd := -DLLCRC_NO_SIMD
VARIANT_OF_llpmem_sim := llpmem
VARIANT_FLAGS_llpmem_sim := -DLLPMEM_CRASH_SIM
VARIANT_OF_llio_liburing := llio
VARIANT_FLAGS_llio_liburing := -DLLIO_USE_LIBURING
VARIANT_LIBS_llio_liburing := $(URING_LIBS)
VARIANT_OF_llmem_libnuma := llmem
VARIANT_FLAGS_llmem_libnuma := -DLLMEM_USE_LIBNUMA=1
define variant_rules
$(BUILD)/asan/test_$(1): tests/test_$(VARIANT_OF_$(1)).c $(VARIANT_OF_$(1)).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(CC) $$(TEST_CFLAGS) $$(SAN_FLAGS) $$($(call up,$(VARIANT_OF_$(1)))_TEST_CFLAGS) $$(VARIANT_FLAGS_$(1)) $$< -o $$@ \
		$$($(call up,$(VARIANT_OF_$(1)))_TEST_LIBS) $$(VARIANT_LIBS_$(1))
$(BUILD)/tsan/test_$(1): tests/test_$(VARIANT_OF_$(1)).c $(VARIANT_OF_$(1)).h tests/lltest.h
	@mkdir -p $$(@D)
	$$(CLANG) $$(TEST_CFLAGS) $$(TSAN_FLAGS) $$($(call up,$(VARIANT_OF_$(1)))_TEST_CFLAGS) $$(VARIANT_FLAGS_$(1)) $$< -o $$@ \
		$$($(call up,$(VARIANT_OF_$(1)))_TEST_LIBS) $$(VARIANT_LIBS_$(1))
endef
$(foreach v,$(VARIANTS),$(eval $(call variant_rules,$(v))))
ASAN_TESTS := $(TESTS) $(VARIANTS)
TSAN_TESTS := $(foreach h,$(TESTS),$(if $($(call up,$(h))_TSAN),$(h))) \
	$(foreach v,$(VARIANTS),$(if $($(call up,$(VARIANT_OF_$(v)))_TSAN),$(v)))
HAVE_CLANG := $(shell command -v $(CLANG) >/dev/null 2>&1 && echo 1)
check: $(addprefix $(BUILD)/asan/test_,$(ASAN_TESTS)) $(if $(HAVE_CLANG),$(addprefix $(BUILD)/tsan/test_,$(TSAN_TESTS)))
	@rm -rf $(BUILD)/logs/check && mkdir -p $(BUILD)/logs/check
	@$(foreach h,$(ASAN_TESTS),LLT_SCALE=0.2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(RUN) run $(BUILD)/logs/check asan-$(h) $(BUILD)/asan/test_$(h);)
	@$(if $(HAVE_CLANG),$(foreach h,$(TSAN_TESTS),LLT_SCALE=0.2 TSAN_OPTIONS=halt_on_error=1 \
		$(RUN) run-tsan $(BUILD)/logs/check tsan-$(h) $(BUILD)/tsan/test_$(h);),\
		$(RUN) skip $(BUILD)/logs/check tsan "clang not installed";)
	@$(if $(wildcard mk/examples.mk),LLT_SCALE=0.2 $(MAKE) --no-print-directory examples-check \
		|| grep -qs '^FAIL ' $(BUILD)/logs/examples-check/*.log \
		|| echo "FAIL examples-check: did not build or run" >$(BUILD)/logs/check/examples-check.log;)
	@$(RUN) summary $(BUILD)/logs/check $(if $(wildcard mk/examples.mk),$(BUILD)/logs/examples-check)

# ---- cross: aarch64 under qemu, freestanding Cortex-M4 ----
CROSS_TESTS := $(foreach h,$(TESTS),$(if $($(call up,$(h))_CROSS),$(h)))
HAVE_AARCH64 := $(shell command -v $(AARCH64_CC) >/dev/null 2>&1 && test -n "$(QEMU)" && echo 1)
HAVE_ARM := $(shell command -v $(ARM_CC) >/dev/null 2>&1 && echo 1)
cross: $(if $(HAVE_AARCH64),$(addprefix $(BUILD)/aarch64/test_,$(CROSS_TESTS)))
	@rm -rf $(BUILD)/logs/cross && mkdir -p $(BUILD)/logs/cross
	@$(if $(HAVE_AARCH64),$(foreach h,$(CROSS_TESTS),LLT_SCALE=0.05 \
		$(RUN) run $(BUILD)/logs/cross aarch64-$(h) $(QEMU) $(BUILD)/aarch64/test_$(h);),\
		$(RUN) skip $(BUILD)/logs/cross aarch64 "aarch64-linux-gnu-gcc or qemu-aarch64 not installed";)
	@$(if $(HAVE_ARM),tests/freestanding.sh $(BUILD)/logs/cross $(ARM_CC) $(ARM_SIZE),\
		$(RUN) skip $(BUILD)/logs/cross cortex-m4 "arm-none-eabi-gcc not installed";)
	@$(RUN) summary $(BUILD)/logs/cross

# ---- Windows under wine ----
WIN_TESTS := $(foreach h,$(TESTS),$(if $($(call up,$(h))_WINDOWS),$(h)))
HAVE_MINGW := $(shell command -v $(MINGW_CC) >/dev/null 2>&1 && test -n "$(WINE)" && echo 1)
windows: $(if $(HAVE_MINGW),$(addprefix $(BUILD)/win/test_,$(addsuffix .exe,$(WIN_TESTS))))
	@rm -rf $(BUILD)/logs/windows && mkdir -p $(BUILD)/logs/windows
	@$(if $(HAVE_MINGW),$(foreach h,$(WIN_TESTS),LLT_SCALE=0.1 WINEDEBUG=-all \
		$(RUN) run $(BUILD)/logs/windows win-$(h) $(WINE) $(BUILD)/win/test_$(h).exe;),\
		$(RUN) skip $(BUILD)/logs/windows windows "x86_64-w64-mingw32-gcc or wine not installed";)
	@$(RUN) summary $(BUILD)/logs/windows

# ---- everything CI runs, with one closing line ----
ci:
	@$(MAKE) --no-print-directory test; s1=$$?; \
	$(MAKE) --no-print-directory check; s2=$$?; \
	$(MAKE) --no-print-directory cross; s3=$$?; \
	$(MAKE) --no-print-directory windows; s4=$$?; \
	$(RUN) total $(BUILD)/logs/test $(BUILD)/logs/check $(BUILD)/logs/examples-check $(BUILD)/logs/cross \
		$(BUILD)/logs/windows

# ---- benchmarks ----
BENCH_SHORT_crc := llcrc
BENCH_SHORT_q := llq
BENCH_SHORT_mem := llmem
BENCH_SHORT_io := llio
BENCH_SHORT_pmem := llpmem
BENCH_SHORT_harness := harness
BENCH_SHORT_examples := examples
BENCH_ALL := harness $(foreach h,$(HEADERS),$(if $(wildcard bench/bench_$(h).c),$(h))) $(if $(wildcard mk/examples.mk),examples)
ifdef BENCH
BENCH_RUN := $(or $(BENCH_SHORT_$(BENCH)),$(BENCH))
else
BENCH_RUN := $(BENCH_ALL)
endif

bench:
	@echo "# ll benchmarks ($$(date -u +%Y-%m-%d), $$(nproc) CPUs: $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
	@echo "anchors found: $(strip $(if $(HAVE_ISAL),isa-l) $(if $(HAVE_ZLIB),zlib) $(if $(HAVE_XXHASH),xxhash) \
		$(if $(HAVE_DPDK),dpdk) $(if $(HAVE_CK),ck) $(if $(HAVE_BOOST),boost) $(if $(HAVE_URING),liburing) \
		$(if $(HAVE_NUMA),libnuma) $(if $(HAVE_PMEM),libpmem) $(if $(HAVE_MIMALLOC),mimalloc) \
		$(if $(HAVE_JEMALLOC),jemalloc) $(if $(HAVE_TCMALLOC),tcmalloc) $(if $(FIO),fio))"
	@echo "anchors missing (make bench-deps installs them): $(strip $(if $(HAVE_ISAL),,isa-l) $(if $(HAVE_ZLIB),,zlib) \
		$(if $(HAVE_XXHASH),,xxhash) $(if $(HAVE_DPDK),,dpdk) $(if $(HAVE_CK),,ck) $(if $(HAVE_BOOST),,boost) \
		$(if $(HAVE_URING),,liburing) $(if $(HAVE_NUMA),,libnuma) $(if $(HAVE_PMEM),,libpmem) \
		$(if $(HAVE_MIMALLOC),,mimalloc) $(if $(HAVE_JEMALLOC),,jemalloc) $(if $(HAVE_TCMALLOC),,tcmalloc) $(if $(FIO),,fio))"
	@for b in $(BENCH_RUN); do $(MAKE) --no-print-directory bench-$$b || exit 1; done

$(BUILD)/bench_harness: bench/bench_harness.c bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $< -o $@

# libFuzzer targets (clang): the llcrc delta decoder and the llq byte-ring reader, FUZZ_SECONDS each
FUZZ_SECONDS ?= 60
fuzz: fuzz-llcrc fuzz-llq

bench-harness: $(BUILD)/bench_harness
	@$(BUILD)/bench_harness

BENCH_DEPS := libisal-dev zlib1g-dev libxxhash-dev libdpdk-dev libck-dev libboost-dev liburing-dev libnuma-dev \
	libpmem-dev libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev fio pkg-config clang gnuplot-nox \
	liburcu-dev
bench-deps:
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(BENCH_DEPS)

clean:
	rm -rf $(BUILD)
