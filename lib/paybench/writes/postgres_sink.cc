#include "paybench/writes/postgres_sink.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/writes/postgres_connection_string.h"

namespace paybench {
namespace {

// Type OIDs of the parameters, from PostgreSQL's pg_type catalog.
constexpr Oid kBigintOid = 20;
constexpr Oid kCharOid = 1042;

constexpr int kColumnsPerRow = 5;
constexpr int kBinaryFormat = 1;
constexpr std::size_t kMaxTableNameSize = 63;
constexpr std::uint64_t kMaxId = std::numeric_limits<std::int64_t>::max();

// SQLSTATE of unique_violation, which a duplicate id raises.
constexpr const char* kUniqueViolation = "23505";

// The prepared statement that kRowPerTransaction executes for each row.
constexpr const char* kInsertRowStatement = "paybench_insert_row";

struct ResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

bool is_valid_table_name(std::string_view table) {
  if (table.empty() || table.size() > kMaxTableNameSize) {
    return false;
  }
  const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!is_lower(table.front()) && table.front() != '_') {
    return false;
  }
  for (const char c : table) {
    if (!is_lower(c) && !is_digit(c) && c != '_') {
      return false;
    }
  }
  return true;
}

bool ends_sentence(std::string_view text) {
  return !text.empty() && (text.back() == '.' || text.back() == '?' || text.back() == '!');
}

// Joins libpq's multi-line messages into one line of sentences: "ERROR:  duplicate key ...\n
// DETAIL:  Key (id)=(3) already exists.\n" becomes "ERROR: duplicate key .... DETAIL: Key
// (id)=(3) already exists." The result always ends a sentence.
std::string to_one_line(std::string_view message) {
  std::string line;
  std::size_t begin = 0;
  while (begin < message.size()) {
    const std::size_t end = std::min(message.find('\n', begin), message.size());
    std::string_view part = message.substr(begin, end - begin);
    begin = end + 1;
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) {
      part.remove_prefix(1);
    }
    while (!part.empty() && part.back() == ' ') {
      part.remove_suffix(1);
    }
    if (part.empty()) {
      continue;
    }
    if (!line.empty()) {
      line += ends_sentence(line) ? " " : ". ";
    }
    // Collapse the double space that libpq puts after "ERROR:" and "DETAIL:".
    for (const char c : part) {
      if (!(c == ' ' && !line.empty() && line.back() == ' ')) {
        line += c;
      }
    }
  }
  if (!ends_sentence(line)) {
    line += '.';
  }
  return line;
}

std::string describe_row(std::span<const PaymentRow> rows, std::size_t index) {
  return "row " + std::to_string(index) + " (id " + std::to_string(rows[index].id) +
         ") of a batch of " + std::to_string(rows.size()) + " rows";
}

// Throws SinkError unless every id fits the BIGINT column.
void check_ids(std::string_view sink, std::span<const PaymentRow> rows) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].id > kMaxId) {
      throw SinkError(std::string(sink) + ": " + describe_row(rows, i) + " has an id above " +
                      std::to_string(kMaxId) +
                      ", the maximum of the BIGINT id column. No row of the batch was stored.");
    }
  }
}

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out += static_cast<char>((value >> shift) & 0xFF);
  }
}

// Columns in table order: id, amount_minor, currency, merchant_id, created_at_us.
constexpr std::string_view kColumnList = "(id, amount_minor, currency, merchant_id, created_at_us)";
constexpr std::array<Oid, kColumnsPerRow> kColumnTypes = {kBigintOid, kBigintOid, kCharOid,
                                                          kBigintOid, kBigintOid};
// Bytes of each column's value in PostgreSQL's binary format.
constexpr std::array<int, kColumnsPerRow> kColumnSizes = {8, 8, 3, 8, 8};
constexpr std::size_t kEncodedRowSize = 8 + 8 + 3 + 8 + 8;

// Appends a row's values in binary format and column order: big-endian BIGINTs and the three
// currency bytes.
void append_binary_values(std::string& out, const PaymentRow& row) {
  append_big_endian(out, row.id, 8);
  append_big_endian(out, static_cast<std::uint64_t>(row.amount_minor), 8);
  out.append(row.currency.data(), row.currency.size());
  append_big_endian(out, row.merchant_id, 8);
  append_big_endian(out, static_cast<std::uint64_t>(row.created_at_us), 8);
}

