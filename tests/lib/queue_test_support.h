// Item types and stress-test checks shared by the tests of the bounded queues: SpscRing,
// MpmcRing and MutexQueue.

#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace paybench::testing {

// An item type that counts its lifetime events and has neither a default constructor nor
// assignment. Every value is created by the explicit constructor with a unique id, and moves
// carry the id along, so a value must be constructed once and destroyed once, whatever the
// number of moves in between. Its copy constructor may throw, which exercises MpmcRing's
// copy-before-claim path. The payload is long enough to live on the heap, so a leaked or doubly
// destroyed item also shows up under ASan. The counters are shared by every test in the
// executable, so a test that reads them must call reset_counters() first.
class Tracked {
 public:
  explicit Tracked(int id) : id_(id), payload_(kPayload) {
    ++live_count;
    ++value_constructions[id];
  }

  Tracked(const Tracked& other) : id_(other.id_), payload_(other.payload_) {
    ++live_count;
    ++copy_count;
    ++value_constructions[id_];
  }

  Tracked(Tracked&& other) noexcept
      : id_(std::exchange(other.id_, kMovedFrom)), payload_(std::move(other.payload_)) {
    ++live_count;
  }

  Tracked& operator=(const Tracked&) = delete;
  Tracked& operator=(Tracked&&) = delete;

  ~Tracked() {
    --live_count;
    if (id_ != kMovedFrom) {
      ++value_destructions[id_];
    }
  }

  [[nodiscard]] int id() const { return id_; }
  [[nodiscard]] const std::string& payload() const { return payload_; }

  static void reset_counters() {
    live_count = 0;
    copy_count = 0;
    value_constructions.clear();
    value_destructions.clear();
  }

  static constexpr int kMovedFrom = -1;
  static constexpr const char* kPayload = "a payload longer than the small string buffer";

  static inline int live_count = 0;
  static inline int copy_count = 0;
  static inline std::map<int, int> value_constructions;
  static inline std::map<int, int> value_destructions;

 private:
  int id_;
  std::string payload_;
};

// One item of the stress tests: the producer that pushed it and its index in that producer's
// sequence.
struct StressItem {
  std::uint32_t producer = 0;
  std::uint32_t sequence = 0;
};

// The thread counts of one run of a multi-producer, multi-consumer stress test.
struct StressShape {
  std::uint32_t producers = 0;
  std::uint32_t consumers = 0;
};

// Names a stress test instance after its shape, for example "2Producers2Consumers".
inline std::string stress_shape_name(const ::testing::TestParamInfo<StressShape>& info) {
  return std::to_string(info.param.producers) + "Producers" +
         std::to_string(info.param.consumers) + "Consumers";
}

// Returns a description of the first item that a consumer received out of its producer's order,
// or "" when every consumer saw each producer's sequence numbers strictly increasing.
inline std::string find_order_violation(
    const std::vector<std::vector<StressItem>>& received_by_consumer) {
  for (std::size_t consumer = 0; consumer < received_by_consumer.size(); ++consumer) {
    std::map<std::uint32_t, std::int64_t> last_sequence_by_producer;
    for (const StressItem& item : received_by_consumer[consumer]) {
      const auto [last, inserted] = last_sequence_by_producer.try_emplace(item.producer, -1);
      if (static_cast<std::int64_t>(item.sequence) <= last->second) {
        std::ostringstream description;
        description << "consumer " << consumer << " received sequence " << item.sequence
                    << " of producer " << item.producer << " after sequence " << last->second;
        return description.str();
      }
      last->second = item.sequence;
    }
  }
  return "";
}

// Returns a description of the first item that is missing, duplicated or unknown, or "" when the
// consumers together received each of the producers' items exactly once.
inline std::string find_loss_or_duplicate(
    const std::vector<std::vector<StressItem>>& received_by_consumer,
    std::uint32_t producer_count, std::uint32_t items_per_producer) {
  std::vector<std::vector<int>> receive_count(producer_count,
                                              std::vector<int>(items_per_producer, 0));
  for (const std::vector<StressItem>& received : received_by_consumer) {
    for (const StressItem& item : received) {
      if (item.producer >= producer_count || item.sequence >= items_per_producer) {
        return "unknown item: producer " + std::to_string(item.producer) + ", sequence " +
               std::to_string(item.sequence);
      }
      ++receive_count[item.producer][item.sequence];
    }
  }

  for (std::uint32_t producer = 0; producer < producer_count; ++producer) {
    for (std::uint32_t sequence = 0; sequence < items_per_producer; ++sequence) {
      const int count = receive_count[producer][sequence];
      if (count != 1) {
        return "producer " + std::to_string(producer) + ", sequence " + std::to_string(sequence) +
               " was received " + std::to_string(count) + " times";
      }
    }
  }
  return "";
}

}  // namespace paybench::testing
