// memory/record_scan: scanning payment records for a settlement total, compact against naive.
//
// The scan sums the captured EUR amounts of 100,000 records, the inner loop of a settlement or
// reconciliation report. Times are per record.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "paybench/engine/workload.h"
#include "paybench/memory/payment_record.h"

namespace {

using paybench::engine::State;

constexpr std::size_t kRecordCount = 100'000;
constexpr std::uint64_t kSeed = 7;

// Built once per process: Google Benchmark calls a variant several times per repetition.
const std::vector<paybench::NaivePaymentRecord>& naive_records() {
  static const std::vector<paybench::NaivePaymentRecord> records = [] {
    std::vector<paybench::NaivePaymentRecord> naive;
    naive.reserve(kRecordCount);
    for (const auto& record : paybench::make_sample_records(kRecordCount, kSeed)) {
      naive.push_back(paybench::to_naive(record));
    }
    return naive;
  }();
  return records;
}

const std::vector<paybench::CompactPaymentRecord>& compact_records() {
  static const std::vector<paybench::CompactPaymentRecord> records =
      paybench::make_sample_records(kRecordCount, kSeed);
  return records;
}

void run_naive(State& state) {
  const auto& records = naive_records();

  while (state.keep_running_batch(static_cast<std::int64_t>(kRecordCount))) {
    double total = 0;
    for (const paybench::NaivePaymentRecord& record : records) {
      if (record.currency != "EUR") continue;
      const auto captured = record.attributes.find("captured");
      if (captured == record.attributes.end() || captured->second != "true") continue;
      total += std::stod(record.amount);
    }
    benchmark::DoNotOptimize(total);
  }
}

void run_compact(State& state) {
  const auto& records = compact_records();
  constexpr std::array<char, 3> kEuro{'E', 'U', 'R'};

  while (state.keep_running_batch(static_cast<std::int64_t>(kRecordCount))) {
    std::int64_t total_minor = 0;
    for (const paybench::CompactPaymentRecord& record : records) {
      const bool counts = record.currency == kEuro &&
                          record.has_flag(paybench::CompactPaymentRecord::kCaptured);
      total_minor += counts ? record.amount_minor : 0;
    }
    benchmark::DoNotOptimize(total_minor);
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "record_scan",
    .description = "Summing captured EUR amounts over 100,000 records; times are per record",
    .parameters = {},
    .threads = {1},
    .variants = {{"naive", "NaivePaymentRecord: string compares, map lookup, std::stod",
                  &run_naive},
                 {"compact", "CompactPaymentRecord: byte compare, flag test, integer add",
                  &run_compact}},
    .baseline = "naive",
}};

}  // namespace
