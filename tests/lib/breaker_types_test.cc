// Tests of the vocabulary that both circuit breakers share: state names and error codes.

#include "paybench/resilience/breaker_types.h"

#include <gtest/gtest.h>

#include <string>
#include <system_error>

namespace paybench {
namespace {

TEST(BreakerTypesTest, StateNamesMatchGobreaker) {
  EXPECT_EQ(to_string(BreakerState::kClosed), "closed");
  EXPECT_EQ(to_string(BreakerState::kHalfOpen), "half-open");
  EXPECT_EQ(to_string(BreakerState::kOpen), "open");
}

TEST(BreakerTypesTest, ErrorCodesUseBreakerCategory) {
  const std::error_code open = BreakerErrc::kOpen;
  const std::error_code too_many = make_error_code(BreakerErrc::kTooManyRequests);

  EXPECT_EQ(&open.category(), &breaker_category());
  EXPECT_EQ(std::string(breaker_category().name()), "circuit breaker");
  EXPECT_EQ(open.message(), "circuit breaker is open");
  EXPECT_EQ(too_many.message(), "too many requests while the circuit breaker is half-open");
  EXPECT_NE(open, too_many);
  EXPECT_TRUE(static_cast<bool>(open));
}

}  // namespace
}  // namespace paybench
