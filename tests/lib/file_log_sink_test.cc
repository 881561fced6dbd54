#include "paybench/writes/file_log_sink.h"

#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "paybench/writes/batch_processor.h"
#include "paybench/writes/payment_row.h"

namespace paybench::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kHeaderSize = FileLogSink::kHeaderSize;
constexpr std::size_t kRecordSize = FileLogSink::kRecordSize;

PaymentRow make_row(std::uint64_t id) {
  return PaymentRow{
      .id = id,
      .amount_minor = static_cast<std::int64_t>(id) * 100 + 7,
      .currency = {'E', 'U', 'R'},
      .merchant_id = static_cast<std::uint32_t>(id % 97),
      .created_at_us = 1'700'000'000'000'000 + static_cast<std::int64_t>(id),
  };
}

std::vector<PaymentRow> make_rows(std::uint64_t first, std::uint64_t end) {
  std::vector<PaymentRow> rows;
  for (std::uint64_t id = first; id < end; ++id) {
    rows.push_back(make_row(id));
  }
  return rows;
}

std::vector<std::uint64_t> ids_in_range(std::uint64_t first, std::uint64_t end) {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t id = first; id < end; ++id) {
    ids.push_back(id);
  }
  return ids;
}

std::vector<std::uint64_t> sorted(std::vector<std::uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Offset of record `index` (counting from 0 over the whole file) in a log file.
std::uint64_t record_offset(std::uint64_t index) { return kHeaderSize + index * kRecordSize; }

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void append_to_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << "cannot append to " << path;
}

// Inverts the bits of the byte at `offset`, as a damaged sector or a torn write would.
void flip_byte(const std::filesystem::path& path, std::uint64_t offset) {
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(~byte);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(&byte, 1);
  ASSERT_TRUE(file.good()) << "cannot change byte " << offset << " of " << path;
}

// Runs `body` on a new thread that lacks the capabilities which let root ignore file
// permissions. Capabilities belong to each thread in Linux, so the rest of the test process
// keeps them. Returns false when they cannot be dropped.
bool run_without_permission_override(const std::function<void()>& body) {
  bool dropped = false;
  std::thread thread([&] {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capget, &header, data) != 0) {
      return;
    }
    for (const int capability : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER}) {
      data[capability / 32].effective &= ~(1U << (capability % 32));
    }
    if (::syscall(SYS_capset, &header, data) != 0) {
      return;
    }
    dropped = true;
    body();
  });
  thread.join();
  return dropped;
}

// Lowers the process's file size limit (RLIMIT_FSIZE) while it lives, and ignores SIGXFSZ, so
// that a write past the limit fails with EFBIG instead of killing the process. This is how the
// tests make a write fail without filling a disk.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(std::uint64_t max_bytes) {
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &previous_limit_), 0);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{static_cast<rlim_t>(max_bytes), previous_limit_.rlim_max};
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  }

  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &previous_limit_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit previous_limit_{};
  void (*previous_handler_)(int) = nullptr;
};

class FileLogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "paybench_file_log_XXXXXX");
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << "mkdtemp failed for " << pattern;
    directory_ = pattern;
    log_path_ = directory_ / "payments.log";
  }

  void TearDown() override {
    std::filesystem::permissions(directory_, std::filesystem::perms::owner_all);
    std::filesystem::remove_all(directory_);
  }

  // Returns the what() of the SinkError that constructing a sink on `path` throws, or a
  // description of what happened instead.
  static std::string open_error(const std::filesystem::path& path) {
    try {
      FileLogSink sink(path);
    } catch (const SinkError& error) {
      return error.what();
    }
    return "no error: the sink opened " + path.string();
  }

  std::filesystem::path directory_;
  std::filesystem::path log_path_;
};

TEST_F(FileLogSinkTest, RoundTripKeepsEveryField) {
  std::vector<PaymentRow> rows = make_rows(0, 10);
  rows[3].amount_minor = -250;
  rows[4].currency = {'J', 'P', 'Y'};
  rows[5].merchant_id = std::numeric_limits<std::uint32_t>::max();
  rows[6].id = std::numeric_limits<std::uint64_t>::max();
  rows[7].created_at_us = std::numeric_limits<std::int64_t>::min();
  const std::vector<PaymentRow> second_batch = make_rows(100, 103);

  FileLogSink sink(log_path_);
  sink.write_batch(rows);
  sink.write_batch(second_batch);

  std::vector<PaymentRow> expected = rows;
  expected.insert(expected.end(), second_batch.begin(), second_batch.end());
  EXPECT_EQ(sink.stored_rows(), expected);
  EXPECT_EQ(sink.stored_ids().size(), 13U);
  EXPECT_EQ(sink.name(), "file_log");
}

