#include "paybench/memory/payment_record.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string>

namespace paybench {

namespace {

constexpr std::size_t kUuidTextLength = 36;
constexpr std::array<std::size_t, 4> kUuidHyphenPositions = {8, 13, 18, 23};

struct FlagAttribute {
  std::string_view name;
  std::uint8_t flag;
};

constexpr std::array<FlagAttribute, 3> kFlagAttributes = {{
    {"captured", CompactPaymentRecord::kCaptured},
    {"refunded", CompactPaymentRecord::kRefunded},
    {"disputed", CompactPaymentRecord::kDisputed},
}};

struct MinorUnitException {
  std::string_view code;
  int digits;
};

// ISO 4217 currencies whose minor unit is not 2 decimal places (the ISO 4217 list published
// by SIX, 2024 edition). Sorted by code for std::lower_bound.
constexpr std::array<MinorUnitException, 26> kMinorUnitExceptions = {{
    {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"IQD", 3},
    {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3},
    {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3}, {"UGX", 0}, {"UYI", 0}, {"UYW", 4},
    {"VND", 0}, {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0},
}};

constexpr int kDefaultMinorUnitDigits = 2;

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

void validate_currency(std::string_view currency) {
  const auto is_uppercase_letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  const bool valid = currency.size() == 3 &&
                     std::all_of(currency.begin(), currency.end(), is_uppercase_letter);
  if (!valid) {
    throw std::invalid_argument("invalid currency " + quoted(currency) +
                                ": expected an ISO 4217 code of three uppercase letters, e.g. EUR");
  }
}

std::int64_t power_of_ten(int exponent) {
  std::int64_t result = 1;
  for (int i = 0; i < exponent; ++i) {
    result *= 10;
  }
  return result;
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::array<std::uint8_t, 16> parse_uuid(std::string_view text) {
  const auto invalid = [&] {
    return std::invalid_argument(
        "invalid payment id " + quoted(text) +
        ": expected a UUID of 36 characters, e.g. 0f8fad5b-d9cb-469f-a165-70867728950e");
  };
  if (text.size() != kUuidTextLength) {
    throw invalid();
  }

  std::array<std::uint8_t, 16> bytes{};
  std::size_t byte_index = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    const bool is_hyphen_position =
        std::find(kUuidHyphenPositions.begin(), kUuidHyphenPositions.end(), position) !=
        kUuidHyphenPositions.end();
    if (is_hyphen_position) {
      if (text[position] != '-') {
        throw invalid();
      }
      ++position;
      continue;
    }

    const int high = hex_digit_value(text[position]);
    const int low = hex_digit_value(text[position + 1]);
    if (high < 0 || low < 0) {
      throw invalid();
    }
    bytes[byte_index++] = static_cast<std::uint8_t>(high * 16 + low);
    position += 2;
  }
  return bytes;
}

std::string format_uuid(const std::array<std::uint8_t, 16>& bytes) {
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::string text;
  text.reserve(kUuidTextLength);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      text.push_back('-');
    }
    text.push_back(kHexDigits[bytes[i] >> 4]);
    text.push_back(kHexDigits[bytes[i] & 0x0F]);
  }
  return text;
}

// Parses "[-]digits[.digits]" with at most `digits` decimal places into minor units.
std::int64_t parse_amount(std::string_view text, std::string_view currency, int digits) {
  const auto invalid = [&](std::string_view reason) {
    return std::invalid_argument(
        "invalid amount " + quoted(text) + " for " + std::string(currency) + ": " +
        std::string(reason) + ". Expected an optional '-', digits and at most " +
        std::to_string(digits) + " decimal places, e.g. " + (digits == 0 ? "1234" : "12.34"));
  };

  std::string_view rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) {
    rest.remove_prefix(1);
  }

  const std::size_t point = rest.find('.');
  const std::string_view integer_part = rest.substr(0, point);
  const std::string_view fraction_part =
      point == std::string_view::npos ? std::string_view() : rest.substr(point + 1);
  const bool has_point = point != std::string_view::npos;

  const auto all_digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (integer_part.empty() || !all_digits(integer_part)) {
    throw invalid("the integer part is missing or not digits");
  }
  if (has_point && (fraction_part.empty() || !all_digits(fraction_part))) {
    throw invalid("the decimal places are missing or not digits");
  }
  if (fraction_part.size() > static_cast<std::size_t>(digits)) {
    throw invalid("too many decimal places");
  }

  // Accumulate the magnitude as a negative number, whose range includes INT64_MIN.
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::int64_t accumulated = 0;
  const auto append_digit = [&](char c) {
    const int digit = c - '0';
    if (accumulated < (kMin + digit) / 10) {
      throw invalid("the amount does not fit in 64-bit minor units");
    }
    accumulated = accumulated * 10 - digit;
  };
  for (const char c : integer_part) {
    append_digit(c);
  }
  for (const char c : fraction_part) {
    append_digit(c);
  }
  for (std::size_t i = fraction_part.size(); i < static_cast<std::size_t>(digits); ++i) {
    append_digit('0');
  }

  if (negative) {
    return accumulated;
  }
  if (accumulated == kMin) {
    throw invalid("the amount does not fit in 64-bit minor units");
  }
  return -accumulated;
}

