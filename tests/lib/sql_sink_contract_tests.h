// Contract tests shared by the SQL sinks (SqliteSink, PostgresSink in each write mode). Each
// sink's test file defines a Backend and instantiates the suites with
// INSTANTIATE_TYPED_TEST_SUITE_P:
// - SqlSinkContractTest for every sink;
// - TransactionalSinkContractTest for sinks that store a batch all or nothing.
//
// A Backend provides:
//   void set_up();      prepares empty storage for one test, or skips it (GTEST_SKIP)
//   void tear_down();   deletes that storage; called even when set_up() skipped
//   std::unique_ptr<PaymentSink> open();   a new sink on that storage
//   std::vector<PaymentRow> read_rows();   every stored row sorted by id, read without a sink

#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/writes/payment_row.h"
#include "paybench/writes/payment_sink.h"

namespace paybench::testing {

// Returns `count` rows with ids first_id, first_id + 1, ... and other fields derived from the id,
// so that a row written to the wrong place or with a mixed-up column is detected.
inline std::vector<PaymentRow> make_rows(std::uint64_t first_id, std::size_t count) {
  static constexpr std::array<std::array<char, 3>, 3> kCurrencies = {
      {{'E', 'U', 'R'}, {'U', 'S', 'D'}, {'J', 'P', 'Y'}}};
  constexpr std::int64_t kCreatedAtBaseUs = 1'700'000'000'000'000;

  std::vector<PaymentRow> rows;
  rows.reserve(count);
  for (std::uint64_t id = first_id; id < first_id + count; ++id) {
    const auto signed_id = static_cast<std::int64_t>(id);
    rows.push_back(PaymentRow{
        .id = id,
        .amount_minor = (id % 2 == 0 ? 1 : -1) * signed_id * 7,
        .currency = kCurrencies[id % kCurrencies.size()],
        .merchant_id = std::numeric_limits<std::uint32_t>::max() - static_cast<std::uint32_t>(id),
        .created_at_us = kCreatedAtBaseUs + signed_id,
    });
  }
  return rows;
}

inline std::vector<std::uint64_t> ids_of(const std::vector<PaymentRow>& rows) {
  std::vector<std::uint64_t> ids;
  ids.reserve(rows.size());
  for (const PaymentRow& row : rows) {
    ids.push_back(row.id);
  }
  return ids;
}

inline std::vector<std::uint64_t> sorted(std::vector<std::uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

inline bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

template <class Backend>
class SqlSinkContractTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_.set_up(); }
  void TearDown() override { backend_.tear_down(); }

  Backend backend_;
};

TYPED_TEST_SUITE_P(SqlSinkContractTest);

TYPED_TEST_P(SqlSinkContractTest, StoresEveryRowOfEachBatch) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  std::vector<std::uint64_t> expected;
  std::uint64_t next_id = 1;
  for (const std::size_t batch_size : {1, 2, 7, 64}) {
    const std::vector<PaymentRow> batch = make_rows(next_id, batch_size);
    sink->write_batch(batch);
    const std::vector<std::uint64_t> batch_ids = ids_of(batch);
    expected.insert(expected.end(), batch_ids.begin(), batch_ids.end());
    next_id += batch_size;
  }

  EXPECT_EQ(sorted(sink->stored_ids()), expected);
}

TYPED_TEST_P(SqlSinkContractTest, StoresEveryColumnExactly) {
  std::vector<PaymentRow> rows = make_rows(1, 3);
  rows.push_back(PaymentRow{.id = 0,
                            .amount_minor = std::numeric_limits<std::int64_t>::min(),
                            .currency = {'K', 'W', 'D'},
                            .merchant_id = 0,
                            .created_at_us = -1});
  rows.push_back(
      PaymentRow{.id = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                 .amount_minor = std::numeric_limits<std::int64_t>::max(),
                 .currency = {'C', 'H', 'F'},
                 .merchant_id = std::numeric_limits<std::uint32_t>::max(),
                 .created_at_us = std::numeric_limits<std::int64_t>::max()});

  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  sink->write_batch(rows);

  std::sort(rows.begin(), rows.end(),
            [](const PaymentRow& a, const PaymentRow& b) { return a.id < b.id; });
  EXPECT_EQ(this->backend_.read_rows(), rows);
}

TYPED_TEST_P(SqlSinkContractTest, EmptyBatchStoresNothing) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  sink->write_batch({});
  EXPECT_TRUE(sink->stored_ids().empty());
}

