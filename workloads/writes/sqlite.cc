// writes/sqlite: batched writes into SqliteSink, the embedded default: WAL journal and
// synchronous=FULL, so every commit syncs the write-ahead log. Each batch is one transaction,
// so batch 1 commits every row.
//
// The database lives in a scratch directory under --data-dir (default: the system's temporary
// directory), removed after each run.
#include <memory>

#include "batched_writes.h"
#include "paybench/writes/sqlite_sink.h"

namespace {

using paybench::workloads::SinkUnderTest;

SinkUnderTest open_sqlite_sink() {
  SinkUnderTest under_test;
  under_test.scratch = std::make_unique<paybench::engine::ScratchDirectory>("sqlite");
  under_test.sink = std::make_unique<paybench::SqliteSink>(
      paybench::SqliteSinkOptions{.path = under_test.scratch->path() / "payments.db"});
  return under_test;
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "writes",
    .name = "sqlite",
    .description = "rows through a BatchProcessor into SQLite (WAL, synchronous=FULL); time per row",
    .variants = paybench::workloads::batch_size_variants(
        "SqliteSink, one transaction a batch", &open_sqlite_sink, {1, 10, 100, 1000}),
    .baseline = "batch_1",
}};

}  // namespace
