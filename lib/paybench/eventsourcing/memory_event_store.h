// MemoryEventStore: an EventStore that keeps every event in memory under one mutex. Nothing
// survives the process. It is the baseline that the durable backends are measured against.

#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "paybench/eventsourcing/event_store.h"

namespace paybench {

class MemoryEventStore final : public EventStore {
 public:
  MemoryEventStore() = default;
  MemoryEventStore(const MemoryEventStore&) = delete;
  MemoryEventStore& operator=(const MemoryEventStore&) = delete;

  [[nodiscard]] std::string_view name() const override { return "memory"; }

  AppendResult append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                      std::span<const PaymentEvent> events) override;

  [[nodiscard]] std::vector<PaymentEvent> load(std::uint64_t aggregate_id) const override;

  [[nodiscard]] std::uint64_t version(std::uint64_t aggregate_id) const override;

  [[nodiscard]] std::uint64_t end_position() const override;

  using EventStore::read_all;
  std::uint64_t read_all(std::uint64_t from_position,
                         const RecordedEventConsumer& consume) const override;

 private:
  mutable std::mutex mutex_;
  // Guarded by mutex_. Every event in global order, so an event's position is its index.
  std::vector<PaymentEvent> log_;
  // Guarded by mutex_. Positions of each stream's events in version order.
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> stream_positions_;
};

}  // namespace paybench
