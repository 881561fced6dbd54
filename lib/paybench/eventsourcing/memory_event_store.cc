#include "paybench/eventsourcing/memory_event_store.h"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace paybench {
namespace {

// Events copied per lock acquisition in read_all(), so that a long read lets appends in between.
constexpr std::size_t kReadBatchSize = 1024;

}  // namespace

AppendResult MemoryEventStore::append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                                      std::span<const PaymentEvent> events) {
  validate_append(name(), aggregate_id, expected_version, events);

  std::lock_guard lock(mutex_);
  auto stream = stream_positions_.find(aggregate_id);
  const std::uint64_t actual_version =
      stream == stream_positions_.end() ? 0 : stream->second.size();
  if (actual_version != expected_version) {
    return AppendResult::rejected({aggregate_id, expected_version, actual_version});
  }
  if (stream == stream_positions_.end()) {
    stream = stream_positions_.try_emplace(aggregate_id).first;
  }

  std::vector<std::uint64_t>& positions = stream->second;
  const std::uint64_t first_position = log_.size();
  try {
    for (std::size_t i = 0; i < events.size(); ++i) {
      log_.push_back(events[i]);
      positions.push_back(first_position + i);
    }
  } catch (...) {
    // Shrinking cannot throw, so an allocation failure leaves nothing appended.
    log_.resize(first_position);
    positions.resize(actual_version);
    throw;
  }
  return AppendResult::appended(expected_version + events.size(), first_position);
}

std::vector<PaymentEvent> MemoryEventStore::load(std::uint64_t aggregate_id) const {
  std::lock_guard lock(mutex_);
  const auto stream = stream_positions_.find(aggregate_id);
  if (stream == stream_positions_.end()) {
    return {};
  }

  std::vector<PaymentEvent> events;
  events.reserve(stream->second.size());
  for (const std::uint64_t position : stream->second) {
    events.push_back(log_[position]);
  }
  return events;
}

std::uint64_t MemoryEventStore::version(std::uint64_t aggregate_id) const {
  std::lock_guard lock(mutex_);
  const auto stream = stream_positions_.find(aggregate_id);
  return stream == stream_positions_.end() ? 0 : stream->second.size();
}

std::uint64_t MemoryEventStore::end_position() const {
  std::lock_guard lock(mutex_);
  return log_.size();
}

std::uint64_t MemoryEventStore::read_all(std::uint64_t from_position,
                                         const RecordedEventConsumer& consume) const {
  const std::uint64_t end = end_position();
  if (from_position > end) {
    throw std::invalid_argument("memory event store: read_all from position " +
                                std::to_string(from_position) + " is past the end position " +
                                std::to_string(end) + "; start at most at the end position");
  }

  std::vector<RecordedEvent> batch;
  batch.reserve(std::min<std::uint64_t>(kReadBatchSize, end - from_position));
  std::uint64_t position = from_position;
  while (position < end) {
    const std::uint64_t batch_end = std::min<std::uint64_t>(end, position + kReadBatchSize);
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      for (std::uint64_t p = position; p < batch_end; ++p) {
        batch.push_back({p, log_[p]});
      }
    }
    consume(batch);
    position = batch_end;
  }
  return end;
}

}  // namespace paybench