std::string format_amount(std::int64_t amount_minor, int digits) {
  const bool negative = amount_minor < 0;
  // Unsigned arithmetic, because the magnitude of INT64_MIN does not fit in std::int64_t.
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(amount_minor)
                                           : static_cast<std::uint64_t>(amount_minor);
  const auto scale = static_cast<std::uint64_t>(power_of_ten(digits));

  std::string text = negative ? "-" : "";
  text += std::to_string(magnitude / scale);
  if (digits > 0) {
    const std::string fraction = std::to_string(magnitude % scale);
    text += '.';
    text.append(static_cast<std::size_t>(digits) - fraction.size(), '0');
    text += fraction;
  }
  return text;
}

std::uint8_t parse_flags(const std::map<std::string, std::string>& attributes) {
  std::uint8_t flags = 0;
  for (const auto& [name, value] : attributes) {
    const auto known = std::find_if(kFlagAttributes.begin(), kFlagAttributes.end(),
                                    [&](const FlagAttribute& flag) { return flag.name == name; });
    if (known == kFlagAttributes.end()) {
      throw std::invalid_argument("unknown payment attribute " + quoted(name) +
                                  ": expected one of captured, refunded, disputed");
    }
    if (value != "true" && value != "false") {
      throw std::invalid_argument("invalid value " + quoted(value) + " for attribute " +
                                  quoted(name) + ": expected true or false");
    }
    if (value == "true") {
      flags |= known->flag;
    }
  }
  return flags;
}

// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
// a fixed algorithm, so the samples are the same with every standard library, unlike the
// distributions in <random>.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Returns a value in [0, bound). The modulo bias is below 2^-40 for the small bounds used here.
  std::uint64_t below(std::uint64_t bound) { return next() % bound; }

 private:
  std::uint64_t state_;
};

struct SampleCurrency {
  std::array<char, 3> code;
  // Share of payments in per mille.
  std::uint64_t weight_per_mille;
  // Rough number of currency units per euro, so that amounts look alike across currencies.
  std::int64_t units_per_euro;
};

constexpr std::array<SampleCurrency, 11> kSampleCurrencies = {{
    {{'E', 'U', 'R'}, 380, 1},
    {{'U', 'S', 'D'}, 300, 1},
    {{'G', 'B', 'P'}, 120, 1},
    {{'C', 'H', 'F'}, 40, 1},
    {{'S', 'E', 'K'}, 30, 11},
    {{'P', 'L', 'N'}, 30, 4},
    {{'J', 'P', 'Y'}, 30, 160},
    {{'C', 'A', 'D'}, 30, 1},
    {{'A', 'U', 'D'}, 20, 2},
    {{'D', 'K', 'K'}, 10, 7},
    {{'K', 'W', 'D'}, 10, 1},
}};

const SampleCurrency& pick_currency(SplitMix64& random) {
  std::uint64_t ticket = random.below(1000);
  for (const SampleCurrency& currency : kSampleCurrencies) {
    if (ticket < currency.weight_per_mille) {
      return currency;
    }
    ticket -= currency.weight_per_mille;
  }
  return kSampleCurrencies.front();
}

