#include "paybench/eventsourcing/event_store.h"

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

namespace paybench {

void validate_append(std::string_view store_name, std::uint64_t aggregate_id,
                     std::uint64_t expected_version, std::span<const PaymentEvent> events) {
  const std::string prefix = std::string(store_name) + " event store: invalid append to stream " +
                             std::to_string(aggregate_id) + ": ";
  if (events.empty()) {
    throw std::invalid_argument(prefix + "no events; pass at least one event");
  }

  // SQLite stores versions as signed 64-bit integers, so every backend keeps them below 2^63.
  constexpr auto kMaxVersion = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (expected_version > kMaxVersion - events.size()) {
    throw std::invalid_argument(prefix + "expected version " + std::to_string(expected_version) +
                                " plus " + std::to_string(events.size()) +
                                " events exceeds the maximum version 2^63 - 1");
  }

  for (std::size_t i = 0; i < events.size(); ++i) {
    const PaymentEvent& event = events[i];
    const std::uint64_t required_version = expected_version + 1 + i;
    if (event.aggregate_id != aggregate_id) {
      throw std::invalid_argument(prefix + "event " + std::to_string(i) + " carries aggregate id " +
                                  std::to_string(event.aggregate_id) +
                                  "; every event must carry the stream's id");
    }
    if (event.version != required_version) {
      throw std::invalid_argument(
          prefix + "event " + std::to_string(i) + " has version " + std::to_string(event.version) +
          ", expected " + std::to_string(required_version) + " (expected version + 1 + index)");
    }
    if (!is_payment_event_type(static_cast<std::uint8_t>(event.type))) {
      throw std::invalid_argument(prefix + "event " + std::to_string(i) + " has type value " +
                                  std::to_string(static_cast<unsigned>(event.type)) +
                                  ", which is not a PaymentEventType");
    }
  }
}

}  // namespace paybench
