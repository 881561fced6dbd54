// eventsourcing/replay: rebuild every payment from the global event stream, the way a service
// rebuilds its state at start-up or a new projection catches up.
//
// Each store contains 20,000 payments of 5 events each, 10^5 events in all, written once per process
// without syncing (this benchmark measures reads). One operation reads all of them with
// read_all() and applies each event to its PaymentAggregate; items_per_second counts events.
// Each benchmark checks itself: every payment must end partially refunded at version 5.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "event_stores.h"
#include "paybench/engine/workload.h"
#include "paybench/eventsourcing/payment_aggregate.h"

namespace {

using paybench::engine::State;
using paybench::workloads::Durability;
using paybench::workloads::EventStoreKind;
using paybench::workloads::StoreUnderTest;

constexpr std::uint64_t kPayments = 20'000;
constexpr std::uint64_t kEvents = kPayments * paybench::workloads::kEventsPerPayment;

template <EventStoreKind kKind>
StoreUnderTest& filled_store() {
  static StoreUnderTest under_test = [] {
    StoreUnderTest opened = paybench::workloads::open_event_store(kKind, Durability::kNoSync);
    paybench::workloads::fill_with_payments(*opened.store, kPayments);
    return opened;
  }();
  return under_test;
}

// Returns the number of payments that did not end in the state and version of their history.
std::uint64_t count_unexpected(
    const std::unordered_map<std::uint64_t, paybench::PaymentAggregate>& payments) {
  std::uint64_t unexpected = 0;
  for (const auto& [id, payment] : payments) {
    const bool as_expected = payment.state() == paybench::PaymentState::kPartiallyRefunded &&
                             payment.version() == paybench::workloads::kEventsPerPayment;
    unexpected += as_expected ? 0 : 1;
  }
  return unexpected;
}

template <EventStoreKind kKind>
void run(State& state) {
  StoreUnderTest* under_test = nullptr;
  try {
    under_test = &filled_store<kKind>();
  } catch (const std::exception& error) {
    state.skip_with_error(std::string("filling the event store failed: ") + error.what());
    return;
  }
  const paybench::EventStore& store = *under_test->store;

  std::unordered_map<std::uint64_t, paybench::PaymentAggregate> payments;
  for (auto _ : state) {
    payments.clear();
    payments.reserve(kPayments);
    store.read_all(0, [&payments](std::span<const paybench::RecordedEvent> batch) {
      for (const paybench::RecordedEvent& recorded : batch) {
        const std::uint64_t id = recorded.event.aggregate_id;
        payments.try_emplace(id, id).first->second.apply(recorded.event);
      }
    });
  }
  state.set_items_processed(state.iterations() * static_cast<std::int64_t>(kEvents));

  const std::uint64_t unexpected = count_unexpected(payments);
  if (payments.size() != kPayments || unexpected != 0) {
    state.skip_with_error("replay rebuilt " + std::to_string(payments.size()) + " payments, " +
                          std::to_string(unexpected) + " of them not as written; expected " +
                          std::to_string(kPayments) + " partially refunded at version 5");
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "eventsourcing",
    .name = "replay",
    .description = "rebuild 20,000 payments from 10^5 events; time per full replay",
    .variants = {{"memory", "MemoryEventStore", &run<EventStoreKind::kMemory>},
                 {"file_log", "FileLogEventStore: reads the log file", &run<EventStoreKind::kFileLog>},
                 {"sqlite", "SqliteEventStore: one SELECT in position order",
                  &run<EventStoreKind::kSqlite>}},
    .baseline = "memory",
}};

}  // namespace
