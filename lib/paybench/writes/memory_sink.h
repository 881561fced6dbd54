// MemorySink: a PaymentSink that appends rows to a std::vector under a mutex. It keeps rows only
// in memory, so it measures what batching costs without any storage, the baseline that the file
// and SQL sinks are compared with.

#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "paybench/writes/payment_row.h"
#include "paybench/writes/payment_sink.h"

namespace paybench {

// Every member function may be called from any thread at any time: one mutex guards the rows.
class MemorySink final : public PaymentSink {
 public:
  MemorySink() = default;

  MemorySink(const MemorySink&) = delete;
  MemorySink& operator=(const MemorySink&) = delete;

  // Returns "memory".
  [[nodiscard]] std::string_view name() const override;

  // Appends every row of the batch, or none when memory runs out, and then throws SinkError.
  void write_batch(std::span<const PaymentRow> rows) override;

  [[nodiscard]] std::vector<std::uint64_t> stored_ids() override;

  // Returns a copy of every stored row, in the order in which they were written.
  [[nodiscard]] std::vector<PaymentRow> stored_rows() const;

  void clear() override;

 private:
  mutable std::mutex mutex_;
  std::vector<PaymentRow> rows_;  // Guarded by mutex_.
};

}  // namespace paybench
