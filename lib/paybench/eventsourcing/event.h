// PaymentEvent: one fact in the history of a payment, the unit that an EventStore appends and
// that PaymentAggregate and PaymentSummaryView apply.
//
// Events of one payment (one aggregate) are numbered by `version`, starting at 1 and without
// gaps. The meaning of `amount_minor` depends on the type:
// - kCreated: the amount requested, with the payment's currency and merchant.
// - kAuthorized: the amount authorized, which is the amount requested.
// - kCaptured: the amount captured, at most the amount authorized.
// - kFailed: 0.
// - kRefunded: the amount of this refund. Refunds add up to at most the amount captured.
// Every event repeats the merchant and currency of the kCreated event, so that a projection can
// group any event without looking up its payment.

#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace paybench {

// Event type. The values are stored in the file log and in SQLite, so they must never change.
// 0 is not a type, so that zeroed memory is never read as an event.
enum class PaymentEventType : std::uint8_t {
  kCreated = 1,
  kAuthorized = 2,
  kCaptured = 3,
  kFailed = 4,
  kRefunded = 5,
};

// Returns "created", "authorized", "captured", "failed" or "refunded", or "invalid" for a value
// outside the enum.
[[nodiscard]] std::string_view to_string(PaymentEventType type) noexcept;

// Returns whether `value` is the stored value of a PaymentEventType.
[[nodiscard]] constexpr bool is_payment_event_type(std::uint8_t value) noexcept {
  return value >= static_cast<std::uint8_t>(PaymentEventType::kCreated) &&
         value <= static_cast<std::uint8_t>(PaymentEventType::kRefunded);
}

// Microseconds since the Unix epoch, the resolution that the stores keep.
using EventTimestamp = std::chrono::sys_time<std::chrono::microseconds>;

struct PaymentEvent {
  std::uint64_t aggregate_id = 0;  // The payment's id.
  std::uint64_t version = 0;       // 1 for the payment's first event, then +1 per event.
  std::int64_t amount_minor = 0;   // In the currency's minor unit (cents for EUR).
  EventTimestamp timestamp{};
  std::uint32_t merchant_id = 0;
  // ISO 4217 alphabetic code, three uppercase ASCII letters, not NUL-terminated.
  std::array<char, 3> currency{};
  PaymentEventType type = PaymentEventType::kCreated;

  friend bool operator==(const PaymentEvent&, const PaymentEvent&) = default;
};

// Stores and views copy events by value and may keep millions of them, so the layout stays at
// 40 bytes without padding.
static_assert(std::is_trivially_copyable_v<PaymentEvent>,
              "PaymentEvent must be trivially copyable");
static_assert(sizeof(PaymentEvent) == 40, "PaymentEvent must be 40 bytes without padding");

// Returns `text` as a currency code, or throws std::invalid_argument naming `text` unless it is
// three uppercase ASCII letters.
[[nodiscard]] std::array<char, 3> make_currency(std::string_view text);

// Returns the currency code as a string_view over the bytes of `currency`.
[[nodiscard]] inline std::string_view currency_code(const std::array<char, 3>& currency) noexcept {
  return {currency.data(), currency.size()};
}

}  // namespace paybench
