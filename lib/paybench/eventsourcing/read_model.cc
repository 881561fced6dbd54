#include "paybench/eventsourcing/read_model.h"

#include <algorithm>
#include <span>
#include <stdexcept>

namespace paybench {

std::uint64_t PaymentSummaryView::catch_up(const EventStore& store) {
  std::uint64_t applied = 0;
  store.read_all(next_position_, [this, &applied](std::span<const RecordedEvent> batch) {
    for (const RecordedEvent& recorded : batch) {
      if (apply(recorded)) {
        ++applied;
      }
    }
  });
  return applied;
}

bool PaymentSummaryView::apply(const RecordedEvent& recorded) {
  if (recorded.position < next_position_) {
    return false;
  }
  if (recorded.position > next_position_) {
    throw std::invalid_argument(
        "invalid event for the payment summary view: position " +
        std::to_string(recorded.position) + " skips positions " + std::to_string(next_position_) +
        " to " + std::to_string(recorded.position - 1) +
        "; feed the events in global order from position " + std::to_string(next_position_));
  }

  // Apply to a copy first, so that an event that breaks the payment's rules changes nothing.
  const PaymentEvent& event = recorded.event;
  const auto existing = payments_.find(event.aggregate_id);
  PaymentAggregate payment =
      existing != payments_.end() ? existing->second : PaymentAggregate(event.aggregate_id);
  const PaymentState previous_state = payment.state();
  payment.apply(event);

  payments_.insert_or_assign(event.aggregate_id, payment);
  if (previous_state != PaymentState::kNew) {
    ids_by_state_[static_cast<std::size_t>(previous_state)].erase(event.aggregate_id);
  }
  ids_by_state_[static_cast<std::size_t>(payment.state())].insert(event.aggregate_id);

  CurrencyTotals& totals = totals_[event.currency];
  switch (event.type) {
    case PaymentEventType::kCreated:
      ids_by_merchant_[event.merchant_id].push_back(event.aggregate_id);
      totals.created_minor += event.amount_minor;
      break;
    case PaymentEventType::kCaptured:
      totals.captured_minor += event.amount_minor;
      break;
    case PaymentEventType::kRefunded:
      totals.refunded_minor += event.amount_minor;
      break;
    case PaymentEventType::kAuthorized:
    case PaymentEventType::kFailed:
      break;
  }

  ++next_position_;
  return true;
}

std::size_t PaymentSummaryView::count_in_state(PaymentState state) const {
  const auto index = static_cast<std::size_t>(state);
  if (index >= ids_by_state_.size()) {
    throw std::invalid_argument("invalid PaymentState value " + std::to_string(index));
  }
  return ids_by_state_[index].size();
}

CurrencyTotals PaymentSummaryView::totals(std::string_view currency) const {
  const auto found = totals_.find(make_currency(currency));
  return found == totals_.end() ? CurrencyTotals{} : found->second;
}

std::vector<std::string> PaymentSummaryView::currencies() const {
  std::vector<std::string> codes;
  codes.reserve(totals_.size());
  for (const auto& [currency, totals] : totals_) {
    codes.emplace_back(currency_code(currency));
  }
  return codes;
}

const PaymentAggregate* PaymentSummaryView::find(std::uint64_t payment_id) const {
  const auto found = payments_.find(payment_id);
  return found == payments_.end() ? nullptr : &found->second;
}

std::vector<std::uint64_t> PaymentSummaryView::payments_of_merchant(
    std::uint32_t merchant_id) const {
  const auto found = ids_by_merchant_.find(merchant_id);
  if (found == ids_by_merchant_.end()) {
    return {};
  }
  std::vector<std::uint64_t> ids = found->second;
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::uint64_t> PaymentSummaryView::payments_in_state(PaymentState state) const {
  const auto index = static_cast<std::size_t>(state);
  if (index >= ids_by_state_.size()) {
    throw std::invalid_argument("invalid PaymentState value " + std::to_string(index));
  }
  return {ids_by_state_[index].begin(), ids_by_state_[index].end()};
}

}  // namespace paybench