// Parameter arrays for PQexecParams and PQexecPrepared over rows encoded back to back by
// append_binary_values. The pointers point into `encoded`, which must outlive them.
struct BinaryParameters {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::vector<Oid> types;

  BinaryParameters(const std::string& encoded, std::size_t row_count) {
    const std::size_t count = row_count * kColumnsPerRow;
    values.reserve(count);
    lengths.reserve(count);
    formats.assign(count, kBinaryFormat);
    types.reserve(count);

    const char* value = encoded.data();
    for (std::size_t row = 0; row < row_count; ++row) {
      for (int column = 0; column < kColumnsPerRow; ++column) {
        values.push_back(value);
        lengths.push_back(kColumnSizes[column]);
        types.push_back(kColumnTypes[column]);
        value += kColumnSizes[column];
      }
    }
  }
};

std::string build_insert_sql(const std::string& table, std::size_t row_count) {
  std::string sql = "INSERT INTO " + table + " " + std::string(kColumnList) + " VALUES ";
  int parameter = 1;
  for (std::size_t row = 0; row < row_count; ++row) {
    sql += row == 0 ? "(" : ", (";
    for (int column = 0; column < kColumnsPerRow; ++column) {
      sql += column == 0 ? "$" : ", $";
      sql += std::to_string(parameter++);
    }
    sql += ")";
  }
  return sql;
}

// The COPY binary file format: signature, flags and header extension length, each tuple as a
// field count followed by length-prefixed fields, and a field count of -1 as the trailer.
constexpr std::string_view kCopySignature{"PGCOPY\n\377\r\n\0", 11};

void append_copy_header(std::string& data) {
  data.append(kCopySignature);
  append_big_endian(data, 0, 4);
  append_big_endian(data, 0, 4);
}

void append_copy_tuple(std::string& data, const PaymentRow& row) {
  append_big_endian(data, kColumnsPerRow, 2);
  append_big_endian(data, 8, 4);
  append_big_endian(data, row.id, 8);
  append_big_endian(data, 8, 4);
  append_big_endian(data, static_cast<std::uint64_t>(row.amount_minor), 8);
  append_big_endian(data, row.currency.size(), 4);
  data.append(row.currency.data(), row.currency.size());
  append_big_endian(data, 8, 4);
  append_big_endian(data, row.merchant_id, 8);
  append_big_endian(data, 8, 4);
  append_big_endian(data, static_cast<std::uint64_t>(row.created_at_us), 8);
}

void append_copy_trailer(std::string& data) { append_big_endian(data, 0xFFFF, 2); }

// COPY data goes to libpq in pieces of about this size, so that a large batch needs no buffer of
// its whole size.
constexpr std::size_t kCopyChunkBytes = 256 * 1024;

void discard_remaining_results(PGconn* connection) {
  while (PGresult* result = PQgetResult(connection)) {
    PQclear(result);
  }
}

std::uint64_t read_big_endian_u64(const char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

}  // namespace

std::string_view to_string(PostgresWriteMode mode) {
  switch (mode) {
    case PostgresWriteMode::kRowPerTransaction:
      return "row_per_transaction";
    case PostgresWriteMode::kMultiRowInsert:
      return "multi_row_insert";
    case PostgresWriteMode::kCopy:
      return "copy";
  }
  return "unknown";
}

void PostgresSink::ConnectionCloser::operator()(pg_conn* connection) const noexcept {
  PQfinish(connection);
}