TYPED_TEST_P(SqlSinkContractTest, ClearRemovesEveryRow) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  sink->write_batch(make_rows(1, 10));
  sink->clear();
  EXPECT_TRUE(sink->stored_ids().empty());

  // The ids of cleared rows are free again.
  sink->write_batch(make_rows(5, 2));
  EXPECT_EQ(sorted(sink->stored_ids()), (std::vector<std::uint64_t>{5, 6}));
}

TYPED_TEST_P(SqlSinkContractTest, NewSinkSeesStoredRows) {
  {
    const std::unique_ptr<PaymentSink> sink = this->backend_.open();
    sink->write_batch(make_rows(1, 3));
  }
  const std::unique_ptr<PaymentSink> reopened = this->backend_.open();
  EXPECT_EQ(sorted(reopened->stored_ids()), (std::vector<std::uint64_t>{1, 2, 3}));

  reopened->write_batch(make_rows(4, 1));
  EXPECT_EQ(sorted(reopened->stored_ids()), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TYPED_TEST_P(SqlSinkContractTest, IdAboveInt64MaxFailsBatch) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  std::vector<PaymentRow> rows = make_rows(1, 3);
  rows.back().id = std::numeric_limits<std::uint64_t>::max();

  try {
    sink->write_batch(rows);
    ADD_FAILURE() << "expected SinkError for id " << rows.back().id;
  } catch (const SinkError& error) {
    EXPECT_TRUE(contains(error.what(), sink->name())) << error.what();
    EXPECT_TRUE(contains(error.what(), "18446744073709551615")) << error.what();
  }
  EXPECT_TRUE(sink->stored_ids().empty());
}

REGISTER_TYPED_TEST_SUITE_P(SqlSinkContractTest, StoresEveryRowOfEachBatch,
                            StoresEveryColumnExactly, EmptyBatchStoresNothing, ClearRemovesEveryRow,
                            NewSinkSeesStoredRows, IdAboveInt64MaxFailsBatch);

template <class Backend>
class TransactionalSinkContractTest : public SqlSinkContractTest<Backend> {};

TYPED_TEST_SUITE_P(TransactionalSinkContractTest);

TYPED_TEST_P(TransactionalSinkContractTest, DuplicateOfStoredIdFailsWholeBatch) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  sink->write_batch(make_rows(1, 3));

  std::vector<PaymentRow> batch = make_rows(4, 4);
  batch[2].id = 2;
  try {
    sink->write_batch(batch);
    ADD_FAILURE() << "expected SinkError for the duplicate id 2";
  } catch (const SinkError& error) {
    EXPECT_TRUE(contains(error.what(), sink->name())) << error.what();
    EXPECT_TRUE(contains(error.what(), "No row of the batch was stored")) << error.what();
  }

  EXPECT_EQ(sorted(sink->stored_ids()), (std::vector<std::uint64_t>{1, 2, 3}));
}

TYPED_TEST_P(TransactionalSinkContractTest, DuplicateWithinBatchFailsWholeBatch) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  std::vector<PaymentRow> batch = make_rows(10, 3);
  batch[2].id = 10;

  EXPECT_THROW(sink->write_batch(batch), SinkError);
  EXPECT_TRUE(sink->stored_ids().empty());
}

TYPED_TEST_P(TransactionalSinkContractTest, SinkWorksAfterFailedBatch) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  sink->write_batch(make_rows(1, 2));
  EXPECT_THROW(sink->write_batch(make_rows(2, 2)), SinkError);

  sink->write_batch(make_rows(3, 2));
  EXPECT_EQ(sorted(sink->stored_ids()), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

// Larger than PostgresSink::kMaxRowsPerInsert twice over, so that the multi-row INSERT mode
// needs three statements in one transaction.
constexpr std::size_t kLargeBatchRows = 30'000;

TYPED_TEST_P(TransactionalSinkContractTest, LargeBatchIsAllOrNothing) {
  const std::unique_ptr<PaymentSink> sink = this->backend_.open();
  const std::vector<PaymentRow> first = make_rows(1, kLargeBatchRows);
  sink->write_batch(first);
  ASSERT_EQ(sorted(sink->stored_ids()), ids_of(first));

  // Only the last row collides, so every statement but the last would succeed on its own.
  std::vector<PaymentRow> second = make_rows(kLargeBatchRows + 1, kLargeBatchRows);
  second.back().id = 1;
  EXPECT_THROW(sink->write_batch(second), SinkError);
  EXPECT_EQ(sorted(sink->stored_ids()), ids_of(first));
}

REGISTER_TYPED_TEST_SUITE_P(TransactionalSinkContractTest, DuplicateOfStoredIdFailsWholeBatch,
                            DuplicateWithinBatchFailsWholeBatch, SinkWorksAfterFailedBatch,
                            LargeBatchIsAllOrNothing);

}  // namespace paybench::testing
