# ll - header-only C toolkit for ultra-low-latency systems.
#
# `make help` prints the lines below that start with "#   make" (and the same lines of mk/*.mk), so this
# block is the list of targets; tests/help.sh (run by `make test`) fails when a target is missing from it.
#
#   make all           build every test program (the default goal)
#   make test          every test: functional, matrix, one-definition, contract, install, doc snippets
#   make check         every test under ASan+UBSan, the concurrent ones under ThreadSanitizer (clang)
#   make cross         aarch64 tests under qemu-aarch64, and the freestanding Cortex-M4 build
#   make windows       tests built with mingw-w64 and run under wine
#   make matrix        only the compile matrix (C99..C++20, gcc and clang, -Werror)
#   make odr           only the one-definition tests (all headers in one program)
#   make snippets      only the doc programs: README.md and docs/*.md blocks with int main, C99 + C++11
#   make cpus          the CPU ladder: tests of llcrc, llq, llmem, llpmem, llstat under qemu -cpu MODEL
#   make minimal-root  make test + make bench (LLB_QUICK=1) in a debootstrap minbase root: gcc, make only
#   make ci            test, check, cross, windows and cpus, with one closing total line
#   make bench         every benchmark part, each headed by the CPU and kernel (BENCH=part for one)
#   make bench-harness the harness's own check: trivial workloads measured twice, runs compared
#   make bench-deps    install the optional anchor libraries and tools (Debian, as root; tests/deps.sh)
#   make print-deps    the apt and npm packages bench-deps installs (for .ci/run)
#   make fuzz          every libFuzzer target for FUZZ_SECONDS each (clang; default 60)
#   make install       headers to $(PREFIX)/include/ll, ll.pc, CMake package ll::ll (PREFIX, DESTDIR)
#   make uninstall     remove what make install put there (same PREFIX and DESTDIR)
#   make help          this list
#   make clean         remove build/
#
# Variables: BENCH=crc|q|mem|io|pmem|stat|harness|examples picks one bench part; LLB_QUICK=1 makes every bench
# a short smoke run; PREFIX (/usr/local) and DESTDIR place make install; CC, CXX, CLANG name the compilers.
#
# Optional libraries are detected by compile probes below; none is required.

SHELL := /bin/bash
CC := gcc
CXX := g++
CLANG := clang
BUILD := build
HEADERS := llcrc llq llmem llio llpmem llstat

TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -Itests -pthread
BENCH_CFLAGS := -O3 -march=native -g -I. -Ibench -pthread
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
RUN := tests/run.sh

# ---- optional compilers: C++ and clang builds are gated on these (a fresh Debian has only gcc) ----
HAVE_CXX := $(shell command -v $(CXX) >/dev/null 2>&1 && echo 1)
HAVE_CLANG := $(shell command -v $(CLANG) >/dev/null 2>&1 && echo 1)

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
HAVE_BOOST := $(if $(HAVE_CXX),$(call probe,boost/lockfree/queue.hpp,,c++))
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

.PHONY: all test check cross windows cpus minimal-root bench bench-deps print-deps matrix odr snippets clean ci $(addprefix bench-,$(HEADERS)) \
	bench-harness fuzz help install uninstall

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
	@tests/help.sh check $(BUILD)/logs/test
	@MAKE='$(MAKE)' BUILD='$(BUILD)' CC='$(CC)' tests/install.sh $(BUILD)/logs/test
	@BUILD='$(BUILD)' CC='$(CC)' CXX='$(CXX)' tests/snippets.sh $(BUILD)/logs/test
	@BUILD='$(BUILD)' CC='$(CC)' CXX='$(CXX)' tests/snippets.sh --self-test $(BUILD)/logs/test
	@$(RUN) summary $(BUILD)/logs/test

matrix:
	@rm -rf $(BUILD)/logs/matrix && mkdir -p $(BUILD)/logs/matrix
	@tests/matrix.sh $(BUILD)/logs/matrix
	@$(RUN) summary $(BUILD)/logs/matrix

# every program in README.md and docs/*.md, compiled as C99 and C++11 with -Werror and run
snippets:
	@rm -rf $(BUILD)/logs/snippets && mkdir -p $(BUILD)/logs/snippets
	@BUILD='$(BUILD)' CC='$(CC)' CXX='$(CXX)' tests/snippets.sh $(BUILD)/logs/snippets
	@$(RUN) summary $(BUILD)/logs/snippets

