// PostgresSink tests. Most need a PostgreSQL server: ctest starts a throwaway one (fixture
// postgres_server, tests/support/postgres_server.py), or PAYBENCH_PG_DSN names another. Without
// one they skip, unless CI is set, where they fail. The connection error tests need no server.

#include "paybench/writes/postgres_sink.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sql_sink_contract_tests.h"

namespace paybench::testing {
namespace {

// The role that tests/support/postgres_server.py creates with a password, for the
// wrong-password test.
constexpr std::string_view kAuthCheckRole = "paybench_auth_check";

bool is_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::string_view(ci) == "true" || std::string_view(ci) == "1");
}

// Returns the connection string of the test server from PAYBENCH_PG_DSN or the fixture's file,
// or "" when there is none.
std::string find_test_server_dsn() {
  const char* from_environment = std::getenv("PAYBENCH_PG_DSN");
  if (from_environment != nullptr && *from_environment != '\0') {
    return from_environment;
  }
  std::ifstream file(PAYBENCH_PG_DSN_FILE);
  std::string dsn;
  std::getline(file, dsn);
  return dsn;
}

// Sets `dsn` to the test server's connection string. Without a server it skips the test, or
// fails it when CI is set, with a message on how to get a server.
void require_test_server(std::string& dsn) {
  dsn = find_test_server_dsn();
  if (!dsn.empty()) {
    return;
  }

  const bool server_installed = std::filesystem::exists(PAYBENCH_PG_SERVER_BINARY);
  const std::string reason =
      server_installed
          ? "no PostgreSQL server: run this test through ctest, which starts one, or set "
            "PAYBENCH_PG_DSN"
          : std::string(PAYBENCH_PG_SERVER_BINARY) +
                " not found: apt-get install postgresql-15 (scripts/setup installs it) "
                "enables the PostgreSQL tests";
  if (is_ci()) {
    FAIL() << reason << " (CI is set, so this fails instead of skipping)";
  }
  GTEST_SKIP() << reason;
}

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;

// Returns a table name that no other test, in this process or another, uses at the same time.
std::string unique_table_name() {
  static std::atomic<int> next{0};
  return "paybench_test_" + std::to_string(getpid()) + "_" + std::to_string(next++);
}

std::int64_t parse_int64(const char* text) {
  std::int64_t value = 0;
  const std::string_view view(text);
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  EXPECT_EQ(error, std::errc()) << text;
  EXPECT_EQ(end, view.data() + view.size()) << "trailing characters in " << text;
  return value;
}

template <PostgresWriteMode kMode>
class PostgresBackend {
 public:
  void set_up() {
    require_test_server(dsn_);
    table_ = unique_table_name();
  }

  void tear_down() {
    if (dsn_.empty()) {
      return;
    }
    const Connection connection(PQconnectdb(dsn_.c_str()));
    const std::string sql = "DROP TABLE IF EXISTS " + table_;
    const Result result(PQexec(connection.get(), sql.c_str()));
    EXPECT_EQ(PQresultStatus(result.get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());
  }

  std::unique_ptr<PaymentSink> open() {
    return std::make_unique<PostgresSink>(dsn_, kMode, table_);
  }

  std::vector<PaymentRow> read_rows() {
    const Connection connection(PQconnectdb(dsn_.c_str()));
    const std::string sql = "SELECT id, amount_minor, currency, merchant_id, created_at_us FROM " +
                            table_ + " ORDER BY id";
    const Result result(PQexec(connection.get(), sql.c_str()));
    EXPECT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK) << PQerrorMessage(connection.get());

    std::vector<PaymentRow> rows;
    for (int i = 0; i < PQntuples(result.get()); ++i) {
      PaymentRow row;
      row.id = static_cast<std::uint64_t>(parse_int64(PQgetvalue(result.get(), i, 0)));
      row.amount_minor = parse_int64(PQgetvalue(result.get(), i, 1));
      const std::string_view currency = PQgetvalue(result.get(), i, 2);
      EXPECT_EQ(currency.size(), 3U) << currency;
      std::copy_n(currency.begin(), std::min<std::size_t>(currency.size(), 3),
                  row.currency.begin());
      row.merchant_id = static_cast<std::uint32_t>(parse_int64(PQgetvalue(result.get(), i, 3)));
      row.created_at_us = parse_int64(PQgetvalue(result.get(), i, 4));
      rows.push_back(row);
    }
    return rows;
  }

