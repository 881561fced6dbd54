#include "event_stores.h"

#include <chrono>
#include <string>

#include "paybench/eventsourcing/file_log_event_store.h"
#include "paybench/eventsourcing/memory_event_store.h"
#include "paybench/eventsourcing/payment_aggregate.h"
#include "paybench/eventsourcing/sqlite_event_store.h"

namespace paybench::workloads {

StoreUnderTest open_event_store(EventStoreKind kind, Durability durability) {
  StoreUnderTest under_test;
  const bool sync = durability == Durability::kSyncEachAppend;
  switch (kind) {
    case EventStoreKind::kMemory:
      under_test.store = std::make_unique<MemoryEventStore>();
      break;
    case EventStoreKind::kFileLog:
      under_test.scratch = std::make_unique<engine::ScratchDirectory>("event-log");
      under_test.store = std::make_unique<FileLogEventStore>(
          under_test.scratch->path() / "events.log",
          FileLogEventStoreOptions{.sync_each_append = sync});
      break;
    case EventStoreKind::kSqlite:
      under_test.scratch = std::make_unique<engine::ScratchDirectory>("event-sqlite");
      under_test.store = std::make_unique<SqliteEventStore>(
          under_test.scratch->path() / "events.db",
          SqliteEventStoreOptions{.synchronous = sync ? SqliteSynchronous::kFull
                                                      : SqliteSynchronous::kOff});
      break;
  }
  return under_test;
}

std::vector<PaymentEvent> payment_history(std::uint64_t id) {
  const EventTimestamp start{std::chrono::microseconds(1'764'806'400'000'000)};
  const std::int64_t amount = 1000 + static_cast<std::int64_t>(id % 9000);

  PaymentAggregate payment(id);
  std::vector<PaymentEvent> events;
  const auto record = [&](const PaymentEvent& event) {
    payment.apply(event);
    events.push_back(event);
  };
  record(payment.create(static_cast<std::uint32_t>(id % 100), amount, make_currency("EUR"),
                        start));
  record(payment.authorize(start + std::chrono::milliseconds(150)));
  record(payment.capture(amount, start + std::chrono::hours(2)));
  record(payment.refund(amount / 4, start + std::chrono::hours(48)));
  record(payment.refund(amount / 4, start + std::chrono::hours(72)));
  return events;
}

void fill_with_payments(EventStore& store, std::uint64_t payments) {
  for (std::uint64_t id = 1; id <= payments; ++id) {
    const std::vector<PaymentEvent> events = payment_history(id);
    const AppendResult result = store.append(id, 0, events);
    if (!result.ok()) {
      throw EventStoreError("filling the " + std::string(store.name()) +
                            " store failed: payment " + std::to_string(id) +
                            " already has events, expected an empty store");
    }
  }
}

}  // namespace paybench::workloads
