#include "paybench/writes/sqlite_sink.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "sql_sink_contract_tests.h"

namespace paybench::testing {
namespace {

// A new empty directory under the system's temporary directory, deleted with its contents.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "paybench-sqlite-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path_ = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    // Restore write permission that a test removed, so that the contents can be deleted.
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `sql` on a connection of its own and returns the first column of the first row, or ""
// when there is none.
std::string query_text(const std::filesystem::path& database, const std::string& sql) {
  sqlite3* connection = nullptr;
  sqlite3_open_v2(database.c_str(), &connection, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* statement = nullptr;
  std::string text;
  if (sqlite3_prepare_v2(connection, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    const unsigned char* value = sqlite3_column_text(statement, 0);
    text = value != nullptr ? reinterpret_cast<const char*>(value) : "";
  }
  sqlite3_finalize(statement);
  sqlite3_close_v2(connection);
  return text;
}

template <SqliteJournalMode kJournalMode>
class SqliteBackend {
 public:
  void set_up() { directory_ = std::make_unique<TemporaryDirectory>(); }
  void tear_down() { directory_.reset(); }

  [[nodiscard]] std::filesystem::path database() const {
    return directory_->path() / "payments.db";
  }

  std::unique_ptr<PaymentSink> open() {
    return std::make_unique<SqliteSink>(
        SqliteSinkOptions{.path = database(), .journal_mode = kJournalMode});
  }

  std::vector<PaymentRow> read_rows() {
    sqlite3* connection = nullptr;
    EXPECT_EQ(sqlite3_open_v2(database().c_str(), &connection, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(connection,
                                 "SELECT id, amount_minor, currency, merchant_id, created_at_us"
                                 " FROM payments ORDER BY id",
                                 -1, &statement, nullptr),
              SQLITE_OK);

    std::vector<PaymentRow> rows;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      PaymentRow row;
      row.id = static_cast<std::uint64_t>(sqlite3_column_int64(statement, 0));
      row.amount_minor = sqlite3_column_int64(statement, 1);
      const auto* currency = static_cast<const char*>(sqlite3_column_blob(statement, 2));
      EXPECT_EQ(sqlite3_column_bytes(statement, 2), 3);
      std::copy_n(currency, 3, row.currency.begin());
      row.merchant_id = static_cast<std::uint32_t>(sqlite3_column_int64(statement, 3));
      row.created_at_us = sqlite3_column_int64(statement, 4);
      rows.push_back(row);
    }
    sqlite3_finalize(statement);
    sqlite3_close_v2(connection);
    return rows;
  }

 private:
  std::unique_ptr<TemporaryDirectory> directory_;
};

using SqliteBackends = ::testing::Types<SqliteBackend<SqliteJournalMode::kWal>,
                                        SqliteBackend<SqliteJournalMode::kDelete>>;
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SqlSinkContractTest, SqliteBackends);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, TransactionalSinkContractTest, SqliteBackends);

// Constructs a sink with `options` and returns the SinkError message, or "" when none was thrown.
std::string open_error(SqliteSinkOptions options) {
  try {
    SqliteSink sink(std::move(options));
  } catch (const SinkError& error) {
    return error.what();
  }
  return "";
}

TEST(SqliteSinkTest, AppliesJournalMode) {
  const TemporaryDirectory directory;
  const std::filesystem::path wal = directory.path() / "wal.db";
  const std::filesystem::path rollback = directory.path() / "rollback.db";

  SqliteSink wal_sink({.path = wal, .journal_mode = SqliteJournalMode::kWal});
  SqliteSink rollback_sink({.path = rollback, .journal_mode = SqliteJournalMode::kDelete});

  EXPECT_EQ(query_text(wal, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(rollback, "PRAGMA journal_mode"), "delete");
}

TEST(SqliteSinkTest, EverySynchronousLevelStoresRows) {
  const TemporaryDirectory directory;
  for (const SqliteSynchronous level : {SqliteSynchronous::kExtra, SqliteSynchronous::kFull,
                                        SqliteSynchronous::kNormal, SqliteSynchronous::kOff}) {
    SCOPED_TRACE(static_cast<int>(level));
    const std::filesystem::path path =
        directory.path() / ("level" + std::to_string(static_cast<int>(level)) + ".db");
    SqliteSink sink({.path = path, .synchronous = level});
    sink.write_batch(make_rows(1, 5));
    EXPECT_EQ(sorted(sink.stored_ids()), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  }
}

TEST(SqliteSinkTest, NonSqliteFileFails) {
  const TemporaryDirectory directory;
  const std::filesystem::path path = directory.path() / "notes.txt";
  std::ofstream(path) << std::string(4096, 'x');

  const std::string message = open_error({.path = path});
  EXPECT_TRUE(contains(message, "sqlite: ")) << message;
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "file is not a database")) << message;
  EXPECT_TRUE(contains(message, "pass the path of an SQLite database")) << message;
}

TEST(SqliteSinkTest, MissingDirectoryFails) {
  const TemporaryDirectory directory;
  const std::filesystem::path path = directory.path() / "missing" / "payments.db";

  const std::string message = open_error({.path = path});
  EXPECT_TRUE(contains(message, "sqlite: ")) << message;
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "unable to open database file")) << message;
  EXPECT_TRUE(contains(
      message, "The directory '" + path.parent_path().string() + "' does not exist: create it"))
      << message;
}

