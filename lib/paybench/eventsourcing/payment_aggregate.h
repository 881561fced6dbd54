// PaymentAggregate: the state of one payment, rebuilt from its events, and the commands that
// decide which event comes next.
//
// State machine (commands in parentheses):
//   new --(create)--> created --(authorize)--> authorized --(capture)--> captured
//   created --(fail)--> failed          authorized --(fail)--> failed
//   captured or partially_refunded --(refund)--> partially_refunded, or refunded once the
//   refunds add up to the captured amount
// failed and refunded are final. A failure from created is a declined authorization, and one
// from authorized is a failed capture. There is one capture of at most the authorized amount.
//
// Commands (decide) are const: they check the command against the state and return the event
// that records it, with version() + 1, but change nothing. apply() (evolve) checks an event
// against the state the same way and changes the state. The usual cycle is decide, append the
// event to an EventStore with expected version version(), and apply it once the append succeeded.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>

#include "paybench/eventsourcing/event.h"

namespace paybench {

enum class PaymentState : std::uint8_t {
  kNew,  // No event yet.
  kCreated,
  kAuthorized,
  kCaptured,
  kPartiallyRefunded,
  kRefunded,
  kFailed,
};

inline constexpr std::size_t kPaymentStateCount = 7;

// Returns "new", "created", "authorized", "captured", "partially_refunded", "refunded" or
// "failed", or "invalid" for a value outside the enum.
[[nodiscard]] std::string_view to_string(PaymentState state) noexcept;

// A command or event that the payment's state does not allow, such as capturing a failed
// payment. what() names the payment, the command, the state and the states that allow it.
class InvalidPaymentTransition : public std::runtime_error {
 public:
  InvalidPaymentTransition(std::uint64_t aggregate_id, PaymentEventType command,
                           PaymentState state);

  [[nodiscard]] std::uint64_t aggregate_id() const noexcept { return aggregate_id_; }
  // The command, named by the type of event that it records.
  [[nodiscard]] PaymentEventType command() const noexcept { return command_; }
  [[nodiscard]] PaymentState state() const noexcept { return state_; }

 private:
  std::uint64_t aggregate_id_;
  PaymentEventType command_;
  PaymentState state_;
};

class PaymentAggregate {
 public:
  // Creates the aggregate of payment `id` in state new, at version 0.
  explicit PaymentAggregate(std::uint64_t id) noexcept : id_(id) {}

  // Applies `events` in order to a new aggregate of payment `id`. Throws what apply() throws.
  [[nodiscard]] static PaymentAggregate replay(std::uint64_t id,
                                               std::span<const PaymentEvent> events);

  // Commands. Each throws InvalidPaymentTransition when the state does not allow it, and
  // std::invalid_argument for an amount or currency outside the limits that it names.

  // Records a new payment of `amount_minor` > 0 for the merchant.
  [[nodiscard]] PaymentEvent create(std::uint32_t merchant_id, std::int64_t amount_minor,
                                    std::array<char, 3> currency, EventTimestamp at) const;
  // Records the authorization of the whole amount.
  [[nodiscard]] PaymentEvent authorize(EventTimestamp at) const;
  // Records a capture of 1 to amount_minor().
  [[nodiscard]] PaymentEvent capture(std::int64_t amount_minor, EventTimestamp at) const;
  // Records a declined authorization or a failed capture.
  [[nodiscard]] PaymentEvent fail(EventTimestamp at) const;
  // Records a refund of 1 to refundable_minor().
  [[nodiscard]] PaymentEvent refund(std::int64_t amount_minor, EventTimestamp at) const;

  // Returns whether the state allows the command that records an event of `type`. Amounts are
  // not considered.
  [[nodiscard]] bool allows(PaymentEventType type) const noexcept;

  // Changes the state by one event. Throws std::invalid_argument when the event belongs to
  // another payment, does not have version version() + 1, or breaks an amount, merchant or
  // currency rule, and InvalidPaymentTransition when the state does not allow its type. The
  // aggregate is unchanged when it throws.
  void apply(const PaymentEvent& event);

  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
  // The version of the last applied event, 0 before the first.
  [[nodiscard]] std::uint64_t version() const noexcept { return version_; }
  [[nodiscard]] PaymentState state() const noexcept { return state_; }
  // Merchant, currency and amount of the kCreated event, zero before it.
  [[nodiscard]] std::uint32_t merchant_id() const noexcept { return merchant_id_; }
  [[nodiscard]] const std::array<char, 3>& currency() const noexcept { return currency_; }
  [[nodiscard]] std::int64_t amount_minor() const noexcept { return amount_minor_; }
  [[nodiscard]] std::int64_t captured_minor() const noexcept { return captured_minor_; }
  [[nodiscard]] std::int64_t refunded_minor() const noexcept { return refunded_minor_; }
  [[nodiscard]] std::int64_t refundable_minor() const noexcept {
    return captured_minor_ - refunded_minor_;
  }
  // Timestamp of the last applied event.
  [[nodiscard]] EventTimestamp updated_at() const noexcept { return updated_at_; }

  friend bool operator==(const PaymentAggregate&, const PaymentAggregate&) = default;

 private:
  // Throws unless the state allows `type` and `amount_minor` is within its limits.
  void check_command(PaymentEventType type, std::int64_t amount_minor) const;
  PaymentEvent make_event(PaymentEventType type, std::int64_t amount_minor,
                          EventTimestamp at) const;

  std::uint64_t id_;
  std::uint64_t version_ = 0;
  PaymentState state_ = PaymentState::kNew;
  std::uint32_t merchant_id_ = 0;
  std::array<char, 3> currency_{};
  std::int64_t amount_minor_ = 0;
  std::int64_t captured_minor_ = 0;
  std::int64_t refunded_minor_ = 0;
  EventTimestamp updated_at_{};
};

}  // namespace paybench
