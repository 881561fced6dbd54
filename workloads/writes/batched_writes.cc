#include "batched_writes.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <utility>

#include <benchmark/benchmark.h>

#include "paybench/writes/batch_processor.h"
#include "paybench/writes/payment_row.h"

namespace paybench::workloads {
namespace {

// Long enough never to trigger: each round flushes explicitly once its batch is added.
constexpr auto kNoDelayFlush = std::chrono::hours(1);

PaymentRow make_row(std::uint64_t id) {
  PaymentRow row;
  row.id = id;
  row.amount_minor = static_cast<std::int64_t>(id % 100'000) + 1;
  row.currency = {'E', 'U', 'R'};
  row.merchant_id = static_cast<std::uint32_t>(id % 1000);
  row.created_at_us = 1'764'806'400'000'000 + static_cast<std::int64_t>(id);
  return row;
}

struct ContentsCheck {
  std::uint64_t verified = 0;
  std::uint64_t missing = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t unexpected = 0;
};

// Compares the stored ids with 1..rows_written: each must be there exactly once.
ContentsCheck check_contents(std::vector<std::uint64_t> stored, std::uint64_t rows_written) {
  std::sort(stored.begin(), stored.end());
  ContentsCheck check;
  std::uint64_t expected = 1;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const std::uint64_t id = stored[i];
    if (i > 0 && id == stored[i - 1]) {
      ++check.duplicates;
    } else if (id < 1 || id > rows_written) {
      ++check.unexpected;
    } else {
      check.missing += id - expected;
      ++check.verified;
      expected = id + 1;
    }
  }
  check.missing += rows_written + 1 - expected;
  return check;
}

void set_latency_counters(engine::State& state, const LatencyHistogram& latency) {
  if (latency.count() == 0) {
    return;
  }
  const auto nanoseconds = [](std::chrono::nanoseconds value) {
    return static_cast<double>(value.count());
  };
  state.counters()["latency_p50_ns"] = nanoseconds(latency.percentile(50));
  state.counters()["latency_p99_ns"] = nanoseconds(latency.percentile(99));
  state.counters()["latency_p999_ns"] = nanoseconds(latency.percentile(99.9));
  state.counters()["latency_max_ns"] = nanoseconds(latency.max());
}

}  // namespace

void run_batched_writes(engine::State& state, const SinkFactory& open_sink,
                        std::size_t batch_size) {
  SinkUnderTest under_test;
  try {
    under_test = open_sink();
    under_test.sink->clear();
  } catch (const std::exception& error) {
    state.skip_with_error(error.what());
    return;
  }
  PaymentSink& sink = *under_test.sink;

  BatchProcessor<PaymentRow> processor(
      sink, BatchProcessorOptions{.max_batch_size = batch_size,
                                  .max_delay = kNoDelayFlush,
                                  .queue_capacity = batch_size});
  std::uint64_t rows_added = 0;
  std::optional<std::string> write_error;
  const auto round = static_cast<std::int64_t>(batch_size);
  while (state.keep_running_batch(round)) {
    // The loop must go on to its end once started, so a failure is kept and reported after it.
    if (write_error) continue;
    try {
      for (std::size_t i = 0; i < batch_size; ++i) {
        processor.add(make_row(++rows_added));
      }
      processor.flush();
    } catch (const std::exception& error) {
      write_error = error.what();
    }
  }

  try {
    processor.stop();
  } catch (const std::exception& error) {
    if (!write_error) write_error = error.what();
  }
  if (write_error) {
    state.skip_with_error(*write_error);
    return;
  }
  state.set_items_processed(static_cast<std::int64_t>(rows_added));
  set_latency_counters(state, processor.commit_latency());

  // The check reads the sink back after the measured loop, outside the measured time.
  ContentsCheck check;
  try {
    check = check_contents(sink.stored_ids(), rows_added);
  } catch (const std::exception& error) {
    state.skip_with_error(std::string("reading the rows back failed: ") + error.what());
    return;
  }
  state.counters()["verified_rows"] = static_cast<double>(check.verified);
  const bool contents_match = check.missing == 0 && check.duplicates == 0 && check.unexpected == 0;
  if (!contents_match) {
    state.skip_with_error(
        "the " + std::string(sink.name()) + " sink lost rows: " + std::to_string(rows_added) +
        " written, " + std::to_string(check.verified) + " found once, " +
        std::to_string(check.missing) + " missing, " + std::to_string(check.duplicates) +
        " duplicated, " + std::to_string(check.unexpected) + " unexpected");
  }
}

std::vector<engine::Variant> batch_size_variants(const std::string& sink_description,
                                                 const SinkFactory& open_sink,
                                                 const std::vector<std::size_t>& batch_sizes) {
  std::vector<engine::Variant> variants;
  for (const std::size_t batch_size : batch_sizes) {
    const std::string rows = batch_size == 1 ? "1 row" : std::to_string(batch_size) + " rows";
    variants.push_back(engine::Variant{
        .name = "batch_" + std::to_string(batch_size),
        .description = sink_description + ", " + rows + " a commit",
        .run = [open_sink, batch_size](engine::State& state) {
          run_batched_writes(state, open_sink, batch_size);
        },
    });
  }
  return variants;
}

}  // namespace paybench::workloads
