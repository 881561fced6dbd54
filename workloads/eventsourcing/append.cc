// eventsourcing/append: one event appended to a payment's stream per operation, with optimistic
// concurrency: an append names the version it expects, and a stale one is rejected and retried
// after reading the current version.
//
// same_aggregate:1 makes every thread append to one payment's stream, so that two threads
// conflict. The conflicts_per_append counter shows how often an append had to be retried.
// same_aggregate:0 gives each thread its own stream. The file log syncs (fdatasync) and SQLite
// commits with synchronous=FULL on every append, so their rate is the disk's sync rate; the
// memory store shows the cost of the bookkeeping alone. The stores live in scratch directories
// under --data-dir, kept for the process and removed at its end.
#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>

#include "event_stores.h"
#include "paybench/engine/workload.h"

namespace {

using paybench::engine::State;
using paybench::workloads::Durability;
using paybench::workloads::EventStoreKind;
using paybench::workloads::StoreUnderTest;

// Returns the store of this kind that every benchmark shares, opened on first use. C++
// initializes the static once, thread-safely, so all threads of a benchmark find the same store.
template <EventStoreKind kKind>
StoreUnderTest& shared_store() {
  static StoreUnderTest under_test =
      paybench::workloads::open_event_store(kKind, Durability::kSyncEachAppend);
  return under_test;
}

paybench::PaymentEvent capture_event(std::uint64_t aggregate_id, std::uint64_t version) {
  paybench::PaymentEvent event;
  event.aggregate_id = aggregate_id;
  event.version = version;
  event.type = paybench::PaymentEventType::kCaptured;
  event.amount_minor = 1;
  event.currency = paybench::make_currency("EUR");
  return event;
}

template <EventStoreKind kKind>
void run(State& state) {
  StoreUnderTest* under_test = nullptr;
  try {
    under_test = &shared_store<kKind>();
  } catch (const std::exception& error) {
    state.skip_with_error(std::string("opening the event store failed: ") + error.what());
    return;
  }
  paybench::EventStore& store = *under_test->store;

  const bool same_aggregate = state.param("same_aggregate") != 0;
  const std::uint64_t aggregate_id =
      same_aggregate ? 1 : 2 + static_cast<std::uint64_t>(state.thread_index());
  std::uint64_t known_version = store.version(aggregate_id);
  std::int64_t conflicts = 0;
  std::string error_message;

  for (auto _ : state) {
    if (!error_message.empty()) continue;
    try {
      while (true) {
        const paybench::PaymentEvent event = capture_event(aggregate_id, known_version + 1);
        const paybench::AppendResult result = store.append(aggregate_id, known_version, {&event, 1});
        if (result.ok()) {
          known_version = result.new_version();
          break;
        }
        ++conflicts;
        known_version = result.conflict().actual_version;
      }
    } catch (const std::exception& error) {
      error_message = error.what();
    }
  }

  if (!error_message.empty()) {
    state.skip_with_error(error_message);
    return;
  }
  state.set_items_processed(state.iterations());
  const double per_append =
      state.iterations() == 0 ? 0.0 : static_cast<double>(conflicts) / state.iterations();
  state.counters()["conflicts_per_append"] =
      benchmark::Counter(per_append, benchmark::Counter::kAvgThreads);
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "eventsourcing",
    .name = "append",
    .description = "append one event with an expected version, retrying conflicts; time per "
                   "append",
    .parameters = {{"same_aggregate",
                    {0, 1},
                    "1: all threads append to one payment's stream and conflict; 0: each "
                    "thread has its own"}},
    .threads = {1, 2},
    .variants = {{"memory", "MemoryEventStore: a map under a mutex, nothing durable",
                  &run<EventStoreKind::kMemory>},
                 {"file_log", "FileLogEventStore: fdatasync on every append",
                  &run<EventStoreKind::kFileLog>},
                 {"sqlite", "SqliteEventStore: WAL, synchronous=FULL, one transaction an append",
                  &run<EventStoreKind::kSqlite>}},
    .baseline = "memory",
    .min_repetitions = 9,
}};

}  // namespace
