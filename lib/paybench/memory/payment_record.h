// Payment records in two layouts, for measuring what a compact, trivially copyable record saves
// over the design with strings and a map that many payment services start with.
//
// Contract:
// - CompactPaymentRecord is 32 bytes and trivially copyable, so records can be copied with
//   memcpy and two of them fill a 64-byte cache line.
// - NaivePaymentRecord stores the same facts as text: a UUID string, a decimal amount string,
//   a currency string and a map of flag attributes.
// - to_naive() and to_compact() convert without loss: to_compact(to_naive(r)) == r for every
//   valid record, and to_naive(to_compact(n)) == n for every naive record in canonical form
//   (lowercase UUID, amount with exactly the currency's decimal places, only set flags present).
// - Invalid input throws std::invalid_argument naming the value and the expected form.

#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace paybench {

struct CompactPaymentRecord {
  static constexpr std::uint8_t kCaptured = 1U << 0;
  static constexpr std::uint8_t kRefunded = 1U << 1;
  static constexpr std::uint8_t kDisputed = 1U << 2;
  static constexpr std::uint8_t kKnownFlags = kCaptured | kRefunded | kDisputed;

  // The payment's UUID as 16 bytes, in the order of its text form.
  std::array<std::uint8_t, 16> id{};
  // Amount in the currency's minor unit: cents for EUR, yen for JPY, fils (1/1000) for KWD.
  std::int64_t amount_minor = 0;
  // ISO 4217 alphabetic code, three uppercase ASCII letters, not NUL-terminated.
  std::array<char, 3> currency{};
  // A combination of kCaptured, kRefunded and kDisputed.
  std::uint8_t flags = 0;
  // Always zero. The explicit padding makes the size 32 rather than a packed 28, which keeps
  // amount_minor 8-byte aligned in arrays, and it keeps bytewise comparison and hashing sound.
  std::array<std::uint8_t, 4> reserved{};

  [[nodiscard]] constexpr bool has_flag(std::uint8_t flag) const noexcept {
    return (flags & flag) == flag;
  }

  friend bool operator==(const CompactPaymentRecord&, const CompactPaymentRecord&) = default;
};

static_assert(sizeof(CompactPaymentRecord) == 32, "two records per 64-byte cache line");
static_assert(alignof(CompactPaymentRecord) == 8);
static_assert(std::is_trivially_copyable_v<CompactPaymentRecord>);
static_assert(std::has_unique_object_representations_v<CompactPaymentRecord>,
              "no hidden padding: every byte is a field");

struct NaivePaymentRecord {
  // UUID text of 36 characters, e.g. "0f8fad5b-d9cb-469f-a165-70867728950e".
  std::string id;
  // Decimal amount in major units, e.g. "12.34" for 12.34 EUR or "-5.00" for a negative amount.
  std::string amount;
  // ISO 4217 alphabetic code, e.g. "EUR".
  std::string currency;
  // Flags as attributes: "captured", "refunded" and "disputed" mapped to "true" or "false".
  std::map<std::string, std::string> attributes;

  friend bool operator==(const NaivePaymentRecord&, const NaivePaymentRecord&) = default;
};

// Returns the number of decimal places of the currency's minor unit per ISO 4217: 0 for JPY,
// 3 for KWD, 2 for EUR. Throws std::invalid_argument unless currency is three uppercase ASCII
// letters.
// NOTE: the table lists the ISO 4217 codes whose minor unit is not 2 digits. Every other
// well-formed code, including codes that ISO 4217 does not define, gets 2.
[[nodiscard]] int minor_unit_digits(std::string_view currency);

// Parses the naive record. Throws std::invalid_argument when the id is not a UUID or the
// currency is not three uppercase letters. It also throws when the amount is not a decimal with
// at most the currency's decimal places, or does not fit in 64 bits. Attributes other than
// captured, refunded and disputed, and values other than "true" and "false", throw as well.
[[nodiscard]] CompactPaymentRecord to_compact(const NaivePaymentRecord& record);

// Formats the record in canonical form: lowercase UUID, the amount with exactly the currency's
// decimal places, and an attribute "true" for each set flag only. Throws std::invalid_argument
// when the currency is not three uppercase letters or flags has bits outside kKnownFlags.
[[nodiscard]] NaivePaymentRecord to_naive(const CompactPaymentRecord& record);

// Returns `count` records that depend only on count and seed, on every platform. The mix imitates
// a European card acquirer. Most payments are in EUR, USD and GBP, and a tail of other currencies
// includes JPY (0 decimal places) and KWD (3). Amounts range from about 1 to 5000 euros' worth.
// About 92% of payments are captured, and a few of the captured ones are refunded or disputed.
[[nodiscard]] std::vector<CompactPaymentRecord> make_sample_records(std::size_t count,
                                                                    std::uint64_t seed);

}  // namespace paybench
