// Helpers shared by the event store, payment aggregate and read model tests: gtest printers for
// the event types, a temporary directory per test, builders of events and random commands.

#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "paybench/eventsourcing/event.h"
#include "paybench/eventsourcing/event_store.h"
#include "paybench/eventsourcing/payment_aggregate.h"

namespace paybench {

// gtest finds these printers through argument-dependent lookup, so failures show the fields
// instead of raw bytes.
inline void PrintTo(PaymentEventType type, std::ostream* out) { *out << to_string(type); }

inline void PrintTo(PaymentState state, std::ostream* out) { *out << to_string(state); }

inline void PrintTo(const PaymentEvent& event, std::ostream* out) {
  *out << "{stream " << event.aggregate_id << " version " << event.version << " "
       << to_string(event.type) << " " << event.amount_minor << " " << currency_code(event.currency)
       << " merchant " << event.merchant_id << " at " << event.timestamp.time_since_epoch().count()
       << " us}";
}

inline void PrintTo(const RecordedEvent& recorded, std::ostream* out) {
  *out << "position " << recorded.position << " ";
  PrintTo(recorded.event, out);
}

inline void PrintTo(const VersionConflict& conflict, std::ostream* out) {
  *out << "{stream " << conflict.aggregate_id << " expected " << conflict.expected_version
       << " actual " << conflict.actual_version << "}";
}

}  // namespace paybench

namespace paybench::testing {

// A directory under the system's temporary directory, named after the running test and the
// process id, created empty and removed with everything in it at destruction.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    const ::testing::TestInfo* const test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "paybench_" + std::string(test->test_suite_name()) + "_" + test->name() +
                       "_" + std::to_string(::getpid());
    for (char& c : name) {
      if (c == '/') {
        c = '_';  // Typed and parameterized test names contain slashes.
      }
    }
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }

  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  ~TemporaryDirectory() {
    std::error_code ignored;  // A destructor must not throw, and a leftover directory is harmless.
    std::filesystem::remove_all(path_, ignored);
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `action` and returns the message of the `Exception` that it throws. Adds a test failure
// and returns an empty string when it throws nothing.
template <class Exception, class Action>
std::string message_of(Action&& action) {
  try {
    action();
  } catch (const Exception& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an exception, but none was thrown";
  return "";
}

// A fixed point in 2023, so that timestamps in failure output are recognizable.
inline constexpr EventTimestamp kTestEpoch{std::chrono::microseconds(1'700'000'000'000'000)};

// Returns an event whose every field derives from the stream and version, so that two events
// that differ in either differ in every field that a store keeps. The store does not check the
// payment rules, so the type simply cycles.
inline PaymentEvent make_test_event(std::uint64_t aggregate_id, std::uint64_t version) {
  PaymentEvent event;
  event.aggregate_id = aggregate_id;
  event.version = version;
  event.type = static_cast<PaymentEventType>(1 + (aggregate_id + version) % 5);
  event.amount_minor = static_cast<std::int64_t>(aggregate_id * 1000 + version);
  event.timestamp = kTestEpoch + std::chrono::microseconds(aggregate_id * 7 + version);
  event.merchant_id = static_cast<std::uint32_t>(aggregate_id % 1000 + 1);
  event.currency = (aggregate_id % 2 == 0) ? make_currency("EUR") : make_currency("USD");
  return event;
}

// Returns `count` events of the stream with versions first_version, first_version + 1, ...
inline std::vector<PaymentEvent> make_test_events(std::uint64_t aggregate_id,
                                                  std::uint64_t first_version, std::size_t count) {
  std::vector<PaymentEvent> events;
  for (std::size_t i = 0; i < count; ++i) {
    events.push_back(make_test_event(aggregate_id, first_version + i));
  }
  return events;
}

// Decides a random command that the payment's state allows, with a random valid amount. The
// payment must not be in a final state.
inline PaymentEvent decide_random_command(const PaymentAggregate& payment, std::mt19937_64& random,
                                          EventTimestamp at) {
  std::vector<PaymentEventType> allowed;
  for (const PaymentEventType type :
       {PaymentEventType::kCreated, PaymentEventType::kAuthorized, PaymentEventType::kCaptured,
        PaymentEventType::kFailed, PaymentEventType::kRefunded}) {
    if (payment.allows(type)) {
      allowed.push_back(type);
    }
  }
  if (allowed.empty()) {
    throw std::logic_error("decide_random_command: payment " + std::to_string(payment.id()) +
                           " is " + std::string(to_string(payment.state())) +
                           ", which allows no command");
  }
  const PaymentEventType type =
      allowed[std::uniform_int_distribution<std::size_t>(0, allowed.size() - 1)(random)];
  const auto random_up_to = [&random](std::int64_t max) {
    return std::uniform_int_distribution<std::int64_t>(1, max)(random);
  };

  switch (type) {
    case PaymentEventType::kCreated: {
      const auto merchant = static_cast<std::uint32_t>(random_up_to(20));
      const char* const currency = random_up_to(2) == 1 ? "EUR" : "USD";
      return payment.create(merchant, random_up_to(1'000'000), make_currency(currency), at);
    }
    case PaymentEventType::kAuthorized:
      return payment.authorize(at);
    case PaymentEventType::kCaptured:
      return payment.capture(random_up_to(payment.amount_minor()), at);
    case PaymentEventType::kFailed:
      return payment.fail(at);
    case PaymentEventType::kRefunded: {
      // Half the refunds take the whole rest, so that payments also reach kRefunded.
      const bool refunds_rest = random_up_to(2) == 1;
      const std::int64_t rest = payment.refundable_minor();
      return payment.refund(refunds_rest ? rest : random_up_to(rest), at);
    }
  }
  throw std::logic_error("decide_random_command: unknown event type");
}

}  // namespace paybench::testing
