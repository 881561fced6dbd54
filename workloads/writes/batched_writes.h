// The measured loop that every write workload shares: rows go through a BatchProcessor into a
// sink in rounds of one batch, and afterwards the sink must contain exactly the rows written.
//
// One operation is one row. Each round adds `batch_size` rows and calls flush(), which returns
// once the sink has confirmed them, so every measured row is durable inside the measured time
// and the throughput is that of one writer committing batches of that size. The processor's
// commit latency (from add to the sink's confirmation) gives the latency counters, so the report
// shows what a batch costs each row in waiting next to what it gains in throughput.
//
// Counters: items_per_second (rows per second), latency_p50_ns, latency_p99_ns, latency_p999_ns,
// latency_max_ns, and verified_rows: the rows that the check after the loop found exactly once.
// A row missing or stored twice fails the benchmark with the counts.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "paybench/engine/state.h"
#include "paybench/engine/storage.h"
#include "paybench/engine/workload.h"
#include "paybench/writes/payment_sink.h"

namespace paybench::workloads {

// A sink and the scratch directory it keeps its files in, if any. The directory outlives the
// sink, because the members are destroyed in reverse order.
struct SinkUnderTest {
  std::unique_ptr<engine::ScratchDirectory> scratch;
  std::unique_ptr<PaymentSink> sink;
};

// Opens a fresh sink for one run of a benchmark. Throws SinkError or std::runtime_error with a
// message for the user when it cannot.
using SinkFactory = std::function<SinkUnderTest()>;

// Measures `batch_size` rows a round through a sink from `open_sink`, then checks its contents.
void run_batched_writes(engine::State& state, const SinkFactory& open_sink,
                        std::size_t batch_size);

// Returns one variant a batch size, named "batch_<size>", whose description is
// "<sink_description>, <size> rows a commit".
std::vector<engine::Variant> batch_size_variants(const std::string& sink_description,
                                                 const SinkFactory& open_sink,
                                                 const std::vector<std::size_t>& batch_sizes);

}  // namespace paybench::workloads