odr:
	@rm -rf $(BUILD)/logs/odr && mkdir -p $(BUILD)/logs/odr
	@tests/odr.sh $(BUILD)/logs/odr
	@$(RUN) summary $(BUILD)/logs/odr

# ---- sanitizers ----
# Build variants of the test programs (the mk fragments run them in `make test`) that `make check` also runs
# under the sanitizers: name, the header whose test it is, and its extra flags and libraries.
VARIANTS := llcrc_nosimd llpmem_sim $(if $(HAVE_URING),llio_liburing) $(if $(HAVE_NUMA),llmem_libnuma) $(EXTRA_VARIANTS)
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
check: $(addprefix $(BUILD)/asan/test_,$(ASAN_TESTS)) $(if $(HAVE_CLANG),$(addprefix $(BUILD)/tsan/test_,$(TSAN_TESTS)))
	@rm -rf $(BUILD)/logs/check && mkdir -p $(BUILD)/logs/check
	@$(foreach h,$(ASAN_TESTS),LLT_SCALE=0.2 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(RUN) run $(BUILD)/logs/check asan-$(h) $(BUILD)/asan/test_$(h);)
	@$(if $(HAVE_CLANG),$(foreach h,$(TSAN_TESTS),LLT_SCALE=0.2 TSAN_OPTIONS=halt_on_error=1 \
		$(RUN) run-tsan $(BUILD)/logs/check tsan-$(h) $(BUILD)/tsan/test_$(h);),\
		$(RUN) skip $(BUILD)/logs/check tsan "clang not installed";)
	@$(foreach t,$(CHECK_EXTRA),$(MAKE) --no-print-directory $(t) || echo "FAIL $(t): did not build or run" >>$(BUILD)/logs/check/$(t).log;)
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

# ---- the CPU ladder: each header's tests under qemu-x86_64 -cpu MODEL, one rung per dispatch level ----
# (tests/cpus.sh: models, their feature table checked by build/cpuid, LLT_CPU_MODEL/LLT_CPU_FEATURES).
# A fragment adds more programs of its header to the ladder with LLX_CPUS_EXTRA := $(BUILD)/test_llx_...
CPUS_HEADERS := $(filter llcrc llq llmem llpmem llstat,$(TESTS))
CPUS_TESTS := $(addprefix $(BUILD)/test_,$(CPUS_HEADERS)) $(foreach h,$(CPUS_HEADERS),$($(call up,$(h))_CPUS_EXTRA))
$(BUILD)/cpuid: tests/cpuid.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Wpedantic -Werror $< -o $@
cpus: $(CPUS_TESTS) $(BUILD)/cpuid
	@rm -rf $(BUILD)/logs/cpus && mkdir -p $(BUILD)/logs/cpus
	@tests/cpus.sh $(BUILD)/logs/cpus $(BUILD)/cpuid $(CPUS_TESTS)
	@$(RUN) summary $(BUILD)/logs/cpus

# ---- the fresh-machine promise: make test and make bench in a minimal Debian root (root, debootstrap) ----
minimal-root:
	@rm -rf $(BUILD)/logs/minimal-root && mkdir -p $(BUILD)/logs/minimal-root
	@tests/minimal-root.sh $(BUILD)/logs/minimal-root
	@$(RUN) summary $(BUILD)/logs/minimal-root

# ---- Windows under wine ----
WIN_TESTS := $(foreach h,$(TESTS),$(if $($(call up,$(h))_WINDOWS),$(h)))
HAVE_MINGW := $(shell command -v $(MINGW_CC) >/dev/null 2>&1 && test -n "$(WINE)" && echo 1)
windows: $(if $(HAVE_MINGW),$(addprefix $(BUILD)/win/test_,$(addsuffix .exe,$(WIN_TESTS))))
	@rm -rf $(BUILD)/logs/windows && mkdir -p $(BUILD)/logs/windows
	@$(if $(HAVE_MINGW),$(foreach h,$(WIN_TESTS),LLT_SCALE=0.1 WINEDEBUG=-all \
		$(RUN) run-wine $(BUILD)/logs/windows win-$(h) $(WINE) $(BUILD)/win/test_$(h).exe;),\
		$(RUN) skip $(BUILD)/logs/windows windows "x86_64-w64-mingw32-gcc or wine not installed";)
	@$(RUN) summary $(BUILD)/logs/windows

