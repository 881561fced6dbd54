// Tests of PaymentSummaryView: what catch_up() builds from a store, incremental and repeated
// catch-up, gaps and invalid events, and agreement with replaying each payment.

#include "paybench/eventsourcing/read_model.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "event_sourcing_test_support.h"
#include "paybench/eventsourcing/memory_event_store.h"
#include "paybench/eventsourcing/sqlite_event_store.h"

namespace paybench {
namespace {

using testing::decide_random_command;
using testing::kTestEpoch;
using testing::message_of;
using testing::TemporaryDirectory;

// Writes payments through PaymentAggregate commands, as a payment service would.
class PaymentWriter {
 public:
  explicit PaymentWriter(EventStore& store) : store_(store) {}

  // Decides the event with `command`, appends it and applies it. Fails the test on a conflict.
  template <class Command>
  void run(std::uint64_t payment_id, Command command) {
    PaymentAggregate payment = PaymentAggregate::replay(payment_id, store_.load(payment_id));
    const PaymentEvent event = command(payment, kTestEpoch);
    ASSERT_TRUE(store_.append(payment_id, payment.version(), {&event, 1}).ok());
  }

  void create(std::uint64_t payment_id, std::uint32_t merchant, std::int64_t amount,
              const char* currency) {
    run(payment_id, [&](const PaymentAggregate& payment, EventTimestamp at) {
      return payment.create(merchant, amount, make_currency(currency), at);
    });
  }

