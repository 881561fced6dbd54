// Shared pieces of the event-sourcing workloads: the stores they compare, kept in scratch
// directories, and a history of valid payment events to fill them with.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "paybench/engine/storage.h"
#include "paybench/eventsourcing/event.h"
#include "paybench/eventsourcing/event_store.h"

namespace paybench::workloads {

enum class EventStoreKind { kMemory, kFileLog, kSqlite };

// Whether every append reaches the disk before it returns (fdatasync, or synchronous=FULL).
// Filling a store for a read benchmark does not need it.
enum class Durability { kSyncEachAppend, kNoSync };

// An event store and the scratch directory that contains its files, if any. The directory outlives
// the store, because the members are destroyed in reverse order.
struct StoreUnderTest {
  std::unique_ptr<engine::ScratchDirectory> scratch;
  std::unique_ptr<EventStore> store;
};

// Opens an empty store of `kind`. Throws EventStoreError or std::runtime_error with a message for
// the user when it cannot.
StoreUnderTest open_event_store(EventStoreKind kind, Durability durability);

// Events of one payment in a store-ready sequence.
inline constexpr int kEventsPerPayment = 5;

// Returns the kEventsPerPayment events of payment `id` (versions 1 to 5): created, authorized,
// captured in full, then two partial refunds, built through PaymentAggregate so that every
// transition is valid. Merchant id % 100, EUR, amount 1000 + id % 9000 minor units.
std::vector<PaymentEvent> payment_history(std::uint64_t id);

// Appends payment_history(id) for ids 1 to `payments`, one append per payment. Throws
// EventStoreError on a failed append or a version conflict.
void fill_with_payments(EventStore& store, std::uint64_t payments);

}  // namespace paybench::workloads
