// pipeline/payment_stages: payment records through validate -> fraud-score -> settle, as a
// Pipeline of worker threads against the same stage functions called inline on one thread.
//
// The variants are the queue that connects the stages: mutex_queue (MutexQueue, whose waiting
// threads sleep on a condition variable) and mpmc_ring (the lock-free MpmcRing, whose waiting
// threads spin, yield, then sleep in short steps). Both are compared with the single-threaded
// loop that a service without a pipeline would run: the difference is what the hand-offs cost,
// or what the extra workers gain. stages:1 runs validate only, stages:3 all three. The inline
// baseline ignores workers_per_stage and runs at each of its values, so that every pipeline
// benchmark has a baseline at equal parameters.
//
// Each batch pushes 4096 records (a few percent of them invalid, see batch_records()) and waits
// until every one has been delivered or dropped. Times are per record pushed, and
// items_per_second is records/s. Every run checks that no record was lost or counted twice:
// the pipeline's counters, its per-stage drops and the settled total must equal the batches run
// times what the inline functions give for one batch.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/completion_counter.h"
#include "paybench/concurrency/mpmc_ring.h"
#include "paybench/concurrency/mutex_queue.h"
#include "paybench/concurrency/pipeline.h"
#include "paybench/engine/workload.h"
#include "paybench/memory/payment_record.h"