 private:
  EventStore& store_;
};

// Payment 1: EUR 1000 at merchant 5, authorized, 800 captured, 300 refunded.
// Payment 2: USD 2000 at merchant 5, failed.
// Payment 3: EUR 500 at merchant 6, authorized.
void write_three_payments(EventStore& store) {
  PaymentWriter writer(store);
  writer.create(1, 5, 1000, "EUR");
  writer.create(2, 5, 2000, "USD");
  writer.create(3, 6, 500, "EUR");
  writer.run(1, [](const PaymentAggregate& p, EventTimestamp at) { return p.authorize(at); });
  writer.run(2, [](const PaymentAggregate& p, EventTimestamp at) { return p.fail(at); });
  writer.run(3, [](const PaymentAggregate& p, EventTimestamp at) { return p.authorize(at); });
  writer.run(1, [](const PaymentAggregate& p, EventTimestamp at) { return p.capture(800, at); });
  writer.run(1, [](const PaymentAggregate& p, EventTimestamp at) { return p.refund(300, at); });
}

TEST(PaymentSummaryViewTest, CatchUpBuildsSummary) {
  MemoryEventStore store;
  write_three_payments(store);
  PaymentSummaryView view;

  const std::uint64_t applied = view.catch_up(store);

  EXPECT_EQ(applied, 8u);
  EXPECT_EQ(view.next_position(), 8u);
  EXPECT_EQ(view.payment_count(), 3u);
  EXPECT_EQ(view.totals("EUR"), (CurrencyTotals{1500, 800, 300}));
  EXPECT_EQ(view.totals("USD"), (CurrencyTotals{2000, 0, 0}));
  EXPECT_EQ(view.totals("GBP"), CurrencyTotals{});
  EXPECT_EQ(view.totals("EUR").net_captured_minor(), 500);
  EXPECT_EQ(view.currencies(), (std::vector<std::string>{"EUR", "USD"}));
  EXPECT_EQ(view.count_in_state(PaymentState::kPartiallyRefunded), 1u);
  EXPECT_EQ(view.count_in_state(PaymentState::kFailed), 1u);
  EXPECT_EQ(view.count_in_state(PaymentState::kAuthorized), 1u);
  EXPECT_EQ(view.count_in_state(PaymentState::kCreated), 0u);
  EXPECT_EQ(view.payments_of_merchant(5), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(view.payments_of_merchant(6), (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(view.payments_of_merchant(7).empty());
  EXPECT_EQ(view.payments_in_state(PaymentState::kAuthorized), (std::vector<std::uint64_t>{3}));
  ASSERT_NE(view.find(1), nullptr);
  EXPECT_EQ(view.find(1)->state(), PaymentState::kPartiallyRefunded);
  EXPECT_EQ(view.find(1)->refundable_minor(), 500);
  EXPECT_EQ(view.find(4), nullptr);
}

TEST(PaymentSummaryViewTest, CatchUpReadsOnlyNewEvents) {
  MemoryEventStore store;
  write_three_payments(store);
  PaymentSummaryView view;
  ASSERT_EQ(view.catch_up(store), 8u);

  const std::uint64_t nothing_new = view.catch_up(store);
  PaymentWriter writer(store);
  writer.run(3, [](const PaymentAggregate& p, EventTimestamp at) { return p.capture(500, at); });
  const std::uint64_t one_new = view.catch_up(store);

  EXPECT_EQ(nothing_new, 0u);
  EXPECT_EQ(one_new, 1u);
  EXPECT_EQ(view.next_position(), store.end_position());
  EXPECT_EQ(view.totals("EUR").captured_minor, 1300);
  EXPECT_EQ(view.payments_in_state(PaymentState::kCaptured), (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(view.payments_in_state(PaymentState::kAuthorized).empty());
}

TEST(PaymentSummaryViewTest, SamePositionTwiceChangesNothing) {
  MemoryEventStore store;
  write_three_payments(store);
  const std::vector<RecordedEvent> events = store.read_all(0);
  PaymentSummaryView view;
  for (const RecordedEvent& recorded : events) {
    ASSERT_TRUE(view.apply(recorded));
  }
  const CurrencyTotals euro_before = view.totals("EUR");

  for (const RecordedEvent& recorded : events) {
    EXPECT_FALSE(view.apply(recorded)) << "position " << recorded.position;
  }

  EXPECT_EQ(view.totals("EUR"), euro_before);
  EXPECT_EQ(view.next_position(), events.size());
  EXPECT_EQ(view.payments_of_merchant(5), (std::vector<std::uint64_t>{1, 2}));
}

TEST(PaymentSummaryViewTest, GapIsRejected) {
  MemoryEventStore store;
  write_three_payments(store);
  const std::vector<RecordedEvent> events = store.read_all(0);
  PaymentSummaryView view;

  const std::string message = message_of<std::invalid_argument>([&] { view.apply(events[2]); });

  EXPECT_NE(message.find("position 2 skips positions 0 to 1"), std::string::npos) << message;
  EXPECT_EQ(view.next_position(), 0u);
  EXPECT_EQ(view.payment_count(), 0u);
}

TEST(PaymentSummaryViewTest, InvalidEventStopsCatchUp) {
  // The store does not check payment rules, so a buggy writer can store a refund of a payment
  // that was never captured.
  MemoryEventStore store;
  PaymentWriter writer(store);
  writer.create(1, 5, 1000, "EUR");
  PaymentEvent refund = store.load(1).front();
  refund.version = 2;
  refund.type = PaymentEventType::kRefunded;
  refund.amount_minor = 1;
  ASSERT_TRUE(store.append(1, 1, {&refund, 1}).ok());
  PaymentSummaryView view;

  EXPECT_THROW(view.catch_up(store), InvalidPaymentTransition);

  EXPECT_EQ(view.next_position(), 1u);
  EXPECT_EQ(view.count_in_state(PaymentState::kCreated), 1u);
  EXPECT_EQ(view.totals("EUR"), (CurrencyTotals{1000, 0, 0}));
}

TEST(PaymentSummaryViewTest, InvalidCurrencyQueryThrows) {
  const PaymentSummaryView view;

  const std::string message =
      message_of<std::invalid_argument>([&] { static_cast<void>(view.totals("euro")); });

  EXPECT_NE(message.find("invalid currency 'euro'"), std::string::npos) << message;
}

// Random payments in a store, then checks that the view agrees with replaying each payment.
void check_view_matches_replay(EventStore& store) {
  constexpr std::uint64_t kPaymentCount = 400;
  constexpr int kMaxCommands = 6;
  std::mt19937_64 random(7);
  std::vector<PaymentAggregate> payments;
  for (std::uint64_t id = 1; id <= kPaymentCount; ++id) {
    payments.emplace_back(id);
  }
  // Interleave the payments, so that the global order differs from each stream's order.
  for (int round = 0; round < kMaxCommands; ++round) {
    for (PaymentAggregate& payment : payments) {
      const bool is_final =
          payment.state() == PaymentState::kRefunded || payment.state() == PaymentState::kFailed;
      const bool skips_round = round > 0 && std::uniform_int_distribution<int>(0, 3)(random) == 0;
      if (is_final || skips_round) {
        continue;
      }
      const EventTimestamp at = kTestEpoch + std::chrono::seconds(round);
      const PaymentEvent event = decide_random_command(payment, random, at);
      ASSERT_TRUE(store.append(payment.id(), payment.version(), {&event, 1}).ok());
      payment.apply(event);
    }
  }
  PaymentSummaryView view;

  view.catch_up(store);

  ASSERT_EQ(view.next_position(), store.end_position());
  std::map<std::string, CurrencyTotals> expected_totals;
  std::array<std::size_t, kPaymentStateCount> expected_counts{};
  for (const PaymentAggregate& payment : payments) {
    ASSERT_NE(view.find(payment.id()), nullptr) << "payment " << payment.id();
    EXPECT_EQ(*view.find(payment.id()), payment) << "payment " << payment.id();
    CurrencyTotals& totals = expected_totals[std::string(currency_code(payment.currency()))];
    totals.created_minor += payment.amount_minor();
    totals.captured_minor += payment.captured_minor();
    totals.refunded_minor += payment.refunded_minor();
    ++expected_counts[static_cast<std::size_t>(payment.state())];
  }
  for (const auto& [currency, totals] : expected_totals) {
    EXPECT_EQ(view.totals(currency), totals) << currency;
  }
  for (std::size_t state = 0; state < kPaymentStateCount; ++state) {
    EXPECT_EQ(view.count_in_state(static_cast<PaymentState>(state)), expected_counts[state])
        << to_string(static_cast<PaymentState>(state));
  }
}

TEST(PaymentSummaryViewTest, MatchesReplayOfMemoryStore) {
  MemoryEventStore store;
  check_view_matches_replay(store);
}

TEST(PaymentSummaryViewTest, MatchesReplayOfSqliteStore) {
  // synchronous = OFF: the test checks the read path, and 1000+ synced commits would be slow.
  const TemporaryDirectory directory;
  SqliteEventStore store(directory.path() / "events.db", {.synchronous = SqliteSynchronous::kOff});
  check_view_matches_replay(store);
}

}  // namespace
}  // namespace paybench
