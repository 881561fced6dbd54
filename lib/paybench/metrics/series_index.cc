#include "paybench/metrics/series_index.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "paybench/concurrency/hash_mixing.h"

namespace paybench::detail {
namespace {

// Hashes one label. Name and value are combined asymmetrically, so {a="b"} and {b="a"} differ.
std::size_t label_hash(std::string_view name, std::string_view value) {
  const std::size_t name_hash = std::hash<std::string_view>{}(name);
  const std::size_t value_hash = std::hash<std::string_view>{}(value);
  return mix_hash(name_hash * 31 + value_hash);
}

// Adds the label hashes, which makes the result independent of their order.
template <class Labels>
std::size_t hash_name_and_labels(std::string_view name, const Labels& labels) {
  std::size_t labels_sum = labels.size();
  for (const auto& [label, value] : labels) {
    labels_sum += label_hash(label, value);
  }
  return std::hash<std::string_view>{}(name) ^ mix_hash(labels_sum);
}

// Returns whether `query` contains exactly the labels in `stored`. The stored names are
// distinct, so when the counts are equal and every stored label is in the query, the query is a
// permutation of them.
bool same_labels(const prometheus::LabelPairs& stored, std::span<const Label> query) {
  if (stored.size() != query.size()) {
    return false;
  }
  for (const auto& [label, value] : stored) {
    const auto matches = [&](const Label& candidate) {
      return candidate.first == label && candidate.second == value;
    };
    if (std::none_of(query.begin(), query.end(), matches)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::size_t series_hash(std::string_view name, std::span<const Label> labels) {
  return hash_name_and_labels(name, labels);
}

std::size_t series_hash(std::string_view name, const prometheus::LabelPairs& labels) {
  return hash_name_and_labels(name, labels);
}

SeriesIndex::Table::Table(std::size_t capacity)
    : mask(capacity - 1), slots(std::make_unique<std::atomic<const Entry*>[]>(capacity)) {}

SeriesIndex::SeriesIndex() {
  tables_.push_back(std::make_unique<Table>(kInitialCapacity));
  current_.store(tables_.back().get(), std::memory_order_release);
}

SeriesIndex::~SeriesIndex() = default;

const SeriesIndex::Entry* SeriesIndex::find(std::size_t hash, std::string_view name,
                                            std::span<const Label> labels) const noexcept {
  // Acquire pairs with the release store that published the table, so its slots are visible.
  const Table* table = current_.load(std::memory_order_acquire);
  for (std::size_t slot = hash & table->mask;; slot = (slot + 1) & table->mask) {
    // Acquire pairs with the release store in place(), so the Entry and its strings are visible.
    const Entry* entry = table->slots[slot].load(std::memory_order_acquire);
    if (entry == nullptr) {
      return nullptr;
    }
    const bool matches =
        entry->hash == hash && entry->name == name && same_labels(*entry->labels, labels);
    if (matches) {
      return entry;
    }
  }
}

void SeriesIndex::insert(const Entry& entry) {
  // Growing first means that a failed allocation leaves the index as it was.
  const Table* table = current_.load(std::memory_order_relaxed);  // only inserters write it
  const std::size_t capacity = table->mask + 1;
  const bool would_pass_half_full = (entries_.size() + 1) * 2 > capacity;
  if (would_pass_half_full) {
    auto grown = std::make_unique<Table>(capacity * 2);
    for (const Entry& existing : entries_) {
      place(*grown, &existing);
    }
    tables_.reserve(tables_.size() + 1);
    table = grown.get();
    tables_.push_back(std::move(grown));
    // Release publishes the copied slots to readers that load the new table with acquire.
    current_.store(table, std::memory_order_release);
  }

  entries_.push_back(entry);
  place(*table, &entries_.back());
}

void SeriesIndex::place(const Table& table, const Entry* entry) {
  for (std::size_t slot = entry->hash & table.mask;; slot = (slot + 1) & table.mask) {
    // Relaxed: only the serialized inserter writes slots, so it reads its own stores.
    if (table.slots[slot].load(std::memory_order_relaxed) == nullptr) {
      // Release publishes the Entry, and the strings it refers to, to acquiring readers.
      table.slots[slot].store(entry, std::memory_order_release);
      return;
    }
  }
}

}  // namespace paybench::detail
