// SqliteSink: a PaymentSink that stores payments in the `payments` table of an SQLite database
// file, through the sqlite3 C API.
//
// Contract:
// - The constructor opens or creates the file, applies the journal mode, synchronous level and
//   busy timeout, and creates the table if it does not exist. Failures throw SinkError naming the
//   sink, the path, SQLite's message and what to do: for a missing or unwritable directory, a
//   file that is not an SQLite database, or a file that SQLite can open only read-only.
// - write_batch() stores a batch in one transaction (BEGIN IMMEDIATE .. COMMIT) with one
//   prepared INSERT, so a batch of 1 row costs one commit. On any error it rolls back and throws
//   SinkError, and no row of the batch is stored. A duplicate id fails the batch, because id is
//   the INTEGER PRIMARY KEY.
// - Ids must not exceed INT64_MAX, the maximum of an SQLite INTEGER.
// - Durability of a commit depends on `synchronous`, see SqliteSynchronous.
// - The connection is opened in SQLite's multi-thread mode (SQLITE_OPEN_NOMUTEX): the sink may
//   move between threads but must not be used by two at once, as BatchSink requires anyway.

#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/writes/batch_sink.h"
#include "paybench/writes/payment_row.h"
#include "paybench/writes/payment_sink.h"

// SQLite's connection and statement handles, declared here so that this header does not include
// sqlite3.h.
struct sqlite3;
struct sqlite3_stmt;

namespace paybench {

enum class SqliteJournalMode {
  // Write-ahead log: a commit appends to the -wal file, and readers do not block the writer.
  kWal,
  // Rollback journal, SQLite's default: a commit writes the database file and deletes the
  // -journal file.
  kDelete,
};

// PRAGMA synchronous. The risks below are those that SQLite documents for PRAGMA synchronous
// (sqlite.org/pragma.html#pragma_synchronous), which also states that a crash of the application
// loses no committed transaction at any level.
enum class SqliteSynchronous {
  // FULL plus a sync of the directory after the rollback journal is deleted, so that a commit
  // also survives a power loss right after it in kDelete mode. The same as kFull in WAL mode.
  kExtra,
  // Syncs at every commit. In WAL mode, a committed transaction survives an OS crash or power
  // loss when the disk honors fsync. In kDelete mode, a power loss right after a commit may
  // still roll it back, because the deletion of the journal is not synced. The default.
  kFull,
  // In WAL mode, syncs only at checkpoints: the database stays consistent, but the last committed
  // transactions may roll back after an OS crash or power loss. With the rollback journal, a
  // power loss at the wrong moment may corrupt the database on older file systems.
  kNormal,
  // Never syncs: an OS crash or power loss may lose committed transactions and corrupt the
  // database.
  kOff,
};

struct SqliteSinkOptions {
  // Database file, created if missing. Its directory must exist and be writable, because SQLite
  // creates the journal or WAL file next to it.
  std::filesystem::path path;
  SqliteJournalMode journal_mode = SqliteJournalMode::kWal;
  SqliteSynchronous synchronous = SqliteSynchronous::kFull;
  // Maximum time a write waits for another connection's lock before it fails with "database is
  // locked". Zero fails at once.
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteSink final : public PaymentSink {
 public:
  // Opens the database as `options` describe. Throws SinkError on failure.
  explicit SqliteSink(SqliteSinkOptions options);
  ~SqliteSink() override;

  SqliteSink(const SqliteSink&) = delete;
  SqliteSink& operator=(const SqliteSink&) = delete;

  [[nodiscard]] std::string_view name() const override { return "sqlite"; }

  // Stores every row in one transaction or, on failure, none. Throws SinkError on failure.
  void write_batch(std::span<const PaymentRow> rows) override;

  [[nodiscard]] std::vector<std::uint64_t> stored_ids() override;

  // Deletes every row of the table.
  void clear() override;

  [[nodiscard]] const SqliteSinkOptions& options() const noexcept { return options_; }

 private:
  struct ConnectionCloser {
    void operator()(sqlite3* connection) const noexcept;
  };
  struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const noexcept;
  };
  using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

  void open_database();

  // Runs `sql`, which may contain several statements, and throws SinkError if it fails. `action`
  // names the step in the message, as in "<action> failed: <SQLite message>".
  void execute(const char* sql, std::string_view action);

  [[nodiscard]] Statement prepare(const char* sql, std::string_view action);

  // Steps a statement that returns no rows, resets it and throws SinkError if it failed.
  void step_to_done(sqlite3_stmt* statement, std::string_view action);

  // Returns the SinkError for SQLite result code `code`: the path, `action`, SQLite's message,
  // `outcome` (what the failure left stored) and a hint. Call it before any other SQLite call
  // replaces the connection's message.
  [[nodiscard]] SinkError make_error(std::string_view action, int code,
                                     std::string_view outcome = {}) const;
  [[noreturn]] void throw_error(std::string_view action, int code) const;

  // Rolls back the open transaction, if any, and ignores a failure: the caller reports the error
  // that made it roll back.
  void roll_back() noexcept;

  SqliteSinkOptions options_;
  // Declared before the statements, so that they are finalized before it closes.
  std::unique_ptr<sqlite3, ConnectionCloser> connection_;
  Statement begin_;
  Statement insert_;
  Statement commit_;
};

}  // namespace paybench
