// PaymentSink: a BatchSink of PaymentRow that can also read back what it stored, so that every
// write benchmark can prove that no row was lost or duplicated.
//
// stored_ids() and clear() may be called only while no write_batch() runs.

#pragma once

#include <cstdint>
#include <vector>

#include "paybench/writes/batch_sink.h"
#include "paybench/writes/payment_row.h"

namespace paybench {

class PaymentSink : public BatchSink<PaymentRow> {
 public:
  // Returns the id of every stored row, in any order, duplicates included. Throws SinkError on
  // failure.
  [[nodiscard]] virtual std::vector<std::uint64_t> stored_ids() = 0;

  // Removes every stored row. Throws SinkError on failure.
  virtual void clear() = 0;
};

}  // namespace paybench
