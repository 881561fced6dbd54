#include "paybench/eventsourcing/event.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace paybench {

std::string_view to_string(PaymentEventType type) noexcept {
  switch (type) {
    case PaymentEventType::kCreated:
      return "created";
    case PaymentEventType::kAuthorized:
      return "authorized";
    case PaymentEventType::kCaptured:
      return "captured";
    case PaymentEventType::kFailed:
      return "failed";
    case PaymentEventType::kRefunded:
      return "refunded";
  }
  return "invalid";
}

std::array<char, 3> make_currency(std::string_view text) {
  const bool is_uppercase_code =
      text.size() == 3 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!is_uppercase_code) {
    throw std::invalid_argument("invalid currency '" + std::string(text) +
                                "': expected an ISO 4217 code of three uppercase letters, "
                                "such as EUR");
  }
  return {text[0], text[1], text[2]};
}

}  // namespace paybench
