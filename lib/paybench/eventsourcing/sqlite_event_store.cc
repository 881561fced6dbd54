#include "paybench/eventsourcing/sqlite_event_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace paybench {
namespace {

// Rows fetched per lock acquisition in read_all(), so that a long read lets appends in between.
constexpr std::int64_t kReadBatchSize = 1024;

// Every column is an INTEGER except the currency. The CHECK constraints repeat the rules of
// validate_append() so that rows written by other programs follow them too.
constexpr std::string_view kCreateTableSql = R"sql(
CREATE TABLE IF NOT EXISTS payment_events (
  aggregate_id INTEGER NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  position INTEGER NOT NULL UNIQUE CHECK (position >= 0),
  type INTEGER NOT NULL CHECK (type BETWEEN 1 AND 5),
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL CHECK (length(currency) = 3),
  merchant_id INTEGER NOT NULL,
  timestamp_us INTEGER NOT NULL,
  PRIMARY KEY (aggregate_id, version)
) WITHOUT ROWID
)sql";

constexpr std::string_view kEventColumns =
    "aggregate_id, version, position, type, amount_minor, currency, merchant_id, timestamp_us";

// Resets a statement and clears its bindings when the scope ends, so that its next use starts
// clean and a SELECT does not keep its read transaction open.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* statement) : statement_(statement) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

 private:
  sqlite3_stmt* const statement_;
};

std::string_view synchronous_pragma(SqliteSynchronous level) {
  switch (level) {
    case SqliteSynchronous::kOff:
      return "PRAGMA synchronous = OFF";
    case SqliteSynchronous::kNormal:
      return "PRAGMA synchronous = NORMAL";
    case SqliteSynchronous::kFull:
      return "PRAGMA synchronous = FULL";
  }
  throw std::invalid_argument("invalid SqliteSynchronous value " +
                              std::to_string(static_cast<int>(level)) +
                              ": use kOff, kNormal or kFull");
}

// SQLite integers are signed, so ids and merchant ids of 2^63 or more are stored as negative
// numbers, and the cast back restores them.
sqlite3_int64 to_sqlite(std::uint64_t value) { return static_cast<sqlite3_int64>(value); }

std::uint64_t from_sqlite(sqlite3_int64 value) { return static_cast<std::uint64_t>(value); }

}  // namespace

SqliteEventStore::SqliteEventStore(std::filesystem::path path, SqliteEventStoreOptions options)
    : path_(std::move(path)), options_(options) {
  if (options_.busy_timeout < std::chrono::milliseconds::zero()) {
    throw std::invalid_argument("sqlite event store: invalid busy_timeout of " +
                                std::to_string(options_.busy_timeout.count()) +
                                " ms; use 0 or more");
  }
  try {
    open_database();
  } catch (...) {
    close_database();
    throw;
  }
}

SqliteEventStore::~SqliteEventStore() { close_database(); }

