# mk/llcrc.mk - llcrc.h: test flags, a portable-only test build, `make bench BENCH=crc`, `make fuzz-llcrc`.
LLCRC_TEST_CFLAGS := $(if $(HAVE_ZLIB),-DLLT_HAVE_ZLIB=1) $(if $(HAVE_XXHASH),-DLLT_HAVE_XXHASH=1) \
	$(if $(HAVE_ISAL),-DLLT_HAVE_ISAL=1)
LLCRC_TEST_LIBS := $(if $(HAVE_ZLIB),$(ZLIB_LIBS)) $(if $(HAVE_XXHASH),$(XXHASH_LIBS)) $(if $(HAVE_ISAL),$(ISAL_LIBS))
LLCRC_TSAN := 1
LLCRC_CROSS := 1
LLCRC_WINDOWS := 1
LLCRC_EXTRA_TESTS := $(BUILD)/test_llcrc_nosimd

# the same tests with every SIMD path compiled out (LLCRC_NO_SIMD): the portable build on its own
$(BUILD)/test_llcrc_nosimd: tests/test_llcrc.c llcrc.h tests/lltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DLLCRC_NO_SIMD $(LLCRC_TEST_CFLAGS) $< -o $@ $(LLCRC_TEST_LIBS)

# ---- benchmark: llcrc against ISA-L, zlib, libxxhash and an AVX-512 read-sum, when installed ----
LLCRC_BENCH_CFLAGS := $(if $(HAVE_ISAL),-DLLB_HAVE_ISAL=1) $(if $(HAVE_ZLIB),-DLLB_HAVE_ZLIB=1) \
	$(if $(HAVE_XXHASH),-DLLB_HAVE_XXHASH=1)
LLCRC_BENCH_LIBS := $(if $(HAVE_ISAL),$(ISAL_LIBS)) $(if $(HAVE_ZLIB),$(ZLIB_LIBS)) \
	$(if $(HAVE_XXHASH),$(XXHASH_LIBS))

$(BUILD)/bench_llcrc: bench/bench_llcrc.c llcrc.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(LLCRC_BENCH_CFLAGS) $< -o $@ $(LLCRC_BENCH_LIBS)

.PHONY: bench-llcrc fuzz-llcrc
bench-llcrc: $(BUILD)/bench_llcrc
	@echo "## llcrc"
	@$(if $(HAVE_ISAL),,echo "skipped: ISA-L anchors (isa-l not installed)";) \
	 $(if $(HAVE_ZLIB),,echo "skipped: zlib anchors (zlib not installed)";) \
	 $(if $(HAVE_XXHASH),,echo "skipped: xxHash anchors (libxxhash not installed)";) true
	@flock /tmp/ll-heavy.lock $(BUILD)/bench_llcrc

# ---- fuzzing the delta decoder (libFuzzer, clang): make fuzz-llcrc FUZZ_SECONDS=300 ----
$(BUILD)/fuzz_llcrc_delta: tests/fuzz_llcrc_delta.c llcrc.h
	@mkdir -p $(@D)
	$(CLANG) -g -O1 -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $< -o $@

fuzz-llcrc: $(BUILD)/fuzz_llcrc_delta
	@mkdir -p $(BUILD)/fuzz-llcrc-corpus
	flock /tmp/ll-heavy.lock $(BUILD)/fuzz_llcrc_delta -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-print_final_stats=1 $(BUILD)/fuzz-llcrc-corpus