  [[nodiscard]] const std::string& dsn() const { return dsn_; }
  [[nodiscard]] const std::string& table() const { return table_; }

 private:
  std::string dsn_;
  std::string table_;
};

using RowPerTransaction = PostgresBackend<PostgresWriteMode::kRowPerTransaction>;
using MultiRowInsert = PostgresBackend<PostgresWriteMode::kMultiRowInsert>;
using Copy = PostgresBackend<PostgresWriteMode::kCopy>;

using EveryMode = ::testing::Types<RowPerTransaction, MultiRowInsert, Copy>;
using TransactionalModes = ::testing::Types<MultiRowInsert, Copy>;
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SqlSinkContractTest, EveryMode);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, TransactionalSinkContractTest, TransactionalModes);

class PostgresRowPerTransactionTest : public ::testing::Test {
 protected:
  void SetUp() override { backend_.set_up(); }
  void TearDown() override { backend_.tear_down(); }

  RowPerTransaction backend_;
};

TEST_F(PostgresRowPerTransactionTest, FailedRowKeepsEarlierRows) {
  const std::unique_ptr<PaymentSink> sink = backend_.open();
  sink->write_batch(make_rows(1, 2));

  std::vector<PaymentRow> batch = make_rows(3, 4);
  batch[2].id = 1;
  try {
    sink->write_batch(batch);
    ADD_FAILURE() << "expected PartialBatchError for the duplicate id 1";
  } catch (const PartialBatchError& error) {
    EXPECT_EQ(error.committed_rows(), 2U);
    EXPECT_TRUE(contains(error.what(), "postgres_row_per_transaction")) << error.what();
    EXPECT_TRUE(contains(error.what(), "row 2 (id 1) of a batch of 4 rows")) << error.what();
    EXPECT_TRUE(contains(error.what(), "Rows 0 to 1 of the batch stay committed")) << error.what();
  }

  EXPECT_EQ(sorted(sink->stored_ids()), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TEST_F(PostgresRowPerTransactionTest, FailedFirstRowCommitsNothing) {
  const std::unique_ptr<PaymentSink> sink = backend_.open();
  sink->write_batch(make_rows(1, 1));

  try {
    sink->write_batch(make_rows(1, 3));
    ADD_FAILURE() << "expected PartialBatchError for the duplicate id 1";
  } catch (const PartialBatchError& error) {
    EXPECT_EQ(error.committed_rows(), 0U);
  }

  EXPECT_EQ(sorted(sink->stored_ids()), (std::vector<std::uint64_t>{1}));
}

TEST(PostgresSinkTest, NameContainsMode) {
  EXPECT_EQ(to_string(PostgresWriteMode::kRowPerTransaction), "row_per_transaction");
  EXPECT_EQ(to_string(PostgresWriteMode::kMultiRowInsert), "multi_row_insert");
  EXPECT_EQ(to_string(PostgresWriteMode::kCopy), "copy");

  std::string dsn;
  require_test_server(dsn);
  if (dsn.empty()) {
    return;
  }
  const std::string table = unique_table_name();
  PostgresSink sink(dsn, PostgresWriteMode::kCopy, table);
  EXPECT_EQ(sink.name(), "postgres_copy");
  EXPECT_EQ(sink.table(), table);
  EXPECT_EQ(sink.mode(), PostgresWriteMode::kCopy);

  const Connection connection(PQconnectdb(dsn.c_str()));
  const Result result(PQexec(connection.get(), ("DROP TABLE " + table).c_str()));
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());
}

// Returns a loopback TCP port that nothing listens on: the kernel picks a free one, and the
// probe socket closes without listening.
int unused_loopback_port() {
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof(address);
  const bool bound = bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                     getsockname(probe, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  close(probe);
  EXPECT_TRUE(bound) << "binding a probe socket on 127.0.0.1 failed";
  return ntohs(address.sin_port);
}

// Constructs a sink and returns the SinkError message, or "" when none was thrown.
std::string connect_error(const std::string& dsn,
                          std::string_view table = PostgresSink::kDefaultTable) {
  try {
    PostgresSink sink(dsn, PostgresWriteMode::kCopy, table);
  } catch (const SinkError& error) {
    return error.what();
  }
  return "";
}

constexpr std::string_view kPassword = "s3cret-Pa55";

TEST(PostgresSinkTest, UnreachablePortFailsWithoutPassword) {
  const std::string port = std::to_string(unused_loopback_port());
  const std::string dsn = "host=127.0.0.1 port=" + port +
                          " user=paybench password=" + std::string(kPassword) +
                          " dbname=postgres connect_timeout=10";

  const std::string message = connect_error(dsn);
  EXPECT_TRUE(contains(message, "postgres_copy: connecting to PostgreSQL")) << message;
  EXPECT_TRUE(contains(message, "port=" + port + " user=paybench password=*** dbname")) << message;
  EXPECT_TRUE(contains(message, "the server is running")) << message;
  EXPECT_FALSE(contains(message, kPassword)) << message;
}

TEST(PostgresSinkTest, UriPasswordIsHidden) {
  const std::string port = std::to_string(unused_loopback_port());
  const std::string dsn =
      "postgresql://paybench:" + std::string(kPassword) + "@127.0.0.1:" + port + "/postgres";

  const std::string message = connect_error(dsn);
  EXPECT_TRUE(contains(message, "postgresql://paybench:***@127.0.0.1:" + port)) << message;
  EXPECT_FALSE(contains(message, kPassword)) << message;
}

TEST(PostgresSinkTest, MalformedDsnFailsWithoutPassword) {
  const std::string password(kPassword);
  const std::string malformed[] = {
      "host=127.0.0.1 password=" + password + " dbname",
      "host=127.0.0.1 password " + password,
      "host=127.0.0.1 password='" + password,
      "host=127.0.0.1 pasword=" + password,
      "postgresql://paybench:" + password + "%zz@127.0.0.1/postgres",
  };
  for (const std::string& dsn : malformed) {
    const std::string message = connect_error(dsn);
    EXPECT_TRUE(contains(message, "postgres_copy: connecting to PostgreSQL")) << message;
    EXPECT_FALSE(contains(message, password)) << message;
  }
}

TEST(PostgresSinkTest, WrongPasswordFailsWithoutPassword) {
  std::string dsn;
  require_test_server(dsn);
  if (dsn.empty()) {
    return;
  }
  // A later keyword overrides an earlier one in a libpq connection string.
  const std::string wrong_password = "wrong-" + std::string(kPassword);
  const std::string message =
      connect_error(dsn + " user=" + std::string(kAuthCheckRole) + " password=" + wrong_password);

  EXPECT_TRUE(contains(message, "password authentication failed")) << message;
  EXPECT_TRUE(contains(message, "password=***")) << message;
  EXPECT_FALSE(contains(message, wrong_password)) << message;
}

TEST(PostgresSinkTest, InvalidTableNameFails) {
  // No server listens, so a name check after connecting would report the connection instead.
  const std::string dsn = "host=127.0.0.1 port=" + std::to_string(unused_loopback_port());
  const std::string invalid_names[] = {"", "Payments", "1payments", "payments; DROP TABLE x",
                                       std::string(64, 'a')};
  for (const std::string& table : invalid_names) {
    const std::string message = connect_error(dsn, table);
    EXPECT_TRUE(contains(message, "invalid table name '" + table + "'")) << message;
  }
}

}  // namespace
}  // namespace paybench::testing
