// SeriesIndex: the hash index behind MetricsRegistry::find_*(). A lookup takes no lock and
// performs no atomic read-modify-write, so lookups on different cores never write to a shared
// cache line.
//
// Contract:
// - find() may be called from any thread at any time. insert() calls must be serialized by the
//   caller (MetricsRegistry holds its mutex), and each key may be inserted only once. Entries are
//   never removed.
// - Lookup: one acquire load of the table pointer, then linear probing from the hash with one
//   acquire load per slot, comparing the stored hash, then the name, then the labels. It never
//   allocates or blocks, and it ends at the entry or at an empty slot. An empty slot always
//   exists because a table is never more than half full.
// - Publication: insert() fills an Entry, which never changes afterwards, and then stores its
//   address in an empty slot with a release store. When a reader's acquire load returns that
//   address, the Entry's fields and the strings they refer to are therefore visible to it. The
//   caller writes those strings before insert() and must never change them.
// - Growth: before an insert would make a table more than half full, the inserter fills a table
//   of twice the capacity with the existing entries and publishes it with a release store. A
//   reader still probing the old table can miss an entry inserted after that. The insert is
//   then concurrent with the lookup, so reporting the entry as absent is a valid result.
// - Memory: old tables are kept until the index is destroyed, because nothing tracks when the
//   last reader leaves one. Capacities double, so all old tables together have fewer slots than
//   the current one, at 8 bytes a slot.

#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "paybench/metrics/metrics_registry.h"  // Label
#include "paybench/metrics/prometheus_text.h"   // prometheus::LabelPairs

namespace paybench::detail {

enum class MetricType { kCounter, kGauge, kHistogram };

// Returns a hash of a metric name and its labels that does not depend on the order of the
// labels, so a lookup need not sort them. Both overloads return the same hash for the same
// labels.
[[nodiscard]] std::size_t series_hash(std::string_view name, std::span<const Label> labels);
[[nodiscard]] std::size_t series_hash(std::string_view name, const prometheus::LabelPairs& labels);

class SeriesIndex {
 public:
  // A registered series. The strings that `name` and `labels` refer to must outlive the index
  // and never change.
  struct Entry {
    std::size_t hash;  // series_hash(name, *labels)
    MetricType type;
    std::string_view name;
    const prometheus::LabelPairs* labels;  // sorted by label name, each name once
    void* metric;  // the ShardedCounter, Gauge or Histogram that `type` names
  };

  SeriesIndex();
  ~SeriesIndex();

  SeriesIndex(const SeriesIndex&) = delete;
  SeriesIndex& operator=(const SeriesIndex&) = delete;

  // Returns the entry with this name and these labels, in any order, or nullptr. `hash` must be
  // series_hash(name, labels). Lock-free, never allocates.
  [[nodiscard]] const Entry* find(std::size_t hash, std::string_view name,
                                  std::span<const Label> labels) const noexcept;

  // Adds an entry whose name and labels are not in the index yet. Callers must serialize calls.
  // May allocate a larger table. On std::bad_alloc the index is unchanged.
  void insert(const Entry& entry);

 private:
  // Initial number of slots, enough for 32 series before the first growth.
  static constexpr std::size_t kInitialCapacity = 64;

  struct Table {
    explicit Table(std::size_t capacity);

    const std::size_t mask;  // capacity - 1, where capacity is a power of two
    // Null until insert() publishes an entry with a release store. Never changed afterwards.
    const std::unique_ptr<std::atomic<const Entry*>[]> slots;
  };

  // Stores `entry` in the first empty slot of its probe sequence. Only insert() calls this.
  static void place(const Table& table, const Entry* entry);

  // The table that lookups probe. Written by insert() with release stores.
  std::atomic<const Table*> current_;

  // Written only by insert(), which callers serialize.
  std::vector<std::unique_ptr<Table>> tables_;  // every table ever published, the last is current_
  std::deque<Entry> entries_;                   // a deque, so that entries never move
};

}  // namespace paybench::detail
