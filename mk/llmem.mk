# mk/llmem.mk - llmem.h: test flags, the libnuma-backend test build, and `make bench BENCH=mem`.
LLMEM_TEST_CFLAGS := $(if $(HAVE_NUMA),-DLLT_HAVE_NUMA=1)
LLMEM_TEST_LIBS := $(if $(HAVE_NUMA),$(NUMA_LIBS))
LLMEM_TSAN := 1
LLMEM_CROSS := 1
LLMEM_WINDOWS := 1
LLMEM_EXTRA_TESTS := $(if $(HAVE_NUMA),$(BUILD)/test_llmem_libnuma)

# the same tests with the NUMA calls routed through libnuma
$(BUILD)/test_llmem_libnuma: tests/test_llmem.c llmem.h tests/lltest.h
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -DLLMEM_USE_LIBNUMA=1 -DLLT_HAVE_NUMA=1 $< -o $@ $(NUMA_LIBS)

# ---- benchmark: one executable per allocator (jemalloc/tcmalloc/mimalloc replace malloc when linked);
# the main one (glibc malloc, llmem, pages, NUMA vs libnuma) runs the others and merges their rows.
LLMEM_BENCH_CHILDREN := $(if $(HAVE_MIMALLOC),$(BUILD)/bench_llmem_mimalloc) \
	$(if $(HAVE_JEMALLOC),$(BUILD)/bench_llmem_jemalloc) $(if $(HAVE_TCMALLOC),$(BUILD)/bench_llmem_tcmalloc)

$(BUILD)/bench_llmem: bench/bench_llmem.c llmem.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) $(if $(HAVE_NUMA),-DBL_HAVE_NUMA=1) $< -o $@ $(if $(HAVE_NUMA),$(NUMA_LIBS))
$(BUILD)/bench_llmem_mimalloc: bench/bench_llmem.c llmem.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -DBL_ALLOC_NAME='"mimalloc"' $< -o $@ $(MIMALLOC_LIBS)
$(BUILD)/bench_llmem_jemalloc: bench/bench_llmem.c llmem.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -DBL_ALLOC_NAME='"jemalloc"' $< -o $@ $(JEMALLOC_LIBS)
$(BUILD)/bench_llmem_tcmalloc: bench/bench_llmem.c llmem.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -DBL_ALLOC_NAME='"tcmalloc"' $< -o $@ $(TCMALLOC_LIBS)

.PHONY: bench-llmem
bench-llmem: $(BUILD)/bench_llmem $(LLMEM_BENCH_CHILDREN)
	@flock /tmp/ll-heavy.lock $(BUILD)/bench_llmem $(LLMEM_BENCH_CHILDREN)
