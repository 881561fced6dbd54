#include "paybench/writes/memory_sink.h"

#include <new>
#include <string>

namespace paybench {

std::string_view MemorySink::name() const { return "memory"; }

void MemorySink::write_batch(std::span<const PaymentRow> rows) {
  std::lock_guard lock(mutex_);
  try {
    // Inserting at the end has no effect when the allocation throws, so the batch is all or
    // none.
    rows_.insert(rows_.end(), rows.begin(), rows.end());
  } catch (const std::bad_alloc&) {
    throw SinkError("memory sink: out of memory while appending " + std::to_string(rows.size()) +
                    " rows to the " + std::to_string(rows_.size()) +
                    " stored ones; call clear() between runs or use smaller runs");
  }
}

std::vector<std::uint64_t> MemorySink::stored_ids() {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> ids;
  ids.reserve(rows_.size());
  for (const PaymentRow& row : rows_) {
    ids.push_back(row.id);
  }
  return ids;
}

std::vector<PaymentRow> MemorySink::stored_rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

void MemorySink::clear() {
  std::lock_guard lock(mutex_);
  rows_.clear();
}

}  // namespace paybench
