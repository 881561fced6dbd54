// PaymentRow: the row that the write workloads store, one payment as a ledger table keeps it.
//
// `id` is unique within a run, so that a sink's contents can be checked against what was written:
// every id exactly once, none missing and none extra.

#pragma once

#include <array>
#include <cstdint>

namespace paybench {

struct PaymentRow {
  std::uint64_t id = 0;
  // Amount in the currency's minor unit (cents for EUR).
  std::int64_t amount_minor = 0;
  // ISO 4217 alphabetic code, three uppercase ASCII letters, not NUL-terminated.
  std::array<char, 3> currency{};
  std::uint32_t merchant_id = 0;
  // When the payment was created, in microseconds since the Unix epoch.
  std::int64_t created_at_us = 0;

  friend bool operator==(const PaymentRow&, const PaymentRow&) = default;
};

}  // namespace paybench
