#include "paybench/eventsourcing/payment_aggregate.h"

#include <limits>
#include <string>

namespace paybench {
namespace {

// The command that records an event of `type`, for messages.
std::string_view command_name(PaymentEventType type) {
  switch (type) {
    case PaymentEventType::kCreated:
      return "create";
    case PaymentEventType::kAuthorized:
      return "authorize";
    case PaymentEventType::kCaptured:
      return "capture";
    case PaymentEventType::kFailed:
      return "fail";
    case PaymentEventType::kRefunded:
      return "refund";
  }
  return "invalid command";
}

// The states in which the command that records an event of `type` is allowed, for messages.
std::string_view allowed_states(PaymentEventType type) {
  switch (type) {
    case PaymentEventType::kCreated:
      return "new";
    case PaymentEventType::kAuthorized:
      return "created";
    case PaymentEventType::kCaptured:
      return "authorized";
    case PaymentEventType::kFailed:
      return "created or authorized";
    case PaymentEventType::kRefunded:
      return "captured or partially_refunded";
  }
  return "none";
}

std::string describe_payment(std::uint64_t aggregate_id, PaymentEventType type) {
  return std::string(command_name(type)) + " of payment " + std::to_string(aggregate_id);
}

}  // namespace

std::string_view to_string(PaymentState state) noexcept {
  switch (state) {
    case PaymentState::kNew:
      return "new";
    case PaymentState::kCreated:
      return "created";
    case PaymentState::kAuthorized:
      return "authorized";
    case PaymentState::kCaptured:
      return "captured";
    case PaymentState::kPartiallyRefunded:
      return "partially_refunded";
    case PaymentState::kRefunded:
      return "refunded";
    case PaymentState::kFailed:
      return "failed";
  }
  return "invalid";
}

InvalidPaymentTransition::InvalidPaymentTransition(std::uint64_t aggregate_id,
                                                   PaymentEventType command, PaymentState state)
    : std::runtime_error("invalid " + describe_payment(aggregate_id, command) +
                         ": the payment is " + std::string(to_string(state)) + ", and " +
                         std::string(command_name(command)) + " needs state " +
                         std::string(allowed_states(command))),
      aggregate_id_(aggregate_id),
      command_(command),
      state_(state) {}

PaymentAggregate PaymentAggregate::replay(std::uint64_t id, std::span<const PaymentEvent> events) {
  PaymentAggregate aggregate(id);
  for (const PaymentEvent& event : events) {
    aggregate.apply(event);
  }
  return aggregate;
}

bool PaymentAggregate::allows(PaymentEventType type) const noexcept {
  switch (type) {
    case PaymentEventType::kCreated:
      return state_ == PaymentState::kNew;
    case PaymentEventType::kAuthorized:
      return state_ == PaymentState::kCreated;
    case PaymentEventType::kCaptured:
      return state_ == PaymentState::kAuthorized;
    case PaymentEventType::kFailed:
      return state_ == PaymentState::kCreated || state_ == PaymentState::kAuthorized;
    case PaymentEventType::kRefunded:
      return state_ == PaymentState::kCaptured || state_ == PaymentState::kPartiallyRefunded;
  }
  return false;
}

PaymentEvent PaymentAggregate::create(std::uint32_t merchant_id, std::int64_t amount_minor,
                                      std::array<char, 3> currency, EventTimestamp at) const {
  check_command(PaymentEventType::kCreated, amount_minor);
  // make_currency() throws std::invalid_argument naming the code unless it is valid.
  const std::array<char, 3> checked_currency = make_currency(currency_code(currency));

  PaymentEvent event = make_event(PaymentEventType::kCreated, amount_minor, at);
  event.merchant_id = merchant_id;
  event.currency = checked_currency;
  return event;
}

PaymentEvent PaymentAggregate::authorize(EventTimestamp at) const {
  check_command(PaymentEventType::kAuthorized, amount_minor_);
  return make_event(PaymentEventType::kAuthorized, amount_minor_, at);
}

PaymentEvent PaymentAggregate::capture(std::int64_t amount_minor, EventTimestamp at) const {
  check_command(PaymentEventType::kCaptured, amount_minor);
  return make_event(PaymentEventType::kCaptured, amount_minor, at);
}

PaymentEvent PaymentAggregate::fail(EventTimestamp at) const {
  check_command(PaymentEventType::kFailed, 0);
  return make_event(PaymentEventType::kFailed, 0, at);
}

PaymentEvent PaymentAggregate::refund(std::int64_t amount_minor, EventTimestamp at) const {
  check_command(PaymentEventType::kRefunded, amount_minor);
  return make_event(PaymentEventType::kRefunded, amount_minor, at);
}

void PaymentAggregate::apply(const PaymentEvent& event) {
  if (event.aggregate_id != id_) {
    throw std::invalid_argument("invalid event for payment " + std::to_string(id_) +
                                ": it belongs to payment " + std::to_string(event.aggregate_id));
  }
  if (event.version != version_ + 1) {
    throw std::invalid_argument("invalid event for payment " + std::to_string(id_) + ": version " +
                                std::to_string(event.version) + ", expected " +
                                std::to_string(version_ + 1));
  }
  check_command(event.type, event.amount_minor);

  if (event.type == PaymentEventType::kCreated) {
    // Validates the currency the same way create() does.
    static_cast<void>(make_currency(currency_code(event.currency)));
  } else if (event.merchant_id != merchant_id_ || event.currency != currency_) {
    throw std::invalid_argument(
        "invalid event for payment " + std::to_string(id_) + ": merchant " +
        std::to_string(event.merchant_id) + " and currency " +
        std::string(currency_code(event.currency)) + " differ from the payment's merchant " +
        std::to_string(merchant_id_) + " and currency " + std::string(currency_code(currency_)));
  }

  // Every check has passed, so the changes below cannot be left half done.
  switch (event.type) {
    case PaymentEventType::kCreated:
      state_ = PaymentState::kCreated;
      merchant_id_ = event.merchant_id;
      currency_ = event.currency;
      amount_minor_ = event.amount_minor;
      break;
    case PaymentEventType::kAuthorized:
      state_ = PaymentState::kAuthorized;
      break;
    case PaymentEventType::kCaptured:
      state_ = PaymentState::kCaptured;
      captured_minor_ = event.amount_minor;
      break;
    case PaymentEventType::kFailed:
      state_ = PaymentState::kFailed;
      break;
    case PaymentEventType::kRefunded:
      refunded_minor_ += event.amount_minor;
      state_ = refunded_minor_ == captured_minor_ ? PaymentState::kRefunded
                                                  : PaymentState::kPartiallyRefunded;
      break;
  }
  version_ = event.version;
  updated_at_ = event.timestamp;
}

void PaymentAggregate::check_command(PaymentEventType type, std::int64_t amount_minor) const {
  if (!is_payment_event_type(static_cast<std::uint8_t>(type))) {
    throw std::invalid_argument("invalid event type value " +
                                std::to_string(static_cast<unsigned>(type)) + " for payment " +
                                std::to_string(id_));
  }
  if (!allows(type)) {
    throw InvalidPaymentTransition(id_, type, state_);
  }

  // The inclusive range [min, max] of amounts that the command accepts in this state.
  std::int64_t min_amount = 1;
  std::int64_t max_amount = 0;
  switch (type) {
    case PaymentEventType::kCreated:
      max_amount = std::numeric_limits<std::int64_t>::max();
      break;
    case PaymentEventType::kAuthorized:
      min_amount = amount_minor_;
      max_amount = amount_minor_;
      break;
    case PaymentEventType::kCaptured:
      max_amount = amount_minor_;
      break;
    case PaymentEventType::kFailed:
      min_amount = 0;
      max_amount = 0;
      break;
    case PaymentEventType::kRefunded:
      max_amount = refundable_minor();
      break;
  }
  if (amount_minor < min_amount || amount_minor > max_amount) {
    throw std::invalid_argument("invalid amount " + std::to_string(amount_minor) + " for " +
                                describe_payment(id_, type) + ": expected " +
                                std::to_string(min_amount) + " to " + std::to_string(max_amount) +
                                " minor units");
  }
}

PaymentEvent PaymentAggregate::make_event(PaymentEventType type, std::int64_t amount_minor,
                                          EventTimestamp at) const {
  PaymentEvent event;
  event.aggregate_id = id_;
  event.version = version_ + 1;
  event.type = type;
  event.amount_minor = amount_minor;
  event.timestamp = at;
  event.merchant_id = merchant_id_;
  event.currency = currency_;
  return event;
}

}  // namespace paybench