TEST_F(FileLogSinkTest, FileContainsHeaderAndRecords) {
  FileLogSink sink(log_path_);
  EXPECT_EQ(std::filesystem::file_size(log_path_), 0U);

  sink.write_batch({});
  EXPECT_EQ(std::filesystem::file_size(log_path_), 0U);

  sink.write_batch(make_rows(0, 3));
  sink.write_batch(make_rows(3, 6));
  EXPECT_EQ(std::filesystem::file_size(log_path_), kHeaderSize + 6 * kRecordSize);
  EXPECT_EQ(read_file(log_path_).substr(0, kHeaderSize), FileLogSink::kMagic);
}

TEST_F(FileLogSinkTest, ReopenAppendsToExistingLog) {
  {
    FileLogSink sink(log_path_);
    sink.write_batch(make_rows(0, 5));
  }
  FileLogSink reopened(log_path_);
  EXPECT_EQ(reopened.truncated_bytes_at_open(), 0U);
  reopened.write_batch(make_rows(5, 10));

  EXPECT_EQ(reopened.stored_ids(), ids_in_range(0, 10));
}

TEST_F(FileLogSinkTest, TornLastRecordIsIgnored) {
  FileLogSink sink(log_path_);
  sink.write_batch(make_rows(0, 5));
  sink.write_batch(make_rows(5, 8));

  // The first 20 bytes of a copy of the last record: a record cut short by a crash.
  const std::string log = read_file(log_path_);
  append_to_file(log_path_, std::string_view(log).substr(record_offset(7), 20));
  EXPECT_EQ(sink.stored_ids(), ids_in_range(0, 8));
}

TEST_F(FileLogSinkTest, ReopenTruncatesTornLastRecord) {
  {
    FileLogSink sink(log_path_);
    sink.write_batch(make_rows(0, 5));
  }
  append_to_file(log_path_, std::string(20, 'x'));

  FileLogSink reopened(log_path_);
  EXPECT_EQ(reopened.truncated_bytes_at_open(), 20U);
  EXPECT_EQ(std::filesystem::file_size(log_path_), record_offset(5));
  reopened.write_batch(make_rows(5, 7));
  EXPECT_EQ(reopened.stored_ids(), ids_in_range(0, 7));
}

TEST_F(FileLogSinkTest, DamagedLastBatchIsIgnoredWhole) {
  {
    FileLogSink sink(log_path_);
    sink.write_batch(make_rows(0, 5));
    sink.write_batch(make_rows(5, 8));
  }
  // Records 5 and 7 stay intact, but the batch is all or nothing.
  flip_byte(log_path_, record_offset(6) + 3);

  FileLogSink reopened(log_path_);
  EXPECT_EQ(reopened.truncated_bytes_at_open(), 3 * kRecordSize);
  EXPECT_EQ(reopened.stored_ids(), ids_in_range(0, 5));

  reopened.write_batch(make_rows(8, 10));
  std::vector<std::uint64_t> expected = ids_in_range(0, 5);
  expected.push_back(8);
  expected.push_back(9);
  EXPECT_EQ(reopened.stored_ids(), expected);
}

TEST_F(FileLogSinkTest, LastBatchWithoutItsLastRecordIsIgnored) {
  FileLogSink sink(log_path_);
  sink.write_batch(make_rows(0, 5));
  sink.write_batch(make_rows(5, 8));

  std::filesystem::resize_file(log_path_, record_offset(7));
  EXPECT_EQ(sink.stored_ids(), ids_in_range(0, 5));
}

TEST_F(FileLogSinkTest, ZeroFilledTailIsIgnored) {
  FileLogSink sink(log_path_);
  sink.write_batch(make_rows(0, 4));

  append_to_file(log_path_, std::string(2 * kRecordSize, '\0'));
  EXPECT_EQ(sink.stored_ids(), ids_in_range(0, 4));
}

TEST_F(FileLogSinkTest, DamageBeforeLaterBatchIsCorruption) {
  {
    FileLogSink sink(log_path_);
    sink.write_batch(make_rows(0, 3));
    sink.write_batch(make_rows(3, 6));
  }
  flip_byte(log_path_, record_offset(1) + 10);

  const std::string message = open_error(log_path_);
  EXPECT_TRUE(contains(message, "is corrupt")) << message;
  EXPECT_TRUE(contains(message, "offset " + std::to_string(record_offset(1)))) << message;
  EXPECT_TRUE(contains(message, log_path_.string())) << message;
  EXPECT_EQ(std::filesystem::file_size(log_path_), record_offset(6))
      << "a corrupt log must not be truncated";
}

TEST_F(FileLogSinkTest, StoredIdsReportsCorruption) {
  FileLogSink sink(log_path_);
  sink.write_batch(make_rows(0, 3));
  sink.write_batch(make_rows(3, 6));
  flip_byte(log_path_, record_offset(0) + 1);

  EXPECT_THROW(static_cast<void>(sink.stored_ids()), SinkError);
}