namespace {

using paybench::CompactPaymentRecord;
using paybench::engine::State;

constexpr std::int64_t kRecordsPerBatch = 4096;
constexpr std::size_t kQueueCapacity = 1024;
constexpr std::uint64_t kSeed = 11;
// Every kNegativeAmountEvery-th record gets a negative amount, and every kBadCurrencyEvery-th a
// currency with a lowercase letter, so validate drops about 2.7% of them.
constexpr std::size_t kNegativeAmountEvery = 61;
constexpr std::size_t kBadCurrencyEvery = 89;
// Fraud scores lie in [0, kFraudScoreRange). Records scoring kDeclineScore or more are
// dropped: about 2.5% of them.
constexpr std::uint64_t kFraudScoreRange = 1000;
constexpr std::uint64_t kDeclineScore = 975;
// A batch of 4096 records takes an estimated 20 ms at most, so a batch still incomplete after
// this long has lost a record.
constexpr auto kBatchTimeout = std::chrono::seconds(10);

// Built once per process: Google Benchmark calls a variant several times per repetition.
const std::vector<CompactPaymentRecord>& batch_records() {
  static const std::vector<CompactPaymentRecord> records = [] {
    auto sample = paybench::make_sample_records(static_cast<std::size_t>(kRecordsPerBatch), kSeed);
    for (std::size_t i = 0; i < sample.size(); ++i) {
      if (i % kNegativeAmountEvery == 0) sample[i].amount_minor = -sample[i].amount_minor;
      if (i % kBadCurrencyEvery == 0) sample[i].currency[2] = 'x';
    }
    return sample;
  }();
  return records;
}

// The three stage functions. Each takes and returns a record by value, as Pipeline passes it.

bool is_valid(const CompactPaymentRecord& record) {
  const bool letters = std::all_of(record.currency.begin(), record.currency.end(),
                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  return letters && record.amount_minor > 0;
}

// Returns a score in [0, kFraudScoreRange) computed from the id and the amount, standing in for
// a fraud model's output. The mixing steps are splitmix64's finalizer.
std::uint64_t fraud_score(const CompactPaymentRecord& record) {
  std::uint64_t id_high = 0;
  std::uint64_t id_low = 0;
  std::memcpy(&id_high, record.id.data(), sizeof(id_high));
  std::memcpy(&id_low, record.id.data() + sizeof(id_high), sizeof(id_low));
  std::uint64_t mixed = id_high ^ (id_low * 0x9e3779b97f4a7c15ULL) ^
                        static_cast<std::uint64_t>(record.amount_minor);
  mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9ULL;
  mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111ebULL;
  mixed ^= mixed >> 31;
  return mixed % kFraudScoreRange;
}

bool passes_fraud_check(const CompactPaymentRecord& record) {
  return fraud_score(record) < kDeclineScore;
}

// A settle worker's running totals, on a cache line of its own.
struct alignas(64) SettledTotal {
  std::int64_t amount_minor = 0;
  std::uint64_t records = 0;

  void add(const CompactPaymentRecord& record) {
    amount_minor += record.amount_minor;
    ++records;
  }
};

// One SettledTotal per settle worker. A worker finds its slot through a thread_local on its
// first call, so settling takes no lock and no atomic operation after that. The totals may be
// read only after the workers have been joined.
class SettlementLedger {
 public:
  explicit SettlementLedger(std::size_t workers) : totals_(workers) {}

  // Returns the calling worker's total. Throws std::logic_error when more threads call it than
  // the ledger has slots, which Pipeline counts as a failed record.
  SettledTotal& total_of_calling_worker() {
    // The ledger id, not its address, marks the slot as this ledger's: a later ledger may reuse
    // the address.
    thread_local std::uint64_t t_ledger_id = 0;
    thread_local SettledTotal* t_total = nullptr;
    if (t_ledger_id != id_) {
      const std::size_t slot = next_slot_.fetch_add(1, std::memory_order_relaxed);
      if (slot >= totals_.size()) {
        throw std::logic_error("settle ran on more threads than the " +
                               std::to_string(totals_.size()) + " ledger slots");
      }
      t_total = &totals_[slot];
      t_ledger_id = id_;
    }
    return *t_total;
  }

  SettledTotal sum() const {
    SettledTotal sum;
    for (const SettledTotal& total : totals_) {
      sum.amount_minor += total.amount_minor;
      sum.records += total.records;
    }
    return sum;
  }

 private:
  static inline std::atomic<std::uint64_t> next_id_{1};

  const std::uint64_t id_ = next_id_.fetch_add(1, std::memory_order_relaxed);
  std::vector<SettledTotal> totals_;
  std::atomic<std::size_t> next_slot_{0};
};


// The outcome of one batch of batch_records(), computed with the inline stage functions.
struct BatchOutcome {
  std::uint64_t dropped_by_validate = 0;
  std::uint64_t dropped_by_fraud_check = 0;
  std::uint64_t delivered = 0;
  std::int64_t settled_amount_minor = 0;
};

BatchOutcome expected_outcome(bool all_stages) {
  BatchOutcome outcome;
  for (const CompactPaymentRecord& record : batch_records()) {
    if (!is_valid(record)) {
      ++outcome.dropped_by_validate;
    } else if (all_stages && !passes_fraud_check(record)) {
      ++outcome.dropped_by_fraud_check;
    } else {
      ++outcome.delivered;
      if (all_stages) outcome.settled_amount_minor += record.amount_minor;
    }
  }
  return outcome;
}

// Returns whether `stages` is 3 (validate, fraud check, settle) rather than 1 (validate), or
// std::nullopt after failing the benchmark with an error for any other value.
std::optional<bool> all_stages_param(State& state) {
  const std::int64_t stages = state.param("stages");
  if (stages != 1 && stages != 3) {
    state.skip_with_error("stages = " + std::to_string(stages) +
                          " is invalid: pass 1 (validate) or 3 (validate, fraud check, settle)");
    return std::nullopt;
  }
  return stages == 3;
}

void run_inline(State& state) {
  const std::optional<bool> stages_param = all_stages_param(state);
  if (!stages_param) return;
  const bool all_stages = *stages_param;
  const auto& records = batch_records();
  SettledTotal settled;
  std::uint64_t delivered = 0;

  while (state.keep_running_batch(kRecordsPerBatch)) {
    for (const CompactPaymentRecord& input : records) {
      CompactPaymentRecord record = input;
      if (!is_valid(record)) continue;
      if (all_stages) {
        if (!passes_fraud_check(record)) continue;
        settled.add(record);
      }
      ++delivered;
    }
  }

  benchmark::DoNotOptimize(settled);
  benchmark::DoNotOptimize(delivered);
  state.set_items_processed(state.iterations());
}

// Returns an error message when the pipeline's counts differ from `batches` times the expected
// outcome of one batch, or an empty string when they agree.
template <class Counters>
std::string check_outcome(const Counters& counters, std::uint64_t pushed, std::uint64_t finished,
                          std::uint64_t batches, const BatchOutcome& expected,
                          const SettledTotal* settled) {
  const auto count_text = [](std::uint64_t actual, std::uint64_t wanted) {
    return std::to_string(actual) + " (expected " + std::to_string(wanted) + ")";
  };
  if (counters.accepted != pushed || finished != pushed ||
      counters.delivered + counters.dropped_or_failed() != pushed) {
    return "records were lost or counted twice: pushed " + std::to_string(pushed) +
           ", accepted " + std::to_string(counters.accepted) + ", delivered " +
           std::to_string(counters.delivered) + ", dropped or failed " +
           std::to_string(counters.dropped_or_failed()) + ", seen leaving " +
           std::to_string(finished);
  }
  for (const auto& stage : counters.stages) {
    if (stage.failed != 0) {
      return "stage '" + stage.name + "' failed on " + std::to_string(stage.failed) +
             " records, expected 0";
    }
  }

  const std::uint64_t dropped_by_validate = counters.stages.front().dropped;
  const std::uint64_t dropped_by_fraud_check =
      counters.stages.size() > 1 ? counters.stages[1].dropped : 0;
  if (counters.delivered != batches * expected.delivered ||
      dropped_by_validate != batches * expected.dropped_by_validate ||
      dropped_by_fraud_check != batches * expected.dropped_by_fraud_check) {
    return "the pipeline's outcome differs from the inline functions': delivered " +
           count_text(counters.delivered, batches * expected.delivered) +
           ", dropped by validate " +
           count_text(dropped_by_validate, batches * expected.dropped_by_validate) +
           ", dropped by the fraud check " +
           count_text(dropped_by_fraud_check, batches * expected.dropped_by_fraud_check);
  }

  const auto expected_amount = static_cast<std::int64_t>(batches) * expected.settled_amount_minor;
  if (settled != nullptr &&
      (settled->records != counters.delivered || settled->amount_minor != expected_amount)) {
    return "the settled total is " + std::to_string(settled->amount_minor) + " over " +
           std::to_string(settled->records) + " records, expected " +
           std::to_string(expected_amount) + " over " + std::to_string(counters.delivered);
  }
  return {};
}

// Runs the stages as a Pipeline whose stages are connected by Queue.
template <template <class> class Queue>
void run_pipeline(State& state) {
  using RecordPipeline = paybench::Pipeline<CompactPaymentRecord, Queue>;
  const std::optional<bool> stages_param = all_stages_param(state);
  if (!stages_param) return;
  const bool all_stages = *stages_param;
  const std::int64_t workers_per_stage = state.param("workers_per_stage");
  if (workers_per_stage < 1) {
    state.skip_with_error("workers_per_stage = " + std::to_string(workers_per_stage) +
                          " is invalid: pass at least 1");
    return;
  }
  const auto workers = static_cast<std::size_t>(workers_per_stage);
  const auto& records = batch_records();
  const BatchOutcome expected = expected_outcome(all_stages);

  // A drop counts as leaving the pipeline in the stage function itself, because Pipeline's own
  // counters are only a snapshot and cannot wake a waiting thread.
  paybench::workloads::CompletionCounter completion;
  SettlementLedger ledger(workers);
  using Stage = typename RecordPipeline::Stage;
  std::vector<Stage> stages;
  stages.push_back({"validate", workers, [&completion](CompactPaymentRecord record) {
                      std::optional<CompactPaymentRecord> output;
                      if (is_valid(record)) output = record; else completion.add_one();
                      return output;
                    }});
  if (all_stages) {
    stages.push_back({"fraud_check", workers, [&completion](CompactPaymentRecord record) {
                        std::optional<CompactPaymentRecord> output;
                        if (passes_fraud_check(record)) output = record; else completion.add_one();
                        return output;
                      }});
    stages.push_back({"settle", workers, [&ledger](CompactPaymentRecord record) {
                        ledger.total_of_calling_worker().add(record);
                        return std::optional<CompactPaymentRecord>(record);
                      }});
  }
  RecordPipeline pipeline(
      std::move(stages), [&completion](CompactPaymentRecord) { completion.add_one(); },
      kQueueCapacity);

  std::uint64_t pushed = 0;
  std::uint64_t batches = 0;
  std::string error;

  // After skip_with_error the next keep_running_batch() returns false and stops the timer.
  while (state.keep_running_batch(kRecordsPerBatch)) {
    completion.set_target(pushed + static_cast<std::uint64_t>(kRecordsPerBatch));
    for (const CompactPaymentRecord& record : records) {
      if (!pipeline.push(record)) {
        error = "the pipeline closed while records were being pushed";
        break;
      }
      ++pushed;
    }
    ++batches;

    if (error.empty() && !completion.wait_for_target(kBatchTimeout)) {
      error = "a batch did not leave the pipeline within 10 s: " +
              std::to_string(completion.finished()) + " of " + std::to_string(pushed) +
              " pushed records were delivered or dropped";
    }
    if (!error.empty()) state.skip_with_error(error);
  }

  // Joins the workers, so the counters and the ledger below are final.
  pipeline.close_and_wait();
  if (!error.empty()) return;

  const SettledTotal settled = ledger.sum();
  error = check_outcome(pipeline.counters(), pushed, completion.finished(), batches, expected,
                        all_stages ? &settled : nullptr);
  if (!error.empty()) {
    state.skip_with_error(error);
    return;
  }
  state.set_items_processed(state.iterations());
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "pipeline",
    .name = "payment_stages",
    .description = "Records through validate, fraud check and settle: Pipeline on a MutexQueue "
                   "or an MpmcRing against inline calls; records/s",
    .parameters = {{"stages", {1, 3}, "1: validate; 3: validate, fraud score, settle"},
                   {"workers_per_stage", {1, 2}, "threads that run each stage"}},
    .threads = {1},
    .variants = {{"inline", "the stage functions called in turn on the benchmark thread; "
                            "ignores workers_per_stage",
                  &run_inline},
                 {"mutex_queue", "Pipeline: workers_per_stage threads per stage, MutexQueue "
                                 "between stages",
                  &run_pipeline<paybench::MutexQueue>},
                 {"mpmc_ring", "Pipeline: workers_per_stage threads per stage, MpmcRing "
                               "between stages",
                  &run_pipeline<paybench::MpmcRing>}},
    .baseline = "inline",
    .min_repetitions = 9,
}};

}  // namespace
