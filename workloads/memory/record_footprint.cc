// memory/record_footprint: what storing one payment record costs, compact against naive.
//
// Each operation copies a record into a batch being collected, as a service does when it
// buffers records for a write. allocs_per_op and bytes_per_op show the naive record's heap
// traffic; record_bytes adds the record's own size, the memory one stored record occupies.
#include <benchmark/benchmark.h>

#include <vector>

#include "paybench/engine/workload.h"
#include "paybench/memory/payment_record.h"

namespace {

using paybench::engine::State;

constexpr std::size_t kBatchSize = 1000;
constexpr std::uint64_t kSeed = 42;

template <class Record>
void run_copy_into_batch(State& state, const std::vector<Record>& source) {
  std::vector<Record> batch;
  batch.reserve(kBatchSize);
  while (state.keep_running_batch(static_cast<std::int64_t>(kBatchSize))) {
    batch.clear();
    for (const Record& record : source) batch.push_back(record);
    benchmark::DoNotOptimize(batch.data());
  }

  const auto measured = state.measured_allocations();
  const double record_bytes = static_cast<double>(sizeof(Record)) * static_cast<double>(state.iterations()) +
                              static_cast<double>(measured.bytes);
  state.counters()["record_bytes"] = benchmark::Counter(record_bytes, benchmark::Counter::kAvgIterations);
}

void run_naive(State& state) {
  std::vector<paybench::NaivePaymentRecord> source;
  for (const auto& record : paybench::make_sample_records(kBatchSize, kSeed)) {
    source.push_back(paybench::to_naive(record));
  }
  run_copy_into_batch(state, source);
}

void run_compact(State& state) {
  run_copy_into_batch(state, paybench::make_sample_records(kBatchSize, kSeed));
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "record_footprint",
    .description = "Copying payment records into a batch: compact 32-byte struct vs strings and a map",
    .parameters = {},
    .threads = {1},
    .variants = {{"naive", "NaivePaymentRecord: strings and a std::map of flags", &run_naive},
                 {"compact", "CompactPaymentRecord: 32 trivially copyable bytes", &run_compact}},
    .baseline = "naive",
}};

}  // namespace