TEST_F(FileLogSinkTest, ClearTruncatesToZeroBytes) {
  FileLogSink sink(log_path_);
  sink.write_batch(make_rows(0, 5));
  sink.clear();

  EXPECT_EQ(std::filesystem::file_size(log_path_), 0U);
  EXPECT_TRUE(sink.stored_ids().empty());

  sink.write_batch(make_rows(10, 12));
  EXPECT_EQ(sink.stored_ids(), ids_in_range(10, 12));
}

TEST_F(FileLogSinkTest, FailedWriteIsRolledBack) {
  FileLogSink sink(log_path_);
  sink.write_batch(make_rows(0, 5));
  const std::uint64_t size_before = std::filesystem::file_size(log_path_);

  {
    // Room for two records and part of a third: the write stops in the middle of the batch.
    FileSizeLimit limit(size_before + 2 * kRecordSize + 10);
    try {
      sink.write_batch(make_rows(5, 10));
      FAIL() << "write_batch() returned although the file size limit stops the write";
    } catch (const SinkError& error) {
      const std::string message = error.what();
      EXPECT_TRUE(contains(message, "File too large")) << message;
      EXPECT_TRUE(contains(message, "a batch of 5 rows")) << message;
      EXPECT_TRUE(contains(message, "truncated back to " + std::to_string(size_before) + " bytes"))
          << message;
    }
    EXPECT_EQ(std::filesystem::file_size(log_path_), size_before);
  }

  EXPECT_EQ(sink.stored_ids(), ids_in_range(0, 5));
  sink.write_batch(make_rows(10, 12));
  std::vector<std::uint64_t> expected = ids_in_range(0, 5);
  expected.push_back(10);
  expected.push_back(11);
  EXPECT_EQ(sink.stored_ids(), expected);
}

TEST_F(FileLogSinkTest, MissingDirectoryIsReported) {
  const std::filesystem::path path = directory_ / "missing" / "payments.log";
  const std::string message = open_error(path);

  EXPECT_TRUE(contains(message, "file_log sink")) << message;
  EXPECT_TRUE(contains(message, path.string())) << message;
  EXPECT_TRUE(contains(message, "No such file or directory")) << message;
  EXPECT_TRUE(contains(message, "Create the directory first")) << message;
}

TEST_F(FileLogSinkTest, ReadOnlyDirectoryIsReported) {
  std::filesystem::permissions(
      directory_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                      std::filesystem::perms::group_read | std::filesystem::perms::group_exec);
  std::string message;
  const bool ran = run_without_permission_override([&] { message = open_error(log_path_); });
  if (!ran) {
    GTEST_SKIP() << "cannot drop CAP_DAC_OVERRIDE, so root would write to the directory anyway";
  }

  EXPECT_TRUE(contains(message, "file_log sink")) << message;
  EXPECT_TRUE(contains(message, log_path_.string())) << message;
  EXPECT_TRUE(contains(message, "Permission denied")) << message;
  EXPECT_TRUE(contains(message, "a directory that this user can write to")) << message;
}

TEST_F(FileLogSinkTest, DirectoryPathIsReported) {
  const std::string message = open_error(directory_);

  EXPECT_TRUE(contains(message, directory_.string())) << message;
  EXPECT_TRUE(contains(message, "Is a directory")) << message;
  EXPECT_TRUE(contains(message, "Pass the path of a file")) << message;
}

TEST_F(FileLogSinkTest, ForeignFileIsNotTouched) {
  append_to_file(log_path_, "name,amount\nalice,10\n");
  const std::string message = open_error(log_path_);

  EXPECT_TRUE(contains(message, "is not a paybench file log")) << message;
  EXPECT_EQ(read_file(log_path_), "name,amount\nalice,10\n");
}

TEST_F(FileLogSinkTest, SecondSinkOnSameFileIsRejected) {
  FileLogSink first(log_path_);
  const std::string message = open_error(log_path_);

  EXPECT_TRUE(contains(message, "is locked by another FileLogSink")) << message;
}

TEST_F(FileLogSinkTest, StoresEveryRowBehindBatchProcessor) {
  FileLogSink sink(log_path_);
  {
    BatchProcessor<PaymentRow> processor(
        sink, {.max_batch_size = 64, .max_delay = 1ms, .queue_capacity = 256});
    for (std::uint64_t id = 0; id < 1000; ++id) {
      processor.add(make_row(id));
    }
    processor.stop();
    EXPECT_EQ(processor.stats().written, 1000U);
  }
  EXPECT_EQ(sorted(sink.stored_ids()), ids_in_range(0, 1000));
}

}  // namespace
}  // namespace paybench::testing
