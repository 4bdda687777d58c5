# mk/llstat.mk - llstat.h: test flags, the hdr-histogram-js reference of the cross-check, the latency
# example's checked mode, and the benchmark (make bench BENCH=stat).
LLSTAT_TEST_CFLAGS :=
LLSTAT_TEST_LIBS := -lm
LLSTAT_TSAN := 1
LLSTAT_CROSS := 1
LLSTAT_WINDOWS := 1
LLSTAT_EXTRA_TESTS := $(BUILD)/examples/latency

# hdr-histogram-js (npm) for test_llstat's cross-check, under build/node: tried once per build tree; the
# test says SKIP, with the reason, when node or the package is missing.
LLSTAT_NPM_STAMP := $(BUILD)/node/.llstat-npm-tried
$(LLSTAT_NPM_STAMP):
	@mkdir -p $(@D)
	@if ! command -v npm >/dev/null 2>&1; then echo "llstat: npm not installed: the hdr-histogram-js cross-check will be skipped"; \
	elif ! timeout 180 npm install --prefix $(BUILD)/node --no-audit --no-fund hdr-histogram-js >$(BUILD)/node/npm.log 2>&1; then \
		echo "llstat: npm install hdr-histogram-js failed ($(BUILD)/node/npm.log): the cross-check will be skipped"; fi
	@touch $@
$(BUILD)/test_llstat: | $(LLSTAT_NPM_STAMP)

# the example: its checked mode runs in make test (`build/examples/latency bench` prints its table)
$(BUILD)/examples/latency: examples/latency.c llstat.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Wpedantic -Werror -I. -pthread $< -o $@ -lm

# ---- benchmark: make bench BENCH=stat ----
BENCH_SHORT_stat := llstat
$(BUILD)/bench_llstat: bench/bench_llstat.c llstat.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(BENCH_CFLAGS) $< -o $@ -lm

.PHONY: bench-llstat
bench-llstat: $(BUILD)/bench_llstat
	@echo "## llstat"
	@flock /tmp/ll-heavy.lock $(BUILD)/bench_llstat
