// eventsourcing/read_model_query: compute what merchant M has captured, net of refunds, from a
// CQRS read model, against computing it from the event stream.
//
// The memory store contains 20,000 payments of 5 events (10^5 events) for 100 merchants.
// - replay_events: scans every event with read_all() and sums the merchant's captures minus
//   refunds, which is what a service without a read model does.
// - read_model: PaymentSummaryView, caught up once from the same store, looks up the merchant's
//   payments and sums their captured minus refunded amounts.
// One operation is one query; the merchant cycles through all 100. Each benchmark checks every
// answer against the expected one, computed from the history when the store is filled.
#include <array>
#include <cstdint>
#include <string>

#include "event_stores.h"
#include "paybench/engine/workload.h"
#include "paybench/eventsourcing/read_model.h"

namespace {

using paybench::engine::State;
using paybench::workloads::Durability;
using paybench::workloads::EventStoreKind;
using paybench::workloads::StoreUnderTest;

constexpr std::uint64_t kPayments = 20'000;
constexpr std::uint32_t kMerchants = 100;

struct Fixture {
  StoreUnderTest store;
  paybench::PaymentSummaryView view;
  std::array<std::int64_t, kMerchants> expected_net_minor{};
};

// Fills the store, catches the view up, and computes each merchant's expected net amount from
// the histories themselves.
const Fixture& fixture() {
  static const Fixture built = [] {
    Fixture filled;
    filled.store = paybench::workloads::open_event_store(EventStoreKind::kMemory,
                                                         Durability::kNoSync);
    paybench::workloads::fill_with_payments(*filled.store.store, kPayments);
    filled.view.catch_up(*filled.store.store);
    for (std::uint64_t id = 1; id <= kPayments; ++id) {
      for (const paybench::PaymentEvent& event : paybench::workloads::payment_history(id)) {
        const std::int64_t sign = event.type == paybench::PaymentEventType::kCaptured   ? 1
                                  : event.type == paybench::PaymentEventType::kRefunded ? -1
                                                                                        : 0;
        filled.expected_net_minor[event.merchant_id] += sign * event.amount_minor;
      }
    }
    return filled;
  }();
  return built;
}

std::int64_t net_from_events(const paybench::EventStore& store, std::uint32_t merchant) {
  std::int64_t net = 0;
  store.read_all(0, [&](std::span<const paybench::RecordedEvent> batch) {
    for (const paybench::RecordedEvent& recorded : batch) {
      const paybench::PaymentEvent& event = recorded.event;
      if (event.merchant_id != merchant) continue;
      if (event.type == paybench::PaymentEventType::kCaptured) net += event.amount_minor;
      if (event.type == paybench::PaymentEventType::kRefunded) net -= event.amount_minor;
    }
  });
  return net;
}

std::int64_t net_from_view(const paybench::PaymentSummaryView& view, std::uint32_t merchant) {
  std::int64_t net = 0;
  for (const std::uint64_t id : view.payments_of_merchant(merchant)) {
    const paybench::PaymentAggregate* payment = view.find(id);
    net += payment->captured_minor() - payment->refunded_minor();
  }
  return net;
}

template <bool kUseView>
void run(State& state) {
  const Fixture& built = fixture();
  std::uint32_t merchant = 0;
  std::int64_t wrong_answers = 0;
  for (auto _ : state) {
    const std::int64_t net = kUseView ? net_from_view(built.view, merchant)
                                      : net_from_events(*built.store.store, merchant);
    wrong_answers += net == built.expected_net_minor[merchant] ? 0 : 1;
    merchant = merchant + 1 == kMerchants ? 0 : merchant + 1;
  }

  if (wrong_answers != 0) {
    state.skip_with_error(std::to_string(wrong_answers) +
                          " queries returned a net captured amount other than the one the "
                          "payment histories give");
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "eventsourcing",
    .name = "read_model_query",
    .description = "net captured amount of one merchant among 100, over 10^5 events; time per "
                   "query",
    .variants = {{"replay_events", "scan every event with read_all()", &run<false>},
                 {"read_model", "PaymentSummaryView: the merchant's payments, kept up to date",
                  &run<true>}},
    .baseline = "replay_events",
}};

}  // namespace
