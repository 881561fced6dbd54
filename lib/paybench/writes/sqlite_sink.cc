#include "paybench/writes/sqlite_sink.h"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace paybench {
namespace {

constexpr std::uint64_t kMaxId = std::numeric_limits<std::int64_t>::max();
constexpr std::string_view kNothingStored = "No row of the batch was stored.";

constexpr const char* kCreateTableSql =
    "CREATE TABLE IF NOT EXISTS payments (id INTEGER PRIMARY KEY, amount_minor INTEGER NOT NULL,"
    " currency TEXT NOT NULL, merchant_id INTEGER NOT NULL, created_at_us INTEGER NOT NULL)";
constexpr const char* kInsertSql =
    "INSERT INTO payments (id, amount_minor, currency, merchant_id, created_at_us)"
    " VALUES (?1, ?2, ?3, ?4, ?5)";

std::string_view to_pragma_value(SqliteJournalMode mode) {
  switch (mode) {
    case SqliteJournalMode::kWal:
      return "wal";
    case SqliteJournalMode::kDelete:
      return "delete";
  }
  return "unknown";
}

std::string_view to_pragma_value(SqliteSynchronous level) {
  switch (level) {
    case SqliteSynchronous::kExtra:
      return "EXTRA";
    case SqliteSynchronous::kFull:
      return "FULL";
    case SqliteSynchronous::kNormal:
      return "NORMAL";
    case SqliteSynchronous::kOff:
      return "OFF";
  }
  return "unknown";
}

// Returns why SQLite could not open or create `path` and what to do. The OS error alone can
// mislead: when creating a file in a read-only directory fails, SQLite retries read-only, and
// the error that remains is "No such file or directory".
std::string diagnose_open_failure(const std::filesystem::path& path, int os_error) {
  const std::filesystem::path directory =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(directory, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return "The directory '" + directory.string() +
           "' does not exist: create it or pass another path.";
  }
  if (status.type() != std::filesystem::file_type::unknown &&
      status.type() != std::filesystem::file_type::none && !std::filesystem::is_directory(status)) {
    return "'" + directory.string() + "' is not a directory: pass a path inside a directory.";
  }
  if (access(directory.c_str(), W_OK) != 0) {
    return "This user cannot create files in the directory '" + directory.string() +
           "': make it writable or pass another path.";
  }
  const std::string os_message =
      os_error != 0 ? std::generic_category().message(os_error) : "no system error";
  return "The system reported: " + os_message +
         ". Check that the directory exists and that this user can create files in it.";
}

// Returns what to do about an error with the primary result code `primary_code`, or "".
// SQLITE_CANTOPEN gets diagnose_open_failure() instead.
std::string hint_for(int primary_code, std::chrono::milliseconds busy_timeout) {
  switch (primary_code) {
    case SQLITE_NOTADB:
      return "The file exists but is not an SQLite database: pass the path of an SQLite "
             "database or of a file that does not exist yet.";
    case SQLITE_READONLY:
      return "The database file or its directory is read-only: make both writable by this "
             "user.";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "Another connection held a lock on the database for longer than the busy timeout "
             "of " +
             std::to_string(busy_timeout.count()) +
             " ms: stop that connection or raise busy_timeout.";
    case SQLITE_CONSTRAINT:
      return "Ids must be unique in the table, and clear() empties it.";
    case SQLITE_FULL:
      return "The disk is full: free space or pass a path on another disk.";
    case SQLITE_IOERR:
      return "Reading or writing the file failed: check the disk and the file system.";
    case SQLITE_CORRUPT:
      return "The database file is corrupt: restore it or pass another path.";
    default:
      return "";
  }
}

// Binds the row to the INSERT's five parameters. Returns SQLITE_OK or the first failure.
int bind_row(sqlite3_stmt* insert, const PaymentRow& row) {
  const int codes[] = {
      sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(row.id)),
      sqlite3_bind_int64(insert, 2, row.amount_minor),
      // SQLITE_STATIC: the row outlives the step that reads the text.
      sqlite3_bind_text(insert, 3, row.currency.data(), static_cast<int>(row.currency.size()),
                        SQLITE_STATIC),
      sqlite3_bind_int64(insert, 4, row.merchant_id),
      sqlite3_bind_int64(insert, 5, row.created_at_us),
  };
  for (const int code : codes) {
    if (code != SQLITE_OK) {
      return code;
    }
  }
  return SQLITE_OK;
}