// Returns an amount in minor units: 60% from 1 to 50 euros' worth, 30% up to 500, 10% up to 5000.
std::int64_t pick_amount_minor(SplitMix64& random, const SampleCurrency& currency) {
  const std::uint64_t band = random.below(10);
  const std::int64_t max_euros = band < 6 ? 50 : (band < 9 ? 500 : 5000);
  const std::int64_t euros = 1 + static_cast<std::int64_t>(random.below(max_euros));
  const std::int64_t minor_per_unit = power_of_ten(minor_unit_digits(
      std::string_view(currency.code.data(), currency.code.size())));
  const std::int64_t fraction = static_cast<std::int64_t>(random.below(minor_per_unit));
  return euros * currency.units_per_euro * minor_per_unit + fraction;
}

std::uint8_t pick_flags(SplitMix64& random) {
  constexpr std::uint64_t kCapturedPerMille = 920;
  constexpr std::uint64_t kRefundedPerMille = 40;
  constexpr std::uint64_t kDisputedPerMille = 6;

  if (random.below(1000) >= kCapturedPerMille) {
    return 0;
  }
  std::uint8_t flags = CompactPaymentRecord::kCaptured;
  if (random.below(1000) < kRefundedPerMille) {
    flags |= CompactPaymentRecord::kRefunded;
  }
  if (random.below(1000) < kDisputedPerMille) {
    flags |= CompactPaymentRecord::kDisputed;
  }
  return flags;
}

}  // namespace

int minor_unit_digits(std::string_view currency) {
  validate_currency(currency);
  const auto found = std::lower_bound(
      kMinorUnitExceptions.begin(), kMinorUnitExceptions.end(), currency,
      [](const MinorUnitException& entry, std::string_view code) { return entry.code < code; });
  if (found != kMinorUnitExceptions.end() && found->code == currency) {
    return found->digits;
  }
  return kDefaultMinorUnitDigits;
}

CompactPaymentRecord to_compact(const NaivePaymentRecord& record) {
  CompactPaymentRecord compact;
  compact.id = parse_uuid(record.id);

  const int digits = minor_unit_digits(record.currency);
  std::copy(record.currency.begin(), record.currency.end(), compact.currency.begin());
  compact.amount_minor = parse_amount(record.amount, record.currency, digits);
  compact.flags = parse_flags(record.attributes);
  return compact;
}

NaivePaymentRecord to_naive(const CompactPaymentRecord& record) {
  const std::string currency(record.currency.begin(), record.currency.end());
  const int digits = minor_unit_digits(currency);
  if ((record.flags & ~CompactPaymentRecord::kKnownFlags) != 0) {
    throw std::invalid_argument("invalid payment flags " + std::to_string(record.flags) +
                                ": only kCaptured, kRefunded and kDisputed (bits 0 to 2) exist");
  }

  NaivePaymentRecord naive;
  naive.id = format_uuid(record.id);
  naive.amount = format_amount(record.amount_minor, digits);
  naive.currency = currency;
  for (const FlagAttribute& attribute : kFlagAttributes) {
    if (record.has_flag(attribute.flag)) {
      naive.attributes.emplace(attribute.name, "true");
    }
  }
  return naive;
}

std::vector<CompactPaymentRecord> make_sample_records(std::size_t count, std::uint64_t seed) {
  constexpr std::uint8_t kUuidVersion4 = 0x40;
  constexpr std::uint8_t kUuidVariantRfc4122 = 0x80;

  SplitMix64 random(seed);
  std::vector<CompactPaymentRecord> records(count);
  for (CompactPaymentRecord& record : records) {
    // A version 4 (random) UUID: 122 random bits plus the version and variant fields.
    for (std::size_t i = 0; i < record.id.size(); i += 8) {
      const std::uint64_t bits = random.next();
      for (std::size_t j = 0; j < 8; ++j) {
        record.id[i + j] = static_cast<std::uint8_t>(bits >> (8 * j));
      }
    }
    record.id[6] = static_cast<std::uint8_t>((record.id[6] & 0x0F) | kUuidVersion4);
    record.id[8] = static_cast<std::uint8_t>((record.id[8] & 0x3F) | kUuidVariantRfc4122);

    const SampleCurrency& currency = pick_currency(random);
    record.currency = currency.code;
    record.amount_minor = pick_amount_minor(random, currency);
    record.flags = pick_flags(random);
  }
  return records;
}

}  // namespace paybench
