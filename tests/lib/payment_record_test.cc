#include "paybench/memory/payment_record.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace paybench {
namespace {

NaivePaymentRecord make_naive(std::string amount, std::string currency) {
  return NaivePaymentRecord{
      .id = "0f8fad5b-d9cb-469f-a165-70867728950e",
      .amount = std::move(amount),
      .currency = std::move(currency),
      .attributes = {{"captured", "true"}},
  };
}

// Expects to_compact(record) to throw std::invalid_argument whose message quotes `value`.
void expect_invalid_naive(const NaivePaymentRecord& record, const std::string& value) {
  try {
    (void)to_compact(record);
    ADD_FAILURE() << "expected std::invalid_argument for '" << value << "'";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'" + value + "'"), std::string::npos)
        << "message: " << error.what();
  }
}

TEST(PaymentRecordTest, CanonicalNaiveRoundTrips) {
  const NaivePaymentRecord naive = make_naive("12.34", "EUR");
  const CompactPaymentRecord compact = to_compact(naive);

  const std::array<std::uint8_t, 16> expected_id = {0x0f, 0x8f, 0xad, 0x5b, 0xd9, 0xcb,
                                                    0x46, 0x9f, 0xa1, 0x65, 0x70, 0x86,
                                                    0x77, 0x28, 0x95, 0x0e};
  EXPECT_EQ(compact.id, expected_id);
  EXPECT_EQ(compact.amount_minor, 1234);
  EXPECT_EQ(std::string(compact.currency.begin(), compact.currency.end()), "EUR");
  EXPECT_EQ(compact.flags, CompactPaymentRecord::kCaptured);
  EXPECT_EQ(to_naive(compact), naive);
}

TEST(PaymentRecordTest, AllFlagsRoundTrip) {
  NaivePaymentRecord naive = make_naive("0.01", "USD");
  naive.attributes = {{"captured", "true"}, {"disputed", "true"}, {"refunded", "true"}};
  const CompactPaymentRecord compact = to_compact(naive);
  EXPECT_EQ(compact.flags, CompactPaymentRecord::kKnownFlags);
  EXPECT_TRUE(compact.has_flag(CompactPaymentRecord::kDisputed));
  EXPECT_EQ(to_naive(compact), naive);
}

TEST(PaymentRecordTest, FalseAttributeClearsFlag) {
  NaivePaymentRecord naive = make_naive("1.00", "EUR");
  naive.attributes = {{"captured", "false"}, {"refunded", "true"}};
  const CompactPaymentRecord compact = to_compact(naive);
  EXPECT_EQ(compact.flags, CompactPaymentRecord::kRefunded);
  // The canonical form lists set flags only.
  const std::map<std::string, std::string> expected = {{"refunded", "true"}};
  EXPECT_EQ(to_naive(compact).attributes, expected);
}

TEST(PaymentRecordTest, UppercaseIdIsAccepted) {
  NaivePaymentRecord naive = make_naive("1.00", "EUR");
  naive.id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
  EXPECT_EQ(to_naive(to_compact(naive)).id, "0f8fad5b-d9cb-469f-a165-70867728950e");
}

struct AmountCase {
  std::string text;
  std::string currency;
  std::int64_t minor;
  std::string canonical;
};

TEST(PaymentRecordTest, AmountsUseCurrencyDecimalPlaces) {
  const std::vector<AmountCase> cases = {
      {"12.34", "EUR", 1234, "12.34"},
      {"12.3", "EUR", 1230, "12.30"},
      {"12", "EUR", 1200, "12.00"},
      {"0.05", "GBP", 5, "0.05"},
      {"-0.05", "EUR", -5, "-0.05"},
      {"-0", "EUR", 0, "0.00"},
      {"007.50", "USD", 750, "7.50"},
      {"1234", "JPY", 1234, "1234"},
      {"1.234", "KWD", 1234, "1.234"},
      {"0.0001", "CLF", 1, "0.0001"},
      {"92233720368547758.07", "EUR", std::numeric_limits<std::int64_t>::max(),
       "92233720368547758.07"},
      {"-92233720368547758.08", "EUR", std::numeric_limits<std::int64_t>::min(),
       "-92233720368547758.08"},
  };
  for (const AmountCase& test_case : cases) {
    SCOPED_TRACE(test_case.text + " " + test_case.currency);
    const CompactPaymentRecord compact = to_compact(make_naive(test_case.text, test_case.currency));
    EXPECT_EQ(compact.amount_minor, test_case.minor);
    EXPECT_EQ(to_naive(compact).amount, test_case.canonical);
  }
}

TEST(PaymentRecordTest, InvalidAmountsThrowNamingValue) {
  const std::vector<std::string> invalid_amounts = {
      "",     "-",     "12.345", "1,00",  "abc", "12.", ".5",  "+1",
      " 1",   "1e3",   "1.2.3",  "--1",   "1-",  "92233720368547758.08",
      "-92233720368547758.09",
  };
  for (const std::string& amount : invalid_amounts) {
    SCOPED_TRACE("amount = '" + amount + "'");
    expect_invalid_naive(make_naive(amount, "EUR"), amount);
  }
  expect_invalid_naive(make_naive("12.5", "JPY"), "12.5");
  expect_invalid_naive(make_naive("1.2345", "KWD"), "1.2345");
}

TEST(PaymentRecordTest, InvalidCurrenciesThrowNamingValue) {
  for (const std::string currency : {"", "EU", "EURO", "eur", "E1R", "EU "}) {
    SCOPED_TRACE("currency = '" + currency + "'");
    expect_invalid_naive(make_naive("1.00", currency), currency);
  }
}

TEST(PaymentRecordTest, InvalidIdsThrowNamingValue) {
  const std::vector<std::string> invalid_ids = {
      "",
      "0f8fad5b-d9cb-469f-a165-70867728950",    // 35 characters
      "0f8fad5b-d9cb-469f-a165-70867728950e0",  // 37 characters
      "0f8fad5bd9cb-469f-a165-70867728950e0",   // hyphen missing
      "0f8fad5b-d9cb-469f-a165-70867728950g",   // not hex
      "0f8fad5b+d9cb-469f-a165-70867728950e",   // wrong separator
  };
  for (const std::string& id : invalid_ids) {
    SCOPED_TRACE("id = '" + id + "'");
    NaivePaymentRecord naive = make_naive("1.00", "EUR");
    naive.id = id;
    expect_invalid_naive(naive, id);
  }
}

TEST(PaymentRecordTest, InvalidAttributesThrowNamingValue) {
  NaivePaymentRecord unknown = make_naive("1.00", "EUR");
  unknown.attributes = {{"chargeback", "true"}};
  expect_invalid_naive(unknown, "chargeback");

  NaivePaymentRecord bad_value = make_naive("1.00", "EUR");
  bad_value.attributes = {{"captured", "yes"}};
  expect_invalid_naive(bad_value, "yes");
}

TEST(PaymentRecordTest, ToNaiveRejectsInvalidCompact) {
  CompactPaymentRecord unknown_flag = to_compact(make_naive("1.00", "EUR"));
  unknown_flag.flags = 0x80;
  EXPECT_THROW((void)to_naive(unknown_flag), std::invalid_argument);

  CompactPaymentRecord no_currency;
  EXPECT_THROW((void)to_naive(no_currency), std::invalid_argument);
}

TEST(PaymentRecordTest, MinorUnitDigitsFollowIso4217) {
  EXPECT_EQ(minor_unit_digits("EUR"), 2);
  EXPECT_EQ(minor_unit_digits("USD"), 2);
  EXPECT_EQ(minor_unit_digits("JPY"), 0);
  EXPECT_EQ(minor_unit_digits("KRW"), 0);
  EXPECT_EQ(minor_unit_digits("KWD"), 3);
  EXPECT_EQ(minor_unit_digits("BHD"), 3);
  EXPECT_EQ(minor_unit_digits("CLF"), 4);
  EXPECT_EQ(minor_unit_digits("XPF"), 0);
  EXPECT_THROW((void)minor_unit_digits("euro"), std::invalid_argument);
}

TEST(PaymentRecordTest, SampleRecordsRoundTrip) {
  const std::vector<CompactPaymentRecord> records = make_sample_records(2000, 7);
  ASSERT_EQ(records.size(), 2000U);
  for (const CompactPaymentRecord& record : records) {
    ASSERT_EQ(to_compact(to_naive(record)), record);
  }
}

TEST(PaymentRecordTest, SampleRecordsAreDeterministic) {
  EXPECT_EQ(make_sample_records(500, 42), make_sample_records(500, 42));
  EXPECT_NE(make_sample_records(500, 42), make_sample_records(500, 43));
  EXPECT_TRUE(make_sample_records(0, 42).empty());
}

TEST(PaymentRecordTest, SampleRecordsHaveRealisticMix) {
  constexpr std::size_t kCount = 20000;
  const std::vector<CompactPaymentRecord> records = make_sample_records(kCount, 1);

  std::map<std::string, std::size_t> by_currency;
  std::size_t captured = 0;
  std::size_t refunded = 0;
  for (const CompactPaymentRecord& record : records) {
    ++by_currency[std::string(record.currency.begin(), record.currency.end())];
    captured += record.has_flag(CompactPaymentRecord::kCaptured) ? 1 : 0;
    refunded += record.has_flag(CompactPaymentRecord::kRefunded) ? 1 : 0;

    EXPECT_GT(record.amount_minor, 0);
    EXPECT_EQ(record.flags & ~CompactPaymentRecord::kKnownFlags, 0);
    EXPECT_EQ(record.id[6] >> 4, 4) << "UUID version 4";
    EXPECT_EQ(record.id[8] >> 6, 2) << "RFC 4122 variant";
    EXPECT_EQ(record.reserved, (std::array<std::uint8_t, 4>{}));
    if (!record.has_flag(CompactPaymentRecord::kCaptured)) {
      EXPECT_EQ(record.flags, 0) << "only captured payments are refunded or disputed";
    }
  }

  // EUR leads, then USD, then GBP, and the tail includes currencies with 0 and 3 decimals.
  EXPECT_GT(by_currency["EUR"], by_currency["USD"]);
  EXPECT_GT(by_currency["USD"], by_currency["GBP"]);
  EXPECT_GT(by_currency["GBP"], by_currency["JPY"]);
  EXPECT_GT(by_currency["JPY"], 0U);
  EXPECT_GT(by_currency["KWD"], 0U);
  EXPECT_GE(by_currency.size(), 8U);

  // About 92% captured and 4% of those refunded, with margins far beyond sampling noise.
  EXPECT_GT(captured, kCount * 88 / 100);
  EXPECT_LT(captured, kCount * 96 / 100);
  EXPECT_GT(refunded, captured * 2 / 100);
  EXPECT_LT(refunded, captured * 6 / 100);
}

}  // namespace
}  // namespace paybench
