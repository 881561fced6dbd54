// writes/file_log: batched writes into FileLogSink, an append-only file with one write and one
// fdatasync per batch (group commit). Batch 1 syncs every row, so the disk's sync latency sets
// the rate, and larger batches share one sync among their rows.
//
// The log lives in a scratch directory under --data-dir (default: the system's temporary
// directory), removed after each run. Measure on the file system that production uses: a tmpfs
// syncs for free.
#include <memory>

#include "batched_writes.h"
#include "paybench/writes/file_log_sink.h"

namespace {

using paybench::workloads::SinkUnderTest;

SinkUnderTest open_file_log_sink() {
  SinkUnderTest under_test;
  under_test.scratch = std::make_unique<paybench::engine::ScratchDirectory>("file-log");
  under_test.sink =
      std::make_unique<paybench::FileLogSink>(under_test.scratch->path() / "payments.log");
  return under_test;
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "writes",
    .name = "file_log",
    .description = "rows through a BatchProcessor into an fsync'd append-only log; time per row",
    .variants = paybench::workloads::batch_size_variants(
        "FileLogSink, one fdatasync a batch", &open_file_log_sink, {1, 10, 100, 1000}),
    .baseline = "batch_1",
}};

}  // namespace
