// PaymentSummaryView: a read model (the query side of CQRS) built from an EventStore's global
// event order: each payment's current state, totals per currency, counts per state, and the
// payments of a merchant or in a state.
//
// The view remembers the position of the next event it needs. apply() and catch_up() skip
// events below that position, so feeding an event twice changes nothing, and reject a position
// above it, because a gap would leave the view wrong without any sign of it.
//
// Not thread-safe: one thread updates and queries a view, or the caller adds a lock.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "paybench/eventsourcing/event_store.h"
#include "paybench/eventsourcing/payment_aggregate.h"

namespace paybench {

// Sums over the payments of one currency, in its minor unit.
struct CurrencyTotals {
  std::int64_t created_minor = 0;   // Amounts of every created payment.
  std::int64_t captured_minor = 0;  // Captured amounts, refunds not deducted.
  std::int64_t refunded_minor = 0;

  [[nodiscard]] std::int64_t net_captured_minor() const noexcept {
    return captured_minor - refunded_minor;
  }

  friend bool operator==(const CurrencyTotals&, const CurrencyTotals&) = default;
};

class PaymentSummaryView {
 public:
  // Applies every event of `store` from next_position() to the store's end position, and
  // returns how many it applied. Throws what apply() or the store throws. The events before the
  // one that failed stay applied, and next_position() names the one that failed.
  std::uint64_t catch_up(const EventStore& store);

  // Applies the event when its position is next_position() and returns true. Returns false and
  // changes nothing for a position below it. Throws std::invalid_argument for a position above
  // it, and what PaymentAggregate::apply() throws for an event that breaks the payment's rules.
  // The view is unchanged when the event is rejected.
  bool apply(const RecordedEvent& recorded);

  // Position of the next event that the view needs, 0 for a new view.
  [[nodiscard]] std::uint64_t next_position() const noexcept { return next_position_; }

  [[nodiscard]] std::size_t payment_count() const noexcept { return payments_.size(); }

  [[nodiscard]] std::size_t count_in_state(PaymentState state) const;

  // Returns the totals of `currency`, zero for a currency without payments. Throws
  // std::invalid_argument unless it is three uppercase letters.
  [[nodiscard]] CurrencyTotals totals(std::string_view currency) const;

  // Returns the currency codes with at least one payment, in ascending order.
  [[nodiscard]] std::vector<std::string> currencies() const;

  // Returns the payment's state, or nullptr for a payment without events. The pointer is valid
  // until the next apply() or catch_up().
  [[nodiscard]] const PaymentAggregate* find(std::uint64_t payment_id) const;

  // Returns the ids of the merchant's payments in ascending order.
  [[nodiscard]] std::vector<std::uint64_t> payments_of_merchant(std::uint32_t merchant_id) const;

  // Returns the ids of the payments in `state` in ascending order.
  [[nodiscard]] std::vector<std::uint64_t> payments_in_state(PaymentState state) const;

 private:
  std::uint64_t next_position_ = 0;
  std::unordered_map<std::uint64_t, PaymentAggregate> payments_;
  // Indexed by PaymentState. No payment is ever in state new.
  std::array<std::set<std::uint64_t>, kPaymentStateCount> ids_by_state_;
  // Ids in the order of their kCreated events.
  std::unordered_map<std::uint32_t, std::vector<std::uint64_t>> ids_by_merchant_;
  std::map<std::array<char, 3>, CurrencyTotals> totals_;
};

}  // namespace paybench