PostgresSink::PostgresSink(std::string_view dsn, PostgresWriteMode mode, std::string_view table)
    : mode_(mode), name_("postgres_" + std::string(to_string(mode))), table_(table) {
  if (!is_valid_table_name(table)) {
    throw SinkError(name_ + ": invalid table name '" + std::string(table) +
                    "': expected 1 to 63 lowercase ASCII letters, digits or underscores, "
                    "starting with a letter or underscore");
  }

  connection_.reset(PQconnectdb(std::string(dsn).c_str()));
  if (connection_ == nullptr) {
    throw SinkError(name_ + ": libpq could not allocate a connection (out of memory)");
  }
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    const std::string message =
        redact_connection_secrets(to_one_line(PQerrorMessage(connection_.get())), dsn);
    throw SinkError(name_ + ": connecting to PostgreSQL with '" + redact_connection_string(dsn) +
                    "' failed: " + message +
                    " Check that the connection string is right and that the server is running "
                    "and accepts this host, user and password.");
  }

  // NOTICE messages such as "relation already exists, skipping" would go to stderr.
  execute("SET client_min_messages TO warning", "configuring the session");
  execute("CREATE TABLE IF NOT EXISTS " + table_ +
              " (id BIGINT PRIMARY KEY, amount_minor BIGINT NOT NULL, currency CHAR(3) NOT NULL,"
              " merchant_id BIGINT NOT NULL, created_at_us BIGINT NOT NULL)",
          "creating table " + table_);

  if (mode_ == PostgresWriteMode::kRowPerTransaction) {
    const std::string sql = build_insert_sql(table_, 1);
    const Result result(PQprepare(connection_.get(), kInsertRowStatement, sql.c_str(),
                                  kColumnsPerRow, kColumnTypes.data()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      throw SinkError(describe_failure("preparing the INSERT into table " + table_, result.get()));
    }
  }
}

PostgresSink::~PostgresSink() = default;

void PostgresSink::write_batch(std::span<const PaymentRow> rows) {
  if (rows.empty()) {
    return;
  }
  check_ids(name_, rows);

  switch (mode_) {
    case PostgresWriteMode::kRowPerTransaction:
      write_row_per_transaction(rows);
      return;
    case PostgresWriteMode::kMultiRowInsert:
      write_multi_row_insert(rows);
      return;
    case PostgresWriteMode::kCopy:
      write_copy(rows);
      return;
  }
}

void PostgresSink::write_row_per_transaction(std::span<const PaymentRow> rows) {
  // Without BEGIN, each INSERT runs in its own transaction, which commits when it succeeds.
  std::string encoded;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    encoded.clear();
    append_binary_values(encoded, rows[i]);
    const BinaryParameters parameters(encoded, 1);

    const Result result(PQexecPrepared(connection_.get(), kInsertRowStatement, kColumnsPerRow,
                                       parameters.values.data(), parameters.lengths.data(),
                                       parameters.formats.data(), 0));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      std::string committed =
          i == 0 ? "No row of the batch was stored."
                 : "Rows 0 to " + std::to_string(i - 1) +
                       " of the batch stay committed, because each row is its own transaction.";
      if (PQstatus(connection_.get()) == CONNECTION_BAD) {
        committed += " Row " + std::to_string(i) +
                     " may be committed too, because the connection broke while it was written.";
      }
      const std::string action = "inserting " + describe_row(rows, i) + " into table " + table_;
      throw PartialBatchError(describe_failure(action, result.get(), committed), i);
    }
  }
}

void PostgresSink::write_multi_row_insert(std::span<const PaymentRow> rows) {
  // One statement is its own transaction. Batches that need several statements get an explicit
  // one, so that they too are stored whole or not at all.
  const bool explicit_transaction = rows.size() > kMaxRowsPerInsert;
  const std::string action =
      "inserting a batch of " + std::to_string(rows.size()) + " rows into table " + table_;
  if (explicit_transaction) {
    execute("BEGIN", action + " (BEGIN)");
  }

  std::string encoded;
  for (std::size_t first = 0; first < rows.size(); first += kMaxRowsPerInsert) {
    const std::span<const PaymentRow> chunk =
        rows.subspan(first, std::min(kMaxRowsPerInsert, rows.size() - first));
    if (insert_sql_rows_ != chunk.size()) {
      insert_sql_ = build_insert_sql(table_, chunk.size());
      insert_sql_rows_ = chunk.size();
    }

    encoded.clear();
    encoded.reserve(chunk.size() * kEncodedRowSize);
    for (const PaymentRow& row : chunk) {
      append_binary_values(encoded, row);
    }
    const BinaryParameters parameters(encoded, chunk.size());

    const Result result(PQexecParams(connection_.get(), insert_sql_.c_str(),
                                     static_cast<int>(parameters.values.size()),
                                     parameters.types.data(), parameters.values.data(),
                                     parameters.lengths.data(), parameters.formats.data(), 0));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      if (explicit_transaction) {
        // The transaction is aborted, and ROLLBACK ends it. Its own failure changes nothing:
        // the batch is not stored either way.
        const Result rollback(PQexec(connection_.get(), "ROLLBACK"));
      }
      throw SinkError(describe_failure(action, result.get(), batch_outcome()));
    }
  }

  if (explicit_transaction) {
    const Result result(PQexec(connection_.get(), "COMMIT"));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      throw SinkError(describe_failure(action + " (COMMIT)", result.get(), batch_outcome()));
    }
  }
}