# ---- everything CI runs, with one closing line ----
ci:
	@$(MAKE) --no-print-directory test; s1=$$?; \
	$(MAKE) --no-print-directory check; s2=$$?; \
	$(MAKE) --no-print-directory cross; s3=$$?; \
	$(MAKE) --no-print-directory windows; s4=$$?; \
	$(MAKE) --no-print-directory cpus; s5=$$?; \
	$(RUN) total $(BUILD)/logs/test $(BUILD)/logs/check $(BUILD)/logs/examples-check $(BUILD)/logs/cross \
		$(BUILD)/logs/windows $(BUILD)/logs/cpus

# ---- benchmarks ----
BENCH_SHORT_crc := llcrc
BENCH_SHORT_q := llq
BENCH_SHORT_mem := llmem
BENCH_SHORT_io := llio
BENCH_SHORT_pmem := llpmem
BENCH_SHORT_harness := harness
BENCH_SHORT_examples := examples
BENCH_SHORT_storage := storage
BENCH_SHORT_net := net
# every part: the harness, one per header, the journal against RocksDB/SQLite (storage), the network server
# against sockperf's server and redis-server (net; rows skip themselves when those tools are absent), examples
BENCH_ALL := harness $(foreach h,$(HEADERS),$(if $(wildcard bench/bench_$(h).c),$(h))) \
	$(if $(wildcard mk/storage.mk),storage) $(if $(wildcard bench/bench_net.sh),net) $(if $(wildcard mk/examples.mk),examples)
ifdef BENCH
BENCH_RUN := $(or $(BENCH_SHORT_$(BENCH)),$(BENCH))
else
BENCH_RUN := $(BENCH_ALL)
endif

# Each part runs to the end whatever is missing: an absent compiler or anchor is listed as skipped, and a
# part that fails is named at the end (make bench then exits 1). Results go to stdout and build/ only.
# Every part starts with the CPU and kernel line (llb_print_cpu in bench/llbench.h, printed here through
# build/bench_harness --cpu; a bench program run on its own prints it itself).
BENCH_ANCHORS := isa-l:$(HAVE_ISAL) zlib:$(HAVE_ZLIB) xxhash:$(HAVE_XXHASH) dpdk:$(HAVE_DPDK) ck:$(HAVE_CK) \
	boost:$(HAVE_BOOST) liburing:$(HAVE_URING) libnuma:$(HAVE_NUMA) libpmem:$(HAVE_PMEM) libpmemobj:$(HAVE_PMEMOBJ) \
	mimalloc:$(HAVE_MIMALLOC) jemalloc:$(HAVE_JEMALLOC) tcmalloc:$(HAVE_TCMALLOC) fio:$(if $(FIO),1) \
	rocksdb:$(HAVE_ROCKSDB) sqlite:$(HAVE_SQLITE) sockperf:$(if $(shell command -v sockperf),1) \
	redis-server:$(if $(shell command -v redis-server),1) redis-benchmark:$(if $(shell command -v redis-benchmark),1)
BENCH_COMPILERS := $(CXX):$(HAVE_CXX) $(CLANG):$(HAVE_CLANG)
found = $(strip $(foreach a,$(1),$(if $(word 2,$(subst :, ,$(a))),$(word 1,$(subst :, ,$(a))))))
missing = $(strip $(foreach a,$(1),$(if $(word 2,$(subst :, ,$(a))),,$(word 1,$(subst :, ,$(a))))))
bench: $(BUILD)/bench_harness
	@echo "# ll benchmarks ($$(date -u +%Y-%m-%d), parts: $(BENCH_RUN)$(if $(LLB_QUICK), - LLB_QUICK=$(LLB_QUICK): short runs))"
	@echo "anchors found: $(or $(call found,$(BENCH_ANCHORS)),none)"
	@echo "anchors skipped, not installed (make bench-deps installs them): $(or $(call missing,$(BENCH_ANCHORS)),none)"
	@echo "compilers skipped, not installed: $(or $(call missing,$(BENCH_COMPILERS)),none)$(if $(HAVE_CXX),, \
		(the C++ anchors and C++ builds are left out))"
	@failed=""; for b in $(BENCH_RUN); do echo; env -u LLB_CPU_PRINTED $(BUILD)/bench_harness --cpu; \
		LLB_CPU_PRINTED=1 $(MAKE) --no-print-directory bench-$$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "bench: parts that failed:$$failed"; exit 1; fi; \
	echo; echo "bench: every part ran ($(BENCH_RUN))"

$(BUILD)/bench_harness: bench/bench_harness.c bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $< -o $@