void SqliteEventStore::open_database() {
  const int open_result =
      sqlite3_open_v2(path_.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (open_result != SQLITE_OK) {
    throw_sqlite_error("open", open_result);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, static_cast<int>(std::min<std::chrono::milliseconds::rep>(
                                options_.busy_timeout.count(), std::numeric_limits<int>::max())));

  // journal_mode returns the mode in effect, which stays "delete" or "memory" when WAL is not
  // possible (an in-memory database, or a file system without shared memory).
  sqlite3_stmt* const journal_mode = prepare("PRAGMA journal_mode = WAL");
  const int step_result = sqlite3_step(journal_mode);
  const auto* mode = step_result == SQLITE_ROW
                         ? reinterpret_cast<const char*>(sqlite3_column_text(journal_mode, 0))
                         : nullptr;
  const std::string mode_text = mode != nullptr ? mode : "";
  sqlite3_finalize(journal_mode);
  if (step_result != SQLITE_ROW) {
    throw_sqlite_error("switch to WAL", step_result);
  }
  if (mode_text != "wal") {
    throw EventStoreError("sqlite event store: " + path_.string() +
                          " cannot use WAL, journal_mode is '" + mode_text +
                          "'; use a file on a local file system");
  }

  execute(synchronous_pragma(options_.synchronous));
  execute(kCreateTableSql);

  begin_immediate_ = prepare("BEGIN IMMEDIATE");
  commit_ = prepare("COMMIT");
  rollback_ = prepare("ROLLBACK");
  select_version_ =
      prepare("SELECT coalesce(max(version), 0) FROM payment_events WHERE aggregate_id = ?1");
  select_end_position_ = prepare("SELECT coalesce(max(position) + 1, 0) FROM payment_events");
  insert_event_ = prepare("INSERT INTO payment_events (" + std::string(kEventColumns) +
                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  select_stream_ = prepare("SELECT " + std::string(kEventColumns) +
                           " FROM payment_events WHERE aggregate_id = ?1 ORDER BY version");
  select_range_ = prepare("SELECT " + std::string(kEventColumns) +
                          " FROM payment_events WHERE position >= ?1 AND position < ?2"
                          " ORDER BY position LIMIT ?3");
}

void SqliteEventStore::close_database() noexcept {
  for (sqlite3_stmt* statement :
       {begin_immediate_, commit_, rollback_, select_version_, select_end_position_, insert_event_,
        select_stream_, select_range_}) {
    sqlite3_finalize(statement);  // A no-op for nullptr.
  }
  sqlite3_close_v2(db_);  // A no-op for nullptr.
  db_ = nullptr;
}

sqlite3_stmt* SqliteEventStore::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const int result = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (result != SQLITE_OK) {
    throw_sqlite_error("prepare '" + std::string(sql) + "'", result);
  }
  return statement;
}

void SqliteEventStore::execute(std::string_view sql) {
  sqlite3_stmt* const statement = prepare(sql);
  int result = sqlite3_step(statement);
  while (result == SQLITE_ROW) {
    result = sqlite3_step(statement);
  }
  sqlite3_finalize(statement);
  if (result != SQLITE_DONE) {
    throw_sqlite_error("run '" + std::string(sql) + "'", result);
  }
}

AppendResult SqliteEventStore::append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                                      std::span<const PaymentEvent> events) {
  validate_append(name(), aggregate_id, expected_version, events);

  std::lock_guard lock(mutex_);
  step_to_done(begin_immediate_, "BEGIN IMMEDIATE");
  try {
    const std::uint64_t actual_version = version_locked(aggregate_id);
    if (actual_version != expected_version) {
      step_to_done(rollback_, "ROLLBACK");
      return AppendResult::rejected({aggregate_id, expected_version, actual_version});
    }

    const std::uint64_t first_position = end_position_locked();
    for (std::size_t i = 0; i < events.size(); ++i) {
      const PaymentEvent& event = events[i];
      ResetOnExit reset(insert_event_);
      sqlite3_bind_int64(insert_event_, 1, to_sqlite(event.aggregate_id));
      sqlite3_bind_int64(insert_event_, 2, to_sqlite(event.version));
      sqlite3_bind_int64(insert_event_, 3, to_sqlite(first_position + i));
      sqlite3_bind_int64(insert_event_, 4, static_cast<sqlite3_int64>(event.type));
      sqlite3_bind_int64(insert_event_, 5, event.amount_minor);
      sqlite3_bind_text(insert_event_, 6, event.currency.data(),
                        static_cast<int>(event.currency.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert_event_, 7, event.merchant_id);
      sqlite3_bind_int64(insert_event_, 8, event.timestamp.time_since_epoch().count());

      const int result = sqlite3_step(insert_event_);
      // The version check above runs under the write lock, so the primary key is a second line
      // of defense. If it rejects a row anyway, the append is rolled back and is a conflict.
      if (result == SQLITE_CONSTRAINT_PRIMARYKEY) {
        rollback_quietly();
        return AppendResult::rejected(
            {aggregate_id, expected_version, version_locked(aggregate_id)});
      }
      if (result != SQLITE_DONE) {
        throw_sqlite_error("insert version " + std::to_string(event.version) + " of stream " +
                               std::to_string(aggregate_id),
                           result);
      }
    }

    step_to_done(commit_, "COMMIT");
    return AppendResult::appended(expected_version + events.size(), first_position);
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

std::vector<PaymentEvent> SqliteEventStore::load(std::uint64_t aggregate_id) const {
  std::vector<PaymentEvent> events;
  std::lock_guard lock(mutex_);
  ResetOnExit reset(select_stream_);
  sqlite3_bind_int64(select_stream_, 1, to_sqlite(aggregate_id));
  int result = sqlite3_step(select_stream_);
  for (; result == SQLITE_ROW; result = sqlite3_step(select_stream_)) {
    events.push_back(event_from_row(select_stream_));
  }
  if (result != SQLITE_DONE) {
    throw_sqlite_error("load stream " + std::to_string(aggregate_id), result);
  }
  return events;
}

std::uint64_t SqliteEventStore::version(std::uint64_t aggregate_id) const {
  std::lock_guard lock(mutex_);
  return version_locked(aggregate_id);
}

std::uint64_t SqliteEventStore::end_position() const {
  std::lock_guard lock(mutex_);
  return end_position_locked();
}

std::uint64_t SqliteEventStore::read_all(std::uint64_t from_position,
                                         const RecordedEventConsumer& consume) const {
  const std::uint64_t end = end_position();
  if (from_position > end) {
    throw std::invalid_argument("sqlite event store: read_all from position " +
                                std::to_string(from_position) + " is past the end position " +
                                std::to_string(end) + "; start at most at the end position");
  }

  std::vector<RecordedEvent> batch;
  std::uint64_t position = from_position;
  while (position < end) {
    batch.clear();
    {
      std::lock_guard lock(mutex_);
      ResetOnExit reset(select_range_);
      sqlite3_bind_int64(select_range_, 1, to_sqlite(position));
      sqlite3_bind_int64(select_range_, 2, to_sqlite(end));
      sqlite3_bind_int64(select_range_, 3, kReadBatchSize);
      int result = sqlite3_step(select_range_);
      for (; result == SQLITE_ROW; result = sqlite3_step(select_range_)) {
        batch.push_back(
            {from_sqlite(sqlite3_column_int64(select_range_, 2)), event_from_row(select_range_)});
      }
      if (result != SQLITE_DONE) {
        throw_sqlite_error("read events from position " + std::to_string(position), result);
      }
    }
    if (batch.empty()) {
      // Positions below `end` were committed before it was read, and rows are never deleted.
      throw EventStoreError("sqlite event store: " + path_.string() +
                            " has no event at positions " + std::to_string(position) + " to " +
                            std::to_string(end - 1) +
                            ", which existed a moment ago; were rows deleted?");
    }
    consume(batch);
    position = batch.back().position + 1;
  }
  return end;
}

PaymentEvent SqliteEventStore::event_from_row(sqlite3_stmt* row) const {
  PaymentEvent event;
  event.aggregate_id = from_sqlite(sqlite3_column_int64(row, 0));
  event.version = from_sqlite(sqlite3_column_int64(row, 1));
  const sqlite3_int64 type = sqlite3_column_int64(row, 3);
  event.amount_minor = sqlite3_column_int64(row, 4);
  const auto* currency = sqlite3_column_text(row, 5);
  const int currency_bytes = sqlite3_column_bytes(row, 5);
  event.merchant_id = static_cast<std::uint32_t>(sqlite3_column_int64(row, 6));
  event.timestamp = EventTimestamp(std::chrono::microseconds(sqlite3_column_int64(row, 7)));

  // The CHECK constraints keep both valid, unless the table was created by another schema.
  const bool is_valid_type =
      type >= 0 && type <= 255 && is_payment_event_type(static_cast<std::uint8_t>(type));
  if (!is_valid_type || currency == nullptr || currency_bytes != 3) {
    throw EventStoreError("sqlite event store: " + path_.string() + ": the row of version " +
                          std::to_string(event.version) + " of stream " +
                          std::to_string(event.aggregate_id) +
                          " has an invalid type or currency; was the table created by another "
                          "program?");
  }
  event.type = static_cast<PaymentEventType>(type);
  std::memcpy(event.currency.data(), currency, event.currency.size());
  return event;
}

std::uint64_t SqliteEventStore::version_locked(std::uint64_t aggregate_id) const {
  ResetOnExit reset(select_version_);
  sqlite3_bind_int64(select_version_, 1, to_sqlite(aggregate_id));
  const int result = sqlite3_step(select_version_);
  if (result != SQLITE_ROW) {
    throw_sqlite_error("read the version of stream " + std::to_string(aggregate_id), result);
  }
  return from_sqlite(sqlite3_column_int64(select_version_, 0));
}

std::uint64_t SqliteEventStore::end_position_locked() const {
  ResetOnExit reset(select_end_position_);
  const int result = sqlite3_step(select_end_position_);
  if (result != SQLITE_ROW) {
    throw_sqlite_error("read the end position", result);
  }
  return from_sqlite(sqlite3_column_int64(select_end_position_, 0));
}

void SqliteEventStore::step_to_done(sqlite3_stmt* statement, std::string_view action) const {
  ResetOnExit reset(statement);
  const int result = sqlite3_step(statement);
  if (result != SQLITE_DONE) {
    throw_sqlite_error(action, result);
  }
}

void SqliteEventStore::rollback_quietly() const noexcept {
  // A failed COMMIT or statement may have rolled back already, and then ROLLBACK would fail.
  if (sqlite3_get_autocommit(db_) == 0) {
    sqlite3_step(rollback_);
    sqlite3_reset(rollback_);
  }
}

void SqliteEventStore::throw_sqlite_error(std::string_view action, int result_code) const {
  const char* const message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(result_code);
  throw EventStoreError("sqlite event store: " + std::string(action) + " in " + path_.string() +
                        " failed: " + message + " (SQLite result code " +
                        std::to_string(result_code) + ")");
}

}  // namespace paybench