std::string describe_row(std::span<const PaymentRow> rows, std::size_t index) {
  return "row " + std::to_string(index) + " (id " + std::to_string(rows[index].id) +
         ") of a batch of " + std::to_string(rows.size()) + " rows";
}

}  // namespace

void SqliteSink::ConnectionCloser::operator()(sqlite3* connection) const noexcept {
  sqlite3_close_v2(connection);
}

void SqliteSink::StatementFinalizer::operator()(sqlite3_stmt* statement) const noexcept {
  sqlite3_finalize(statement);
}

SqliteSink::SqliteSink(SqliteSinkOptions options) : options_(std::move(options)) {
  const std::string path = options_.path.string();
  if (path.empty()) {
    throw SinkError("sqlite: the database path is empty: pass the path of a database file");
  }
  const bool timeout_valid =
      options_.busy_timeout.count() >= 0 && options_.busy_timeout.count() <= INT_MAX;
  if (!timeout_valid) {
    throw SinkError("sqlite: busy_timeout of " + std::to_string(options_.busy_timeout.count()) +
                    " ms for '" + path + "' is invalid: expected 0 to " + std::to_string(INT_MAX) +
                    " ms");
  }

  open_database();

  execute(kCreateTableSql, "creating table payments");
  begin_ = prepare("BEGIN IMMEDIATE", "preparing BEGIN IMMEDIATE");
  insert_ = prepare(kInsertSql, "preparing the INSERT into table payments");
  commit_ = prepare("COMMIT", "preparing COMMIT");
}

SqliteSink::~SqliteSink() = default;

void SqliteSink::open_database() {
  // Multi-thread mode: no mutex on every call, because one thread at a time uses the sink.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  sqlite3* connection = nullptr;
  const int open_code = sqlite3_open_v2(options_.path.c_str(), &connection, flags, nullptr);
  // SQLite returns a handle even when opening fails, and it must be closed.
  connection_.reset(connection);
  if (open_code != SQLITE_OK) {
    throw_error("opening the database", open_code);
  }
  sqlite3_extended_result_codes(connection, 1);

  // SQLite opens an existing file read-only when it cannot write it. Writes would fail only
  // later, with a less clear message.
  if (sqlite3_db_readonly(connection, "main") == 1) {
    throw SinkError("sqlite: '" + options_.path.string() +
                    "' is read-only for this user: make the file and its directory writable, "
                    "or pass another path.");
  }
  sqlite3_busy_timeout(connection, static_cast<int>(options_.busy_timeout.count()));

  // PRAGMA journal_mode returns the mode in effect, which differs from the requested one when
  // the database cannot use it (an in-memory database cannot use WAL).
  const std::string_view journal_mode = to_pragma_value(options_.journal_mode);
  const std::string journal_sql = "PRAGMA journal_mode=" + std::string(journal_mode);
  const std::string journal_action = "setting journal_mode=" + std::string(journal_mode);
  const Statement pragma = prepare(journal_sql.c_str(), journal_action);
  const int code = sqlite3_step(pragma.get());
  if (code != SQLITE_ROW) {
    throw_error(journal_action, code);
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(pragma.get(), 0));
  const std::string applied = text != nullptr ? text : "";
  if (applied != journal_mode) {
    const bool wal_requested = options_.journal_mode == SqliteJournalMode::kWal;
    throw SinkError(
        "sqlite: '" + options_.path.string() + "': journal_mode " + std::string(journal_mode) +
        " was requested but SQLite applied '" + applied + "'." +
        (wal_requested ? " In-memory databases cannot use WAL: pass the path of a file." : ""));
  }

  const std::string synchronous =
      "PRAGMA synchronous=" + std::string(to_pragma_value(options_.synchronous));
  execute(synchronous.c_str(), "setting synchronous");
}