# libFuzzer targets (clang): the llcrc delta decoder and the llq byte-ring reader, FUZZ_SECONDS each
FUZZ_SECONDS ?= 60
fuzz: $(if $(HAVE_CLANG),fuzz-llcrc fuzz-llq)
	@$(if $(HAVE_CLANG),true,echo "SKIP fuzz: $(CLANG) not installed")

bench-harness: $(BUILD)/bench_harness
	@flock /tmp/ll-heavy.lock $(BUILD)/bench_harness

# ---- optional packages: the anchors and backends (make bench-deps; .ci/run adds its CI-only tools) ----
# A fragment adds its own with LLX_DEPS_APT := ... and LLX_DEPS_NPM := ... (tests/deps.sh installs them,
# and a package that fails never stops the others).
BENCH_DEPS := libisal-dev zlib1g-dev libxxhash-dev libdpdk-dev libck-dev libboost-dev liburing-dev libnuma-dev \
	libpmem-dev libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev fio pkg-config g++ clang cmake gnuplot-nox \
	liburcu-dev librocksdb-dev libsqlite3-dev libpmemobj-dev sockperf redis-server redis-tools nodejs npm
DEPS_APT = $(sort $(BENCH_DEPS) $(foreach h,$(HEADERS),$($(call up,$(h))_DEPS_APT)))
DEPS_NPM = $(sort $(foreach h,$(HEADERS),$($(call up,$(h))_DEPS_NPM)))
bench-deps:
	@tests/deps.sh apt $(DEPS_APT)
	@tests/deps.sh npm $(DEPS_NPM)

print-deps:
	@echo "apt: $(DEPS_APT)"
	@echo "npm: $(DEPS_NPM)"

# ---- install: headers under include/ll/, ll.pc, and the ll CMake package (find_package(ll CONFIG)) ----
# `make install PREFIX=/usr DESTDIR=/tmp/pkg` for a staged (packaging) install. Sources may say <ll/llq.h>
# or, as in a tree that copies the headers in, "llq.h": ll.pc and ll::ll put include/ and include/ll/ on
# the include path, so no second copy of the headers goes straight into include/ (where short names
# like llq.h could clash with other packages).
PREFIX ?= /usr/local
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(PREFIX)/share/pkgconfig
CMAKEDIR ?= $(PREFIX)/share/cmake/ll
LL_VERSION := $(or $(shell sed -n 's/^## \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' CHANGELOG.md | head -n 1),0.0.0)
INSTALL_HEADERS := $(wildcard $(addsuffix .h,$(HEADERS)))
install_subst = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(LL_VERSION)|g' \
	-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|g' -e 's|@HEADERS@|$(INSTALL_HEADERS)|g' \
	-e "s|@CMAKEDIR_TO_INCLUDEDIR@|$$(realpath -m --relative-to='$(CMAKEDIR)' '$(INCLUDEDIR)')|g"
install:
	install -d '$(DESTDIR)$(INCLUDEDIR)/ll' '$(DESTDIR)$(PKGCONFIGDIR)' '$(DESTDIR)$(CMAKEDIR)'
	install -m 644 $(INSTALL_HEADERS) '$(DESTDIR)$(INCLUDEDIR)/ll/'
	$(install_subst) cmake/ll.pc.in >'$(DESTDIR)$(PKGCONFIGDIR)/ll.pc'
	$(install_subst) cmake/llConfig.cmake.in >'$(DESTDIR)$(CMAKEDIR)/llConfig.cmake'
	$(install_subst) cmake/llConfigVersion.cmake.in >'$(DESTDIR)$(CMAKEDIR)/llConfigVersion.cmake'
	chmod 644 '$(DESTDIR)$(PKGCONFIGDIR)/ll.pc' '$(DESTDIR)$(CMAKEDIR)'/llConfig*.cmake

uninstall:
	rm -f $(foreach h,$(INSTALL_HEADERS),'$(DESTDIR)$(INCLUDEDIR)/ll/$(h)') '$(DESTDIR)$(PKGCONFIGDIR)/ll.pc' \
		'$(DESTDIR)$(CMAKEDIR)/llConfig.cmake' '$(DESTDIR)$(CMAKEDIR)/llConfigVersion.cmake'
	-rmdir '$(DESTDIR)$(INCLUDEDIR)/ll' '$(DESTDIR)$(CMAKEDIR)' 2>/dev/null

help:
	@tests/help.sh list

clean:
	rm -rf $(BUILD)
