// EventStore: append-only streams of PaymentEvent, one stream per payment, with optimistic
// concurrency on each stream and one global order across all of them.
//
// Contract for every implementation:
// - append(id, expected_version, events) stores all of `events` or none of them. It stores them
//   only if the stream's current version equals `expected_version` at the moment of the append,
//   and otherwise returns an AppendResult with a VersionConflict and writes nothing. Of several
//   appends with the same expected version to one stream, at most one succeeds, whatever threads
//   they run on. When the stream is at that version and only these appends run, exactly one
//   succeeds.
// - Every stored event gets a global position: 0 for the first event in the store, then +1 per
//   event, in the order in which appends took effect. The events of one append get consecutive
//   positions.
// - An append that has returned is visible to every later load(), version() and read_all() on
//   any thread. Durability depends on the backend, and its header states it.
// - Errors other than a conflict (I/O, the database, a corrupt file) throw EventStoreError.
//   Invalid arguments throw std::invalid_argument, and nothing is written.
// - Every method may be called from any number of threads at the same time.

#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "paybench/eventsourcing/event.h"

namespace paybench {

// A failure of the store itself. what() names the backend and what failed, with the value
// involved (a path, an offset, an SQLite error message).
class EventStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The versions of a rejected append: the stream was at `actual_version`, not at
// `expected_version`.
struct VersionConflict {
  std::uint64_t aggregate_id = 0;
  std::uint64_t expected_version = 0;
  std::uint64_t actual_version = 0;

  friend bool operator==(const VersionConflict&, const VersionConflict&) = default;
};

// Outcome of EventStore::append: either the stream's new version or a VersionConflict.
class [[nodiscard]] AppendResult {
 public:
  [[nodiscard]] static AppendResult appended(std::uint64_t new_version,
                                             std::uint64_t first_position) noexcept {
    AppendResult result;
    result.ok_ = true;
    result.new_version_ = new_version;
    result.first_position_ = first_position;
    return result;
  }

  [[nodiscard]] static AppendResult rejected(VersionConflict conflict) noexcept {
    AppendResult result;
    result.conflict_ = conflict;
    return result;
  }

  // True when the events were stored.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

  // The stream's version after the append. Meaningful only when ok().
  [[nodiscard]] std::uint64_t new_version() const noexcept { return new_version_; }

  // Global position of the first appended event. Meaningful only when ok().
  [[nodiscard]] std::uint64_t first_position() const noexcept { return first_position_; }

  // Expected and actual version of a rejected append. Meaningful only when !ok().
  [[nodiscard]] const VersionConflict& conflict() const noexcept { return conflict_; }

 private:
  AppendResult() = default;

  bool ok_ = false;
  std::uint64_t new_version_ = 0;
  std::uint64_t first_position_ = 0;
  VersionConflict conflict_;
};

// An event with its global position.
struct RecordedEvent {
  std::uint64_t position = 0;
  PaymentEvent event;

  friend bool operator==(const RecordedEvent&, const RecordedEvent&) = default;
};

// Receives the events of read_all() in batches, in global order. A batch is never empty.
using RecordedEventConsumer = std::function<void(std::span<const RecordedEvent>)>;

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Short name for messages and benchmark names: "memory", "file_log" or "sqlite".
  [[nodiscard]] virtual std::string_view name() const = 0;

  // Appends `events` to the stream of `aggregate_id` if its current version is
  // `expected_version` (0 for a stream that has no events yet). Event i must carry
  // `aggregate_id` and version expected_version + 1 + i, and `events` must not be empty.
  // Otherwise throws std::invalid_argument naming the bad value.
  virtual AppendResult append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                              std::span<const PaymentEvent> events) = 0;

  // Returns every event of the stream in version order, or nothing for an unknown id.
  [[nodiscard]] virtual std::vector<PaymentEvent> load(std::uint64_t aggregate_id) const = 0;

  // Returns the stream's current version: the version of its last event, 0 for an unknown id.
  [[nodiscard]] virtual std::uint64_t version(std::uint64_t aggregate_id) const = 0;

  // Returns the position that the next appended event will get, which is the number of events
  // in the store.
  [[nodiscard]] virtual std::uint64_t end_position() const = 0;

  // Passes every event at `from_position` or later to `consume`, in global order and in batches.
  // Stops at the end position it reads when it starts, so events appended meanwhile are left for
  // the next call. Returns that end position, where the next call should start. `consume` runs
  // without the store's locks held, so it may call the store. An exception from `consume`
  // propagates, and the batches before it stay delivered.
  virtual std::uint64_t read_all(std::uint64_t from_position,
                                 const RecordedEventConsumer& consume) const = 0;

  // Returns every event at `from_position` or later, in global order.
  [[nodiscard]] std::vector<RecordedEvent> read_all(std::uint64_t from_position) const {
    std::vector<RecordedEvent> events;
    read_all(from_position, [&events](std::span<const RecordedEvent> batch) {
      events.insert(events.end(), batch.begin(), batch.end());
    });
    return events;
  }
};

// Throws std::invalid_argument unless `events` is a valid argument for
// EventStore::append(aggregate_id, expected_version, events). `store_name` starts the message.
void validate_append(std::string_view store_name, std::uint64_t aggregate_id,
                     std::uint64_t expected_version, std::span<const PaymentEvent> events);

}  // namespace paybench