void PostgresSink::write_copy(std::span<const PaymentRow> rows) {
  // One COPY statement is one transaction: an error anywhere stores no row.
  const std::string action =
      "copying a batch of " + std::to_string(rows.size()) + " rows into table " + table_;
  const std::string sql =
      "COPY " + table_ + " " + std::string(kColumnList) + " FROM STDIN (FORMAT binary)";
  const Result start(PQexec(connection_.get(), sql.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
    throw SinkError(describe_failure(action, start.get(), batch_outcome()));
  }

  std::string data;
  data.reserve(kCopyChunkBytes + 128);
  const auto send = [&] {
    const bool ok =
        PQputCopyData(connection_.get(), data.data(), static_cast<int>(data.size())) == 1;
    data.clear();
    return ok;
  };

  bool sent = true;
  append_copy_header(data);
  for (std::size_t i = 0; i < rows.size() && sent; ++i) {
    append_copy_tuple(data, rows[i]);
    if (data.size() >= kCopyChunkBytes) {
      sent = send();
    }
  }
  if (sent) {
    append_copy_trailer(data);
    sent = send();
  }

  const char* abort_reason = sent ? nullptr : "paybench failed to send the COPY data";
  const bool ended = PQputCopyEnd(connection_.get(), abort_reason) == 1;

  // The first result reports the COPY. libpq accepts the next command only after
  // PQgetResult() has returned null.
  const Result result(PQgetResult(connection_.get()));
  discard_remaining_results(connection_.get());
  if (!sent || !ended || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw SinkError(describe_failure(action, result.get(), batch_outcome()));
  }
}

std::vector<std::uint64_t> PostgresSink::stored_ids() {
  const std::string sql = "SELECT id FROM " + table_;
  const Result result(PQexecParams(connection_.get(), sql.c_str(), 0, nullptr, nullptr, nullptr,
                                   nullptr, kBinaryFormat));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    throw SinkError(describe_failure("reading the ids of table " + table_, result.get()));
  }

  const int row_count = PQntuples(result.get());
  std::vector<std::uint64_t> ids;
  ids.reserve(static_cast<std::size_t>(row_count));
  for (int row = 0; row < row_count; ++row) {
    ids.push_back(read_big_endian_u64(PQgetvalue(result.get(), row, 0)));
  }
  return ids;
}

void PostgresSink::clear() { execute("TRUNCATE " + table_, "emptying table " + table_); }

void PostgresSink::execute(const std::string& sql, std::string_view action) {
  const Result result(PQexec(connection_.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw SinkError(describe_failure(action, result.get()));
  }
}

std::string PostgresSink::batch_outcome() const {
  if (PQstatus(connection_.get()) == CONNECTION_BAD) {
    return "The connection broke while the batch was sent or committed, so whether the batch "
           "is stored is unknown.";
  }
  return "No row of the batch was stored.";
}

std::string PostgresSink::describe_failure(std::string_view action, const pg_result* result,
                                           std::string_view outcome) const {
  const char* message =
      result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection_.get());
  std::string text = name_ + ": " + std::string(action) + " failed: " + to_one_line(message);
  if (!outcome.empty()) {
    text += " " + std::string(outcome);
  }

  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const bool unique_violation = sqlstate != nullptr && std::strcmp(sqlstate, kUniqueViolation) == 0;
  if (unique_violation) {
    text += " Ids must be unique in the table, and clear() empties it.";
  }
  if (PQstatus(connection_.get()) == CONNECTION_BAD) {
    text += " The connection to the server is lost: create a new sink to reconnect.";
  }
  return text;
}

}  // namespace paybench
