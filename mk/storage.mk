# mk/storage.mk - make bench BENCH=storage: llio_log (the journal in llio.h) against RocksDB's WAL, SQLite in
# WAL mode, one fdatasync per record and the pre-filled pwrite+fdatasync floor (bench/bench_storage.c).
# RocksDB (librocksdb-dev) and SQLite (libsqlite3-dev) are detected; a missing one is skipped and named.
#   make bench-storage   the journal against RocksDB's WAL, SQLite WAL, fdatasync per record (BENCH=storage)
HAVE_ROCKSDB := $(call probe,rocksdb/c.h,-lrocksdb)
HAVE_SQLITE := $(call probe,sqlite3.h,-lsqlite3)
ROCKSDB_VERSION := $(shell sed -n 's/^\#define ROCKSDB_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' \
	/usr/include/rocksdb/version.h 2>/dev/null | paste -sd.)
STORAGE_BENCH_DEFS := $(if $(HAVE_ROCKSDB),-DSTB_HAVE_ROCKSDB=1 -DSTB_ROCKSDB_VERSION='"$(ROCKSDB_VERSION)"') \
	$(if $(HAVE_SQLITE),-DSTB_HAVE_SQLITE=1)
STORAGE_BENCH_LIBS := $(if $(HAVE_ROCKSDB),-lrocksdb) $(if $(HAVE_SQLITE),-lsqlite3)

$(BUILD)/bench_storage: bench/bench_storage.c llio.h bench/llbench.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(BENCH_CFLAGS) $(STORAGE_BENCH_DEFS) $< -o $@ $(STORAGE_BENCH_LIBS) -lm

.PHONY: bench-storage
bench-storage: $(BUILD)/bench_storage
	@$(if $(HAVE_ROCKSDB),,echo "skipped: RocksDB (librocksdb-dev not installed)";) \
	 $(if $(HAVE_SQLITE),,echo "skipped: SQLite (libsqlite3-dev not installed)";) \
	 flock /tmp/ll-heavy.lock env STORAGE_BENCH_DIR="$(BUILD)" $(BUILD)/bench_storage