TEST(SqliteSinkTest, FileAsDirectoryFails) {
  const TemporaryDirectory directory;
  const std::filesystem::path file = directory.path() / "plain-file";
  std::ofstream(file) << "not a directory";
  const std::filesystem::path path = file / "payments.db";

  const std::string message = open_error({.path = path});
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "'" + file.string() + "' is not a directory")) << message;
}

// /proc rejects new files even for root, so this fails where a read-only directory cannot.
TEST(SqliteSinkTest, DirectoryWithoutNewFilesFails) {
  if (!std::filesystem::exists("/proc/self")) {
    GTEST_SKIP() << "/proc is not mounted";
  }
  const std::filesystem::path path =
      "/proc/paybench-sqlite-test-" + std::to_string(getpid()) + ".db";

  const std::string message = open_error({.path = path});
  EXPECT_TRUE(contains(message, "sqlite: ")) << message;
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "unable to open database file")) << message;
}

TEST(SqliteSinkTest, ReadOnlyDirectoryFails) {
  const TemporaryDirectory directory;
  std::filesystem::permissions(
      directory.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  const std::filesystem::path probe = directory.path() / "probe";
  if (std::ofstream(probe)) {
    GTEST_SKIP() << "this user can create files in a directory without write permission "
                    "(root or CAP_DAC_OVERRIDE); DirectoryWithoutNewFilesFails covers the error";
  }
  const std::filesystem::path path = directory.path() / "payments.db";

  const std::string message = open_error({.path = path});
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "This user cannot create files in the directory '" +
                                    directory.path().string() + "'"))
      << message;
}

TEST(SqliteSinkTest, ReadOnlyFileFails) {
  const TemporaryDirectory directory;
  const std::filesystem::path path = directory.path() / "payments.db";
  { SqliteSink create({.path = path}); }
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  if (std::ofstream(path, std::ios::app)) {
    GTEST_SKIP() << "this user can write a file without write permission (root or "
                    "CAP_DAC_OVERRIDE)";
  }

  const std::string message = open_error({.path = path});
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "read-only")) << message;
}

TEST(SqliteSinkTest, EmptyPathFails) {
  const std::string message = open_error({.path = ""});
  EXPECT_TRUE(contains(message, "sqlite: the database path is empty")) << message;
}

TEST(SqliteSinkTest, NegativeBusyTimeoutFails) {
  const TemporaryDirectory directory;
  const std::string message = open_error(
      {.path = directory.path() / "payments.db", .busy_timeout = std::chrono::milliseconds(-1)});
  EXPECT_TRUE(contains(message, "busy_timeout of -1 ms")) << message;
}

TEST(SqliteSinkTest, InMemoryDatabaseCannotUseWal) {
  const std::string message = open_error({.path = ":memory:"});
  EXPECT_TRUE(contains(message, "journal_mode wal was requested")) << message;
  EXPECT_TRUE(contains(message, "'memory'")) << message;
}

TEST(SqliteSinkTest, LockedDatabaseFailsAfterBusyTimeout) {
  const TemporaryDirectory directory;
  const std::filesystem::path path = directory.path() / "payments.db";
  SqliteSink sink({.path = path, .busy_timeout = std::chrono::milliseconds(0)});

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  try {
    sink.write_batch(make_rows(1, 2));
    ADD_FAILURE() << "expected SinkError while another connection holds the write lock";
  } catch (const SinkError& error) {
    EXPECT_TRUE(contains(error.what(), "database is locked")) << error.what();
    EXPECT_TRUE(contains(error.what(), "busy timeout of 0 ms")) << error.what();
  }

  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close_v2(other);
  sink.write_batch(make_rows(1, 2));
  EXPECT_EQ(sorted(sink.stored_ids()), (std::vector<std::uint64_t>{1, 2}));
}

TEST(SqliteSinkTest, DuplicateMessageNamesRowAndId) {
  const TemporaryDirectory directory;
  const std::filesystem::path path = directory.path() / "payments.db";
  SqliteSink sink({.path = path});
  sink.write_batch(make_rows(1, 1));

  try {
    sink.write_batch(make_rows(1, 2));
    ADD_FAILURE() << "expected SinkError for the duplicate id 1";
  } catch (const SinkError& error) {
    EXPECT_TRUE(contains(error.what(), path.string())) << error.what();
    EXPECT_TRUE(contains(error.what(), "row 0 (id 1) of a batch of 2 rows")) << error.what();
    EXPECT_TRUE(contains(error.what(), "UNIQUE constraint failed: payments.id")) << error.what();
  }
}

}  // namespace
}  // namespace paybench::testing