void SqliteSink::write_batch(std::span<const PaymentRow> rows) {
  if (rows.empty()) {
    return;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].id > kMaxId) {
      throw SinkError("sqlite: '" + options_.path.string() + "': " + describe_row(rows, i) +
                      " has an id above " + std::to_string(kMaxId) +
                      ", the maximum of an SQLite INTEGER. No row of the batch was stored.");
    }
  }

  step_to_done(begin_.get(), "starting a transaction (BEGIN IMMEDIATE)");

  for (std::size_t i = 0; i < rows.size(); ++i) {
    int code = bind_row(insert_.get(), rows[i]);
    if (code == SQLITE_OK) {
      code = sqlite3_step(insert_.get());
    }
    if (code != SQLITE_DONE) {
      // Build the message first: the reset and the rollback replace SQLite's error message.
      const SinkError error =
          make_error("inserting " + describe_row(rows, i), code, kNothingStored);
      sqlite3_reset(insert_.get());
      roll_back();
      throw error;
    }
    sqlite3_reset(insert_.get());
  }

  const int code = sqlite3_step(commit_.get());
  if (code != SQLITE_DONE) {
    const std::string batch = "a batch of " + std::to_string(rows.size()) + " rows";
    const SinkError error = make_error("committing " + batch, code, kNothingStored);
    sqlite3_reset(commit_.get());
    roll_back();
    throw error;
  }
  sqlite3_reset(commit_.get());
}

std::vector<std::uint64_t> SqliteSink::stored_ids() {
  const Statement select = prepare("SELECT id FROM payments", "reading the ids");
  std::vector<std::uint64_t> ids;
  int code = SQLITE_ROW;
  while ((code = sqlite3_step(select.get())) == SQLITE_ROW) {
    ids.push_back(static_cast<std::uint64_t>(sqlite3_column_int64(select.get(), 0)));
  }
  if (code != SQLITE_DONE) {
    throw_error("reading the ids", code);
  }
  return ids;
}

void SqliteSink::clear() { execute("DELETE FROM payments", "deleting every row"); }

void SqliteSink::execute(const char* sql, std::string_view action) {
  const int code = sqlite3_exec(connection_.get(), sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) {
    throw_error(action, code);
  }
}

SqliteSink::Statement SqliteSink::prepare(const char* sql, std::string_view action) {
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v2(connection_.get(), sql, -1, &statement, nullptr);
  Statement owned(statement);
  if (code != SQLITE_OK) {
    throw_error(action, code);
  }
  return owned;
}

void SqliteSink::step_to_done(sqlite3_stmt* statement, std::string_view action) {
  const int code = sqlite3_step(statement);
  if (code != SQLITE_DONE) {
    const SinkError error = make_error(action, code);
    sqlite3_reset(statement);
    throw error;
  }
  sqlite3_reset(statement);
}

SinkError SqliteSink::make_error(std::string_view action, int code,
                                 std::string_view outcome) const {
  const int primary_code = code & 0xFF;
  // sqlite3_errmsg() is specific ("UNIQUE constraint failed: payments.id"), sqlite3_errstr()
  // only names the code. The connection is null only when SQLite could not allocate it.
  const char* message =
      connection_ != nullptr ? sqlite3_errmsg(connection_.get()) : sqlite3_errstr(code);
  std::string text = "sqlite: '" + options_.path.string() + "': " + std::string(action) +
                     " failed: " + message + " (SQLite result code " + std::to_string(code);

  // The OS error explains I/O failures. For most other codes it may be left over from an
  // unrelated call, such as SQLite probing for a journal file that does not exist.
  const int os_error = connection_ != nullptr ? sqlite3_system_errno(connection_.get()) : 0;
  if (primary_code == SQLITE_IOERR && os_error != 0) {
    text += ", " + std::generic_category().message(os_error);
  }
  text += ").";
  if (!outcome.empty()) {
    text += " " + std::string(outcome);
  }

  const std::string hint = primary_code == SQLITE_CANTOPEN
                               ? diagnose_open_failure(options_.path, os_error)
                               : hint_for(primary_code, options_.busy_timeout);
  if (!hint.empty()) {
    text += " " + hint;
  }
  return SinkError(text);
}

void SqliteSink::throw_error(std::string_view action, int code) const {
  throw make_error(action, code);
}

void SqliteSink::roll_back() noexcept {
  // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR), and then no
  // transaction is open.
  const bool in_transaction = sqlite3_get_autocommit(connection_.get()) == 0;
  if (in_transaction) {
    sqlite3_exec(connection_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace paybench
