// writes/memory: batched writes into MemorySink, which only appends to a vector under a mutex.
// Nothing is durable, so this measures what the batching itself costs: the BatchProcessor's
// hand-off to its flusher thread and back, per row, at each batch size.
#include <memory>

#include "batched_writes.h"
#include "paybench/writes/memory_sink.h"

namespace {

using paybench::workloads::SinkUnderTest;

SinkUnderTest open_memory_sink() {
  SinkUnderTest under_test;
  under_test.sink = std::make_unique<paybench::MemorySink>();
  return under_test;
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "writes",
    .name = "memory",
    .description = "rows through a BatchProcessor into memory: the batching overhead; time per row",
    .variants = paybench::workloads::batch_size_variants("MemorySink", &open_memory_sink,
                                                         {1, 10, 100, 1000}),
    .baseline = "batch_1",
}};

}  // namespace
