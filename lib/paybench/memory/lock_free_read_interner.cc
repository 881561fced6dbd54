#include "paybench/memory/lock_free_read_interner.h"

#include <bit>
#include <cassert>
#include <functional>
#include <stdexcept>
#include <string>

namespace paybench {

LockFreeReadInterner::Table::Table(std::size_t slot_count)
    : capacity(slot_count),
      slot_mask(slot_count - 1),
      // Value-initialized: since C++20 std::atomic<T*>'s default constructor stores nullptr.
      slots(std::make_unique<Slot[]>(slot_count)) {
  assert(std::has_single_bit(slot_count) && "Table: the slot count must be a power of two");
}

LockFreeReadInterner::LockFreeReadInterner(std::size_t initial_capacity,
                                           std::size_t arena_block_size)
    : arena_(arena_block_size) {
  const bool valid = std::has_single_bit(initial_capacity) &&
                     initial_capacity >= kMinInitialCapacity;
  if (!valid) {
    throw std::invalid_argument("LockFreeReadInterner initial_capacity = " +
                                std::to_string(initial_capacity) +
                                " is invalid: pass a power of two of at least " +
                                std::to_string(kMinInitialCapacity));
  }

  tables_.push_back(std::make_unique<Table>(initial_capacity));
  // Relaxed: no other thread can use the interner before its constructor returns, and whatever
  // hands the interner to another thread orders this store before that thread's loads.
  current_table_.store(tables_.back().get(), std::memory_order_relaxed);
}

std::size_t LockFreeReadInterner::hash(std::string_view text) noexcept {
  return std::hash<std::string_view>{}(text);
}

const LockFreeReadInterner::Entry* LockFreeReadInterner::find(const Table& table,
                                                              std::string_view text,
                                                              std::size_t text_hash) noexcept {
  // Ends because every table keeps at least one empty slot (kMaxLoadFactor < 1).
  for (std::size_t index = text_hash & table.slot_mask;; index = (index + 1) & table.slot_mask) {
    // Acquire pairs with the release store in place(), so the entry's fields and characters
    // are visible once its pointer is.
    const Entry* entry = table.slots[index].load(std::memory_order_acquire);
    if (entry == nullptr) {
      return nullptr;
    }
    if (entry->hash == text_hash && entry->text == text) {
      return entry;
    }
  }
}

void LockFreeReadInterner::place(Table& table, const Entry* entry,
                                 std::memory_order order) noexcept {
  for (std::size_t index = entry->hash & table.slot_mask;; index = (index + 1) & table.slot_mask) {
    // Relaxed load: only the holder of insert_mutex_ stores into slots, and the mutex orders
    // every earlier store before this load.
    if (table.slots[index].load(std::memory_order_relaxed) == nullptr) {
      table.slots[index].store(entry, order);
      return;
    }
  }
}

std::string_view LockFreeReadInterner::intern(std::string_view text) {
  const std::size_t text_hash = hash(text);

  // Acquire pairs with the release store in grow(), so the slots copied into a new table are
  // visible once the table pointer is.
  const Table* table = current_table_.load(std::memory_order_acquire);
  if (const Entry* found = find(*table, text, text_hash)) {
    return found->text;
  }

  std::lock_guard lock(insert_mutex_);

  // Relaxed: current_table_ is stored only under insert_mutex_, which this thread now holds,
  // so the lock already orders the latest store before this load.
  Table* current = current_table_.load(std::memory_order_relaxed);
  if (const Entry* found = find(*current, text, text_hash)) {
    return found->text;
  }

  const std::size_t old_size = size_.load(std::memory_order_relaxed);
  const std::size_t new_size = old_size + 1;
  const bool exceeds_max_load =
      new_size * kMaxLoadFactorDenominator > current->capacity * kMaxLoadFactorNumerator;
  if (exceeds_max_load) {
    current = &grow(*current);
  }

  // Each step below either succeeds or throws before the entry is published. A throw after
  // the arena store leaves only an unreachable copy of the characters behind.
  const std::string_view stored = arena_.store(text);
  const Entry& entry = entries_.emplace_back(Entry{text_hash, stored});

  // Release publishes the characters and the entry to readers that acquire this slot.
  place(*current, &entry, std::memory_order_release);
  size_.store(new_size, std::memory_order_relaxed);
  return stored;
}

LockFreeReadInterner::Table& LockFreeReadInterner::grow(const Table& full_table) {
  // Reserve first so that no allocation can fail after the new table is built.
  tables_.reserve(tables_.size() + 1);
  auto grown = std::make_unique<Table>(full_table.capacity * 2);

  // Relaxed loads and stores: the slots of full_table were all stored under insert_mutex_,
  // which this thread holds, and no reader can reach the new table before the release store below.
  for (std::size_t index = 0; index < full_table.capacity; ++index) {
    const Entry* entry = full_table.slots[index].load(std::memory_order_relaxed);
    if (entry != nullptr) {
      place(*grown, entry, std::memory_order_relaxed);
    }
  }

  Table& current = *grown;
  tables_.push_back(std::move(grown));

  // Release publishes the copied slots. The entries they point to were written by earlier
  // holders of insert_mutex_ (or by this thread), and the mutex orders those writes before this
  // store, so a reader that acquires this pointer also reads the entries' published values.
  current_table_.store(&current, std::memory_order_release);
  return current;
}

std::size_t LockFreeReadInterner::size() const noexcept {
  // Relaxed: the count publishes no data, and coherence still gives a thread every store that
  // happens before its load.
  return size_.load(std::memory_order_relaxed);
}

std::size_t LockFreeReadInterner::capacity() const noexcept {
  // Acquire pairs with the release store in grow(), so the table's fields are visible.
  return current_table_.load(std::memory_order_acquire)->capacity;
}

}  // namespace paybench
