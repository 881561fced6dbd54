// SqliteEventStore: an EventStore in an SQLite database (the sqlite3 C API), in WAL mode.
//
// Every event is a row of the table payment_events, whose PRIMARY KEY is (aggregate_id,
// version), so the database itself rejects a second event with a stream's version. An append
// is one transaction: BEGIN IMMEDIATE takes the write lock, the stream's version is checked, the
// rows are inserted and COMMIT ends it. Positions are assigned inside that transaction as the
// largest stored position + 1, so they are gap-free even when several processes append.
//
// Durability follows the synchronous option (see SQLite's documentation of PRAGMA synchronous).
// With kFull (the default) SQLite syncs the WAL at every commit, so an append that returned
// survives a crash of the machine. With kNormal or kOff it survives a crash of the process. A
// crash of the machine may lose the last commits with kNormal, and may corrupt the database with
// kOff.
//
// The store uses one connection, and its mutex admits one call at a time. SQLite lets only one
// writer into a database at a time anyway. Reads wait for appends too.
// NOTE: a connection per thread would let loads and read_all() run while an append commits,
// which this store does not measure.

#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/eventsourcing/event_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace paybench {

// SQLite's PRAGMA synchronous levels that a store may use.
enum class SqliteSynchronous { kOff, kNormal, kFull };

struct SqliteEventStoreOptions {
  SqliteSynchronous synchronous = SqliteSynchronous::kFull;
  // Maximum time that BEGIN IMMEDIATE waits while another connection (another process or
  // another store on the same file) holds the write lock, before append() throws.
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteEventStore final : public EventStore {
 public:
  // Opens or creates the database at `path`, switches it to WAL and creates the table if it is
  // missing. Throws EventStoreError with SQLite's message when any step fails.
  explicit SqliteEventStore(std::filesystem::path path, SqliteEventStoreOptions options = {});
  ~SqliteEventStore() override;

  SqliteEventStore(const SqliteEventStore&) = delete;
  SqliteEventStore& operator=(const SqliteEventStore&) = delete;

  [[nodiscard]] std::string_view name() const override { return "sqlite"; }

  AppendResult append(std::uint64_t aggregate_id, std::uint64_t expected_version,
                      std::span<const PaymentEvent> events) override;

  [[nodiscard]] std::vector<PaymentEvent> load(std::uint64_t aggregate_id) const override;

  [[nodiscard]] std::uint64_t version(std::uint64_t aggregate_id) const override;

  [[nodiscard]] std::uint64_t end_position() const override;

  using EventStore::read_all;
  std::uint64_t read_all(std::uint64_t from_position,
                         const RecordedEventConsumer& consume) const override;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  void open_database();
  void close_database() noexcept;
  [[nodiscard]] sqlite3_stmt* prepare(std::string_view sql);
  void execute(std::string_view sql);
  void rollback_quietly() const noexcept;

  // Returns the event in the current row of a statement that selects the columns in the order
  // of kEventColumns. Throws EventStoreError for a type or currency that no append writes.
  PaymentEvent event_from_row(sqlite3_stmt* row) const;
  std::uint64_t version_locked(std::uint64_t aggregate_id) const;
  std::uint64_t end_position_locked() const;
  // Runs one step of a statement that returns no row, such as BEGIN or COMMIT. Throws
  // EventStoreError naming `action` unless the step finishes.
  void step_to_done(sqlite3_stmt* statement, std::string_view action) const;
  [[noreturn]] void throw_sqlite_error(std::string_view action, int result_code) const;

  const std::filesystem::path path_;
  const SqliteEventStoreOptions options_;

  // Guards the connection and every statement: a connection runs one transaction at a time.
  mutable std::mutex mutex_;
  sqlite3* db_ = nullptr;
  // Prepared once and reused. Guarded by mutex_.
  sqlite3_stmt* begin_immediate_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  sqlite3_stmt* select_version_ = nullptr;
  sqlite3_stmt* select_end_position_ = nullptr;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* select_stream_ = nullptr;
  sqlite3_stmt* select_range_ = nullptr;
};

}  // namespace paybench
