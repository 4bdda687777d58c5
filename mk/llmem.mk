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
