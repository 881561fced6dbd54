// PostgresSink: a PaymentSink that stores payments in a PostgreSQL table through libpq, in one
// of the three ways a payments backend commonly writes: a transaction per row, one multi-row
// INSERT per batch, or COPY per batch.
//
// Contract:
// - The constructor connects and creates the table if it does not exist. Failures throw
//   SinkError naming the sink, the connection string with its passwords hidden, libpq's message
//   and what to check. The connection string is passed to libpq unchanged, so the usual PG*
//   environment variables and ~/.pgpass apply.
// - Ids must not exceed INT64_MAX, the maximum of the BIGINT id column. write_batch() checks
//   this before it sends anything, so such a batch stores no row in any mode.
// - kMultiRowInsert and kCopy store a batch in one transaction: all rows or none.
// - kRowPerTransaction commits each row in its own transaction, so it cannot undo a partial
//   batch. When row k of a batch fails, rows 0 to k-1 stay committed and write_batch() throws
//   PartialBatchError with committed_rows() == k. BatchProcessor, like any caller that does not
//   catch PartialBatchError, counts the whole batch as failed although those rows are stored.
// - A commit is durable when the server runs with fsync and synchronous_commit on (the
//   defaults, and what tests/support/postgres_server.py configures).
// - After the connection breaks, every call throws SinkError with libpq's message. The sink does
//   not reconnect: create a new one.
//
// NOTE: when the connection breaks while the server commits, write_batch() throws although the
// batch may be committed. stored_ids() on a new sink shows which rows were stored.

#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/writes/batch_sink.h"
#include "paybench/writes/payment_row.h"
#include "paybench/writes/payment_sink.h"

// libpq's connection and result handles, declared here so that this header does not include
// libpq-fe.h.
struct pg_conn;
struct pg_result;

namespace paybench {

enum class PostgresWriteMode {
  // One INSERT a row, each committed on its own: the naive baseline, whatever the batch size.
  kRowPerTransaction,
  // One INSERT .. VALUES (..), (..) a batch with bound binary parameters, in one transaction.
  // A statement carries at most kMaxRowsPerInsert rows, so larger batches send several.
  kMultiRowInsert,
  // COPY .. FROM STDIN in binary format, one COPY statement a batch.
  kCopy,
};

// Returns "row_per_transaction", "multi_row_insert" or "copy".
[[nodiscard]] std::string_view to_string(PostgresWriteMode mode);

// A SinkError from kRowPerTransaction after some rows of the batch were committed.
class PartialBatchError : public SinkError {
 public:
  PartialBatchError(const std::string& message, std::size_t committed_rows)
      : SinkError(message), committed_rows_(committed_rows) {}

  // Number of rows at the start of the batch that are committed.
  [[nodiscard]] std::size_t committed_rows() const noexcept { return committed_rows_; }

 private:
  std::size_t committed_rows_;
};

class PostgresSink final : public PaymentSink {
 public:
  static constexpr std::string_view kDefaultTable = "paybench_payments";

  // PostgreSQL's wire protocol allows at most 65535 parameters a statement, 5 a row.
  static constexpr std::size_t kMaxRowsPerInsert = 65535 / 5;

  // Connects with the libpq connection string `dsn` and creates `table` if it does not exist.
  // `table` must be 1 to 63 lowercase ASCII letters, digits or underscores, starting with a
  // letter or underscore, so that it needs no quoting in SQL. Throws SinkError on failure.
  PostgresSink(std::string_view dsn, PostgresWriteMode mode,
               std::string_view table = kDefaultTable);
  ~PostgresSink() override;

  PostgresSink(const PostgresSink&) = delete;
  PostgresSink& operator=(const PostgresSink&) = delete;

  // "postgres_" followed by the mode, such as "postgres_copy".
  [[nodiscard]] std::string_view name() const override { return name_; }

  // Stores the rows as the mode describes. Throws SinkError on failure, PartialBatchError when
  // kRowPerTransaction committed part of the batch.
  void write_batch(std::span<const PaymentRow> rows) override;

  [[nodiscard]] std::vector<std::uint64_t> stored_ids() override;

  // Empties the table with TRUNCATE.
  void clear() override;

  [[nodiscard]] PostgresWriteMode mode() const noexcept { return mode_; }
  [[nodiscard]] const std::string& table() const noexcept { return table_; }

 private:
  void write_row_per_transaction(std::span<const PaymentRow> rows);
  void write_multi_row_insert(std::span<const PaymentRow> rows);
  void write_copy(std::span<const PaymentRow> rows);

  // Runs `sql`, a command that returns no rows, and throws SinkError if it fails. `action`
  // names the step in the message, as in "<action> failed: <libpq message>".
  void execute(const std::string& sql, std::string_view action);

  // Returns the message for a failed step: the sink, `action`, libpq's message for `result` (or
  // the connection's when `result` is null), `outcome` and what to do.
  [[nodiscard]] std::string describe_failure(std::string_view action, const pg_result* result,
                                             std::string_view outcome = {}) const;

  // Returns what a failed batch write left stored: nothing, or unknown when the connection broke.
  [[nodiscard]] std::string batch_outcome() const;

  struct ConnectionCloser {
    void operator()(pg_conn* connection) const noexcept;
  };

  const PostgresWriteMode mode_;
  const std::string name_;
  const std::string table_;
  std::unique_ptr<pg_conn, ConnectionCloser> connection_;

  // The multi-row INSERT text for insert_sql_rows_ rows, kept because batches usually repeat
  // one size.
  std::string insert_sql_;
  std::size_t insert_sql_rows_ = 0;
};

}  // namespace paybench
