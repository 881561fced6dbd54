// Tests of PaymentAggregate: the state machine, the amount rules, apply() on foreign or
// out-of-order events, and replay from a store against the aggregate that made the events.

#include "paybench/eventsourcing/payment_aggregate.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "event_sourcing_test_support.h"
#include "paybench/eventsourcing/memory_event_store.h"

namespace paybench {
namespace {

using testing::decide_random_command;
using testing::kTestEpoch;
using testing::message_of;

constexpr std::uint64_t kPaymentId = 11;
constexpr std::uint32_t kMerchant = 300;
constexpr std::int64_t kAmount = 10'000;

EventTimestamp at_second(int second) { return kTestEpoch + std::chrono::seconds(second); }

// Applies the event of each step to `payment`, so that tests can reach a state in one line.
void create(PaymentAggregate& payment) {
  payment.apply(payment.create(kMerchant, kAmount, make_currency("EUR"), at_second(1)));
}

void authorize(PaymentAggregate& payment) { payment.apply(payment.authorize(at_second(2))); }

void capture(PaymentAggregate& payment) { payment.apply(payment.capture(kAmount, at_second(3))); }

// Returns a payment driven into `state` by the shortest command sequence.
PaymentAggregate payment_in(PaymentState state) {
  PaymentAggregate payment(kPaymentId);
  switch (state) {
    case PaymentState::kNew:
      break;
    case PaymentState::kCreated:
      create(payment);
      break;
    case PaymentState::kAuthorized:
      create(payment);
      authorize(payment);
      break;
    case PaymentState::kCaptured:
      create(payment);
      authorize(payment);
      capture(payment);
      break;
    case PaymentState::kPartiallyRefunded:
      create(payment);
      authorize(payment);
      capture(payment);
      payment.apply(payment.refund(1, at_second(4)));
      break;
    case PaymentState::kRefunded:
      create(payment);
      authorize(payment);
      capture(payment);
      payment.apply(payment.refund(kAmount, at_second(4)));
      break;
    case PaymentState::kFailed:
      create(payment);
      payment.apply(payment.fail(at_second(2)));
      break;
  }
  return payment;
}

// Runs the command that records an event of `type`, with an amount that is valid wherever the
// state allows the command, and returns its event.
PaymentEvent run_command(const PaymentAggregate& payment, PaymentEventType type) {
  switch (type) {
    case PaymentEventType::kCreated:
      return payment.create(kMerchant, kAmount, make_currency("EUR"), at_second(9));
    case PaymentEventType::kAuthorized:
      return payment.authorize(at_second(9));
    case PaymentEventType::kCaptured:
      return payment.capture(1, at_second(9));
    case PaymentEventType::kFailed:
      return payment.fail(at_second(9));
    case PaymentEventType::kRefunded:
      return payment.refund(1, at_second(9));
  }
  throw std::logic_error("run_command: unknown event type");
}

TEST(PaymentAggregateTest, LifecycleUpdatesStateAndAmounts) {
  PaymentAggregate payment(kPaymentId);
  EXPECT_EQ(payment.state(), PaymentState::kNew);
  EXPECT_EQ(payment.version(), 0u);

  create(payment);
  EXPECT_EQ(payment.state(), PaymentState::kCreated);
  EXPECT_EQ(payment.merchant_id(), kMerchant);
  EXPECT_EQ(currency_code(payment.currency()), "EUR");
  EXPECT_EQ(payment.amount_minor(), kAmount);

  authorize(payment);
  EXPECT_EQ(payment.state(), PaymentState::kAuthorized);

  payment.apply(payment.capture(8'000, at_second(3)));
  EXPECT_EQ(payment.state(), PaymentState::kCaptured);
  EXPECT_EQ(payment.captured_minor(), 8'000);
  EXPECT_EQ(payment.refundable_minor(), 8'000);

  payment.apply(payment.refund(3'000, at_second(4)));
  EXPECT_EQ(payment.state(), PaymentState::kPartiallyRefunded);
  EXPECT_EQ(payment.refunded_minor(), 3'000);

  payment.apply(payment.refund(5'000, at_second(5)));
  EXPECT_EQ(payment.state(), PaymentState::kRefunded);
  EXPECT_EQ(payment.refundable_minor(), 0);
  EXPECT_EQ(payment.version(), 5u);
  EXPECT_EQ(payment.updated_at(), at_second(5));
}

TEST(PaymentAggregateTest, CommandReturnsEventWithoutApplying) {
  PaymentAggregate payment = payment_in(PaymentState::kAuthorized);
  const PaymentAggregate before = payment;

  const PaymentEvent event = payment.capture(2'500, at_second(7));

  EXPECT_EQ(payment, before);
  EXPECT_EQ(event.aggregate_id, kPaymentId);
  EXPECT_EQ(event.version, 3u);
  EXPECT_EQ(event.type, PaymentEventType::kCaptured);
  EXPECT_EQ(event.amount_minor, 2'500);
  EXPECT_EQ(event.merchant_id, kMerchant);
  EXPECT_EQ(currency_code(event.currency), "EUR");
  EXPECT_EQ(event.timestamp, at_second(7));
}

TEST(PaymentAggregateTest, TransitionTableIsEnforced) {
  constexpr std::array kStates = {
      PaymentState::kNew,      PaymentState::kCreated,           PaymentState::kAuthorized,
      PaymentState::kCaptured, PaymentState::kPartiallyRefunded, PaymentState::kRefunded,
      PaymentState::kFailed};
  constexpr std::array kCommands = {PaymentEventType::kCreated, PaymentEventType::kAuthorized,
                                    PaymentEventType::kCaptured, PaymentEventType::kFailed,
                                    PaymentEventType::kRefunded};
  // allowed[state][command], in the order of the two arrays above.
  constexpr bool allowed[7][5] = {
      {true, false, false, false, false},   // new: create
      {false, true, false, true, false},    // created: authorize, fail
      {false, false, true, true, false},    // authorized: capture, fail
      {false, false, false, false, true},   // captured: refund
      {false, false, false, false, true},   // partially_refunded: refund
      {false, false, false, false, false},  // refunded: final
      {false, false, false, false, false},  // failed: final
  };

  for (std::size_t s = 0; s < kStates.size(); ++s) {
    for (std::size_t c = 0; c < kCommands.size(); ++c) {
      SCOPED_TRACE(std::string(to_string(kCommands[c])) + " in state " +
                   std::string(to_string(kStates[s])));
      const PaymentAggregate payment = payment_in(kStates[s]);
      EXPECT_EQ(payment.allows(kCommands[c]), allowed[s][c]);
      if (allowed[s][c]) {
        EXPECT_NO_THROW(static_cast<void>(run_command(payment, kCommands[c])));
        continue;
      }
      try {
        static_cast<void>(run_command(payment, kCommands[c]));
        ADD_FAILURE() << "expected InvalidPaymentTransition";
      } catch (const InvalidPaymentTransition& error) {
        EXPECT_EQ(error.state(), kStates[s]);
        EXPECT_EQ(error.command(), kCommands[c]);
        EXPECT_EQ(error.aggregate_id(), kPaymentId);
      }
    }
  }
}

TEST(PaymentAggregateTest, InvalidTransitionMessageNamesState) {
  const PaymentAggregate payment = payment_in(PaymentState::kCaptured);

  const std::string message = message_of<InvalidPaymentTransition>(
      [&] { static_cast<void>(payment.authorize(at_second(5))); });

  EXPECT_EQ(message,
            "invalid authorize of payment 11: the payment is captured, and authorize needs "
            "state created");
}

TEST(PaymentAggregateTest, AmountsOutsideLimitsThrow) {
  const PaymentAggregate fresh(kPaymentId);
  const PaymentAggregate authorized = payment_in(PaymentState::kAuthorized);
  PaymentAggregate captured = payment_in(PaymentState::kCaptured);
  captured.apply(captured.refund(4'000, at_second(4)));

  const std::string zero_create = message_of<std::invalid_argument>(
      [&] { static_cast<void>(fresh.create(kMerchant, 0, make_currency("EUR"), at_second(1))); });
  const std::string bad_currency = message_of<std::invalid_argument>([&] {
    static_cast<void>(fresh.create(kMerchant, 5, {'e', 'u', 'r'}, at_second(1)));
  });
  const std::string over_capture = message_of<std::invalid_argument>(
      [&] { static_cast<void>(authorized.capture(kAmount + 1, at_second(3))); });
  const std::string over_refund = message_of<std::invalid_argument>(
      [&] { static_cast<void>(captured.refund(6'001, at_second(5))); });
  const std::string negative_refund = message_of<std::invalid_argument>(
      [&] { static_cast<void>(captured.refund(-1, at_second(5))); });

  EXPECT_NE(zero_create.find("invalid amount 0 for create of payment 11"), std::string::npos)
      << zero_create;
  EXPECT_NE(bad_currency.find("invalid currency 'eur'"), std::string::npos) << bad_currency;
  EXPECT_NE(over_capture.find("expected 1 to 10000"), std::string::npos) << over_capture;
  EXPECT_NE(over_refund.find("expected 1 to 6000"), std::string::npos) << over_refund;
  EXPECT_NE(negative_refund.find("invalid amount -1"), std::string::npos) << negative_refund;
}

TEST(PaymentAggregateTest, ApplyRejectsEventsOutOfPlace) {
  PaymentAggregate payment = payment_in(PaymentState::kAuthorized);
  const PaymentAggregate before = payment;
  PaymentEvent foreign = payment.capture(100, at_second(3));
  foreign.aggregate_id = kPaymentId + 1;
  PaymentEvent skipped = payment.capture(100, at_second(3));
  skipped.version = 4;
  PaymentEvent other_merchant = payment.capture(100, at_second(3));
  other_merchant.merchant_id = kMerchant + 1;
  PaymentEvent refund = payment.capture(100, at_second(3));
  refund.type = PaymentEventType::kRefunded;

  EXPECT_THROW(payment.apply(foreign), std::invalid_argument);
  EXPECT_THROW(payment.apply(skipped), std::invalid_argument);
  EXPECT_THROW(payment.apply(other_merchant), std::invalid_argument);
  EXPECT_THROW(payment.apply(refund), InvalidPaymentTransition);
  EXPECT_EQ(payment, before);
}

TEST(PaymentAggregateTest, ReplayEqualsLiveAggregate) {
  constexpr std::uint64_t kPaymentCount = 300;
  constexpr int kMaxCommands = 8;
  std::mt19937_64 random(20240611);
  MemoryEventStore store;
  std::vector<PaymentAggregate> live;
  std::array<int, kPaymentStateCount> final_states{};

  for (std::uint64_t id = 1; id <= kPaymentCount; ++id) {
    PaymentAggregate payment(id);
    const int command_count = std::uniform_int_distribution<int>(1, kMaxCommands)(random);
    for (int step = 0; step < command_count; ++step) {
      const bool is_final =
          payment.state() == PaymentState::kRefunded || payment.state() == PaymentState::kFailed;
      if (is_final) {
        break;
      }
      const PaymentEvent event = decide_random_command(payment, random, at_second(step));
      ASSERT_TRUE(store.append(id, payment.version(), {&event, 1}).ok());
      payment.apply(event);
    }
    ++final_states[static_cast<std::size_t>(payment.state())];
    live.push_back(payment);
  }

  for (const PaymentAggregate& payment : live) {
    const std::vector<PaymentEvent> events = store.load(payment.id());
    ASSERT_EQ(PaymentAggregate::replay(payment.id(), events), payment)
        << "payment " << payment.id() << " after " << events.size() << " events";
  }
  // The sequences must reach every state after new, or the comparison above misses some.
  for (std::size_t state = 1; state < kPaymentStateCount; ++state) {
    EXPECT_GT(final_states[state], 0) << to_string(static_cast<PaymentState>(state));
  }
}

TEST(PaymentAggregateTest, ReplayOfNoEventsIsNew) {
  const PaymentAggregate payment = PaymentAggregate::replay(kPaymentId, {});

  EXPECT_EQ(payment, PaymentAggregate(kPaymentId));
  EXPECT_EQ(payment.state(), PaymentState::kNew);
}

}  // namespace
}  // namespace paybench
